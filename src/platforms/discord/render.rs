//! `Reply` and `QuestionView` as Discord message and modal JSON (serenity builders), within
//! Discord's limits: 2,000 characters a message (longer text splits at paragraph, line or word
//! boundaries), 5 buttons a row, 25 a message, 5 inputs a modal, 45-character labels.

use serde_json::{Value, json};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateInputText, CreateModal, InputTextStyle,
};

use crate::bot::{Attachment, Button, QuestionView, Reply, Visibility};

pub const MAX_CONTENT: usize = 2000;
const BUTTONS_PER_ROW: usize = 5;
const MAX_BUTTONS: usize = 25;
const MAX_LABEL: usize = 80;
const MAX_MODAL_LABEL: usize = 45;
/// `flags` bit of an ephemeral message.
pub const EPHEMERAL: u64 = 1 << 6;

/// custom_id of the modal every question opens.
pub const MODAL_ID: &str = "cp-answers";
/// custom_id of the button that opens the pending question's modal (when a modal cannot be the
/// first response: after a deferral, a message or another modal).
pub const ASK_BUTTON_ID: &str = "cp-ask";

/// One Discord message: its JSON and the files it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub json: Value,
    pub files: Vec<Attachment>,
}

/// Embed limits: title and description.
const MAX_EMBED_TITLE: usize = 256;
const MAX_EMBED_DESCRIPTION: usize = 4096;
/// The embed's accent colour (the chart's YouTube-neutral blue).
const EMBED_COLOR: u32 = 0x3B82F6;

/// A card reply as one embed (title, body, its image shown inside), when it fits one.
fn embed(reply: &Reply) -> Option<Value> {
    let (title, body) = reply.blocks.split_first()?;
    let description = body.join("\n\n");
    if !reply.card
        || title.chars().count() > MAX_EMBED_TITLE
        || description.chars().count() > MAX_EMBED_DESCRIPTION
    {
        return None;
    }
    let mut embed = json!({ "title": title, "description": description, "color": EMBED_COLOR });
    if let [image] = reply.attachments.as_slice()
        && image.mime_type.starts_with("image/")
    {
        embed["image"] = json!({ "url": format!("attachment://{}", image.file_name) });
    }
    Some(embed)
}

/// The messages a reply becomes: a card as one embed; otherwise text split into ≤ 2,000-character
/// parts. Buttons and files go on the last part.
pub fn messages(reply: &Reply) -> Vec<Message> {
    let embed = embed(reply);
    let text = if embed.is_some() {
        String::new()
    } else {
        reply.blocks.join("\n\n")
    };
    let mut parts = split(&text, MAX_CONTENT);
    if parts.is_empty() {
        parts.push(String::new());
    }
    let last = parts.len() - 1;
    parts
        .into_iter()
        .enumerate()
        .map(|(n, content)| {
            let mut json = json!({ "content": content, "allowed_mentions": { "parse": [] } });
            if let Some(embed) = &embed {
                json["embeds"] = json!([embed]);
            }
            if reply.visibility == Visibility::Private {
                json["flags"] = json!(EPHEMERAL);
            }
            let mut files = Vec::new();
            if n == last {
                let rows = components(&reply.buttons);
                if rows.as_array().is_some_and(|r| !r.is_empty()) {
                    json["components"] = rows;
                }
                if !reply.attachments.is_empty() {
                    json["attachments"] = Value::Array(
                        reply
                            .attachments
                            .iter()
                            .enumerate()
                            .map(|(id, a)| json!({ "id": id, "filename": a.file_name }))
                            .collect(),
                    );
                    files = reply.attachments.clone();
                }
            }
            Message { json, files }
        })
        .collect()
}

/// An edit keeps one message: text past the limit is cut with an ellipsis.
pub fn edit(reply: &Reply) -> Message {
    let mut single = reply.clone();
    if embed(reply).is_none() {
        let mut text = reply.blocks.join("\n\n");
        if text.chars().count() > MAX_CONTENT {
            text = text.chars().take(MAX_CONTENT - 1).collect::<String>() + "…";
        }
        single.blocks = vec![text];
    }
    let mut message = messages(&single).remove(0);
    if message.json.get("components").is_none() {
        // An edit without buttons removes the old ones.
        message.json["components"] = json!([]);
    }
    message
}

fn components(buttons: &[Button]) -> Value {
    if buttons.len() > MAX_BUTTONS {
        tracing::warn!(
            count = buttons.len(),
            "a reply has more buttons than Discord shows"
        );
    }
    let built: Vec<CreateButton> = buttons
        .iter()
        .take(MAX_BUTTONS)
        .enumerate()
        .map(|(n, b)| match b {
            Button::Action { label, id } => CreateButton::new(id)
                .label(truncate(label, MAX_LABEL))
                .style(if n == 0 {
                    ButtonStyle::Primary
                } else {
                    ButtonStyle::Secondary
                }),
            Button::Link { label, url } => {
                CreateButton::new_link(url).label(truncate(label, MAX_LABEL))
            }
        })
        .collect();
    let rows: Vec<CreateActionRow> = built
        .chunks(BUTTONS_PER_ROW)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect();
    serde_json::to_value(rows).unwrap_or_else(|_| json!([]))
}

/// A message with the one button that opens the pending question.
pub fn ask_button(title: &str, label: &str, private: bool) -> Message {
    let mut reply = Reply::text(title).button(Button::Action {
        label: label.to_owned(),
        id: ASK_BUTTON_ID.to_owned(),
    });
    if private {
        reply = reply.private();
    }
    messages(&reply).remove(0)
}

/// The modal of a question: one text input per field, in order.
pub fn modal(question: &QuestionView) -> Value {
    let rows: Vec<CreateActionRow> = question
        .fields
        .iter()
        .take(5)
        .enumerate()
        .map(|(n, f)| {
            let style = if f.long {
                InputTextStyle::Paragraph
            } else {
                InputTextStyle::Short
            };
            CreateActionRow::InputText(
                CreateInputText::new(style, truncate(&f.label, MAX_MODAL_LABEL), format!("f{n}"))
                    .required(f.required),
            )
        })
        .collect();
    let modal =
        CreateModal::new(MODAL_ID, truncate(&question.title, MAX_MODAL_LABEL)).components(rows);
    serde_json::to_value(modal).unwrap_or_else(|_| json!({}))
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    text.chars().take(max - 1).collect::<String>() + "…"
}

/// Splits text into parts of at most `max` characters, preferring paragraph, then line, then
/// word boundaries; a word longer than `max` is cut.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if rest.chars().count() <= max {
            parts.push(rest.to_owned());
            break;
        }
        let limit = rest
            .char_indices()
            .nth(max)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let window = &rest[..limit];
        let cut = ["\n\n", "\n", " "]
            .iter()
            .find_map(|sep| window.rfind(sep).filter(|i| *i > 0))
            .unwrap_or(limit);
        parts.push(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_one_embed_showing_its_image() {
        let reply = Reply::text("☀️ Your digest for Nov 24")
            .block("On Nov 24 you had 1,590 views.")
            .block("YouTube: 1,590 views")
            .attachment(Attachment {
                file_name: "digest.png".into(),
                mime_type: "image/png".into(),
                bytes: vec![1, 2, 3],
            })
            .card();
        let [message] = messages(&reply).try_into().unwrap();
        assert_eq!(message.json["content"], "");
        let embed = &message.json["embeds"][0];
        assert_eq!(embed["title"], "☀️ Your digest for Nov 24");
        assert_eq!(
            embed["description"],
            "On Nov 24 you had 1,590 views.\n\nYouTube: 1,590 views"
        );
        assert_eq!(embed["image"]["url"], "attachment://digest.png");
        assert_eq!(message.files.len(), 1);
        // Too long for an embed: plain text, split as usual.
        let long = Reply::text("title").block("x".repeat(5000)).card();
        let parts = messages(&long);
        assert!(parts.len() > 1 && parts[0].json.get("embeds").is_none());
    }

    #[test]
    fn long_text_splits_on_paragraphs_then_lines_then_words() {
        let para = "a".repeat(1500);
        let text = format!("{para}\n\n{para}");
        assert_eq!(split(&text, 2000), vec![para.clone(), para.clone()]);
        let words = "word ".repeat(1000);
        let parts = split(&words, 2000);
        assert!(parts.iter().all(|p| p.chars().count() <= 2000));
        assert_eq!(parts.join(" "), words.trim());
        let blob = "é".repeat(4500);
        let parts = split(&blob, 2000);
        assert_eq!(
            parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            vec![2000, 2000, 500]
        );
    }

    #[test]
    fn buttons_go_five_a_row_on_the_last_part() {
        let mut reply = Reply::text("x".repeat(2500));
        for n in 0..7 {
            reply = reply.button(Button::Action {
                label: format!("b{n}"),
                id: format!("id{n}"),
            });
        }
        let out = messages(&reply);
        assert_eq!(out.len(), 2);
        assert!(out[0].json.get("components").is_none());
        let rows = out[1].json["components"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["components"].as_array().unwrap().len(), 5);
        assert_eq!(rows[1]["components"].as_array().unwrap().len(), 2);
    }
}
