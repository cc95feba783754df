//! Brand deals (`partnerships`), numbered per account (`/deal show 3`).

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::AccountId;

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct NewDeal {
    pub brand: String,
    pub amount_minor: i64,
    pub currency: String,
    pub deliverable: String,
    pub delivery_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_address: Option<String>,
    pub buyer_siren: Option<String>,
    pub buyer_vat: Option<String>,
    pub buyer_email: Option<String>,
    pub written_contract: Option<bool>,
    pub disclosure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Deal {
    pub id: Uuid,
    pub number: i64,
    pub brand: String,
    pub amount_minor: i64,
    pub currency: String,
    pub deliverable: String,
    pub delivery_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_address: Option<String>,
    pub buyer_siren: Option<String>,
    pub buyer_vat: Option<String>,
    pub buyer_email: Option<String>,
    pub written_contract: Option<bool>,
    pub disclosure: Option<String>,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Overdue reminders also mail the brand (`/deal edit N remind_brand=yes`).
    pub remind_brand: bool,
}

const COLUMNS: &str = "id, number, brand, amount_minor, currency, deliverable, delivery_date, \
     notes, buyer_name, buyer_address, buyer_siren, buyer_vat, buyer_email, written_contract, \
     disclosure, status, created_at, remind_brand";

pub async fn insert(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
    d: &NewDeal,
) -> sqlx::Result<()> {
    bind_deal(
        sqlx::query(
            "INSERT INTO partnerships (user_id, number, brand, amount_minor, currency, deliverable,
             delivery_date, notes, buyer_name, buyer_address, buyer_siren, buyer_vat, buyer_email,
             written_contract, disclosure)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        ),
        account,
        number,
        d,
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn get(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
) -> sqlx::Result<Option<Deal>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM partnerships WHERE user_id = $1 AND number = $2"
    )))
    .bind(account.0)
    .bind(number)
    .fetch_optional(db)
    .await
}

pub async fn list(
    db: impl PgExecutor<'_>,
    account: AccountId,
    status: Option<&str>,
) -> sqlx::Result<Vec<Deal>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM partnerships WHERE user_id = $1 AND ($2::text IS NULL OR status = $2)
         ORDER BY number"
    )))
    .bind(account.0)
    .bind(status)
    .fetch_all(db)
    .await
}

pub async fn set_status(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
    status: &str,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE partnerships SET status = $3, updated_at = now() WHERE user_id = $1 AND number = $2",
    )
    .bind(account.0)
    .bind(number)
    .bind(status)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM partnerships WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?
        .rows_affected())
}

/// Linking: `from`'s deals move onto `into`, renumbered after the survivor's numbers when it has
/// any (`numbers::move_numbered`). Invoices point at deals by id, so they follow untouched.
pub async fn merge(
    db: &mut sqlx::PgConnection,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<Vec<super::numbers::Moved>> {
    super::numbers::move_numbered(db, "partnerships", "deal", "brand", from, into).await
}

/// Replaces a deal's fields (issued invoices keep their own snapshot).
/// Whether overdue reminders of this deal's invoices also mail the brand.
pub async fn set_remind_brand(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
    on: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE partnerships SET remind_brand = $3 WHERE user_id = $1 AND number = $2")
        .bind(account.0)
        .bind(number)
        .bind(on)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn update(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
    d: &NewDeal,
) -> sqlx::Result<bool> {
    Ok(bind_deal(sqlx::query(
        "UPDATE partnerships SET brand = $3, amount_minor = $4, currency = $5, deliverable = $6,
             delivery_date = $7, notes = $8, buyer_name = $9, buyer_address = $10,
             buyer_siren = $11, buyer_vat = $12, buyer_email = $13, written_contract = $14,
             disclosure = $15, updated_at = now()
         WHERE user_id = $1 AND number = $2",
    ), account, number, d)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Binds $1 account, $2 number, then every field of the deal ($3..$15), for insert and update.
fn bind_deal<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    account: AccountId,
    number: i64,
    d: &'q NewDeal,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(account.0)
        .bind(number)
        .bind(&d.brand)
        .bind(d.amount_minor)
        .bind(&d.currency)
        .bind(&d.deliverable)
        .bind(d.delivery_date)
        .bind(&d.notes)
        .bind(&d.buyer_name)
        .bind(&d.buyer_address)
        .bind(&d.buyer_siren)
        .bind(&d.buyer_vat)
        .bind(&d.buyer_email)
        .bind(d.written_contract)
        .bind(&d.disclosure)
}
