//! Fuzz properties (proptest): the command tokenizer, money parsing, and the webhook handlers
//! (Telegram webhook, Stripe webhook, Discord interactions, OAuth callback) driven through the
//! real router in process. Properties: nothing panics; a forged request gets a 4xx and changes
//! no row of any table; a correctly signed but arbitrary body never gets a 5xx.
//!
//! `PROPTEST_CASES` sets the cases per property (proptest's default, 256, in the normal run;
//! `scripts/fuzz` runs 100,000). Each target prints `fuzz TARGET: N cases in S s` to stderr.

use std::fmt::Debug;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use creatorpilot::bot::tokenizer::{self, Line, MAX_LINE_CHARS};
use creatorpilot::domain::billing::signature;
use creatorpilot::domain::invoices::money::{self, Currency};
use creatorpilot::i18n::Locale;
use creatorpilot::platforms::{Mode, Webhooks};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use sqlx::PgPool;
use tokio::runtime::Runtime;
use tower::ServiceExt;

use crate::discord::fake::{FakeDiscord, Signer};

const TELEGRAM_SECRET: &str = "fuzz-secret_42";
const STRIPE_SECRET: &str = "whsec_fuzz";

/// Runs one property with `PROPTEST_CASES` cases (no failure files: the failing input is in the
/// panic message) and prints the figures.
fn run<S>(target: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let started = Instant::now();
    let result = runner.run(&strategy, test);
    eprintln!(
        "fuzz {target}: {cases} cases in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{target}: {e}");
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Text a tokenizer or a parser may meet: anything, grammar-shaped, or around the length limit.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[/a-zA-Z0-9 =\"\\\\@_.,:-]{0,80}",
        "/[a-z]{1,8}( [a-z]{1,6}=(\"[^\"]{0,10}\"|[a-z0-9]{0,6})){0,4}",
        (MAX_LINE_CHARS - 2..MAX_LINE_CHARS + 3).prop_map(|n| format!("/x {}", "é".repeat(n - 3))),
    ]
}

/// JSON shaped like the providers' payloads, or plain bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("update_id"),
        Just("message"),
        Just("callback_query"),
        Just("chat"),
        Just("from"),
        Just("id"),
        Just("text"),
        Just("type"),
        Just("data"),
        Just("object"),
        Just("token"),
        Just("application_id"),
        Just("member"),
        Just("user"),
        Just("name"),
        Just("options"),
        Just("value"),
        Just("created"),
    ]
    .prop_map(str::to_owned);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0u8..4).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(Value::from("/help")),
        Just(Value::from("checkout.session.completed")),
    ];
    let json = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop_oneof![
        3 => json.prop_map(|v| v.to_string().into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..256),
    ]
}

/// A header value a forger might send (never the right one: the caller checks).
fn forged_header() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        "[ -~]{0,40}".prop_map(Some),
        "t=[0-9]{1,10},v1=[0-9a-f]{64}".prop_map(Some),
        "[0-9a-f]{128}".prop_map(Some),
    ]
}

/// Row counts of every table: "changes nothing" means these stay equal.
async fn snapshot(pool: &PgPool) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut counts = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM \"{table}\""
        )))
        .fetch_one(pool)
        .await
        .unwrap();
        counts.push((table, n));
    }
    counts
}

async fn send(router: &axum::Router, request: Request<Body>) -> StatusCode {
    router.clone().oneshot(request).await.unwrap().status()
}

#[test]
fn tokenizer() {
    run("tokenizer", text(), |line| {
        match tokenizer::parse_line(&line) {
            Ok(Line::Command(c)) => {
                prop_assert!(!c.name.is_empty());
                prop_assert_eq!(c.name.clone(), c.name.to_lowercase());
                prop_assert!(line.chars().count() <= MAX_LINE_CHARS);
            }
            Ok(Line::Text(t)) => prop_assert_eq!(t, line),
            Err(m) if line.chars().count() > MAX_LINE_CHARS => {
                prop_assert_eq!(m.key, "err-line-too-long")
            }
            Err(m) => prop_assert!(m.key.starts_with("err-"), "{}", m.key),
        }
        Ok(())
    });
}

#[test]
fn money() {
    let amount = prop_oneof![
        any::<String>(),
        "[-+ 0-9.,_'\u{a0}\u{202f}]{0,24}",
        "[0-9]{1,16}([.,][0-9]{0,4})?",
    ];
    let currency = prop_oneof![
        Just("EUR"),
        Just("JPY"),
        Just("KWD"),
        Just("USD"),
        Just("BHD")
    ];
    run("money", (amount, currency), |(text, code)| {
        let currency = Currency::parse(code).unwrap();
        if let Ok(minor) = money::parse_amount(&text, currency) {
            prop_assert!(minor > 0);
            prop_assert!(minor <= money::MAX_MAJOR * currency.scale());
            // What we store and print reads back as the same amount.
            let stored = money::decimal_string(minor, currency.exponent);
            prop_assert_eq!(money::parse_amount(&stored, currency), Ok(minor));
            for locale in Locale::ALL {
                prop_assert!(!money::format_amount(minor, currency, locale).is_empty());
            }
        }
        Ok(())
    });
}

/// The app with Telegram (webhook mode) and Discord (HTTP interactions) started against their
/// fakes, Stripe's webhook secret set, and the public router over them.
struct Webhooked {
    tg: crate::telegram::Tg,
    router: axum::Router,
    signer: Signer,
    _discord: FakeDiscord,
    _tasks: tokio::task::JoinSet<()>,
}

async fn webhooked() -> Webhooked {
    let discord = FakeDiscord::start().await;
    let signer = Signer::new();
    let key = signer.public_hex();
    let tg = crate::telegram::start(
        &[
            (
                "TELEGRAM_WEBHOOK_URL",
                "https://bot.example.org/telegram/webhook",
            ),
            ("TELEGRAM_WEBHOOK_SECRET", TELEGRAM_SECRET),
            ("DISCORD_PUBLIC_KEY", &key),
            ("DISCORD_API_URL", &discord.url),
            // A closed loopback port: a signed event that reaches for Stripe gets nowhere.
            ("STRIPE_API_URL", "http://127.0.0.1:9/"),
            ("STRIPE_SECRET_KEY", "sk_test_fuzz"),
            ("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET),
            ("GOOGLE_CLIENT_ID", "id"),
            ("GOOGLE_CLIENT_SECRET", "secret"),
            ("GOOGLE_TOKEN_URL", "http://127.0.0.1:9/token"),
            ("HTTP_RATE_BURST", "1000000000"),
            ("WEBHOOK_RATE_BURST", "1000000000"),
        ],
        crate::telegram::fast(),
        Mode::Full,
    )
    .await;
    let mut tasks = tokio::task::JoinSet::new();
    let discord_handler =
        creatorpilot::platforms::discord::start(&tg.t.app, Mode::Full, &tg.stop, &mut tasks).await;
    let router = creatorpilot::web::public_router(
        tg.t.app.clone(),
        Webhooks {
            telegram: tg.webhook.clone(),
            discord: discord_handler,
        },
    );
    // The Telegram pipeline is ready once getMe answered: until then the webhook says 503.
    let ready = Instant::now();
    loop {
        let probe = Request::post("/telegram/webhook")
            .header("x-telegram-bot-api-secret-token", TELEGRAM_SECRET)
            .body(Body::from("not json"))
            .unwrap();
        if send(&router, probe).await == StatusCode::BAD_REQUEST {
            break;
        }
        assert!(
            ready.elapsed().as_secs() < 15,
            "the Telegram webhook never became ready"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Webhooked {
        tg,
        router,
        signer,
        _discord: discord,
        _tasks: tasks,
    }
}

/// Forged requests to one route: each gets a 4xx, and no table changes.
fn forged<S>(
    target: &str,
    rt: &Runtime,
    w: &Webhooked,
    strategy: S,
    request: impl Fn(S::Value) -> Request<Body>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let pool = w.tg.t.db.pool.clone();
    let before = rt.block_on(snapshot(&pool));
    run(target, strategy, |input| {
        let status = rt.block_on(send(&w.router, request(input)));
        prop_assert!(status.is_client_error(), "{}", status);
        Ok(())
    });
    assert_eq!(
        rt.block_on(snapshot(&pool)),
        before,
        "{target} changed the database"
    );
}

/// Signed but arbitrary bodies: never a panic, never a 5xx.
fn signed<S>(
    target: &str,
    rt: &Runtime,
    w: &Webhooked,
    strategy: S,
    request: impl Fn(S::Value) -> Request<Body>,
) where
    S: Strategy,
    S::Value: Debug,
{
    run(target, strategy, |input| {
        let status = rt.block_on(send(&w.router, request(input)));
        prop_assert!(!status.is_server_error(), "{}", status);
        Ok(())
    });
}

#[test]
fn telegram_webhook() {
    let rt = runtime();
    let w = rt.block_on(webhooked());
    forged(
        "telegram_webhook forged",
        &rt,
        &w,
        (forged_header(), body()),
        |(secret, body)| {
            let mut request = Request::post("/telegram/webhook");
            if let Some(secret) = secret.filter(|s| s != TELEGRAM_SECRET) {
                request = request.header("x-telegram-bot-api-secret-token", secret);
            }
            request.body(Body::from(body)).unwrap()
        },
    );
    signed("telegram_webhook signed", &rt, &w, body(), |body| {
        Request::post("/telegram/webhook")
            .header("x-telegram-bot-api-secret-token", TELEGRAM_SECRET)
            .body(Body::from(body))
            .unwrap()
    });
    rt.block_on(w.tg.shutdown());
}

#[test]
fn stripe_webhook() {
    let rt = runtime();
    let w = rt.block_on(webhooked());
    forged(
        "stripe_webhook forged",
        &rt,
        &w,
        (forged_header(), body()),
        |(header, body)| {
            let mut request = Request::post("/stripe/webhook");
            if let Some(header) = header {
                request = request.header("stripe-signature", header);
            }
            request.body(Body::from(body)).unwrap()
        },
    );
    signed("stripe_webhook signed", &rt, &w, body(), |body| {
        let header = signature::header(&body, STRIPE_SECRET, chrono::Utc::now().timestamp());
        Request::post("/stripe/webhook")
            .header("stripe-signature", header)
            .body(Body::from(body))
            .unwrap()
    });
    rt.block_on(w.tg.shutdown());
}

#[test]
fn discord_interactions() {
    let rt = runtime();
    let w = rt.block_on(webhooked());
    forged(
        "discord_interactions forged",
        &rt,
        &w,
        (forged_header(), "[0-9]{0,12}", body()),
        |(signature, timestamp, body)| {
            let mut request = Request::post("/discord/interactions")
                .header("content-type", "application/json")
                .header("x-signature-timestamp", timestamp.as_str());
            if let Some(signature) = signature {
                request = request.header("x-signature-ed25519", signature);
            }
            request.body(Body::from(body)).unwrap()
        },
    );
    signed("discord_interactions signed", &rt, &w, body(), |body| {
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let signature = w.signer.sign(&timestamp, &body);
        Request::post("/discord/interactions")
            .header("content-type", "application/json")
            .header("x-signature-timestamp", timestamp)
            .header("x-signature-ed25519", signature)
            .body(Body::from(body))
            .unwrap()
    });
    rt.block_on(w.tg.shutdown());
}

#[test]
fn oauth_callback() {
    let rt = runtime();
    let w = rt.block_on(webhooked());
    let provider = prop_oneof![
        Just("youtube".to_owned()),
        Just("tiktok".to_owned()),
        Just("instagram".to_owned()),
        ".{0,12}",
    ];
    let key = prop_oneof![
        Just("state".to_owned()),
        Just("code".to_owned()),
        Just("error".to_owned()),
        Just("scope".to_owned()),
        Just("scopes".to_owned()),
        ".{0,8}",
    ];
    let query = proptest::collection::vec((key, ".{0,64}"), 0..5);
    forged(
        "oauth_callback forged",
        &rt,
        &w,
        (provider, query),
        |(provider, query)| {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(query)
                .finish();
            let path: String = url::form_urlencoded::byte_serialize(provider.as_bytes()).collect();
            Request::get(format!("/oauth/{path}/callback?{query}"))
                .body(Body::empty())
                .unwrap()
        },
    );
    rt.block_on(w.tg.shutdown());
}
