//! Issued invoices and credit notes (`invoices`) and their gap-free numbering
//! (`invoice_series`, keyed by the issuer: `siret:…` or `account:…`).

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::AccountId;

/// The key of an account's own series (an issuer with no SIRET).
pub fn account_key(account: AccountId) -> String {
    format!("account:{}", account.0)
}

/// Takes the next number of the series `issuer_key` for a year. The row stays locked until the
/// caller's transaction ends: concurrent creations queue here, and a rollback gives the number
/// back, so numbers are consecutive with no gap. Call it last, just before inserting the invoice.
///
/// A series seen for the first time starts after the highest number `account` already issued in
/// that series and year (a creator who adds a SIRET mid-year carries on, and a number is never
/// printed twice by one account); an existing one also never goes below it.
pub async fn next_number(
    db: impl PgExecutor<'_>,
    issuer_key: &str,
    account: AccountId,
    series: &str,
    year: i32,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "INSERT INTO invoice_series (issuer_key, series, year, last_number)
         VALUES ($1, $2, $3, 1 + COALESCE(
             (SELECT max(substring(number FROM '([0-9]+)$')::integer) FROM invoices
              WHERE issuer_id = $4 AND kind = $2 AND EXTRACT(YEAR FROM issue_date) = $3), 0))
         ON CONFLICT (issuer_key, series, year)
         DO UPDATE SET last_number = GREATEST(invoice_series.last_number, EXCLUDED.last_number - 1) + 1
         RETURNING last_number",
    )
    .bind(issuer_key)
    .bind(series)
    .bind(year)
    .bind(account.0)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub id: Uuid,
    /// The series it was numbered in (`next_number`'s key).
    pub issuer_key: String,
    pub partnership_id: Option<Uuid>,
    pub kind: &'static str,
    pub number: String,
    pub credited_invoice_id: Option<Uuid>,
    pub currency: String,
    pub total_ht_minor: i64,
    pub total_vat_minor: i64,
    pub total_ttc_minor: i64,
    pub issue_date: NaiveDate,
    pub service_date: Option<NaiveDate>,
    pub due_date: NaiveDate,
    pub language: String,
    pub snapshot: serde_json::Value,
    pub pdf_url: String,
    pub retain_until: NaiveDate,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    account: AccountId,
    i: &NewInvoice,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invoices (id, issuer_id, user_id, partnership_id, kind, number,
             credited_invoice_id, currency, total_ht_minor, total_vat_minor, total_ttc_minor,
             issue_date, service_date, due_date, language, snapshot, pdf_url, retain_until,
             issuer_key)
         VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
             $18)",
    )
    .bind(i.id)
    .bind(account.0)
    .bind(i.partnership_id)
    .bind(i.kind)
    .bind(&i.number)
    .bind(i.credited_invoice_id)
    .bind(&i.currency)
    .bind(i.total_ht_minor)
    .bind(i.total_vat_minor)
    .bind(i.total_ttc_minor)
    .bind(i.issue_date)
    .bind(i.service_date)
    .bind(i.due_date)
    .bind(&i.language)
    .bind(&i.snapshot)
    .bind(&i.pdf_url)
    .bind(i.retain_until)
    .bind(&i.issuer_key)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invoice {
    pub id: Uuid,
    pub kind: String,
    pub number: String,
    pub credited_invoice_id: Option<Uuid>,
    pub currency: String,
    pub total_ht_minor: i64,
    pub total_vat_minor: i64,
    pub total_ttc_minor: i64,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub snapshot: serde_json::Value,
    pub pdf_url: Option<String>,
    pub status: String,
    pub paid_on: Option<NaiveDate>,
    pub retain_until: NaiveDate,
    /// Whether a credit note already cancels this invoice.
    pub credited: bool,
}

const SELECT: &str = "SELECT i.id, i.kind, i.number, i.credited_invoice_id, i.currency, \
     i.total_ht_minor, i.total_vat_minor, i.total_ttc_minor, i.issue_date, i.due_date, i.snapshot, \
     i.pdf_url, i.status, i.paid_on, i.retain_until, \
     EXISTS (SELECT 1 FROM invoices c WHERE c.credited_invoice_id = i.id) AS credited \
     FROM invoices i";

pub async fn get(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: &str,
) -> sqlx::Result<Option<Invoice>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.user_id = $1 AND i.number = $2"
    )))
    .bind(account.0)
    .bind(number)
    .fetch_optional(db)
    .await
}

/// The brand's billing email when the invoice's deal opted in to brand reminders.
pub async fn brand_reminder_to(
    db: impl PgExecutor<'_>,
    account: AccountId,
    invoice: Uuid,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT p.buyer_email FROM invoices i JOIN partnerships p ON p.id = i.partnership_id
         WHERE i.user_id = $1 AND i.id = $2 AND p.remind_brand AND p.buyer_email IS NOT NULL",
    )
    .bind(account.0)
    .bind(invoice)
    .fetch_optional(db)
    .await
}

pub async fn by_id(
    db: impl PgExecutor<'_>,
    account: AccountId,
    invoice: Uuid,
) -> sqlx::Result<Option<Invoice>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.user_id = $1 AND i.id = $2"
    )))
    .bind(account.0)
    .bind(invoice)
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<Invoice>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.user_id = $1 ORDER BY i.issue_date, i.kind, i.number"
    )))
    .bind(account.0)
    .fetch_all(db)
    .await
}

pub async fn mark_sent(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE invoices SET status = 'sent', sent_at = now() WHERE id = $1 AND status = 'issued'",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Marks an issued invoice sent by email to `to` (an invoice already sent or paid keeps its
/// status; the address of the latest sending is kept).
pub async fn mark_sent_to(db: impl PgExecutor<'_>, id: Uuid, to: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE invoices SET sent_to = $2,
             sent_at = CASE WHEN status = 'issued' THEN now() ELSE sent_at END,
             status = CASE WHEN status = 'issued' THEN 'sent' ELSE status END
         WHERE id = $1",
    )
    .bind(id)
    .bind(to)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn mark_paid(db: impl PgExecutor<'_>, id: Uuid, on: NaiveDate) -> sqlx::Result<()> {
    sqlx::query("UPDATE invoices SET status = 'paid', paid_on = $2 WHERE id = $1")
        .bind(id)
        .bind(on)
        .execute(db)
        .await?;
    Ok(())
}

/// One row of `/revenue`: a month and currency.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RevenueRow {
    pub month: i32,
    pub currency: String,
    pub invoiced_minor: i64,
    pub paid_minor: i64,
}

/// Invoiced (credit notes subtracted) and paid amounts TTC, per month of issue and currency.
pub async fn revenue(
    db: impl PgExecutor<'_>,
    account: AccountId,
    year: i32,
) -> sqlx::Result<Vec<RevenueRow>> {
    sqlx::query_as(
        "SELECT extract(month FROM issue_date)::int AS month, currency,
                sum(total_ttc_minor)::bigint AS invoiced_minor,
                COALESCE(sum(total_ttc_minor) FILTER (WHERE status = 'paid'), 0)::bigint
                    AS paid_minor
         FROM invoices WHERE user_id = $1 AND extract(year FROM issue_date) = $2
         GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .bind(account.0)
    .bind(year)
    .fetch_all(db)
    .await
}

/// `/forget`: issued invoices stay (10-year legal retention) but no longer belong to an account.
pub async fn detach(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("UPDATE invoices SET user_id = NULL, partnership_id = NULL WHERE user_id = $1")
            .bind(account.0)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// `/forget`: the account's own series go; SIRET-keyed series stay with the kept invoices, so a
/// creator who returns with the same SIRET continues them.
pub async fn delete_sequences(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM invoice_series WHERE issuer_key = $1")
        .bind(account_key(account))
        .execute(db)
        .await?;
    Ok(())
}

/// Linking: the invoices move (their numbers stay those of their issuer); the sequences of the
/// account merged away are dropped only when the survivor has its own, else they move.
pub async fn merge(
    db: &mut sqlx::PgConnection,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE invoices SET user_id = $2 WHERE user_id = $1")
        .bind(from.0)
        .bind(into.0)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "UPDATE invoice_series s SET issuer_key = $2 WHERE issuer_key = $1
           AND NOT EXISTS (SELECT 1 FROM invoice_series t
                           WHERE t.issuer_key = $2 AND t.series = s.series AND t.year = s.year)",
    )
    .bind(account_key(from))
    .bind(account_key(into))
    .execute(&mut *db)
    .await?;
    sqlx::query("DELETE FROM invoice_series WHERE issuer_key = $1")
        .bind(account_key(from))
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Unpaid invoices whose due date has passed (payment reminders).
pub async fn overdue(
    db: impl PgExecutor<'_>,
    today: NaiveDate,
) -> sqlx::Result<Vec<(Uuid, AccountId)>> {
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT id, user_id FROM invoices
         WHERE kind = 'invoice' AND status <> 'paid' AND due_date < $1 AND user_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.credited_invoice_id = invoices.id)",
    )
    .bind(today)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(i, u)| (i, AccountId(u))).collect())
}

/// An invoice still due (not paid, not credited, still on this account), for a reminder:
/// (number, currency, total incl. VAT in minor units, due date, snapshot).
pub type DueInvoice = (String, String, i64, NaiveDate, serde_json::Value);

pub async fn still_due(
    db: impl PgExecutor<'_>,
    account: AccountId,
    invoice: Uuid,
) -> sqlx::Result<Option<DueInvoice>> {
    sqlx::query_as(
        "SELECT number, currency, total_ttc_minor, due_date, snapshot FROM invoices
         WHERE id = $1 AND user_id = $2 AND kind = 'invoice' AND status <> 'paid'
           AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.credited_invoice_id = invoices.id)",
    )
    .bind(invoice)
    .bind(account.0)
    .fetch_optional(db)
    .await
}
