//! The AI client through the real async-openai against a fake OpenAI-compatible server
//! (`ai/fake.rs`): answers, streams, every failure class, what the request carries, metrics.
//! No database.

pub mod anthropic_fake;
pub mod fake;
mod fallback;

use std::time::{Duration, Instant};

use creatorpilot::clients::ai::{AiClient, AiError, ChatRequest, JsonSchema, Role, Turn};
use creatorpilot::i18n::Locale;
use creatorpilot::metrics::Metrics;
use serde_json::json;

use fake::{Answer, FakeAi, PROMPT_TOKENS};

const KEY: &str = "sk-test-from-settings";
const MODEL: &str = "gpt-test-mini";

struct Setup {
    fake: FakeAi,
    client: AiClient,
    metrics: Metrics,
    _dir: tempfile::TempDir,
}

/// A client built from settings that point at a fake answering `script`.
async fn setup(script: Vec<Answer>) -> Setup {
    let fake = FakeAi::start(script).await;
    with_base_url(fake, None).await
}

async fn with_base_url(fake: FakeAi, base_url: Option<&str>) -> Setup {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let settings = crate::support::settings(
        dir.path(),
        &[
            ("OPENAI_BASE_URL", base_url.unwrap_or(&fake.base_url)),
            ("OPENAI_API_KEY", KEY),
            ("OPENAI_MODEL", MODEL),
        ],
    );
    let metrics = Metrics::new().unwrap();
    let client = AiClient::from_settings(&settings.openai, settings.ai_fallback.as_ref(), &metrics)
        .expect("a key is set");
    Setup {
        fake,
        client,
        metrics,
        _dir: dir,
    }
}

fn request() -> ChatRequest {
    let mut req = ChatRequest::new("You summarize numbers.", "views: 1200 (+12%)");
    req.max_tokens = 120;
    req.temperature = 0.3;
    req.timeout = Duration::from_secs(5);
    req
}

fn metric(s: &Setup, line_start: &str) -> Option<String> {
    s.metrics
        .render()
        .lines()
        .find(|l| l.starts_with(line_start))
        .map(str::to_owned)
}

#[tokio::test]
async fn complete_returns_the_text_its_usage_and_finish_reason() {
    let s = setup(vec![Answer::Json(
        "Your views rose to 1,200 this week.".into(),
    )])
    .await;
    let done = s.client.complete(&request()).await.unwrap();
    assert_eq!(done.text, "Your views rose to 1,200 this week.");
    assert_eq!(done.prompt_tokens, Some(PROMPT_TOKENS));
    assert_eq!(done.completion_tokens, Some(7));
    assert_eq!(done.finish_reason.as_deref(), Some("stop"));
    assert!(done.latency > Duration::ZERO);
}

#[tokio::test]
async fn the_request_carries_model_limits_and_key_from_settings() {
    let s = setup(vec![Answer::Json("ok".into())]).await;
    let mut req = request();
    req.history = vec![
        Turn {
            role: Role::User,
            text: "Ideas about bread?".into(),
        },
        Turn {
            role: Role::Assistant,
            text: "Sourdough in 60 seconds.".into(),
        },
    ];
    s.client.complete(&req).await.unwrap();
    let sent = s.fake.only_request();
    assert_eq!(
        sent.authorization.as_deref(),
        Some("Bearer sk-test-from-settings")
    );
    let body = sent.body;
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["max_tokens"], 120);
    assert!(
        (body["temperature"].as_f64().unwrap() - 0.3).abs() < 1e-6,
        "{body}"
    );
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "You summarize numbers."},
            {"role": "user", "content": "Ideas about bread?"},
            {"role": "assistant", "content": "Sourdough in 60 seconds."},
            {"role": "user", "content": "views: 1200 (+12%)"}
        ])
    );
    assert!(body.get("stream").is_none(), "{body}");
    assert!(body.get("response_format").is_none(), "{body}");
}

#[tokio::test]
async fn a_json_schema_is_sent_as_a_strict_response_format() {
    let s = setup(vec![Answer::Json(r#"{"ideas":["a","b"]}"#.into())]).await;
    let schema = json!({
        "type": "object",
        "properties": {"ideas": {"type": "array", "items": {"type": "string"}}},
        "required": ["ideas"],
        "additionalProperties": false
    });
    let mut req = request();
    req.json_schema = Some(JsonSchema {
        name: "ideas".into(),
        schema: schema.clone(),
    });
    let done = s.client.complete(&req).await.unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&done.text).unwrap();
    assert_eq!(parsed["ideas"][1], "b");
    assert_eq!(
        s.fake.only_request().body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "ideas", "schema": schema, "strict": true}})
    );
}

#[tokio::test]
async fn the_digest_prompt_reaches_the_server_in_the_creators_language() {
    let s = setup(vec![Answer::Json("Vos vues ont progressé.".into())]).await;
    let facts = "- vues : 1 200 (+12 %)\n- abonnés : 3 400 (+25)";
    let mut req =
        ChatRequest::from_prompt(Locale::Fr, "digest_summary", &[("facts", facts)]).unwrap();
    req.timeout = Duration::from_secs(5);
    s.client.complete(&req).await.unwrap();
    let messages = s.fake.only_request().body["messages"].clone();
    let system = messages[0]["content"].as_str().unwrap();
    assert!(system.contains("en français"), "{system}");
    assert!(system.contains("emoji"), "{system}");
    let user = messages[1]["content"].as_str().unwrap();
    assert!(user.ends_with(facts), "{user}");
}

#[tokio::test]
async fn a_stream_delivers_growing_text_as_it_arrives_then_the_usage() {
    let chunks = ["Your views ", "rose 12% ", "this week."];
    let s = setup(vec![Answer::Stream {
        chunks: chunks.iter().map(|c| (*c).to_owned()).collect(),
        delay_between: Duration::from_millis(150),
        done: true,
    }])
    .await;
    let mut seen: Vec<(String, Instant)> = Vec::new();
    let done = s
        .client
        .stream(&request(), &mut |text: &str| {
            seen.push((text.to_owned(), Instant::now()));
        })
        .await
        .unwrap();
    let texts: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Your views ",
            "Your views rose 12% ",
            "Your views rose 12% this week."
        ]
    );
    // The first piece was shown while the rest was still on its way.
    assert!(
        seen[2].1 - seen[0].1 >= Duration::from_millis(250),
        "{:?}",
        seen[2].1 - seen[0].1
    );
    assert_eq!(done.text, "Your views rose 12% this week.");
    assert_eq!(done.finish_reason.as_deref(), Some("stop"));
    assert_eq!(done.prompt_tokens, Some(PROMPT_TOKENS));
    assert_eq!(done.completion_tokens, Some(6));
    let body = s.fake.only_request().body;
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn a_stream_cut_before_the_end_is_truncated() {
    let s = setup(vec![Answer::Stream {
        chunks: vec!["Your views ".into(), "rose".into()],
        delay_between: Duration::from_millis(10),
        done: false,
    }])
    .await;
    let mut last = String::new();
    let e = s
        .client
        .stream(&request(), &mut |text: &str| last = text.to_owned())
        .await
        .unwrap_err();
    assert!(matches!(e, AiError::Truncated(_)), "{e:?}");
    assert_eq!(last, "Your views rose");
}

#[tokio::test]
async fn the_token_limit_reached_is_truncated() {
    let s = setup(vec![Answer::Finish {
        text: "Your views rose to".into(),
        finish_reason: "length",
    }])
    .await;
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(matches!(e, AiError::Truncated(_)), "{e:?}");
    // The tokens were spent all the same.
    assert_eq!(
        metric(&s, "creatorpilot_ai_tokens_total{kind=\"completion\"}").as_deref(),
        Some("creatorpilot_ai_tokens_total{kind=\"completion\"} 4")
    );
}

#[tokio::test]
async fn a_429_is_rate_limited_with_its_retry_after_and_not_retried() {
    let s = setup(vec![
        Answer::RateLimited {
            retry_after_secs: Some(7),
        },
        Answer::RateLimited {
            retry_after_secs: None,
        },
    ])
    .await;
    let started = Instant::now();
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(
        matches!(e, AiError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(7)),
        "{e:?}"
    );
    // One attempt: async-openai's own retry (sleeping the 7 s) is not in the way.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(s.fake.requests().len(), 1);
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(
        matches!(e, AiError::RateLimited { retry_after: None }),
        "{e:?}"
    );
    assert!(e.is_transient());
}

#[tokio::test]
async fn a_500_is_unavailable_after_one_attempt() {
    let s = setup(vec![Answer::Status(500), Answer::Json("late".into())]).await;
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(matches!(e, AiError::Unavailable(_)), "{e:?}");
    assert_eq!(s.fake.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let fake = FakeAi::start(vec![]).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/v1", listener.local_addr().unwrap())
    };
    let s = with_base_url(fake, Some(&closed)).await;
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(matches!(e, AiError::Unavailable(_)), "{e:?}");
}

#[tokio::test]
async fn an_unknown_model_is_model_not_found() {
    let s = setup(vec![Answer::Status(404)]).await;
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(
        matches!(&e, AiError::ModelNotFound(m) if m == MODEL),
        "{e:?}"
    );
    assert!(!e.is_transient());
}

#[tokio::test]
async fn a_base_url_without_v1_says_so() {
    let fake = FakeAi::start(vec![]).await;
    let root = fake.base_url.trim_end_matches("/v1").to_owned();
    let s = with_base_url(fake, Some(&root)).await;
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(
        matches!(&e, AiError::Other(m) if m.contains("OPENAI_BASE_URL")),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_rejected_key_is_reported_without_the_providers_message() {
    let s = setup(vec![Answer::Status(401)]).await;
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(
        matches!(&e, AiError::Other(m) if m.contains("API key") && !m.contains("sk-")),
        "{e:?}"
    );
}

#[tokio::test]
async fn filtered_prompts_and_answers_are_content_filter() {
    let s = setup(vec![
        Answer::ContentFilter,
        Answer::Finish {
            text: String::new(),
            finish_reason: "content_filter",
        },
    ])
    .await;
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(matches!(e, AiError::ContentFilter), "{e:?}");
    let e = s.client.complete(&request()).await.unwrap_err();
    assert!(matches!(e, AiError::ContentFilter), "{e:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_on_time() {
    let s = setup(vec![Answer::Hang]).await;
    let mut req = request();
    req.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let e = s.client.complete(&req).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(e, AiError::Timeout), "{e:?}");
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

#[tokio::test]
async fn a_stream_that_stalls_times_out_with_the_text_so_far_shown() {
    let s = setup(vec![Answer::Stream {
        chunks: vec!["Your views ".into(), "never come".into()],
        delay_between: Duration::from_secs(30),
        done: true,
    }])
    .await;
    let mut req = request();
    req.timeout = Duration::from_millis(300);
    let mut last = String::new();
    let started = Instant::now();
    let e = s
        .client
        .stream(&req, &mut |text: &str| last = text.to_owned())
        .await
        .unwrap_err();
    assert!(matches!(e, AiError::Timeout), "{e:?}");
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(last, "Your views ");
}

#[tokio::test]
async fn metrics_count_outcomes_tokens_and_generation_time() {
    let s = setup(vec![
        Answer::Json("one two three".into()),
        Answer::RateLimited {
            retry_after_secs: Some(1),
        },
        Answer::Status(500),
        Answer::Stream {
            chunks: vec!["four ".into(), "five".into()],
            delay_between: Duration::ZERO,
            done: true,
        },
        Answer::Hang,
    ])
    .await;
    assert_eq!(
        metric(&s, "creatorpilot_ai_requests_total{outcome=\"ok\"}").as_deref(),
        Some("creatorpilot_ai_requests_total{outcome=\"ok\"} 0"),
        "every outcome is exported from the start"
    );
    s.client.complete(&request()).await.unwrap();
    s.client.complete(&request()).await.unwrap_err();
    s.client.complete(&request()).await.unwrap_err();
    s.client.stream(&request(), &mut |_| {}).await.unwrap();
    let mut hang = request();
    hang.timeout = Duration::from_millis(100);
    s.client.complete(&hang).await.unwrap_err();
    for (line, value) in [
        ("creatorpilot_ai_requests_total{outcome=\"ok\"}", 2),
        (
            "creatorpilot_ai_requests_total{outcome=\"rate_limited\"}",
            1,
        ),
        ("creatorpilot_ai_requests_total{outcome=\"unavailable\"}", 1),
        ("creatorpilot_ai_requests_total{outcome=\"timeout\"}", 1),
        ("creatorpilot_ai_requests_total{outcome=\"truncated\"}", 0),
        (
            "creatorpilot_ai_tokens_total{kind=\"prompt\"}",
            2 * PROMPT_TOKENS,
        ),
        ("creatorpilot_ai_tokens_total{kind=\"completion\"}", 3 + 2),
        ("creatorpilot_ai_generation_seconds_count", 2),
    ] {
        assert_eq!(
            metric(&s, line),
            Some(format!("{line} {value}")),
            "{}",
            s.metrics.render()
        );
    }
}
