//! The chart as data: where every bar, line point, grid line and label goes, in logical pixels
//! (the PNG's pixels; a 2× render multiplies them). Pure: a [`Chart`] in, a [`Plot`] out, so
//! tests assert what a creator will see without decoding pixels.
//!
//! Layout, top to bottom: title; legend (one colour per platform); the axis captions, each after
//! a key showing its mark (a line for views on the left, a bar for followers on the right); the
//! plot area; day labels. Bars of several platforms are stacked (gains up from zero, losses down
//! from zero, in series order): one bar per day whose height is the day's net total, readable
//! even at 90 days, where side-by-side bars would be a pixel wide.

mod scale;

use chrono::{Days, NaiveDate};

use super::palette::{Palette, bar_color, palette, series_color};
use super::raster::Rgb;
use super::text::{self, Weight};
use super::{Chart, ChartError, SeriesStyle};
use crate::format;
use scale::Steps;

pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 560;
/// Steps between the bottom and the top of the plot area (6 grid lines).
pub const INTERVALS: i64 = 5;

const PAD: f32 = 28.0;
const TITLE_SIZE: f32 = 30.0;
const LEGEND_SIZE: f32 = 22.0;
const LABEL_SIZE: f32 = 20.0;
const LINE_WIDTH: f32 = 4.0;
/// A band of background colour around each line, so lines stay clear over bars and each other.
const HALO_WIDTH: f32 = 2.0;
/// Inter's cap height is 0.727 em: a label centred on a grid line has its baseline this far below.
const CAP_CENTRE: f32 = 0.364;
/// Day labels: one every k days, k the first of these that leaves room between labels.
const DAY_STEPS: [usize; 9] = [1, 2, 7, 14, 28, 56, 91, 182, 364];

/// A rectangle of whole logical pixels, `x1` and `y1` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

/// One piece of text: `x` is where its pen starts, `baseline` a whole pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    pub weight: Weight,
    pub color: Rgb,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: i64,
    /// The grid line's row.
    pub y: i32,
    /// None where the axis has nothing to say (negative views when no day has any).
    pub label: Option<Label>,
}

/// The mark drawn before an axis caption: what that axis measures looks like this.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    Line([(f32, f32); 2]),
    Bar(Rect),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub caption: Label,
    /// The value of one grid step.
    pub step: i64,
    pub min: i64,
    pub max: i64,
    pub ticks: Vec<Tick>,
    pub key: Key,
    pub key_color: Rgb,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DayTick {
    pub index: usize,
    pub day: NaiveDate,
    pub mark: Rect,
    pub label: Label,
}

/// One series' views: runs of consecutive days with data (a day without data ends a run).
#[derive(Debug, Clone, PartialEq)]
pub struct Polyline {
    pub style: SeriesStyle,
    pub color: Rgb,
    pub runs: Vec<Vec<(f32, f32)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub series: usize,
    pub day: usize,
    pub value: i64,
    pub color: Rgb,
    pub rect: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub style: SeriesStyle,
    pub color: Rgb,
    pub swatch: Rect,
    pub label: Label,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub width: u32,
    pub height: u32,
    pub background: Rgb,
    pub grid_color: Rgb,
    pub axis_color: Rgb,
    pub title: Label,
    pub legend: Vec<LegendEntry>,
    /// The plot area; days are slots of equal width across it.
    pub area: Rect,
    /// The horizontal grid lines, one per tick (the zero line is drawn over its own).
    pub grid: Vec<Rect>,
    pub zero_y: i32,
    pub zero_line: Rect,
    pub views: Axis,
    pub followers: Axis,
    pub day_ticks: Vec<DayTick>,
    pub bars: Vec<Bar>,
    pub lines: Vec<Polyline>,
    pub line_width: f32,
    pub halo_width: f32,
}

fn label(text: String, x: f32, baseline: f32, size: f32, weight: Weight, color: Rgb) -> Label {
    Label {
        text,
        x,
        baseline: baseline.round(),
        size,
        weight,
        color,
    }
}

/// A label at [`LABEL_SIZE`] in the muted colour.
fn small(text: String, x: f32, baseline: f32, colors: &Palette) -> Label {
    label(text, x, baseline, LABEL_SIZE, Weight::Regular, colors.muted)
}

fn small_width(text: &str) -> f32 {
    text::measure(Weight::Regular, LABEL_SIZE, text)
}

impl Chart {
    fn check(&self) -> Result<(), ChartError> {
        if self.days == 0 {
            return Err(ChartError::NoDays);
        }
        if self.series.is_empty() || self.series.len() > 4 {
            return Err(ChartError::SeriesCount(self.series.len()));
        }
        for series in &self.series {
            if series.views.len() != self.days || series.followers_gained.len() != self.days {
                return Err(ChartError::Length {
                    label: series.label.clone(),
                    days: self.days,
                    views: series.views.len(),
                    followers: series.followers_gained.len(),
                });
            }
        }
        self.first_day
            .checked_add_days(Days::new(self.days as u64))
            .ok_or(ChartError::Dates)?;
        text::check_fonts()
    }

    fn day(&self, index: usize) -> NaiveDate {
        self.first_day + Days::new(index as u64)
    }
}

/// The plot area and how values map onto it.
struct Frame {
    area: Rect,
    steps: Steps,
    /// Pixels per grid step (a whole number, so every grid line sits on a pixel row).
    step_px: i32,
    /// Width of one day's slot.
    slot: f32,
}

impl Frame {
    /// The row of grid line `i` (0 = bottom).
    fn row(&self, i: i64) -> i32 {
        self.area.y1 - self.step_px * i as i32
    }

    fn zero_y(&self) -> i32 {
        self.row(self.steps.below)
    }

    fn y(&self, value: i64, step: i64) -> f64 {
        f64::from(self.zero_y()) - value as f64 / step as f64 * f64::from(self.step_px)
    }

    fn centre(&self, day: usize) -> f32 {
        self.area.x0 as f32 + (day as f32 + 0.5) * self.slot
    }
}

/// The title, cut to the width, and one legend entry per series.
fn header(chart: &Chart, colors: &Palette) -> (Label, Vec<LegendEntry>) {
    let full = WIDTH as f32 - 2.0 * PAD;
    let title = text::fit(
        Weight::SemiBold,
        TITLE_SIZE,
        &text::sanitize(&chart.title),
        full,
    );
    let title = label(title, PAD, 52.0, TITLE_SIZE, Weight::SemiBold, colors.text);
    let room = full / chart.series.len() as f32 - 52.0;
    let mut x = PAD;
    let mut legend = Vec::new();
    for series in &chart.series {
        let name = text::sanitize(&series.label);
        let name = text::fit(Weight::Regular, LEGEND_SIZE, &name, room);
        let name_width = text::measure(Weight::Regular, LEGEND_SIZE, &name);
        let left = x.round() as i32;
        legend.push(LegendEntry {
            style: series.style,
            color: series_color(series.style, chart.theme),
            swatch: Rect {
                x0: left,
                y0: 77,
                x1: left + 16,
                y1: 93,
            },
            label: label(
                name,
                x + 24.0,
                93.0,
                LEGEND_SIZE,
                Weight::Regular,
                colors.text,
            ),
        });
        x += 24.0 + name_width + 28.0;
    }
    (title, legend)
}

/// Both axes (ticks, captions, keys), the grid lines and the frame they define.
fn axes(chart: &Chart, steps: Steps, views_min: i64, colors: &Palette) -> (Axis, Axis, Frame) {
    let locale = chart.locale;
    // Negative views are only labelled when some day has them.
    let views_texts: Vec<Option<String>> = (0..=INTERVALS)
        .map(|i| steps.value(steps.views, i))
        .map(|v| (v >= 0 || views_min < 0).then(|| format::compact(v, locale)))
        .collect();
    let followers_texts: Vec<String> = (0..=INTERVALS)
        .map(|i| format::compact(steps.value(steps.followers, i), locale))
        .collect();
    let widest = |texts: Vec<&String>| {
        texts
            .into_iter()
            .map(|t| small_width(t))
            .fold(0.0, f32::max)
    };
    let left = widest(views_texts.iter().flatten().collect());
    let right = widest(followers_texts.iter().collect());

    let (top, bottom) = (152, HEIGHT as i32 - 46);
    let step_px = (bottom - top) / INTERVALS as i32;
    let area = Rect {
        x0: (PAD + left + 12.0).round() as i32,
        y0: bottom - step_px * INTERVALS as i32,
        x1: (WIDTH as f32 - PAD - right - 12.0).round() as i32,
        y1: bottom,
    };
    let frame = Frame {
        area,
        steps,
        step_px,
        slot: (area.x1 - area.x0) as f32 / chart.days as f32,
    };

    let baseline = |i: i64| frame.row(i) as f32 + LABEL_SIZE * CAP_CENTRE;
    let ticks = |texts: Vec<Option<String>>, step: i64, x: &dyn Fn(&str) -> f32| -> Vec<Tick> {
        let rows = texts.into_iter().zip(0..);
        rows.map(|(t, i)| Tick {
            value: steps.value(step, i),
            y: frame.row(i),
            label: t.map(|t| {
                let x = x(&t);
                small(t, x, baseline(i), colors)
            }),
        })
        .collect()
    };
    let views_ticks = ticks(views_texts, steps.views, &|t| {
        area.x0 as f32 - 12.0 - small_width(t)
    });
    let followers_texts = followers_texts.into_iter().map(Some).collect();
    let followers_ticks = ticks(followers_texts, steps.followers, &|_| area.x1 as f32 + 12.0);

    // Captions above each column of tick labels, each after its key.
    let room = (WIDTH as f32 - 2.0 * PAD) / 2.0 - 40.0;
    let caption = |text: &str| text::fit(Weight::Regular, LABEL_SIZE, &text::sanitize(text), room);
    let caption_baseline = 130.0;
    let followers_caption = caption(&chart.followers_label);
    let followers_x = WIDTH as f32 - PAD - small_width(&followers_caption);
    let views = Axis {
        caption: small(
            caption(&chart.views_label),
            PAD + 28.0,
            caption_baseline,
            colors,
        ),
        step: steps.views,
        min: steps.value(steps.views, 0),
        max: steps.value(steps.views, INTERVALS),
        ticks: views_ticks,
        key: Key::Line([(PAD + 1.5, 123.0), (PAD + 20.0, 123.0)]),
        key_color: colors.muted,
    };
    let followers = Axis {
        caption: small(followers_caption, followers_x, caption_baseline, colors),
        step: steps.followers,
        min: steps.value(steps.followers, 0),
        max: steps.value(steps.followers, INTERVALS),
        ticks: followers_ticks,
        key: Key::Bar(Rect {
            x0: (followers_x - 22.0).round() as i32,
            y0: 116,
            x1: (followers_x - 10.0).round() as i32,
            y1: 131,
        }),
        key_color: colors
            .muted
            .over(colors.background, colors.bar_opacity + 0.2),
    };
    (views, followers, frame)
}

/// Day labels every k days, counted back from the last day (always labelled).
fn day_ticks(chart: &Chart, frame: &Frame, colors: &Palette) -> Vec<DayTick> {
    let text_of = |index: usize| format::short_date(chart.day(index), chart.locale);
    let widest = (0..chart.days)
        .map(|d| small_width(&text_of(d)))
        .fold(0.0_f32, f32::max);
    let every = DAY_STEPS
        .into_iter()
        .find(|&k| k as f32 * frame.slot >= widest + 16.0)
        .unwrap_or(chart.days);
    let width = WIDTH as f32;
    let mut ticks: Vec<DayTick> = (0..chart.days)
        .rev()
        .step_by(every)
        .map(|index| {
            let t = text_of(index);
            let w = small_width(&t);
            let centre = frame.centre(index);
            let x = (centre - w / 2.0).clamp(PAD / 2.0, width - PAD / 2.0 - w);
            let mark_x = centre.floor() as i32;
            DayTick {
                index,
                day: chart.day(index),
                mark: Rect {
                    x0: mark_x,
                    y0: frame.area.y1,
                    x1: mark_x + 1,
                    y1: frame.area.y1 + 6,
                },
                label: small(t, x, frame.area.y1 as f32 + 28.0, colors),
            }
        })
        .collect();
    ticks.reverse();
    ticks
}

/// Follower bars, stacked from the zero line: gains upwards, losses downwards, in series order.
fn bars(chart: &Chart, bar_series: &[usize], frame: &Frame) -> Vec<Bar> {
    let width = (frame.slot * 0.62).round().max(1.0) as i32;
    let y = |v: i64| frame.y(v, frame.steps.followers).round() as i32;
    let mut bars = Vec::new();
    for day in 0..chart.days {
        let x0 = (frame.centre(day) - width as f32 / 2.0).round() as i32;
        let (mut up, mut down) = (0_i64, 0_i64);
        for &series in bar_series {
            let Some(value) = chart.series[series].followers_gained[day] else {
                continue;
            };
            let end = if value >= 0 { &mut up } else { &mut down };
            let from = *end;
            *end = end.saturating_add(value);
            let (ya, yb) = (y(from), y(*end));
            if ya != yb {
                bars.push(Bar {
                    series,
                    day,
                    value,
                    color: bar_color(chart.series[series].style, chart.theme),
                    rect: Rect {
                        x0,
                        y0: ya.min(yb),
                        x1: x0 + width,
                        y1: ya.max(yb),
                    },
                });
            }
        }
    }
    bars
}

/// Views lines: one run per stretch of days with data (a day without data ends a run).
fn lines(chart: &Chart, frame: &Frame) -> Vec<Polyline> {
    chart
        .series
        .iter()
        .map(|series| {
            let mut runs: Vec<Vec<(f32, f32)>> = Vec::new();
            let mut current = Vec::new();
            for (day, value) in series.views.iter().enumerate() {
                match value {
                    Some(v) => {
                        current.push((frame.centre(day), frame.y(*v, frame.steps.views) as f32));
                    }
                    None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
                    None => {}
                }
            }
            if !current.is_empty() {
                runs.push(current);
            }
            Polyline {
                style: series.style,
                color: series_color(series.style, chart.theme),
                runs,
            }
        })
        .collect()
}

/// What `chart` draws. Fails on inconsistent input (see [`ChartError`]).
pub fn plot(chart: &Chart) -> Result<Plot, ChartError> {
    chart.check()?;
    let colors = palette(chart.theme);
    let (title, legend) = header(chart, &colors);
    let bar_series = scale::bar_series(chart);
    let (views_range, followers_range) = scale::ranges(chart, &bar_series);
    let steps = scale::shared_grid(views_range, followers_range);
    let (views, followers, frame) = axes(chart, steps, views_range.0, &colors);
    let area = frame.area;
    let zero_y = frame.zero_y();
    let line = |y: i32| Rect {
        x0: area.x0,
        y0: y,
        x1: area.x1,
        y1: y + 1,
    };
    Ok(Plot {
        width: WIDTH,
        height: HEIGHT,
        background: colors.background,
        grid_color: colors.grid,
        axis_color: colors.axis,
        title,
        legend,
        area,
        grid: (0..=INTERVALS).map(|i| line(frame.row(i))).collect(),
        zero_y,
        zero_line: line(zero_y),
        day_ticks: day_ticks(chart, &frame, &colors),
        bars: bars(chart, &bar_series, &frame),
        lines: lines(chart, &frame),
        views,
        followers,
        line_width: LINE_WIDTH,
        halo_width: HALO_WIDTH,
    })
}
