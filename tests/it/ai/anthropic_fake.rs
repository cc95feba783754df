//! A fake Anthropic Messages API on 127.0.0.1: `POST /v1/messages` answers from a queue scripted
//! by the test, whole (`message` JSON) or streamed as Anthropic's server-sent events, or with
//! Anthropic's error shapes (529 `overloaded_error`, 429 `rate_limit_error`, an `error` event in
//! the middle of a stream), and records each request with its `x-api-key` and
//! `anthropic-version` headers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub enum Reply {
    /// A whole answer (`stream: false`) or, for a streamed request, the same text as one delta.
    Text(String),
    /// A streamed answer, one `text_delta` per element.
    Stream(Vec<String>),
    /// 529 `overloaded_error`.
    Overloaded,
    /// A stream that starts, then carries an `overloaded_error` event.
    BrokenStream(String),
}

#[derive(Debug, Clone)]
pub struct Seen {
    pub api_key: Option<String>,
    pub version: Option<String>,
    pub body: Value,
}

#[derive(Clone)]
pub struct FakeAnthropic {
    /// What `AI_FALLBACK_BASE_URL` should be.
    pub base_url: String,
    state: Arc<Mutex<(VecDeque<Reply>, Vec<Seen>)>>,
}

impl FakeAnthropic {
    pub async fn start(script: Vec<Reply>) -> FakeAnthropic {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = FakeAnthropic {
            base_url: format!("http://{}", listener.local_addr().unwrap()),
            state: Arc::new(Mutex::new((script.into(), Vec::new()))),
        };
        let router = {
            let fake = fake.clone();
            axum::Router::new().route(
                "/v1/messages",
                axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                    let fake = fake.clone();
                    async move { fake.messages(&headers, &body) }
                }),
            )
        };
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        fake
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state.lock().unwrap().1.clone()
    }

    fn messages(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let reply = {
            let mut state = self.state.lock().unwrap();
            state.1.push(Seen {
                api_key: header("x-api-key"),
                version: header("anthropic-version"),
                body: body.clone(),
            });
            state.0.pop_front()
        };
        let model = body["model"].as_str().unwrap_or_default().to_owned();
        let streamed = body["stream"] == json!(true);
        match reply {
            None | Some(Reply::Overloaded) => (
                StatusCode::from_u16(529).unwrap(),
                axum::Json(json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})),
            )
                .into_response(),
            Some(Reply::Text(text)) if !streamed => axum::Json(json!({
                "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn", "stop_sequence": null,
                "usage": {"input_tokens": 31, "output_tokens": 9},
            }))
            .into_response(),
            Some(Reply::Text(text)) => sse(&model, &[text], None),
            Some(Reply::Stream(pieces)) => sse(&model, &pieces, None),
            Some(Reply::BrokenStream(first)) => sse(&model, &[first], Some("overloaded_error")),
        }
    }
}

/// Anthropic's event sequence for `pieces`; `error` cuts it after the first delta.
fn sse(model: &str, pieces: &[String], error: Option<&str>) -> Response {
    let event = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n");
    let mut out = event(
        "message_start",
        json!({"type": "message_start", "message": {"id": "msg_fake", "type": "message",
            "role": "assistant", "model": model, "content": [], "stop_reason": null,
            "usage": {"input_tokens": 31, "output_tokens": 1}}}),
    );
    out += &event(
        "content_block_start",
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    );
    out += &event("ping", json!({"type": "ping"}));
    for piece in pieces {
        out += &event(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}),
        );
        if let Some(kind) = error {
            out += &event(
                "error",
                json!({"type": "error", "error": {"type": kind, "message": "Overloaded"}}),
            );
            return text_event_stream(out);
        }
    }
    out += &event(
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    );
    out += &event(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
            "usage": {"output_tokens": 12}}),
    );
    out += &event("message_stop", json!({"type": "message_stop"}));
    text_event_stream(out)
}

fn text_event_stream(body: String) -> Response {
    ([("content-type", "text/event-stream")], body).into_response()
}
