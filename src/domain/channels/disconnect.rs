//! Ending a connection: `/disconnect` revokes the grant at the provider, deletes our tokens and
//! keeps or deletes the history; `/forget` queues `Job::RevokeGrant` from its eraser (which only
//! has the database), and so does a `/disconnect` whose revoke failed.
//!
//! The job carries the token as it is sealed in the row (AES-256-GCM with the row's user id and
//! provider as associated data) together with that user id: it opens without the user's row,
//! which `/forget` deletes in the same transaction, and the payload never holds plaintext.

use secrecy::SecretString;
use uuid::Uuid;

use crate::app::App;
use crate::bot::AccountId;
use crate::clients::{ProviderError, google, tiktok};
use crate::db;
use crate::db::channels::PlatformRow;
use crate::domain::channels::{Provider, open_token};
use crate::jobs::{self, Job};

/// Attempts a queued revoke gets before it is dropped.
pub const REVOKE_ATTEMPTS: i32 = 5;

/// What the provider did with a revoke request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtProvider {
    Revoked,
    /// No revoke endpoint (Instagram): the creator removes the app in the provider's settings.
    RemoveThere,
}

/// Revokes `token`'s grant at `provider`: the one place each provider's revoke is called.
pub async fn revoke_at_provider(
    app: &App,
    provider: Provider,
    token: &SecretString,
) -> Result<AtProvider, ProviderError> {
    match provider {
        Provider::YouTube => google::revoke(&app.settings.google, token)
            .await
            .map(|()| AtProvider::Revoked),
        Provider::TikTok => tiktok::revoke(&app.settings.tiktok, token)
            .await
            .map(|()| AtProvider::Revoked),
        // Instagram has no revoke endpoint.
        Provider::Instagram => Ok(AtProvider::RemoveThere),
    }
}

/// The revoke job for a connection's grant, when it has one a provider can revoke.
pub fn revoke_job(row: &PlatformRow) -> Option<Job> {
    let provider = Provider::parse(&row.provider)?;
    if row.source != "oauth" || provider == Provider::Instagram {
        return None;
    }
    let token = revocable_token(row)?.clone();
    Some(Job::RevokeGrant {
        provider,
        token,
        sealed_for: row.sealed_for.unwrap_or(row.user_id),
    })
}

/// The sealed token the provider revokes a grant by: Google takes the refresh token (it revokes
/// the whole grant; an access token alone is better than nothing), TikTok the access token.
fn revocable_token(row: &PlatformRow) -> Option<&String> {
    match Provider::parse(&row.provider) {
        Some(Provider::TikTok) => row.access_token.as_ref().or(row.refresh_token.as_ref()),
        _ => row.refresh_token.as_ref().or(row.access_token.as_ref()),
    }
}

/// Queues the revoke of `row`'s grant (in the caller's transaction).
pub async fn queue_revoke(db: &mut sqlx::PgConnection, row: &PlatformRow) -> anyhow::Result<()> {
    if let Some(job) = revoke_job(row) {
        let now = chrono::Utc::now();
        let key = format!("revoke_grant:{}:{}", row.id, now.timestamp_millis());
        jobs::enqueue(&mut *db, &job, &key, now).await?;
    }
    Ok(())
}

/// How a queued revoke went.
pub enum RevokeRun {
    Done,
    /// The provider is busy or failing: try again later.
    Retry(String),
}

/// Runs a queued revoke: retried while the provider answers 429/5xx, dropped (logged) after
/// `REVOKE_ATTEMPTS` or on any other answer.
pub async fn run_revoke(
    app: &App,
    provider: Provider,
    sealed: &str,
    sealed_for: Uuid,
    attempt: i32,
) -> RevokeRun {
    let token = match open_token(&app.keyring, sealed_for, provider.as_str(), sealed) {
        Ok(token) => token,
        Err(e) => {
            tracing::warn!(provider = provider.as_str(), error = %e, "a queued revoke's token does not open; dropped");
            return RevokeRun::Done;
        }
    };
    match revoke_at_provider(app, provider, &token).await {
        Ok(_) => RevokeRun::Done,
        Err(ProviderError::Unavailable(status)) if attempt < REVOKE_ATTEMPTS => {
            RevokeRun::Retry(format!("{} answered {status}", provider.label()))
        }
        Err(e) => {
            tracing::warn!(provider = provider.as_str(), error = %e, attempt, "a queued revoke failed; dropped");
            RevokeRun::Done
        }
    }
}

/// What happened to the grant when disconnecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    Revoked,
    /// The provider did not answer: our tokens are deleted anyway and a retry is queued.
    Failed,
    /// The creator removes the app in the provider's settings.
    RemoveThere,
    /// No grant (manual or demo numbers, or already disconnected).
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disconnect {
    NotFound,
    /// A sync of the connection is running.
    Busy,
    Done(Revocation),
}

/// Revokes the grant, deletes the tokens and keeps or deletes the history, in one transaction
/// that also holds the connection's sync guard (so no sync writes a refreshed token back).
pub async fn disconnect(
    app: &App,
    account: AccountId,
    provider: Provider,
    keep_history: bool,
) -> anyhow::Result<Disconnect> {
    let mut tx = app.db.begin().await?;
    let Some(row) = db::channels::find(&mut *tx, account, provider.as_str()).await? else {
        return Ok(Disconnect::NotFound);
    };
    if !db::channels::try_sync_lock(&mut *tx, row.id).await? {
        return Ok(Disconnect::Busy);
    }
    let revocation = match revocable_token(&row) {
        None => Revocation::Nothing,
        Some(sealed) => {
            let owner = row.sealed_for.unwrap_or(row.user_id);
            match open_token(&app.keyring, owner, &row.provider, sealed) {
                Err(e) => {
                    tracing::warn!(connection = %row.id, error = %e, "tokens do not open; deleted without revoking");
                    Revocation::Failed
                }
                Ok(token) => match revoke_at_provider(app, provider, &token).await {
                    Ok(AtProvider::Revoked) => Revocation::Revoked,
                    Ok(AtProvider::RemoveThere) => Revocation::RemoveThere,
                    Err(e) => {
                        tracing::warn!(connection = %row.id, error = %e, "revoke failed; queued for later");
                        queue_revoke(&mut tx, &row).await?;
                        Revocation::Failed
                    }
                },
            }
        }
    };
    db::channels::disconnect(&mut *tx, row.id, keep_history).await?;
    tx.commit().await?;
    Ok(Disconnect::Done(revocation))
}
