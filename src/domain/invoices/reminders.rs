//! Reminders through the job queue: the day before a deal's delivery, and when an invoice is
//! overdue (then weekly, at most `MAX_OVERDUE_REMINDERS` times). The jobs carry where to send and
//! in which language; these functions decide whether a reminder is still due and what it says.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use super::document::date;
use super::mail::{self, Purpose, SendError};
use super::money::format_stored;
use crate::app::App;
use crate::bot::{AccountId, Reply};
use crate::db;
use crate::i18n::{Locale, msg};

pub const MAX_OVERDUE_REMINDERS: u8 = 4;
/// Reminders go out in the morning (UTC): 10:00 in Paris in winter.
const HOUR: u32 = 9;

pub fn morning_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(HOUR, 0, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

/// When the first overdue reminder of an invoice due on `due` goes out.
pub fn first_overdue_reminder(due: NaiveDate) -> DateTime<Utc> {
    morning_of(due + Duration::days(1))
}

/// The next weekly reminder after `now`.
pub fn next_overdue_reminder(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(7)
}

/// The reminder for an invoice still unpaid, or `None` when it was paid, credited or forgotten.
pub async fn overdue(
    app: &App,
    account: AccountId,
    invoice: Uuid,
    locale: Locale,
) -> anyhow::Result<Option<Reply>> {
    let row = db::invoices::still_due(&app.db, account, invoice).await?;
    let Some((number, currency, total, due, snapshot)) = row else {
        return Ok(None);
    };
    let total = format_stored(total, &currency, locale);
    let buyer = snapshot["buyer"]["name"].as_str().unwrap_or("").to_owned();
    let text = app.i18n.render(
        locale,
        &msg("invoice-reminder-overdue")
            .arg("number", number)
            .arg("buyer", buyer)
            .arg("total", total)
            .arg("due", date(due, locale)),
    );
    Ok(Some(Reply::text(text).private()))
}

/// For an overdue invoice whose deal opted in (`remind_brand`), mails the brand a polite
/// reminder; returns the sentence that tells the creator how that went (`None`: not opted in).
pub async fn remind_brand(
    app: &App,
    account: AccountId,
    invoice: Uuid,
    locale: Locale,
) -> anyhow::Result<Option<String>> {
    let Some(to) = db::invoices::brand_reminder_to(&app.db, account, invoice).await? else {
        return Ok(None);
    };
    let Some(i) = db::invoices::by_id(&app.db, account, invoice).await? else {
        return Ok(None);
    };
    let said = match mail::send(app, &i, &to, Purpose::Reminder).await {
        Ok(()) => msg("invoice-reminder-brand-mailed").arg("email", &to),
        Err(SendError::NotConfigured) => msg("invoice-reminder-brand-no-smtp"),
        Err(SendError::Mail(e)) => {
            tracing::warn!(error = %e, "a brand reminder could not be mailed");
            msg("invoice-reminder-brand-failed")
                .arg("email", &to)
                .arg("reason", mail::short_reason(&e.to_string()))
        }
        Err(SendError::Internal(e)) => return Err(e),
    };
    Ok(Some(app.i18n.render(locale, &said)))
}

/// The delivery reminder, or `None` when the deal is gone, delivered, paid or cancelled.
pub async fn delivery(
    app: &App,
    account: AccountId,
    deal: i64,
    locale: Locale,
) -> anyhow::Result<Option<Reply>> {
    let Some(d) = db::deals::get(&app.db, account, deal).await? else {
        return Ok(None);
    };
    let Some(day) = d.delivery_date.filter(|_| d.status == "pending") else {
        return Ok(None);
    };
    let text = app.i18n.render(
        locale,
        &msg("deal-reminder-delivery")
            .arg("number", deal)
            .arg("brand", d.brand)
            .arg("date", date(day, locale)),
    );
    Ok(Some(Reply::text(text).private()))
}
