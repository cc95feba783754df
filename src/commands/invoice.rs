//! `/invoice create DEAL [line="description; quantity; unit price HT[; VAT %]"]…` (up to 10 lines),
//! `/invoice list`, `/invoice show N` (the PDF again), `/invoice mark-sent N`,
//! `/invoice send N [email]` (emailed to the brand: `domain::invoices::mail`),
//! `/invoice paid N [date]`, `/invoice credit N` (a credit note cancelling N), `/invoice edit N`
//! (refused: issued invoices are immutable).

use chrono::NaiveDate;

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{Attachment, CommandError, CommandResult, Invocation, Reply, Responder};
use crate::clients::mail::MailError;
use crate::db;
use crate::domain::invoices::document::date;
use crate::domain::invoices::mail::{self, Purpose, SendError};
use crate::domain::invoices::{self, CreateError, Kind, Snapshot, money, reminders, today};
use crate::domain::plans::{self, Feature, Reservation};
use crate::i18n::{Locale, msg};
use crate::jobs;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let number = || args.text("number").unwrap_or("").trim().to_owned();
    match args.sub.as_deref() {
        Some("create") => create(app, inv, args, r).await,
        Some("show") => show(app, inv, &number(), r).await,
        Some("mark-sent") => mark_sent(app, inv, &number(), r).await,
        Some("send") => send(app, inv, &number(), args.text("email"), r).await,
        Some("paid") => paid(app, inv, &number(), args.text("date"), r).await,
        Some("credit") => credit(app, inv, &number(), r).await,
        Some("edit") => Err(msg("invoice-immutable").arg("number", number()).into()),
        _ => list(app, inv, r).await,
    }
}

fn internal(e: CreateError) -> CommandError {
    match e {
        CreateError::User(m) => CommandError::User(m),
        CreateError::Internal(e) => CommandError::Internal(e),
    }
}

async fn create(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let deal_number = args.integer("deal").unwrap_or(0);
    let profile = db::profiles::get(&app.db, inv.account)
        .await?
        .ok_or_else(|| msg("invoice-needs-profile"))?;
    let deal = db::deals::get(&app.db, inv.account, deal_number)
        .await?
        .ok_or_else(|| msg("deal-not-found").arg("number", deal_number))?;
    if deal.status == "cancelled" {
        return Err(msg("invoice-deal-cancelled")
            .arg("number", deal_number)
            .into());
    }
    let currency = money::Currency::parse(&deal.currency)
        .ok_or_else(|| msg("deal-invalid-currency").arg("value", &deal.currency))?;
    let rate = u32::try_from(profile.vat_rate_bp).unwrap_or(0);
    let typed = args.texts("line");
    let lang = invoices::invoice_language(&profile, inv.locale);
    let lines = if typed.is_empty() {
        let key = match deal.deliverable.as_str() {
            "dedicated_video" => "pdf-deliverable-dedicated-video",
            "integration" => "pdf-deliverable-integration",
            "short" => "pdf-deliverable-short",
            "story" => "pdf-deliverable-story",
            "post" => "pdf-deliverable-post",
            _ => "pdf-deliverable-other",
        };
        let label = app.i18n.tr(lang, key);
        vec![invoices::totals::Line {
            description: format!("{label} — {}", deal.brand),
            quantity_milli: 1000,
            unit_minor: deal.amount_minor,
            vat_bp: rate,
        }]
    } else {
        typed
            .iter()
            .map(|t| invoices::parse_line(t, currency, rate))
            .collect::<Result<Vec<_>, _>>()?
    };
    let snapshot = invoices::draft(&profile, &deal, lines, inv.locale, today())?;
    match plans::reserve(&app.db, &app.plans, inv.account, Feature::Invoices).await? {
        Reservation::Granted { .. } => {}
        Reservation::AtLimit { limit } => {
            let refusal = msg("invoice-plan-limit").arg("limit", limit);
            return super::plan::refuse_at_limit(app, inv, refusal, r).await;
        }
    }
    let issued = match invoices::issue(app, inv.account, Some(deal.id), None, snapshot, false).await
    {
        Ok(i) => i,
        Err(e) => {
            if let Err(e) = plans::release(&app.db, inv.account, Feature::Invoices).await {
                tracing::warn!(error = %e, "an invoice reservation could not be given back");
            }
            return Err(internal(e));
        }
    };
    let job = jobs::Job::InvoiceOverdue {
        account: inv.account,
        invoice: issued.id,
        destination: inv.destination(),
        locale: inv.locale,
        reminder: 1,
    };
    let key = format!("invoice_overdue:{}:1", issued.id);
    jobs::enqueue(
        &app.db,
        &job,
        &key,
        reminders::first_overdue_reminder(issued.due_date),
    )
    .await?;
    let total = money::format_amount(issued.total_ttc_minor, currency, inv.locale);
    let text = app.i18n.render(
        inv.locale,
        &msg("invoice-created")
            .arg("number", &issued.number)
            .arg("total", total),
    );
    r.send(
        Reply::text(text)
            .block(app.i18n.render(
                inv.locale,
                &msg("invoice-created-next").arg("number", &issued.number),
            ))
            .attachment(Attachment {
                file_name: issued.file_name,
                mime_type: "application/pdf".into(),
                bytes: issued.pdf,
            })
            .private(),
    )
    .await?;
    Ok(())
}

async fn find(
    app: &App,
    inv: &Invocation,
    number: &str,
) -> Result<db::invoices::Invoice, CommandError> {
    Ok(
        db::invoices::get(&app.db, inv.account, &number.to_ascii_uppercase())
            .await?
            .ok_or_else(|| msg("invoice-not-found").arg("number", number))?,
    )
}

fn amount(minor: i64, code: &str, locale: Locale) -> String {
    money::format_stored(minor, code, locale)
}

fn status_label(app: &App, locale: Locale, i: &db::invoices::Invoice, today: NaiveDate) -> String {
    let key = if i.kind == "credit_note" {
        "invoice-status-credit-note"
    } else if i.credited {
        "invoice-status-credited"
    } else if i.status == "paid" {
        "invoice-status-paid"
    } else if i.due_date < today {
        "invoice-status-overdue"
    } else if i.status == "sent" {
        "invoice-status-sent"
    } else {
        "invoice-status-issued"
    };
    app.i18n.tr(locale, key)
}

async fn list(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let rows = db::invoices::list(&app.db, inv.account).await?;
    if rows.is_empty() {
        r.send(Reply::text(app.i18n.tr(inv.locale, "invoice-list-empty")).private())
            .await?;
        return Ok(());
    }
    let now = today();
    let mut lines = vec![app.i18n.render(
        inv.locale,
        &msg("invoice-list-heading").arg("count", rows.len()),
    )];
    for i in &rows {
        let buyer = i.snapshot["buyer"]["name"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        lines.push(format!(
            "{} · {} · {} · {} · {}",
            i.number,
            date(i.issue_date, inv.locale),
            buyer,
            amount(i.total_ttc_minor, &i.currency, inv.locale),
            status_label(app, inv.locale, i, now)
        ));
    }
    r.send(Reply::text(lines.join("\n")).private()).await?;
    Ok(())
}

async fn show(app: &App, inv: &Invocation, number: &str, r: &dyn Responder) -> CommandResult {
    let i = find(app, inv, number).await?;
    let (_, pdf) = mail::stored_pdf(app, &i).await?;
    let text = app.i18n.render(
        inv.locale,
        &msg("invoice-shown")
            .arg("number", &i.number)
            .arg("total", amount(i.total_ttc_minor, &i.currency, inv.locale))
            .arg("due", date(i.due_date, inv.locale))
            .arg("status", status_label(app, inv.locale, &i, today())),
    );
    r.send(Reply::text(text).attachment(pdf).private()).await?;
    Ok(())
}

/// Emails the invoice to `email`, else to the billing email of its deal's brand.
async fn send(
    app: &App,
    inv: &Invocation,
    number: &str,
    email: Option<&str>,
    r: &dyn Responder,
) -> CommandResult {
    let i = find(app, inv, number).await?;
    let (snapshot, pdf) = mail::stored_pdf(app, &i).await?;
    let to = email
        .map(str::to_owned)
        .or(snapshot.buyer.email.clone())
        .ok_or_else(|| msg("invoice-send-no-email").arg("number", &i.number))?;
    if !crate::clients::mail::valid_address(&to) {
        return Err(msg("invoice-send-bad-email").arg("value", &to).into());
    }
    let said = |m: crate::i18n::Msg| app.i18n.render(inv.locale, &m.arg("number", &i.number));
    match mail::send(app, &i, &to, Purpose::Invoice).await {
        Ok(()) => {
            let text = said(
                msg("invoice-sent-by-email")
                    .arg("email", to.trim())
                    .arg("date", date(today(), inv.locale)),
            );
            r.send(Reply::text(text).private()).await?;
            Ok(())
        }
        Err(SendError::NotConfigured) => {
            let text = said(msg("invoice-send-no-smtp"));
            r.send(Reply::text(text).attachment(pdf).private()).await?;
            Ok(())
        }
        Err(SendError::Mail(MailError::Refused(reason))) => Err(msg("invoice-send-refused")
            .arg("number", &i.number)
            .arg("email", to.trim())
            .arg("reason", mail::short_reason(&reason))
            .into()),
        Err(SendError::Mail(e)) => {
            tracing::warn!(error = %e, "an invoice could not be mailed");
            Err(msg("invoice-send-unreachable")
                .arg("number", &i.number)
                .into())
        }
        Err(SendError::Internal(e)) => Err(e.into()),
    }
}

async fn mark_sent(app: &App, inv: &Invocation, number: &str, r: &dyn Responder) -> CommandResult {
    let i = find(app, inv, number).await?;
    db::invoices::mark_sent(&app.db, i.id).await?;
    r.send(
        Reply::text(app.i18n.render(
            inv.locale,
            &msg("invoice-marked-sent").arg("number", &i.number),
        ))
        .private(),
    )
    .await?;
    Ok(())
}

async fn paid(
    app: &App,
    inv: &Invocation,
    number: &str,
    on: Option<&str>,
    r: &dyn Responder,
) -> CommandResult {
    let i = find(app, inv, number).await?;
    if i.kind != "invoice" || i.credited {
        return Err(msg("invoice-paid-refused").arg("number", &i.number).into());
    }
    let on = match on {
        None => today(),
        Some(d) => {
            let parsed = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| msg("deal-invalid-date").arg("value", d))?;
            if parsed > today() || parsed < i.issue_date {
                return Err(msg("invoice-paid-date-invalid").arg("value", d).into());
            }
            parsed
        }
    };
    db::invoices::mark_paid(&app.db, i.id, on).await?;
    let text = app.i18n.render(
        inv.locale,
        &msg("invoice-marked-paid")
            .arg("number", &i.number)
            .arg("date", date(on, inv.locale)),
    );
    r.send(Reply::text(text).private()).await?;
    Ok(())
}

async fn credit(app: &App, inv: &Invocation, number: &str, r: &dyn Responder) -> CommandResult {
    let i = find(app, inv, number).await?;
    if i.kind != "invoice" || i.credited {
        return Err(msg("invoice-credit-refused")
            .arg("number", &i.number)
            .into());
    }
    let original: Snapshot =
        serde_json::from_value(i.snapshot.clone()).map_err(anyhow::Error::from)?;
    let now = today();
    let snapshot = Snapshot {
        kind: Kind::CreditNote,
        number: String::new(),
        credits: Some(original.number.clone()),
        issue_date: now,
        due_date: now,
        ..original
    };
    let issued = invoices::issue(app, inv.account, None, Some(i.id), snapshot, false)
        .await
        .map_err(internal)?;
    let text = app.i18n.render(
        inv.locale,
        &msg("invoice-credited")
            .arg("credit", &issued.number)
            .arg("number", &i.number),
    );
    r.send(
        Reply::text(text)
            .attachment(Attachment {
                file_name: issued.file_name,
                mime_type: "application/pdf".into(),
                bytes: issued.pdf,
            })
            .private(),
    )
    .await?;
    Ok(())
}
