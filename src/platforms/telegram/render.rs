//! Reply text for Telegram: HTML parse mode, escaped, split under Telegram's limits.
//!
//! Telegram counts message length in UTF-16 code units after entity parsing; we measure the
//! escaped text (a safe upper bound) so a part never exceeds the limit, and split between
//! characters only (never inside a surrogate pair), escaping each part after the split (never
//! inside an entity such as `&amp;`). The engine's text carries no markup, so there is no tag to cut.

/// Telegram's limit for a message's text.
pub const MESSAGE_LIMIT: usize = 4096;
/// Telegram's limit for a photo's or document's caption.
pub const CAPTION_LIMIT: usize = 1024;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// UTF-16 length of a character once escaped.
fn escaped_len(c: char) -> usize {
    match c {
        '&' => 5,
        '<' | '>' => 4,
        _ => c.len_utf16(),
    }
}

pub fn escaped_utf16_len(text: &str) -> usize {
    text.chars().map(escaped_len).sum()
}

/// Splits plain text into escaped parts of at most `limit` UTF-16 units, preferring to cut after a
/// newline, then after a space, in the second half of a part.
pub fn split_escaped(text: &str, limit: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut len = 0;
        let mut end = start;
        while end < chars.len() && len + escaped_len(chars[end]) <= limit {
            len += escaped_len(chars[end]);
            end += 1;
        }
        // A limit smaller than one escaped character still makes progress.
        end = end.max(start + 1);
        if end < chars.len() {
            let half = start + (end - start) / 2;
            let cut = (half..end)
                .rev()
                .find(|&i| chars[i] == '\n')
                .or_else(|| (half..end).rev().find(|&i| chars[i] == ' '))
                .map(|i| i + 1);
            if let Some(cut) = cut {
                end = cut;
            }
        }
        let part: String = chars[start..end].iter().collect();
        let trimmed = part.trim_end_matches('\n');
        if !trimmed.is_empty() {
            parts.push(escape(trimmed));
        }
        start = end;
    }
    if parts.is_empty() {
        parts.push(String::new());
    }
    parts
}

/// A reply's paragraphs as one text.
pub fn join_blocks(blocks: &[String]) -> String {
    blocks.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escaping_covers_html_and_leaves_markdown_alone() {
        assert_eq!(
            escape("<b>Tom & Jerry</b> _*[x]"),
            "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; _*[x]"
        );
    }

    #[test]
    fn long_text_splits_on_newlines_under_the_limit() {
        let line = "a".repeat(100);
        let text = vec![line; 100].join("\n");
        let parts = split_escaped(&text, MESSAGE_LIMIT);
        assert_eq!(parts.len(), 3);
        assert!(
            parts
                .iter()
                .all(|p| p.encode_utf16().count() <= MESSAGE_LIMIT)
        );
        assert!(parts.iter().all(|p| p.starts_with('a') && p.ends_with('a')));
    }

    proptest! {
        #[test]
        fn parts_fit_and_reassemble(text in "[a-z &<>_*\\[\\n😀é]{0,600}", limit in 8usize..64) {
            let parts = split_escaped(&text, limit);
            for p in &parts {
                prop_assert!(p.encode_utf16().count() <= limit);
                // No entity is cut: every '&' starts a whole entity.
                for (i, _) in p.match_indices('&') {
                    let rest = &p[i..];
                    prop_assert!(rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;"));
                }
            }
            let unescape = |s: &str| s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            let joined: String = parts.iter().map(|p| unescape(p)).collect::<Vec<_>>().concat();
            let squash = |s: &str| s.chars().filter(|c| *c != '\n').collect::<String>();
            prop_assert_eq!(squash(&joined), squash(&text));
        }
    }
}
