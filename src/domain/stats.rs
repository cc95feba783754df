//! Analytics as a creator reads them: periods, totals and deltas against the previous period of
//! the same length, best and worst content, and the chart of a range of days.
//!
//! May depend on `db/`, `render/` and `format`; never on a front end. Periods end today
//! (inclusive): manual numbers may be entered for today, and a provider's late day simply shows
//! as a gap in the chart until the next sync fills it.

pub mod period;
pub mod report;

use chrono::NaiveDate;

use crate::db::stats::DailyRow;
use crate::domain::channels::Provider;
use crate::i18n::{I18n, Locale};
use crate::render::chart::{Chart, Series, SeriesStyle, Theme};

pub use period::{Period, PeriodError};

/// Sums of one metric family over some days; `None` when no day reported that metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub views: Option<i64>,
    pub watch_minutes: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub gained: Option<i64>,
    pub lost: Option<i64>,
    /// Distinct days with at least one row.
    pub days: u32,
}

fn add(slot: &mut Option<i64>, value: Option<i64>) {
    if let Some(v) = value {
        *slot = Some(slot.unwrap_or(0) + v);
    }
}

impl Totals {
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a DailyRow>) -> Totals {
        let mut t = Totals::default();
        let mut seen = std::collections::BTreeSet::new();
        for row in rows {
            add(&mut t.views, row.views);
            add(&mut t.watch_minutes, row.watch_minutes);
            add(&mut t.likes, row.likes);
            add(&mut t.comments, row.comments);
            add(&mut t.shares, row.shares);
            add(&mut t.gained, row.subscribers_gained);
            add(&mut t.lost, row.subscribers_lost);
            seen.insert(row.day);
        }
        t.days = u32::try_from(seen.len()).unwrap_or(u32::MAX);
        t
    }

    /// Interactions per view (likes + comments + shares), when views are known and not zero.
    pub fn engagement(&self) -> Option<f64> {
        let views = self.views.filter(|v| *v > 0)?;
        let interactions = [self.likes, self.comments, self.shares]
            .into_iter()
            .flatten()
            .sum::<i64>();
        (self.likes.is_some() || self.comments.is_some() || self.shares.is_some())
            .then(|| interactions as f64 / views as f64)
    }

    /// Followers gained minus lost.
    pub fn net_followers(&self) -> Option<i64> {
        match (self.gained, self.lost) {
            (None, None) => None,
            (g, l) => Some(g.unwrap_or(0) - l.unwrap_or(0)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.days == 0
    }
}

pub fn series_style(provider: Provider) -> SeriesStyle {
    match provider {
        Provider::YouTube => SeriesStyle::YouTube,
        Provider::TikTok => SeriesStyle::TikTok,
        Provider::Instagram => SeriesStyle::Instagram,
    }
}

/// The chart of `days` days from `first`: one series per provider with rows, views as the line
/// and net followers gained as bars; a day without a row is a gap.
pub fn chart(
    i18n: &I18n,
    locale: Locale,
    theme: Theme,
    title: String,
    first: NaiveDate,
    days: usize,
    rows: &[DailyRow],
) -> Chart {
    let mut series = Vec::new();
    for provider in Provider::ALL {
        let mine: Vec<&DailyRow> = rows
            .iter()
            .filter(|r| r.provider == provider.as_str())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut views = vec![None; days];
        let mut followers = vec![None; days];
        for row in mine {
            let Ok(index) = usize::try_from((row.day - first).num_days()) else {
                continue;
            };
            if index < days {
                views[index] = row.views;
                followers[index] = match (row.subscribers_gained, row.subscribers_lost) {
                    (None, None) => None,
                    (g, l) => Some(g.unwrap_or(0) - l.unwrap_or(0)),
                };
            }
        }
        series.push(Series {
            label: provider.label().to_owned(),
            style: series_style(provider),
            views,
            followers_gained: followers,
        });
    }
    Chart {
        title,
        views_label: i18n.tr(locale, "chart-views"),
        followers_label: i18n.tr(locale, "chart-followers"),
        first_day: first,
        days,
        series,
        locale,
        theme,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(provider: &str, day: u32, views: i64, gained: i64, lost: i64) -> DailyRow {
        DailyRow {
            provider: provider.into(),
            day: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            views: Some(views),
            likes: Some(views / 10),
            comments: None,
            subscribers_gained: Some(gained),
            subscribers_lost: Some(lost),
            ..DailyRow::default()
        }
    }

    #[test]
    fn totals_sum_known_metrics_and_leave_unknown_ones_unknown() {
        let rows = [
            row("youtube", 1, 1000, 10, 2),
            row("tiktok", 1, 500, 5, 0),
            row("youtube", 2, 2000, 20, 1),
        ];
        let t = Totals::of(&rows);
        assert_eq!(t.views, Some(3500));
        assert_eq!(t.likes, Some(350));
        assert_eq!(t.comments, None);
        assert_eq!(t.net_followers(), Some(32));
        assert_eq!(t.days, 2, "distinct days, whatever the providers");
        assert!((t.engagement().unwrap() - 0.1).abs() < 1e-9);
    }

    #[test]
    fn engagement_needs_views_and_interactions() {
        let t = Totals {
            views: Some(0),
            likes: Some(4),
            ..Totals::default()
        };
        assert_eq!(t.engagement(), None);
        let t = Totals {
            views: Some(100),
            ..Totals::default()
        };
        assert_eq!(t.engagement(), None);
    }
}
