//! The creator's business identity (`business_profiles`): one row per account.

use sqlx::PgExecutor;

use crate::bot::AccountId;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub legal_name: String,
    pub address: String,
    pub country: String,
    pub siret: Option<String>,
    pub vat_number: Option<String>,
    pub vat_regime: String,
    pub vat_rate_bp: i32,
    pub vat_on_debits: bool,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub email: Option<String>,
    pub payment_terms_days: i32,
    pub late_penalty_bp: Option<i32>,
}

const COLUMNS: &str = "legal_name, address, country, siret, vat_number, vat_regime, vat_rate_bp, \
     vat_on_debits, iban, bic, email, payment_terms_days, late_penalty_bp";

pub async fn get(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<Profile>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM business_profiles WHERE user_id = $1"
    )))
    .bind(account.0)
    .fetch_optional(db)
    .await
}

pub async fn put(db: impl PgExecutor<'_>, account: AccountId, p: &Profile) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO business_profiles (user_id, legal_name, address, country, siret, vat_number,
             vat_regime, vat_rate_bp, vat_on_debits, iban, bic, email, payment_terms_days,
             late_penalty_bp)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (user_id) DO UPDATE SET legal_name = $2, address = $3, country = $4,
             siret = $5, vat_number = $6, vat_regime = $7, vat_rate_bp = $8, vat_on_debits = $9,
             iban = $10, bic = $11, email = $12, payment_terms_days = $13, late_penalty_bp = $14,
             updated_at = now()",
    )
    .bind(account.0)
    .bind(&p.legal_name)
    .bind(&p.address)
    .bind(&p.country)
    .bind(&p.siret)
    .bind(&p.vat_number)
    .bind(&p.vat_regime)
    .bind(p.vat_rate_bp)
    .bind(p.vat_on_debits)
    .bind(&p.iban)
    .bind(&p.bic)
    .bind(&p.email)
    .bind(p.payment_terms_days)
    .bind(p.late_penalty_bp)
    .execute(db)
    .await?;
    Ok(())
}

/// The logo's PNG, when the profile has one.
pub async fn logo(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar::<_, Option<Vec<u8>>>(
        "SELECT logo_png FROM business_profiles WHERE user_id = $1",
    )
    .bind(account.0)
    .fetch_optional(db)
    .await?
    .flatten())
}

/// Sets (`Some`) or removes (`None`) the logo. False when the account has no profile yet.
pub async fn set_logo(
    db: impl PgExecutor<'_>,
    account: AccountId,
    png: Option<&[u8]>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE business_profiles SET logo_png = $2, updated_at = now() WHERE user_id = $1",
    )
    .bind(account.0)
    .bind(png)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM business_profiles WHERE user_id = $1")
            .bind(account.0)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Linking: the surviving account keeps its own profile when it has one.
pub async fn merge(db: impl PgExecutor<'_>, from: AccountId, into: AccountId) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE business_profiles SET user_id = $2 WHERE user_id = $1
           AND NOT EXISTS (SELECT 1 FROM business_profiles WHERE user_id = $2)",
    )
    .bind(from.0)
    .bind(into.0)
    .execute(db)
    .await?;
    Ok(())
}
