//! A fake Telegram Bot API server for the integration tests.
//!
//! It speaks the wire format that teloxide-core 0.13 (teloxide 0.17) uses:
//! `POST /bot<TOKEN>/<MethodName>` with a JSON body, or a `multipart/form-data`
//! body for the methods that can carry an `InputFile` (sendDocument, sendPhoto,
//! setWebhook, ...), and `GET /file/bot<TOKEN>/<file_path>` for downloads.
//! Answers are `{"ok":true,"result":...}` with objects in the real Bot API
//! shapes, or `{"ok":false,"error_code":N,"description":"...","parameters":{...}}`.
//!
//! Start one per test (`FakeTelegram::start().await`): the server runs on the
//! test's own tokio runtime and stops when the last clone of the handle drops.
//! Point teloxide at it with `Bot::new("123:abc").set_api_url(fake.url.parse()?)`.
//!
//! Method names are matched case-insensitively and recorded lowercased
//! (`"sendmessage"`). In a JSON body the params keep their JSON types; in a
//! multipart body every text field is a string (`"chat_id": "42"`), and an
//! uploaded file referenced as `"attach://<id>"` is replaced by
//! `{"file_name", "len", "bytes_base64"}` under the field that referenced it
//! (`params["document"]`). Use [`Recorded::i64`] / [`Recorded::str`] to read
//! params regardless of the encoding.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Map, Value, json};
use tokio::sync::watch;

/// The bot's own user id, as answered by getMe and used as `from` of the bot's messages.
pub const BOT_ID: i64 = 999;
/// The bot's username, as answered by getMe.
pub const BOT_USERNAME: &str = "CreatorPilotBot";
/// The longest a getUpdates long poll is held open, whatever `timeout` the client asks for.
const LONG_POLL_CAP: Duration = Duration::from_secs(2);

/// A handle on a running fake server. Cheap to clone; the server stops when the last clone drops.
#[derive(Clone)]
pub struct FakeTelegram {
    /// The origin, e.g. `http://127.0.0.1:PORT`: pass it to `Bot::set_api_url`.
    pub url: String,
    state: Arc<Shared>,
    _server: Arc<AbortOnDrop>,
}

/// One API call the fake received (every call except getUpdates).
#[derive(Clone, Debug)]
pub struct Recorded {
    /// Lowercased method name, e.g. `"sendmessage"`. Downloads from `/file/bot<TOKEN>/...` are
    /// recorded as `"downloadfile"` with `{"file_path": ...}`.
    pub method: String,
    /// The JSON body, or the multipart / urlencoded / query fields as strings; an uploaded file is
    /// `{"file_name": ..., "len": N, "bytes_base64": ...}` under the field that referenced it.
    pub params: Value,
    pub at: Instant,
    pub token: String,
    /// Answered with an injected failure ([`FakeTelegram::fail`], [`FakeTelegram::fail_chat`])
    /// rather than accepted: nothing was delivered.
    pub refused: bool,
}

/// How the next calls of a method fail (see [`FakeTelegram::fail`]).
#[derive(Clone, Debug)]
pub enum Failure {
    /// HTTP 429 "Too Many Requests: retry after N" with `parameters.retry_after = N`.
    RetryAfter(u32),
    /// HTTP 403 "Forbidden: bot was blocked by the user".
    Blocked,
    /// HTTP 400 "Bad Request: chat not found".
    ChatNotFound,
    /// HTTP 500 "Internal Server Error". NB: teloxide-core sleeps 10 s before reading any 5xx body.
    ServerError,
    /// Accept the request and never answer (until the client gives up).
    Hang,
    /// Any other error: HTTP `status`, `error_code` = `status`, and this `description`
    /// (e.g. 400 "Bad Request: message is not modified: ..." for `ApiError::MessageNotModified`).
    Custom { status: u16, description: String },
}

impl Recorded {
    /// A param as a string: JSON strings as they are, numbers and booleans printed.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.params.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A param as an integer, whether it came as a JSON number or a multipart string.
    pub fn i64(&self, key: &str) -> Option<i64> {
        value_i64(self.params.get(key)?)
    }

    /// A param that is itself JSON: multipart sends nested objects (reply_markup, entities, ...)
    /// as JSON text, which this parses; a JSON body's nested value is returned as it is.
    pub fn json(&self, key: &str) -> Option<Value> {
        match self.params.get(key)? {
            Value::String(s) => serde_json::from_str(s).ok(),
            v => Some(v.clone()),
        }
    }

    /// `chat_id` as an integer.
    pub fn chat_id(&self) -> Option<i64> {
        self.i64("chat_id")
    }

    /// `text` (sendMessage, editMessageText) or else `caption` (sendDocument, sendPhoto).
    pub fn text(&self) -> Option<String> {
        self.str("text").or_else(|| self.str("caption"))
    }

    /// The bytes of an uploaded file under `key` (e.g. `"document"`, `"photo"`).
    pub fn file_bytes(&self, key: &str) -> Option<Vec<u8>> {
        let b64 = self.params.get(key)?.get("bytes_base64")?.as_str()?;
        base64::engine::general_purpose::STANDARD.decode(b64).ok()
    }

    /// The file name of an uploaded file under `key`.
    pub fn file_name(&self, key: &str) -> Option<String> {
        Some(self.params.get(key)?.get("file_name")?.as_str()?.to_owned())
    }

    /// The callback_data of every inline keyboard button in `reply_markup`, row by row.
    pub fn button_data(&self) -> Vec<String> {
        self.buttons().into_iter().map(|(_, data)| data).collect()
    }

    /// Every inline keyboard callback button in `reply_markup` as (label, callback_data), row by
    /// row (URL buttons, which carry no callback_data, are left out).
    pub fn buttons(&self) -> Vec<(String, String)> {
        let Some(markup) = self.json("reply_markup") else {
            return Vec::new();
        };
        let rows = markup
            .get("inline_keyboard")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        rows.iter()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|b| {
                let data = b.get("callback_data").and_then(Value::as_str)?;
                let label = b.get("text").and_then(Value::as_str).unwrap_or_default();
                Some((label.to_owned(), data.to_owned()))
            })
            .collect()
    }
}

impl FakeTelegram {
    /// Binds 127.0.0.1:0 and serves on the current tokio runtime.
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake telegram: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake telegram: local_addr");
        let (changed, _) = watch::channel(0u64);
        let state = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            changed,
        });
        let app = Router::new()
            .fallback(handle)
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTelegram {
            url: format!("http://{addr}"),
            state,
            _server: Arc::new(AbortOnDrop(task)),
        }
    }

    /// Queues an update for getUpdates; assigns (overwrites) and returns its `update_id`.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.state.lock();
            inner.next_update_id += 1;
            let id = inner.next_update_id;
            if let Some(obj) = update.as_object_mut() {
                obj.insert("update_id".into(), json!(id));
            }
            inner.updates.push_back(update);
            id
        };
        self.state.bump();
        id
    }

    /// getUpdates calls received so far.
    pub fn polls(&self) -> usize {
        self.state.lock().polls
    }

    /// getUpdates calls that arrived while another was still open: more than one poller.
    pub fn poll_overlaps(&self) -> usize {
        self.state.lock().poll_overlaps
    }

    /// Updates pushed and not yet confirmed by a getUpdates with a higher `offset`.
    pub fn pending_updates(&self) -> usize {
        self.state.lock().updates.len()
    }

    /// Every request except getUpdates, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().requests.clone()
    }

    /// The requests of one method (case-insensitive), in arrival order.
    pub fn requests_for(&self, method: &str) -> Vec<Recorded> {
        let method = method.to_ascii_lowercase();
        self.state
            .lock()
            .requests
            .iter()
            .filter(|r| r.method == method)
            .cloned()
            .collect()
    }

    /// How many requests are recorded (getUpdates not counted).
    pub fn request_count(&self) -> usize {
        self.state.lock().requests.len()
    }

    /// The requests recorded from index `start` on, in arrival order: a caller that keeps its
    /// own count reads each request once (cheap when thousands are recorded).
    pub fn requests_from(&self, start: usize) -> Vec<Recorded> {
        let inner = self.state.lock();
        inner
            .requests
            .get(start..)
            .map(<[Recorded]>::to_vec)
            .unwrap_or_default()
    }

    /// When the fake started: `Recorded::at` is measured from the same clock.
    pub fn started(&self) -> Instant {
        self.state.started()
    }

    /// Forgets the requests recorded so far.
    pub fn clear_requests(&self) {
        self.state.lock().requests.clear();
    }

    /// Waits until at least `count` requests of `method` are recorded and returns them all;
    /// panics on timeout, listing everything recorded.
    pub async fn wait_for(&self, method: &str, count: usize, timeout: Duration) -> Vec<Recorded> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.state.changed.subscribe();
        loop {
            rx.borrow_and_update();
            let got = self.requests_for(method);
            if got.len() >= count {
                return got;
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                let got = self.requests_for(method).len();
                if got >= count {
                    return self.requests_for(method);
                }
                panic!(
                    "FakeTelegram::wait_for({method:?}, {count}) timed out after {timeout:?} \
                     with {got} such request(s).\n{}",
                    self.describe()
                );
            }
        }
    }

    /// A readable list of everything recorded (long strings cut), for assertion messages.
    pub fn describe(&self) -> String {
        let requests = self.requests();
        let mut out = format!(
            "Recorded {} request(s) (getUpdates not counted):\n",
            requests.len()
        );
        for r in &requests {
            let params = truncate(&short_params(&r.params).to_string(), 400);
            let _ = writeln!(
                out,
                "  +{:>6}ms {} {}",
                r.at.duration_since(self.state.started()).as_millis(),
                r.method,
                params
            );
        }
        out
    }

    /// The next `times` calls of `method` (case-insensitive) fail that way, then normal again.
    /// Calls queued for the same method are used up in order.
    pub fn fail(&self, method: &str, failure: Failure, times: usize) {
        let mut inner = self.state.lock();
        let queue = inner
            .failures
            .entry(method.to_ascii_lowercase())
            .or_default();
        queue.extend(std::iter::repeat_n(failure, times));
    }

    /// The next `times` calls to chat `chat_id` (any method with that `chat_id`) fail that way,
    /// then normal again. Checked before the per-method failures of [`FakeTelegram::fail`], so
    /// one chat can fail while the others are answered.
    pub fn fail_chat(&self, chat_id: i64, failure: Failure, times: usize) {
        let mut inner = self.state.lock();
        let queue = inner.chat_failures.entry(chat_id).or_default();
        queue.extend(std::iter::repeat_n(failure, times));
    }

    /// getChatMember's answer for that user in that chat: "creator" | "administrator" |
    /// "member" (the default) | "restricted" | "left" | "kicked".
    pub fn set_member_status(&self, chat_id: i64, user_id: i64, status: &str) {
        assert!(
            MEMBER_STATUSES.contains(&status),
            "FakeTelegram::set_member_status: unknown status {status:?}, \
             expected one of {MEMBER_STATUSES:?}"
        );
        self.state
            .lock()
            .members
            .insert((chat_id, user_id), status.to_owned());
    }

    /// A file getFile knows: its `file_path` is `documents/<file_id>` and
    /// `GET /file/bot<TOKEN>/documents/<file_id>` serves `bytes`.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        self.state.lock().files.insert(file_id.to_owned(), bytes);
    }

    /// The last setWebhook `url` and `secret_token` (kept after a deleteWebhook;
    /// getWebhookInfo does reflect the deletion).
    pub fn webhook(&self) -> Option<(String, Option<String>)> {
        self.state.lock().last_webhook.clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Update builders (real Bot API JSON shapes, `date` = now; `update_id` is set by push_update).
// ---------------------------------------------------------------------------------------------

static NEXT_INCOMING_ID: AtomicI64 = AtomicI64::new(100_000);

fn next_incoming_id() -> i64 {
    NEXT_INCOMING_ID.fetch_add(1, Ordering::Relaxed)
}

/// A user `{id, is_bot:false, first_name:"Alex", language_code}`; an empty `lang` leaves
/// `language_code` out (as Telegram does when it does not know it).
pub fn user_json(user_id: i64, lang: &str) -> Value {
    let mut user = json!({ "id": user_id, "is_bot": false, "first_name": "Alex" });
    if !lang.is_empty() {
        user["language_code"] = json!(lang);
    }
    user
}

/// The bot's own user object (as in getMe, without the bot-only flags).
pub fn bot_user_json() -> Value {
    json!({ "id": BOT_ID, "is_bot": true, "first_name": "CreatorPilot", "username": BOT_USERNAME })
}

/// A chat object: positive ids are private chats with "Alex", ids starting with -100 are
/// supergroups, other negative ids are groups (both titled "Creators").
pub fn chat_json(chat_id: i64) -> Value {
    if chat_id > 0 {
        json!({ "id": chat_id, "type": "private", "first_name": "Alex" })
    } else if chat_id.to_string().starts_with("-100") {
        json!({ "id": chat_id, "type": "supergroup", "title": "Creators" })
    } else {
        json!({ "id": chat_id, "type": "group", "title": "Creators" })
    }
}

/// `entities` for a text that starts with a bot command, as Telegram adds them.
fn command_entities(text: &str) -> Option<Value> {
    if !text.starts_with('/') {
        return None;
    }
    let cmd = text.split_whitespace().next().unwrap_or("");
    let length = cmd.encode_utf16().count();
    Some(json!([{ "type": "bot_command", "offset": 0, "length": length }]))
}

fn incoming_text(chat: Value, user_id: i64, lang: &str, text: &str) -> Value {
    let mut message = json!({
        "message_id": next_incoming_id(),
        "date": unix_now(),
        "chat": chat,
        "from": user_json(user_id, lang),
        "text": text,
    });
    if let Some(entities) = command_entities(text) {
        message["entities"] = entities;
    }
    json!({ "message": message })
}

/// A text message in the private chat with `user_id`.
pub fn private_text(user_id: i64, lang: &str, text: &str) -> Value {
    incoming_text(chat_json(user_id), user_id, lang, text)
}

/// A text message in a group ("supergroup" when `chat_id` starts with -100) titled "Creators".
pub fn group_text(chat_id: i64, user_id: i64, lang: &str, text: &str) -> Value {
    incoming_text(chat_json(chat_id), user_id, lang, text)
}

/// A button press on the bot's message `message_id` in `chat_id`.
pub fn callback(user_id: i64, chat_id: i64, lang: &str, data: &str, message_id: i64) -> Value {
    json!({
        "callback_query": {
            "id": format!("cbq-{}", next_incoming_id()),
            "from": user_json(user_id, lang),
            "message": {
                "message_id": message_id,
                "date": unix_now(),
                "chat": chat_json(chat_id),
                "from": bot_user_json(),
                "text": "…",
            },
            "chat_instance": format!("ci-{chat_id}"),
            "data": data,
        }
    })
}

/// A document sent to the bot in the private chat with `user_id`.
pub fn private_document(
    user_id: i64,
    lang: &str,
    file_id: &str,
    file_name: &str,
    mime: &str,
    size: u64,
) -> Value {
    document_in(
        chat_json(user_id),
        user_id,
        lang,
        (file_id, file_name, mime, size),
    )
}

/// A document posted in a group by `user_id`, not as a reply to the bot.
pub fn group_document(
    chat_id: i64,
    user_id: i64,
    lang: &str,
    file_id: &str,
    file_name: &str,
    mime: &str,
) -> Value {
    document_in(
        chat_json(chat_id),
        user_id,
        lang,
        (file_id, file_name, mime, 100),
    )
}

fn document_in(
    chat: Value,
    user_id: i64,
    lang: &str,
    (file_id, file_name, mime, size): (&str, &str, &str, u64),
) -> Value {
    json!({
        "message": {
            "message_id": next_incoming_id(),
            "date": unix_now(),
            "chat": chat,
            "from": user_json(user_id, lang),
            "document": {
                "file_id": file_id,
                "file_unique_id": format!("u-{file_id}"),
                "file_name": file_name,
                "mime_type": mime,
                "file_size": size,
            },
        }
    })
}

/// A photo (Telegram's compressed image, several sizes) sent in a private chat.
pub fn private_photo(user_id: i64, lang: &str, file_id: &str) -> Value {
    json!({
        "message": {
            "message_id": next_incoming_id(),
            "date": unix_now(),
            "chat": chat_json(user_id),
            "from": user_json(user_id, lang),
            "photo": [
                { "file_id": format!("{file_id}-s"), "file_unique_id": format!("u-{file_id}-s"),
                  "width": 90, "height": 60, "file_size": 1200 },
                { "file_id": file_id, "file_unique_id": format!("u-{file_id}"),
                  "width": 900, "height": 600, "file_size": 48000 },
            ],
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Server state
// ---------------------------------------------------------------------------------------------

const MEMBER_STATUSES: [&str; 6] = [
    "creator",
    "administrator",
    "member",
    "restricted",
    "left",
    "kicked",
];

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Shared {
    inner: Mutex<Inner>,
    /// Bumped on every recorded request and pushed update; waiters subscribe to it.
    changed: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not hide the fake's state from the others.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }

    fn started(&self) -> Instant {
        self.lock().started
    }
}

struct Inner {
    started: Instant,
    next_update_id: i64,
    updates: VecDeque<Value>,
    requests: Vec<Recorded>,
    failures: HashMap<String, VecDeque<Failure>>,
    chat_failures: HashMap<i64, VecDeque<Failure>>,
    members: HashMap<(i64, i64), String>,
    files: HashMap<String, Vec<u8>>,
    last_webhook: Option<(String, Option<String>)>,
    active_webhook: Option<String>,
    next_message_id: HashMap<i64, i64>,
    next_file: u64,
    /// getUpdates calls received, held open right now, and received while another was open
    /// (the real Bot API answers that with 409 Conflict: two pollers).
    polls: usize,
    polls_open: usize,
    poll_overlaps: usize,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            started: Instant::now(),
            next_update_id: 0,
            updates: VecDeque::new(),
            requests: Vec::new(),
            failures: HashMap::new(),
            chat_failures: HashMap::new(),
            members: HashMap::new(),
            files: HashMap::new(),
            last_webhook: None,
            active_webhook: None,
            next_message_id: HashMap::new(),
            next_file: 0,
            polls: 0,
            polls_open: 0,
            poll_overlaps: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP handling
// ---------------------------------------------------------------------------------------------

async fn handle(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let path = percent_decode(uri.path());
    let path = path.trim_start_matches('/');

    if let Some(rest) = path.strip_prefix("file/bot") {
        let (token, file_path) = rest.split_once('/').unwrap_or((rest, ""));
        return download(&state, at, token, file_path);
    }
    let Some(rest) = path.strip_prefix("bot") else {
        return error(StatusCode::NOT_FOUND, "Not Found", None);
    };
    let Some((token, api_method)) = rest.split_once('/') else {
        return error(StatusCode::NOT_FOUND, "Not Found", None);
    };
    let (token, api_method) = (
        token.to_owned(),
        api_method.trim_end_matches('/').to_ascii_lowercase(),
    );

    let params = match parse_params(&method, &uri, &headers, &body) {
        Ok(params) => params,
        Err(why) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Bad Request: {why}"),
                None,
            );
        }
    };

    let failure = {
        let mut inner = state.lock();
        let for_chat = param_chat_id(&params)
            .and_then(|chat| inner.chat_failures.get_mut(&chat))
            .and_then(VecDeque::pop_front);
        for_chat.or_else(|| {
            inner
                .failures
                .get_mut(&api_method)
                .and_then(VecDeque::pop_front)
        })
    };
    if api_method != "getupdates" {
        state.lock().requests.push(Recorded {
            method: api_method.clone(),
            params: params.clone(),
            at,
            token,
            refused: failure.is_some(),
        });
        state.bump();
    }

    if let Some(failure) = failure {
        return fail_with(failure).await;
    }

    let p = &params;
    match api_method.as_str() {
        "getupdates" => get_updates(&state, p).await,
        "getme" => ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": "CreatorPilot",
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "sendmessage" => {
            let Some(text) = param_str(p, "text").filter(|t| !t.is_empty()) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: message text is empty",
                    None,
                );
            };
            with_new_message(&state, p, |m| {
                m.insert("text".into(), json!(text));
            })
        }
        "senddocument" => {
            let document = match stored_upload(&state, p, "document") {
                Ok((file_id, len, name)) => {
                    let mime = name
                        .as_deref()
                        .map(guess_mime)
                        .unwrap_or("application/octet-stream");
                    let mut doc = json!({
                        "file_id": file_id,
                        "file_unique_id": format!("u-{file_id}"),
                        "file_size": len,
                        "mime_type": mime,
                    });
                    if let Some(name) = name {
                        doc["file_name"] = json!(name);
                    }
                    doc
                }
                Err(resp) => return *resp,
            };
            with_new_message(&state, p, |m| {
                m.insert("document".into(), document);
                caption(p, m);
            })
        }
        "sendphoto" => {
            let photo = match stored_upload(&state, p, "photo") {
                Ok((file_id, len, _)) => json!([
                    {
                        "file_id": format!("{file_id}-s"),
                        "file_unique_id": format!("u-{file_id}-s"),
                        "width": 90,
                        "height": 90,
                        "file_size": len.min(1024),
                    },
                    {
                        "file_id": file_id,
                        "file_unique_id": format!("u-{file_id}"),
                        "width": 800,
                        "height": 800,
                        "file_size": len,
                    },
                ]),
                Err(resp) => return *resp,
            };
            with_new_message(&state, p, |m| {
                m.insert("photo".into(), photo);
                caption(p, m);
            })
        }
        "editmessagetext" | "editmessagecaption" | "editmessagereplymarkup" => {
            edit_message(&api_method, p)
        }
        "createinvoicelink" => ok(json!(format!(
            "https://t.me/$invoice-{}",
            param_str(p, "payload").unwrap_or_default().len()
        ))),
        "answercallbackquery"
        | "answerprecheckoutquery"
        | "edituserstarsubscription"
        | "refundstarpayment"
        | "sendchataction"
        | "setmycommands"
        | "deletemycommands"
        | "deletemessage"
        | "setchatmenubutton"
        | "setmydescription"
        | "setmyshortdescription"
        | "setmyname"
        | "logout"
        | "close" => ok(json!(true)),
        "getmycommands" => ok(json!([])),
        "setwebhook" => {
            let Some(url) = param_str(p, "url") else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
                    None,
                );
            };
            let mut inner = state.lock();
            inner.active_webhook = (!url.is_empty()).then(|| url.clone());
            inner.last_webhook = Some((url, param_str(p, "secret_token")));
            ok(json!(true))
        }
        "deletewebhook" => {
            state.lock().active_webhook = None;
            ok(json!(true))
        }
        "getwebhookinfo" => {
            let inner = state.lock();
            ok(json!({
                "url": inner.active_webhook.clone().unwrap_or_default(),
                "has_custom_certificate": false,
                "pending_update_count": inner.updates.len(),
            }))
        }
        "getchatmember" => {
            let (Some(chat_id), Some(user_id)) = (param_i64(p, "chat_id"), param_i64(p, "user_id"))
            else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: chat_id and user_id are required",
                    None,
                );
            };
            let status = state
                .lock()
                .members
                .get(&(chat_id, user_id))
                .cloned()
                .unwrap_or_else(|| "member".to_owned());
            ok(chat_member(user_id, &status))
        }
        "getfile" => {
            let file_id = param_str(p, "file_id").unwrap_or_default();
            let len = state.lock().files.get(&file_id).map(Vec::len);
            match len {
                Some(len) => ok(json!({
                    "file_id": file_id,
                    "file_unique_id": format!("u-{file_id}"),
                    "file_size": len,
                    "file_path": format!("documents/{file_id}"),
                })),
                None => error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: invalid file_id",
                    None,
                ),
            }
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found: method not found", None),
    }
}

async fn fail_with(failure: Failure) -> Response {
    match failure {
        Failure::RetryAfter(secs) => error(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too Many Requests: retry after {secs}"),
            Some(json!({ "retry_after": secs })),
        ),
        Failure::Blocked => error(
            StatusCode::FORBIDDEN,
            "Forbidden: bot was blocked by the user",
            None,
        ),
        Failure::ChatNotFound => {
            error(StatusCode::BAD_REQUEST, "Bad Request: chat not found", None)
        }
        Failure::ServerError => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            None,
        ),
        Failure::Custom {
            status,
            description,
        } => error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            &description,
            None,
        ),
        Failure::Hang => std::future::pending().await,
    }
}

/// Counts a getUpdates as open until its answer is sent or the client goes away.
struct OpenPoll<'a>(&'a Shared);

impl Drop for OpenPoll<'_> {
    fn drop(&mut self) {
        self.0.lock().polls_open -= 1;
    }
}

async fn get_updates(state: &Shared, p: &Value) -> Response {
    {
        let mut inner = state.lock();
        inner.polls += 1;
        if inner.polls_open > 0 {
            inner.poll_overlaps += 1;
        }
        inner.polls_open += 1;
    }
    let _open = OpenPoll(state);
    let offset = param_i64(p, "offset").unwrap_or(0);
    let limit = param_i64(p, "limit").unwrap_or(100).clamp(1, 100) as usize;
    let wait =
        Duration::from_secs(param_i64(p, "timeout").unwrap_or(0).max(0) as u64).min(LONG_POLL_CAP);
    let deadline = tokio::time::Instant::now() + wait;
    let mut rx = state.changed.subscribe();
    loop {
        rx.borrow_and_update();
        let batch: Vec<Value> = {
            let mut inner = state.lock();
            // Like Telegram: an offset confirms (forgets) every update with a lower id.
            if offset > 0 {
                inner
                    .updates
                    .retain(|u| u.get("update_id").and_then(Value::as_i64).unwrap_or(0) >= offset);
            }
            inner.updates.iter().take(limit).cloned().collect()
        };
        if !batch.is_empty() {
            return ok(Value::Array(batch));
        }
        if tokio::time::timeout_at(deadline, rx.changed())
            .await
            .is_err()
        {
            return ok(json!([]));
        }
    }
}

fn download(state: &Shared, at: Instant, token: &str, file_path: &str) -> Response {
    state.lock().requests.push(Recorded {
        method: "downloadfile".into(),
        params: json!({ "file_path": file_path }),
        at,
        token: token.to_owned(),
        refused: false,
    });
    state.bump();
    let file_id = file_path.strip_prefix("documents/").unwrap_or(file_path);
    match state.lock().files.get(file_id).cloned() {
        Some(bytes) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/octet-stream")],
            bytes,
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, "Not Found", None),
    }
}

fn ok(result: Value) -> Response {
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}

fn error(status: StatusCode, description: &str, parameters: Option<Value>) -> Response {
    let mut body =
        json!({ "ok": false, "error_code": status.as_u16(), "description": description });
    if let Some(parameters) = parameters {
        body["parameters"] = parameters;
    }
    (status, axum::Json(body)).into_response()
}

/// Answers a new Message from the bot in `chat_id`, with a per-chat increasing `message_id`.
fn with_new_message(
    state: &Shared,
    p: &Value,
    fill: impl FnOnce(&mut Map<String, Value>),
) -> Response {
    let Some(chat_id) = param_chat_id(p) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: chat_id is empty",
            None,
        );
    };
    let message_id = {
        let mut inner = state.lock();
        let next = inner.next_message_id.entry(chat_id).or_insert(0);
        *next += 1;
        *next
    };
    let mut m = bot_message(chat_id, message_id);
    fill(&mut m);
    echo_inline_keyboard(p, &mut m);
    ok(Value::Object(m))
}

fn edit_message(api_method: &str, p: &Value) -> Response {
    if param_str(p, "inline_message_id").is_some() {
        return ok(json!(true));
    }
    let (Some(chat_id), Some(message_id)) = (param_chat_id(p), param_i64(p, "message_id")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: message to edit not found",
            None,
        );
    };
    let mut m = bot_message(chat_id, message_id);
    m.insert("edit_date".into(), json!(unix_now()));
    match api_method {
        "editmessagecaption" => {
            m.insert(
                "document".into(),
                json!({ "file_id": "edited", "file_unique_id": "u-edited" }),
            );
            caption(p, &mut m);
        }
        "editmessagetext" => {
            let Some(text) = param_str(p, "text").filter(|t| !t.is_empty()) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: message text is empty",
                    None,
                );
            };
            m.insert("text".into(), json!(text));
        }
        _ => {
            m.insert("text".into(), json!("…"));
        }
    }
    echo_inline_keyboard(p, &mut m);
    ok(Value::Object(m))
}

fn bot_message(chat_id: i64, message_id: i64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("message_id".into(), json!(message_id));
    m.insert("date".into(), json!(unix_now()));
    m.insert("chat".into(), chat_json(chat_id));
    m.insert("from".into(), bot_user_json());
    m
}

fn caption(p: &Value, m: &mut Map<String, Value>) {
    if let Some(caption) = param_str(p, "caption").filter(|c| !c.is_empty()) {
        m.insert("caption".into(), json!(caption));
    }
}

/// Telegram echoes an inline keyboard in the sent Message (and drops other reply markups).
fn echo_inline_keyboard(p: &Value, m: &mut Map<String, Value>) {
    let markup = match p.get("reply_markup") {
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok(),
        Some(v) => Some(v.clone()),
        None => None,
    };
    if let Some(markup) = markup.filter(|m| m.get("inline_keyboard").is_some()) {
        m.insert("reply_markup".into(), markup);
    }
}

/// The file sent under `field`: an upload (stored so getFile/download serve it back) or a
/// file_id / URL string. Returns (file_id, size, file name).
fn stored_upload(
    state: &Shared,
    p: &Value,
    field: &str,
) -> Result<(String, usize, Option<String>), Box<Response>> {
    match p.get(field) {
        Some(Value::Object(upload)) => {
            let b64 = upload
                .get("bytes_base64")
                .and_then(Value::as_str)
                .unwrap_or("");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap_or_default();
            let name = upload
                .get("file_name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .map(str::to_owned);
            let mut inner = state.lock();
            inner.next_file += 1;
            let file_id = format!("fake-{field}-{}", inner.next_file);
            let len = bytes.len();
            inner.files.insert(file_id.clone(), bytes);
            Ok((file_id, len, name))
        }
        Some(Value::String(s)) if !s.is_empty() && !s.starts_with("attach://") => {
            let len = state.lock().files.get(s).map_or(0, Vec::len);
            Ok((s.clone(), len, None))
        }
        _ => Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            &format!("Bad Request: there is no {field} in the request"),
            None,
        ))),
    }
}

fn chat_member(user_id: i64, status: &str) -> Value {
    let user = if user_id == BOT_ID {
        bot_user_json()
    } else {
        user_json(user_id, "")
    };
    match status {
        "creator" => json!({ "status": "creator", "user": user, "is_anonymous": false }),
        "administrator" => json!({
            "status": "administrator", "user": user, "can_be_edited": false, "is_anonymous": false,
            "can_manage_chat": true, "can_delete_messages": true, "can_manage_video_chats": true,
            "can_restrict_members": true, "can_promote_members": false, "can_change_info": true,
            "can_invite_users": true, "can_post_stories": false, "can_edit_stories": false,
            "can_delete_stories": false, "can_pin_messages": true, "can_manage_topics": false,
        }),
        "restricted" => json!({
            "status": "restricted", "user": user, "is_member": true, "until_date": 0,
            "can_send_messages": false, "can_send_audios": false, "can_send_documents": false,
            "can_send_photos": false, "can_send_videos": false, "can_send_video_notes": false,
            "can_send_voice_notes": false, "can_send_polls": false,
            "can_send_other_messages": false,
            "can_add_web_page_previews": false, "can_change_info": false, "can_invite_users": false,
            "can_pin_messages": false, "can_manage_topics": false,
        }),
        "left" => json!({ "status": "left", "user": user }),
        "kicked" => json!({ "status": "kicked", "user": user, "until_date": 0 }),
        _ => json!({ "status": "member", "user": user }),
    }
}

// ---------------------------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------------------------

/// The params of a call: JSON body, multipart/form-data, urlencoded body, and query string.
fn parse_params(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut params = Map::new();
    if let Some(query) = uri.query() {
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            params.insert(k.into_owned(), json!(v.into_owned()));
        }
    }
    if *method == Method::GET || body.is_empty() {
        return Ok(Value::Object(params));
    }
    match mime.as_str() {
        "application/json" => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(obj)) => params.extend(obj),
            Ok(Value::Null) => {}
            Ok(_) => return Err("the JSON body must be an object".into()),
            Err(e) => return Err(format!("can't parse JSON: {e}")),
        },
        "multipart/form-data" => {
            let boundary = content_type
                .split(';')
                .filter_map(|kv| kv.trim().strip_prefix("boundary="))
                .next()
                .map(|b| b.trim_matches('"').to_owned())
                .ok_or("multipart body without boundary")?;
            params.extend(parse_multipart(body, &boundary)?);
        }
        "application/x-www-form-urlencoded" => {
            for (k, v) in url::form_urlencoded::parse(body) {
                params.insert(k.into_owned(), json!(v.into_owned()));
            }
        }
        other => return Err(format!("unsupported Content-Type {other:?}")),
    }
    Ok(Value::Object(params))
}

/// Text parts become strings; file parts become `{file_name, len, bytes_base64}`. A text field
/// `"attach://<name>"` is replaced by the file part `<name>`, which is then dropped.
fn parse_multipart(body: &[u8], boundary: &str) -> Result<Map<String, Value>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut fields = Map::new();
    let mut files: HashMap<String, Value> = HashMap::new();
    let mut pos =
        find(body, &delimiter, 0).ok_or("multipart boundary not found")? + delimiter.len();
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        let start = pos
            + if body[pos..].starts_with(b"\r\n") {
                2
            } else {
                0
            };
        let next = find(body, &delimiter, start).ok_or("unterminated multipart body")?;
        let mut part = &body[start..next];
        if part.ends_with(b"\r\n") {
            part = &part[..part.len() - 2];
        }
        let split = find(part, b"\r\n\r\n", 0).ok_or("multipart part without headers")?;
        let head = String::from_utf8_lossy(&part[..split]).into_owned();
        let data = &part[split + 4..];
        let (name, file_name) =
            content_disposition(&head).ok_or("multipart part without a name")?;
        match file_name {
            Some(file_name) => {
                let file = json!({
                    "file_name": file_name,
                    "len": data.len(),
                    "bytes_base64": base64::engine::general_purpose::STANDARD.encode(data),
                });
                files.insert(name, file);
            }
            None => {
                fields.insert(name, json!(String::from_utf8_lossy(data).into_owned()));
            }
        }
        pos = next + delimiter.len();
        if pos >= body.len() {
            break;
        }
    }
    for value in fields.values_mut() {
        let attached = value
            .as_str()
            .and_then(|s| s.strip_prefix("attach://"))
            .and_then(|n| files.remove(n));
        if let Some(file) = attached {
            *value = file;
        }
    }
    fields.extend(files);
    Ok(fields)
}

/// `(name, filename)` from a part's `Content-Disposition` header.
fn content_disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    let mut name = None;
    let mut file_name = None;
    let mut rest = line.split_once(':')?.1;
    while let Some((key, after)) = rest.split_once('=') {
        let key = key
            .trim_start_matches([';', ' '])
            .trim()
            .rsplit(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            // A quoted string with backslash escapes, as reqwest writes file names.
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, e)) = chars.next() {
                            out.push(e);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            (out, &quoted[end..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        match key.as_str() {
            "name" => name = Some(value),
            "name*" => {
                name = Some(percent_decode(
                    value
                        .trim_start_matches("utf-8''")
                        .trim_start_matches("UTF-8''"),
                ))
            }
            "filename" => file_name = Some(value),
            _ => {}
        }
        rest = tail;
    }
    Some((name?, file_name))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn value_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn param_i64(p: &Value, key: &str) -> Option<i64> {
    value_i64(p.get(key)?)
}

fn param_str(p: &Value, key: &str) -> Option<String> {
    match p.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `chat_id` as a number; a `@username` becomes a made-up channel-like id.
fn param_chat_id(p: &Value) -> Option<i64> {
    param_i64(p, "chat_id").or_else(|| {
        param_str(p, "chat_id")
            .filter(|s| s.starts_with('@'))
            .map(|_| -1_001_000_000_001)
    })
}

fn guess_mime(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "json" => "application/json",
        "txt" | "log" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => "application/octet-stream",
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Params with uploads' base64 left out, for readable messages.
fn short_params(params: &Value) -> Value {
    match params {
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Object(f) if f.contains_key("bytes_base64") => {
                            json!({ "file_name": f.get("file_name"), "len": f.get("len") })
                        }
                        v => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        v => v.clone(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}
