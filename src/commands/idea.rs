//! `/idea list [status]`, `/idea show N`, `/idea status N saved|in_progress|published`,
//! `/idea edit N title=… hook=… description=…`, `/idea delete N`: the backlog of saved ideas, by
//! their per-account number. A published idea is offered the creator's matching videos ("Yes,
//! it's «…»"); once linked, `/idea show` carries that video's results.

use uuid::Uuid;

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::buttons::{self, Lifetime};
use crate::bot::{Button, CommandError, CommandResult, Invocation, Reply, Responder};
use crate::commands::ButtonAction;
use crate::db;
use crate::domain::ideas::{self, Edit, Expansion, Idea, IdeaError, Video, backlog};
use crate::format;
use crate::i18n::{Locale, msg};

/// At most this many lines in `/idea list`; a status filter shows the rest.
const LIST_LIMIT: usize = 50;
/// Video titles on buttons are cut to this many characters (Discord labels stop at 80).
const BUTTON_TITLE: usize = 50;

impl From<IdeaError> for CommandError {
    fn from(e: IdeaError) -> CommandError {
        match e {
            IdeaError::Invalid(m) => CommandError::User(m),
            IdeaError::Database(e) => e.into(),
        }
    }
}

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let number = args.integer("number").unwrap_or(0);
    match args.sub.as_deref() {
        Some("show") => show(app, inv, number, r).await,
        Some("status") => set_status(app, inv, number, args.text("status"), r).await,
        Some("edit") => {
            let edit = Edit {
                title: args.text("title"),
                hook: args.text("hook"),
                description: args.text("description"),
            };
            edit_texts(app, inv, number, &edit, r).await
        }
        Some("delete") => ask_delete(app, inv, number, r).await,
        _ => list(app, inv, args.text("status"), r).await,
    }
}

async fn find(app: &App, inv: &Invocation, number: i64) -> Result<Idea, CommandError> {
    Ok(ideas::get_by_number(&app.db, inv.account, number)
        .await?
        .ok_or_else(|| msg("idea-not-found").arg("number", number))?)
}

fn status_label(app: &App, locale: Locale, status: &str) -> String {
    app.i18n.tr(
        locale,
        match status {
            "in_progress" => "idea-status-in-progress",
            "published" => "idea-status-published",
            _ => "idea-status-saved",
        },
    )
}

fn platform_label(app: &App, locale: Locale, idea: &Idea) -> String {
    idea.provider().map_or_else(
        || app.i18n.tr(locale, "idea-platform-any"),
        |p| p.label().to_owned(),
    )
}

async fn list(
    app: &App,
    inv: &Invocation,
    status: Option<&str>,
    r: &dyn Responder,
) -> CommandResult {
    let all = db::ideas::list(&app.db, inv.account, status).await?;
    if all.is_empty() {
        let text = match status {
            None => app.i18n.tr(inv.locale, "idea-list-empty"),
            Some(s) => app.i18n.render(
                inv.locale,
                &msg("idea-list-empty-status").arg("status", status_label(app, inv.locale, s)),
            ),
        };
        r.send(Reply::text(text).private()).await?;
        return Ok(());
    }
    let mut lines = vec![app.i18n.render(
        inv.locale,
        &msg("idea-list-heading").arg("count", all.len()),
    )];
    for idea in all.iter().take(LIST_LIMIT) {
        lines.push(format!(
            "#{} · {} · {} · {}",
            idea.number,
            idea.title,
            status_label(app, inv.locale, &idea.status),
            platform_label(app, inv.locale, idea)
        ));
    }
    if all.len() > LIST_LIMIT {
        lines.push(app.i18n.render(
            inv.locale,
            &msg("idea-list-more").arg("count", all.len() - LIST_LIMIT),
        ));
    }
    r.send(Reply::text(lines.join("\n")).private()).await?;
    Ok(())
}

/// Everything about one idea, as reply blocks.
fn details(app: &App, locale: Locale, idea: &Idea) -> Vec<String> {
    let tr = |m| app.i18n.render(locale, &m);
    let mut head = vec![tr(msg("idea-heading")
        .arg("number", idea.number)
        .arg("title", &idea.title))];
    if let Some(hook) = &idea.hook {
        head.push(tr(msg("idea-hook").arg("hook", hook)));
    }
    let mut blocks = vec![head.join("\n")];
    if let Some(d) = &idea.description {
        blocks.push(d.clone());
    }
    let mut facts = vec![tr(msg("idea-facts")
        .arg("status", status_label(app, locale, &idea.status))
        .arg("platform", platform_label(app, locale, idea)))];
    if let Some(seconds) = idea.duration_seconds {
        facts.push(tr(
            msg("idea-duration").arg("duration", backlog::duration(seconds, locale))
        ));
    }
    if let Some(niche) = &idea.niche {
        facts.push(tr(msg("idea-niche").arg("niche", niche)));
    }
    facts.push(tr(msg("idea-saved-on").arg(
        "date",
        format::long_date(idea.created_at.date_naive(), locale),
    )));
    blocks.push(facts.join("\n"));
    if let Some(e) = idea.expansion.as_ref().and_then(Expansion::read) {
        let mut lines = vec![tr(msg("idea-expansion-heading"))];
        if let Some(h) = &e.hook {
            lines.push(tr(msg("idea-expansion-hook").arg("hook", h)));
        }
        if let Some(s) = &e.script {
            lines.push(tr(msg("idea-expansion-opening").arg("script", s)));
        }
        if let (Some(a), Some(b)) = (&e.title_a, &e.title_b) {
            lines.push(tr(msg("idea-expansion-titles").arg("a", a).arg("b", b)));
        }
        blocks.push(lines.join("\n"));
    }
    blocks
}

/// The linked video's results: `Published as «…» on YouTube, Nov 20, 2026: 12,000 views …`.
fn results(app: &App, locale: Locale, video: &Video) -> String {
    let none = || app.i18n.tr(locale, "idea-unknown");
    let n = |v: Option<i64>| v.map_or_else(none, |v| format::number(v, locale));
    let provider = crate::domain::channels::Provider::parse(&video.provider)
        .map_or_else(|| video.provider.clone(), |p| p.label().to_owned());
    app.i18n.render(
        locale,
        &msg("idea-video-results")
            .arg("title", video.title.clone().unwrap_or_else(none))
            .arg("provider", provider)
            .arg(
                "date",
                video
                    .published_at
                    .map_or_else(none, |t| format::long_date(t.date_naive(), locale)),
            )
            .arg("views", n(video.views))
            .arg("likes", n(video.likes))
            .arg("comments", n(video.comments)),
    )
}

async fn show(app: &App, inv: &Invocation, number: i64, r: &dyn Responder) -> CommandResult {
    let idea = find(app, inv, number).await?;
    let mut reply = Reply::default().private();
    for block in details(app, inv.locale, &idea) {
        reply = reply.block(block);
    }
    match db::ideas::linked_video(&app.db, inv.account, idea.id).await? {
        Some(video) => reply = reply.block(results(app, inv.locale, &video)),
        None if idea.status == "published" => {
            reply = offer_videos(app, inv, &idea, reply, false).await?;
        }
        None => {}
    }
    r.send(reply).await?;
    Ok(())
}

/// Adds "is this the video?" with one button per matching video; with `say_none`, a hint when
/// nothing matches yet.
async fn offer_videos(
    app: &App,
    inv: &Invocation,
    idea: &Idea,
    mut reply: Reply,
    say_none: bool,
) -> Result<Reply, CommandError> {
    let candidates = ideas::video_candidates(&app.db, inv.account, idea).await?;
    if candidates.is_empty() {
        if say_none {
            reply = reply.block(app.i18n.render(
                inv.locale,
                &msg("idea-link-none").arg("number", idea.number),
            ));
        }
        return Ok(reply);
    }
    reply = reply.block(app.i18n.tr(inv.locale, "idea-link-ask"));
    for video in candidates {
        let title = video.title.clone().unwrap_or_default();
        let short = if title.chars().count() > BUTTON_TITLE {
            let cut: String = title.chars().take(BUTTON_TITLE - 1).collect();
            format!("{}…", cut.trim_end())
        } else {
            title
        };
        let label = app
            .i18n
            .render(inv.locale, &msg("idea-link-button").arg("title", short));
        let action = ButtonAction::LinkIdeaVideo {
            idea: idea.id,
            platform_id: video.platform_id,
            external_id: video.external_id,
        };
        reply = reply.button(button(app, inv, label, action).await?);
    }
    Ok(reply)
}

/// A button on this reply whose label carries arguments (already rendered).
async fn button(
    app: &App,
    inv: &Invocation,
    label: String,
    action: ButtonAction,
) -> anyhow::Result<Button> {
    buttons::store(
        app,
        inv.account,
        &inv.destination(),
        label,
        &action,
        Lifetime::Reply,
    )
    .await
}

async fn set_status(
    app: &App,
    inv: &Invocation,
    number: i64,
    status: Option<&str>,
    r: &dyn Responder,
) -> CommandResult {
    // The manifest's choices guarantee one of `ideas::STATUSES`.
    let status = status
        .filter(|s| ideas::STATUSES.contains(s))
        .ok_or_else(|| anyhow::anyhow!("/idea status without a valid status"))?;
    let idea = db::ideas::set_status(&app.db, inv.account, number, status)
        .await?
        .ok_or_else(|| msg("idea-not-found").arg("number", number))?;
    let text = app.i18n.render(
        inv.locale,
        &msg("idea-status-set")
            .arg("number", number)
            .arg("status", status_label(app, inv.locale, status)),
    );
    let mut reply = Reply::text(text).private();
    if status == "published" && !idea.is_linked() {
        reply = offer_videos(app, inv, &idea, reply, true).await?;
    }
    r.send(reply).await?;
    Ok(())
}

async fn edit_texts(
    app: &App,
    inv: &Invocation,
    number: i64,
    edit: &Edit<'_>,
    r: &dyn Responder,
) -> CommandResult {
    let idea = find(app, inv, number).await?;
    if edit.is_empty() {
        return Err(msg("idea-edit-nothing").arg("number", number).into());
    }
    let updated = ideas::edit(&app.db, inv.account, &idea, edit)
        .await?
        .ok_or_else(|| msg("idea-not-found").arg("number", number))?;
    let mut reply = Reply::text(
        app.i18n
            .render(inv.locale, &msg("idea-edited").arg("number", number)),
    )
    .private();
    for block in details(app, inv.locale, &updated) {
        reply = reply.block(block);
    }
    r.send(reply).await?;
    Ok(())
}

async fn ask_delete(app: &App, inv: &Invocation, number: i64, r: &dyn Responder) -> CommandResult {
    let idea = find(app, inv, number).await?;
    let label = app
        .i18n
        .render(inv.locale, &msg("idea-delete-button").arg("number", number));
    let confirm = button(app, inv, label, ButtonAction::DeleteIdea { idea: idea.id }).await?;
    let text = app.i18n.render(
        inv.locale,
        &msg("idea-delete-confirm")
            .arg("number", number)
            .arg("title", &idea.title),
    );
    r.send(Reply::text(text).button(confirm).private()).await?;
    Ok(())
}

/// The confirmation button of `/idea delete`.
pub async fn delete_confirmed(
    app: &App,
    inv: &Invocation,
    idea: Uuid,
    r: &dyn Responder,
) -> CommandResult {
    let text = match db::ideas::delete(&app.db, inv.account, idea).await? {
        Some(number) => app
            .i18n
            .render(inv.locale, &msg("idea-deleted").arg("number", number)),
        None => app.i18n.tr(inv.locale, "idea-already-deleted"),
    };
    r.send(Reply::text(text).private()).await?;
    Ok(())
}

/// "Yes, it's «…»": links the idea to that video and shows its results.
pub async fn link_video(
    app: &App,
    inv: &Invocation,
    idea: Uuid,
    platform_id: Uuid,
    external_id: &str,
    r: &dyn Responder,
) -> CommandResult {
    let Some(linked) =
        db::ideas::link_video(&app.db, inv.account, idea, platform_id, external_id).await?
    else {
        return Err(msg("idea-link-gone").into());
    };
    let mut reply = Reply::text(
        app.i18n
            .render(inv.locale, &msg("idea-linked").arg("number", linked.number)),
    )
    .private();
    if let Some(video) = db::ideas::linked_video(&app.db, inv.account, linked.id).await? {
        reply = reply.block(results(app, inv.locale, &video));
    }
    r.send(reply).await?;
    Ok(())
}
