//! The Anthropic Messages API, as the fallback provider (`AI_FALLBACK_KIND=anthropic`): `POST
//! {base}/v1/messages` with `x-api-key` and `anthropic-version`, answered whole or streamed as
//! server-sent events (`message_start`, `content_block_delta` with `text_delta`, `message_delta`
//! with the stop reason and usage, `message_stop`; `ping` ignored; `error` classified). Failures
//! become the same `AiError`s as the primary's, so callers cannot tell the providers apart.
//!
//! The API has no `response_format`: a request with a JSON schema gets the schema in its system
//! prompt, and the caller's validation of the answer is the same as for the primary.

use std::time::Instant;

use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::transport::Refused;
use super::{AiError, ChatRequest, Completion, Role};

const VERSION: &str = "2023-06-01";

pub(super) struct Anthropic {
    http: reqwest::Client,
    url: String,
    key: SecretString,
    pub(super) model: String,
}

/// What a finished answer said about itself.
#[derive(Default)]
struct Ending {
    stop_reason: Option<String>,
    input_tokens: Option<u32>,
    output_tokens: Option<u32>,
}

impl Anthropic {
    pub(super) fn new(
        http: reqwest::Client,
        base_url: &str,
        key: SecretString,
        model: String,
    ) -> Anthropic {
        Anthropic {
            http,
            url: format!("{}/v1/messages", base_url.trim_end_matches('/')),
            key,
            model,
        }
    }

    fn body(&self, req: &ChatRequest, stream: bool) -> Value {
        let mut system = req.system.clone();
        if let Some(schema) = &req.json_schema {
            system.push_str(
                "\n\nAnswer with one JSON object and nothing else (no prose, no code fence), \
                 valid against this JSON Schema:\n",
            );
            system.push_str(&schema.schema.to_string());
        }
        let role = |r: Role| match r {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        let messages: Vec<Value> = req
            .history
            .iter()
            .map(|t| json!({ "role": role(t.role), "content": t.text }))
            .chain(std::iter::once(
                json!({ "role": "user", "content": req.user }),
            ))
            .collect();
        json!({
            "model": self.model,
            "max_tokens": req.max_tokens,
            "temperature": req.temperature,
            "system": system,
            "messages": messages,
            "stream": stream,
        })
    }

    async fn send(&self, req: &ChatRequest, stream: bool) -> Result<reqwest::Response, AiError> {
        let response = self
            .http
            .post(&self.url)
            .header("x-api-key", self.key.expose_secret())
            .header("anthropic-version", VERSION)
            .json(&self.body(req, stream))
            .send()
            .await
            .map_err(|e| AiError::Unavailable(e.without_url().to_string()))?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(Refused::read(response).await.classify(&self.model))
        }
    }

    pub(super) async fn complete(
        &self,
        req: &ChatRequest,
        started: Instant,
    ) -> Result<Completion, AiError> {
        let answer: Value = self
            .send(req, false)
            .await?
            .json()
            .await
            .map_err(|e| AiError::Other(format!("unreadable answer: {}", e.without_url())))?;
        let text: String = answer["content"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|block| block["type"] == "text")
            .filter_map(|block| block["text"].as_str())
            .collect();
        let ending = Ending {
            stop_reason: answer["stop_reason"].as_str().map(str::to_owned),
            input_tokens: tokens(&answer["usage"]["input_tokens"]),
            output_tokens: tokens(&answer["usage"]["output_tokens"]),
        };
        finish(text, ending, started)
    }

    pub(super) async fn stream(
        &self,
        req: &ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
        started: Instant,
    ) -> Result<Completion, AiError> {
        let mut body = self.send(req, true).await?.bytes_stream();
        let mut pending: Vec<u8> = Vec::new();
        let mut text = String::new();
        let mut ending = Ending::default();
        let mut stopped = false;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| AiError::Unavailable(e.without_url().to_string()))?;
            pending.extend_from_slice(&chunk);
            // Events end with a blank line; a partial one waits for the next chunk.
            while let Some(end) = find(&pending, b"\n\n") {
                let event: Vec<u8> = pending.drain(..end + 2).collect();
                let Some(data) = data_of(&event) else {
                    continue;
                };
                match data["type"].as_str() {
                    Some("message_start") => {
                        ending.input_tokens = tokens(&data["message"]["usage"]["input_tokens"]);
                    }
                    Some("content_block_delta") if data["delta"]["type"] == "text_delta" => {
                        if let Some(piece) =
                            data["delta"]["text"].as_str().filter(|p| !p.is_empty())
                        {
                            text.push_str(piece);
                            on_text(&text);
                        }
                    }
                    Some("message_delta") => {
                        if let Some(reason) = data["delta"]["stop_reason"].as_str() {
                            ending.stop_reason = Some(reason.to_owned());
                        }
                        if let Some(n) = tokens(&data["usage"]["output_tokens"]) {
                            ending.output_tokens = Some(n);
                        }
                    }
                    Some("message_stop") => stopped = true,
                    Some("error") => return Err(stream_error(&data["error"])),
                    _ => {}
                }
            }
        }
        if !stopped {
            return Err(AiError::Truncated(
                "the stream ended before the model finished".into(),
            ));
        }
        finish(text, ending, started)
    }
}

fn tokens(v: &Value) -> Option<u32> {
    v.as_u64().and_then(|n| u32::try_from(n).ok())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The JSON of an event's `data:` line(s).
fn data_of(event: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(event);
    let data: String = text
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim_start)
        .collect::<Vec<_>>()
        .join("\n");
    serde_json::from_str(&data).ok()
}

/// An `error` event in the middle of a stream.
fn stream_error(error: &Value) -> AiError {
    match error["type"].as_str() {
        Some("rate_limit_error") => AiError::RateLimited { retry_after: None },
        Some("overloaded_error" | "api_error") => {
            AiError::Unavailable(error["type"].as_str().unwrap_or_default().to_owned())
        }
        other => AiError::Other(format!(
            "stream error {}",
            other.unwrap_or("without a type")
        )),
    }
}

fn finish(text: String, ending: Ending, started: Instant) -> Result<Completion, AiError> {
    match ending.stop_reason.as_deref() {
        Some("max_tokens") => {
            return Err(AiError::Truncated("the token limit was reached".into()));
        }
        Some("refusal") => return Err(AiError::ContentFilter),
        Some("tool_use") => {
            return Err(AiError::Other(
                "the model called a tool we did not offer".into(),
            ));
        }
        _ => {}
    }
    if text.trim().is_empty() {
        return Err(AiError::Other("the answer has no text".into()));
    }
    Ok(Completion {
        text,
        prompt_tokens: ending.input_tokens,
        completion_tokens: ending.output_tokens,
        latency: started.elapsed(),
        finish_reason: ending.stop_reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_are_read_whole() {
        let event = b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n";
        let end = find(event, b"\n\n").unwrap();
        assert_eq!(end + 2, event.len());
        let data = data_of(&event[..]).unwrap();
        assert_eq!(data["delta"]["text"], "Hi");
        assert!(data_of(b"event: ping\n\n").is_none());
    }

    #[test]
    fn stop_reasons_map_to_the_same_errors_as_the_primary() {
        let ended = |reason: &str| Ending {
            stop_reason: Some(reason.into()),
            ..Ending::default()
        };
        let now = Instant::now();
        assert!(matches!(
            finish("x".into(), ended("max_tokens"), now),
            Err(AiError::Truncated(_))
        ));
        assert!(matches!(
            finish("x".into(), ended("refusal"), now),
            Err(AiError::ContentFilter)
        ));
        assert_eq!(
            finish("ok".into(), ended("end_turn"), now).unwrap().text,
            "ok"
        );
        assert!(matches!(
            stream_error(&json!({"type": "overloaded_error"})),
            AiError::Unavailable(_)
        ));
    }
}
