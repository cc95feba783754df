//! Questions the engine asks and waits for: one field (`ask`) or a form of up to five
//! (`ask_form`). Stored per account and chat, so an answer still lands after a restart.
//!
//! Text front ends ask one field at a time and take the next free-text message as its answer
//! ("-" skips an optional field); Discord shows the whole form as a modal and sends every answer
//! at once. A new command abandons the question.

use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::bot::{AccountId, Destination, FieldView, Invocation, QuestionView, Responder};
use crate::commands::QuestionPurpose;
use crate::db;
use crate::i18n::{Locale, Msg, msg};

/// Discord's modal limit, kept everywhere so a form looks the same on every platform.
pub const MAX_FIELDS: usize = 5;

/// Unanswered questions lapse after a day.
const EXPIRY_HOURS: i64 = 24;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    pub purpose: QuestionPurpose,
    pub title: Msg,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub label: Msg,
    #[serde(default)]
    pub long: bool,
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

impl Field {
    pub fn new(label: Msg) -> Field {
        Field {
            label,
            long: false,
            required: true,
        }
    }
}

/// What an incoming text did to the pending question.
#[derive(Debug)]
pub enum Answered {
    NoQuestion,
    /// Stored; the next field was asked.
    Progress,
    Complete {
        purpose: QuestionPurpose,
        answers: Vec<String>,
    },
}

/// Asks one question.
pub async fn ask(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    purpose: QuestionPurpose,
    field: Field,
) -> anyhow::Result<()> {
    let title = field.label.clone();
    ask_form(
        app,
        inv,
        r,
        Question {
            purpose,
            title,
            fields: vec![field],
        },
    )
    .await
}

/// Asks a form of up to five fields.
pub async fn ask_form(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    question: Question,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=MAX_FIELDS).contains(&question.fields.len()),
        "a form has 1 to {MAX_FIELDS} fields"
    );
    db::questions::put(
        &app.db,
        inv.account,
        inv.chat.platform.as_str(),
        &inv.chat.id,
        &serde_json::to_value(&question)?,
        Utc::now() + Duration::hours(EXPIRY_HOURS),
    )
    .await?;
    r.ask(&view(app, inv.locale, &question, 0)).await
}

/// The chat's pending question as it was shown (Discord re-opens it as a modal from a button).
pub async fn pending_view(
    app: &App,
    account: AccountId,
    chat: &Destination,
    locale: Locale,
) -> anyhow::Result<Option<QuestionView>> {
    let row = db::questions::lock(&app.db, account, chat.platform.as_str(), &chat.chat_id).await?;
    let Some(row) = row else { return Ok(None) };
    let question: Question = serde_json::from_value(row.question)?;
    let answered = serde_json::from_value::<Vec<String>>(row.answers)?.len();
    Ok(Some(view(app, locale, &question, answered)))
}

fn view(app: &App, locale: Locale, question: &Question, current: usize) -> QuestionView {
    QuestionView {
        title: app.i18n.render(locale, &question.title),
        fields: question
            .fields
            .iter()
            .map(|f| {
                let mut label = app.i18n.render(locale, &f.label);
                if !f.required {
                    label = format!("{label} {}", app.i18n.tr(locale, "question-optional-hint"));
                }
                FieldView {
                    label,
                    long: f.long,
                    required: f.required,
                }
            })
            .collect(),
        current,
    }
}

/// Takes a free-text message as the answer to the current field.
pub async fn answer_text(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    text: &str,
) -> anyhow::Result<Result<Answered, Msg>> {
    let mut tx = app.db.begin().await?;
    let platform = inv.chat.platform.as_str();
    let Some(row) = db::questions::lock(&mut *tx, inv.account, platform, &inv.chat.id).await?
    else {
        return Ok(Ok(Answered::NoQuestion));
    };
    let question: Question = serde_json::from_value(row.question)?;
    let mut answers: Vec<String> = serde_json::from_value(row.answers)?;
    let field = question
        .fields
        .get(answers.len())
        .ok_or_else(|| anyhow::anyhow!("question has no field left"))?;
    let text = text.trim();
    let answer = if !field.required && text == "-" {
        ""
    } else {
        text
    };
    if field.required && answer.is_empty() {
        return Ok(Err(msg("question-answer-required")));
    }
    answers.push(answer.to_owned());
    if answers.len() < question.fields.len() {
        db::questions::set_answers(
            &mut *tx,
            inv.account,
            platform,
            &inv.chat.id,
            &serde_json::to_value(&answers)?,
        )
        .await?;
        tx.commit().await?;
        r.ask(&view(app, inv.locale, &question, answers.len()))
            .await?;
        return Ok(Ok(Answered::Progress));
    }
    db::questions::delete(&mut *tx, inv.account, platform, &inv.chat.id).await?;
    tx.commit().await?;
    Ok(Ok(Answered::Complete {
        purpose: question.purpose,
        answers,
    }))
}

/// Takes every field's answer at once (a Discord modal).
pub async fn answer_all(
    app: &App,
    inv: &Invocation,
    answers: Vec<String>,
) -> anyhow::Result<Result<Answered, Msg>> {
    let mut tx = app.db.begin().await?;
    let platform = inv.chat.platform.as_str();
    let Some(row) = db::questions::lock(&mut *tx, inv.account, platform, &inv.chat.id).await?
    else {
        return Ok(Err(msg("question-expired")));
    };
    let question: Question = serde_json::from_value(row.question)?;
    if answers.len() != question.fields.len() {
        return Ok(Err(msg("question-expired")));
    }
    let missing = question
        .fields
        .iter()
        .zip(&answers)
        .any(|(f, a)| f.required && a.trim().is_empty());
    if missing {
        return Ok(Err(msg("question-answer-required")));
    }
    db::questions::delete(&mut *tx, inv.account, platform, &inv.chat.id).await?;
    tx.commit().await?;
    let answers = answers.into_iter().map(|a| a.trim().to_owned()).collect();
    Ok(Ok(Answered::Complete {
        purpose: question.purpose,
        answers,
    }))
}

/// Abandons the chat's pending question, if any.
pub async fn cancel(app: &App, inv: &Invocation) -> anyhow::Result<()> {
    db::questions::delete(
        &app.db,
        inv.account,
        inv.chat.platform.as_str(),
        &inv.chat.id,
    )
    .await?;
    Ok(())
}
