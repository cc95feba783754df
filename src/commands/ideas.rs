//! `/ideas [niche] [platform] [count]`: a brainstorm grounded in the creator's own best content.
//! The model's answer streams into one message (a complete idea at a time, at most one edit a
//! second); then each idea becomes its own message with Save / Expand / More like this /
//! Discard. Free text in the same chat (or the "Refine" button where free text cannot be read)
//! continues the conversation; `/ideas end` ends it.
//!
//! Every model request reserves one `ideas_generated` unit first and gives it back when the
//! call fails. Without a model, or past the operator's daily token budget, the ideas are the
//! data-driven ones (`domain::ideas::offline`), labelled as such.

use std::time::{Duration, Instant};

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::buttons;
use crate::bot::questions::{self, Field};
use crate::bot::{CommandError, CommandResult, Invocation, MessageId, Reply, Responder};
use crate::clients::ai::{AiError, ChatRequest, Completion, JsonSchema, Role};
use crate::commands::{ButtonAction, QuestionPurpose};
use crate::db;
use crate::db::brainstorm::{RequestRecord, TopContent};
use crate::domain::channels::Provider;
use crate::domain::ideas::brainstorm::{self, Session};
use crate::domain::ideas::draft::{self, IdeaDraft};
use crate::domain::ideas::{self as backlog, Expansion, IdeaError, NewIdea, Origin, offline};
use crate::domain::plans::{self, Feature, Reservation};
use crate::i18n::{Msg, msg};

/// At most one edit of the streaming message per this interval (Telegram allows about one a
/// second per chat; Discord edits share the interaction's bucket).
pub const EDIT_INTERVAL: Duration = Duration::from_secs(1);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_COUNT: usize = 5;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    match args.sub.as_deref() {
        Some("end") => end(app, inv, r).await,
        _ => {
            let niche = args.text("niche").map(str::trim).filter(|n| !n.is_empty());
            if let Some(niche) = niche {
                db::brainstorm::set_niche(&app.db, inv.account, niche).await?;
            }
            let niche = match niche {
                Some(n) => Some(n.to_owned()),
                None => db::brainstorm::niche(&app.db, inv.account).await?,
            };
            let platform = args.text("platform").and_then(Provider::parse);
            let count = args
                .integer("count")
                .and_then(|c| usize::try_from(c).ok())
                .unwrap_or(DEFAULT_COUNT)
                .clamp(1, draft::MAX_COUNT);
            let session = Session {
                niche,
                platform,
                ..Session::default()
            };
            let ask = crate::clients::ai::prompt(
                inv.locale,
                "ideas.user",
                &[("count", &count.to_string())],
            )?;
            generate(app, inv, session, ask, count, r).await
        }
    }
}

async fn end(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let ended = db::brainstorm::end_conversation(&app.db, inv.account, &inv.destination()).await?;
    let key = if ended {
        "ideas-ended"
    } else {
        "ideas-no-conversation"
    };
    r.send(Reply::text(app.i18n.tr(inv.locale, key))).await?;
    Ok(())
}

/// Free text in a chat with a live brainstorm: the creator's next request. `false` when there
/// is no conversation here (the caller answers as usual).
pub async fn on_text(
    app: &App,
    inv: &Invocation,
    text: &str,
    r: &dyn Responder,
) -> Result<bool, crate::bot::CommandError> {
    let Some(session) = Session::load(&app.db, inv.account, &inv.destination()).await? else {
        return Ok(false);
    };
    let count = session.ideas.len().clamp(1, draft::MAX_COUNT);
    generate(app, inv, session, text.trim().to_owned(), count, r).await?;
    Ok(true)
}

/// "Refine": a one-field question (a modal on Discord) whose answer continues the brainstorm.
pub async fn ask_refinement(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let field = Field::new(msg("ideas-refine-question"));
    questions::ask(app, inv, r, QuestionPurpose::IdeasRefine, field).await?;
    Ok(())
}

pub async fn on_refinement(
    app: &App,
    inv: &Invocation,
    answers: Vec<String>,
    r: &dyn Responder,
) -> CommandResult {
    let text = answers.into_iter().next().unwrap_or_default();
    if !on_text(app, inv, &text, r).await? {
        r.send(Reply::text(
            app.i18n.tr(inv.locale, "ideas-no-conversation"),
        ))
        .await?;
    }
    Ok(())
}

/// "Brainstorm on this" under a digest: a new brainstorm seeded with an outperforming video.
pub async fn brainstorm_on(
    app: &App,
    inv: &Invocation,
    title: &str,
    provider: Provider,
    r: &dyn Responder,
) -> CommandResult {
    let session = Session {
        niche: db::brainstorm::niche(&app.db, inv.account).await?,
        platform: Some(provider),
        ..Session::default()
    };
    let ask = app.i18n.render(
        inv.locale,
        &msg("ideas-brainstorm-on")
            .arg("count", i64::try_from(DEFAULT_COUNT).unwrap_or(5))
            .arg("title", title)
            .arg("platform", provider.label()),
    );
    generate(app, inv, session, ask, DEFAULT_COUNT, r).await
}

/// "More like this" under an idea.
pub async fn more_like(
    app: &App,
    inv: &Invocation,
    idea: IdeaDraft,
    r: &dyn Responder,
) -> CommandResult {
    let session = Session::load(&app.db, inv.account, &inv.destination())
        .await?
        .unwrap_or_default();
    let ask = app
        .i18n
        .render(inv.locale, &msg("ideas-more-like").arg("title", idea.title));
    generate(app, inv, session, ask, DEFAULT_COUNT, r).await
}

async fn content(
    app: &App,
    inv: &Invocation,
    session: &Session,
) -> anyhow::Result<Vec<TopContent>> {
    Ok(db::brainstorm::top_content(
        &app.db,
        inv.account,
        session.platform.map(Provider::as_str),
        brainstorm::CONTEXT_DAYS,
        brainstorm::CONTEXT_ITEMS,
    )
    .await?)
}

/// Whether the operator's daily token budget is spent.
async fn budget_spent(app: &App) -> anyhow::Result<bool> {
    let Some(budget) = app.settings.openai.daily_token_budget else {
        return Ok(false);
    };
    let spent = db::brainstorm::tokens_today(&app.db).await?;
    Ok(u64::try_from(spent).unwrap_or(0) >= budget)
}

async fn generate(
    app: &App,
    inv: &Invocation,
    mut session: Session,
    ask: String,
    count: usize,
    r: &dyn Responder,
) -> CommandResult {
    r.typing().await.ok();
    let content = content(app, inv, &session).await?;
    let Some(ai) = app.ai.as_ref() else {
        return offline_ideas(app, inv, &content, count, "ideas-offline-heading", r).await;
    };
    if budget_spent(app).await? {
        return offline_ideas(app, inv, &content, count, "ideas-budget-reached", r).await;
    }
    if let Reservation::AtLimit { limit } =
        plans::reserve(&app.db, &app.plans, inv.account, Feature::Ideas).await?
    {
        let refusal = msg("ideas-plan-limit").arg("limit", limit);
        return super::plan::refuse_at_limit(app, inv, refusal, r).await;
    }
    let mut request = session.request(inv.locale, &content, ask.clone())?;
    request.timeout = REQUEST_TIMEOUT;
    let tr = |m: &Msg| app.i18n.render(inv.locale, m);
    let thinking = match &session.niche {
        Some(niche) => tr(&msg("ideas-thinking").arg("niche", niche.as_str())),
        None => tr(&msg("ideas-thinking-channel")),
    };
    let message = r.send(Reply::text(thinking.clone())).await?;

    let Streamed {
        result,
        partial,
        last_edit,
    } = stream_with_edits(app, &request, r, &message, &thinking).await;
    record(app, inv, "ideas", ai.model(), &result).await;
    let text = match result {
        Ok(completion) => completion.text,
        // A cut stream is repaired from the ideas it completed (retried below when none).
        Err(AiError::Truncated(_)) => partial,
        Err(e) => {
            plans::release(&app.db, inv.account, Feature::Ideas).await?;
            edit_interval_passed(last_edit).await;
            r.edit(&message, Reply::text(tr(&ai_error(&e)))).await?;
            return Ok(());
        }
    };
    let mut ideas = draft::parse_answer(&text, count);
    if ideas.is_empty() {
        tracing::warn!("the model's ideas did not parse; retrying once");
        let retry = ai.complete(&request).await;
        record(app, inv, "ideas_retry", ai.model(), &retry).await;
        if let Ok(c) = retry {
            ideas = draft::parse_answer(&c.text, count);
        }
    }
    if ideas.is_empty() {
        plans::release(&app.db, inv.account, Feature::Ideas).await?;
        edit_interval_passed(last_edit).await;
        r.edit(&message, Reply::text(tr(&msg("ideas-ai-malformed"))))
            .await?;
        return Ok(());
    }
    session.push(Role::User, ask);
    session.push(
        Role::Assistant,
        serde_json::to_string(&serde_json::json!({ "ideas": ideas }))
            .map_err(anyhow::Error::from)?,
    );
    session.ideas = ideas.clone();
    session
        .save(&app.db, inv.account, &inv.destination())
        .await?;

    let refine =
        buttons::reply_button(app, inv, "ideas-button-refine", ButtonAction::RefineIdeas).await?;
    let heading = tr(&msg("ideas-heading").arg("count", i64::try_from(ideas.len()).unwrap_or(0)));
    edit_interval_passed(last_edit).await;
    r.edit(
        &message,
        Reply::text(heading)
            .block(tr(&msg("ideas-follow-up-hint")))
            .button(refine),
    )
    .await?;
    for (n, idea) in ideas.into_iter().enumerate() {
        send_idea(app, inv, n + 1, idea, session.niche.clone(), true, r).await?;
    }
    Ok(())
}

/// What a stream left: its outcome, the text received (a cut stream still has it), and when
/// the streaming message was last edited.
struct Streamed {
    result: Result<Completion, AiError>,
    partial: String,
    last_edit: Option<Instant>,
}

/// Streams the answer, editing `message` with each newly complete idea, at most once per
/// `EDIT_INTERVAL`: an idea that completes sooner is shown as soon as the interval has passed,
/// not held back until the next one.
async fn stream_with_edits(
    app: &App,
    request: &ChatRequest,
    r: &dyn Responder,
    message: &MessageId,
    thinking: &str,
) -> Streamed {
    let Some(ai) = app.ai.as_ref() else {
        return Streamed {
            result: Err(AiError::Other("no model configured".into())),
            partial: String::new(),
            last_edit: None,
        };
    };
    let (tx, mut rx) = tokio::sync::watch::channel(String::new());
    let mut on_text = move |text: &str| {
        let _ = tx.send(text.to_owned());
    };
    let started = Instant::now();
    let stream = ai.stream(request, &mut on_text);
    tokio::pin!(stream);
    let mut shown = 0;
    let mut last_edit: Option<Instant> = None;
    let mut waiting = false;
    let result = loop {
        // When an idea is waiting for the interval to pass: the moment it may be shown.
        let next_edit = last_edit
            .filter(|_| waiting)
            .map(|t| tokio::time::Instant::from_std(t + EDIT_INTERVAL));
        let wake = async {
            match next_edit {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let text = tokio::select! {
            result = &mut stream => break result,
            Ok(()) = rx.changed() => rx.borrow_and_update().clone(),
            () = wake => rx.borrow().clone(),
        };
        let ideas = draft::complete_objects(&text);
        if ideas.len() <= shown {
            continue;
        }
        if last_edit.is_some_and(|t| t.elapsed() < EDIT_INTERVAL) {
            waiting = true;
            continue;
        }
        waiting = false;
        shown = ideas.len();
        last_edit = Some(Instant::now());
        if let Err(e) = r
            .edit(message, Reply::text(preview(thinking, &ideas)))
            .await
        {
            tracing::debug!(error = ?e, "a streaming edit failed");
        }
    };
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        shown,
        "ideas streamed"
    );
    let partial = rx.borrow().clone();
    Streamed {
        result,
        partial,
        last_edit,
    }
}

/// Waits until the streaming message may be edited again (the heading after the stream keeps
/// the same pace as the stream).
async fn edit_interval_passed(last_edit: Option<Instant>) {
    if let Some(t) = last_edit {
        tokio::time::sleep_until(tokio::time::Instant::from_std(t + EDIT_INTERVAL)).await;
    }
}

/// The streaming message: the heading and one line per idea complete so far (never raw JSON).
fn preview(thinking: &str, ideas: &[IdeaDraft]) -> String {
    let mut text = thinking.to_owned();
    for (n, idea) in ideas.iter().enumerate() {
        text.push_str(&format!("\n{}. {}", n + 1, idea.title));
    }
    text
}

async fn record(
    app: &App,
    inv: &Invocation,
    purpose: &str,
    model: &str,
    result: &Result<Completion, AiError>,
) {
    let (outcome, prompt_tokens, completion_tokens, latency) = match result {
        Ok(c) => ("ok", c.prompt_tokens, c.completion_tokens, c.latency),
        Err(e) => (e.outcome(), None, None, Duration::ZERO),
    };
    let record = RequestRecord {
        account: Some(inv.account),
        purpose,
        model,
        outcome,
        prompt_tokens,
        completion_tokens,
        latency_ms: u32::try_from(latency.as_millis()).unwrap_or(u32::MAX),
    };
    if let Err(e) = db::brainstorm::record_request(&app.db, &record).await {
        tracing::error!(error = ?e, "recording a model request failed");
    }
}

/// The sentence for a failed model call (nothing was counted).
fn ai_error(e: &AiError) -> Msg {
    match e {
        AiError::Timeout | AiError::RateLimited { .. } | AiError::Unavailable(_) => {
            msg("ideas-ai-busy")
        }
        AiError::ContentFilter => msg("ideas-ai-filtered"),
        AiError::ModelNotFound(_) => msg("ideas-ai-misconfigured"),
        AiError::Truncated(_) | AiError::Other(_) => msg("ideas-ai-failed"),
    }
}

/// One idea as its own message with its buttons (`ai`: Expand and More like this need the model).
async fn send_idea(
    app: &App,
    inv: &Invocation,
    n: usize,
    idea: IdeaDraft,
    niche: Option<String>,
    ai: bool,
    r: &dyn Responder,
) -> CommandResult {
    let tr = |m: Msg| app.i18n.render(inv.locale, &m);
    let mut text = tr(msg("ideas-idea-title")
        .arg("n", i64::try_from(n).unwrap_or(0))
        .arg("title", idea.title.as_str()));
    if !idea.hook.is_empty() {
        text.push('\n');
        text.push_str(&tr(msg("ideas-idea-hook").arg("hook", idea.hook.as_str())));
    }
    let mut reply = Reply::text(text);
    if !idea.description.is_empty() {
        reply = reply.block(idea.description.clone());
    }
    if let Some(seconds) = idea.duration_seconds {
        let platform = idea.platform.as_deref().and_then(Provider::parse);
        reply = reply.block(tr(msg("ideas-idea-meta")
            .arg("duration", duration_text(seconds))
            .arg("platform", platform.map_or("—", Provider::label))));
    }
    let mut actions = vec![(
        "ideas-button-save",
        ButtonAction::SaveIdea {
            idea: idea.clone(),
            niche: niche.clone(),
            origin: if ai { Origin::Ai } else { Origin::Data },
            expansion: None,
        },
    )];
    if ai {
        actions.push((
            "ideas-button-expand",
            ButtonAction::ExpandIdea {
                idea: idea.clone(),
                niche,
            },
        ));
        actions.push(("ideas-button-more", ButtonAction::MoreLikeIdea { idea }));
    }
    actions.push(("ideas-button-discard", ButtonAction::DiscardIdea));
    for (label, action) in actions {
        reply = reply.button(buttons::reply_button(app, inv, label, action).await?);
    }
    r.send(reply).await?;
    Ok(())
}

fn duration_text(seconds: u32) -> String {
    if seconds < 90 {
        format!("{seconds}\u{a0}s")
    } else {
        format!("{}\u{a0}min", (seconds + 30) / 60)
    }
}

async fn offline_ideas(
    app: &App,
    inv: &Invocation,
    content: &[TopContent],
    count: usize,
    heading: &str,
    r: &dyn Responder,
) -> CommandResult {
    let ideas = offline::ideas(&app.i18n, inv.locale, content, count);
    if ideas.is_empty() {
        r.send(Reply::text(
            app.i18n.tr(inv.locale, "ideas-offline-no-data"),
        ))
        .await?;
        return Ok(());
    }
    r.send(Reply::text(app.i18n.tr(inv.locale, heading)))
        .await?;
    let niche = db::brainstorm::niche(&app.db, inv.account).await?;
    for (n, idea) in ideas.into_iter().enumerate() {
        send_idea(app, inv, n + 1, idea, niche.clone(), false, r).await?;
    }
    Ok(())
}

/// "Expand": a hook, a 30-second opening script and a title A/B pair, from the model.
pub async fn expand(
    app: &App,
    inv: &Invocation,
    idea: IdeaDraft,
    niche: Option<String>,
    r: &dyn Responder,
) -> CommandResult {
    let Some(ai) = app.ai.as_ref() else {
        return Err(msg("ideas-expand-needs-ai").into());
    };
    if budget_spent(app).await? {
        return Err(msg("ideas-expand-budget").into());
    }
    if let Reservation::AtLimit { limit } =
        plans::reserve(&app.db, &app.plans, inv.account, Feature::Ideas).await?
    {
        let refusal = msg("ideas-plan-limit").arg("limit", limit);
        return super::plan::refuse_at_limit(app, inv, refusal, r).await;
    }
    r.typing().await.ok();
    let niche_text = niche.clone().unwrap_or_else(|| "—".to_owned());
    let platform = idea.platform.clone().unwrap_or_else(|| "any".to_owned());
    let vars = [
        ("niche", niche_text.as_str()),
        ("title", idea.title.as_str()),
        ("hook", idea.hook.as_str()),
        ("description", idea.description.as_str()),
        ("platform", platform.as_str()),
    ];
    let mut request = ChatRequest::from_prompt(inv.locale, "idea_expand", &vars)?;
    request.max_tokens = 600;
    request.temperature = brainstorm::TEMPERATURE;
    request.timeout = REQUEST_TIMEOUT;
    request.json_schema = Some(JsonSchema {
        name: "idea_expansion".into(),
        schema: draft::expansion_schema(),
    });
    let result = ai.complete(&request).await;
    record(app, inv, "expand", ai.model(), &result).await;
    let expansion = match &result {
        Ok(c) => draft::parse_expansion(&c.text),
        Err(_) => None,
    };
    let Some(expansion) = expansion else {
        plans::release(&app.db, inv.account, Feature::Ideas).await?;
        let why = match &result {
            Err(e) => ai_error(e),
            Ok(_) => msg("ideas-ai-malformed"),
        };
        return Err(why.into());
    };
    let tr = |m: Msg| app.i18n.render(inv.locale, &m);
    let text = tr(msg("ideas-expansion")
        .arg("title", idea.title.as_str())
        .arg("hook", expansion.hook.clone().unwrap_or_default())
        .arg("script", expansion.script.clone().unwrap_or_default())
        .arg("title_a", expansion.title_a.clone().unwrap_or_default())
        .arg("title_b", expansion.title_b.clone().unwrap_or_default()));
    let save = ButtonAction::SaveIdea {
        idea,
        niche,
        origin: Origin::Ai,
        expansion: Some(expansion),
    };
    let button = buttons::reply_button(app, inv, "ideas-button-save", save).await?;
    r.send(Reply::text(text).button(button)).await?;
    Ok(())
}

/// "Save": into the backlog, numbered (`/idea show N`).
pub async fn save(
    app: &App,
    inv: &Invocation,
    idea: IdeaDraft,
    niche: Option<String>,
    origin: Origin,
    expansion: Option<Expansion>,
    r: &dyn Responder,
) -> CommandResult {
    let new = NewIdea {
        platform: idea.platform.as_deref().and_then(Provider::parse),
        niche,
        title: idea.title,
        description: Some(idea.description),
        hook: Some(idea.hook),
        duration_seconds: idea.duration_seconds.and_then(|d| i32::try_from(d).ok()),
        origin,
        expansion: expansion
            .map(serde_json::to_value)
            .transpose()
            .map_err(anyhow::Error::from)?,
    };
    let saved = backlog::save(&app.db, inv.account, new)
        .await
        .map_err(|e| match e {
            IdeaError::Invalid(m) => CommandError::User(m),
            IdeaError::Database(e) => e.into(),
        })?;
    let text = app
        .i18n
        .render(inv.locale, &msg("ideas-saved").arg("number", saved.number));
    r.send(Reply::text(text)).await?;
    Ok(())
}

pub async fn discard(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    r.send(Reply::text(app.i18n.tr(inv.locale, "ideas-discarded")))
        .await?;
    Ok(())
}
