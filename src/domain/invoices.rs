//! Invoices: snapshots of issuer, buyer and lines, integer totals, gap-free numbers, the PDF.
//!
//! An invoice is created in one transaction: the number is taken from `invoice_series` (row locked
//! until commit; the series is the issuer's SIRET when it has one, else the account), the PDF
//! rendered and the row inserted; any failure rolls the number back, so yearly numbers stay
//! consecutive (`2026-0001`; credit notes `AV-2026-0001`). Issued invoices are immutable:
//! corrections are credit notes. They are kept 10 years (Code de commerce L123-22), also after
//! `/forget`.
//!
//! May depend on `db/`, `render/`, `i18n`; never on `bot/` front ends.

pub mod document;
pub mod mail;
pub mod money;
pub mod privacy;
pub mod profile;
pub mod reminders;
pub mod totals;
pub mod validate;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::App;
use crate::bot::AccountId;
use crate::db;
use crate::db::deals::Deal;
use crate::db::profiles::Profile;
use crate::i18n::{Locale, Msg, msg};
use crate::render::invoice_pdf::{self, RenderError};
use crate::render::logo::{self, Logo};
use money::Currency;
use totals::{Line, Totals};

/// Legal retention of accounting documents in France.
pub const RETENTION_YEARS: i32 = 10;

/// The brand being invoiced, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    pub name: String,
    pub address: Option<String>,
    pub siren: Option<String>,
    pub vat: Option<String>,
    pub email: Option<String>,
}

/// Everything printed on an invoice, frozen at issue: editing the deal or the profile later
/// changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub kind: Kind,
    pub number: String,
    pub language: Locale,
    pub issuer: Profile,
    pub buyer: Buyer,
    pub lines: Vec<Line>,
    pub totals: Totals,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub service_date: Option<NaiveDate>,
    pub due_date: NaiveDate,
    /// For a credit note: the invoice it cancels.
    pub credits: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Invoice,
    CreditNote,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Invoice => "invoice",
            Kind::CreditNote => "credit_note",
        }
    }

    pub fn number(self, year: i32, n: i32) -> String {
        match self {
            Kind::Invoice => format!("{year}-{n:04}"),
            Kind::CreditNote => format!("AV-{year}-{n:04}"),
        }
    }
}

/// A created invoice: its number and PDF.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: Uuid,
    pub number: String,
    pub due_date: NaiveDate,
    pub file_name: String,
    pub pdf: Vec<u8>,
    pub total_ttc_minor: i64,
    pub currency: String,
}

/// The language of an invoice: French when the issuer is French, else the creator's.
pub fn invoice_language(profile: &Profile, creator: Locale) -> Locale {
    if profile.country == "FR" {
        Locale::Fr
    } else {
        creator
    }
}

/// A line typed as `description; quantity; unit price HT[; VAT rate]`.
pub fn parse_line(text: &str, currency: Currency, default_rate_bp: u32) -> Result<Line, Msg> {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    if !(3..=4).contains(&parts.len()) || parts[0].is_empty() {
        return Err(msg("invoice-line-format").arg("line", text));
    }
    let description = validate_text(parts[0], "line", 300)?;
    let quantity_milli = totals::parse_quantity(parts[1])
        .ok_or_else(|| msg("invoice-line-quantity").arg("value", parts[1]))?;
    let unit_minor = money::parse_amount(parts[2], currency)
        .map_err(|_| msg("invoice-line-price").arg("value", parts[2]))?;
    let vat_bp = match parts.get(3) {
        Some(r) => {
            totals::parse_rate(r).ok_or_else(|| msg("profile-invalid-rate").arg("value", *r))?
        }
        None => default_rate_bp,
    };
    Ok(Line {
        description,
        quantity_milli,
        unit_minor,
        vat_bp,
    })
}

/// Free text bound for a printed field: trimmed, not empty, at most `max` characters, and
/// drawable by the PDF font (the refusal names the characters).
pub fn validate_text(text: &str, field: &str, max: usize) -> Result<String, Msg> {
    let t = text.trim();
    if t.is_empty() {
        return Err(msg("deal-field-empty").arg("field", field));
    }
    let n = t.chars().count();
    if n > max {
        return Err(msg("deal-field-too-long")
            .arg("field", field)
            .arg("max", i64::try_from(max).unwrap_or(i64::MAX))
            .arg("length", i64::try_from(n).unwrap_or(i64::MAX)));
    }
    drawable(t, field)?;
    Ok(t.to_owned())
}

/// Refuses text the invoice font cannot draw, naming the characters.
pub fn drawable(text: &str, field: &str) -> Result<(), Msg> {
    match invoice_pdf::check_drawable([text]) {
        Ok(()) => Ok(()),
        Err(RenderError::NeedsShaping(chars)) => Err(msg("invoice-text-needs-shaping")
            .arg("field", field)
            .arg("chars", chars.iter().take(12).collect::<String>())),
        Err(RenderError::NoGlyph(chars)) => Err(msg("invoice-text-no-glyph")
            .arg("field", field)
            .arg("chars", chars.iter().take(12).collect::<String>())),
        Err(RenderError::Font | RenderError::Write(_)) => Err(msg("invoice-render-failed")),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("refused: {}", .0.key)]
    User(Msg),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<Msg> for CreateError {
    fn from(m: Msg) -> CreateError {
        CreateError::User(m)
    }
}

impl From<sqlx::Error> for CreateError {
    fn from(e: sqlx::Error) -> CreateError {
        CreateError::Internal(e.into())
    }
}

/// Builds the snapshot of a new invoice for a deal (no number yet).
pub fn draft(
    profile: &Profile,
    deal: &Deal,
    lines: Vec<Line>,
    creator: Locale,
    today: NaiveDate,
) -> Result<Snapshot, Msg> {
    let currency = Currency::parse(&deal.currency)
        .ok_or_else(|| msg("deal-invalid-currency").arg("value", &deal.currency))?;
    let max = money::MAX_MAJOR * currency.scale();
    let totals = totals::compute(&lines, max).map_err(|_| msg("invoice-total-invalid"))?;
    let buyer = Buyer {
        name: deal
            .buyer_name
            .clone()
            .unwrap_or_else(|| deal.brand.clone()),
        address: deal.buyer_address.clone(),
        siren: deal.buyer_siren.clone(),
        vat: deal.buyer_vat.clone(),
        email: deal.buyer_email.clone(),
    };
    Ok(Snapshot {
        kind: Kind::Invoice,
        number: String::new(),
        language: invoice_language(profile, creator),
        issuer: profile.clone(),
        buyer,
        lines,
        totals,
        currency: currency.code().to_owned(),
        issue_date: today,
        service_date: deal.delivery_date,
        due_date: today + Duration::days(i64::from(profile.payment_terms_days)),
        credits: None,
    })
}

/// Issues `snapshot`: renders the PDF, takes the number, stores the bytes and the row, in one
/// transaction. `fail_after_number` exists for the test that proves a failure leaves no gap.
pub async fn issue(
    app: &App,
    account: AccountId,
    partnership_id: Option<Uuid>,
    credited: Option<Uuid>,
    mut snapshot: Snapshot,
    fail_after_number: bool,
) -> Result<Issued, CreateError> {
    let mut tx = app.db.begin().await?;
    let year = snapshot.issue_date.year();
    let series_key = issuer_key(&snapshot.issuer, account);
    let n = db::invoices::next_number(&mut *tx, &series_key, account, snapshot.kind.as_str(), year)
        .await?;
    snapshot.number = snapshot.kind.number(year, n);
    let logo = issuer_logo(&mut tx, account).await?;
    let pdf = render(&app.i18n, &snapshot, logo, chrono::Utc::now()).map_err(|e| match e {
        RenderError::NeedsShaping(c) => CreateError::User(
            msg("invoice-text-needs-shaping")
                .arg("field", "invoice")
                .arg("chars", c.into_iter().collect::<String>()),
        ),
        RenderError::NoGlyph(c) => CreateError::User(
            msg("invoice-text-no-glyph")
                .arg("field", "invoice")
                .arg("chars", c.into_iter().collect::<String>()),
        ),
        e @ (RenderError::Font | RenderError::Write(_)) => {
            CreateError::Internal(anyhow::Error::new(e).context("rendering the invoice PDF"))
        }
    })?;
    if fail_after_number {
        return Err(CreateError::Internal(anyhow::anyhow!(
            "failure injected after numbering"
        )));
    }
    let key = app
        .files
        .put(&pdf, "pdf")
        .await
        .map_err(|e| anyhow::Error::new(e).context("storing the invoice PDF"))?;
    let retain_until =
        NaiveDate::from_ymd_opt(year + RETENTION_YEARS + 1, 1, 1).unwrap_or(snapshot.issue_date);
    let row = db::invoices::NewInvoice {
        id: Uuid::new_v4(),
        issuer_key: series_key,
        partnership_id,
        kind: snapshot.kind.as_str(),
        number: snapshot.number.clone(),
        credited_invoice_id: credited,
        currency: snapshot.currency.clone(),
        total_ht_minor: signed(snapshot.kind, snapshot.totals.ht_minor),
        total_vat_minor: signed(snapshot.kind, snapshot.totals.vat_minor),
        total_ttc_minor: signed(snapshot.kind, snapshot.totals.ttc_minor),
        issue_date: snapshot.issue_date,
        service_date: snapshot.service_date,
        due_date: snapshot.due_date,
        language: snapshot.language.code().to_owned(),
        snapshot: serde_json::to_value(&snapshot).map_err(anyhow::Error::from)?,
        pdf_url: key.clone(),
        retain_until,
    };
    let inserted = async {
        db::invoices::insert(&mut *tx, account, &row).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = inserted {
        if let Err(e) = app.files.delete(&key).await {
            tracing::warn!(error = %e, "an unused invoice PDF could not be deleted");
        }
        return Err(e.into());
    }
    Ok(Issued {
        id: row.id,
        due_date: snapshot.due_date,
        file_name: format!("{}.pdf", file_stem(&snapshot)),
        number: snapshot.number,
        pdf,
        total_ttc_minor: row.total_ttc_minor,
        currency: row.currency,
    })
}

/// Whether the invoice goes out as Factur-X: a French issuer invoicing a French business (the
/// buyer has a SIREN or a French VAT number). Foreign and private buyers get a plain PDF.
pub fn is_facturx(s: &Snapshot) -> bool {
    s.issuer.country == "FR"
        && (s.buyer.siren.is_some()
            || s.buyer
                .vat
                .as_deref()
                .is_some_and(|v| v.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("FR"))))
}

/// The logo the account's profile holds now, decoded (it was checked when it was sent; one that
/// no longer decodes is left off the invoice rather than blocking it).
async fn issuer_logo(
    db: &mut sqlx::PgConnection,
    account: AccountId,
) -> Result<Option<Logo>, CreateError> {
    let Some(png) = db::profiles::logo(&mut *db, account).await? else {
        return Ok(None);
    };
    Ok(logo::decode(&png)
        .inspect_err(|e| tracing::warn!(error = %e, "a stored logo does not decode; left off"))
        .ok())
}

/// The PDF of an issued snapshot: Factur-X PDF/A-3 (the CII XML embedded) when `is_facturx`,
/// else a plain PDF, with the issuer's logo when there is one. `now` dates the Factur-X metadata.
pub fn render(
    i18n: &crate::i18n::I18n,
    snapshot: &Snapshot,
    logo: Option<Logo>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, RenderError> {
    let mut doc = document::build(i18n, snapshot);
    doc.logo = logo;
    if !is_facturx(snapshot) {
        return invoice_pdf::render(&doc);
    }
    let xml = crate::render::facturx::cii_xml(snapshot);
    let title = format!("{} {}", doc.title, snapshot.number);
    invoice_pdf::render_facturx(
        &doc,
        &crate::render::pdfa::FacturX {
            xml: &xml,
            title: &title,
            author: &snapshot.issuer.legal_name,
            created: now,
        },
    )
}

/// The series an issuer numbers in: its SIRET when the profile has one (the business, whatever
/// the account: a creator who /forgets and returns continues it), else the account.
pub fn issuer_key(issuer: &Profile, account: AccountId) -> String {
    match issuer.siret.as_deref() {
        Some(siret) if siret.len() == 14 && siret.bytes().all(|b| b.is_ascii_digit()) => {
            format!("siret:{siret}")
        }
        _ => db::invoices::account_key(account),
    }
}

/// Credit notes carry negative totals in the table, so sums over both kinds are net amounts.
fn signed(kind: Kind, amount: i64) -> i64 {
    match kind {
        Kind::Invoice => amount,
        Kind::CreditNote => -amount,
    }
}

pub fn file_stem(s: &Snapshot) -> String {
    match (s.kind, s.language) {
        (Kind::Invoice, Locale::Fr) => format!("facture-{}", s.number),
        (Kind::Invoice, Locale::En) => format!("invoice-{}", s.number),
        (Kind::CreditNote, _) => s.number.clone(),
    }
}

/// Today in the issuer's calendar. Creators are mostly in France: UTC is at most two hours off.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}
