//! Plans (free, creator, pro), their limits, and the one way to spend a limited feature.
//!
//! `reserve` checks and counts in one statement, so concurrent requests never exceed a limit;
//! `release` gives a unit back when the work it paid for failed. Months are UTC calendar months.
//! Things an account holds at once (digest destinations, connections) are checked by `room_for` under a lock
//! on the account row, inside the transaction that adds one.

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::bot::AccountId;
use crate::db;
use crate::i18n::{I18n, Locale, Msg, msg};

static SHIPPED: &str = include_str!("../../plans.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanName {
    #[default]
    Free,
    Creator,
    Pro,
}

impl PlanName {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanName::Free => "free",
            PlanName::Creator => "creator",
            PlanName::Pro => "pro",
        }
    }

    pub fn parse(text: &str) -> Option<PlanName> {
        [PlanName::Free, PlanName::Creator, PlanName::Pro]
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    /// The next plan up, for "upgrade to get more" sentences.
    pub fn next(self) -> Option<PlanName> {
        match self {
            PlanName::Free => Some(PlanName::Creator),
            PlanName::Creator => Some(PlanName::Pro),
            PlanName::Pro => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub connected_platforms: i64,
    pub ideas_per_month: i64,
    pub invoices_per_month: i64,
    pub digest_destinations: i64,
    pub ai_summary: bool,
    pub history_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plans {
    pub free: Limits,
    pub creator: Limits,
    pub pro: Limits,
}

/// A feature counted per month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    Ideas,
    Invoices,
}

impl Feature {
    pub const ALL: [Feature; 2] = [Feature::Ideas, Feature::Invoices];

    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Ideas => "ideas_generated",
            Feature::Invoices => "invoices_created",
        }
    }

    pub fn limit(self, limits: &Limits) -> i64 {
        match self {
            Feature::Ideas => limits.ideas_per_month,
            Feature::Invoices => limits.invoices_per_month,
        }
    }
}

impl Plans {
    /// The shipped plans, or `PLANS_FILE` when set.
    pub fn load(path: Option<&std::path::Path>) -> anyhow::Result<Plans> {
        let (text, origin) = match path {
            Some(p) => (
                std::fs::read_to_string(p).map_err(|e| {
                    anyhow::anyhow!("PLANS_FILE {} cannot be read: {e}", p.display())
                })?,
                p.display().to_string(),
            ),
            None => (SHIPPED.to_owned(), "plans.toml".to_owned()),
        };
        toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{origin} is not a valid plans file: {e}"))
    }

    /// The plan above `plan` and its value of a limit, for "the next plan gives…" sentences.
    pub fn next_limit(
        &self,
        plan: PlanName,
        limit: impl Fn(&Limits) -> i64,
    ) -> Option<(PlanName, i64)> {
        plan.next().map(|next| (next, limit(self.limits(next))))
    }

    pub fn limits(&self, plan: PlanName) -> &Limits {
        match plan {
            PlanName::Free => &self.free,
            PlanName::Creator => &self.creator,
            PlanName::Pro => &self.pro,
        }
    }
}

/// The UTC calendar month containing `day`: (first day, last day).
pub fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let last = next.and_then(|n| n.pred_opt()).unwrap_or(first);
    (first, last)
}

pub fn current_month() -> (NaiveDate, NaiveDate) {
    month_of(Utc::now().date_naive())
}

/// What a limited action got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Counted; `used` of `limit` this month.
    Granted { used: i64, limit: i64 },
    /// At the limit: nothing was counted.
    AtLimit { limit: i64 },
}

/// Checks the account's plan limit and counts one use, atomically.
pub async fn reserve(
    db_pool: &PgPool,
    plans: &Plans,
    account: AccountId,
    feature: Feature,
) -> sqlx::Result<Reservation> {
    let plan = plan_of(db_pool, account).await?;
    let limit = feature.limit(plans.limits(plan));
    let counted =
        db::usage::reserve(db_pool, account, feature.as_str(), current_month(), limit).await?;
    Ok(match counted {
        Some(used) => Reservation::Granted { used, limit },
        None => Reservation::AtLimit { limit },
    })
}

/// Gives back the unit `reserve` counted this month.
pub async fn release(db_pool: &PgPool, account: AccountId, feature: Feature) -> sqlx::Result<()> {
    db::usage::release(db_pool, account, feature.as_str(), current_month().0).await
}

/// Something an account holds a limited number of at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    DigestDestinations,
    /// Provider connections made through OAuth (manual and demo sources are not counted).
    ConnectedPlatforms,
}

impl Holding {
    pub fn limit(self, limits: &Limits) -> i64 {
        match self {
            Holding::DigestDestinations => limits.digest_destinations,
            Holding::ConnectedPlatforms => limits.connected_platforms,
        }
    }
}

/// A plan limit that is reached: the plan, its limit, and the next plan up with its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full {
    pub plan: PlanName,
    pub limit: i64,
    pub next: Option<(PlanName, i64)>,
}

impl Full {
    /// The refusal `key`, localized, with its arguments `plan`, `limit`, `next` (the next plan's
    /// name) and `more` (its limit; 0 when there is no plan above).
    pub fn refusal(&self, i18n: &I18n, locale: Locale, key: &str) -> Msg {
        let name = |p: PlanName| i18n.tr(locale, &format!("plan-name-{}", p.as_str()));
        let (next, more) = self
            .next
            .map_or((String::new(), 0), |(p, more)| (name(p), more));
        msg(key)
            .arg("plan", name(self.plan))
            .arg("limit", self.limit)
            .arg("next", next)
            .arg("more", more)
    }
}

/// Whether one more of a holding fits the account's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    Fits,
    Full(Full),
}

/// Locks the account row (concurrent requests of one account queue here until the caller's
/// transaction ends) and says whether one more `holding` fits besides those already held.
/// The caller adds the new one in the same transaction.
pub async fn room_for(
    tx: &mut sqlx::PgConnection,
    plans: &Plans,
    account: AccountId,
    holding: Holding,
) -> sqlx::Result<Room> {
    let plan = db::accounts::lock_plan(&mut *tx, account)
        .await?
        .as_deref()
        .and_then(PlanName::parse)
        .unwrap_or_default();
    let held = match holding {
        Holding::DigestDestinations => db::digests::count_active(&mut *tx, account).await?,
        Holding::ConnectedPlatforms => db::channels::count_connected(&mut *tx, account).await?,
    };
    let limit = holding.limit(plans.limits(plan));
    Ok(if held < limit {
        Room::Fits
    } else {
        Room::Full(Full {
            plan,
            limit,
            next: plans.next_limit(plan, |l| holding.limit(l)),
        })
    })
}

/// Whether the account's plan includes AI summaries in digests.
pub async fn has_ai_summary(
    db_pool: &PgPool,
    plans: &Plans,
    account: AccountId,
) -> sqlx::Result<bool> {
    Ok(plans.limits(plan_of(db_pool, account).await?).ai_summary)
}

pub async fn plan_of(db_pool: &PgPool, account: AccountId) -> sqlx::Result<PlanName> {
    let row = db::accounts::get(db_pool, account).await?;
    Ok(row
        .and_then(|r| PlanName::parse(&r.plan))
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_plans_parse_and_grow() {
        let plans = Plans::load(None).unwrap();
        assert!(plans.free.ideas_per_month < plans.creator.ideas_per_month);
        assert!(plans.creator.ideas_per_month < plans.pro.ideas_per_month);
    }

    #[test]
    fn months_are_calendar_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(month_of(d(2026, 12, 31)), (d(2026, 12, 1), d(2026, 12, 31)));
        assert_eq!(month_of(d(2028, 2, 10)), (d(2028, 2, 1), d(2028, 2, 29)));
    }
}
