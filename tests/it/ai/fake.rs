//! A fake OpenAI-compatible server on 127.0.0.1: `POST /v1/chat/completions` answers from a
//! queue scripted by the test (JSON completions, SSE streams, errors shaped like OpenAI's and
//! Azure's, a request that never gets an answer) and records every request with its
//! `Authorization` header. Any other path answers a bare 404, like a server whose base URL lacks
//! `/v1`.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// `usage.prompt_tokens` of every answer.
pub const PROMPT_TOKENS: u32 = 57;

/// The next answer of the fake.
#[derive(Debug, Clone)]
pub enum Answer {
    /// 200 `chat.completion`, finish_reason `stop`, with usage.
    Json(String),
    /// 200 `chat.completion` ending with another finish_reason (`length`, `content_filter`).
    Finish {
        text: String,
        finish_reason: &'static str,
    },
    /// 200 SSE: a role chunk, one chunk per element (after `delay_between`), then with `done` a
    /// `stop` chunk, the usage chunk when the request asked `include_usage`, and `data: [DONE]`.
    /// Without `done` the body simply ends after the last element, as a cut stream does.
    Stream {
        chunks: Vec<String>,
        delay_between: Duration,
        done: bool,
    },
    /// Like a complete `Stream` (with `done`), each element after its own wait: bursts and pauses.
    Paced(Vec<(Duration, String)>),
    /// 429 `rate_limit_exceeded`, with `retry-after` when given.
    RateLimited { retry_after_secs: Option<u64> },
    /// An error status with OpenAI's body for it: 500 `server_error`, 404 `model_not_found`,
    /// 401 `invalid_api_key`, others `invalid_request_error`.
    Status(u16),
    /// Reads the request and never answers.
    Hang,
    /// Azure OpenAI's 400 `content_filter` for a flagged prompt.
    ContentFilter,
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct State {
    script: VecDeque<Answer>,
    requests: Vec<Recorded>,
}

#[derive(Clone)]
pub struct FakeAi {
    /// What `OPENAI_BASE_URL` should be: `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

impl FakeAi {
    pub async fn start(script: Vec<Answer>) -> FakeAi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let fake = FakeAi {
            base_url,
            state: Arc::new(Mutex::new(State {
                script: script.into(),
                requests: Vec::new(),
            })),
        };
        let router = {
            let fake = fake.clone();
            axum::Router::new()
                .route(
                    "/v1/chat/completions",
                    axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                        let fake = fake.clone();
                        async move { fake.completions(&headers, &body).await }
                    }),
                )
                .fallback(|| async { (StatusCode::NOT_FOUND, "404 page not found") })
        };
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        fake
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The one request the test expects, or a failure listing what arrived.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.into_iter().next().unwrap()
    }

    async fn completions(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let answer = {
            let mut state = self.state.lock().unwrap();
            state.requests.push(Recorded {
                authorization: headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                body: body.clone(),
            });
            state.script.pop_front()
        };
        let model = body["model"].as_str().unwrap_or_default().to_owned();
        let Some(answer) = answer else {
            return error(500, "server_error", "the fake has no answer scripted", &[]);
        };
        match answer {
            Answer::Json(text) => completion(&model, &text, "stop"),
            Answer::Finish {
                text,
                finish_reason,
            } => completion(&model, &text, finish_reason),
            Answer::Stream {
                chunks,
                delay_between,
                done,
            } => {
                let usage = body["stream_options"]["include_usage"] == json!(true);
                let paced = chunks
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (if i == 0 { Duration::ZERO } else { delay_between }, c))
                    .collect();
                stream(&model, paced, done, usage)
            }
            Answer::Paced(chunks) => {
                let usage = body["stream_options"]["include_usage"] == json!(true);
                stream(&model, chunks, true, usage)
            }
            Answer::RateLimited { retry_after_secs } => {
                let mut headers = vec![
                    ("x-ratelimit-limit-requests", "3".to_owned()),
                    ("x-ratelimit-remaining-requests", "0".to_owned()),
                ];
                if let Some(secs) = retry_after_secs {
                    headers.push(("retry-after", secs.to_string()));
                }
                error(
                    429,
                    "rate_limit_exceeded",
                    &format!(
                        "Rate limit reached for {model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s."
                    ),
                    &headers,
                )
            }
            Answer::Status(500) => error(
                500,
                "server_error",
                "The server had an error while processing your request. Sorry about that!",
                &[],
            ),
            Answer::Status(404) => error(
                404,
                "model_not_found",
                &format!("The model `{model}` does not exist or you do not have access to it."),
                &[],
            ),
            Answer::Status(401) => error(
                401,
                "invalid_api_key",
                "Incorrect API key provided: sk-fake***1234.",
                &[],
            ),
            Answer::Status(status) => error(status, "invalid_request_error", "refused", &[]),
            Answer::Hang => std::future::pending::<Response>().await,
            Answer::ContentFilter => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": {
                    "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
                    "type": null,
                    "param": "prompt",
                    "code": "content_filter",
                    "status": 400,
                    "innererror": {
                        "code": "ResponsibleAIPolicyViolation",
                        "content_filter_result": {"violence": {"filtered": true, "severity": "high"}}
                    }
                }})),
            )
                .into_response(),
        }
    }
}

fn usage(text: &str) -> Value {
    let completion = u32::try_from(text.split_whitespace().count()).unwrap();
    json!({
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": completion,
        "total_tokens": PROMPT_TOKENS + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0
        }
    })
}

fn completion(model: &str, text: &str, finish_reason: &str) -> Response {
    axum::Json(json!({
        "id": "chatcmpl-fake1",
        "object": "chat.completion",
        "created": 1_767_225_600,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": null, "annotations": []},
            "logprobs": null,
            "finish_reason": finish_reason
        }],
        "usage": usage(text),
        "service_tier": "default",
        "system_fingerprint": "fp_fake"
    }))
    .into_response()
}

fn chunk(model: &str, choices: Value, usage: Option<Value>, include_usage: bool) -> Bytes {
    let mut chunk = json!({
        "id": "chatcmpl-fake1",
        "object": "chat.completion.chunk",
        "created": 1_767_225_600,
        "model": model,
        "service_tier": "default",
        "system_fingerprint": "fp_fake",
        "choices": choices
    });
    if include_usage {
        chunk["usage"] = usage.unwrap_or(Value::Null);
    }
    Bytes::from(format!("data: {chunk}\n\n"))
}

/// Each chunk after its wait.
fn stream(
    model: &str,
    chunks: Vec<(Duration, String)>,
    done: bool,
    include_usage: bool,
) -> Response {
    let delta = |delta: Value, finish: Value| json!([{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]);
    let mut events = vec![(
        Duration::ZERO,
        chunk(
            model,
            delta(json!({"role": "assistant", "content": ""}), Value::Null),
            None,
            include_usage,
        ),
    )];
    for (wait, piece) in &chunks {
        events.push((
            *wait,
            chunk(
                model,
                delta(json!({"content": piece}), Value::Null),
                None,
                include_usage,
            ),
        ));
    }
    if done {
        events.push((
            Duration::ZERO,
            chunk(model, delta(json!({}), json!("stop")), None, include_usage),
        ));
        if include_usage {
            let text: String = chunks.iter().map(|(_, c)| c.as_str()).collect();
            let usage = usage(&text);
            events.push((Duration::ZERO, chunk(model, json!([]), Some(usage), true)));
        }
        events.push((Duration::ZERO, Bytes::from_static(b"data: [DONE]\n\n")));
    }
    let body = futures_util::stream::unfold(events.into_iter(), |mut events| async move {
        let (wait, bytes) = events.next()?;
        tokio::time::sleep(wait).await;
        Some((Ok::<_, Infallible>(bytes), events))
    });
    Response::builder()
        .header("content-type", "text/event-stream; charset=utf-8")
        .header("cache-control", "no-cache")
        .body(Body::from_stream(body))
        .unwrap()
}

fn error(status: u16, code: &str, message: &str, headers: &[(&'static str, String)]) -> Response {
    let kind = match status {
        429 => "requests",
        500..=599 => "server_error",
        _ => "invalid_request_error",
    };
    let code = if status == 500 {
        Value::Null
    } else {
        json!(code)
    };
    let mut response = (
        StatusCode::from_u16(status).unwrap(),
        axum::Json(json!({"error": {
            "message": message,
            "type": kind,
            "param": null,
            "code": code
        }})),
    )
        .into_response();
    for (name, value) in headers {
        response.headers_mut().insert(*name, value.parse().unwrap());
    }
    response
}
