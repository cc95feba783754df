//! `/digest on [HH:MM] [zone] [here]`, `/digest off [here|all]`, `/digest now`, `/digest status`,
//! `/digest theme dark|light`. Each acts on the current destination: `here` is this Discord
//! channel or Telegram group (admins only); otherwise the creator's DM. The scheduled send is
//! `jobs::Job::Digest`; this module also builds the digest reply both share.

use chrono::{NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::buttons::{self, Lifetime};
use crate::bot::questions::{self, Field};
use crate::bot::{
    AccountId, Attachment, CommandResult, Destination, Invocation, Platform, Reply, Responder,
};
use crate::commands::{ButtonAction, QuestionPurpose};
use crate::db;
use crate::db::digests::{NewSubscription, Subscription};
use crate::domain::digests::{self, Composed, OnRequest, schedule};
use crate::domain::plans::{self, Holding, Room};
use crate::format;
use crate::i18n::{Locale, msg};
use crate::render::chart::Theme;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    match args.sub.as_deref() {
        Some("on") => {
            let words = ["time", "tz", "where"]
                .into_iter()
                .filter_map(|name| args.text(name));
            let request = digests::parse_on(words)?;
            on(app, inv, request, r).await
        }
        Some("off") => off(app, inv, args.text("scope"), r).await,
        Some("now") => now(app, inv, r).await,
        Some("theme") => theme(app, inv, args.text("theme").unwrap_or("dark"), r).await,
        Some("status") | None => status(app, inv, r).await,
        Some(other) => Err(anyhow::anyhow!("/digest has no subcommand {other}").into()),
    }
}

/// The destination a command without `here` means: this chat when it is a DM, else the DM.
fn own_destination(inv: &Invocation, here: bool) -> Destination {
    if here {
        inv.destination()
    } else {
        inv.direct_destination()
    }
}

async fn on(app: &App, inv: &Invocation, request: OnRequest, r: &dyn Responder) -> CommandResult {
    let shared = request.here && !inv.chat.private;
    if shared && !inv.is_admin {
        return Err(msg("digest-here-admins-only").into());
    }
    let remembered = db::digests::time_zone(&app.db, inv.account).await?;
    let zone = match (
        request.zone,
        remembered.as_deref().and_then(schedule::parse_zone),
    ) {
        (Some(zone), _) => {
            db::digests::set_time_zone(&app.db, inv.account, zone.name()).await?;
            zone
        }
        (None, Some(zone)) => zone,
        (None, None) => {
            // Asked once; the answer comes back to `on_zone` with the rest of the request.
            let time = request.time.map(minutes_of_day);
            let purpose = QuestionPurpose::DigestZone {
                minutes: time,
                here: request.here,
            };
            let field = Field::new(msg("digest-ask-zone"));
            questions::ask(app, inv, r, purpose, field).await?;
            return Ok(());
        }
    };
    let destination = own_destination(inv, request.here);
    let mut tx = app.db.begin().await?;
    let existing = db::digests::find(&mut *tx, inv.account, &destination).await?;
    if existing.as_ref().is_none_or(|s| s.status != "active")
        && let Room::Full(full) = plans::room_for(
            &mut tx,
            &app.plans,
            inv.account,
            Holding::DigestDestinations,
        )
        .await?
    {
        tx.rollback().await?;
        let refusal = full.refusal(&app.i18n, inv.locale, "digest-plan-limit");
        return super::plan::refuse_at_limit(app, inv, refusal, r).await;
    }
    let send_at = request
        .time
        .or(existing.as_ref().map(|s| s.send_at))
        .unwrap_or(schedule::DEFAULT_TIME);
    let now = Utc::now();
    let sub = db::digests::upsert(
        &mut *tx,
        &NewSubscription {
            account: inv.account,
            destination: &destination,
            shared,
            locale: inv.locale.code(),
            send_at,
            time_zone: zone.name(),
            last_local_date: schedule::served_at_start(now, zone, send_at),
        },
    )
    .await?;
    tx.commit().await?;
    let next = schedule::next_send(now, zone, send_at, sub.last_local_date).with_timezone(&zone);
    let text = app.i18n.render(
        inv.locale,
        &msg("digest-on")
            .arg("time", send_at.format("%H:%M").to_string())
            .arg("zone", zone.name())
            .arg("place", place(app, inv.locale, &sub))
            .arg("next", when(next.date_naive(), next.time(), inv.locale)),
    );
    r.send(Reply::text(text)).await?;
    Ok(())
}

fn minutes_of_day(t: NaiveTime) -> u16 {
    u16::try_from(t.hour() * 60 + t.minute()).unwrap_or(0)
}

/// The answer to "which time zone?": remembered, then `/digest on` goes on as asked.
pub async fn on_zone(
    app: &App,
    inv: &Invocation,
    minutes: Option<u16>,
    here: bool,
    answers: Vec<String>,
    r: &dyn Responder,
) -> CommandResult {
    let answer = answers.into_iter().next().unwrap_or_default();
    let Some(zone) = schedule::parse_zone(&answer) else {
        return Err(msg("digest-bad-zone").arg("zone", answer).into());
    };
    let time =
        minutes.and_then(|m| NaiveTime::from_hms_opt(u32::from(m / 60), u32::from(m % 60), 0));
    let request = OnRequest {
        time,
        zone: Some(zone),
        here,
    };
    on(app, inv, request, r).await
}

async fn off(app: &App, inv: &Invocation, scope: Option<&str>, r: &dyn Responder) -> CommandResult {
    let (count, key) = if scope == Some("all") {
        let n = db::digests::pause(&app.db, inv.account, None, "creator").await?;
        (n, "digest-off-all")
    } else {
        let destination = own_destination(inv, scope == Some("here"));
        match db::digests::find(&app.db, inv.account, &destination).await? {
            Some(sub) => {
                let n = db::digests::pause(&app.db, inv.account, Some(sub.id), "creator").await?;
                (n, "digest-off")
            }
            None => (0, "digest-off"),
        }
    };
    let text = if count == 0 {
        app.i18n.tr(inv.locale, "digest-off-nothing")
    } else {
        app.i18n.render(
            inv.locale,
            &msg(key).arg("count", i64::try_from(count).unwrap_or(0)),
        )
    };
    r.send(Reply::text(text)).await?;
    Ok(())
}

/// Pressed "Pause digest" under a digest.
pub async fn pause_button(
    app: &App,
    inv: &Invocation,
    subscription: Uuid,
    r: &dyn Responder,
) -> CommandResult {
    let n = db::digests::pause(&app.db, inv.account, Some(subscription), "creator").await?;
    let key = if n == 0 {
        "digest-off-nothing"
    } else {
        "digest-paused"
    };
    r.send(Reply::text(app.i18n.tr(inv.locale, key))).await?;
    Ok(())
}

async fn zone_for(app: &App, account: AccountId, sub: Option<&Subscription>) -> anyhow::Result<Tz> {
    if let Some(sub) = sub {
        return Ok(digests::zone_of(sub));
    }
    let remembered = db::digests::time_zone(&app.db, account).await?;
    Ok(remembered
        .as_deref()
        .and_then(schedule::parse_zone)
        .unwrap_or(chrono_tz::UTC))
}

async fn now(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    r.typing().await.ok();
    let sub = db::digests::find(&app.db, inv.account, &inv.destination()).await?;
    let zone = zone_for(app, inv.account, sub.as_ref()).await?;
    let theme = digests::theme_of(sub.as_ref());
    let composed = digests::compose(app, inv.account, inv.locale, theme, zone, Utc::now()).await?;
    let reply = reply(
        app,
        inv.account,
        &inv.destination(),
        inv.locale,
        composed,
        sub.map(|s| s.id),
        Lifetime::Reply,
    )
    .await?;
    r.send(reply).await?;
    Ok(())
}

async fn status(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let subs = db::digests::list(&app.db, inv.account).await?;
    if subs.is_empty() {
        r.send(Reply::text(app.i18n.tr(inv.locale, "digest-status-none")))
            .await?;
        return Ok(());
    }
    let now = Utc::now();
    let mut lines = vec![app.i18n.tr(inv.locale, "digest-status-heading")];
    for sub in &subs {
        let zone = digests::zone_of(sub);
        let state = match (sub.status.as_str(), sub.paused_reason.as_deref()) {
            ("active", _) => {
                let next = schedule::next_send(now, zone, sub.send_at, sub.last_local_date)
                    .with_timezone(&zone);
                app.i18n.render(
                    inv.locale,
                    &msg("digest-status-next")
                        .arg("next", when(next.date_naive(), next.time(), inv.locale)),
                )
            }
            (_, Some("unreachable")) => app.i18n.tr(inv.locale, "digest-status-unreachable"),
            (_, Some("plan")) => app.i18n.tr(inv.locale, "digest-status-plan"),
            _ => app.i18n.tr(inv.locale, "digest-status-paused"),
        };
        lines.push(
            app.i18n.render(
                inv.locale,
                &msg("digest-status-line")
                    .arg("place", place(app, inv.locale, sub))
                    .arg("time", sub.send_at.format("%H:%M").to_string())
                    .arg("zone", sub.time_zone.as_str())
                    .arg("theme", theme_name(app, inv.locale, &sub.theme))
                    .arg("state", state),
            ),
        );
    }
    r.send(Reply::text(lines.join("\n"))).await?;
    Ok(())
}

async fn theme(app: &App, inv: &Invocation, theme: &str, r: &dyn Responder) -> CommandResult {
    let destination = match db::digests::find(&app.db, inv.account, &inv.destination()).await? {
        Some(_) => inv.destination(),
        None => inv.direct_destination(),
    };
    if !db::digests::set_theme(&app.db, inv.account, &destination, theme).await? {
        return Err(msg("digest-theme-no-digest").into());
    }
    let name = theme_name(app, inv.locale, theme);
    let text = app
        .i18n
        .render(inv.locale, &msg("digest-theme-set").arg("theme", name));
    r.send(Reply::text(text)).await?;
    Ok(())
}

fn theme_name(app: &App, locale: Locale, theme: &str) -> String {
    match Theme::parse(theme).unwrap_or_default() {
        Theme::Dark => app.i18n.tr(locale, "digest-theme-dark"),
        Theme::Light => app.i18n.tr(locale, "digest-theme-light"),
    }
}

/// Where a subscription sends, in words: "your DM", "this Telegram group"…
fn place(app: &App, locale: Locale, sub: &Subscription) -> String {
    let platform = Platform::parse(&sub.platform).map_or("", Platform::label);
    let key = if sub.shared {
        "digest-place-shared"
    } else {
        "digest-place-dm"
    };
    app.i18n.render(locale, &msg(key).arg("platform", platform))
}

fn when(date: chrono::NaiveDate, time: NaiveTime, locale: Locale) -> String {
    format!(
        "{} {}",
        format::short_date(date, locale),
        time.format("%H:%M")
    )
}

/// The digest as a reply: text, chart, and the "Full stats" / "Pause digest" buttons.
pub async fn reply(
    app: &App,
    account: AccountId,
    destination: &Destination,
    locale: Locale,
    composed: Composed,
    subscription: Option<Uuid>,
    lifetime: Lifetime,
) -> anyhow::Result<Reply> {
    let mut reply = Reply {
        blocks: composed.blocks,
        card: !composed.empty,
        ..Reply::default()
    };
    if let Some(png) = composed.png {
        reply = reply.attachment(Attachment {
            file_name: "digest.png".into(),
            mime_type: "image/png".into(),
            bytes: png,
        });
    }
    if composed.empty {
        return Ok(reply);
    }
    let mut actions = Vec::new();
    if let Some(best) = composed.outperformer {
        actions.push((
            "digest-button-brainstorm",
            ButtonAction::BrainstormOn {
                title: best.title,
                provider: best.provider,
            },
        ));
    }
    actions.push(("digest-button-stats", ButtonAction::FullStats));
    if let Some(subscription) = subscription {
        actions.push((
            "digest-button-pause",
            ButtonAction::PauseDigest { subscription },
        ));
    }
    for (label, action) in actions {
        let label = app.i18n.tr(locale, label);
        let button = buttons::store(app, account, destination, label, &action, lifetime).await?;
        reply = reply.button(button);
    }
    Ok(reply)
}
