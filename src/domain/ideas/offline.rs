//! Ideas without a model, labelled as data-driven: follow-ups to the creator's outperformers,
//! their best-performing length and publishing day, and their most engaging video — each with a
//! concrete title and hook built from their own content and numbers. No external call.

use chrono::{Datelike, Weekday};

use crate::db::brainstorm::TopContent;
use crate::format;
use crate::i18n::{I18n, Locale, Msg, msg};

use super::draft::IdeaDraft;

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Length {
    Short,
    Medium,
    Long,
}

fn length_of(seconds: i64) -> Length {
    match seconds {
        ..60 => Length::Short,
        60..=600 => Length::Medium,
        _ => Length::Long,
    }
}

fn length_key(length: Length) -> &'static str {
    match length {
        Length::Short => "idea-data-length-short",
        Length::Medium => "idea-data-length-medium",
        Length::Long => "idea-data-length-long",
    }
}

fn typical_seconds(length: Length) -> u32 {
    match length {
        Length::Short => 45,
        Length::Medium => 360,
        Length::Long => 900,
    }
}

fn day_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "idea-day-mon",
        Weekday::Tue => "idea-day-tue",
        Weekday::Wed => "idea-day-wed",
        Weekday::Thu => "idea-day-thu",
        Weekday::Fri => "idea-day-fri",
        Weekday::Sat => "idea-day-sat",
        Weekday::Sun => "idea-day-sun",
    }
}

fn engagement(c: &TopContent) -> f64 {
    if c.views <= 0 {
        0.0
    } else {
        c.interactions as f64 / c.views as f64
    }
}

/// Up to `count` ideas from the creator's content of the last 90 days (most viewed first).
pub fn ideas(i18n: &I18n, locale: Locale, content: &[TopContent], count: usize) -> Vec<IdeaDraft> {
    let tr = |m: Msg| i18n.render(locale, &m);
    let views = |v: i64| format::number(v, locale);
    let mut out: Vec<IdeaDraft> = Vec::new();
    let usual = median(content.iter().map(|c| c.views).collect()).unwrap_or(0);
    let draft =
        |title: String, hook: String, description: String, seconds, c: &TopContent| IdeaDraft {
            title,
            hook,
            description,
            duration_seconds: seconds,
            platform: Some(c.provider.clone()),
        };

    // Follow-ups to what clearly outperformed (the top three above 1.5× the usual).
    for c in content
        .iter()
        .filter(|c| c.views as f64 >= 1.5 * usual as f64)
        .take(3)
    {
        let seconds = c.duration_seconds.and_then(|s| u32::try_from(s).ok());
        out.push(draft(
            tr(msg("idea-data-followup-title").arg("title", c.title.as_str())),
            tr(msg("idea-data-followup-hook")
                .arg("title", c.title.as_str())
                .arg("views", views(c.views))),
            tr(if c.interactions > 0 {
                msg("idea-data-followup-description")
                    .arg("views", views(c.views))
                    .arg("usual", views(usual))
                    .arg("engagement", format::percent(engagement(c), locale))
            } else {
                msg("idea-data-followup-description-views")
                    .arg("views", views(c.views))
                    .arg("usual", views(usual))
            }),
            seconds,
            c,
        ));
    }

    // The length whose videos do best (at least two of each compared).
    let lengths = [Length::Short, Length::Medium, Length::Long];
    let best_length = lengths
        .into_iter()
        .filter_map(|l| {
            let mine: Vec<&TopContent> = content
                .iter()
                .filter(|c| c.duration_seconds.map(length_of) == Some(l))
                .collect();
            (mine.len() >= 2).then(|| (l, median(mine.iter().map(|c| c.views).collect()), mine[0]))
        })
        .max_by_key(|(_, m, _)| m.unwrap_or(0));
    if let Some((length, Some(m), best)) = best_length {
        let name = i18n.tr(locale, length_key(length));
        out.push(draft(
            tr(msg("idea-data-length-title")
                .arg("length", name.clone())
                .arg("title", best.title.as_str())),
            tr(msg("idea-data-length-hook").arg("title", best.title.as_str())),
            tr(msg("idea-data-length-description")
                .arg("length", name)
                .arg("median", views(m))
                .arg("title", best.title.as_str())),
            Some(typical_seconds(length)),
            best,
        ));
    }

    // The publishing day with the best average (at least two videos that day).
    let best_day = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .filter_map(|d| {
        let mine: Vec<&TopContent> = content
            .iter()
            .filter(|c| c.published_at.weekday() == d)
            .collect();
        let total: i64 = mine.iter().map(|c| c.views).sum();
        (mine.len() >= 2).then(|| (d, total / mine.len() as i64, mine[0]))
    })
    .max_by_key(|(_, avg, _)| *avg);
    if let Some((day, avg, best)) = best_day {
        let name = i18n.tr(locale, day_key(day));
        out.push(draft(
            tr(msg("idea-data-day-title")
                .arg("day", name.clone())
                .arg("title", best.title.as_str())),
            tr(msg("idea-data-day-hook").arg("title", best.title.as_str())),
            tr(msg("idea-data-day-description")
                .arg("day", name)
                .arg("views", views(avg))),
            best.duration_seconds.and_then(|s| u32::try_from(s).ok()),
            best,
        ));
    }

    // The most engaging video (per view), as a Q&A.
    if let Some(best) = content
        .iter()
        .filter(|c| c.interactions > 0)
        .max_by(|a, b| engagement(a).total_cmp(&engagement(b)))
    {
        out.push(draft(
            tr(msg("idea-data-engagement-title").arg("title", best.title.as_str())),
            tr(msg("idea-data-engagement-hook").arg("title", best.title.as_str())),
            tr(msg("idea-data-engagement-description")
                .arg("engagement", format::percent(engagement(best), locale))),
            best.duration_seconds.and_then(|s| u32::try_from(s).ok()),
            best,
        ));
    }
    out.dedup_by(|a, b| a.title == b.title);
    out.truncate(count);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn item(title: &str, views: i64, seconds: i64, day: u32) -> TopContent {
        TopContent {
            provider: "youtube".into(),
            title: title.into(),
            views,
            interactions: views / 20,
            duration_seconds: Some(seconds),
            // November 2026: the 2nd is a Monday.
            published_at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn ideas_come_from_the_creators_own_videos_and_numbers() {
        let i18n = I18n::load().unwrap();
        let mut content = vec![
            item("Crêpes maison", 30_000, 480, 2),
            item("Knife skills", 4_000, 40, 3),
            item("Soup week", 3_500, 35, 9),
            item("Rice basics", 5_000, 500, 10),
            item("Bread", 2_000, 700, 4),
        ];
        content[1].interactions = 800;
        let ideas = ideas(&i18n, Locale::En, &content, 5);
        assert!(ideas.len() >= 3, "{ideas:?}");
        assert_eq!(ideas[0].title, "Crêpes maison — part 2");
        assert!(ideas[0].hook.contains("30,000 views"), "{:?}", ideas[0]);
        let all = format!("{ideas:?}");
        assert!(all.contains("Monday"), "the best day is named: {all}");
        assert!(
            all.contains("Knife skills"),
            "the most engaging video is used: {all}"
        );
        assert!(
            ideas
                .iter()
                .all(|i| i.platform.as_deref() == Some("youtube"))
        );
        assert!(super::ideas(&i18n, Locale::En, &[], 5).is_empty());
    }
}
