//! The one command grammar for every text front end (Telegram and the console).
//!
//! Words are separated by spaces; "double quotes" group words and `\"` escapes a quote;
//! `key=value` and `key="quoted value"` are named arguments, the rest positional; `/cmd@BotName`
//! names the bot a group command is for. No I/O: a line in, a typed result out.

use crate::bot::RawCommand;
use crate::i18n::{Msg, msg};

/// Longer lines are refused with a sentence (Telegram's own message limit).
pub const MAX_LINE_CHARS: usize = 4096;

/// A line that starts with `/`: the command and, in groups, the bot it is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCommand {
    pub command: RawCommand,
    pub addressed_to: Option<String>,
}

/// A text line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Command(RawCommand),
    /// Free text for the conversation or a pending question.
    Text(String),
}

pub fn parse_line(line: &str) -> Result<Line, Msg> {
    if line.chars().count() > MAX_LINE_CHARS {
        return Err(msg("err-line-too-long").arg("max", MAX_LINE_CHARS));
    }
    if line.trim_start().starts_with('/') {
        Ok(Line::Command(parse_command(line)?.command))
    } else {
        Ok(Line::Text(line.to_owned()))
    }
}

pub fn parse_command(line: &str) -> Result<ParsedCommand, Msg> {
    let mut words = split(line.trim())?.into_iter();
    let head = words.next().map(|w| w.text).unwrap_or_default();
    let head = head.strip_prefix('/').unwrap_or(&head);
    let (name, addressed_to) = match head.split_once('@') {
        Some((name, bot)) => (name, Some(bot.to_owned())),
        None => (head, None),
    };
    if name.is_empty() {
        return Err(msg("err-empty-command"));
    }
    let mut command = RawCommand {
        name: name.to_lowercase(),
        ..RawCommand::default()
    };
    for word in words {
        match word.key {
            Some(key) => command.named.push((key, word.text)),
            None => command.positional.push(word.text),
        }
    }
    Ok(ParsedCommand {
        command,
        addressed_to,
    })
}

#[derive(Debug)]
struct Word {
    key: Option<String>,
    text: String,
}

fn split(line: &str) -> Result<Vec<Word>, Msg> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(words);
        }
        let mut text = String::new();
        let mut key = None;
        let mut quoted_anything = false;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            match c {
                '"' => {
                    quoted_anything = true;
                    read_quoted(&mut chars, &mut text)?;
                }
                '\\' if chars.peek() == Some(&'"') => {
                    chars.next();
                    text.push('"');
                    quoted_anything = true;
                }
                '=' if key.is_none() && !quoted_anything && is_key(&text) => {
                    key = Some(std::mem::take(&mut text));
                }
                _ => text.push(c),
            }
        }
        words.push(Word { key, text });
    }
}

fn read_quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    text: &mut String,
) -> Result<(), Msg> {
    while let Some(c) = chars.next() {
        match c {
            '"' => return Ok(()),
            '\\' if chars.peek() == Some(&'"') => {
                chars.next();
                text.push('"');
            }
            _ => text.push(c),
        }
    }
    Err(msg("err-unclosed-quote"))
}

fn is_key(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cmd(line: &str) -> RawCommand {
        parse_command(line).unwrap().command
    }

    #[test]
    fn words_quotes_and_named_arguments() {
        let c = cmd(r#"/profile name="Alex Martin EI" terms=30 "two words" plain"#);
        assert_eq!(c.name, "profile");
        assert_eq!(
            c.named,
            vec![
                ("name".into(), "Alex Martin EI".into()),
                ("terms".into(), "30".into())
            ]
        );
        assert_eq!(
            c.positional,
            vec!["two words".to_owned(), "plain".to_owned()]
        );
    }

    #[test]
    fn escaped_quotes_and_bot_names() {
        let parsed = parse_command(r#"/Ideas@CreatorPilotBot "the \"best\" hook""#).unwrap();
        assert_eq!(parsed.command.name, "ideas");
        assert_eq!(parsed.addressed_to.as_deref(), Some("CreatorPilotBot"));
        assert_eq!(
            parsed.command.positional,
            vec![r#"the "best" hook"#.to_owned()]
        );
    }

    #[test]
    fn equals_inside_values_and_urls_stay_positional() {
        let c = cmd("/x https://a.b/?q=1 a=b=c");
        assert_eq!(c.positional, vec!["https://a.b/?q=1".to_owned()]);
        assert_eq!(c.named, vec![("a".into(), "b=c".into())]);
    }

    #[test]
    fn unclosed_quotes_and_long_lines_are_refused() {
        assert_eq!(
            parse_command(r#"/x "open"#).unwrap_err().key,
            "err-unclosed-quote"
        );
        let long = format!("/x {}", "a".repeat(5000));
        assert_eq!(parse_line(&long).unwrap_err().key, "err-line-too-long");
        assert_eq!(
            parse_line("hello there"),
            Ok(Line::Text("hello there".into()))
        );
    }

    proptest! {
        #[test]
        fn quoted_words_round_trip(words in proptest::collection::vec("[^\"\\\\]{0,12}", 0..6)) {
            let line = std::iter::once("/cmd".to_owned())
                .chain(words.iter().map(|w| format!("\"{w}\"")))
                .collect::<Vec<_>>()
                .join(" ");
            let c = cmd(&line);
            prop_assert_eq!(c.positional, words);
        }

        #[test]
        fn never_panics(line in "\\PC{0,200}") {
            let _ = parse_line(&line);
        }
    }
}
