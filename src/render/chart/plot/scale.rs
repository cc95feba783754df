//! Values to grid steps. Both axes share one grid of [`INTERVALS`] steps, with the same number of
//! steps below zero on both, so 0 views and 0 followers sit on one line and follower losses hang
//! below it. Each axis' step is "nice" (1 to 5 × 10ⁿ); the split below/above zero is the one that
//! wastes the least height over both axes.

use super::INTERVALS;
use crate::render::chart::{Chart, SeriesStyle};

/// The shared grid: one step per axis, and how many of the [`INTERVALS`] lie below zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps {
    pub views: i64,
    pub followers: i64,
    pub below: i64,
}

impl Steps {
    /// The value of grid line `i` (0 = bottom) on an axis of step `step`.
    pub fn value(self, step: i64, i: i64) -> i64 {
        step.saturating_mul(i - self.below)
    }
}

/// The smallest of 1, 2, 3, 4, 5 × 10ⁿ that is at least `raw` (and at least 1). With at most
/// [`INTERVALS`] steps, every tick stays exact in `format::compact` (no `12.5k` shown as `13k`).
pub fn nice_step(raw: f64) -> i64 {
    let mut step: i64 = 1;
    loop {
        for factor in [1, 2, 3, 4, 5] {
            let candidate = step.saturating_mul(factor);
            if candidate as f64 >= raw || candidate == i64::MAX {
                return candidate;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// The grid for views within `views` (min, max) and stacked followers within `followers`.
pub fn shared_grid(views: (i64, i64), followers: (i64, i64)) -> Steps {
    let needs_negative = views.0 < 0 || followers.0 < 0;
    let step_for = |(min, max): (i64, i64), below: i64| -> i64 {
        let up = max as f64 / (INTERVALS - below) as f64;
        let down = if below > 0 {
            -(min as f64) / below as f64
        } else {
            0.0
        };
        nice_step(up.max(down))
    };
    let span = |(min, max): (i64, i64)| (max as f64 - min as f64).max(1.0);
    let fallback = Steps {
        views: 1,
        followers: 1,
        below: 0,
    };
    (i64::from(needs_negative)..INTERVALS)
        .map(|below| {
            let steps = Steps {
                views: step_for(views, below),
                followers: step_for(followers, below),
                below,
            };
            let waste = (steps.views * INTERVALS) as f64 / span(views)
                + (steps.followers * INTERVALS) as f64 / span(followers);
            (waste, steps)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(fallback, |(_, steps)| steps)
}

/// Which series have bars: the platforms, stacked; a Total series only when it is alone
/// (beside platforms its bar would count every follower twice).
pub fn bar_series(chart: &Chart) -> Vec<usize> {
    let platforms: Vec<usize> = (0..chart.series.len())
        .filter(|&i| chart.series[i].style != SeriesStyle::Total)
        .collect();
    if platforms.is_empty() {
        (0..chart.series.len()).collect()
    } else {
        platforms
    }
}

/// The (min, max) of the views, and of the stacked bars (each day's losses, each day's gains),
/// both including 0.
pub fn ranges(chart: &Chart, bar_series: &[usize]) -> ((i64, i64), (i64, i64)) {
    let views = chart
        .series
        .iter()
        .flat_map(|s| s.views.iter().flatten())
        .fold((0_i64, 0_i64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let followers = (0..chart.days)
        .map(|day| {
            bar_series
                .iter()
                .filter_map(|&i| chart.series[i].followers_gained[day])
                .fold((0_i64, 0_i64), |(down, up), v| {
                    if v >= 0 {
                        (down, up.saturating_add(v))
                    } else {
                        (down.saturating_add(v), up)
                    }
                })
        })
        .fold((0_i64, 0_i64), |(lo, hi), (down, up)| {
            (lo.min(down), hi.max(up))
        });
    (views, followers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_one_to_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.0), 1);
        assert_eq!(nice_step(2.5), 3);
        assert_eq!(nice_step(16_300.0), 20_000);
        assert_eq!(nice_step(5_001.0), 10_000);
        assert_eq!(nice_step(1e30), i64::MAX);
    }

    #[test]
    fn negative_followers_put_grid_lines_below_zero_on_both_axes() {
        let steps = shared_grid((0, 49_000), (-120, 290));
        assert_eq!(
            steps,
            Steps {
                views: 20_000,
                followers: 100,
                below: 2
            }
        );
        assert_eq!(steps.value(steps.followers, 0), -200);
        assert_eq!(steps.value(steps.views, 5), 60_000);
        assert_eq!(shared_grid((0, 900), (0, 40)).below, 0);
    }
}
