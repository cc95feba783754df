//! The Instagram sync of one connection: `/me` for the day's follower total; account insights
//! per day (`reach`, `views`, `likes`, `comments`, `shares`, `saved` as `total_value` over one
//! day) and `follower_count` (new followers per day: only for accounts with 100 followers or
//! more, and the last 30 days); media by `after` cursor into `content` with today's snapshot.
//! A metric Instagram leaves out or answers with an empty dataset is unknown (NULL), never 0.
//! The 60-day token is refreshed when it has less than a week left.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Access, MAX_CONTENT_PAGES, Step, SyncError, reached_known, sync_date, title_from};
use crate::app::App;
use crate::clients::instagram;
use crate::db;
use crate::db::channels::{ContentRow, DayMetrics, PlatformRow};
use crate::domain::channels::Provider;

/// Refresh the long-lived token when it has less than this left.
const REFRESH_AHEAD_DAYS: i64 = 7;

/// Days of insights fetched on a first sync (one call per day), and again before the last sync
/// on later ones (Instagram's numbers settle within 48 hours).
const FIRST_SYNC_DAYS: i64 = 14;
const RESYNC_OVERLAP_DAYS: i64 = 3;

/// `follower_count` covers the last 30 days, for accounts with at least 100 followers.
const FOLLOWER_COUNT_DAYS: i64 = 30;
const FOLLOWER_COUNT_MINIMUM: i64 = 100;

/// The day metrics asked as one-day totals.
const DAY_METRICS: &str = "reach,views,likes,comments,shares,saved";

/// Media asked per page.
const MEDIA_PAGE: u32 = 50;

pub(super) async fn sync(
    app: &App,
    row: &PlatformRow,
) -> Result<Step<(usize, Option<DateTime<Utc>>)>, SyncError> {
    let settings = &app.settings.instagram;
    let ahead = Duration::days(REFRESH_AHEAD_DAYS);
    let mut access = alive!(Access::open(app, row, Provider::Instagram, ahead).await?);
    let now = Utc::now();
    let today = sync_date(now);

    let account = alive!(
        access
            .call(app, row, |token| async move {
                instagram::me(settings, &token).await
            })
            .await?
    );

    // Complete days only: today's totals are still growing.
    let start = match row.last_sync_at {
        Some(at) => at.date_naive() - Duration::days(RESYNC_OVERLAP_DAYS),
        None => today - Duration::days(FIRST_SYNC_DAYS),
    }
    .max(today - Duration::days(FIRST_SYNC_DAYS));
    let mut days: Vec<(NaiveDate, DayMetrics)> = Vec::new();
    let mut day = start;
    while day < today {
        let asked = (
            DAY_METRICS,
            Some("total_value"),
            day,
            day + Duration::days(1),
        );
        let body = alive!(insights(app, row, &mut access, asked).await?);
        days.push((day, day_totals(&body)));
        day += Duration::days(1);
    }
    if account
        .followers
        .is_some_and(|f| f >= FOLLOWER_COUNT_MINIMUM)
    {
        let first = start.max(today - Duration::days(FOLLOWER_COUNT_DAYS - 1));
        let asked = ("follower_count", None, first, today);
        let body = alive!(insights(app, row, &mut access, asked).await?);
        for (day, gained) in daily_values(&body, "follower_count") {
            match days.iter_mut().find(|(d, _)| *d == day) {
                Some((_, metrics)) => metrics.subscribers_gained = Some(gained),
                None => days.push((
                    day,
                    DayMetrics {
                        subscribers_gained: Some(gained),
                        ..DayMetrics::default()
                    },
                )),
            }
        }
    }
    days.retain(|(_, metrics)| !metrics.is_empty());
    if let Some(followers) = account.followers {
        days.push((
            today,
            DayMetrics {
                followers: Some(followers),
                ..DayMetrics::default()
            },
        ));
    }
    let mut tx = app.db.begin().await?;
    for (day, metrics) in &days {
        db::channels::upsert_day(&mut *tx, row.id, *day, metrics, "api").await?;
    }
    tx.commit().await?;

    let mut newest: Option<DateTime<Utc>> = None;
    let mut after: Option<String> = None;
    for _ in 0..MAX_CONTENT_PAGES {
        let cursor = after.as_deref();
        let page = alive!(
            access
                .call(app, row, |token| async move {
                    instagram::media(settings, &token, MEDIA_PAGE, cursor).await
                })
                .await?
        );
        let mut known = false;
        let mut tx = app.db.begin().await?;
        for media in &page.media {
            let content = ContentRow {
                external_id: media.id.clone(),
                title: title_from(media.caption.as_deref()),
                published_at: media.published_at,
                duration_seconds: None,
                // Views need per-media insights, which this sync does not ask.
                views: None,
                likes: media.likes,
                comments: media.comments,
                shares: None,
            };
            db::channels::upsert_content(&mut tx, row.id, &content, today).await?;
            newest = newest.max(media.published_at);
            known |= reached_known(row, media.published_at);
        }
        tx.commit().await?;
        match page.after {
            Some(next) if !known && after.as_deref() != Some(next.as_str()) => after = Some(next),
            _ => break,
        }
    }
    Ok(Step::Done((days.len(), newest)))
}

/// `metric` per day from `since` to `until` (exclusive), as `metric_type` when given.
async fn insights(
    app: &App,
    row: &PlatformRow,
    access: &mut Access,
    (metric, metric_type, since, until): (&str, Option<&str>, NaiveDate, NaiveDate),
) -> Result<Step<serde_json::Value>, SyncError> {
    let (since, until) = (unix(since), unix(until));
    let mut query = vec![
        ("metric", metric),
        ("period", "day"),
        ("since", since.as_str()),
        ("until", until.as_str()),
    ];
    if let Some(metric_type) = metric_type {
        query.push(("metric_type", metric_type));
    }
    let settings = &app.settings.instagram;
    let query = &query;
    access
        .call(app, row, |token| async move {
            instagram::insights(settings, &token, query).await
        })
        .await
}

fn unix(day: NaiveDate) -> String {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default()
        .to_string()
}

/// One day's totals from a `metric_type=total_value` answer: each metric's `total_value.value`;
/// a metric left out or without a value stays unknown.
pub fn day_totals(body: &serde_json::Value) -> DayMetrics {
    let mut metrics = DayMetrics::default();
    for entry in body["data"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let value = entry["total_value"]["value"].as_i64().or_else(|| {
            // A time series for one day: its single value.
            match entry["values"].as_array().map(Vec::as_slice) {
                Some([one]) => one["value"].as_i64(),
                _ => None,
            }
        });
        let slot = match entry["name"].as_str() {
            Some("reach") => &mut metrics.reach,
            Some("views") => &mut metrics.views,
            Some("likes") => &mut metrics.likes,
            Some("comments") => &mut metrics.comments,
            Some("shares") => &mut metrics.shares,
            Some("saved") => &mut metrics.saved,
            _ => continue,
        };
        *slot = value;
    }
    metrics
}

/// A time series (`values: [{value, end_time}]`) of `metric`, by day: a value's day is the one
/// that ends at its `end_time`.
pub fn daily_values(body: &serde_json::Value, metric: &str) -> Vec<(NaiveDate, i64)> {
    body["data"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|entry| entry["name"].as_str() == Some(metric))
        .flat_map(|entry| {
            entry["values"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
        })
        .filter_map(|v| {
            let end = instagram::timestamp(v["end_time"].as_str()?)?;
            Some(((end - Duration::days(1)).date_naive(), v["value"].as_i64()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn totals_read_each_metric_and_leave_missing_ones_unknown() {
        let body = json!({ "data": [
            { "name": "reach", "period": "day", "total_value": { "value": 300 }, "id": "1/insights/reach/day" },
            { "name": "likes", "period": "day", "total_value": { "value": 0 }, "id": "1/insights/likes/day" },
            { "name": "views", "period": "day", "total_value": {}, "id": "1/insights/views/day" }
        ] });
        let m = day_totals(&body);
        assert_eq!(m.reach, Some(300));
        // A reported 0 is a 0; a metric without a value or left out is unknown.
        assert_eq!(m.likes, Some(0));
        assert_eq!((m.views, m.saved, m.shares), (None, None, None));
        assert!(day_totals(&json!({ "data": [] })).is_empty());
    }

    #[test]
    fn series_values_belong_to_the_day_they_end() {
        let body = json!({ "data": [{ "name": "follower_count", "period": "day", "values": [
            { "value": 4, "end_time": "2026-11-02T08:00:00+0000" },
            { "value": 7, "end_time": "2026-11-03T08:00:00+0000" }
        ] }] });
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            daily_values(&body, "follower_count"),
            vec![(d("2026-11-01"), 4), (d("2026-11-02"), 7)]
        );
        assert!(daily_values(&body, "reach").is_empty());
    }
}
