//! Brand deals: what a creator types (`/deal add brand=… amount=1500.00 currency=EUR …`) checked
//! into a `NewDeal`, and the vocabularies (deliverables, statuses, disclosure labels).
//!
//! May depend on `domain::invoices` (money and identifier validation) and `db/`.

use chrono::NaiveDate;

use crate::db::deals::NewDeal;
use crate::domain::invoices::{self, money, validate};
use crate::i18n::{Msg, msg};

pub const DELIVERABLES: [&str; 6] = [
    "dedicated_video",
    "integration",
    "short",
    "story",
    "post",
    "other",
];
pub const STATUSES: [&str; 4] = ["pending", "delivered", "paid", "cancelled"];
/// Loi 2023-451 art. 5: the label shown on sponsored content.
pub const DISCLOSURES: [&str; 2] = ["publicite", "collaboration_commerciale"];

/// The typed fields of `/deal add`, as text.
#[derive(Debug, Clone, Default)]
pub struct DealInput<'a> {
    pub brand: Option<&'a str>,
    pub amount: Option<&'a str>,
    pub currency: Option<&'a str>,
    pub deliverable: Option<&'a str>,
    pub delivery: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub buyer_name: Option<&'a str>,
    pub buyer_address: Option<&'a str>,
    pub buyer_siren: Option<&'a str>,
    pub buyer_vat: Option<&'a str>,
    pub buyer_email: Option<&'a str>,
    pub contract: Option<bool>,
    pub disclosure: Option<&'a str>,
}

fn optional(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty() && *s != "-")
}

/// Checks every field; the first problem is returned as a sentence saying what to type.
pub fn parse(input: &DealInput<'_>, today: NaiveDate) -> Result<NewDeal, Msg> {
    let brand =
        optional(input.brand).ok_or_else(|| msg("deal-missing-field").arg("field", "brand"))?;
    let brand = invoices::validate_text(brand, "brand", 200)?;
    let code = optional(input.currency).unwrap_or("EUR");
    let currency = money::Currency::parse(code)
        .ok_or_else(|| msg("deal-invalid-currency").arg("value", code))?;
    let amount_text =
        optional(input.amount).ok_or_else(|| msg("deal-missing-field").arg("field", "amount"))?;
    let amount_minor = money::parse_amount(amount_text, currency).map_err(|e| {
        let key = match e {
            money::AmountError::NotPositive => "deal-amount-not-positive",
            money::AmountError::TooLarge => "deal-amount-too-large",
            money::AmountError::TooPrecise => "deal-amount-too-precise",
            money::AmountError::NotANumber => "deal-amount-invalid",
        };
        msg(key)
            .arg("value", amount_text)
            .arg("currency", currency.code())
            .arg("max", money::MAX_MAJOR)
    })?;
    let deliverable = optional(input.deliverable)
        .unwrap_or("other")
        .to_ascii_lowercase();
    if !DELIVERABLES.contains(&deliverable.as_str()) {
        return Err(msg("deal-invalid-type")
            .arg("value", deliverable)
            .arg("types", DELIVERABLES.join(", ")));
    }
    let delivery_date = match optional(input.delivery) {
        None => None,
        Some(d) => {
            let date = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| msg("deal-invalid-date").arg("value", d))?;
            if date < today {
                return Err(msg("deal-date-in-past").arg("value", d));
            }
            Some(date)
        }
    };
    let text = |v: Option<&str>, field: &str, max: usize| -> Result<Option<String>, Msg> {
        optional(v)
            .map(|t| invoices::validate_text(t, field, max))
            .transpose()
    };
    let buyer_siren = optional(input.buyer_siren)
        .map(|s| {
            validate::siren_or_siret(s).ok_or_else(|| msg("profile-invalid-siret").arg("value", s))
        })
        .transpose()?;
    let buyer_vat = optional(input.buyer_vat)
        .map(|s| validate::vat_number(s).ok_or_else(|| msg("profile-invalid-vat").arg("value", s)))
        .transpose()?;
    let buyer_email = optional(input.buyer_email)
        .map(|s| validate::email(s).ok_or_else(|| msg("profile-invalid-email").arg("value", s)))
        .transpose()?;
    let disclosure = optional(input.disclosure)
        .map(|d| {
            let d = d.to_ascii_lowercase();
            if DISCLOSURES.contains(&d.as_str()) {
                Ok(d)
            } else {
                Err(msg("deal-invalid-disclosure").arg("value", d))
            }
        })
        .transpose()?;
    Ok(NewDeal {
        brand,
        amount_minor,
        currency: currency.code().to_owned(),
        deliverable,
        delivery_date,
        notes: text(input.notes, "notes", 1000)?,
        buyer_name: text(input.buyer_name, "buyer_name", 200)?,
        buyer_address: text(input.buyer_address, "buyer_address", 300)?,
        buyer_siren,
        buyer_vat,
        buyer_email,
        written_contract: input.contract,
        disclosure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn a_full_deal_parses() {
        let d = parse(
            &DealInput {
                brand: Some("Nord VPN"),
                amount: Some("1500.00"),
                currency: Some("eur"),
                deliverable: Some("integration"),
                delivery: Some("2026-12-15"),
                buyer_siren: Some("552 032 534"),
                buyer_vat: Some("FR40303265045"),
                ..DealInput::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(d.amount_minor, 150_000);
        assert_eq!(d.currency, "EUR");
        assert_eq!(d.buyer_siren.as_deref(), Some("552032534"));
    }

    #[test]
    fn bad_input_is_refused_with_the_reason() {
        let base = DealInput {
            brand: Some("B"),
            amount: Some("10"),
            ..DealInput::default()
        };
        let refused = |input: DealInput<'_>| parse(&input, today()).unwrap_err().key;
        assert_eq!(
            refused(DealInput {
                amount: Some("-5"),
                ..base.clone()
            }),
            "deal-amount-not-positive"
        );
        assert_eq!(
            refused(DealInput {
                amount: Some("0"),
                ..base.clone()
            }),
            "deal-amount-not-positive"
        );
        assert_eq!(
            refused(DealInput {
                amount: Some("1e9"),
                ..base.clone()
            }),
            "deal-amount-invalid"
        );
        assert_eq!(
            refused(DealInput {
                amount: Some("99999999999"),
                ..base.clone()
            }),
            "deal-amount-too-large"
        );
        assert_eq!(
            refused(DealInput {
                currency: Some("EURO"),
                ..base.clone()
            }),
            "deal-invalid-currency"
        );
        assert_eq!(
            refused(DealInput {
                delivery: Some("2020-01-01"),
                ..base.clone()
            }),
            "deal-date-in-past"
        );
        assert_eq!(
            refused(DealInput {
                buyer_siren: Some("123456789"),
                ..base.clone()
            }),
            "profile-invalid-siret"
        );
        let long = "x".repeat(10_000);
        assert_eq!(
            refused(DealInput {
                brand: Some(&long),
                ..base.clone()
            }),
            "deal-field-too-long"
        );
        assert_eq!(
            refused(DealInput {
                brand: Some("ソニー"),
                ..base.clone()
            }),
            "invoice-text-no-glyph"
        );
        assert_eq!(
            refused(DealInput {
                brand: Some("شركة"),
                ..base.clone()
            }),
            "invoice-text-needs-shaping"
        );
    }
}
