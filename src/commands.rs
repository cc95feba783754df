//! One implementation per command, over plain data (`Invocation` in, replies through a
//! `Responder`). `commands/NAME.toml` is the manifest, `src/commands/NAME.rs` the code, and
//! `locales/*/NAME.ftl` the sentences; the README's checklist adds a command.
//!
//! The `match` below is exhaustive on `CommandName`, so a command without code does not compile,
//! and a test fails when a manifest has no `CommandName`.

pub mod billing;
pub mod channels;
pub mod connect;
pub mod deal;
pub mod digest;
pub mod disconnect;
pub mod export;
pub mod forget;
pub mod help;
pub mod idea;
pub mod ideas;
pub mod import;
pub mod invoice;
pub mod language;
pub mod link;
pub mod ops;
pub mod plan;
pub mod privacy;
pub mod profile;
pub mod revenue;
pub mod start;
pub mod stats;
pub mod sync;
pub mod upgrade;

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::i18n::{Locale, msg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandName {
    Billing,
    Channels,
    Connect,
    Deal,
    Digest,
    Disconnect,
    Export,
    Forget,
    Help,
    Idea,
    Ideas,
    Import,
    Invoice,
    Language,
    Link,
    Ops,
    Plan,
    Privacy,
    Profile,
    Revenue,
    Start,
    Stats,
    Sync,
    Upgrade,
}

impl CommandName {
    pub const ALL: [CommandName; 24] = [
        CommandName::Billing,
        CommandName::Channels,
        CommandName::Connect,
        CommandName::Deal,
        CommandName::Digest,
        CommandName::Disconnect,
        CommandName::Export,
        CommandName::Forget,
        CommandName::Help,
        CommandName::Idea,
        CommandName::Ideas,
        CommandName::Import,
        CommandName::Invoice,
        CommandName::Language,
        CommandName::Link,
        CommandName::Ops,
        CommandName::Plan,
        CommandName::Privacy,
        CommandName::Profile,
        CommandName::Revenue,
        CommandName::Start,
        CommandName::Stats,
        CommandName::Sync,
        CommandName::Upgrade,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::Billing => "billing",
            CommandName::Channels => "channels",
            CommandName::Connect => "connect",
            CommandName::Deal => "deal",
            CommandName::Digest => "digest",
            CommandName::Disconnect => "disconnect",
            CommandName::Export => "export",
            CommandName::Forget => "forget",
            CommandName::Help => "help",
            CommandName::Idea => "idea",
            CommandName::Ideas => "ideas",
            CommandName::Invoice => "invoice",
            CommandName::Import => "import",
            CommandName::Language => "language",
            CommandName::Link => "link",
            CommandName::Ops => "ops",
            CommandName::Plan => "plan",
            CommandName::Privacy => "privacy",
            CommandName::Profile => "profile",
            CommandName::Revenue => "revenue",
            CommandName::Start => "start",
            CommandName::Stats => "stats",
            CommandName::Sync => "sync",
            CommandName::Upgrade => "upgrade",
        }
    }

    pub fn from_name(name: &str) -> Option<CommandName> {
        CommandName::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The commands an account that has not accepted the policy in force may run (`bot::gate`).
    pub fn open_while_gated(self) -> bool {
        matches!(
            self,
            CommandName::Start
                | CommandName::Help
                | CommandName::Privacy
                | CommandName::Export
                | CommandName::Forget
                | CommandName::Language
        )
    }
}

pub async fn run(
    name: CommandName,
    app: &App,
    inv: &Invocation,
    args: &Args,
    r: &dyn Responder,
) -> CommandResult {
    match name {
        CommandName::Billing => billing::run(app, inv, r).await,
        CommandName::Channels => channels::run(app, inv, r).await,
        CommandName::Connect => connect::run(app, inv, args, r).await,
        CommandName::Deal => deal::run(app, inv, args, r).await,
        CommandName::Digest => digest::run(app, inv, args, r).await,
        CommandName::Disconnect => disconnect::run(app, inv, args, r).await,
        CommandName::Export => export::run(app, inv, r).await,
        CommandName::Forget => forget::run(app, inv, r).await,
        CommandName::Help => help::run(app, inv, args, r).await,
        CommandName::Idea => idea::run(app, inv, args, r).await,
        CommandName::Ideas => ideas::run(app, inv, args, r).await,
        CommandName::Invoice => invoice::run(app, inv, args, r).await,
        CommandName::Import => import::run(app, inv, args, r).await,
        CommandName::Language => language::run(app, inv, args, r).await,
        CommandName::Link => link::run(app, inv, args, r).await,
        CommandName::Ops => ops::run(app, inv, args, r).await,
        CommandName::Plan => plan::run(app, inv, r).await,
        CommandName::Privacy => privacy::show(app, inv, None, r).await,
        CommandName::Profile => profile::run(app, inv, args, r).await,
        CommandName::Revenue => revenue::run(app, inv, args, r).await,
        CommandName::Start => start::run(app, inv, args, r).await,
        CommandName::Stats => stats::run(app, inv, args, r).await,
        CommandName::Sync => sync::run(app, inv, args, r).await,
        CommandName::Upgrade => upgrade::run(app, inv, args, r).await,
    }
}

/// What a button does once pressed. Stored as JSON behind the button's opaque id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ButtonAction {
    /// A choice offered at step `field` of the pending question.
    AnswerQuestion {
        field: usize,
        value: String,
    },
    /// Abandons the pending question.
    CancelQuestion,
    ConfirmForget,
    CancelForget,
    SetLanguage {
        locale: Locale,
    },
    /// A fresh consent link for a connection whose grant died (from the "reconnect" message).
    Reconnect {
        provider: crate::domain::channels::Provider,
    },
    /// `/disconnect`'s choice: revoke, delete the tokens, keep or delete the history.
    Disconnect {
        provider: crate::domain::channels::Provider,
        keep_history: bool,
    },
    CancelDisconnect,
    /// `/connect`'s "Accept": records the consent, then shows the consent link.
    AcceptConnect {
        provider: crate::domain::channels::Provider,
    },
    CancelConnect,
    /// Under a digest: `/stats` for the default period.
    FullStats,
    /// Under a digest with an outperformer: a brainstorm seeded with that video.
    BrainstormOn {
        title: String,
        provider: crate::domain::channels::Provider,
    },
    /// Under a digest: pause that subscription.
    PauseDigest {
        subscription: uuid::Uuid,
    },
    /// Under a brainstormed idea: keep it in the backlog (`/idea list`).
    SaveIdea {
        idea: crate::domain::ideas::draft::IdeaDraft,
        niche: Option<String>,
        origin: crate::domain::ideas::Origin,
        expansion: Option<crate::domain::ideas::Expansion>,
    },
    /// Under a brainstormed idea: a hook, an opening script and a title A/B pair.
    ExpandIdea {
        idea: crate::domain::ideas::draft::IdeaDraft,
        niche: Option<String>,
    },
    /// Under a brainstormed idea: a new list in its vein.
    MoreLikeIdea {
        idea: crate::domain::ideas::draft::IdeaDraft,
    },
    DiscardIdea,
    /// Under a brainstorm: the next request through a one-field question (Discord servers and
    /// HTTP interactions cannot read free text).
    RefineIdeas,
    /// `/idea delete N`'s confirmation.
    DeleteIdea {
        idea: uuid::Uuid,
    },
    /// Under a published idea: "Yes, it's «…»" links it to that video.
    LinkIdeaVideo {
        idea: uuid::Uuid,
        platform_id: uuid::Uuid,
        external_id: String,
    },
    /// Under a limit refusal: the `/upgrade` flow for the next plan up.
    Upgrade {
        plan: crate::domain::plans::PlanName,
    },
    /// Accepts the privacy policy in force, then runs what the gate kept (`bot::gate`).
    AcceptPolicy {
        then: Option<crate::bot::gate::Blocked>,
    },
    /// Next to Accept: the whole policy (`/privacy`), with an Accept running the same `then`.
    ShowPolicy {
        then: Option<crate::bot::gate::Blocked>,
    },
}

impl ButtonAction {
    /// One-shot actions run once; the others may be pressed again until they expire.
    pub fn single_use(&self) -> bool {
        match self {
            ButtonAction::ConfirmForget
            | ButtonAction::CancelForget
            | ButtonAction::Disconnect { .. }
            | ButtonAction::CancelDisconnect
            | ButtonAction::AcceptConnect { .. }
            | ButtonAction::CancelConnect
            | ButtonAction::DeleteIdea { .. }
            | ButtonAction::SaveIdea { .. }
            | ButtonAction::DiscardIdea
            | ButtonAction::AnswerQuestion { .. }
            | ButtonAction::CancelQuestion
            | ButtonAction::AcceptPolicy { .. } => true,
            ButtonAction::SetLanguage { .. }
            | ButtonAction::Reconnect { .. }
            | ButtonAction::FullStats
            | ButtonAction::BrainstormOn { .. }
            | ButtonAction::ExpandIdea { .. }
            | ButtonAction::MoreLikeIdea { .. }
            | ButtonAction::RefineIdeas
            | ButtonAction::PauseDigest { .. }
            | ButtonAction::LinkIdeaVideo { .. }
            | ButtonAction::Upgrade { .. }
            | ButtonAction::ShowPolicy { .. } => false,
        }
    }

    /// The buttons of the commands open while gated (`CommandName::open_while_gated`).
    pub fn open_while_gated(&self) -> bool {
        matches!(
            self,
            ButtonAction::AcceptPolicy { .. }
                | ButtonAction::ShowPolicy { .. }
                | ButtonAction::ConfirmForget
                | ButtonAction::CancelForget
                | ButtonAction::SetLanguage { .. }
        )
    }
}

pub async fn on_button(
    app: &App,
    inv: &Invocation,
    action: ButtonAction,
    r: &dyn Responder,
) -> CommandResult {
    match action {
        ButtonAction::ConfirmForget => forget::confirm(app, inv, r).await,
        ButtonAction::CancelForget => forget::cancel(app, inv, r).await,
        ButtonAction::SetLanguage { locale } => language::set(app, inv, locale, r).await,
        ButtonAction::Reconnect { provider } => connect::offer(app, inv, provider, r).await,
        ButtonAction::Disconnect {
            provider,
            keep_history,
        } => disconnect::confirm(app, inv, provider, keep_history, r).await,
        ButtonAction::CancelDisconnect => disconnect::cancel(app, inv, r).await,
        ButtonAction::AcceptConnect { provider } => connect::accept(app, inv, provider, r).await,
        ButtonAction::CancelConnect => connect::cancel(app, inv, r).await,
        ButtonAction::FullStats => stats::show(app, inv, None, None, r).await,
        ButtonAction::BrainstormOn { title, provider } => {
            ideas::brainstorm_on(app, inv, &title, provider, r).await
        }
        ButtonAction::SaveIdea {
            idea,
            niche,
            origin,
            expansion,
        } => ideas::save(app, inv, idea, niche, origin, expansion, r).await,
        ButtonAction::ExpandIdea { idea, niche } => ideas::expand(app, inv, idea, niche, r).await,
        ButtonAction::MoreLikeIdea { idea } => ideas::more_like(app, inv, idea, r).await,
        ButtonAction::DiscardIdea => ideas::discard(app, inv, r).await,
        ButtonAction::AnswerQuestion { field, value } => {
            match crate::bot::questions::answer_choice(app, inv, r, field, &value).await?? {
                crate::bot::questions::Answered::Complete { purpose, answers } => {
                    on_answers(app, inv, purpose, answers, r).await
                }
                _ => Ok(()),
            }
        }
        ButtonAction::CancelQuestion => {
            crate::bot::questions::cancel(app, inv).await?;
            let text = app.i18n.tr(inv.locale, "question-cancelled");
            r.send(Reply::text(text).private()).await?;
            Ok(())
        }
        ButtonAction::RefineIdeas => ideas::ask_refinement(app, inv, r).await,
        ButtonAction::PauseDigest { subscription } => {
            digest::pause_button(app, inv, subscription, r).await
        }
        ButtonAction::DeleteIdea { idea } => idea::delete_confirmed(app, inv, idea, r).await,
        ButtonAction::LinkIdeaVideo {
            idea,
            platform_id,
            external_id,
        } => idea::link_video(app, inv, idea, platform_id, &external_id, r).await,
        ButtonAction::Upgrade { plan } => upgrade::offer(app, inv, plan, r).await,
        // What the gate kept runs next, from the dispatcher.
        ButtonAction::AcceptPolicy { .. } => privacy::accept(app, inv, r).await,
        ButtonAction::ShowPolicy { then } => privacy::show(app, inv, then, r).await,
    }
}

/// What a stored question's answers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionPurpose {
    /// Onboarding: what to call the creator.
    Name,
    /// `/profile`'s first-time form.
    Profile,
    /// `/deal add` with no fields.
    Deal,
    /// "Refine" under a brainstorm: the creator's next request.
    IdeasRefine,
    /// `/digest on` without a time zone yet: the rest of the request waits for the answer.
    DigestZone { minutes: Option<u16>, here: bool },
}

pub async fn on_answers(
    app: &App,
    inv: &Invocation,
    purpose: QuestionPurpose,
    answers: Vec<String>,
    r: &dyn Responder,
) -> CommandResult {
    match purpose {
        QuestionPurpose::Name => start::save_name(app, inv, answers, r).await,
        QuestionPurpose::Profile => profile::on_form(app, inv, answers, r).await,
        QuestionPurpose::Deal => deal::on_form(app, inv, answers, r).await,
        QuestionPurpose::IdeasRefine => ideas::on_refinement(app, inv, answers, r).await,
        QuestionPurpose::DigestZone { minutes, here } => {
            digest::on_zone(app, inv, minutes, here, answers, r).await
        }
    }
}

/// Free text with no pending question. Conversations (brainstorms) will claim it here.
pub async fn on_text(app: &App, inv: &Invocation, text: &str, r: &dyn Responder) -> CommandResult {
    if ideas::on_text(app, inv, text, r).await? {
        return Ok(());
    }
    r.send(Reply::text(
        app.i18n.render(inv.locale, &msg("free-text-hint")),
    ))
    .await?;
    Ok(())
}

/// A file sent with no command: a PNG becomes the invoice logo, CSV and ZIP files are imported
/// as daily numbers (the content decides, not the name).
pub async fn on_file(
    app: &App,
    inv: &Invocation,
    file: &crate::bot::IncomingFile,
    r: &dyn Responder,
) -> CommandResult {
    if crate::render::logo::looks_like_png(&file.bytes) {
        return profile::logo::from_file(app, inv, file, r).await;
    }
    import::from_file(app, inv, file, None, r).await
}
