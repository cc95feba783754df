//! Channels: a creator's connections to providers (YouTube, TikTok, Instagram), their numbers
//! from the providers' APIs, manual entry and CSV import, and the demo creator.
//!
//! May depend on `db/`, `clients/` and `crypto`; never on a front end. Tokens are sealed with
//! AES-256-GCM under the keyring with the row's user id and provider as associated data, so a
//! ciphertext copied onto another row does not open; only this module seals and opens them.

pub mod csv_import;
pub mod demo;
pub mod disconnect;
pub mod manual;
pub mod oauth;
pub mod privacy;
pub mod sync;
pub mod sync_now;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::America::Los_Angeles;
use secrecy::SecretString;
use uuid::Uuid;

use crate::crypto::{CryptoError, Keyring};
use crate::db;

/// Where content lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    YouTube,
    TikTok,
    Instagram,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::YouTube, Provider::TikTok, Provider::Instagram];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::YouTube => "youtube",
            Provider::TikTok => "tiktok",
            Provider::Instagram => "instagram",
        }
    }

    pub fn parse(text: &str) -> Option<Provider> {
        let lower = text.trim().to_lowercase();
        Provider::ALL.into_iter().find(|p| p.as_str() == lower)
    }

    /// The provider's own name, the same in every language.
    pub fn label(self) -> &'static str {
        match self {
            Provider::YouTube => "YouTube",
            Provider::TikTok => "TikTok",
            Provider::Instagram => "Instagram",
        }
    }
}

/// The associated data binding a sealed token to its row.
fn associated(user: Uuid, provider: &str) -> Vec<u8> {
    format!("{user}/{provider}").into_bytes()
}

pub fn seal_token(keyring: &Keyring, user: Uuid, provider: &str, token: &str) -> String {
    keyring.seal_bound(token, &associated(user, provider))
}

pub fn open_token(
    keyring: &Keyring,
    user: Uuid,
    provider: &str,
    sealed: &str,
) -> Result<SecretString, CryptoError> {
    keyring.open_bound(sealed, &associated(user, provider))
}

/// The tokens of a connection, opened.
pub struct Tokens {
    pub access: Option<SecretString>,
    pub refresh: Option<SecretString>,
}

pub fn open_tokens(
    keyring: &Keyring,
    row: &db::channels::PlatformRow,
) -> Result<Tokens, CryptoError> {
    let owner = row.sealed_for.unwrap_or(row.user_id);
    let open = |sealed: &Option<String>| {
        sealed
            .as_deref()
            .map(|s| open_token(keyring, owner, &row.provider, s))
            .transpose()
    };
    Ok(Tokens {
        access: open(&row.access_token)?,
        refresh: open(&row.refresh_token)?,
    })
}

/// `creatorpilot rotate-keys`: re-seals every token sealed with an older key under the first
/// key, in one transaction. Returns how many connections were re-sealed.
pub async fn rotate_keys(pool: &sqlx::PgPool, keyring: &Keyring) -> anyhow::Result<usize> {
    use secrecy::ExposeSecret;
    let mut tx = pool.begin().await?;
    let rows = db::channels::sealed_with_other_keys(&mut *tx, keyring.primary_key_id()).await?;
    for row in &rows {
        let tokens = open_tokens(keyring, row)
            .map_err(|e| anyhow::anyhow!("connection {} cannot be opened: {e}", row.id))?;
        let seal = |t: &Option<SecretString>| {
            t.as_ref()
                .map(|t| seal_token(keyring, row.user_id, &row.provider, t.expose_secret()))
        };
        db::channels::reseal(
            &mut *tx,
            row.id,
            seal(&tokens.access).as_deref(),
            seal(&tokens.refresh).as_deref(),
            keyring.primary_key_id(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// YouTube's quota day: midnight to midnight Pacific time.
pub fn quota_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Los_Angeles).date_naive()
}
