//! The Discord front end against a fake Discord on 127.0.0.1 (REST + gateway): the real serenity
//! models and our REST client, HTTP interactions signed with ed25519, and account linking.

pub(crate) mod fake;
mod interactions;
mod link;
mod rest;

use creatorpilot::platforms::{self, Mode, Webhooks};
use serde_json::Value;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::discord::fake::{FakeDiscord, Signer};
use crate::support::*;

/// The application with the Discord front end started against the fake, and the web endpoint.
pub struct Harness {
    pub t: TestApp,
    pub fake: FakeDiscord,
    pub web: String,
    pub signer: Signer,
    pub http: reqwest::Client,
    stop: CancellationToken,
    _tasks: JoinSet<()>,
}

impl Harness {
    /// `extra` adds settings (e.g. a bot token for the gateway).
    pub async fn start(extra: &[(&str, &str)]) -> Harness {
        let fake = FakeDiscord::start().await;
        let signer = Signer::new();
        let key = signer.public_hex();
        let mut env = vec![
            ("DISCORD_PUBLIC_KEY", key.as_str()),
            ("DISCORD_API_URL", fake.url.as_str()),
        ];
        env.extend_from_slice(extra);
        let t = app_with(&env).await;
        let stop = CancellationToken::new();
        let mut tasks = JoinSet::new();
        let discord = platforms::discord::start(&t.app, Mode::Full, &stop, &mut tasks).await;
        assert!(discord.is_some(), "a public key serves HTTP interactions");
        let router = creatorpilot::web::public_router(
            t.app.clone(),
            Webhooks {
                telegram: None,
                discord,
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let web = format!("http://{}", listener.local_addr().unwrap());
        let serve_stop = stop.clone();
        tasks.spawn(async move {
            creatorpilot::web::serve(listener, router, serve_stop)
                .await
                .unwrap();
        });
        Harness {
            t,
            fake,
            web,
            signer,
            http: reqwest::Client::new(),
            stop,
            _tasks: tasks,
        }
    }

    /// POSTs a signed interaction; returns the status and the JSON answer.
    pub async fn post(&self, interaction: &Value) -> (u16, Value) {
        let body = interaction.to_string();
        let timestamp = "1764072000";
        let signature = self.signer.sign(timestamp, body.as_bytes());
        self.post_raw(body, Some((signature.as_str(), timestamp)))
            .await
    }

    pub async fn post_raw(&self, body: String, signed: Option<(&str, &str)>) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/discord/interactions", self.web))
            .header("content-type", "application/json")
            .body(body);
        if let Some((signature, timestamp)) = signed {
            request = request
                .header("x-signature-ed25519", signature)
                .header("x-signature-timestamp", timestamp);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
