//! `/profile [set] [name=… address=… siret=… vat=franchise|FR… rate=20 terms=30 iban=… bic=… email=…]`:
//! the business identity printed on invoices. Without arguments: the saved profile, or a form
//! (Discord modal, field by field elsewhere) the first time. `/profile logo`: see `logo`.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::questions::{self, Field, Question};
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::commands::QuestionPurpose;
use crate::db;
use crate::db::profiles::Profile;
use crate::domain::invoices::document::rate;
use crate::domain::invoices::profile::{ProfileInput, apply};
use crate::i18n::{Locale, msg};

pub mod logo;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    if args.sub.as_deref() == Some("logo") {
        return logo::run(app, inv, args, r).await;
    }
    let input = ProfileInput {
        name: args.text("name"),
        address: args.text("address"),
        country: args.text("country"),
        siret: args.text("siret"),
        vat: args.text("vat"),
        rate: args.text("rate"),
        debits: args.boolean("debits"),
        iban: args.text("iban"),
        bic: args.text("bic"),
        email: args.text("email"),
        terms: args.integer("terms"),
        penalty: args.text("penalty"),
    };
    let saved = db::profiles::get(&app.db, inv.account).await?;
    if input.is_empty() {
        return match saved {
            Some(p) => {
                let text = describe(app, inv.locale, &p);
                let has_logo = db::profiles::logo(&app.db, inv.account).await?.is_some();
                let logo = if has_logo {
                    "profile-logo-set"
                } else {
                    "profile-logo-unset"
                };
                r.send(
                    Reply::text(text)
                        .block(app.i18n.tr(inv.locale, logo))
                        .block(app.i18n.tr(inv.locale, "profile-edit-hint"))
                        .private(),
                )
                .await?;
                Ok(())
            }
            None => ask(app, inv, r).await,
        };
    }
    save(app, inv, saved.as_ref(), &input, r).await
}

async fn ask(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let optional = |key: &str| Field {
        required: false,
        ..Field::new(msg(key))
    };
    let question = Question {
        purpose: QuestionPurpose::Profile,
        title: msg("profile-form-title"),
        fields: vec![
            Field::new(msg("profile-field-name")),
            Field {
                long: true,
                ..Field::new(msg("profile-field-address"))
            },
            optional("profile-field-siret"),
            optional("profile-field-vat"),
            optional("profile-field-iban"),
        ],
        cancellable: false,
    };
    questions::ask_form(app, inv, r, question).await?;
    Ok(())
}

/// The form's answers: name, address, SIRET, VAT (franchise or a number), IBAN.
pub async fn on_form(
    app: &App,
    inv: &Invocation,
    answers: Vec<String>,
    r: &dyn Responder,
) -> CommandResult {
    let get = |i: usize| answers.get(i).map(String::as_str).filter(|s| !s.is_empty());
    let input = ProfileInput {
        name: get(0),
        address: get(1),
        siret: get(2),
        vat: Some(get(3).unwrap_or("franchise")),
        iban: get(4),
        // No SIRET given: a creator outside France.
        country: if get(2).is_none() {
            Some(if inv.locale == Locale::Fr { "FR" } else { "US" })
        } else {
            None
        },
        ..ProfileInput::default()
    };
    let saved = db::profiles::get(&app.db, inv.account).await?;
    save(app, inv, saved.as_ref(), &input, r).await
}

async fn save(
    app: &App,
    inv: &Invocation,
    saved: Option<&Profile>,
    input: &ProfileInput<'_>,
    r: &dyn Responder,
) -> CommandResult {
    let profile = apply(saved, input)?;
    db::profiles::put(&app.db, inv.account, &profile).await?;
    let text = describe(app, inv.locale, &profile);
    r.send(
        Reply::text(app.i18n.tr(inv.locale, "profile-saved"))
            .block(text)
            .private(),
    )
    .await?;
    Ok(())
}

fn describe(app: &App, locale: Locale, p: &Profile) -> String {
    let none = app.i18n.tr(locale, "profile-none");
    let vat = if p.vat_regime == "franchise" {
        app.i18n.tr(locale, "profile-vat-franchise")
    } else {
        app.i18n.render(
            locale,
            &msg("profile-vat-number")
                .arg("vat", p.vat_number.clone().unwrap_or_default())
                .arg(
                    "rate",
                    rate(u32::try_from(p.vat_rate_bp).unwrap_or(0), locale),
                ),
        )
    };
    app.i18n.render(
        locale,
        &msg("profile-summary")
            .arg("name", &p.legal_name)
            .arg("address", &p.address)
            .arg("country", &p.country)
            .arg("siret", p.siret.clone().unwrap_or_else(|| none.clone()))
            .arg("vat", vat)
            .arg("iban", p.iban.clone().unwrap_or_else(|| none.clone()))
            .arg("bic", p.bic.clone().unwrap_or_else(|| none.clone()))
            .arg("email", p.email.clone().unwrap_or_else(|| none.clone()))
            .arg("terms", i64::from(p.payment_terms_days)),
    )
}
