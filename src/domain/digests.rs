//! Daily digests: subscriptions (a destination, a local time, a time zone, a theme), what is due
//! when, and composing one digest (text, chart, summary) from the numbers.
//!
//! May depend on `db/`, `render/`, `clients/` and `format`; the buttons and the sending belong
//! to `commands::digest` and `jobs`. A destination is the creator's DM by default, or a Discord
//! channel / Telegram group (`here`, admins only). The creator's time zone is asked once and
//! remembered in `users.time_zone`.

pub mod compose;
pub mod privacy;
pub mod schedule;
pub mod summary;
pub mod text;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::app::App;
use crate::bot::{AccountId, Destination, Platform};
use crate::db;
use crate::db::digests::Subscription;
use crate::domain::plans;
use crate::i18n::{Locale, Msg, msg};
use crate::jobs::{self, Job};
use crate::render::chart::{self, Theme};

pub use compose::{Digest, Outperformer};

/// What `/digest on` was given, in any order: a time, a zone, `here`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnRequest {
    pub time: Option<NaiveTime>,
    pub zone: Option<Tz>,
    pub here: bool,
}

const HERE_WORDS: [&str; 2] = ["here", "ici"];

/// Sorts the words of `/digest on` by their form; a word that is none of them is refused with a
/// sentence naming it.
pub fn parse_on<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<OnRequest, Msg> {
    let mut request = OnRequest::default();
    for word in words {
        let lower = word.trim().to_lowercase();
        if HERE_WORDS.contains(&lower.as_str()) {
            request.here = true;
        } else if let Some(time) = schedule::parse_time(word) {
            request.time = Some(time);
        } else if let Some(zone) = schedule::parse_zone(word) {
            request.zone = Some(zone);
        } else if schedule::looks_like_zone(word) {
            return Err(msg("digest-bad-zone").arg("zone", word));
        } else {
            return Err(msg("digest-bad-time").arg("time", word));
        }
    }
    Ok(request)
}

pub fn theme_of(sub: Option<&Subscription>) -> Theme {
    sub.and_then(|s| Theme::parse(&s.theme)).unwrap_or_default()
}

pub fn zone_of(sub: &Subscription) -> Tz {
    schedule::parse_zone(&sub.time_zone).unwrap_or(chrono_tz::UTC)
}

/// A digest ready to send: paragraphs, the chart, and the item a "brainstorm" would start from.
#[derive(Debug, Clone)]
pub struct Composed {
    pub blocks: Vec<String>,
    pub png: Option<Vec<u8>>,
    pub outperformer: Option<Outperformer>,
    /// No numbers at all yet: the blocks say how to get some.
    pub empty: bool,
}

/// Composes the digest of the creator's latest complete day before `now` in `zone`.
pub async fn compose(
    app: &App,
    account: AccountId,
    locale: Locale,
    theme: Theme,
    zone: Tz,
    now: DateTime<Utc>,
) -> anyhow::Result<Composed> {
    let yesterday = schedule::local_date(now, zone) - Duration::days(1);
    let Some(digest) = compose::load(&app.db, account, yesterday).await? else {
        return Ok(Composed {
            blocks: vec![app.i18n.tr(locale, "digest-no-data")],
            png: None,
            outperformer: None,
            empty: true,
        });
    };
    // The AI summary is a paid feature; every plan gets the one written from the numbers.
    let summary = if plans::has_ai_summary(&app.db, &app.plans, account).await? {
        summary::write(app, locale, &digest).await
    } else {
        text::summary(&app.i18n, locale, &digest)
    };
    let mut blocks = vec![
        text::heading(&app.i18n, locale, &digest, yesterday),
        summary,
    ];
    blocks.extend(text::details(&app.i18n, locale, &digest));
    let png = render_chart(app, locale, theme, &digest).await?;
    Ok(Composed {
        blocks,
        png,
        outperformer: digest.outperformers.first().cloned(),
        empty: false,
    })
}

/// The digest's chart as PNG, rendered off the async threads; `None` with no series to draw.
pub async fn render_chart(
    app: &App,
    locale: Locale,
    theme: Theme,
    digest: &Digest,
) -> anyhow::Result<Option<Vec<u8>>> {
    let title = app.i18n.render(
        locale,
        &msg("digest-chart-title").arg("days", compose::CHART_DAYS),
    );
    let spec = crate::domain::stats::chart(
        &app.i18n,
        locale,
        theme,
        title,
        digest.chart_start(),
        usize::try_from(compose::CHART_DAYS).unwrap_or(28),
        &digest.rows,
    );
    if spec.series.is_empty() {
        return Ok(None);
    }
    let png = tokio::task::spawn_blocking(move || chart::render_png(&spec)).await??;
    Ok(Some(png))
}

/// The subscription behind a queued digest, when it is still to be sent: it exists, is active,
/// and `local_date` is still today where the creator lives (a digest queued for an earlier day
/// and delayed past midnight is dropped, not sent late).
pub async fn due_subscription(
    app: &App,
    id: Uuid,
    local_date: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Subscription>> {
    let Some(sub) = db::digests::get(&app.db, id).await? else {
        return Ok(None);
    };
    if sub.status != "active" {
        return Ok(None);
    }
    // After a downgrade the oldest destinations up to the plan's count keep their digest; the
    // others are paused (kept, resumed with /digest on once the plan has room) and the creator
    // is told once.
    let account = AccountId(sub.user_id);
    let limit = app
        .plans
        .limits(plans::plan_of(&app.db, account).await?)
        .digest_destinations;
    if !db::digests::within_plan(&app.db, account, sub.id, limit).await? {
        db::digests::pause(&app.db, account, Some(sub.id), "plan").await?;
        let message = msg("digest-paused-plan").arg("limit", limit).arg(
            "place",
            Platform::parse(&sub.platform).map_or("", Platform::label),
        );
        tell_paused(&app.db, &sub, message).await?;
        return Ok(None);
    }
    if schedule::local_date(now, zone_of(&sub)) != local_date {
        tracing::info!(subscription = %id, %local_date, "dropped a digest older than today");
        return Ok(None);
    }
    Ok(Some(sub))
}

/// Pauses the subscriptions of a destination a platform says is gone (blocked bot, deleted
/// chat, lost permissions), whatever message found out, and tells each of their creators (a
/// shared group can carry the digests of several).
pub fn unreachable_hook() -> crate::bot::notifier::UnreachableHook {
    std::sync::Arc::new(|db, destination| {
        Box::pin(async move {
            let paused = db::digests::pause_destination(db, destination).await?;
            if !paused.is_empty() {
                tracing::warn!(
                    platform = %destination.platform,
                    count = paused.len(),
                    "paused digests of an unreachable destination"
                );
            }
            for sub in &paused {
                let message = msg("digest-paused-unreachable").arg(
                    "platform",
                    Platform::parse(&sub.platform).map_or("", Platform::label),
                );
                tell_paused(db, sub, message).await?;
            }
            Ok(())
        })
    })
}

/// Tells the creator of a paused subscription why (`message`), once a day, through another of
/// their active subscriptions when there is one.
async fn tell_paused(
    db_pool: &sqlx::PgPool,
    paused: &Subscription,
    message: Msg,
) -> anyhow::Result<()> {
    let account = AccountId(paused.user_id);
    let others = db::digests::list(db_pool, account).await?;
    let Some(other) = others
        .iter()
        .find(|s| s.id != paused.id && s.status == "active")
    else {
        return Ok(());
    };
    let Some(platform) = Platform::parse(&other.platform) else {
        return Ok(());
    };
    let job = Job::Notice {
        account,
        destination: Destination {
            platform,
            chat_id: other.chat_id.clone(),
        },
        locale: Locale::from_tag(&other.locale).unwrap_or_default(),
        message,
    };
    let local_date = schedule::local_date(Utc::now(), zone_of(paused));
    let key = format!("notice:digest_paused:{}:{local_date}", paused.id);
    jobs::enqueue(db_pool, &job, &key, Utc::now()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_on_takes_its_words_in_any_order() {
        let r = parse_on(["here", "8:30", "Europe/Paris"]).unwrap();
        assert_eq!(
            r,
            OnRequest {
                time: NaiveTime::from_hms_opt(8, 30, 0),
                zone: Some(chrono_tz::Europe::Paris),
                here: true
            }
        );
        assert_eq!(parse_on([]).unwrap(), OnRequest::default());
        assert_eq!(
            parse_on(["Mars/Olympus"]).unwrap_err().key,
            "digest-bad-zone"
        );
        assert_eq!(parse_on(["tomorrow"]).unwrap_err().key, "digest-bad-time");
    }
}
