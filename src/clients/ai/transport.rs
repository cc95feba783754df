//! The HTTP layer under async-openai and the classification of every failure into `AiError`.
//!
//! async-openai's default executor retries 429, 5xx and connection errors three times with its own
//! backoff (sleeping whatever `Retry-After` says) and drops the response headers on error. We
//! install our own tower service instead: one attempt per call (the digest job and the chat
//! caller decide what to do next), and a refused answer becomes a `Refused` that keeps the status,
//! `Retry-After` and the provider's error code.

use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::AiError;
use crate::clients::Observed;
use crate::metrics::Api;

/// The service async-openai sends every request through.
pub(super) fn service(
    http: reqwest::Client,
) -> impl tower::Service<
    HttpRequestFactory,
    Response = reqwest::Response,
    Error = OpenAIError,
    Future = impl Future<Output = Result<reqwest::Response, OpenAIError>> + Send + 'static,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::service_fn(move |factory: HttpRequestFactory| {
        let http = http.clone();
        async move {
            let request = factory.build().await?;
            let response = http
                .execute(request)
                .await
                .observed(Api::Ai)
                .map_err(OpenAIError::Reqwest)?;
            if response.status().is_success() {
                return Ok(response);
            }
            Err(OpenAIError::Boxed(Box::new(Refused::read(response).await)))
        }
    })
}

/// A non-2xx answer, as the provider gave it.
#[derive(Debug, thiserror::Error)]
#[error("status {status} ({code:?})")]
pub(super) struct Refused {
    status: u16,
    retry_after: Option<Duration>,
    /// `error.code` (or `error.type` when there is no code), e.g. `model_not_found`.
    code: Option<String>,
    /// `error.message`; absent when the body was not an error object.
    message: Option<String>,
}

impl Refused {
    pub(super) async fn read(response: reqwest::Response) -> Refused {
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers(), chrono::Utc::now());
        // An unreadable body still leaves the status to classify by.
        let body = response.bytes().await.unwrap_or_default();
        let (code, message) = error_fields(&body);
        Refused {
            status,
            retry_after,
            code,
            message,
        }
    }

    pub(super) fn classify(&self, model: &str) -> AiError {
        let code = self.code.as_deref().unwrap_or_default();
        match (self.status, code) {
            // Azure OpenAI refuses a filtered prompt with 400 content_filter.
            (_, "content_filter") => AiError::ContentFilter,
            (_, "model_not_found") => AiError::ModelNotFound(model.to_owned()),
            // A 429 for an exhausted balance: waiting does not help.
            (429, "insufficient_quota") => {
                AiError::Other("the provider account has no quota left (insufficient_quota)".into())
            }
            (429, _) => AiError::RateLimited {
                retry_after: self.retry_after,
            },
            // OpenAI and Ollama answer an unknown model with 404 and an error object; a bare 404
            // (no error object) is a wrong base URL instead.
            (404, _) if self.message.is_some() => AiError::ModelNotFound(model.to_owned()),
            (404, _) => AiError::Other(
                "404 without an error object: check OPENAI_BASE_URL (it includes /v1)".into(),
            ),
            (500..=599, _) => AiError::Unavailable(format!("status {}", self.status)),
            // The provider's message could quote part of the key: leave it out.
            (401 | 403, _) => AiError::Other(format!(
                "the provider refused the API key (status {})",
                self.status
            )),
            (status, code) => AiError::Other(format!(
                "status {status} {code}: {}",
                self.message.as_deref().unwrap_or("no error message")
            )),
        }
    }
}

/// `error.code`/`error.type` and `error.message` of an OpenAI-style error body; also reads the
/// unwrapped shape some compatible servers (vLLM) send, and numeric codes.
fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    let error = match value.get("error") {
        Some(e) if e.is_object() => e,
        _ => &value,
    };
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let code = text(error.get("code"))
        .filter(|c| c.parse::<u16>().is_err())
        .or_else(|| text(error.get("type")));
    let message = text(error.get("message"));
    (code, message)
}

/// `retry-after-ms` (OpenAI sends it), else `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && let Ok(d) = Duration::try_from_secs_f64(ms / 1000.0)
    {
        return Some(d);
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or_default(),
    )
}

/// Maps what async-openai returned before the answer started.
pub(super) fn classify(error: OpenAIError, model: &str) -> AiError {
    match error {
        OpenAIError::Boxed(boxed) => match boxed.downcast::<Refused>() {
            Ok(refused) => refused.classify(model),
            Err(other) => AiError::Other(other.to_string()),
        },
        OpenAIError::Reqwest(e) if e.is_builder() => AiError::Other(format!("request: {e}")),
        // Refused connection, reset before the answer, connect timeout, body cut: try later.
        OpenAIError::Reqwest(e) => AiError::Unavailable(transport_reason(&e)),
        // Our service turns every non-2xx into `Refused`; kept for completeness.
        OpenAIError::ApiError(api) => Refused {
            status: api.status_code.as_u16(),
            retry_after: None,
            code: api.api_error.code.or(api.api_error.r#type),
            message: Some(api.api_error.message),
        }
        .classify(model),
        OpenAIError::StreamError(e) => AiError::Truncated(format!("the stream broke: {e}")),
        OpenAIError::JSONDeserialize(e, content) => in_band_error(&content, model)
            .unwrap_or_else(|| AiError::Other(format!("not a chat completion: {e}"))),
        other => AiError::Other(other.to_string()),
    }
}

/// An error object sent where a chunk was expected (OpenAI does this mid-stream).
fn in_band_error(content: &str, model: &str) -> Option<AiError> {
    let (code, message) = error_fields(content.as_bytes());
    let code = code?;
    let status = match code.as_str() {
        "rate_limit_exceeded" => 429,
        "server_error" | "service_unavailable" => 500,
        _ => 400,
    };
    Some(
        Refused {
            status,
            retry_after: None,
            code: Some(code),
            message,
        }
        .classify(model),
    )
}

fn transport_reason(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "cannot connect".into()
    } else if e.is_timeout() {
        "the connection timed out".into()
    } else if e.is_body() || e.is_decode() {
        "the answer broke off".into()
    } else {
        "the connection failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_after_reads_milliseconds_seconds_and_dates() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
        let ms = headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]);
        assert_eq!(retry_after(&ms, now), Some(Duration::from_millis(1500)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        let date = headers(&[("retry-after", "Mon, 02 Mar 2026 08:00:30 GMT")]);
        assert_eq!(retry_after(&date, now), Some(Duration::from_secs(30)));
        let past = headers(&[("retry-after", "Mon, 02 Mar 2026 07:00:00 GMT")]);
        assert_eq!(retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-3")]), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn error_bodies_of_openai_ollama_and_vllm_are_read() {
        let openai = br#"{"error":{"message":"The model `x` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#;
        assert_eq!(
            error_fields(openai),
            (
                Some("model_not_found".into()),
                Some("The model `x` does not exist".into())
            )
        );
        let ollama = br#"{"error":{"message":"model \"x\" not found, try pulling it first","type":"api_error","param":null,"code":null}}"#;
        assert_eq!(error_fields(ollama).0.as_deref(), Some("api_error"));
        let vllm = br#"{"object":"error","message":"bad","type":"BadRequestError","param":null,"code":400}"#;
        assert_eq!(
            error_fields(vllm),
            (Some("BadRequestError".into()), Some("bad".into()))
        );
        assert_eq!(error_fields(b"404 page not found"), (None, None));
    }

    #[test]
    fn refusals_are_classified() {
        let refused = |status, code: Option<&str>, message: Option<&str>| Refused {
            status,
            retry_after: Some(Duration::from_secs(3)),
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
        };
        let m = "gpt-4o-mini";
        assert!(matches!(
            refused(429, Some("rate_limit_exceeded"), Some("slow down")).classify(m),
            AiError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(3)
        ));
        assert!(matches!(
            refused(429, Some("insufficient_quota"), Some("pay")).classify(m),
            AiError::Other(_)
        ));
        assert!(matches!(
            refused(400, Some("content_filter"), Some("filtered")).classify(m),
            AiError::ContentFilter
        ));
        assert!(matches!(
            refused(404, Some("api_error"), Some("model not found")).classify(m),
            AiError::ModelNotFound(name) if name == m
        ));
        assert!(matches!(
            refused(404, None, None).classify(m),
            AiError::Other(s) if s.contains("OPENAI_BASE_URL")
        ));
        assert!(matches!(
            refused(503, None, None).classify(m),
            AiError::Unavailable(_)
        ));
        let key = refused(
            401,
            Some("invalid_api_key"),
            Some("Incorrect API key sk-ab***yz"),
        );
        assert!(matches!(key.classify(m), AiError::Other(s) if !s.contains("sk-")));
    }

    #[test]
    fn an_error_object_mid_stream_is_classified() {
        let content =
            r#"{"error":{"message":"overloaded","type":"server_error","code":"server_error"}}"#;
        assert!(matches!(
            in_band_error(content, "m"),
            Some(AiError::Unavailable(_))
        ));
        assert!(in_band_error(r#"{"id":"x"}"#, "m").is_none());
    }
}
