//! Questions the engine asks and waits for: one field (`ask`) or a form (`ask_form`), shown in
//! pages of up to five fields. Stored per account and chat, so an answer still lands after a
//! restart.
//!
//! Text front ends ask one field at a time and take the next free-text message as its answer
//! ("-" skips an optional field); a choice field also offers its choices as buttons, and a
//! cancellable form a Cancel button at every step. Discord shows a page as a modal and sends its
//! answers at once; the next page follows a "Continue" button (a modal cannot follow a modal). A
//! new command abandons the question.

use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::bot::buttons::{self, Lifetime};
use crate::bot::{
    AccountId, Button, Destination, FieldView, Invocation, Platform, QuestionView, Responder,
};
use crate::commands::{ButtonAction, QuestionPurpose};
use crate::db;
use crate::i18n::{Locale, Msg, msg};

/// Discord's modal limit: a form is shown in pages of this many fields.
pub const MAX_FIELDS: usize = 5;

/// A form longer than this is too long to fill in a chat.
pub const MAX_FORM_FIELDS: usize = 25;

/// Unanswered questions lapse after a day.
const EXPIRY_HOURS: i64 = 24;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    pub purpose: QuestionPurpose,
    pub title: Msg,
    pub fields: Vec<Field>,
    /// Text front ends offer a Cancel button at every step.
    #[serde(default)]
    pub cancellable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub label: Msg,
    #[serde(default)]
    pub long: bool,
    #[serde(default = "yes")]
    pub required: bool,
    /// Answers offered as buttons on text front ends; typing any other answer still works.
    #[serde(default)]
    pub choices: Vec<Choice>,
}

/// One offered answer: `value` is what the button answers; its label is the value itself
/// unless a translated one is given.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: Option<Msg>,
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
            choices: Vec::new(),
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
            cancellable: false,
        },
    )
    .await
}

/// Asks a form (shown in pages of up to five fields).
pub async fn ask_form(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    question: Question,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=MAX_FORM_FIELDS).contains(&question.fields.len()),
        "a form has 1 to {MAX_FORM_FIELDS} fields"
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
    let shown = view(app, &Asker::of(inv), &question, 0, false).await?;
    r.ask(&shown).await
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
    let asker = Asker {
        account,
        chat: chat.clone(),
        locale,
    };
    Ok(Some(view(app, &asker, &question, answered, false).await?))
}

/// Who a question is shown to: the buttons of a step are bound to this account and chat.
struct Asker {
    account: AccountId,
    chat: Destination,
    locale: Locale,
}

impl Asker {
    fn of(inv: &Invocation) -> Asker {
        Asker {
            account: inv.account,
            chat: inv.destination(),
            locale: inv.locale,
        }
    }
}

/// The fields of the page holding field `answered`: (first field's index, one past the last).
fn page_of(question: &Question, answered: usize) -> (usize, usize) {
    let start = answered / MAX_FIELDS * MAX_FIELDS;
    (start, (start + MAX_FIELDS).min(question.fields.len()))
}

/// The page holding the next field to answer. `continuing`: a page was just answered, so
/// Discord shows a Continue button rather than a modal.
async fn view(
    app: &App,
    asker: &Asker,
    question: &Question,
    answered: usize,
    continuing: bool,
) -> anyhow::Result<QuestionView> {
    let locale = asker.locale;
    let (start, end) = page_of(question, answered);
    let pages = question.fields.len().div_ceil(MAX_FIELDS);
    let mut title = app.i18n.render(locale, &question.title);
    if pages > 1 {
        title = app.i18n.render(
            locale,
            &msg("question-page-title")
                .arg("title", title)
                .arg("page", start / MAX_FIELDS + 1)
                .arg("pages", pages),
        );
    }
    let continue_label = (continuing && answered == start && start > 0)
        .then(|| app.i18n.tr(locale, "question-continue"));
    // Discord answers through modals and its own button: only text front ends get step buttons.
    let mut step_buttons = Vec::new();
    if asker.chat.platform != Platform::Discord {
        step_buttons = step_buttons_for(app, asker, question, answered).await?;
    }
    Ok(QuestionView {
        title,
        fields: question.fields[start..end]
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
        current: answered - start,
        continue_label,
        buttons: step_buttons,
    })
}

/// The current field's choices, then Cancel when the form is cancellable.
async fn step_buttons_for(
    app: &App,
    asker: &Asker,
    question: &Question,
    answered: usize,
) -> anyhow::Result<Vec<Button>> {
    let mut out = Vec::new();
    if let Some(field) = question.fields.get(answered) {
        for choice in &field.choices {
            let label = match &choice.label {
                Some(label) => app.i18n.render(asker.locale, label),
                None => choice.value.clone(),
            };
            let action = ButtonAction::AnswerQuestion {
                field: answered,
                value: choice.value.clone(),
            };
            out.push(store_button(app, asker, label, &action).await?);
        }
    }
    if question.cancellable {
        let label = app.i18n.tr(asker.locale, "question-cancel");
        out.push(store_button(app, asker, label, &ButtonAction::CancelQuestion).await?);
    }
    Ok(out)
}

async fn store_button(
    app: &App,
    asker: &Asker,
    label: String,
    action: &ButtonAction,
) -> anyhow::Result<Button> {
    buttons::store(
        app,
        asker.account,
        &asker.chat,
        label,
        action,
        Lifetime::Reply,
    )
    .await
}

/// Takes a free-text message as the answer to the current field.
pub async fn answer_text(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    text: &str,
) -> anyhow::Result<Result<Answered, Msg>> {
    answer_field(app, inv, r, text, None).await
}

/// A choice button: the answer to field `field`, unless the question has moved on since.
pub async fn answer_choice(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    field: usize,
    value: &str,
) -> anyhow::Result<Result<Answered, Msg>> {
    answer_field(app, inv, r, value, Some(field)).await
}

async fn answer_field(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    text: &str,
    expected: Option<usize>,
) -> anyhow::Result<Result<Answered, Msg>> {
    let mut tx = app.db.begin().await?;
    let platform = inv.chat.platform.as_str();
    let Some(row) = db::questions::lock(&mut *tx, inv.account, platform, &inv.chat.id).await?
    else {
        return Ok(match expected {
            Some(_) => Err(msg("question-expired")),
            None => Ok(Answered::NoQuestion),
        });
    };
    let question: Question = serde_json::from_value(row.question)?;
    let mut answers: Vec<String> = serde_json::from_value(row.answers)?;
    if expected.is_some_and(|field| field != answers.len()) {
        return Ok(Err(msg("button-already-used")));
    }
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
        let next = view(app, &Asker::of(inv), &question, answers.len(), true).await?;
        r.ask(&next).await?;
        return Ok(Ok(Answered::Progress));
    }
    db::questions::delete(&mut *tx, inv.account, platform, &inv.chat.id).await?;
    tx.commit().await?;
    Ok(Ok(Answered::Complete {
        purpose: question.purpose,
        answers,
    }))
}

/// Takes every answer of the current page at once (a Discord modal); asks the next page, if
/// any.
pub async fn answer_all(
    app: &App,
    inv: &Invocation,
    r: &dyn Responder,
    page: Vec<String>,
) -> anyhow::Result<Result<Answered, Msg>> {
    let mut tx = app.db.begin().await?;
    let platform = inv.chat.platform.as_str();
    let Some(row) = db::questions::lock(&mut *tx, inv.account, platform, &inv.chat.id).await?
    else {
        return Ok(Err(msg("question-expired")));
    };
    let question: Question = serde_json::from_value(row.question)?;
    let mut answers: Vec<String> = serde_json::from_value(row.answers)?;
    let (start, end) = page_of(&question, answers.len());
    // A modal of an earlier page submitted twice, or a form changed since it was opened.
    if answers.len() != start || page.len() != end - start {
        return Ok(Err(msg("question-expired")));
    }
    let missing = question.fields[start..end]
        .iter()
        .zip(&page)
        .any(|(f, a)| f.required && a.trim().is_empty());
    if missing {
        return Ok(Err(msg("question-answer-required")));
    }
    answers.extend(page.iter().map(|a| a.trim().to_owned()));
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
        let next = view(app, &Asker::of(inv), &question, answers.len(), true).await?;
        r.ask(&next).await?;
        return Ok(Ok(Answered::Progress));
    }
    db::questions::delete(&mut *tx, inv.account, platform, &inv.chat.id).await?;
    tx.commit().await?;
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
