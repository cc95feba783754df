//! `/link [code]`: one creator, one account across platforms. Without a code it shows a one-time
//! code (10 minutes, single use); `/link CODE` on another platform merges that platform's account
//! into the one that issued the code, through every module's `AccountData` merger, in one
//! transaction.
//!
//! Refused (with the reason) when both accounts have a paid plan, both have issued invoices, or
//! both have an identity on the same chat platform or a connection to the same provider. The code
//! is consumed either way. Deals and ideas that had to be renumbered after the surviving account's
//! highest number are listed in the reply, old number → new number.

use chrono::{Duration, Utc};
use rand::Rng;

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{AccountId, CommandResult, Invocation, Platform, Reply, Responder};
use crate::db;
use crate::domain::privacy::{self, Renumbered};
use crate::i18n::msg;

const CODE_MINUTES: i64 = 10;
const CODE_LENGTH: usize = 10;
/// No 0/O, 1/I/L: codes are read on one screen and typed on another.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    match args.text("code") {
        None => issue(app, inv, r).await,
        Some(code) => redeem(app, inv, &normalize(code), r).await,
    }
}

fn normalize(code: &str) -> String {
    code.trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase()
}

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LENGTH)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

async fn issue(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let code = new_code();
    let mut conn = app.db.acquire().await?;
    db::link_codes::issue(
        &mut conn,
        inv.account,
        inv.platform.as_str(),
        &code,
        Utc::now() + Duration::minutes(CODE_MINUTES),
    )
    .await?;
    let text = app.i18n.render(
        inv.locale,
        &msg("link-code-issued")
            .arg("code", &code)
            .arg("minutes", CODE_MINUTES),
    );
    r.send(Reply::text(text).private()).await?;
    Ok(())
}

async fn redeem(app: &App, inv: &Invocation, code: &str, r: &dyn Responder) -> CommandResult {
    let mut tx = app.db.begin().await?;
    let Some(into) = db::link_codes::redeem(&mut *tx, code).await? else {
        return Err(msg("link-code-invalid").into());
    };
    let from = inv.account;
    if into == from {
        // Put nothing back: the creator simply typed it on the wrong side; say where it goes.
        tx.rollback().await?;
        return Err(msg("link-same-account").arg("code", code).into());
    }
    if let Some(refusal) = refusal(&mut tx, from, into).await? {
        // The code is spent either way: commit its deletion.
        tx.commit().await?;
        return Err(refusal.into());
    }
    db::link_codes::carry_plan(&mut *tx, from, into).await?;
    let merged = privacy::merge(&mut tx, from, into).await?;
    let identities = db::accounts::identities(&mut *tx, into).await?;
    tx.commit().await?;
    let list = identities
        .iter()
        .map(|i| {
            let name = i.display_name.as_deref().unwrap_or(&i.external_id);
            format!("{} ({name})", platform_label(&i.platform))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = app
        .i18n
        .render(inv.locale, &msg("link-done").arg("identities", list));
    if let Some(renumbered) = renumbered_lines(app, inv, &merged.renumbered) {
        text.push_str("\n\n");
        text.push_str(&renumbered);
    }
    r.send(Reply::text(text).private()).await?;
    Ok(())
}

/// At most this many renumbered objects are listed one by one; the rest are counted.
const LISTED_RENUMBERED: usize = 15;

/// "New numbers for what moved over:" and one line per object, or None when nothing changed
/// number.
fn renumbered_lines(app: &App, inv: &Invocation, renumbered: &[Renumbered]) -> Option<String> {
    if renumbered.is_empty() {
        return None;
    }
    let tr = |m| app.i18n.render(inv.locale, &m);
    let mut lines = vec![tr(msg("link-renumbered"))];
    lines.extend(renumbered.iter().take(LISTED_RENUMBERED).map(|r| {
        let key = match r.kind {
            "deal" => "link-renumbered-deal",
            _ => "link-renumbered-idea",
        };
        format!(
            "• {}",
            tr(msg(key)
                .arg("old", r.moved.old)
                .arg("new", r.moved.new)
                .arg("label", r.moved.label.clone()))
        )
    }));
    if let Some(more) = renumbered
        .len()
        .checked_sub(LISTED_RENUMBERED)
        .filter(|n| *n > 0)
    {
        lines.push(tr(
            msg("link-renumbered-more").arg("count", i64::try_from(more).unwrap_or(i64::MAX))
        ));
    }
    Some(lines.join("\n"))
}

/// Why two accounts may not be merged, if they may not.
async fn refusal(
    tx: &mut sqlx::PgConnection,
    from: AccountId,
    into: AccountId,
) -> anyhow::Result<Option<crate::i18n::Msg>> {
    let Some((from_plan, into_plan)) = db::link_codes::lock_plans(&mut *tx, from, into).await?
    else {
        return Ok(Some(msg("link-code-invalid")));
    };
    if from_plan != "free" && into_plan != "free" {
        return Ok(Some(msg("link-refused-both-paid")));
    }
    let mine = db::accounts::identities(&mut *tx, from).await?;
    let theirs = db::accounts::identities(&mut *tx, into).await?;
    if let Some(shared) = mine
        .iter()
        .find(|a| theirs.iter().any(|b| b.platform == a.platform))
    {
        return Ok(Some(
            msg("link-refused-same-platform").arg("platform", platform_label(&shared.platform)),
        ));
    }
    if db::link_codes::both_invoiced(&mut *tx, from, into).await? {
        return Ok(Some(msg("link-refused-both-invoiced")));
    }
    if let Some(provider) = db::link_codes::shared_provider(&mut *tx, from, into).await? {
        return Ok(Some(
            msg("link-refused-same-provider").arg("provider", provider_label(&provider)),
        ));
    }
    Ok(None)
}

fn provider_label(provider: &str) -> String {
    match provider {
        "youtube" => "YouTube".to_owned(),
        "tiktok" => "TikTok".to_owned(),
        "instagram" => "Instagram".to_owned(),
        other => other.to_owned(),
    }
}

fn platform_label(platform: &str) -> String {
    match Platform::parse(platform) {
        Some(Platform::Discord) => "Discord".to_owned(),
        Some(Platform::Telegram) => "Telegram".to_owned(),
        Some(Platform::Console) => "console".to_owned(),
        None => platform.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_unambiguous_and_typed_loosely() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LENGTH);
        assert!(code.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(new_code(), code);
        assert_eq!(normalize(" abcd-efgh jk "), "ABCDEFGHJK");
    }
}
