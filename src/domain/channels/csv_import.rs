//! CSV import: a date column and metric columns, in English, French, or as YouTube Studio and
//! TikTok Studio name them (the README's table is the contract). The whole file is checked
//! before anything is written, and written in one transaction: a bad row rejects the import with
//! its line number and the reason. Studio ZIP exports go through `archive`.

pub mod archive;

use chrono::NaiveDate;

use crate::bot::AccountId;
use crate::db;
use crate::db::channels::DayMetrics;
use crate::domain::channels::Provider;

/// What a recognised column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Date,
    Platform,
    Views,
    WatchMinutes,
    /// YouTube Studio exports watch time in hours (decimals).
    WatchHours,
    Likes,
    Comments,
    Shares,
    Saved,
    Reach,
    Followers,
    Gained,
    Lost,
}

/// Accepted header names, compared lower-cased and trimmed. Keep in step with the README table.
const NAMES: &[(&str, Column)] = &[
    ("date", Column::Date),
    ("day", Column::Date),
    ("jour", Column::Date),
    ("platform", Column::Platform),
    ("plateforme", Column::Platform),
    ("views", Column::Views),
    ("vues", Column::Views),
    ("video views", Column::Views),
    ("vues de vidéos", Column::Views),
    ("watch_minutes", Column::WatchMinutes),
    ("watch minutes", Column::WatchMinutes),
    ("minutes regardées", Column::WatchMinutes),
    ("watch time (minutes)", Column::WatchMinutes),
    ("watch time (hours)", Column::WatchHours),
    ("durée de visionnage (heures)", Column::WatchHours),
    ("likes", Column::Likes),
    ("j'aime", Column::Likes),
    ("comments", Column::Comments),
    ("commentaires", Column::Comments),
    ("shares", Column::Shares),
    ("partages", Column::Shares),
    ("saved", Column::Saved),
    ("saves", Column::Saved),
    ("enregistrements", Column::Saved),
    ("reach", Column::Reach),
    ("couverture", Column::Reach),
    ("followers", Column::Followers),
    ("abonnés", Column::Followers),
    ("total followers", Column::Followers),
    ("subscribers gained", Column::Gained),
    ("abonnés gagnés", Column::Gained),
    ("subscribers lost", Column::Lost),
    ("abonnés perdus", Column::Lost),
];

/// Why a file was refused, with what the creator needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("empty or unreadable file")]
    Empty,
    #[error("no date column")]
    NoDateColumn,
    #[error("no metric column")]
    NoMetricColumn,
    #[error("line {line}: bad date {value}")]
    BadDate { line: u64, value: String },
    #[error("line {line}: date in the future")]
    FutureDate { line: u64, value: String },
    #[error("line {line}: bad number in {column}")]
    BadNumber {
        line: u64,
        column: String,
        value: String,
    },
    #[error("line {line}: date repeated")]
    Repeated { line: u64, value: String },
    #[error("line {line}: unknown platform")]
    UnknownPlatform { line: u64, value: String },
    #[error("line {line}: unreadable")]
    Unreadable { line: u64 },
    #[error("no platform")]
    NoPlatform,
    #[error("{file}: {error}")]
    InFile { file: String, error: Box<CsvError> },
    #[error("no daily table in the zip")]
    NoDailyTable,
    #[error("encrypted zip")]
    ZipEncrypted,
    #[error("zip over the size or entry limit")]
    ZipTooBig,
    #[error("unreadable zip")]
    BadZip,
}

/// One parsed file: days per provider.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<(Provider, NaiveDate, DayMetrics)>,
}

impl Parsed {
    /// Adds another file's days: a day already here keeps its numbers and takes the other's
    /// only where it has none.
    pub fn absorb(&mut self, other: Parsed) {
        for (provider, day, m) in other.rows {
            match self
                .rows
                .iter_mut()
                .find(|(p, d, _)| *p == provider && *d == day)
            {
                Some((_, _, mine)) => {
                    mine.views = mine.views.or(m.views);
                    mine.watch_minutes = mine.watch_minutes.or(m.watch_minutes);
                    mine.likes = mine.likes.or(m.likes);
                    mine.comments = mine.comments.or(m.comments);
                    mine.shares = mine.shares.or(m.shares);
                    mine.saved = mine.saved.or(m.saved);
                    mine.reach = mine.reach.or(m.reach);
                    mine.subscribers_gained = mine.subscribers_gained.or(m.subscribers_gained);
                    mine.subscribers_lost = mine.subscribers_lost.or(m.subscribers_lost);
                    mine.followers = mine.followers.or(m.followers);
                }
                None => self.rows.push((provider, day, m)),
            }
        }
    }
}

/// A sent file: a ZIP (by its first bytes or its name) or a CSV.
pub fn parse_upload(
    name: &str,
    bytes: &[u8],
    default: Option<Provider>,
    today: NaiveDate,
) -> Result<Parsed, CsvError> {
    if archive::is_zip(bytes) || name.to_lowercase().ends_with(".zip") {
        archive::parse_zip(name, bytes, default, today)
    } else {
        parse(bytes, default.or_else(|| provider_from_name(name)), today)
    }
}

fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%b %d, %Y", "%B %d, %Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// Whole numbers with optional thousands separators (spaces, narrow spaces, commas).
fn parse_count(text: &str) -> Option<i64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | ','))
        .collect();
    cleaned.parse::<i64>().ok().filter(|n| *n >= 0)
}

fn parse_hours(text: &str) -> Option<i64> {
    let cleaned = text.trim().replace(',', ".");
    let hours: f64 = cleaned.parse().ok()?;
    // Minutes are whole; analytics are counts, not money, so rounding here is fine.
    (hours.is_finite() && hours >= 0.0).then(|| (hours * 60.0).round() as i64)
}

/// Parses and validates the whole file. `default` is the provider when the file has no
/// platform column; `today` bounds the dates.
pub fn parse(
    bytes: &[u8],
    default: Option<Provider>,
    today: NaiveDate,
) -> Result<Parsed, CsvError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| CsvError::Empty)?.clone();
    let columns: Vec<Option<Column>> = headers
        .iter()
        .map(|h| {
            let name = h.trim().to_lowercase();
            NAMES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
        })
        .collect();
    if !columns.contains(&Some(Column::Date)) {
        return Err(CsvError::NoDateColumn);
    }
    let has_platform = columns.contains(&Some(Column::Platform));
    if !columns
        .iter()
        .any(|c| c.is_some_and(|c| !matches!(c, Column::Date | Column::Platform)))
    {
        return Err(CsvError::NoMetricColumn);
    }
    if !has_platform && default.is_none() {
        return Err(CsvError::NoPlatform);
    }
    let mut parsed = Parsed::default();
    for (index, record) in reader.records().enumerate() {
        let line = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(2);
        let record = record.map_err(|_| CsvError::Unreadable { line })?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut day = None;
        let mut provider = default;
        let mut m = DayMetrics::default();
        let mut skip = false;
        for (field, column) in record.iter().zip(&columns) {
            let Some(column) = column else { continue };
            let value = field.trim();
            let header = headers
                .get(
                    columns
                        .iter()
                        .position(|c| c == &Some(*column))
                        .unwrap_or(0),
                )
                .unwrap_or("")
                .trim()
                .to_owned();
            match column {
                Column::Date => {
                    // YouTube Studio puts a "Total" row first.
                    if value.eq_ignore_ascii_case("total") {
                        skip = true;
                        continue;
                    }
                    let d = parse_date(value).ok_or_else(|| CsvError::BadDate {
                        line,
                        value: value.to_owned(),
                    })?;
                    if d > today {
                        return Err(CsvError::FutureDate {
                            line,
                            value: value.to_owned(),
                        });
                    }
                    day = Some(d);
                }
                Column::Platform => {
                    provider =
                        Some(
                            Provider::parse(value).ok_or_else(|| CsvError::UnknownPlatform {
                                line,
                                value: value.to_owned(),
                            })?,
                        );
                }
                _ if value.is_empty() => {}
                Column::WatchHours => {
                    m.watch_minutes = Some(parse_hours(value).ok_or(CsvError::BadNumber {
                        line,
                        column: header,
                        value: value.to_owned(),
                    })?);
                }
                other => {
                    let n = parse_count(value).ok_or(CsvError::BadNumber {
                        line,
                        column: header,
                        value: value.to_owned(),
                    })?;
                    let slot = match other {
                        Column::Views => &mut m.views,
                        Column::WatchMinutes => &mut m.watch_minutes,
                        Column::Likes => &mut m.likes,
                        Column::Comments => &mut m.comments,
                        Column::Shares => &mut m.shares,
                        Column::Saved => &mut m.saved,
                        Column::Reach => &mut m.reach,
                        Column::Followers => &mut m.followers,
                        Column::Gained => &mut m.subscribers_gained,
                        _ => &mut m.subscribers_lost,
                    };
                    *slot = Some(n);
                }
            }
        }
        if skip {
            continue;
        }
        let (Some(day), Some(provider)) = (day, provider) else {
            return Err(CsvError::BadDate {
                line,
                value: String::new(),
            });
        };
        if parsed
            .rows
            .iter()
            .any(|(p, d, _)| *p == provider && *d == day)
        {
            return Err(CsvError::Repeated {
                line,
                value: day.to_string(),
            });
        }
        parsed.rows.push((provider, day, m));
    }
    if parsed.rows.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(parsed)
}

/// File names the Studios give their exports' daily tables (best effort: README).
const STUDIO_NAMES: &[(&str, Provider)] = &[
    ("table data", Provider::YouTube),
    ("chart data", Provider::YouTube),
    ("totals", Provider::YouTube),
    ("overview", Provider::TikTok),
    ("followerhistory", Provider::TikTok),
    ("follower history", Provider::TikTok),
];

/// The provider a file name mentions (`youtube-march.csv`), else the one whose Studio names its
/// exports so (`Table data.csv`: YouTube; `Overview.csv`: TikTok).
pub fn provider_from_name(name: &str) -> Option<Provider> {
    provider_mentioned(name).or_else(|| studio_provider(name))
}

/// The provider a file name names (`youtube-march.csv`).
pub fn provider_mentioned(name: &str) -> Option<Provider> {
    let lower = name.to_lowercase();
    Provider::ALL
        .into_iter()
        .find(|p| lower.contains(p.as_str()))
}

/// The provider whose Studio names its exports' files so.
pub fn studio_provider(name: &str) -> Option<Provider> {
    let lower = name.to_lowercase();
    STUDIO_NAMES
        .iter()
        .find(|(n, _)| lower.contains(n))
        .map(|(_, p)| *p)
}

/// Writes a parsed file in one transaction. Returns (days, providers).
pub async fn store(
    pool: &sqlx::PgPool,
    account: AccountId,
    parsed: &Parsed,
) -> anyhow::Result<(usize, Vec<Provider>)> {
    let mut tx = pool.begin().await?;
    let mut providers: Vec<Provider> = Vec::new();
    for (provider, day, m) in &parsed.rows {
        let platform = db::channels::ensure(&mut *tx, account, provider.as_str(), "manual").await?;
        db::channels::upsert_day(&mut *tx, platform, *day, m, "csv").await?;
        if !providers.contains(provider) {
            providers.push(*provider);
        }
    }
    for provider in &providers {
        let platform = db::channels::ensure(&mut *tx, account, provider.as_str(), "manual").await?;
        db::channels::derive_follower_changes(&mut *tx, platform, &["manual", "csv"]).await?;
    }
    tx.commit().await?;
    Ok((parsed.rows.len(), providers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
    }

    #[test]
    fn english_and_french_columns_parse() {
        let en = "date,views,likes,followers\n2026-03-01,100,5,1000\n2026-03-02,120,,1010\n";
        let p = parse(en.as_bytes(), Some(Provider::TikTok), today()).unwrap();
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[1].2.likes, None, "an empty cell is unknown, not 0");
        let fr = "jour;vues;j'aime;abonnés\n2026-03-01;1 200;5;1000\n";
        let p = parse(fr.as_bytes(), Some(Provider::YouTube), today()).unwrap();
        assert_eq!(p.rows[0].2.views, Some(1200));
    }

    #[test]
    fn youtube_studio_totals_and_hours() {
        let studio = "\u{feff}Date,Views,Watch time (hours),Subscribers gained,Subscribers lost\n\
                      Total,300,5.5,3,1\n\
                      \"Mar 1, 2026\",100,1.5,1,0\n";
        let p = parse(studio.as_bytes(), Some(Provider::YouTube), today()).unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].2.watch_minutes, Some(90));
        assert_eq!(p.rows[0].2.subscribers_gained, Some(1));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let bad = "date,views\n2026-03-01,100\n2026-03-02,-4\n";
        assert!(matches!(
            parse(bad.as_bytes(), Some(Provider::TikTok), today()),
            Err(CsvError::BadNumber { line: 3, .. })
        ));
        let future = "date,views\n2027-01-01,1\n";
        assert!(matches!(
            parse(future.as_bytes(), Some(Provider::TikTok), today()),
            Err(CsvError::FutureDate { line: 2, .. })
        ));
        assert_eq!(
            parse(b"views\n1\n", Some(Provider::TikTok), today()).unwrap_err(),
            CsvError::NoDateColumn
        );
        assert_eq!(
            parse(b"date,foo\n2026-01-01,1\n", Some(Provider::TikTok), today()).unwrap_err(),
            CsvError::NoMetricColumn
        );
        assert_eq!(
            parse(b"date,views\n2026-01-01,1\n", None, today()).unwrap_err(),
            CsvError::NoPlatform
        );
    }
}
