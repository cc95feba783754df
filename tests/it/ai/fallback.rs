//! The backup AI provider (issue 11): when the primary OpenAI-compatible provider fails, the
//! fallback answers (Anthropic's Messages API or a second OpenAI-compatible server), streaming
//! included, with the same prompt; a healthy primary never reaches it; both down is one clear
//! error. Fakes of both wire formats on 127.0.0.1.

use std::time::Duration;

use creatorpilot::clients::ai::{AiClient, AiError, ChatRequest, JsonSchema};
use creatorpilot::metrics::Metrics;
use serde_json::json;

use super::anthropic_fake::{FakeAnthropic, Reply};
use super::fake::{Answer, FakeAi};

struct Setup {
    client: AiClient,
    metrics: Metrics,
    _dir: tempfile::TempDir,
}

fn build(primary: &FakeAi, fallback: &[(&str, &str)]) -> Setup {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let mut vars = vec![
        ("OPENAI_BASE_URL", primary.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-primary"),
        ("OPENAI_MODEL", "gpt-primary"),
    ];
    vars.extend_from_slice(fallback);
    let settings = crate::support::settings(dir.path(), &vars);
    let metrics = Metrics::new().unwrap();
    let client = AiClient::from_settings(&settings.openai, settings.ai_fallback.as_ref(), &metrics)
        .expect("a key is set");
    Setup {
        client,
        metrics,
        _dir: dir,
    }
}

fn anthropic(fake: &FakeAnthropic) -> Vec<(&'static str, String)> {
    vec![
        ("AI_FALLBACK_KIND", "anthropic".into()),
        ("AI_FALLBACK_BASE_URL", fake.base_url.clone()),
        ("AI_FALLBACK_API_KEY", "sk-ant-fallback".into()),
        ("AI_FALLBACK_MODEL", "claude-fallback".into()),
    ]
}

fn borrowed<'a>(vars: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn request() -> ChatRequest {
    let mut req = ChatRequest::new("You summarize numbers.", "views: 1200 (+12%)");
    req.timeout = Duration::from_secs(5);
    req
}

fn answers(s: &Setup, provider: &str) -> String {
    let line = format!("creatorpilot_ai_answers_total{{provider=\"{provider}\"}}");
    s.metrics
        .render()
        .lines()
        .find(|l| l.starts_with(&line))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_failing_primary_is_answered_by_anthropic_streaming() {
    let primary = FakeAi::start(vec![Answer::Status(500), Answer::Hang]).await;
    let claude = FakeAnthropic::start(vec![
        Reply::Stream(vec!["Views ".into(), "rose 12%.".into()]),
        Reply::Text("A whole answer.".into()),
    ])
    .await;
    let vars = anthropic(&claude);
    let s = build(&primary, &borrowed(&vars));
    let mut seen = Vec::new();
    let mut req = request();
    req.json_schema = Some(JsonSchema {
        name: "summary".into(),
        schema: json!({"type": "object", "properties": {"text": {"type": "string"}}}),
    });
    let done = s
        .client
        .stream(&req, &mut |text: &str| seen.push(text.to_owned()))
        .await
        .unwrap();
    assert_eq!(done.text, "Views rose 12%.");
    assert_eq!(
        seen,
        ["Views ", "Views rose 12%."],
        "streamed piece by piece"
    );
    assert_eq!(done.prompt_tokens, Some(31));
    assert_eq!(done.completion_tokens, Some(12));
    let asked = &claude.requests()[0];
    assert_eq!(asked.api_key.as_deref(), Some("sk-ant-fallback"));
    assert_eq!(asked.version.as_deref(), Some("2023-06-01"));
    assert_eq!(asked.body["model"], "claude-fallback");
    assert_eq!(asked.body["stream"], true);
    assert_eq!(
        asked.body["messages"],
        json!([{"role": "user", "content": "views: 1200 (+12%)"}])
    );
    let system = asked.body["system"].as_str().unwrap();
    assert!(system.starts_with("You summarize numbers."), "{system}");
    assert!(
        system.contains("\"properties\""),
        "the schema travels in the prompt: {system}"
    );
    assert!(
        answers(&s, "fallback").ends_with(" 1"),
        "{}",
        s.metrics.render()
    );
    assert!(answers(&s, "primary").ends_with(" 0"));

    // A primary that never answers times out, and the fallback answers in one piece.
    let mut quick = request();
    quick.timeout = Duration::from_millis(500);
    let done = s.client.complete(&quick).await.unwrap();
    assert_eq!(done.text, "A whole answer.");
    assert_eq!(claude.requests()[1].body["stream"], false);
}

#[tokio::test]
async fn a_rate_limited_primary_is_answered_by_a_second_openai_compatible_server() {
    let primary = FakeAi::start(vec![Answer::RateLimited {
        retry_after_secs: Some(20),
    }])
    .await;
    let second = FakeAi::start(vec![Answer::Json("Views rose.".into())]).await;
    let vars = [
        ("AI_FALLBACK_KIND", "openai"),
        ("AI_FALLBACK_BASE_URL", second.base_url.as_str()),
        ("AI_FALLBACK_API_KEY", "sk-second"),
        ("AI_FALLBACK_MODEL", "llama-fallback"),
    ];
    let s = build(&primary, &vars);
    let done = s.client.complete(&request()).await.unwrap();
    assert_eq!(done.text, "Views rose.");
    let asked = second.only_request();
    assert_eq!(asked.authorization.as_deref(), Some("Bearer sk-second"));
    assert_eq!(asked.body["model"], "llama-fallback");
    assert_eq!(
        asked.body["messages"],
        primary.only_request().body["messages"],
        "the same prompt"
    );
}

#[tokio::test]
async fn a_healthy_primary_never_reaches_the_fallback() {
    let primary = FakeAi::start(vec![Answer::Json("Fine.".into())]).await;
    let claude = FakeAnthropic::start(vec![]).await;
    let vars = anthropic(&claude);
    let s = build(&primary, &borrowed(&vars));
    assert_eq!(s.client.complete(&request()).await.unwrap().text, "Fine.");
    assert!(claude.requests().is_empty());
    assert!(answers(&s, "primary").ends_with(" 1"));
}

#[tokio::test]
async fn both_down_is_one_error() {
    let primary = FakeAi::start(vec![Answer::Status(500), Answer::Status(500)]).await;
    let claude =
        FakeAnthropic::start(vec![Reply::Overloaded, Reply::BrokenStream("Views".into())]).await;
    let vars = anthropic(&claude);
    let s = build(&primary, &borrowed(&vars));
    let whole = s.client.complete(&request()).await;
    assert!(matches!(whole, Err(AiError::Unavailable(_))), "{whole:?}");
    let streamed = s.client.stream(&request(), &mut |_| {}).await;
    assert!(
        matches!(streamed, Err(AiError::Unavailable(_))),
        "{streamed:?}"
    );
    assert_eq!(claude.requests().len(), 2);
    assert!(answers(&s, "fallback").ends_with(" 0"));
}
