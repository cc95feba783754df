//! From a snapshot to the printed model (`render::invoice_pdf::InvoiceDoc`): every label and
//! legal mention in the invoice's language.
//!
//! French mentions (Code de commerce L441-9, CGI art. 242 nonies A): number, dates, seller and
//! buyer identities with SIREN/SIRET and VAT numbers, lines, totals per VAT rate or the
//! franchise mention (art. 293 B), due date, late-payment penalty rate, the 40 € recovery fee
//! (business buyers: every brand is one), early-payment discount terms, the category of
//! operation, the VAT-on-debits option when chosen.

use chrono::NaiveDate;

use super::money::format_stored;
use super::{Kind, Snapshot};
use crate::i18n::{I18n, Locale, msg};
use crate::render::invoice_pdf::InvoiceDoc;

pub fn date(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::Fr => d.format("%d/%m/%Y").to_string(),
        Locale::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// `20 %`, `5,5 %` (French) or `20%`, `5.5%`.
pub fn rate(bp: u32, locale: Locale) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    let mark = match locale {
        Locale::Fr => ",",
        Locale::En => ".",
    };
    let number = if frac == 0 {
        whole.to_string()
    } else if frac.is_multiple_of(10) {
        format!("{whole}{mark}{}", frac / 10)
    } else {
        format!("{whole}{mark}{frac:02}")
    };
    match locale {
        Locale::Fr => format!("{number}\u{a0}%"),
        Locale::En => format!("{number}%"),
    }
}

pub fn build(i18n: &I18n, s: &Snapshot) -> InvoiceDoc {
    let l = s.language;
    let tr = |key: &str| i18n.tr(l, key);
    let amount = |minor: i64| format_stored(minor, &s.currency, l);
    let french = s.issuer.country == "FR";
    let franchise = s.issuer.vat_regime == "franchise";

    let mut meta = vec![
        (tr("pdf-number"), s.number.clone()),
        (tr("pdf-issue-date"), date(s.issue_date, l)),
    ];
    if let Some(d) = s.service_date {
        meta.push((tr("pdf-service-date"), date(d, l)));
    }
    meta.push((tr("pdf-due-date"), date(s.due_date, l)));

    let mut issuer = vec![s.issuer.legal_name.clone(), s.issuer.address.clone()];
    if let Some(siret) = &s.issuer.siret {
        issuer.push(i18n.render(l, &msg("pdf-siret").arg("siret", siret)));
    }
    if let Some(vat) = &s.issuer.vat_number {
        issuer.push(i18n.render(l, &msg("pdf-vat-number").arg("vat", vat)));
    }
    if let Some(email) = &s.issuer.email {
        issuer.push(email.clone());
    }

    let mut buyer = vec![s.buyer.name.clone()];
    buyer.extend(s.buyer.address.clone());
    if let Some(siren) = &s.buyer.siren {
        buyer.push(i18n.render(l, &msg("pdf-siren").arg("siren", siren)));
    }
    if let Some(vat) = &s.buyer.vat {
        buyer.push(i18n.render(l, &msg("pdf-vat-number").arg("vat", vat)));
    }
    buyer.extend(s.buyer.email.clone());

    let rows = s
        .lines
        .iter()
        .zip(&s.totals.line_nets)
        .map(|(line, net)| {
            [
                line.description.clone(),
                crate::format::fixed(line.quantity_milli, 3, l)
                    .trim_end_matches('0')
                    .trim_end_matches([',', '.'])
                    .to_owned(),
                amount(line.unit_minor),
                if franchise {
                    "—".to_owned()
                } else {
                    rate(line.vat_bp, l)
                },
                amount(*net),
            ]
        })
        .collect();

    let mut totals = vec![(tr("pdf-total-ht"), amount(s.totals.ht_minor))];
    if !franchise {
        for r in &s.totals.per_rate {
            totals.push((
                i18n.render(
                    l,
                    &msg("pdf-total-vat")
                        .arg("rate", rate(r.vat_bp, l))
                        .arg("base", amount(r.base_minor)),
                ),
                amount(r.vat_minor),
            ));
        }
    }
    totals.push((
        tr(if franchise {
            "pdf-net-due"
        } else {
            "pdf-total-ttc"
        }),
        amount(s.totals.ttc_minor),
    ));

    let mut mentions = Vec::new();
    if let Some(original) = &s.credits {
        mentions.push(i18n.render(l, &msg("pdf-credits").arg("number", original)));
    }
    if franchise && french {
        mentions.push(tr("pdf-vat-franchise"));
    }
    if !franchise && s.issuer.vat_on_debits {
        mentions.push(tr("pdf-vat-debits"));
    }
    mentions.push(tr("pdf-category"));
    mentions.push(i18n.render(l, &msg("pdf-payment-due").arg("date", date(s.due_date, l))));
    mentions.push(tr("pdf-discount"));
    mentions.push(match s.issuer.late_penalty_bp {
        Some(bp) => i18n.render(
            l,
            &msg("pdf-late-penalty").arg("rate", rate(u32::try_from(bp).unwrap_or(0), l)),
        ),
        None => tr("pdf-late-penalty-default"),
    });
    mentions.push(tr("pdf-recovery-fee"));
    if let Some(iban) = &s.issuer.iban {
        let mut line = i18n.render(l, &msg("pdf-iban").arg("iban", spaced(iban)));
        if let Some(bic) = &s.issuer.bic {
            line.push_str(" — ");
            line.push_str(&i18n.render(l, &msg("pdf-bic").arg("bic", bic)));
        }
        mentions.push(line);
    }

    InvoiceDoc {
        title: tr(match s.kind {
            Kind::Invoice => "pdf-title-invoice",
            Kind::CreditNote => "pdf-title-credit-note",
        }),
        meta,
        issuer,
        buyer_heading: tr("pdf-buyer"),
        buyer,
        columns: [
            tr("pdf-col-description"),
            tr("pdf-col-quantity"),
            tr("pdf-col-unit-price"),
            tr("pdf-col-vat"),
            tr("pdf-col-net"),
        ],
        rows,
        totals,
        mentions,
        logo: None,
    }
}

/// IBANs print in groups of four.
fn spaced(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_dates_follow_the_locale() {
        assert_eq!(rate(2000, Locale::Fr), "20\u{a0}%");
        assert_eq!(rate(550, Locale::Fr), "5,5\u{a0}%");
        assert_eq!(rate(210, Locale::En), "2.1%");
        assert_eq!(rate(1215, Locale::En), "12.15%");
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(date(d, Locale::Fr), "05/12/2026");
        assert_eq!(
            spaced("FR7630006000011234567890189"),
            "FR76 3000 6000 0112 3456 7890 189"
        );
    }
}
