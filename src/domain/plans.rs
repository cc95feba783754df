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
    /// The Stripe price (recurring, monthly) that buys this plan on Discord and the console.
    #[serde(default)]
    pub stripe_price_id: Option<String>,
    /// What a 30-day Telegram Stars subscription to this plan costs (currency XTR).
    #[serde(default)]
    pub stars_per_month: Option<u32>,
    /// Free days before the first Stripe charge.
    #[serde(default)]
    pub trial_days: Option<u32>,
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
        let plans: Plans = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{origin} is not a valid plans file: {e}"))?;
        let problems = plans.billing_problems();
        if !problems.is_empty() {
            anyhow::bail!(
                "{origin} has {} billing problem(s):\n  - {}",
                problems.len(),
                problems.join("\n  - ")
            );
        }
        Ok(plans)
    }

    /// Every problem of the billing side, one sentence each (all reported at once).
    pub fn billing_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let free = &self.free;
        if free.stripe_price_id.is_some()
            || free.stars_per_month.is_some()
            || free.trial_days.is_some()
        {
            problems.push(
                "[free] has a price or a trial: the free plan cannot be bought; remove \
                 stripe_price_id, stars_per_month and trial_days there."
                    .to_owned(),
            );
        }
        let mut seen_prices: Vec<&str> = Vec::new();
        for plan in [PlanName::Creator, PlanName::Pro] {
            let limits = self.limits(plan);
            let name = plan.as_str();
            if let Some(price) = &limits.stripe_price_id {
                let well_formed = price.starts_with("price_")
                    && price.len() > "price_".len()
                    && price
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if !well_formed {
                    problems.push(format!(
                        "[{name}] stripe_price_id is \"{price}\": use the id of a recurring price \
                         from the Stripe dashboard (price_…)."
                    ));
                } else if seen_prices.contains(&price.as_str()) {
                    problems.push(format!(
                        "[{name}] stripe_price_id {price} is also another plan's: each plan needs \
                         its own price."
                    ));
                }
                seen_prices.push(price);
            }
            if let Some(stars) = limits.stars_per_month
                && !(1..=MAX_STARS_PER_MONTH).contains(&stars)
            {
                problems.push(format!(
                    "[{name}] stars_per_month is {stars}: Telegram takes 1 to \
                     {MAX_STARS_PER_MONTH} Stars for a subscription."
                ));
            }
            if let Some(days) = limits.trial_days {
                if !(1..=MAX_TRIAL_DAYS).contains(&days) {
                    problems.push(format!(
                        "[{name}] trial_days is {days}: use 1 to {MAX_TRIAL_DAYS} days, or leave \
                         it out for no trial."
                    ));
                } else if limits.stripe_price_id.is_none() {
                    problems.push(format!(
                        "[{name}] has trial_days but no stripe_price_id: a trial applies to the \
                         Stripe subscription."
                    ));
                }
            }
        }
        problems
    }

    /// The plan a Stripe price buys.
    pub fn by_stripe_price(&self, price: &str) -> Option<PlanName> {
        [PlanName::Creator, PlanName::Pro]
            .into_iter()
            .find(|p| self.limits(*p).stripe_price_id.as_deref() == Some(price))
    }

    /// Whether any plan has a trial (then `trial_will_end` is worth telling the creator).
    pub fn any_trial(&self) -> bool {
        [PlanName::Creator, PlanName::Pro]
            .into_iter()
            .any(|p| self.limits(p).trial_days.is_some())
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

/// Telegram's ceiling for a Stars subscription's price.
pub const MAX_STARS_PER_MONTH: u32 = 10_000;
/// Stripe's longest trial.
pub const MAX_TRIAL_DAYS: u32 = 730;

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

    /// The shipped plans without their Stars prices, plus `extra_*` lines in each paid plan.
    fn with(extra_creator: &str, extra_pro: &str) -> String {
        SHIPPED
            .lines()
            .filter(|l| !l.starts_with("stars_per_month"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .replacen("[creator]\n", &format!("[creator]\n{extra_creator}"), 1)
            .replacen("[pro]\n", &format!("[pro]\n{extra_pro}"), 1)
    }

    fn problems(text: &str) -> Vec<String> {
        toml::from_str::<Plans>(text).unwrap().billing_problems()
    }

    #[test]
    fn prices_trials_and_stars_parse_and_map_back_to_their_plan() {
        let text = with(
            "stripe_price_id = \"price_creator1\"\nstars_per_month = 250\ntrial_days = 14\n",
            "stripe_price_id = \"price_pro1\"\n",
        );
        let plans: Plans = toml::from_str(&text).unwrap();
        assert!(plans.billing_problems().is_empty());
        assert_eq!(plans.by_stripe_price("price_pro1"), Some(PlanName::Pro));
        assert_eq!(plans.by_stripe_price("price_other"), None);
        assert_eq!(plans.creator.trial_days, Some(14));
        assert!(plans.any_trial());
    }

    #[test]
    fn bad_billing_settings_are_all_reported_at_once() {
        let found = problems(&with(
            "stripe_price_id = \"prod_x\"\nstars_per_month = 0\n",
            "stars_per_month = 20000\ntrial_days = 7\n",
        ));
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].contains("price_"), "{found:#?}");
        let found = problems(&with(
            "stripe_price_id = \"price_same\"\n",
            "stripe_price_id = \"price_same\"\n",
        ));
        assert_eq!(found.len(), 1, "{found:#?}");
        let found = problems(&SHIPPED.replacen("[free]\n", "[free]\nstars_per_month = 5\n", 1));
        assert_eq!(found.len(), 1, "{found:#?}");
    }

    #[test]
    fn months_are_calendar_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(month_of(d(2026, 12, 31)), (d(2026, 12, 1), d(2026, 12, 31)));
        assert_eq!(month_of(d(2028, 2, 10)), (d(2028, 2, 1), d(2028, 2, 29)));
    }
}
