//! The `/stats` report: totals of a period against the previous one of the same length, the
//! split per provider, best and worst content published in the period, and its chart.

use crate::bot::AccountId;
use crate::db;
use crate::db::stats::{ContentStat, DailyRow};
use crate::domain::channels::Provider;
use crate::format;
use crate::i18n::{I18n, Locale, Msg, msg};
use crate::render::chart::{Chart, Theme};

use super::{Period, Totals};

#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    pub provider: Option<Provider>,
    pub current: Totals,
    pub previous: Totals,
    /// The current period's rows, per provider then day.
    pub rows: Vec<DailyRow>,
    /// The previous period's rows.
    pub before: Vec<DailyRow>,
    pub best: Option<ContentStat>,
    pub worst: Option<ContentStat>,
}

impl Report {
    pub async fn load(
        db: &sqlx::PgPool,
        account: AccountId,
        period: Period,
        provider: Option<Provider>,
    ) -> sqlx::Result<Report> {
        let previous = period.previous();
        let filter = provider.map(Provider::as_str);
        let all = db::stats::daily(db, account, filter, previous.first, period.last).await?;
        let (rows, before): (Vec<DailyRow>, Vec<DailyRow>) =
            all.into_iter().partition(|r| r.day >= period.first);
        let content =
            db::stats::published_between(db, account, filter, period.first, period.last).await?;
        let ranked: Vec<&ContentStat> = content.iter().filter(|c| c.views.is_some()).collect();
        let (best, worst) = match ranked.as_slice() {
            [] | [_] => (ranked.first().map(|c| (*c).clone()), None),
            [first, .., last] => (Some((*first).clone()), Some((*last).clone())),
        };
        Ok(Report {
            period,
            provider,
            current: Totals::of(&rows),
            previous: Totals::of(&before),
            rows,
            before,
            best,
            worst,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.current.is_empty() && self.best.is_none()
    }

    fn providers(&self) -> Vec<Provider> {
        Provider::ALL
            .into_iter()
            .filter(|p| self.rows.iter().any(|r| r.provider == p.as_str()))
            .collect()
    }

    /// The report's paragraphs, in the creator's language.
    pub fn text(&self, i18n: &I18n, locale: Locale) -> Vec<String> {
        let tr = |m: &Msg| i18n.render(locale, m);
        let num = |v: i64| format::number(v, locale);
        let days = self.period.days();
        let providers = self.providers();
        let names = match (self.provider, providers.as_slice()) {
            (Some(p), _) => p.label().to_owned(),
            (None, []) => i18n.tr(locale, "stats-all-platforms"),
            (None, list) => list
                .iter()
                .map(|p| p.label())
                .collect::<Vec<_>>()
                .join(" + "),
        };
        let heading = tr(&msg("stats-heading")
            .arg("platforms", names)
            .arg("from", format::short_date(self.period.first, locale))
            .arg("to", format::short_date(self.period.last, locale))
            .arg("days", days));

        let metric = |label: String, now: Option<i64>, before: Option<i64>, shown: String| match now
            .zip(before)
            .and_then(|(n, b)| format::change(n, b, locale))
        {
            Some(change) => tr(&msg("stats-metric-change")
                .arg("label", label)
                .arg("value", shown)
                .arg("change", change)
                .arg("days", days)),
            None => tr(&msg("stats-metric").arg("label", label).arg("value", shown)),
        };
        let (c, p) = (&self.current, &self.previous);
        let mut lines = Vec::new();
        if let Some(v) = c.views {
            lines.push(metric(
                i18n.tr(locale, "stats-label-views"),
                Some(v),
                p.views,
                num(v),
            ));
        }
        if let Some(v) = c.watch_minutes {
            let shown = format::minutes(v, locale);
            lines.push(metric(
                i18n.tr(locale, "stats-label-watch"),
                Some(v),
                p.watch_minutes,
                shown,
            ));
        }
        if let Some(net) = c.net_followers() {
            lines.push(tr(&msg("stats-followers")
                .arg("gained", num(c.gained.unwrap_or(0)))
                .arg("lost", num(c.lost.unwrap_or(0)))
                .arg("net", format::signed(net, locale))));
        }
        for (label, now, before) in [
            ("stats-label-likes", c.likes, p.likes),
            ("stats-label-comments", c.comments, p.comments),
            ("stats-label-shares", c.shares, p.shares),
        ] {
            if let Some(v) = now {
                lines.push(metric(i18n.tr(locale, label), Some(v), before, num(v)));
            }
        }
        if let Some(rate) = c.engagement() {
            let value = format::percent(rate, locale);
            lines.push(match p.engagement() {
                Some(before) => tr(&msg("stats-engagement-was")
                    .arg("value", value)
                    .arg("previous", format::percent(before, locale))),
                None => tr(&msg("stats-engagement").arg("value", value)),
            });
        }
        let mut blocks = vec![heading, lines.join("\n")];
        if self.provider.is_none() && providers.len() > 1 {
            let split: Vec<String> = providers
                .iter()
                .map(|provider| {
                    let of = |rows: &[DailyRow]| {
                        Totals::of(rows.iter().filter(|r| r.provider == provider.as_str())).views
                    };
                    let (now, before) = (of(&self.rows), of(&self.before));
                    let m = msg("stats-provider-views")
                        .arg("platform", provider.label())
                        .arg("views", now.map_or_else(|| "—".to_owned(), num));
                    match now
                        .zip(before)
                        .and_then(|(n, b)| format::change(n, b, locale))
                    {
                        Some(change) => tr(&m.arg("change", change)),
                        None => tr(&m.arg("change", "—")),
                    }
                })
                .collect();
            blocks.push(split.join("\n"));
        }
        let mut content = Vec::new();
        for (key, item) in [("stats-best", &self.best), ("stats-worst", &self.worst)] {
            if let Some(item) = item {
                content.push(tr(&content_msg(key, item, locale)));
            }
        }
        if !content.is_empty() {
            blocks.push(content.join("\n"));
        }
        blocks
    }

    pub fn chart(&self, i18n: &I18n, locale: Locale, theme: Theme) -> Chart {
        let title = i18n.render(
            locale,
            &msg("stats-chart-title")
                .arg("from", format::short_date(self.period.first, locale))
                .arg("to", format::short_date(self.period.last, locale)),
        );
        super::chart(
            i18n,
            locale,
            theme,
            title,
            self.period.first,
            usize::try_from(self.period.days()).unwrap_or(0),
            &self.rows,
        )
    }
}

/// `«Title» on YouTube: 12,000 views`.
pub fn content_msg(key: &str, item: &ContentStat, locale: Locale) -> Msg {
    let platform = Provider::parse(&item.provider).map_or("", Provider::label);
    msg(key)
        .arg("title", item.title.clone().unwrap_or_default())
        .arg("platform", platform)
        .arg("views", format::number(item.views.unwrap_or(0), locale))
}
