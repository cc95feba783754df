//! The TikTok sync of one connection: `user/info` for the day's follower total (gains and losses
//! derived from consecutive totals, since TikTok reports no daily numbers), then `video/list`
//! (20 a page, newest first, by cursor) into `content` with today's snapshot, until the pages
//! reach videos older than the refresh window behind the newest one already seen.
//! The access token lives a day: it is refreshed before the calls, and the rotating refresh
//! token replaced by the newest one each time.

use chrono::{DateTime, Duration, Utc};

use super::{Access, MAX_CONTENT_PAGES, Step, SyncError, reached_known, sync_date, title_from};
use crate::app::App;
use crate::clients::tiktok;
use crate::db;
use crate::db::channels::{ContentRow, DayMetrics, PlatformRow};
use crate::domain::channels::Provider;

/// Refresh when the access token has less than this left.
const REFRESH_AHEAD_SECONDS: i64 = 60;

pub(super) async fn sync(
    app: &App,
    row: &PlatformRow,
) -> Result<Step<(usize, Option<DateTime<Utc>>)>, SyncError> {
    let settings = &app.settings.tiktok;
    let ahead = Duration::seconds(REFRESH_AHEAD_SECONDS);
    let mut access = alive!(Access::open(app, row, Provider::TikTok, ahead).await?);
    let today = sync_date(Utc::now());

    let user = alive!(
        access
            .call(app, row, |token| async move {
                tiktok::user_info(settings, &token).await
            })
            .await?
    );
    let mut days = 0;
    if let Some(followers) = user.followers {
        let mut tx = app.db.begin().await?;
        let metrics = DayMetrics {
            followers: Some(followers),
            ..DayMetrics::default()
        };
        db::channels::upsert_day(&mut *tx, row.id, today, &metrics, "api").await?;
        db::channels::derive_follower_changes(&mut *tx, row.id, &["api"]).await?;
        tx.commit().await?;
        days = 1;
    }

    let mut newest: Option<DateTime<Utc>> = None;
    let mut cursor: Option<i64> = None;
    for _ in 0..MAX_CONTENT_PAGES {
        let page = alive!(
            access
                .call(app, row, |token| async move {
                    tiktok::video_list(settings, &token, cursor).await
                })
                .await?
        );
        let mut known = false;
        let mut tx = app.db.begin().await?;
        for video in &page.videos {
            let content = ContentRow {
                external_id: video.id.clone(),
                title: title_from(video.title.as_deref())
                    .or_else(|| title_from(video.description.as_deref())),
                published_at: video.created_at,
                duration_seconds: video.duration_seconds,
                views: video.views,
                likes: video.likes,
                comments: video.comments,
                shares: video.shares,
            };
            db::channels::upsert_content(&mut tx, row.id, &content, today).await?;
            newest = newest.max(video.created_at);
            known |= reached_known(row, video.created_at);
        }
        tx.commit().await?;
        if !page.has_more || known || page.cursor.is_none() || page.cursor == cursor {
            break;
        }
        cursor = page.cursor;
    }
    Ok(Step::Done((days, newest)))
}
