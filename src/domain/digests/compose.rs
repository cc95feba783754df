//! What a digest says, from the numbers alone: the latest complete day against the 7-day
//! average and the same weekday last week (per provider and in total), milestones crossed, and
//! outperforming content (≥ 2× the median of the creator's other items at the same age).
//!
//! `build` is pure (unit-tested); `load` runs the two queries it needs.

use chrono::{Duration, NaiveDate};

use crate::bot::AccountId;
use crate::db;
use crate::db::stats::{DailyRow, SnapshotStat};
use crate::domain::channels::Provider;

/// Days shown in the digest's chart, ending with the digest's day.
pub const CHART_DAYS: i64 = 28;
pub const MILESTONES: [i64; 4] = [1_000, 10_000, 100_000, 1_000_000];
/// An item is outperforming at this multiple of its peers' median…
pub const OUTPERFORM_RATIO: f64 = 2.0;
/// …when at least this many peers were seen at the same age (fewer say nothing).
pub const MIN_PEERS: i64 = 3;

/// One provider's (or the total's) day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayLine {
    /// `None` is the total over every provider.
    pub provider: Option<Provider>,
    pub views: Option<i64>,
    /// Mean views of the 7 days before, over the days that reported views.
    pub average_7d: Option<f64>,
    /// The same weekday a week before.
    pub week_ago: Option<i64>,
    pub net_followers: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Milestone {
    Followers {
        provider: Provider,
        threshold: i64,
    },
    Views {
        provider: Provider,
        title: String,
        threshold: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outperformer {
    pub provider: Provider,
    pub external_id: String,
    pub title: String,
    pub views: i64,
    pub ratio: f64,
    pub age_days: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub day: NaiveDate,
    pub providers: Vec<DayLine>,
    pub total: DayLine,
    pub milestones: Vec<Milestone>,
    pub outperformers: Vec<Outperformer>,
    /// The chart's days, `CHART_DAYS` ending with `day`.
    pub rows: Vec<DailyRow>,
}

impl Digest {
    pub fn chart_start(&self) -> NaiveDate {
        self.day - Duration::days(CHART_DAYS - 1)
    }
}

/// The digest of the newest day with numbers up to `until` (the creator's yesterday); `None`
/// when the account has no numbers at all yet.
pub async fn load(
    db: &sqlx::PgPool,
    account: AccountId,
    until: NaiveDate,
) -> sqlx::Result<Option<Digest>> {
    let Some(day) = db::stats::latest_day(db, account, until).await? else {
        return Ok(None);
    };
    let first = day - Duration::days(CHART_DAYS - 1);
    let rows = db::stats::daily(db, account, None, first, day).await?;
    let snapshots = db::stats::snapshots_on(db, account, day).await?;
    Ok(Some(build(day, rows, &snapshots)))
}

fn day_line(provider: Option<Provider>, day: NaiveDate, rows: &[&DailyRow]) -> DayLine {
    let on = |d: NaiveDate| rows.iter().filter(move |r| r.day == d);
    let sum = |values: &mut dyn Iterator<Item = Option<i64>>| {
        values.fold(None, |acc: Option<i64>, v| match v {
            Some(v) => Some(acc.unwrap_or(0) + v),
            None => acc,
        })
    };
    let views_on = |d: NaiveDate| sum(&mut on(d).map(|r| r.views));
    let week: Vec<i64> = (1..=7)
        .filter_map(|back| views_on(day - Duration::days(back)))
        .collect();
    let net = sum(
        &mut on(day).map(|r| match (r.subscribers_gained, r.subscribers_lost) {
            (None, None) => None,
            (g, l) => Some(g.unwrap_or(0) - l.unwrap_or(0)),
        }),
    );
    DayLine {
        provider,
        views: views_on(day),
        average_7d: (!week.is_empty()).then(|| week.iter().sum::<i64>() as f64 / week.len() as f64),
        week_ago: views_on(day - Duration::days(7)),
        net_followers: net,
    }
}

fn crossed(before: i64, after: i64) -> Option<i64> {
    MILESTONES
        .iter()
        .rev()
        .find(|t| before < **t && after >= **t)
        .copied()
}

pub fn build(day: NaiveDate, rows: Vec<DailyRow>, snapshots: &[SnapshotStat]) -> Digest {
    let mut providers = Vec::new();
    let mut milestones = Vec::new();
    for provider in Provider::ALL {
        let mine: Vec<&DailyRow> = rows
            .iter()
            .filter(|r| r.provider == provider.as_str())
            .collect();
        if mine.is_empty() {
            continue;
        }
        providers.push(day_line(Some(provider), day, &mine));
        // Follower totals: the day's against the latest earlier known total.
        let today = mine.iter().find(|r| r.day == day).and_then(|r| r.followers);
        let before = mine
            .iter()
            .filter(|r| r.day < day)
            .filter_map(|r| r.followers)
            .next_back();
        if let (Some(after), Some(before)) = (today, before)
            && let Some(threshold) = crossed(before, after)
        {
            milestones.push(Milestone::Followers {
                provider,
                threshold,
            });
        }
    }
    let all: Vec<&DailyRow> = rows.iter().collect();
    let total = day_line(None, day, &all);

    let mut outperformers = Vec::new();
    for s in snapshots {
        let Some(provider) = Provider::parse(&s.provider) else {
            continue;
        };
        let title = s.title.clone().unwrap_or_else(|| s.external_id.clone());
        if let (Some(after), Some(before)) = (s.views, s.views_before)
            && let Some(threshold) = crossed(before, after)
        {
            milestones.push(Milestone::Views {
                provider,
                title: title.clone(),
                threshold,
            });
        }
        if let (Some(views), Some(median)) = (s.views, s.peer_median)
            && s.peers >= MIN_PEERS
            && s.age_days >= 1
            && median > 0.0
            && views as f64 >= OUTPERFORM_RATIO * median
        {
            outperformers.push(Outperformer {
                provider,
                external_id: s.external_id.clone(),
                title,
                views,
                ratio: views as f64 / median,
                age_days: s.age_days,
            });
        }
    }
    outperformers.sort_by(|a, b| b.ratio.total_cmp(&a.ratio));
    outperformers.truncate(3);
    Digest {
        day,
        providers,
        total,
        milestones,
        outperformers,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn row(provider: &str, day: u32, views: i64, followers: Option<i64>) -> DailyRow {
        DailyRow {
            provider: provider.into(),
            day: d(day),
            views: Some(views),
            subscribers_gained: Some(5),
            subscribers_lost: Some(1),
            followers,
            ..DailyRow::default()
        }
    }

    fn snap(id: &str, views: i64, before: i64, median: Option<f64>, peers: i64) -> SnapshotStat {
        SnapshotStat {
            provider: "youtube".into(),
            platform_id: Uuid::nil(),
            external_id: id.into(),
            title: Some(format!("Video {id}")),
            age_days: 4,
            views: Some(views),
            views_before: Some(before),
            peer_median: median,
            peers,
        }
    }

    #[test]
    fn the_day_against_its_week_and_the_same_weekday() {
        // 17–23 November: 100..700 views; the 24th: 1000.
        let mut rows: Vec<DailyRow> = (17..=23)
            .map(|day| row("youtube", day, i64::from(day - 16) * 100, None))
            .collect();
        rows.push(row("youtube", 24, 1000, None));
        rows.push(row("tiktok", 24, 50, None));
        let digest = build(d(24), rows, &[]);
        let yt = &digest.providers[0];
        assert_eq!(yt.provider, Some(Provider::YouTube));
        assert_eq!(yt.views, Some(1000));
        assert_eq!(yt.average_7d, Some(400.0));
        assert_eq!(yt.week_ago, Some(100));
        assert_eq!(yt.net_followers, Some(4));
        let tiktok = &digest.providers[1];
        assert_eq!((tiktok.views, tiktok.average_7d), (Some(50), None));
        assert_eq!(digest.total.views, Some(1050));
        assert_eq!(digest.total.net_followers, Some(8));
    }

    #[test]
    fn milestones_are_the_highest_threshold_crossed() {
        let rows = vec![
            row("youtube", 22, 10, Some(9_990)),
            row("youtube", 23, 10, None),
            row("youtube", 24, 10, Some(10_004)),
            row("tiktok", 23, 10, Some(1_500)),
            row("tiktok", 24, 10, Some(1_600)),
        ];
        let snaps = [
            snap("a", 1_000_200, 999_000, None, 0),
            snap("b", 900, 800, None, 0),
        ];
        let digest = build(d(24), rows, &snaps);
        assert_eq!(
            digest.milestones,
            vec![
                Milestone::Followers {
                    provider: Provider::YouTube,
                    threshold: 10_000
                },
                Milestone::Views {
                    provider: Provider::YouTube,
                    title: "Video a".into(),
                    threshold: 1_000_000
                },
            ]
        );
    }

    #[test]
    fn outperformers_need_twice_the_median_of_enough_peers() {
        let snaps = [
            snap("hit", 2_000, 1_500, Some(1_000.0), 3),
            snap("fine", 1_999, 1_500, Some(1_000.0), 3),
            snap("lonely", 9_000, 1_500, Some(1_000.0), 2),
            snap("big", 5_000, 4_000, Some(1_000.0), 5),
        ];
        let digest = build(d(24), vec![row("youtube", 24, 1, None)], &snaps);
        let ids: Vec<&str> = digest
            .outperformers
            .iter()
            .map(|o| o.external_id.as_str())
            .collect();
        assert_eq!(ids, ["big", "hit"]);
        assert!((digest.outperformers[0].ratio - 5.0).abs() < 1e-9);
    }
}
