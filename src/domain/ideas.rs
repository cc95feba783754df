//! Video ideas: what is saved (`save`, used by the `/ideas` brainstorm), the backlog a creator
//! keeps with `/idea` (statuses, edits, deletion), and the published video an idea became.
//!
//! May depend on `db/` and `domain::channels` (providers); never on a front end. Pure matching
//! and formatting live in `backlog`, the privacy entry in `privacy`.

pub mod backlog;
pub mod brainstorm;
pub mod draft;
pub mod offline;
pub mod privacy;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{Acquire, PgExecutor, Postgres};
use uuid::Uuid;

use crate::bot::AccountId;
use crate::db;
pub use crate::db::ideas::{Idea, Video};
use crate::domain::channels::Provider;
use crate::i18n::{Msg, msg};

/// Where an idea came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The model wrote it.
    Ai,
    /// Derived from the creator's own numbers, without a model.
    Data,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Ai => "ai",
            Origin::Data => "data",
        }
    }
}

/// The statuses of the backlog, in their natural order.
pub const STATUSES: [&str; 3] = ["saved", "in_progress", "published"];

/// Longest texts, in characters (the `/idea edit` manifest uses the same limits).
pub const MAX_TITLE: usize = 150;
pub const MAX_HOOK: usize = 300;
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_NICHE: usize = 100;
/// Longest suggested duration: three hours.
pub const MAX_DURATION_SECONDS: i32 = 3 * 3600;

/// An idea to save.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIdea {
    /// The provider it is meant for; `None`: any.
    pub platform: Option<Provider>,
    pub niche: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub hook: Option<String>,
    pub duration_seconds: Option<i32>,
    pub origin: Origin,
    /// The "Expand" result; see `Expansion` for its shape.
    pub expansion: Option<Value>,
}

/// The shape of `ai_ideas.expansion`: `{"hook", "script", "title_a", "title_b"}`, a hook, a
/// 30-second opening script and a title A/B pair. `/idea show` reads these keys and tolerates
/// missing ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expansion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook: Option<String>,
    /// The 30-second opening script.
    #[serde(
        default,
        alias = "opening_script",
        skip_serializing_if = "Option::is_none"
    )]
    pub script: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_a: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_b: Option<String>,
}

impl Expansion {
    /// Reads a stored expansion; `None` when it holds nothing we can show.
    pub fn read(value: &Value) -> Option<Expansion> {
        let e: Expansion = serde_json::from_value(value.clone()).ok()?;
        (e != Expansion::default()).then_some(e)
    }
}

impl Idea {
    pub fn provider(&self) -> Option<Provider> {
        self.platform.as_deref().and_then(Provider::parse)
    }

    pub fn is_linked(&self) -> bool {
        self.content_platform_id.is_some() && self.content_external_id.is_some()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IdeaError {
    /// Something the creator (or the model) wrote does not fit: a sentence saying what.
    #[error("invalid idea: {}", .0.key)]
    Invalid(Msg),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<Msg> for IdeaError {
    fn from(m: Msg) -> IdeaError {
        IdeaError::Invalid(m)
    }
}

/// A text field trimmed; empty (or `-`) is `None`.
fn optional(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty() && *s != "-")
}

/// Checks a text's length in characters.
pub fn check_length(text: &str, field: &str, max: usize) -> Result<(), Msg> {
    let length = text.chars().count();
    if length > max {
        return Err(msg("idea-field-too-long")
            .arg("field", field)
            .arg("length", length)
            .arg("max", max));
    }
    Ok(())
}

fn title(text: &str) -> Result<&str, Msg> {
    let t = text.trim();
    if t.is_empty() {
        return Err(msg("idea-field-empty").arg("field", "title"));
    }
    check_length(t, "title", MAX_TITLE)?;
    Ok(t)
}

/// Saves an idea under the account's next idea number (allocated in the same transaction: a
/// failure hands out no number).
pub async fn save<'a, A>(db: A, account: AccountId, idea: NewIdea) -> Result<Idea, IdeaError>
where
    A: Acquire<'a, Database = Postgres>,
{
    let title = title(&idea.title)?;
    let hook = optional(idea.hook.as_deref());
    let description = optional(idea.description.as_deref());
    let niche = optional(idea.niche.as_deref());
    for (text, field, max) in [
        (hook, "hook", MAX_HOOK),
        (description, "description", MAX_DESCRIPTION),
        (niche, "niche", MAX_NICHE),
    ] {
        if let Some(t) = text {
            check_length(t, field, max)?;
        }
    }
    if let Some(d) = idea.duration_seconds
        && !(1..=MAX_DURATION_SECONDS).contains(&d)
    {
        return Err(msg("idea-invalid-duration")
            .arg("value", i64::from(d))
            .into());
    }
    let fields = db::ideas::IdeaFields {
        platform: idea.platform.map(Provider::as_str),
        niche,
        title,
        description,
        hook,
        duration_seconds: idea.duration_seconds,
        origin: idea.origin.as_str(),
        expansion: idea.expansion.as_ref(),
    };
    let mut tx = db.begin().await?;
    let number = db::numbers::next(&mut *tx, account, "idea").await?;
    let saved = db::ideas::insert(&mut *tx, account, number, &fields).await?;
    tx.commit().await?;
    Ok(saved)
}

/// An idea by its per-account number.
pub async fn get_by_number(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
) -> sqlx::Result<Option<Idea>> {
    db::ideas::get(db, account, number).await
}

/// Stores the "Expand" result of an idea (shape: `Expansion`); false when the idea is gone.
pub async fn set_expansion(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Uuid,
    expansion: &Value,
) -> sqlx::Result<bool> {
    db::ideas::set_expansion(db, account, id, expansion).await
}

/// Which text `/idea edit` changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edit<'a> {
    pub title: Option<&'a str>,
    pub hook: Option<&'a str>,
    pub description: Option<&'a str>,
}

impl Edit<'_> {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.hook.is_none() && self.description.is_none()
    }
}

/// Applies an edit: the fields given replace the saved ones (`-` clears the hook or the
/// description; a title cannot be cleared). `None` when the idea was deleted meanwhile.
pub async fn edit(
    db: impl PgExecutor<'_>,
    account: AccountId,
    saved: &Idea,
    edit: &Edit<'_>,
) -> Result<Option<Idea>, IdeaError> {
    let new_title = match edit.title {
        Some(t) => title(t)?,
        None => saved.title.as_str(),
    };
    let replace =
        |given: Option<&'_ str>, old: &Option<String>, field: &str, max: usize| match given {
            None => Ok(old.clone()),
            Some(text) => match optional(Some(text)) {
                None => Ok(None),
                Some(t) => check_length(t, field, max).map(|()| Some(t.to_owned())),
            },
        };
    let hook = replace(edit.hook, &saved.hook, "hook", MAX_HOOK)?;
    let description = replace(
        edit.description,
        &saved.description,
        "description",
        MAX_DESCRIPTION,
    )?;
    Ok(db::ideas::set_texts(
        db,
        account,
        saved.number,
        new_title,
        hook.as_deref(),
        description.as_deref(),
    )
    .await?)
}

/// Up to three of the creator's videos published after the idea was saved whose titles match
/// it, best first.
pub async fn video_candidates(
    db: impl PgExecutor<'_>,
    account: AccountId,
    idea: &Idea,
) -> sqlx::Result<Vec<Video>> {
    let videos = db::ideas::unlinked_videos_since(db, account, idea.created_at).await?;
    Ok(
        backlog::best_matches(&idea.title, &videos, |v| v.title.as_deref().unwrap_or(""))
            .into_iter()
            .cloned()
            .collect(),
    )
}
