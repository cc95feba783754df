//! The privacy policy gate: an account that has not accepted the policy in force
//! (`domain::consent::Standing`) may only run `/start`, `/help`, `/privacy`, `/export`,
//! `/forget` and `/language`, and press the buttons those produce (the Accept button among
//! them). Anything else it sends gets one reply asking it to accept (what changed since the
//! version it accepted, or the policy's summary), with an Accept button.
//!
//! Decision: what was blocked is kept behind that Accept button (the button's server-side
//! action, never in the button itself) and runs once the policy is accepted, so the creator does
//! not have to type it again. A command, a line of text or a button is replayed; a file or the
//! answers of a form are not kept (their bytes do not belong in a button's action): the reply
//! after Accept asks to send them again. Only the press that accepts runs what was kept (a later
//! Accept, e.g. under a second refusal, runs nothing), so nothing runs twice. Accounts created
//! before the gate have no `policy` consent and are asked at their next command, like new ones.
//!
//! Plain data; the dispatcher (`bot::dispatch`) applies the gate and replays what it kept.

use serde::{Deserialize, Serialize};

use crate::bot::{Input, RawCommand};
use crate::commands::ButtonAction;

/// What a gated account sent, kept behind the Accept button to run once it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocked {
    /// A line typed on a text front end (a command or free text), as typed.
    Line { line: String },
    /// A command with typed options (Discord), without attachments.
    Command {
        name: String,
        sub: Option<String>,
        positional: Vec<String>,
        named: Vec<(String, String)>,
    },
    /// A pressed button's action (already checked against its account and chat).
    Button { action: Box<ButtonAction> },
    /// A file or a form's answers: not kept; the creator is asked to send them again.
    NotKept,
}

impl Blocked {
    /// What to keep of `input`, refused by the gate.
    pub fn of(input: &Input) -> Blocked {
        match input {
            Input::Line(line) => Blocked::Line { line: line.clone() },
            Input::Command(raw) if raw.files.is_empty() => Blocked::Command {
                name: raw.name.clone(),
                sub: raw.sub.clone(),
                positional: raw.positional.clone(),
                named: raw.named.clone(),
            },
            Input::Command(_) | Input::File(_) | Input::Answers(_) | Input::Button(_) => {
                Blocked::NotKept
            }
        }
    }

    /// The input to route again, for a kept line or command.
    pub fn input(self) -> Option<Input> {
        match self {
            Blocked::Line { line } => Some(Input::Line(line)),
            Blocked::Command {
                name,
                sub,
                positional,
                named,
            } => Some(Input::Command(RawCommand {
                name,
                sub,
                positional,
                named,
                files: Vec::new(),
            })),
            Blocked::Button { .. } | Blocked::NotKept => None,
        }
    }
}
