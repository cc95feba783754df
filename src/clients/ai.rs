//! The OpenAI-compatible chat client behind the digest summary and idea brainstorming:
//! async-openai's Chat Completions over our own HTTP layer (`transport`), one attempt per call,
//! every failure classified into `AiError`, metrics recorded. Prompts come from `prompts/`
//! (`prompts`). Base URL, key and model come from `settings.openai` only, never from
//! async-openai's own environment defaults. May depend on `settings`, `metrics` and `i18n`.
//!
//! No key configured means no client: callers then use their deterministic fallback. A keyless
//! local server (Ollama, `OPENAI_BASE_URL=http://127.0.0.1:11434/v1`) needs any non-empty key,
//! e.g. `OPENAI_API_KEY=ollama`.

mod anthropic;
mod prompts;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestSystemMessageContent, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, ChatCompletionStreamOptions, CompletionUsage,
    CreateChatCompletionRequest, FinishReason, ResponseFormat, ResponseFormatJsonSchema,
};
use futures_util::StreamExt;
use secrecy::ExposeSecret;

use crate::i18n::Locale;
use crate::metrics::{AiMetrics, Metrics};
use crate::settings::{AiFallback, AiFallbackKind, OpenAi};
use anthropic::Anthropic;

pub use prompts::prompt;

/// Who said a turn of an earlier exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// One earlier message of the conversation, oldest first in `ChatRequest::history`.
#[derive(Clone, PartialEq, Eq)]
pub struct Turn {
    pub role: Role,
    pub text: String,
}

/// Structured output: the answer must be JSON matching `schema` (sent with `strict: true`, so
/// every object needs `additionalProperties: false` and all its properties `required`).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSchema {
    /// `[a-zA-Z0-9_-]{1,64}`.
    pub name: String,
    pub schema: serde_json::Value,
}

/// One generation. Texts are prompts: `Debug` shows their lengths only.
#[derive(Clone)]
pub struct ChatRequest {
    pub system: String,
    /// Earlier turns, between the system prompt and `user`.
    pub history: Vec<Turn>,
    pub user: String,
    /// Sent as `max_tokens` (see `request`).
    pub max_tokens: u32,
    pub temperature: f32,
    pub json_schema: Option<JsonSchema>,
    /// The whole call, connection to last token; past it the call fails with `Timeout`.
    pub timeout: Duration,
}

impl ChatRequest {
    /// Defaults: no history, 400 tokens, temperature 0.7, free text, 30 s.
    pub fn new(system: impl Into<String>, user: impl Into<String>) -> ChatRequest {
        ChatRequest {
            system: system.into(),
            history: Vec::new(),
            user: user.into(),
            max_tokens: 400,
            temperature: 0.7,
            json_schema: None,
            timeout: Duration::from_secs(30),
        }
    }

    /// System prompt `prompts/<locale>/<name>.md`, user message `<name>.user.md`, both filled
    /// from `vars`.
    pub fn from_prompt(
        locale: Locale,
        name: &str,
        vars: &[(&str, &str)],
    ) -> anyhow::Result<ChatRequest> {
        Ok(ChatRequest::new(
            prompt(locale, name, vars)?,
            prompt(locale, &format!("{name}.user"), vars)?,
        ))
    }
}

impl fmt::Debug for ChatRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatRequest")
            .field("system_chars", &self.system.chars().count())
            .field("history_turns", &self.history.len())
            .field("user_chars", &self.user.chars().count())
            .field("max_tokens", &self.max_tokens)
            .field("temperature", &self.temperature)
            .field("json_schema", &self.json_schema.as_ref().map(|s| &s.name))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl fmt::Debug for Turn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Turn")
            .field("role", &self.role)
            .field("chars", &self.text.chars().count())
            .finish()
    }
}

/// A finished generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    /// As the provider reported them (a stream reports them only with `include_usage`).
    pub prompt_tokens: Option<u32>,
    pub completion_tokens: Option<u32>,
    pub latency: Duration,
    /// `stop` normally; `None` when the provider did not say.
    pub finish_reason: Option<String>,
}

/// Why a generation failed. Every variant means "no usable text": callers fall back.
#[derive(Debug, thiserror::Error)]
pub enum AiError {
    #[error("the AI provider did not finish in time")]
    Timeout,
    #[error("the AI provider is rate limiting us (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx, refused or broken connection.
    #[error("the AI provider is unavailable: {0}")]
    Unavailable(String),
    /// The prompt or the answer was filtered (finish_reason `content_filter`, a 400
    /// `content_filter`, or a refusal instead of an answer).
    #[error("the AI provider filtered the prompt or the answer")]
    ContentFilter,
    #[error("the AI provider does not serve the model {0:?} (OPENAI_MODEL)")]
    ModelNotFound(String),
    /// The answer is incomplete: finish_reason `length`, or the stream ended before the model
    /// finished.
    #[error("the answer was cut short: {0}")]
    Truncated(String),
    #[error("unexpected AI provider answer: {0}")]
    Other(String),
}

impl AiError {
    /// The `outcome` label of `ai_requests_total`.
    pub fn outcome(&self) -> &'static str {
        match self {
            AiError::Timeout => "timeout",
            AiError::RateLimited { .. } => "rate_limited",
            AiError::Unavailable(_) => "unavailable",
            AiError::ContentFilter => "content_filter",
            AiError::ModelNotFound(_) => "model_not_found",
            AiError::Truncated(_) => "truncated",
            AiError::Other(_) => "other",
        }
    }

    /// Worth trying again later with the same request.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            AiError::Timeout | AiError::RateLimited { .. } | AiError::Unavailable(_)
        )
    }
}

const OUTCOMES: [&str; 8] = [
    "ok",
    "timeout",
    "rate_limited",
    "unavailable",
    "content_filter",
    "model_not_found",
    "truncated",
    "other",
];

/// The chat client; cheap to clone. With `AI_FALLBACK_*` set, a call the primary provider fails
/// (anything but a content filter, which another model would likely apply too) is asked once of
/// the fallback provider, same prompt, same output rules; streaming starts over there (the
/// callback receives the fallback's text from its first piece, replacing the primary's partial
/// text).
#[derive(Clone)]
pub struct AiClient {
    client: Client<OpenAIConfig>,
    base_url: String,
    model: String,
    metrics: AiMetrics,
    fallback: Option<Arc<Fallback>>,
}

/// The second provider.
enum Fallback {
    OpenAi(Box<AiClient>),
    Anthropic(Anthropic),
}

impl Fallback {
    fn model(&self) -> &str {
        match self {
            Fallback::OpenAi(c) => &c.model,
            Fallback::Anthropic(a) => &a.model,
        }
    }
}

impl fmt::Debug for AiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AiClient")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

impl AiClient {
    /// The client for `settings.openai`, or `None` when no API key is set (or it cannot be sent
    /// in a header, which is logged): callers then use their deterministic fallback.
    pub fn from_settings(
        openai: &OpenAi,
        fallback: Option<&AiFallback>,
        metrics: &Metrics,
    ) -> Option<AiClient> {
        let mut client = AiClient::openai(openai, metrics)?;
        client.fallback = fallback.and_then(|f| {
            let built = match f.kind {
                AiFallbackKind::OpenAi => AiClient::openai(
                    &OpenAi {
                        base_url: f.base_url.clone(),
                        api_key: Some(f.api_key.clone()),
                        model: f.model.clone(),
                        daily_token_budget: None,
                    },
                    metrics,
                )
                .map(|c| Fallback::OpenAi(Box::new(c))),
                AiFallbackKind::Anthropic => http_client().map(|http| {
                    Fallback::Anthropic(Anthropic::new(
                        http,
                        f.base_url.as_str(),
                        f.api_key.clone(),
                        f.model.clone(),
                    ))
                }),
            };
            built.map(Arc::new)
        });
        for provider in ["primary", "fallback"] {
            client.metrics.answers.with_label_values(&[provider]);
        }
        Some(client)
    }

    /// A client for one OpenAI-compatible provider, without fallback.
    fn openai(openai: &OpenAi, metrics: &Metrics) -> Option<AiClient> {
        let key = openai.api_key.as_ref()?.expose_secret().trim();
        if key.is_empty() {
            return None;
        }
        if reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")).is_err() {
            tracing::error!(
                "OPENAI_API_KEY holds characters an HTTP header cannot carry; AI features use their fallback"
            );
            return None;
        }
        let http = http_client()?;
        let base_url = openai.base_url.as_str().trim_end_matches('/').to_owned();
        // Every field set explicitly: `OpenAIConfig::new()` reads OPENAI_* variables itself.
        let config = OpenAIConfig::new()
            .with_api_base(&base_url)
            .with_api_key(key)
            .with_org_id("")
            .with_project_id("");
        let client =
            Client::build(http.clone(), config).with_http_service(transport::service(http));
        let metrics = metrics.ai.clone();
        // Every series exists from the start, at zero.
        for outcome in OUTCOMES {
            metrics.requests.with_label_values(&[outcome]);
        }
        for kind in ["prompt", "completion"] {
            metrics.tokens.with_label_values(&[kind]);
        }
        Some(AiClient {
            client,
            base_url,
            model: openai.model.clone(),
            metrics,
            fallback: None,
        })
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// One generation, answered in one piece (by the fallback provider when the primary fails).
    pub async fn complete(&self, req: &ChatRequest) -> Result<Completion, AiError> {
        let result = self.complete_here(req).await;
        let Some(fallback) = self.fallback_after(&result) else {
            return self.answered(result, "primary");
        };
        let started = Instant::now();
        let result = match fallback {
            Fallback::OpenAi(c) => c.complete_here(req).await,
            Fallback::Anthropic(a) => {
                let result = tokio::time::timeout(req.timeout, a.complete(req, started))
                    .await
                    .unwrap_or(Err(AiError::Timeout));
                record(&self.metrics, &a.model, "complete", &result, started);
                result
            }
        };
        self.answered(result, "fallback")
    }

    /// One generation streamed over SSE. `on_text` receives the whole text so far after each
    /// piece that adds to it (ready to replace an edited message; throttling edits is the
    /// caller's business). On an error the text already shown is incomplete. When the primary
    /// fails the fallback streams from the start: `on_text` then restarts with its text.
    pub async fn stream(
        &self,
        req: &ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, AiError> {
        let result = self.stream_here(req, on_text).await;
        let Some(fallback) = self.fallback_after(&result) else {
            return self.answered(result, "primary");
        };
        let started = Instant::now();
        let result = match fallback {
            Fallback::OpenAi(c) => c.stream_here(req, on_text).await,
            Fallback::Anthropic(a) => {
                let result = tokio::time::timeout(req.timeout, a.stream(req, on_text, started))
                    .await
                    .unwrap_or(Err(AiError::Timeout));
                record(&self.metrics, &a.model, "stream", &result, started);
                result
            }
        };
        self.answered(result, "fallback")
    }

    /// The fallback to ask after `result`, if any.
    fn fallback_after(&self, result: &Result<Completion, AiError>) -> Option<&Fallback> {
        let fallback = self.fallback.as_deref()?;
        match result {
            Err(e) if !matches!(e, AiError::ContentFilter) => {
                tracing::warn!(
                    primary = %self.model,
                    fallback = %fallback.model(),
                    error = %e,
                    "the primary AI provider failed; asking the fallback"
                );
                Some(fallback)
            }
            _ => None,
        }
    }

    /// Counts an answer used, by the provider that gave it.
    fn answered(
        &self,
        result: Result<Completion, AiError>,
        provider: &'static str,
    ) -> Result<Completion, AiError> {
        if result.is_ok() {
            self.metrics.answers.with_label_values(&[provider]).inc();
            tracing::info!(provider, "AI answer");
        }
        result
    }

    async fn complete_here(&self, req: &ChatRequest) -> Result<Completion, AiError> {
        let started = Instant::now();
        let result = tokio::time::timeout(req.timeout, self.complete_within(req, started))
            .await
            .unwrap_or(Err(AiError::Timeout));
        record(&self.metrics, &self.model, "complete", &result, started);
        result
    }

    async fn stream_here(
        &self,
        req: &ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, AiError> {
        let started = Instant::now();
        let result = tokio::time::timeout(req.timeout, self.stream_within(req, on_text, started))
            .await
            .unwrap_or(Err(AiError::Timeout));
        record(&self.metrics, &self.model, "stream", &result, started);
        result
    }

    async fn complete_within(
        &self,
        req: &ChatRequest,
        started: Instant,
    ) -> Result<Completion, AiError> {
        let answer = self
            .client
            .chat()
            .create(self.request(req, false))
            .await
            .map_err(|e| transport::classify(e, &self.model))?;
        self.count_tokens(answer.usage.as_ref());
        let choice = answer
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| AiError::Other("the answer has no choices".into()))?;
        let text = choice.message.content.unwrap_or_default();
        let refused = choice.message.refusal.is_some_and(|r| !r.is_empty());
        finish(
            text,
            choice.finish_reason,
            refused,
            answer.usage.as_ref(),
            started,
        )
    }

    async fn stream_within(
        &self,
        req: &ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
        started: Instant,
    ) -> Result<Completion, AiError> {
        let mut stream = self
            .client
            .chat()
            .create_stream(self.request(req, true))
            .await
            .map_err(|e| transport::classify(e, &self.model))?;
        let mut text = String::new();
        let mut finish_reason = None;
        let mut refused = false;
        let mut usage = None;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    self.count_tokens(usage.as_ref());
                    return Err(transport::classify(e, &self.model));
                }
            };
            if chunk.usage.is_some() {
                usage = chunk.usage;
            }
            // We ask for one choice; a server that sends more gets its first one read.
            for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
                if let Some(piece) = choice.delta.content.filter(|p| !p.is_empty()) {
                    text.push_str(&piece);
                    on_text(&text);
                }
                refused |= choice.delta.refusal.is_some_and(|r| !r.is_empty());
                if choice.finish_reason.is_some() {
                    finish_reason = choice.finish_reason;
                }
            }
        }
        self.count_tokens(usage.as_ref());
        // async-openai ends the stream at `data: [DONE]` and also when the body simply ends, so
        // [DONE] itself is not observable: a finish_reason is the proof the model finished.
        // (A stream cut between the last chunk and [DONE] only loses the usage numbers.)
        if finish_reason.is_none() && !refused {
            return Err(AiError::Truncated(
                "the stream ended before the model finished".into(),
            ));
        }
        finish(text, finish_reason, refused, usage.as_ref(), started)
    }

    /// The wire request. `max_tokens` rather than `max_completion_tokens`: every
    /// OpenAI-compatible server (Ollama, vLLM, LM Studio) honours it, and the reasoning models
    /// that insist on the new name also refuse a temperature, which every caller sets.
    fn request(&self, req: &ChatRequest, stream: bool) -> CreateChatCompletionRequest {
        let mut messages = Vec::with_capacity(req.history.len() + 2);
        if !req.system.is_empty() {
            messages.push(ChatCompletionRequestMessage::System(
                ChatCompletionRequestSystemMessage {
                    content: ChatCompletionRequestSystemMessageContent::Text(req.system.clone()),
                    name: None,
                },
            ));
        }
        for turn in &req.history {
            messages.push(match turn.role {
                Role::User => user_message(&turn.text),
                Role::Assistant => {
                    ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage {
                        content: Some(ChatCompletionRequestAssistantMessageContent::Text(
                            turn.text.clone(),
                        )),
                        ..Default::default()
                    })
                }
            });
        }
        messages.push(user_message(&req.user));
        #[expect(
            deprecated,
            reason = "max_tokens is the field every compatible server reads"
        )]
        CreateChatCompletionRequest {
            model: self.model.clone(),
            messages,
            max_tokens: Some(req.max_tokens),
            temperature: Some(req.temperature),
            response_format: req
                .json_schema
                .as_ref()
                .map(|s| ResponseFormat::JsonSchema {
                    json_schema: ResponseFormatJsonSchema {
                        name: s.name.clone(),
                        schema: s.schema.clone(),
                        strict: Some(true),
                        description: None,
                    },
                }),
            stream: stream.then_some(true),
            stream_options: stream.then_some(ChatCompletionStreamOptions {
                include_usage: Some(true),
                include_obfuscation: None,
            }),
            ..Default::default()
        }
    }

    fn count_tokens(&self, usage: Option<&CompletionUsage>) {
        if let Some(u) = usage {
            let tokens = &self.metrics.tokens;
            tokens
                .with_label_values(&["prompt"])
                .inc_by(u.prompt_tokens.into());
            tokens
                .with_label_values(&["completion"])
                .inc_by(u.completion_tokens.into());
        }
    }
}

/// Metrics and a log line without the prompt or the answer. Tokens reported by the provider are
/// counted here for every provider.
fn record(
    metrics: &AiMetrics,
    model: &str,
    mode: &str,
    result: &Result<Completion, AiError>,
    started: Instant,
) {
    let outcome = match result {
        Ok(c) => {
            metrics.generation_seconds.observe(c.latency.as_secs_f64());
            tracing::debug!(
                model,
                mode,
                latency_ms = c.latency.as_millis() as u64,
                prompt_tokens = c.prompt_tokens,
                completion_tokens = c.completion_tokens,
                "AI generation done"
            );
            "ok"
        }
        Err(e) => {
            tracing::info!(
                model,
                mode,
                elapsed_ms = started.elapsed().as_millis() as u64,
                error = %e,
                "AI generation failed"
            );
            e.outcome()
        }
    };
    metrics.requests.with_label_values(&[outcome]).inc();
}

/// The HTTP client every AI provider is called through (no redirects: a key never follows one).
fn http_client() -> Option<reqwest::Client> {
    match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .build()
    {
        Ok(http) => Some(http),
        Err(e) => {
            tracing::error!(error = %e, "the AI HTTP client did not build; AI features use their fallback");
            None
        }
    }
}

fn user_message(text: &str) -> ChatCompletionRequestMessage {
    ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
        content: ChatCompletionRequestUserMessageContent::Text(text.to_owned()),
        name: None,
    })
}

/// The verdict on a finished answer, shared by both modes.
fn finish(
    text: String,
    reason: Option<FinishReason>,
    refused: bool,
    usage: Option<&CompletionUsage>,
    started: Instant,
) -> Result<Completion, AiError> {
    match reason {
        Some(FinishReason::Length) => {
            return Err(AiError::Truncated("the token limit was reached".into()));
        }
        Some(FinishReason::ContentFilter) => return Err(AiError::ContentFilter),
        Some(FinishReason::ToolCalls | FinishReason::FunctionCall) => {
            return Err(AiError::Other(
                "the model called a tool we did not offer".into(),
            ));
        }
        Some(FinishReason::Stop) | None => {}
    }
    if text.trim().is_empty() {
        return Err(if refused {
            AiError::ContentFilter
        } else {
            AiError::Other("the answer has no text".into())
        });
    }
    Ok(Completion {
        text,
        prompt_tokens: usage.map(|u| u.prompt_tokens),
        completion_tokens: usage.map(|u| u.completion_tokens),
        latency: started.elapsed(),
        finish_reason: reason.map(finish_reason_name),
    })
}

fn finish_reason_name(reason: FinishReason) -> String {
    match reason {
        FinishReason::Stop => "stop",
        FinishReason::Length => "length",
        FinishReason::ToolCalls => "tool_calls",
        FinishReason::ContentFilter => "content_filter",
        FinishReason::FunctionCall => "function_call",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_outcome_is_a_known_label() {
        let errors = [
            AiError::Timeout,
            AiError::RateLimited { retry_after: None },
            AiError::Unavailable(String::new()),
            AiError::ContentFilter,
            AiError::ModelNotFound(String::new()),
            AiError::Truncated(String::new()),
            AiError::Other(String::new()),
        ];
        for e in errors {
            assert!(OUTCOMES.contains(&e.outcome()), "{}", e.outcome());
        }
    }

    #[test]
    fn debug_output_carries_no_prompt_text() {
        let mut req = ChatRequest::new("secret system words", "secret user words");
        req.history.push(Turn {
            role: Role::Assistant,
            text: "secret earlier words".into(),
        });
        let shown = format!("{req:?} {:?}", req.history);
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("user_chars: 17"), "{shown}");
    }

    #[test]
    fn a_blank_key_means_no_client() {
        let metrics = Metrics::new().unwrap();
        let mut openai = OpenAi {
            base_url: url::Url::parse("http://127.0.0.1:9/v1").unwrap(),
            api_key: None,
            model: "m".into(),
            daily_token_budget: None,
        };
        assert!(AiClient::from_settings(&openai, None, &metrics).is_none());
        openai.api_key = Some("  ".to_owned().into());
        assert!(AiClient::from_settings(&openai, None, &metrics).is_none());
        openai.api_key = Some("bad\nkey".to_owned().into());
        assert!(AiClient::from_settings(&openai, None, &metrics).is_none());
    }

    #[test]
    fn the_request_has_the_history_between_system_and_user() {
        let metrics = Metrics::new().unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let openai = OpenAi {
            base_url: url::Url::parse("http://127.0.0.1:9/v1").unwrap(),
            api_key: Some("k".to_owned().into()),
            model: "m".into(),
            daily_token_budget: None,
        };
        let client = AiClient::from_settings(&openai, None, &metrics).unwrap();
        let mut req = ChatRequest::new("sys", "now");
        req.history = vec![
            Turn {
                role: Role::User,
                text: "before".into(),
            },
            Turn {
                role: Role::Assistant,
                text: "reply".into(),
            },
        ];
        let wire = serde_json::to_value(client.request(&req, false)).unwrap();
        let roles: Vec<_> = wire["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
            .collect();
        assert_eq!(
            roles,
            [
                ("system", "sys"),
                ("user", "before"),
                ("assistant", "reply"),
                ("user", "now")
            ]
        );
        assert!(wire.get("stream").is_none() && wire.get("stream_options").is_none());
    }
}
