//! The demo creator (`creatorpilot chat --demo`) and the digest benchmark's creators: two
//! platforms (YouTube and TikTok) with 120 days of plausible numbers and twenty titled videos
//! each with daily snapshots, exactly one of them per platform far ahead of the others at the
//! same age. Connections are labelled `source = demo` and named as samples,
//! so `/channels` and every reply show they are not real.

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::bot::AccountId;
use crate::db;
use crate::db::channels::{ContentRow, DayMetrics};

use super::Provider;

pub const DAYS: i64 = 120;
pub const VIDEOS_PER_PROVIDER: i64 = 20;
/// The demo creator's numbers come from this seed: the same on every machine and every load.
const SEED: u64 = 20_260_501;
/// Days of per-video snapshots kept for each video (enough to compare videos at equal age).
pub const SNAPSHOT_DAYS: i64 = 14;

/// The demo creator's YouTube videos, newest first (index 1 is the outperformer): a French
/// home-cooking channel, longer formats.
const YOUTUBE_TITLES: [&str; 20] = [
    "Pâtes à l'ail en 10 minutes",
    "Mes couteaux préférés (et pourquoi)",
    "Crêpes «maison» pour moins de 2 €",
    "Le riz parfait, sans cuiseur",
    "Une semaine de soupes d'hiver",
    "Pain du dimanche : la méthode lente",
    "Tarte aux pommes de ma grand-mère",
    "Batch cooking : 5 repas en 1 heure",
    "J'ai testé 3 poêles à moins de 30 €",
    "Le meilleur gratin dauphinois ?",
    "Bœuf bourguignon pour les pressés",
    "5 erreurs qui ratent vos omelettes",
    "Courses de la semaine : 40 € pour 2",
    "Quiche lorraine, la vraie (sans crème ?)",
    "Ratatouille au four, version été",
    "Mon levain de A à Z",
    "Blanquette de veau comme au bistrot",
    "Cuisiner les restes : 4 idées du lundi",
    "Mousse au chocolat à 3 ingrédients",
    "Ma cuisine de 6 m² : visite et astuces",
];

/// The demo creator's TikTok videos, newest first (index 1 is the outperformer): short formats.
const TIKTOK_TITLES: [&str; 20] = [
    "L'astuce pour éplucher l'ail en 5 secondes",
    "Œuf mollet parfait : 6 min 30, pas une de plus",
    "Le croque-monsieur qui croustille vraiment",
    "Vinaigrette en pot : secouez, c'est prêt",
    "Couper un oignon sans pleurer",
    "Cookies au beurre noisette en 60 secondes",
    "Pâtes one-pot : une casserole, zéro vaisselle",
    "Tester si votre huile est assez chaude",
    "Sauce tomate express du soir",
    "Le gâteau au yaourt des enfants",
    "Aiguiser un couteau avec une tasse",
    "Risotto sans remuer pendant 20 minutes ?",
    "Croissants du supermarché améliorés",
    "Purée ultra lisse : le secret du chef",
    "Madeleines avec la bosse, enfin",
    "3 sauces pour un seul poulet rôti",
    "Conserver les herbes fraîches 2 semaines",
    "Pancakes moelleux sans balance",
    "Frites au four aussi bonnes qu'à la friteuse",
    "Caramel beurre salé sans thermomètre",
];

#[derive(Debug, Clone, PartialEq)]
pub struct DemoVideo {
    pub id: String,
    pub title: String,
    pub published: NaiveDate,
    /// Views gained each day since publication.
    pub per_day: i64,
    pub duration_seconds: i64,
}

impl DemoVideo {
    /// Lifetime views at the end of `day`.
    pub fn views_on(&self, day: NaiveDate) -> i64 {
        self.per_day * ((day - self.published).num_days() + 1).max(0)
    }

    /// The days with a snapshot, ending `last`.
    pub fn snapshot_days(&self, last: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        let age = (last - self.published).num_days();
        (0..SNAPSHOT_DAYS.min(age + 1)).map(move |back| last - Duration::days(back))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoChannel {
    pub provider: Provider,
    pub days: Vec<(NaiveDate, DayMetrics)>,
    pub videos: Vec<DemoVideo>,
}

/// Two channels (YouTube and TikTok) ending `last`. `name` labels the videos (`None`: the demo
/// creator's cooking titles).
pub fn generate(rng: &mut impl Rng, last: NaiveDate, name: Option<&str>) -> Vec<DemoChannel> {
    [Provider::YouTube, Provider::TikTok]
        .into_iter()
        .map(|provider| {
            let base: i64 = rng.random_range(800..20_000);
            let mut followers: i64 = rng.random_range(5_000..200_000);
            let days = (0..DAYS)
                .rev()
                .map(|back| {
                    let day = last - Duration::days(back);
                    // A slow upward trend with weekend peaks and noise.
                    let trend = base + base * (DAYS - back) / (DAYS * 3);
                    let weekend = if day.weekday().number_from_monday() >= 6 {
                        trend / 5
                    } else {
                        0
                    };
                    let views = trend + weekend + rng.random_range(0..=trend / 4);
                    let gained = rng.random_range(views / 120..=views / 60 + 1);
                    let lost = rng.random_range(0..=gained / 4 + 1);
                    followers += gained - lost;
                    let metrics = DayMetrics {
                        views: Some(views),
                        watch_minutes: Some(views * 2 / 5),
                        likes: Some(views / 18),
                        comments: Some(views / 220),
                        shares: Some(views / 480),
                        subscribers_gained: Some(gained),
                        subscribers_lost: Some(lost),
                        followers: Some(followers),
                        ..DayMetrics::default()
                    };
                    (day, metrics)
                })
                .collect();
            let videos = (0..VIDEOS_PER_PROVIDER)
                .map(|v| {
                    // Three days apart, so each video has peers seen at its age.
                    let age = 2 + v * 3 + rng.random_range(0..2);
                    let usual = rng.random_range(base / 20..=base / 8).max(10);
                    DemoVideo {
                        id: format!("demo-{}-{v}", provider.as_str()),
                        title: match name {
                            Some(name) => format!("Video {v} of {name}"),
                            None => title(provider, v).into(),
                        },
                        published: last - Duration::days(age),
                        // The second newest video is the outperformer: ≥ 3× any other.
                        per_day: if v == 1 {
                            (base / 8).max(10) * 3
                        } else {
                            usual
                        },
                        // TikTok: shorts; YouTube: a mix of shorts and 5–15 minute videos.
                        duration_seconds: match (provider, v % 3) {
                            (Provider::TikTok, _) | (_, 0) => rng.random_range(20..60),
                            _ => rng.random_range(300..900),
                        },
                    }
                })
                .collect();
            DemoChannel {
                provider,
                days,
                videos,
            }
        })
        .collect()
}

/// The demo creator's title of video `v` (0 = newest) on `provider`.
fn title(provider: Provider, v: i64) -> &'static str {
    let titles = match provider {
        Provider::TikTok => &TIKTOK_TITLES,
        _ => &YOUTUBE_TITLES,
    };
    titles[usize::try_from(v).unwrap_or(0) % titles.len()]
}

/// Attaches the demo channels ending `last` to an account, once: false when it already has
/// them. Deterministic: the same `last` gives the same numbers and titles.
pub async fn load(
    pool: &sqlx::PgPool,
    account: AccountId,
    last: NaiveDate,
) -> anyhow::Result<bool> {
    let existing = db::channels::list(pool, account).await?;
    if existing.iter().any(|p| p.source == "demo") {
        return Ok(false);
    }
    let channels = generate(&mut StdRng::seed_from_u64(SEED), last, None);
    let mut tx = pool.begin().await?;
    for channel in &channels {
        let platform =
            db::channels::ensure(&mut *tx, account, channel.provider.as_str(), "demo").await?;
        db::channels::label_demo(&mut *tx, platform).await?;
        for (day, metrics) in &channel.days {
            db::channels::upsert_day(&mut *tx, platform, *day, metrics, "demo").await?;
        }
        for video in &channel.videos {
            let mut days: Vec<NaiveDate> = video.snapshot_days(last).collect();
            days.sort();
            for day in days {
                let row = ContentRow {
                    external_id: video.id.clone(),
                    title: Some(video.title.clone()),
                    published_at: video.published.and_hms_opt(12, 0, 0).map(|t| t.and_utc()),
                    duration_seconds: Some(video.duration_seconds),
                    views: Some(video.views_on(day)),
                    likes: Some(video.views_on(day) / 20),
                    comments: Some(video.views_on(day) / 250),
                    ..ContentRow::default()
                };
                db::channels::upsert_content(&mut tx, platform, &row, day).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_channels_of_120_days_and_twenty_titled_videos_with_one_outperformer_each() {
        let last = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let channels = generate(&mut rng, last, None);
        assert_eq!(channels.len(), 2);
        let mut titles = std::collections::HashSet::new();
        for c in &channels {
            // 120 consecutive days ending `last`, every one with views.
            assert_eq!(c.days.len(), 120);
            assert_eq!(c.days[0].0, last - Duration::days(119));
            assert_eq!(c.days.last().unwrap().0, last);
            assert!(
                c.days
                    .windows(2)
                    .all(|w| w[1].0 - w[0].0 == Duration::days(1))
            );
            assert!(c.days.iter().all(|(_, m)| m.views.unwrap() > 0));
            assert_eq!(c.videos.len(), 20);
            for v in &c.videos {
                assert!(v.published < last && v.published >= c.days[0].0);
                titles.insert(v.title.clone());
            }
            // Exactly one video far ahead: ≥ 3× every other at any age, no other ≥ 2×.
            let hit = &c.videos[1];
            assert!(
                c.videos
                    .iter()
                    .filter(|v| v.id != hit.id)
                    .all(|v| hit.per_day >= 3 * v.per_day)
            );
            let mut others: Vec<i64> = c.videos.iter().map(|v| v.per_day).collect();
            others.sort_unstable();
            let median = others[others.len() / 2];
            assert_eq!(
                c.videos.iter().filter(|v| v.per_day >= 2 * median).count(),
                1
            );
            assert_eq!(hit.views_on(hit.published), hit.per_day);
            assert_eq!(
                hit.views_on(hit.published + Duration::days(2)),
                3 * hit.per_day
            );
            assert!(hit.snapshot_days(last).count() >= 3);
        }
        assert_eq!(titles.len(), 40, "forty distinct titles");
    }

    #[test]
    fn the_same_seed_gives_the_same_demo() {
        let last = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let once = generate(&mut rand::rngs::StdRng::seed_from_u64(9), last, None);
        let again = generate(&mut rand::rngs::StdRng::seed_from_u64(9), last, None);
        assert_eq!(once, again);
    }
}
