//! The digest as words: heading, the deterministic summary (written from the numbers, never
//! invented), one line per provider, milestones and outperformers; and the facts given to the
//! AI summary, which may only restate them.

use chrono::NaiveDate;

use crate::domain::channels::Provider;
use crate::format;
use crate::i18n::{I18n, Locale, Msg, msg};

use super::compose::{DayLine, Digest, Milestone, Outperformer};

/// Above or below a reference by more than this share counts as a change worth saying.
const FLAT: f64 = 0.05;

fn trend(change: f64) -> &'static str {
    if change > FLAT {
        "up"
    } else if change < -FLAT {
        "down"
    } else {
        "flat"
    }
}

fn platform_name(i18n: &I18n, locale: Locale, provider: Option<Provider>) -> String {
    provider.map_or_else(
        || i18n.tr(locale, "digest-all-platforms"),
        |p| p.label().to_owned(),
    )
}

pub fn heading(i18n: &I18n, locale: Locale, digest: &Digest, yesterday: NaiveDate) -> String {
    let key = if digest.day < yesterday {
        "digest-heading-latest"
    } else {
        "digest-heading"
    };
    i18n.render(
        locale,
        &msg(key).arg("date", format::short_date(digest.day, locale)),
    )
}

/// Two or three sentences from the numbers: the day against its week, followers, and the best
/// news (an outperformer or a milestone).
pub fn summary(i18n: &I18n, locale: Locale, digest: &Digest) -> String {
    let tr = |m: Msg| i18n.render(locale, &m);
    let mut sentences = Vec::new();
    let total = &digest.total;
    let date = format::short_date(digest.day, locale);
    if let Some(views) = total.views {
        let views_text = format::number(views, locale);
        sentences.push(match total.average_7d.filter(|a| *a > 0.0) {
            Some(avg) => {
                let change = (views as f64 - avg) / avg;
                let word = trend(change);
                tr(msg("digest-summary-views-trend")
                    .arg("date", date.clone())
                    .arg("views", views_text)
                    .arg("trend", word)
                    .arg("change", format::percent(change.abs(), locale)))
            }
            None => tr(msg("digest-summary-views")
                .arg("date", date.clone())
                .arg("views", views_text)),
        });
    }
    if let Some(net) = total.net_followers.filter(|n| *n != 0) {
        let key = if net > 0 {
            "digest-summary-gained"
        } else {
            "digest-summary-lost"
        };
        sentences.push(tr(msg(key).arg("count", format::number(net.abs(), locale))));
    }
    if let Some(best) = digest.outperformers.first() {
        sentences.push(tr(outperformer_msg(
            "digest-summary-outperformer",
            best,
            locale,
        )));
    } else if let Some(m) = digest.milestones.first() {
        sentences.push(tr(milestone_msg(m, locale)));
    }
    if sentences.is_empty() {
        sentences.push(tr(msg("digest-summary-quiet").arg("date", date)));
    }
    sentences.join(" ")
}

fn day_line_msg(i18n: &I18n, locale: Locale, line: &DayLine) -> Option<Msg> {
    let views = line.views?;
    let mut m = msg("digest-line")
        .arg("platform", platform_name(i18n, locale, line.provider))
        .arg("views", format::number(views, locale))
        .arg("average", "—")
        .arg("week_ago", "—");
    if let Some(avg) = line.average_7d.filter(|a| *a > 0.0) {
        m = m.arg("average", signed_change(views, avg, locale));
    }
    if let Some(week) = line.week_ago.filter(|w| *w > 0) {
        m = m.arg("week_ago", signed_change(views, week as f64, locale));
    }
    Some(m)
}

fn signed_change(now: i64, reference: f64, locale: Locale) -> String {
    let change = (now as f64 - reference) / reference;
    let text = format::percent(change, locale);
    if change > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

fn milestone_msg(m: &Milestone, locale: Locale) -> Msg {
    match m {
        Milestone::Followers {
            provider,
            threshold,
        } => msg("digest-milestone-followers")
            .arg("platform", provider.label())
            .arg("threshold", format::number(*threshold, locale)),
        Milestone::Views {
            provider,
            title,
            threshold,
        } => msg("digest-milestone-views")
            .arg("platform", provider.label())
            .arg("title", title.as_str())
            .arg("threshold", format::number(*threshold, locale)),
    }
}

fn outperformer_msg(key: &str, o: &Outperformer, locale: Locale) -> Msg {
    msg(key)
        .arg("title", o.title.as_str())
        .arg("platform", o.provider.label())
        .arg("views", format::number(o.views, locale))
        .arg("days", i64::from(o.age_days))
        .arg(
            "ratio",
            format::fixed((o.ratio * 10.0).round() as i64, 1, locale),
        )
}

/// The body's paragraphs after the summary: per-provider lines, milestones, outperformers.
pub fn details(i18n: &I18n, locale: Locale, digest: &Digest) -> Vec<String> {
    let tr = |m: Msg| i18n.render(locale, &m);
    let mut blocks = Vec::new();
    let mut lines: Vec<String> = digest
        .providers
        .iter()
        .filter_map(|l| day_line_msg(i18n, locale, l))
        .map(tr)
        .collect();
    if digest.providers.len() > 1
        && let Some(total) = day_line_msg(i18n, locale, &digest.total)
    {
        lines.push(tr(total));
    }
    if !lines.is_empty() {
        blocks.push(lines.join("\n"));
    }
    let news: Vec<String> = digest
        .milestones
        .iter()
        .map(|m| tr(milestone_msg(m, locale)))
        .chain(
            digest
                .outperformers
                .iter()
                .map(|o| tr(outperformer_msg("digest-outperformer", o, locale))),
        )
        .collect();
    if !news.is_empty() {
        blocks.push(news.join("\n"));
    }
    blocks
}

/// Plain facts for the AI summary, in the creator's language: everything it may mention.
pub fn facts(i18n: &I18n, locale: Locale, digest: &Digest) -> Vec<String> {
    let mut facts = vec![summary(i18n, locale, digest)];
    facts.extend(details(i18n, locale, digest));
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::digests::compose::{DayLine, Digest};

    fn digest() -> Digest {
        Digest {
            day: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            providers: vec![],
            total: DayLine {
                provider: None,
                views: Some(1_500),
                average_7d: Some(1_000.0),
                week_ago: Some(1_200),
                net_followers: Some(-3),
            },
            milestones: vec![],
            outperformers: vec![Outperformer {
                provider: Provider::YouTube,
                external_id: "v1".into(),
                title: "Pâtes à l'ail".into(),
                views: 12_000,
                ratio: 3.04,
                age_days: 4,
            }],
            rows: vec![],
        }
    }

    #[test]
    fn the_summary_says_only_what_the_numbers_say() {
        let i18n = I18n::load().unwrap();
        let en = summary(&i18n, Locale::En, &digest());
        assert!(en.contains("1,500"), "{en}");
        assert!(en.contains("50.0%") && en.contains("above"), "{en}");
        assert!(en.contains("lost 3"), "{en}");
        assert!(en.contains("Pâtes à l'ail") && en.contains("3.0"), "{en}");
        let fr = summary(&i18n, Locale::Fr, &digest());
        assert!(
            fr.contains("1\u{202f}500") && fr.contains("50,0\u{a0}%"),
            "{fr}"
        );
        assert!(fr.contains("3,0"), "{fr}");
    }

    #[test]
    fn a_quiet_day_still_reads_as_a_sentence() {
        let i18n = I18n::load().unwrap();
        let mut quiet = digest();
        quiet.total = DayLine::default();
        quiet.outperformers.clear();
        let text = summary(&i18n, Locale::En, &quiet);
        assert!(text.contains("Nov 24"), "{text}");
    }
}
