//! Pure logic of the backlog: does a video's title match an idea's (case- and
//! accent-insensitive), and a suggested duration as a creator reads it (`45 s`, `8 min`).

use std::collections::BTreeSet;

use crate::i18n::Locale;

/// A video is a candidate when this share of the smaller title's words are in the other title.
pub const MIN_OVERLAP: f64 = 0.6;
/// How many candidates are offered.
pub const MAX_CANDIDATES: usize = 3;

/// Lowercase, accents removed, every run of other characters one space: `L'Été à Paris !` →
/// `l ete a paris`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        // Combining marks of decomposed text (e + U+0301) fold into the letter before them.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if let Some(base) = fold(c) {
            out.push_str(base);
        } else if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Latin letters with diacritics onto their base letters.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// The words that carry meaning: single letters (`l'`, `à`, `a`) are left out, digits kept.
fn words(normalized: &str) -> BTreeSet<&str> {
    normalized
        .split(' ')
        .filter(|w| w.chars().count() > 1 || w.chars().all(|c| c.is_numeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// How well a video's title matches an idea's: `None` when it does not (fewer than 60 % of the
/// smaller title's words shared, and neither title contains the other); otherwise a score in
/// (0, 1] to rank candidates (the share of all words the titles have in common).
pub fn title_match(idea: &str, video: &str) -> Option<f64> {
    let (a, b) = (normalize(idea), normalize(video));
    let (wa, wb) = (words(&a), words(&b));
    if wa.is_empty() || wb.is_empty() {
        return None;
    }
    let shared = wa.intersection(&wb).count();
    let overlap = shared as f64 / wa.len().min(wb.len()) as f64;
    let padded = |s: &str| format!(" {s} ");
    let contained = padded(&a).contains(&padded(&b)) || padded(&b).contains(&padded(&a));
    if overlap < MIN_OVERLAP && !contained {
        return None;
    }
    let union = wa.union(&wb).count();
    Some((shared as f64 / union as f64).max(f64::EPSILON))
}

/// The best `MAX_CANDIDATES` items whose title matches the idea's, best first (ties keep the
/// items' order).
pub fn best_matches<'a, T>(idea: &str, items: &'a [T], title: impl Fn(&T) -> &str) -> Vec<&'a T> {
    let mut scored: Vec<(f64, usize, &T)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| title_match(idea, title(item)).map(|s| (s, i, item)))
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    scored
        .into_iter()
        .take(MAX_CANDIDATES)
        .map(|(_, _, item)| item)
        .collect()
}

/// A suggested duration: `45 s`, `8 min`, `1 min 30 s`, and from an hour on `1h 05m` /
/// `1 h 05` (with no-break spaces, like `format::minutes`).
pub fn duration(seconds: i32, locale: Locale) -> String {
    let s = i64::from(seconds.max(0));
    match s {
        0..60 => format!("{s}\u{a0}s"),
        60..3600 if s % 60 == 0 => format!("{}\u{a0}min", s / 60),
        60..3600 => format!("{}\u{a0}min\u{a0}{:02}\u{a0}s", s / 60, s % 60),
        _ => crate::format::minutes((s + 30) / 60, locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_folds_case_accents_and_punctuation() {
        assert_eq!(normalize("L'Été à Paris !"), "l ete a paris");
        assert_eq!(normalize("  CRÊPES «maison» — 2 €  "), "crepes maison 2");
        assert_eq!(normalize("Cre\u{301}pes"), "crepes");
        assert_eq!(normalize("Œufs & Bœuf"), "oeufs boeuf");
        assert_eq!(normalize("東京 vlog"), "東京 vlog");
    }

    #[test]
    fn titles_match_by_shared_words_or_containment() {
        // Same words, other case and accents.
        assert!(title_match("Crêpes maison à 2 €", "CREPES MAISON A 2€").is_some());
        // 3 of the 4 words of the smaller title: 0.75.
        assert!(title_match("Crêpes maison pour 2 €", "Mes crêpes maison à 2 €").is_some());
        // Containment of a short title in a long one.
        assert!(
            title_match(
                "Pasta at home",
                "Pasta at home in 10 minutes | student recipes"
            )
            .is_some()
        );
        // One word in common out of four: no.
        assert!(
            title_match("Knife skills for beginners", "Beginners guide to sourdough").is_none()
        );
        // Containment is on whole words: "art" is not in "party".
        assert!(title_match("art", "party time").is_none());
        assert!(title_match("", "anything").is_none());
        assert!(title_match("!!!", "anything").is_none());
    }

    #[test]
    fn the_closest_titles_come_first_and_at_most_three() {
        let videos = [
            "Crêpes maison à 2 € : la recette complète pour toute la famille",
            "Crêpes maison à 2 €",
            "Knife skills",
            "crepes maison a 2 euros",
            "Crêpes maison à 2 € (version vegan)",
            "Crêpes maison à 2 € — part 2",
        ];
        let best = best_matches("Crêpes maison à 2 €", &videos, |v| v);
        assert_eq!(best.len(), 3);
        assert_eq!(*best[0], "Crêpes maison à 2 €");
        assert!(!best.contains(&&"Knife skills"));
    }

    #[test]
    fn durations_read_like_a_creator_says_them() {
        assert_eq!(duration(45, Locale::En), "45\u{a0}s");
        assert_eq!(duration(480, Locale::Fr), "8\u{a0}min");
        assert_eq!(duration(90, Locale::En), "1\u{a0}min\u{a0}30\u{a0}s");
        assert_eq!(duration(3900, Locale::En), "1h 05m");
        assert_eq!(duration(3900, Locale::Fr), "1\u{a0}h\u{a0}05");
    }
}
