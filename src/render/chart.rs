//! The analytics chart of `/stats` and the daily digest: views per day as one line per platform
//! (left axis), followers gained per day as bars stacked by platform (right axis), a title, a
//! legend, localized ticks. A [`Chart`] (every sentence already translated by the caller) in,
//! PNG bytes out; no I/O, no locale lookups.
//!
//! Built in steps, each its own module: [`plot`] turns the chart into positions (pure, what the
//! tests assert; `palette` holds the colours), `raster` paints them (plotters' bitmap backend for
//! rectangles, our own anti-aliased lines) and encodes the PNG, `text` lays out and draws the
//! embedded Inter font (plotters' text rendering misplaces glyphs) and keeps characters it lacks
//! out of the image.
//! A chart is 1000×560 px; a render at `scale` 2, downscaled, is the quality reference.

mod palette;
mod plot;
mod raster;
mod text;

use chrono::NaiveDate;

use crate::i18n::Locale;

pub use palette::series_color;
pub use plot::{
    Axis, Bar, DayTick, HEIGHT, INTERVALS, Key, Label, LegendEntry, Plot, Polyline, Rect, Tick,
    WIDTH, plot,
};
pub use raster::{Rgb, RgbImage, encode_png, ssim};
pub use text::{REPLACEMENT, Weight, sanitize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    pub fn parse(s: &str) -> Option<Theme> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dark" => Some(Theme::Dark),
            "light" => Some(Theme::Light),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }
}

/// Which palette entry a series uses: platforms keep their colour everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesStyle {
    YouTube,
    TikTok,
    Instagram,
    /// All platforms together: a neutral line; bars only when it is the chart's only series.
    Total,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// "YouTube", already localized.
    pub label: String,
    pub style: SeriesStyle,
    /// One per day from [`Chart::first_day`]; None = no data that day (a gap, not 0).
    pub views: Vec<Option<i64>>,
    /// Same length; may be negative (net loss).
    pub followers_gained: Vec<Option<i64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// e.g. "Vues et abonnés · 28 derniers jours", localized by the caller.
    pub title: String,
    /// Left axis caption, e.g. "Vues".
    pub views_label: String,
    /// Right axis caption, e.g. "Abonnés gagnés".
    pub followers_label: String,
    pub first_day: NaiveDate,
    /// Length of every series.
    pub days: usize,
    /// 1–4 series.
    pub series: Vec<Series>,
    pub locale: Locale,
    pub theme: Theme,
}

/// A chart that cannot be drawn: a caller's mistake, never the creator's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    #[error("a chart needs at least one day")]
    NoDays,
    #[error("a chart takes 1 to 4 series, not {0}")]
    SeriesCount(usize),
    #[error("series {label:?} has {views} views and {followers} follower values for {days} days")]
    Length {
        label: String,
        days: usize,
        views: usize,
        followers: usize,
    },
    #[error("the chart's days run past the calendar")]
    Dates,
    #[error("the embedded chart font could not be read")]
    Font,
}

/// The chart's pixels at `scale` times 1000×560 (1 for the PNG; 2 for the supersampled reference).
pub fn render_rgb(chart: &Chart, scale: u32) -> anyhow::Result<RgbImage> {
    raster::paint(&plot(chart)?, scale)
}

/// The quality reference: the chart drawn at 2× and averaged down to 1000×560.
pub fn render_reference(chart: &Chart) -> anyhow::Result<RgbImage> {
    Ok(render_rgb(chart, 2)?.downscale_2x())
}

/// The chart as a PNG (8-bit RGB, 1000×560).
pub fn render_png(chart: &Chart) -> anyhow::Result<Vec<u8>> {
    encode_png(&render_rgb(chart, 1)?)
}

#[cfg(test)]
mod tests;
