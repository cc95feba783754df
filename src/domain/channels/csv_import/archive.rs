//! ZIP exports (YouTube Studio, TikTok Studio), best effort: the CSVs holding a daily table (a
//! date column and known metric columns, one row per day) are imported together; the others
//! (per-video tables, totals without dates, anything not CSV) are ignored. Encrypted archives
//! are refused, and so are bombs: the entry count and the bytes actually unpacked are capped,
//! whatever sizes the archive declares.

use std::io::{Cursor, Read};

use chrono::NaiveDate;

use super::{CsvError, Parsed, parse, provider_mentioned, studio_provider};
use crate::domain::channels::Provider;

/// At most this many entries (Studio exports hold a handful).
pub const MAX_ENTRIES: usize = 100;
/// At most this many bytes unpacked, all CSVs together.
pub const MAX_UNPACKED: u64 = 20 * 1024 * 1024;

/// A table with one of these columns has one row per video, not per day.
const PER_CONTENT: &[&str] = &[
    "content",
    "contenu",
    "video",
    "vidéo",
    "video title",
    "titre de la vidéo",
    "video link",
    "post",
];

/// Whether `bytes` are a ZIP archive (local file header, or the end record of an empty one).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Parses every daily table of the archive `name` into one `Parsed`. A day found in two files
/// keeps the first file's numbers (in archive order) and takes the others' only where it has
/// none. A bad row in any of them rejects the whole archive with the file's name.
pub fn parse_zip(
    name: &str,
    bytes: &[u8],
    default: Option<Provider>,
    today: NaiveDate,
) -> Result<Parsed, CsvError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| CsvError::BadZip)?;
    if archive.len() > MAX_ENTRIES {
        return Err(CsvError::ZipTooBig);
    }
    let mut candidates = Vec::new();
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(|_| CsvError::BadZip)?;
        if entry.encrypted() {
            return Err(CsvError::ZipEncrypted);
        }
        let Ok(path) = entry.name() else { continue };
        let path = path.into_owned();
        let file = path.rsplit('/').next().unwrap_or_default().to_owned();
        // macOS adds `__MACOSX/._name` resource forks beside each file.
        let ignored = !entry.is_file()
            || path.starts_with("__MACOSX/")
            || file.starts_with("._")
            || !file.to_lowercase().ends_with(".csv");
        if !ignored {
            candidates.push((index, path, file));
        }
    }
    let mut unpacked: u64 = 0;
    let mut merged = Parsed::default();
    let mut no_platform = false;
    for (index, path, file) in candidates {
        let mut entry = archive.by_index(index).map_err(|_| CsvError::BadZip)?;
        // The declared size may lie: read at most one byte past what is left.
        let left = MAX_UNPACKED.saturating_sub(unpacked);
        if entry.size() > left {
            return Err(CsvError::ZipTooBig);
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(left + 1)
            .read_to_end(&mut data)
            .map_err(|_| CsvError::BadZip)?;
        unpacked += u64::try_from(data.len()).unwrap_or(u64::MAX);
        if unpacked > MAX_UNPACKED {
            return Err(CsvError::ZipTooBig);
        }
        if per_content(&data) {
            continue;
        }
        // The creator's word, else a provider named in the file's or the archive's name, else
        // the Studio that names its files so.
        let provider = default
            .or_else(|| provider_mentioned(&file))
            .or_else(|| provider_mentioned(name))
            .or_else(|| studio_provider(&file));
        match parse(&data, provider, today) {
            Ok(parsed) => merged.absorb(parsed),
            // Not a daily table: some other part of the export.
            Err(CsvError::Empty | CsvError::NoDateColumn | CsvError::NoMetricColumn) => {}
            Err(CsvError::NoPlatform) => no_platform = true,
            Err(error) => {
                return Err(CsvError::InFile {
                    file: path,
                    error: Box::new(error),
                });
            }
        }
    }
    if merged.rows.is_empty() {
        return Err(if no_platform {
            CsvError::NoPlatform
        } else {
            CsvError::NoDailyTable
        });
    }
    if no_platform {
        return Err(CsvError::NoPlatform);
    }
    Ok(merged)
}

/// Whether the CSV's header names a per-video column.
fn per_content(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = super::delimiter(first);
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(first.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .is_some_and(|header| {
            header
                .iter()
                .any(|h| PER_CONTENT.contains(&h.trim().to_lowercase().as_str()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
    }

    /// A ZIP of (name, content), deflated.
    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in files {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(body.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_youtube_studio_export_keeps_its_daily_tables_only() {
        // Labelled sample shaped like YouTube Studio's advanced-mode export.
        let bytes = zip_of(&[
            (
                "Chart data.csv",
                "Date,Content,Video title,Views\n2026-03-01,abc,Crêpes,40\n2026-03-01,def,Pain,60\n",
            ),
            (
                "Table data.csv",
                "Date,Views,Watch time (hours),Subscribers gained,Subscribers lost\n\
                 Total,300,5,3,1\n2026-03-01,100,1.5,2,1\n2026-03-02,200,3.5,1,0\n",
            ),
            ("Totals.csv", "Views,Watch time (hours)\n300,5\n"),
            ("__MACOSX/._Table data.csv", "binary junk"),
            ("README.txt", "not a table"),
        ]);
        let p = parse_zip("Studio export.zip", &bytes, None, today()).unwrap();
        assert_eq!(p.rows.len(), 2);
        assert!(
            p.rows
                .iter()
                .all(|(provider, _, _)| *provider == Provider::YouTube)
        );
        assert_eq!(p.rows[0].2.views, Some(100));
        assert_eq!(p.rows[1].2.watch_minutes, Some(210));
    }

    #[test]
    fn two_files_of_the_same_days_merge_first_file_first() {
        let bytes = zip_of(&[
            ("Overview.csv", "Date,Video Views,Likes\n2026-03-01,10,2\n"),
            (
                "FollowerHistory.csv",
                "Date,Followers,Likes\n2026-03-01,500,9\n2026-03-02,510,\n",
            ),
        ]);
        let p = parse_zip("tiktok.zip", &bytes, None, today()).unwrap();
        assert_eq!(p.rows.len(), 2);
        let first = &p.rows[0].2;
        assert_eq!(
            (first.views, first.likes, first.followers),
            (Some(10), Some(2), Some(500))
        );
        assert_eq!(p.rows[1].2.followers, Some(510));
    }

    #[test]
    fn refusals_say_why() {
        let bad_row = zip_of(&[
            ("Totals.csv", "Views\n3\n"),
            (
                "Table data.csv",
                "Date,Views\n2026-03-01,1\n2026-03-02,lots\n",
            ),
        ]);
        assert_eq!(
            parse_zip("youtube.zip", &bad_row, None, today()).unwrap_err(),
            CsvError::InFile {
                file: "Table data.csv".into(),
                error: Box::new(CsvError::BadNumber {
                    line: 3,
                    column: "Views".into(),
                    value: "lots".into(),
                }),
            }
        );
        let none = zip_of(&[("notes.txt", "hello"), ("Totals.csv", "Views\n3\n")]);
        assert_eq!(
            parse_zip("youtube.zip", &none, None, today()).unwrap_err(),
            CsvError::NoDailyTable
        );
        let unnamed = zip_of(&[("numbers.csv", "date,views\n2026-03-01,1\n")]);
        assert_eq!(
            parse_zip("export.zip", &unnamed, None, today()).unwrap_err(),
            CsvError::NoPlatform
        );
        assert!(parse_zip("export.zip", &unnamed, Some(Provider::TikTok), today()).is_ok());
        assert_eq!(
            parse_zip("x.zip", b"PK\x03\x04 truncated", None, today()).unwrap_err(),
            CsvError::BadZip
        );
    }

    #[test]
    fn a_bomb_that_lies_about_its_size_is_refused() {
        let huge = "0".repeat(usize::try_from(MAX_UNPACKED).unwrap() + 1024 * 1024);
        let mut bytes = zip_of(&[("youtube.csv", huge.as_str())]);
        // Declare 10 bytes unpacked in the local (offset 22) and central (offset 24) headers.
        for (signature, size_at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let start = bytes.windows(4).position(|w| w == signature).unwrap();
            bytes[start + size_at..start + size_at + 4].copy_from_slice(&10u32.to_le_bytes());
        }
        // The reader notices the lie (the cap on bytes read is the second line of defence).
        assert_eq!(
            parse_zip("youtube.zip", &bytes, None, today()).unwrap_err(),
            CsvError::BadZip
        );
    }

    #[test]
    fn too_many_entries_is_a_bomb() {
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|n| format!("f{n}.txt")).collect();
        let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        assert_eq!(
            parse_zip("youtube.zip", &zip_of(&files), None, today()).unwrap_err(),
            CsvError::ZipTooBig
        );
    }
}
