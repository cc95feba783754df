//! The command engine's plain data: who asks (`Invocation`), what comes back (`Reply`), and the
//! `Responder`/`Notifier` traits the front ends implement.
//!
//! May depend on `commands/`, `domain/`, `db/`; never on a platform crate. Front ends build an
//! `Incoming`, call `dispatch::handle`, and render `Reply` values their own way.

pub mod args;
pub mod buttons;
pub mod dispatch;
pub mod gate;
pub mod notifier;
pub mod questions;
pub mod tokenizer;

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::{Locale, Msg};

/// A chat platform (where the creator talks to us).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Discord,
    Telegram,
    Console,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Discord, Platform::Telegram, Platform::Console];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Discord => "discord",
            Platform::Telegram => "telegram",
            Platform::Console => "console",
        }
    }

    pub fn parse(text: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The platform's own name, the same in every language.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Discord => "Discord",
            Platform::Telegram => "Telegram",
            Platform::Console => "console",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A conversation: a DM, a group or channel, or the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRef {
    pub platform: Platform,
    pub id: String,
    /// A one-to-one conversation with the bot (private data may be shown there).
    pub private: bool,
}

/// What a front end received, before the engine resolves the account and locale.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub platform: Platform,
    /// The author's id on that platform.
    pub user_id: String,
    pub display_name: Option<String>,
    pub chat: ChatRef,
    /// The platform's idea of the author's language (Telegram `language_code`, Discord `locale`).
    pub platform_locale: Option<Locale>,
    /// A language forced for this session (the console's `--lang`).
    pub forced_locale: Option<Locale>,
    /// Whether the author administers this chat.
    pub is_admin: bool,
    pub input: Input,
}

/// What a creator sent.
#[derive(Debug, Clone)]
pub enum Input {
    /// A line typed on a text front end: a command when it starts with `/` (parsed by the one
    /// tokenizer), else free text for the conversation or the pending question.
    Line(String),
    /// A command with typed options (Discord).
    Command(RawCommand),
    /// A pressed button's opaque id.
    Button(String),
    File(IncomingFile),
    Answers(Vec<String>),
}

/// A command as typed: text front ends fill `positional`/`named` from the tokenizer; Discord fills
/// `sub` and `named` from typed options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawCommand {
    pub name: String,
    pub sub: Option<String>,
    pub positional: Vec<String>,
    pub named: Vec<(String, String)>,
    /// Files given through attachment options (Discord), by option name, already downloaded.
    pub files: Vec<(String, IncomingFile)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingFile {
    pub file_name: String,
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

/// An account: one creator, whatever platforms they talk to us from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(transparent)]
pub struct AccountId(pub Uuid);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Who asks what, where, in which language: everything a command needs to know about the request.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub account: AccountId,
    pub platform: Platform,
    pub user_id: String,
    pub chat: ChatRef,
    pub locale: Locale,
    pub is_admin: bool,
    pub is_operator: bool,
    pub input: Input,
}

/// A Discord destination `user:ID` is that user's DM: the notifier opens the DM channel when
/// sending (a command run in a server knows the user, not their DM channel).
pub const DISCORD_DM_PREFIX: &str = "user:";

impl Invocation {
    /// The file given through the attachment option `option` (Discord), if any.
    pub fn attached(&self, option: &str) -> Option<&IncomingFile> {
        match &self.input {
            Input::Command(raw) => raw
                .files
                .iter()
                .find_map(|(name, file)| (name == option).then_some(file)),
            _ => None,
        }
    }

    pub fn destination(&self) -> Destination {
        Destination {
            platform: self.chat.platform,
            chat_id: self.chat.id.clone(),
        }
    }

    /// The author's one-to-one conversation with the bot on this platform (a Telegram private
    /// chat's id is the user's id).
    pub fn direct_destination(&self) -> Destination {
        if self.chat.private {
            return self.destination();
        }
        let chat_id = match self.platform {
            Platform::Discord => format!("{DISCORD_DM_PREFIX}{}", self.user_id),
            Platform::Telegram | Platform::Console => self.user_id.clone(),
        };
        Destination {
            platform: self.platform,
            chat_id,
        }
    }
}

/// Where a proactive message goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Destination {
    pub platform: Platform,
    pub chat_id: String,
}

/// A reply: plain data, already translated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    /// Paragraphs of text.
    pub blocks: Vec<String>,
    /// In order; the confirming/primary action first.
    pub buttons: Vec<Button>,
    pub attachments: Vec<Attachment>,
    pub visibility: Visibility,
    /// Structured content (a digest, a stats report): the first block is its title, the others
    /// its body, a single image illustrates it. Discord shows an embed; text front ends ignore it.
    pub card: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Button {
    /// Carries the opaque id of a stored pending action, never the action itself.
    Action {
        label: String,
        id: String,
    },
    Link {
        label: String,
        url: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    /// Only the author sees it (Discord ephemeral; a DM elsewhere).
    Private,
    #[default]
    InChannel,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            blocks: vec![text.into()],
            ..Reply::default()
        }
    }

    pub fn block(mut self, text: impl Into<String>) -> Reply {
        self.blocks.push(text.into());
        self
    }

    pub fn button(mut self, button: Button) -> Reply {
        self.buttons.push(button);
        self
    }

    pub fn attachment(mut self, attachment: Attachment) -> Reply {
        self.attachments.push(attachment);
        self
    }

    pub fn card(mut self) -> Reply {
        self.card = true;
        self
    }

    pub fn private(mut self) -> Reply {
        self.visibility = Visibility::Private;
        self
    }
}

/// A reply sent earlier, which may be edited (streaming, progress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageId(pub String);

/// A question the engine asks: one field (`ask`) or one page (up to five fields) of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionView {
    pub title: String,
    /// The fields of the page shown now.
    pub fields: Vec<FieldView>,
    /// Text front ends ask one field at a time: the field asked now, within the page.
    pub current: usize,
    /// Set when this page follows a page just answered: Discord shows a button with this label
    /// that opens the page as a modal (a modal cannot answer a modal).
    pub continue_label: Option<String>,
    /// Text front ends: the current field's choices, and Cancel, as buttons.
    pub buttons: Vec<Button>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldView {
    pub label: String,
    pub long: bool,
    pub required: bool,
}

/// How a front end answers one incoming message.
#[async_trait]
pub trait Responder: Send + Sync {
    async fn send(&self, reply: Reply) -> anyhow::Result<MessageId>;
    async fn edit(&self, message: &MessageId, reply: Reply) -> anyhow::Result<()>;
    async fn typing(&self) -> anyhow::Result<()>;
    /// Shows a stored question: Discord opens a modal; text front ends send the current field's
    /// prompt and take the next free-text message as the answer.
    async fn ask(&self, question: &QuestionView) -> anyhow::Result<()>;
    /// The creator chose a language during this request (`/language`). Front ends with a
    /// session language of their own (the console's `--lang`) drop it then; others ignore it.
    fn language_chosen(&self, _locale: Locale) {}
}

/// What became of a proactive send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    Delivered,
    /// A 429 or 5xx answer: nothing was delivered, try again later.
    Refused {
        retry_after: Option<std::time::Duration>,
    },
    /// Blocked bot, deleted chat: pause the destination.
    Unreachable,
    /// The request was written but no answer came: it may or may not have arrived.
    Unknown,
}

/// Proactive sends (digests, reminders) to a saved destination.
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome;
}

/// The two kinds of failure a command may end with (STYLE.md, "Errors").
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Shown to the creator, translated; says what to do next.
    #[error("user error: {}", .0.key)]
    User(Msg),
    /// Logged with an id; the creator sees "something went wrong (ref …)".
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CommandError {
    fn from(e: sqlx::Error) -> CommandError {
        CommandError::Internal(e.into())
    }
}

impl From<Msg> for CommandError {
    fn from(m: Msg) -> CommandError {
        CommandError::User(m)
    }
}

pub type CommandResult = Result<(), CommandError>;
