//! `/revenue [year]`: invoiced, paid and outstanding amounts (TTC, credit notes subtracted), per
//! month and currency — currencies are never added together.

use chrono::Datelike;

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::db;
use crate::domain::invoices::{money, today};
use crate::i18n::{Locale, msg};

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let year = args
        .integer("year")
        .and_then(|y| i32::try_from(y).ok())
        .unwrap_or_else(|| today().year());
    let rows = db::invoices::revenue(&app.db, inv.account, year).await?;
    if rows.is_empty() {
        let text = app.i18n.render(
            inv.locale,
            &msg("revenue-empty").arg("year", i64::from(year)),
        );
        r.send(Reply::text(text).private()).await?;
        return Ok(());
    }
    let fmt = |minor: i64, code: &str| money::format_stored(minor, code, inv.locale);
    let mut lines = vec![app.i18n.render(
        inv.locale,
        &msg("revenue-heading").arg("year", i64::from(year)),
    )];
    let mut currencies: Vec<&str> = rows.iter().map(|r| r.currency.as_str()).collect();
    currencies.dedup();
    currencies.sort_unstable();
    currencies.dedup();
    for code in currencies {
        let (mut inv_sum, mut paid_sum) = (0_i64, 0_i64);
        for row in rows.iter().filter(|r| r.currency == code) {
            inv_sum += row.invoiced_minor;
            paid_sum += row.paid_minor;
            lines.push(
                app.i18n.render(
                    inv.locale,
                    &msg("revenue-month")
                        .arg("month", month_name(row.month, inv.locale))
                        .arg("invoiced", fmt(row.invoiced_minor, code))
                        .arg("paid", fmt(row.paid_minor, code))
                        .arg(
                            "outstanding",
                            fmt(row.invoiced_minor - row.paid_minor, code),
                        ),
                ),
            );
        }
        lines.push(
            app.i18n.render(
                inv.locale,
                &msg("revenue-total")
                    .arg("currency", code)
                    .arg("invoiced", fmt(inv_sum, code))
                    .arg("paid", fmt(paid_sum, code))
                    .arg("outstanding", fmt(inv_sum - paid_sum, code)),
            ),
        );
    }
    r.send(Reply::text(lines.join("\n")).private()).await?;
    Ok(())
}

fn month_name(month: i32, locale: Locale) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let i = usize::try_from(month - 1).unwrap_or(0).min(11);
    match locale {
        Locale::En => EN[i].to_owned(),
        Locale::Fr => FR[i].to_owned(),
    }
}
