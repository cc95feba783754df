//! `/deal add|list|show|status`: brand deals, with money in integer minor units.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::questions::{self, Choice, Field, Question};
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::commands::QuestionPurpose;
use crate::db;
use crate::db::deals::Deal;
use crate::domain::deals::{DealInput, parse};
use crate::domain::invoices::document::date;
use crate::domain::invoices::{money, reminders, today};
use crate::i18n::{Locale, msg};
use crate::jobs;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    match args.sub.as_deref() {
        Some("add") => add(app, inv, args, r).await,
        Some("show") => show(app, inv, args.integer("number").unwrap_or(0), r).await,
        Some("status") => set_status(app, inv, args, r).await,
        Some("edit") => edit(app, inv, args, r).await,
        _ => list(app, inv, args.text("status"), r).await,
    }
}

async fn add(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let input = DealInput {
        brand: args.text("brand"),
        amount: args.text("amount"),
        currency: args.text("currency"),
        deliverable: args.text("type"),
        delivery: args.text("delivery"),
        notes: args.text("notes"),
        buyer_name: args.text("buyer_name"),
        buyer_address: args.text("buyer_address"),
        buyer_siren: args.text("buyer_siren"),
        buyer_vat: args.text("buyer_vat"),
        buyer_email: args.text("buyer_email"),
        contract: args.boolean("contract"),
        disclosure: args.text("disclosure"),
    };
    if input.brand.is_none() && input.amount.is_none() {
        return ask(app, inv, r).await;
    }
    save(app, inv, &input, r).await
}

/// Currencies offered as buttons; any other ISO 4217 code can be typed.
const OFFERED_CURRENCIES: [&str; 5] = ["EUR", "USD", "GBP", "CHF", "CAD"];

/// Deliverable types, with their labels.
const DELIVERABLES: [(&str, &str); 6] = [
    ("dedicated_video", "deal-type-dedicated-video"),
    ("integration", "deal-type-integration"),
    ("short", "deal-type-short"),
    ("story", "deal-type-story"),
    ("post", "deal-type-post"),
    ("other", "deal-type-other"),
];

/// `/deal add` with no fields: the deal, then the brand's billing details, then notes (Discord:
/// one modal a page, a Continue button between; text front ends: field by field, choices and
/// Cancel as buttons).
async fn ask(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let optional = |key: &str| Field {
        required: false,
        ..Field::new(msg(key))
    };
    let currencies = OFFERED_CURRENCIES
        .iter()
        .map(|c| Choice {
            value: (*c).to_owned(),
            label: None,
        })
        .collect();
    let deliverables = DELIVERABLES
        .iter()
        .map(|(value, key)| Choice {
            value: (*value).to_owned(),
            label: Some(msg(key)),
        })
        .collect();
    let question = Question {
        purpose: QuestionPurpose::Deal,
        title: msg("deal-form-title"),
        fields: vec![
            Field::new(msg("deal-field-brand")),
            Field::new(msg("deal-field-amount")),
            Field {
                choices: currencies,
                ..optional("deal-field-currency")
            },
            Field {
                choices: deliverables,
                ..optional("deal-field-type")
            },
            optional("deal-field-delivery"),
            optional("opt-deal-add-buyer_name"),
            Field {
                long: true,
                ..optional("opt-deal-add-buyer_address")
            },
            optional("opt-deal-add-buyer_siren"),
            optional("opt-deal-add-buyer_vat"),
            optional("opt-deal-add-buyer_email"),
            Field {
                long: true,
                ..optional("opt-deal-add-notes")
            },
        ],
        cancellable: true,
    };
    questions::ask_form(app, inv, r, question).await?;
    Ok(())
}

/// The form's answers: brand, amount, currency, deliverable, delivery date, the buyer's legal
/// name, address, SIREN, VAT number and email, notes.
pub async fn on_form(
    app: &App,
    inv: &Invocation,
    answers: Vec<String>,
    r: &dyn Responder,
) -> CommandResult {
    let get = |i: usize| answers.get(i).map(String::as_str).filter(|s| !s.is_empty());
    let input = DealInput {
        brand: get(0),
        amount: get(1),
        currency: get(2),
        deliverable: get(3),
        delivery: get(4),
        buyer_name: get(5),
        buyer_address: get(6),
        buyer_siren: get(7),
        buyer_vat: get(8),
        buyer_email: get(9),
        notes: get(10),
        ..DealInput::default()
    };
    save(app, inv, &input, r).await
}

async fn save(
    app: &App,
    inv: &Invocation,
    input: &DealInput<'_>,
    r: &dyn Responder,
) -> CommandResult {
    let deal = parse(input, today())?;
    let mut tx = app.db.begin().await?;
    let number = db::numbers::next(&mut *tx, inv.account, "deal").await?;
    db::deals::insert(&mut *tx, inv.account, number, &deal).await?;
    if let Some(day) = deal.delivery_date {
        let job = jobs::Job::DealDelivery {
            account: inv.account,
            deal: number,
            destination: inv.destination(),
            locale: inv.locale,
        };
        let key = format!("deal_delivery:{}:{number}:{day}", inv.account);
        let at = reminders::morning_of(day - chrono::Duration::days(1)).max(chrono::Utc::now());
        jobs::enqueue(&mut *tx, &job, &key, at).await?;
    }
    tx.commit().await?;
    let saved = db::deals::get(&app.db, inv.account, number)
        .await?
        .ok_or_else(|| anyhow::anyhow!("deal {number} vanished after insert"))?;
    let text = app
        .i18n
        .render(inv.locale, &msg("deal-added").arg("number", number));
    r.send(
        Reply::text(text)
            .block(details(app, inv.locale, &saved))
            .block(
                app.i18n
                    .render(inv.locale, &msg("deal-added-next").arg("number", number)),
            )
            .private(),
    )
    .await?;
    Ok(())
}

fn amount(d: &Deal, locale: Locale) -> String {
    money::format_stored(d.amount_minor, &d.currency, locale)
}

fn status_label(app: &App, locale: Locale, status: &str) -> String {
    app.i18n.tr(
        locale,
        match status {
            "delivered" => "deal-status-delivered",
            "paid" => "deal-status-paid",
            "cancelled" => "deal-status-cancelled",
            _ => "deal-status-pending",
        },
    )
}

fn type_label(app: &App, locale: Locale, deliverable: &str) -> String {
    app.i18n.tr(
        locale,
        match deliverable {
            "dedicated_video" => "deal-type-dedicated-video",
            "integration" => "deal-type-integration",
            "short" => "deal-type-short",
            "story" => "deal-type-story",
            "post" => "deal-type-post",
            _ => "deal-type-other",
        },
    )
}

fn details(app: &App, locale: Locale, d: &Deal) -> String {
    let none = app.i18n.tr(locale, "profile-none");
    let mut text = app.i18n.render(
        locale,
        &msg("deal-details")
            .arg("number", d.number)
            .arg("brand", &d.brand)
            .arg("amount", amount(d, locale))
            .arg("type", type_label(app, locale, &d.deliverable))
            .arg(
                "delivery",
                d.delivery_date
                    .map(|x| date(x, locale))
                    .unwrap_or_else(|| none.clone()),
            )
            .arg("status", status_label(app, locale, &d.status))
            .arg(
                "buyer",
                d.buyer_name.clone().unwrap_or_else(|| d.brand.clone()),
            ),
    );
    if let Some(c) = d.written_contract {
        text.push('\n');
        text.push_str(&app.i18n.tr(
            locale,
            if c {
                "deal-contract-yes"
            } else {
                "deal-contract-no"
            },
        ));
    }
    if d.remind_brand {
        text.push('\n');
        text.push_str(&app.i18n.tr(locale, "deal-remind-brand-on"));
    }
    if let Some(label) = &d.disclosure {
        text.push('\n');
        text.push_str(&app.i18n.tr(
            locale,
            if label == "publicite" {
                "deal-disclosure-publicite"
            } else {
                "deal-disclosure-collaboration"
            },
        ));
    }
    if let Some(n) = &d.notes {
        text.push('\n');
        text.push_str(n);
    }
    text
}

async fn list(
    app: &App,
    inv: &Invocation,
    status: Option<&str>,
    r: &dyn Responder,
) -> CommandResult {
    let deals = db::deals::list(&app.db, inv.account, status).await?;
    if deals.is_empty() {
        r.send(Reply::text(app.i18n.tr(inv.locale, "deal-list-empty")).private())
            .await?;
        return Ok(());
    }
    let mut lines = vec![app.i18n.render(
        inv.locale,
        &msg("deal-list-heading").arg("count", deals.len()),
    )];
    for d in &deals {
        lines.push(format!(
            "#{} · {} · {} · {}",
            d.number,
            d.brand,
            amount(d, inv.locale),
            status_label(app, inv.locale, &d.status)
        ));
    }
    r.send(Reply::text(lines.join("\n")).private()).await?;
    Ok(())
}

async fn show(app: &App, inv: &Invocation, number: i64, r: &dyn Responder) -> CommandResult {
    let deal = db::deals::get(&app.db, inv.account, number)
        .await?
        .ok_or_else(|| msg("deal-not-found").arg("number", number))?;
    r.send(Reply::text(details(app, inv.locale, &deal)).private())
        .await?;
    Ok(())
}

async fn set_status(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let number = args.integer("number").unwrap_or(0);
    let status = args.text("status").unwrap_or("pending");
    if !db::deals::set_status(&app.db, inv.account, number, status).await? {
        return Err(msg("deal-not-found").arg("number", number).into());
    }
    let text = app.i18n.render(
        inv.locale,
        &msg("deal-status-set")
            .arg("number", number)
            .arg("status", status_label(app, inv.locale, status)),
    );
    r.send(Reply::text(text).private()).await?;
    Ok(())
}

/// `/deal edit N field=value…`: the fields given replace the saved ones; the others stay.
async fn edit(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let number = args.integer("number").unwrap_or(0);
    let d = db::deals::get(&app.db, inv.account, number)
        .await?
        .ok_or_else(|| msg("deal-not-found").arg("number", number))?;
    let exponent = money::Currency::parse(&d.currency).map_or(2, |c| c.exponent);
    let amount = money::decimal_string(d.amount_minor, exponent);
    let delivery = d.delivery_date.map(|x| x.format("%Y-%m-%d").to_string());
    let pick = |name: &str, saved: Option<&str>| -> Option<String> {
        args.text(name)
            .map(str::to_owned)
            .or_else(|| saved.map(str::to_owned))
    };
    let fields = [
        pick("brand", Some(&d.brand)),
        pick("amount", Some(&amount)),
        pick("currency", Some(&d.currency)),
        pick("type", Some(&d.deliverable)),
        pick("delivery", delivery.as_deref()),
        pick("notes", d.notes.as_deref()),
        pick("buyer_name", d.buyer_name.as_deref()),
        pick("buyer_address", d.buyer_address.as_deref()),
        pick("buyer_siren", d.buyer_siren.as_deref()),
        pick("buyer_vat", d.buyer_vat.as_deref()),
        pick("buyer_email", d.buyer_email.as_deref()),
        pick("disclosure", d.disclosure.as_deref()),
    ];
    let input = DealInput {
        brand: fields[0].as_deref(),
        amount: fields[1].as_deref(),
        currency: fields[2].as_deref(),
        deliverable: fields[3].as_deref(),
        delivery: fields[4].as_deref(),
        notes: fields[5].as_deref(),
        buyer_name: fields[6].as_deref(),
        buyer_address: fields[7].as_deref(),
        buyer_siren: fields[8].as_deref(),
        buyer_vat: fields[9].as_deref(),
        buyer_email: fields[10].as_deref(),
        contract: args.boolean("contract").or(d.written_contract),
        disclosure: fields[11].as_deref(),
    };
    // A delivery date kept as it was may have passed since: only a new one must be ahead.
    let floor = match (args.text("delivery"), d.delivery_date) {
        (None, Some(saved)) => saved.min(today()),
        _ => today(),
    };
    let updated = parse(&input, floor)?;
    let remind_brand = args.boolean("remind_brand");
    if remind_brand == Some(true) && updated.buyer_email.is_none() {
        return Err(msg("deal-remind-brand-needs-email")
            .arg("number", number)
            .into());
    }
    let mut tx = app.db.begin().await?;
    db::deals::update(&mut *tx, inv.account, number, &updated).await?;
    if let Some(on) = remind_brand {
        db::deals::set_remind_brand(&mut *tx, inv.account, number, on).await?;
    }
    tx.commit().await?;
    let saved = db::deals::get(&app.db, inv.account, number)
        .await?
        .ok_or_else(|| anyhow::anyhow!("deal {number} vanished after update"))?;
    let text = app
        .i18n
        .render(inv.locale, &msg("deal-edited").arg("number", number));
    r.send(
        Reply::text(text)
            .block(details(app, inv.locale, &saved))
            .private(),
    )
    .await?;
    Ok(())
}
