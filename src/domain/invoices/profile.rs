//! `/profile` fields checked into a `Profile`: typed in one line (`name="Alex Martin EI"
//! siret=… vat=franchise|FRxx… rate=20 terms=30 iban=…`) or answered in a form, merged onto the
//! saved profile so any field can be changed alone.

use super::{totals, validate};
use crate::db::profiles::Profile;
use crate::i18n::{Msg, msg};

/// Fields as typed; `None` keeps the saved value, `-` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput<'a> {
    pub name: Option<&'a str>,
    pub address: Option<&'a str>,
    pub country: Option<&'a str>,
    pub siret: Option<&'a str>,
    pub vat: Option<&'a str>,
    pub rate: Option<&'a str>,
    pub debits: Option<bool>,
    pub iban: Option<&'a str>,
    pub bic: Option<&'a str>,
    pub email: Option<&'a str>,
    pub terms: Option<i64>,
    pub penalty: Option<&'a str>,
}

impl ProfileInput<'_> {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.address.is_none()
            && self.country.is_none()
            && self.siret.is_none()
            && self.vat.is_none()
            && self.rate.is_none()
            && self.debits.is_none()
            && self.iban.is_none()
            && self.bic.is_none()
            && self.email.is_none()
            && self.terms.is_none()
            && self.penalty.is_none()
    }
}

/// `Some(None)`: cleared with `-`; `Some(Some(v))`: set; `None`: untouched.
fn field(v: Option<&str>) -> Option<Option<&str>> {
    v.map(|t| Some(t.trim()).filter(|t| !t.is_empty() && *t != "-"))
}

pub fn apply(saved: Option<&Profile>, input: &ProfileInput<'_>) -> Result<Profile, Msg> {
    let mut p = saved.cloned().unwrap_or(Profile {
        legal_name: String::new(),
        address: String::new(),
        country: "FR".to_owned(),
        siret: None,
        vat_number: None,
        vat_regime: "franchise".to_owned(),
        vat_rate_bp: 0,
        vat_on_debits: false,
        iban: None,
        bic: None,
        email: None,
        payment_terms_days: 30,
        late_penalty_bp: None,
    });
    if let Some(v) = field(input.name) {
        let v = v.ok_or_else(|| msg("profile-missing-field").arg("field", "name"))?;
        p.legal_name = super::validate_text(v, "name", 200)?;
    }
    if let Some(v) = field(input.address) {
        let v = v.ok_or_else(|| msg("profile-missing-field").arg("field", "address"))?;
        p.address = super::validate_text(v, "address", 300)?;
    }
    if let Some(v) = field(input.country) {
        let c = v.unwrap_or("FR").to_ascii_uppercase();
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(msg("profile-invalid-country").arg("value", c));
        }
        p.country = c;
    }
    if let Some(v) = field(input.siret) {
        p.siret = v
            .map(|s| {
                validate::siren_or_siret(s)
                    .ok_or_else(|| msg("profile-invalid-siret").arg("value", s))
            })
            .transpose()?;
    }
    if let Some(v) = field(input.vat) {
        match v {
            None => {
                p.vat_regime = "franchise".to_owned();
                p.vat_number = None;
            }
            Some(s) if s.eq_ignore_ascii_case("franchise") => {
                p.vat_regime = "franchise".to_owned();
                p.vat_number = None;
                p.vat_rate_bp = 0;
            }
            Some(s) => {
                p.vat_number = Some(
                    validate::vat_number(s)
                        .ok_or_else(|| msg("profile-invalid-vat").arg("value", s))?,
                );
                p.vat_regime = "vat".to_owned();
                if p.vat_rate_bp == 0 {
                    p.vat_rate_bp = 2000;
                }
            }
        }
    }
    if let Some(v) = field(input.rate) {
        let s = v.unwrap_or("20");
        let bp =
            totals::parse_rate(s).ok_or_else(|| msg("profile-invalid-rate").arg("value", s))?;
        p.vat_rate_bp = i32::try_from(bp).unwrap_or(0);
    }
    if let Some(d) = input.debits {
        p.vat_on_debits = d;
    }
    if let Some(v) = field(input.iban) {
        p.iban = v
            .map(|s| validate::iban(s).ok_or_else(|| msg("profile-invalid-iban").arg("value", s)))
            .transpose()?;
    }
    if let Some(v) = field(input.bic) {
        p.bic = v
            .map(|s| validate::bic(s).ok_or_else(|| msg("profile-invalid-bic").arg("value", s)))
            .transpose()?;
    }
    if let Some(v) = field(input.email) {
        p.email = v
            .map(|s| validate::email(s).ok_or_else(|| msg("profile-invalid-email").arg("value", s)))
            .transpose()?;
    }
    if let Some(t) = input.terms {
        p.payment_terms_days = i32::try_from(t).unwrap_or(30);
    }
    if let Some(v) = field(input.penalty) {
        p.late_penalty_bp = v
            .map(|s| {
                totals::parse_rate(s)
                    .and_then(|bp| i32::try_from(bp).ok())
                    .ok_or_else(|| msg("profile-invalid-rate").arg("value", s))
            })
            .transpose()?;
    }
    // What an invoice cannot go without.
    if p.legal_name.is_empty() {
        return Err(msg("profile-missing-field").arg("field", "name"));
    }
    if p.address.is_empty() {
        return Err(msg("profile-missing-field").arg("field", "address"));
    }
    if p.country == "FR" && p.siret.is_none() {
        return Err(msg("profile-missing-field").arg("field", "siret"));
    }
    if p.vat_regime == "franchise" {
        p.vat_rate_bp = 0;
        p.vat_on_debits = false;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_micro_entrepreneur() {
        let p = apply(
            None,
            &ProfileInput {
                name: Some("Alex Martin EI"),
                address: Some("12 rue de la Paix, 75002 Paris"),
                siret: Some("552 032 534 00646"),
                vat: Some("franchise"),
                iban: Some("FR76 3000 6000 0112 3456 7890 189"),
                ..ProfileInput::default()
            },
        )
        .unwrap();
        assert_eq!(p.vat_regime, "franchise");
        assert_eq!(p.payment_terms_days, 30);
        // One field changes alone.
        let p = apply(
            Some(&p),
            &ProfileInput {
                vat: Some("FR40303265045"),
                rate: Some("20"),
                ..ProfileInput::default()
            },
        )
        .unwrap();
        assert_eq!((p.vat_regime.as_str(), p.vat_rate_bp), ("vat", 2000));
        assert_eq!(p.legal_name, "Alex Martin EI");
    }

    #[test]
    fn refusals_name_the_field() {
        let refused = |i: ProfileInput<'_>| apply(None, &i).unwrap_err().key;
        assert_eq!(
            refused(ProfileInput {
                name: Some("A"),
                ..ProfileInput::default()
            }),
            "profile-missing-field"
        );
        let base = ProfileInput {
            name: Some("A"),
            address: Some("B"),
            ..ProfileInput::default()
        };
        assert_eq!(
            refused(ProfileInput {
                siret: Some("123"),
                ..base.clone()
            }),
            "profile-invalid-siret"
        );
        assert_eq!(
            refused(ProfileInput {
                siret: Some("552032534"),
                iban: Some("FR00"),
                ..base.clone()
            }),
            "profile-invalid-iban"
        );
        assert_eq!(
            refused(ProfileInput {
                siret: Some("552032534"),
                bic: Some("XX"),
                ..base.clone()
            }),
            "profile-invalid-bic"
        );
        // Outside France no SIRET is needed.
        assert!(
            apply(
                None,
                &ProfileInput {
                    country: Some("be"),
                    ..base
                }
            )
            .is_ok()
        );
    }
}
