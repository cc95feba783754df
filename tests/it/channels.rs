//! Channels: manual numbers, CSV import, `/channels`, export and erase; token sealing and key
//! rotation; OAuth and sync against fake providers (`channels/`: Google, TikTok, Instagram), with
//! the shared pieces here: fake servers on 127.0.0.1, the web endpoint, the job runner.

mod instagram;
mod manual;
mod oauth;
mod ops;
mod studio_zip;
mod tiktok;
mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use creatorpilot::bot::{Button, Destination, Input, Notifier, Platform, Reply, SendOutcome};
use tokio_util::sync::CancellationToken;

use crate::engine::{Recorder, send_on};
use crate::support::{TestApp, accept_policy, app_with};

/// Sends one line as a Telegram user in their DM (the same engine path as every front end).
pub async fn say(t: &TestApp, user: &str, line: &str) -> Recorder {
    say_on(t, Platform::Telegram, user, line).await
}

/// One line from a creator who accepted the privacy policy (accepted here when not yet, as
/// `/start` + Accept would: these tests are about what comes after; the gate has its own tests
/// in `privacy::gate`).
pub async fn say_on(t: &TestApp, platform: Platform, user: &str, line: &str) -> Recorder {
    accept_policy(&t.db.pool, platform, user).await;
    send_on(t, platform, user, user, Input::Line(line.into())).await
}

/// `/connect PROVIDER`, then "Accept and connect" on the consent screen: the replies to the
/// press (the consent link). A reply without the consent screen (a refusal) is returned as is.
pub async fn connect_and_accept(
    t: &TestApp,
    platform: Platform,
    user: &str,
    provider: &str,
) -> Recorder {
    let asked = say_on(t, platform, user, &format!("/connect {provider}")).await;
    let accept = asked
        .replies
        .lock()
        .unwrap()
        .iter()
        .flat_map(|r| r.buttons.iter())
        .find_map(|b| match b {
            Button::Action { id, .. } => Some(id.clone()),
            Button::Link { .. } => None,
        });
    let Some(accept) = accept else {
        return asked;
    };
    send_on(t, platform, user, user, Input::Button(accept)).await
}

pub async fn count(t: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&t.db.pool)
        .await
        .unwrap()
}

/// Serves `router` on 127.0.0.1; returns its origin.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[derive(Default)]
/// Proactive messages (chat, text) and the ids of their action buttons.
pub struct Sent(pub Mutex<Vec<(String, String)>>, pub Mutex<Vec<String>>);

#[async_trait::async_trait]
impl Notifier for Sent {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome {
        for b in &reply.buttons {
            if let Button::Action { id, .. } = b {
                self.1.lock().unwrap().push(id.clone());
            }
        }
        self.0
            .lock()
            .unwrap()
            .push((destination.chat_id.clone(), reply.blocks.join("\n")));
        SendOutcome::Delivered
    }
}

/// The app with its public web endpoint served on 127.0.0.1 (`PUBLIC_URL` points at it) and a
/// Telegram notifier recording proactive messages.
pub struct Web {
    pub t: TestApp,
    pub sent: Arc<Sent>,
    pub public: String,
    pub http: reqwest::Client,
}

pub async fn web_app(env: &[(&str, &str)]) -> Web {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = format!("http://{}", listener.local_addr().unwrap());
    let mut all = vec![("PUBLIC_URL", public.as_str())];
    all.extend_from_slice(env);
    let t = app_with(&all).await;
    let sent = Arc::new(Sent::default());
    t.app.notifiers.register(Platform::Telegram, sent.clone());
    let router = creatorpilot::web::public_router(t.app.clone(), Default::default());
    tokio::spawn(creatorpilot::web::serve(
        listener,
        router,
        CancellationToken::new(),
    ));
    Web {
        t,
        sent,
        public,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

impl Web {
    /// `/connect PROVIDER` as `user` (Telegram DM): the consent URL's query.
    pub async fn consent(&self, user: &str, provider: &str) -> HashMap<String, String> {
        let r = connect_and_accept(&self.t, Platform::Telegram, user, provider).await;
        let replies = r.replies.lock().unwrap();
        let url = replies
            .iter()
            .flat_map(|r| r.buttons.iter())
            .find_map(|b| match b {
                Button::Link { url, .. } => Some(url.clone()),
                Button::Action { .. } => None,
            })
            .expect("a link button to the consent page");
        let url = url::Url::parse(&url).unwrap();
        assert!(url.as_str().starts_with("http://127.0.0.1:"));
        url.query_pairs().into_owned().collect()
    }

    /// The browser coming back to `GET /oauth/PROVIDER/callback?QUERY`: status and page.
    pub async fn callback(&self, provider: &str, query: &str) -> (u16, String) {
        let answer = self
            .http
            .get(format!("{}/oauth/{provider}/callback?{query}", self.public))
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.text().await.unwrap())
    }

    /// The texts of the proactive messages sent so far.
    pub fn sent_texts(&self) -> Vec<String> {
        self.sent
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, t)| t.clone())
            .collect()
    }
}

/// Runs every due job.
pub async fn drain(t: &TestApp) {
    let config = creatorpilot::jobs::WorkerConfig {
        idle_poll: std::time::Duration::from_millis(10),
        lease: std::time::Duration::from_secs(60),
    };
    let stop = CancellationToken::new();
    while creatorpilot::jobs::run_one(&t.app, "w", &config, &stop)
        .await
        .unwrap()
    {}
}

/// Queues a sync of the account's `provider` connection (as the daily schedule would).
pub async fn enqueue_sync(t: &TestApp, provider: &str, key: &str) {
    let (id, user): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT id, user_id FROM platforms WHERE provider = $1")
            .bind(provider)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    let job = creatorpilot::jobs::Job::SyncChannel {
        account: creatorpilot::bot::AccountId(user),
        connection: id,
        destination: Destination {
            platform: Platform::Telegram,
            chat_id: "u1".into(),
        },
        locale: creatorpilot::i18n::Locale::En,
    };
    creatorpilot::jobs::enqueue(&t.db.pool, &job, key, chrono::Utc::now())
        .await
        .unwrap();
}
