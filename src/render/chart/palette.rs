//! The chart's colours per theme. A platform keeps its colour on every chart (a little darker on
//! white); bars are the platform's colour laid over the background, lighter than its line.

use super::raster::Rgb;
use super::{SeriesStyle, Theme};

pub struct Palette {
    pub background: Rgb,
    pub grid: Rgb,
    pub axis: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    /// How much of a platform's colour its bars keep over the background.
    pub bar_opacity: f32,
}

pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Dark => Palette {
            background: Rgb(22, 24, 29),
            grid: Rgb(46, 50, 59),
            axis: Rgb(120, 127, 140),
            text: Rgb(236, 238, 242),
            muted: Rgb(165, 171, 183),
            bar_opacity: 0.42,
        },
        Theme::Light => Palette {
            background: Rgb(255, 255, 255),
            grid: Rgb(229, 231, 235),
            axis: Rgb(140, 147, 160),
            text: Rgb(17, 24, 39),
            muted: Rgb(82, 90, 104),
            bar_opacity: 0.34,
        },
    }
}

/// A series' line (and legend) colour.
pub fn series_color(style: SeriesStyle, theme: Theme) -> Rgb {
    match (style, theme) {
        (SeriesStyle::YouTube, Theme::Dark) => Rgb(255, 82, 82),
        (SeriesStyle::YouTube, Theme::Light) => Rgb(220, 30, 45),
        (SeriesStyle::TikTok, Theme::Dark) => Rgb(45, 212, 207),
        (SeriesStyle::TikTok, Theme::Light) => Rgb(10, 150, 146),
        (SeriesStyle::Instagram, Theme::Dark) => Rgb(196, 140, 255),
        (SeriesStyle::Instagram, Theme::Light) => Rgb(140, 50, 225),
        (SeriesStyle::Total, Theme::Dark) => Rgb(226, 229, 235),
        (SeriesStyle::Total, Theme::Light) => Rgb(55, 65, 81),
    }
}

/// A series' bar colour: its line colour over the background.
pub fn bar_color(style: SeriesStyle, theme: Theme) -> Rgb {
    let colors = palette(theme);
    series_color(style, theme).over(colors.background, colors.bar_opacity)
}
