use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A wave with a trend, deterministic.
fn wave(days: usize, base: f64, amplitude: f64, phase: f64) -> Vec<Option<i64>> {
    (0..days)
        .map(|d| {
            let t = d as f64;
            Some(
                (base * (1.0 + t / days as f64 * 0.6) + amplitude * (t * 0.7 + phase).sin()) as i64,
            )
        })
        .collect()
}

fn sample(locale: Locale, theme: Theme, days: usize) -> Chart {
    let mut youtube_views = wave(days, 12_000.0, 3_500.0, 0.0);
    youtube_views[days / 2] = None;
    let mut tiktok_followers = wave(days, 40.0, 90.0, 1.0);
    tiktok_followers[3] = Some(-120);
    let fr = locale == Locale::Fr;
    Chart {
        title: if fr {
            "Vues et abonnés · 28 derniers jours"
        } else {
            "Views and followers · last 28 days"
        }
        .into(),
        views_label: if fr { "Vues" } else { "Views" }.into(),
        followers_label: if fr {
            "Abonnés gagnés"
        } else {
            "Followers gained"
        }
        .into(),
        first_day: day(2026, 10, 20),
        days,
        series: vec![
            Series {
                label: "YouTube".into(),
                style: SeriesStyle::YouTube,
                views: youtube_views,
                followers_gained: wave(days, 60.0, 30.0, 2.0),
            },
            Series {
                label: "TikTok".into(),
                style: SeriesStyle::TikTok,
                views: wave(days, 25_000.0, 9_000.0, 1.5),
                followers_gained: tiktok_followers,
            },
            Series {
                label: "Instagram".into(),
                style: SeriesStyle::Instagram,
                views: wave(days, 4_000.0, 1_000.0, 3.0),
                followers_gained: wave(days, 15.0, 10.0, 0.5),
            },
        ],
        locale,
        theme,
    }
}

fn series(style: SeriesStyle, views: Vec<Option<i64>>, followers: Vec<Option<i64>>) -> Series {
    Series {
        label: format!("{style:?}"),
        style,
        views,
        followers_gained: followers,
    }
}

fn one_series(views: Vec<Option<i64>>, followers: Vec<Option<i64>>) -> Chart {
    Chart {
        title: "Views".into(),
        views_label: "Views".into(),
        followers_label: "Followers gained".into(),
        first_day: day(2026, 11, 1),
        days: views.len(),
        series: vec![series(SeriesStyle::YouTube, views, followers)],
        locale: Locale::En,
        theme: Theme::Dark,
    }
}

fn luma(p: Rgb) -> f64 {
    0.299 * f64::from(p.0) + 0.587 * f64::from(p.1) + 0.114 * f64::from(p.2)
}

#[test]
fn the_png_is_rgb_at_the_chart_size_and_follows_the_theme() {
    assert_eq!(Theme::default(), Theme::Dark);
    for (theme, dark) in [(Theme::Dark, true), (Theme::Light, false)] {
        let png_bytes = render_png(&sample(Locale::Fr, theme, 28)).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        assert_eq!(frame.bit_depth, png::BitDepth::Eight);
        let corner = Rgb(pixels[0], pixels[1], pixels[2]);
        assert_eq!(luma(corner) < 50.0, dark, "{theme:?} background {corner:?}");
    }
}

#[test]
fn themes_parse_from_their_names() {
    for theme in [Theme::Dark, Theme::Light] {
        assert_eq!(Theme::parse(theme.as_str()), Some(theme));
    }
    assert_eq!(Theme::parse(" Light "), Some(Theme::Light));
    assert_eq!(Theme::parse("sepia"), None);
}

#[test]
fn ticks_and_days_are_written_the_locales_way() {
    let fr = plot(&sample(Locale::Fr, Theme::Dark, 28)).unwrap();
    let labels = |axis: &Axis| -> Vec<String> {
        axis.ticks
            .iter()
            .filter_map(|t| t.label.as_ref().map(|l| l.text.clone()))
            .collect()
    };
    assert_eq!(
        labels(&fr.views),
        ["0", "20\u{a0}k", "40\u{a0}k", "60\u{a0}k"]
    );
    assert_eq!(
        labels(&fr.followers),
        ["-200", "-100", "0", "100", "200", "300"]
    );
    let days: Vec<&str> = fr.day_ticks.iter().map(|t| t.label.text.as_str()).collect();
    assert_eq!(
        days,
        ["26\u{a0}oct.", "2\u{a0}nov.", "9\u{a0}nov.", "16\u{a0}nov."]
    );
    assert_eq!(
        fr.day_ticks.last().unwrap().index,
        27,
        "the last day is always labelled"
    );

    let en = plot(&sample(Locale::En, Theme::Dark, 28)).unwrap();
    assert_eq!(labels(&en.views), ["0", "20k", "40k", "60k"]);
    assert_eq!(en.day_ticks.last().unwrap().label.text, "Nov 16");
    assert_eq!(en.title.text, "Views and followers · last 28 days");
}

#[test]
fn a_day_without_data_breaks_the_line_instead_of_dropping_to_zero() {
    let mut views: Vec<Option<i64>> = (0..10).map(|d| Some(1_000 + d * 10)).collect();
    views[4] = None;
    let p = plot(&one_series(views, vec![Some(5); 10])).unwrap();
    let runs = &p.lines[0].runs;
    assert_eq!(runs.iter().map(Vec::len).collect::<Vec<_>>(), [4, 5]);
    let lowest = runs
        .iter()
        .flatten()
        .map(|&(_, y)| y)
        .fold(0.0_f32, f32::max);
    assert!(
        lowest < p.zero_y as f32 - 50.0,
        "no point falls to the zero line"
    );
}

#[test]
fn a_lone_day_between_gaps_is_drawn_as_a_dot() {
    let chart = one_series(vec![None, None, Some(900), None, None], vec![None; 5]);
    let p = plot(&chart).unwrap();
    assert_eq!(p.lines[0].runs, [vec![p.lines[0].runs[0][0]]]);
    let (x, y) = p.lines[0].runs[0][0];
    let image = render_rgb(&chart, 1).unwrap();
    let centre = image.pixel(x as u32, y as u32).unwrap();
    assert_eq!(centre, series_color(SeriesStyle::YouTube, Theme::Dark));
}

#[test]
fn follower_losses_hang_below_the_zero_line_and_gains_stack_above_it() {
    let mut chart = sample(Locale::En, Theme::Dark, 7);
    chart.series.truncate(2);
    chart.series[0].followers_gained = vec![
        Some(30),
        Some(10),
        Some(-40),
        None,
        Some(0),
        Some(5),
        Some(5),
    ];
    chart.series[1].followers_gained = vec![
        Some(20),
        Some(-15),
        Some(-20),
        Some(8),
        None,
        Some(5),
        Some(5),
    ];
    let p = plot(&chart).unwrap();
    let bars_of = |day: usize| -> Vec<&Bar> { p.bars.iter().filter(|b| b.day == day).collect() };

    // Day 0: +30 then +20 stacked upwards, touching.
    let day0 = bars_of(0);
    assert_eq!(day0.len(), 2);
    assert_eq!(day0[0].rect.y1, p.zero_y);
    assert_eq!(day0[1].rect.y1, day0[0].rect.y0);
    // Day 2: two losses stacked downwards from zero.
    let day2 = bars_of(2);
    assert!(day2.iter().all(|b| b.rect.y0 >= p.zero_y && b.value < 0));
    assert_eq!(day2[0].rect.y0, p.zero_y);
    assert_eq!(day2[1].rect.y0, day2[0].rect.y1);
    // Day 1: the gain above, the loss below, side by side on the same day.
    let day1 = bars_of(1);
    assert!(day1[0].rect.y1 == p.zero_y && day1[1].rect.y0 == p.zero_y);
    // A zero or missing value draws nothing.
    assert!(bars_of(3).len() == 1 && bars_of(4).is_empty());
    // The axis reaches below zero, views say nothing there.
    assert!(p.followers.min <= -60);
    let below: Vec<&Tick> = p.views.ticks.iter().filter(|t| t.y > p.zero_y).collect();
    assert!(!below.is_empty() && below.iter().all(|t| t.label.is_none()));
    // The stack's height is the day's net gain at the axis scale.
    let px_per_follower =
        (p.followers.ticks[0].y - p.followers.ticks[1].y) as f64 / p.followers.step as f64;
    let height = (day0[0].rect.y1 - day0[1].rect.y0) as f64;
    assert!((height - 50.0 * px_per_follower).abs() <= 1.0);
}

#[test]
fn each_platform_has_its_own_legend_entry_and_colour() {
    let mut chart = sample(Locale::Fr, Theme::Light, 28);
    chart.series.truncate(2);
    let p = plot(&chart).unwrap();
    assert_eq!(p.legend.len(), 2);
    assert_eq!(p.legend[0].label.text, "YouTube");
    assert_eq!(p.legend[1].label.text, "TikTok");
    assert_ne!(p.legend[0].color, p.legend[1].color);
    assert!(
        p.legend[0].swatch.x1 < p.legend[1].swatch.x0,
        "entries do not overlap"
    );
    assert_eq!(
        p.lines[1].color, p.legend[1].color,
        "a line has its legend's colour"
    );
    let bar_colours: std::collections::HashSet<Rgb> = p.bars.iter().map(|b| b.color).collect();
    assert_eq!(bar_colours.len(), 2);
}

#[test]
fn a_total_series_has_bars_only_when_it_is_alone() {
    let days = 5;
    let total = series(
        SeriesStyle::Total,
        vec![Some(100); days],
        vec![Some(10); days],
    );
    let youtube = series(
        SeriesStyle::YouTube,
        vec![Some(60); days],
        vec![Some(6); days],
    );
    let mut chart = one_series(vec![Some(1); days], vec![Some(1); days]);
    chart.series = vec![total.clone(), youtube];
    let p = plot(&chart).unwrap();
    assert!(
        p.bars.iter().all(|b| b.series == 1),
        "no follower is counted twice"
    );
    assert_eq!(p.lines.len(), 2);
    chart.series = vec![total];
    assert_eq!(plot(&chart).unwrap().bars.len(), days);
}

#[test]
fn inconsistent_charts_are_refused() {
    let mut chart = sample(Locale::En, Theme::Dark, 28);
    chart.series[1].followers_gained.pop();
    assert!(matches!(
        plot(&chart),
        Err(ChartError::Length {
            views: 28,
            followers: 27,
            ..
        })
    ));
    chart.series.clear();
    assert_eq!(plot(&chart).unwrap_err(), ChartError::SeriesCount(0));
    chart.days = 0;
    assert_eq!(plot(&chart).unwrap_err(), ChartError::NoDays);
    assert!(render_png(&chart).is_err());
}

#[test]
fn french_typography_is_drawable_and_kept() {
    let text = "Abonnés gagnés · « été » 12\u{202f}345\u{a0}€ — ÇA DÉCOLLE";
    assert_eq!(sanitize(text), text);
}

#[test]
fn emoji_and_cjk_are_never_drawn_as_empty_boxes() {
    assert_eq!(sanitize("📈 Stats de 猫チャンネル ✨"), "Stats de …");
    assert_eq!(sanitize("👩🏽‍💻 Léa\u{200b}\tCodes 🇫🇷"), "Léa Codes");
    assert_eq!(sanitize("Vues 中文😀한국어 semaine"), "Vues … semaine");
    assert_eq!(sanitize("🔥🔥🔥"), "");

    let mut chart = sample(Locale::Fr, Theme::Dark, 28);
    chart.title = "🚀 Ma chaîne 猫チャンネル · 28 derniers jours".into();
    chart.series[0].label = "YouTube 🎬".into();
    let p = plot(&chart).unwrap();
    assert_eq!(p.title.text, "Ma chaîne … · 28 derniers jours");
    assert_eq!(p.legend[0].label.text, "YouTube");
    assert!(render_png(&chart).is_ok());
}

#[test]
fn a_long_title_is_cut_with_an_ellipsis_inside_the_image() {
    let mut chart = sample(Locale::En, Theme::Dark, 28);
    chart.title = "Views and followers of a channel with a remarkably long name ".repeat(3);
    let p = plot(&chart).unwrap();
    assert!(p.title.text.ends_with('…'));
    let width = text::measure(Weight::SemiBold, p.title.size, &p.title.text);
    assert!(p.title.x + width <= WIDTH as f32 - p.title.x);
}

#[test]
fn kerning_from_the_font_is_applied() {
    let apart =
        text::measure(Weight::Regular, 100.0, "A") + text::measure(Weight::Regular, 100.0, "V");
    assert!(text::measure(Weight::Regular, 100.0, "AV") < apart - 2.0);
}

#[test]
fn the_fast_render_is_close_to_the_supersampled_reference() {
    let chart = sample(Locale::Fr, Theme::Dark, 28);
    let fast = render_rgb(&chart, 1).unwrap();
    assert_eq!(ssim(&fast, &fast), 1.0);
    let reference = render_reference(&chart).unwrap();
    assert_eq!((reference.width, reference.height), (WIDTH, HEIGHT));
    let score = ssim(&fast, &reference);
    assert!(score >= 0.95, "SSIM {score}");
    let light = render_rgb(
        &Chart {
            theme: Theme::Light,
            ..chart
        },
        1,
    )
    .unwrap();
    let other = ssim(&fast, &light);
    assert!(other < 0.5, "SSIM against the other theme {other}");
}

/// The number a `format::compact` label stands for: `1.2k` → 1200, `3,4 M` → 3 400 000.
fn read_compact(label: &str) -> i64 {
    let text: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    let text = text.replace(',', ".");
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_alphabetic()) {
        Some((i, _)) => (&text[..i], &text[i..]),
        None => (text.as_str(), ""),
    };
    let unit = match unit {
        "" => 1.0,
        "k" => 1e3,
        "M" => 1e6,
        "B" | "Md" => 1e9,
        other => panic!("unit {other:?}"),
    };
    (number.parse::<f64>().unwrap() * unit).round() as i64
}

proptest! {
    #[test]
    fn the_grid_covers_every_value_with_distinct_labels(
        views in prop::collection::vec(prop::option::of(0_i64..5_000_000_000), 1..95),
        gains in prop::collection::vec(prop::option::of(-50_000_i64..200_000), 95),
        locale in prop::sample::select(vec![Locale::En, Locale::Fr]),
    ) {
        let days = views.len();
        let mut chart = one_series(views.clone(), gains[..days].to_vec());
        chart.locale = locale;
        let p = plot(&chart).unwrap();
        let max_views = views.iter().flatten().copied().max().unwrap_or(0);
        prop_assert!(p.views.max >= max_views && p.views.min <= 0);
        for gain in gains[..days].iter().flatten() {
            prop_assert!(p.followers.min <= *gain && *gain <= p.followers.max);
        }
        prop_assert!(p.views.ticks.iter().any(|t| t.value == 0 && t.y == p.zero_y));
        for tick in p.views.ticks.iter().chain(&p.followers.ticks) {
            if let Some(label) = &tick.label {
                prop_assert_eq!(read_compact(&label.text), tick.value, "{:?}", label.text);
            }
        }
        for axis in [&p.views, &p.followers] {
            let labels: Vec<&str> = axis.ticks.iter().filter_map(|t| t.label.as_ref()).map(|l| l.text.as_str()).collect();
            let distinct: std::collections::HashSet<&&str> = labels.iter().collect();
            prop_assert_eq!(distinct.len(), labels.len(), "{:?}", labels);
        }
        for bar in &p.bars {
            prop_assert!(bar.rect.y0 >= p.area.y0 && bar.rect.y1 <= p.area.y1);
            prop_assert!(bar.rect.x0 >= p.area.x0 && bar.rect.x1 <= p.area.x1);
        }
        for &(x, y) in p.lines.iter().flat_map(|l| l.runs.iter().flatten()) {
            prop_assert!(y >= p.area.y0 as f32 - 0.5 && y <= p.zero_y as f32 + 0.5);
            prop_assert!(x > p.area.x0 as f32 && x < p.area.x1 as f32);
        }
    }
}
