//! A fake Discord on 127.0.0.1: REST (`/api/v10/…`, recording every request with its arrival
//! time, answering like Discord, with scripted answers such as a 429 first) and a small gateway
//! (HELLO, IDENTIFY, heartbeats, READY, then INTERACTION_CREATE on demand), plus payloads shaped
//! like Discord's and ed25519 signing for HTTP interactions.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message as Ws;

pub const APP_ID: &str = "900000000000000001";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    /// The JSON body, or a multipart request's `payload_json`.
    pub json: Value,
    /// File names of a multipart request's `files[n]` parts.
    pub files: Vec<String>,
    /// The file parts themselves, bytes intact.
    pub uploads: Vec<Upload>,
    pub at: Instant,
}

/// One file part of a multipart request.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A scripted answer for the next request whose path contains `path_part`.
pub struct Scripted {
    pub path_part: String,
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Value,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    /// Each with how many matching requests still pass before it answers.
    scripted: VecDeque<(usize, Scripted)>,
    next_id: u64,
    /// DM channel per recipient: opening it again finds the same channel, as on Discord.
    dm_channels: HashMap<String, String>,
    /// Every IDENTIFY received, in order (one per shard started).
    identifies: Vec<Value>,
    /// Files served at `/attachments/<id>/<filename>`, as Discord's CDN serves attachments.
    attachments: HashMap<String, Vec<u8>>,
}

#[derive(Clone)]
pub struct FakeDiscord {
    pub url: String,
    state: Arc<Mutex<State>>,
    dispatch: broadcast::Sender<Value>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", rest.local_addr().unwrap());
        let ws_url = format!("ws://{}", ws.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            next_id: 1_000_000_000_000_000,
            ..State::default()
        }));
        let (dispatch, _) = broadcast::channel(16);
        let fake = FakeDiscord {
            url,
            state,
            dispatch,
        };
        let router = {
            let fake = fake.clone();
            axum::Router::new().fallback(move |method, uri, headers, body| {
                let fake = fake.clone();
                let ws_url = ws_url.clone();
                async move { fake.rest(method, uri, headers, body, &ws_url) }
            })
        };
        tokio::spawn(async move { axum::serve(rest, router).await.unwrap() });
        let gateway = fake.clone();
        tokio::spawn(async move {
            loop {
                let (stream, _) = ws.accept().await.unwrap();
                let fake = gateway.clone();
                tokio::spawn(async move { fake.session(stream).await });
            }
        });
        fake
    }

    /// Serves `bytes` as an attachment and returns its entry for `data.resolved.attachments`.
    pub fn add_attachment(
        &self,
        id: &str,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Value {
        let entry = json!({
            "id": id,
            "filename": filename,
            "content_type": content_type,
            "size": bytes.len(),
            "url": format!("{}/attachments/{id}/{filename}", self.url),
            "proxy_url": format!("{}/attachments/{id}/{filename}", self.url),
        });
        self.state
            .lock()
            .unwrap()
            .attachments
            .insert(id.to_owned(), bytes);
        entry
    }

    pub fn script(&self, scripted: Scripted) {
        self.script_after(0, scripted);
    }

    /// Like `script`, for the request after the next `skip` ones whose path contains
    /// `path_part` (those are answered as usual).
    pub fn script_after(&self, skip: usize, scripted: Scripted) {
        self.state
            .lock()
            .unwrap()
            .scripted
            .push_back((skip, scripted));
    }

    /// The DM channel id answered to `POST /users/@me/channels` for that recipient.
    pub fn dm_channel(&self, recipient: &str) -> Option<String> {
        self.state
            .lock()
            .unwrap()
            .dm_channels
            .get(recipient)
            .cloned()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Waits until a request matching `f` arrived (5 s at most).
    pub async fn wait_for(&self, what: &str, f: impl Fn(&Recorded) -> bool) -> Recorded {
        for _ in 0..500 {
            if let Some(r) = self.requests().into_iter().find(|r| f(r)) {
                return r;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no {what} reached the fake Discord: {:#?}", self.requests());
    }

    /// The requests matching `f`, in arrival order.
    pub fn requests_matching(&self, f: impl Fn(&Recorded) -> bool) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| f(r)).collect()
    }

    /// Waits until `count` requests match `f` (for `timeout` at most) and returns them all.
    pub async fn wait_for_count(
        &self,
        what: &str,
        count: usize,
        timeout: std::time::Duration,
        f: impl Fn(&Recorded) -> bool,
    ) -> Vec<Recorded> {
        let deadline = Instant::now() + timeout;
        loop {
            let matching = self.requests_matching(&f);
            if matching.len() >= count {
                return matching;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} {what} reached the fake Discord in {timeout:?}: {:#?}",
                matching.len(),
                self.requests()
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    pub fn identify(&self) -> Option<Value> {
        self.state.lock().unwrap().identifies.last().cloned()
    }

    /// The `shard` ([id, total]) of every IDENTIFY received.
    pub fn identified_shards(&self) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        state
            .identifies
            .iter()
            .map(|d| d["shard"].clone())
            .collect()
    }

    /// Sends INTERACTION_CREATE to every connected gateway session.
    pub fn dispatch_interaction(&self, interaction: Value) {
        self.dispatch.send(interaction).unwrap();
    }

    fn rest(
        &self,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
        ws_url: &str,
    ) -> Response {
        let at = Instant::now();
        let (json, files) = parse_body(&headers, &body);
        let uploads = uploads(&headers, &body);
        let path = uri.path().to_owned();
        let mut state = self.state.lock().unwrap();
        state.requests.push(Recorded {
            method: method.to_string(),
            path: path.clone(),
            query: uri.query().unwrap_or("").to_owned(),
            json: json.clone(),
            files,
            uploads,
            at,
        });
        let mut answer_now = None;
        for (n, (skip, s)) in state.scripted.iter_mut().enumerate() {
            if path.contains(&s.path_part) {
                if *skip == 0 {
                    answer_now = Some(n);
                    break;
                }
                *skip -= 1;
            }
        }
        if let Some(n) = answer_now {
            let (_, s) = state.scripted.remove(n).unwrap();
            let mut response =
                (StatusCode::from_u16(s.status).unwrap(), axum::Json(s.body)).into_response();
            for (k, v) in s.headers {
                response.headers_mut().insert(k, v.parse().unwrap());
            }
            return response;
        }
        state.next_id += 1;
        let id = state.next_id.to_string();
        if let Some(rest) = path.strip_prefix("/attachments/") {
            let id = rest.split('/').next().unwrap_or_default();
            return match state.attachments.get(id) {
                Some(bytes) => bytes.clone().into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            };
        }
        let p = path.trim_start_matches("/api/v10");
        let answer = match (method.as_str(), p) {
            ("GET", "/gateway") => json!({ "url": ws_url }),
            ("GET", "/gateway/bot") => json!({
                "url": ws_url, "shards": 1,
                "session_start_limit": { "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1 }
            }),
            ("POST", p) if p.starts_with("/interactions/") => {
                return StatusCode::NO_CONTENT.into_response();
            }
            ("PUT", p) if p.ends_with("/commands") => {
                let mut list = json.as_array().cloned().unwrap_or_default();
                for c in &mut list {
                    c["id"] = json!(id);
                    c["application_id"] = json!(APP_ID);
                    c["version"] = json!(id);
                }
                Value::Array(list)
            }
            ("POST", "/users/@me/channels") => {
                let recipient = json["recipient_id"].as_str().unwrap_or_default().to_owned();
                let id = state.dm_channels.entry(recipient).or_insert(id).clone();
                json!({ "id": id, "type": 1 })
            }
            (_, p) if p.starts_with("/webhooks/") || p.starts_with("/channels/") => {
                let message_id = if method == Method::PATCH {
                    p.rsplit('/').next().unwrap_or("@original").to_owned()
                } else {
                    id
                };
                message(&message_id, &json)
            }
            _ => return StatusCode::NOT_FOUND.into_response(),
        };
        axum::Json(answer).into_response()
    }

    async fn session(&self, stream: tokio::net::TcpStream) {
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        let mut dispatch = self.dispatch.subscribe();
        let hello = json!({ "op": 10, "d": { "heartbeat_interval": 41250 }, "s": null, "t": null });
        ws.send(Ws::Text(hello.to_string())).await.unwrap();
        let mut seq = 0u64;
        loop {
            tokio::select! {
                frame = ws.next() => {
                    let Some(Ok(frame)) = frame else { return };
                    let Ok(text) = frame.to_text() else { continue };
                    let Ok(payload) = serde_json::from_str::<Value>(text) else { continue };
                    match payload["op"].as_u64() {
                        Some(1) => {
                            let ack = json!({ "op": 11, "d": null, "s": null, "t": null });
                            if ws.send(Ws::Text(ack.to_string())).await.is_err() { return; }
                        }
                        Some(2) => {
                            self.state.lock().unwrap().identifies.push(payload["d"].clone());
                            let shard = match &payload["d"]["shard"] {
                                Value::Null => json!([0, 1]),
                                shard => shard.clone(),
                            };
                            seq += 1;
                            let ready = json!({ "op": 0, "s": seq, "t": "READY", "d": {
                                "v": 10,
                                "user": { "id": "900000000000000002", "username": "CreatorPilot",
                                          "discriminator": "0", "global_name": null, "avatar": null,
                                          "bot": true, "verified": true, "mfa_enabled": false, "flags": 0 },
                                "guilds": [],
                                "session_id": "fake-session",
                                "resume_gateway_url": "ws://127.0.0.1:1",
                                "shard": shard,
                                "application": { "id": APP_ID, "flags": 0 }
                            }});
                            if ws.send(Ws::Text(ready.to_string())).await.is_err() { return; }
                        }
                        _ => {}
                    }
                }
                interaction = dispatch.recv() => {
                    let Ok(d) = interaction else { return };
                    seq += 1;
                    let event = json!({ "op": 0, "s": seq, "t": "INTERACTION_CREATE", "d": d });
                    if ws.send(Ws::Text(event.to_string())).await.is_err() { return; }
                }
            }
        }
    }
}

fn parse_body(headers: &HeaderMap, body: &[u8]) -> (Value, Vec<String>) {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(boundary) = content_type.split("boundary=").nth(1) {
        let text = String::from_utf8_lossy(body);
        let mut json = Value::Null;
        let mut files = Vec::new();
        for part in text.split(&format!("--{boundary}")) {
            let Some((head, content)) = part.split_once("\r\n\r\n") else {
                continue;
            };
            if head.contains("name=\"payload_json\"") {
                json = serde_json::from_str(content.trim_end_matches("\r\n")).unwrap();
            } else if let Some(name) = head.split("filename=\"").nth(1) {
                files.push(name.split('"').next().unwrap().to_owned());
            }
        }
        return (json, files);
    }
    (
        serde_json::from_slice(body).unwrap_or(Value::Null),
        Vec::new(),
    )
}

/// The file parts of a multipart body, parsed on bytes (PNGs are not UTF-8).
fn uploads(headers: &HeaderMap, body: &[u8]) -> Vec<Upload> {
    let Some(boundary) = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split("boundary=").nth(1))
    else {
        return Vec::new();
    };
    let delimiter = format!("\r\n--{}", boundary.trim_matches('"')).into_bytes();
    // The first delimiter has no CRLF before it: lead the body with one.
    let body = [b"\r\n".as_slice(), body].concat();
    let mut parts = Vec::new();
    let mut starts = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_slice())
        .map(|(i, _)| i)
        .peekable();
    while let Some(start) = starts.next() {
        let Some(&end) = starts.peek() else { break };
        parts.push(&body[start + delimiter.len()..end]);
    }
    parts
        .into_iter()
        .filter_map(|part| {
            let split = part.windows(4).position(|w| w == b"\r\n\r\n")?;
            let head = String::from_utf8_lossy(&part[..split]);
            let file_name = head.split("filename=\"").nth(1)?.split('"').next()?;
            let content_type = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-type:")
                        .map(|v| v.trim().to_owned())
                })
                .unwrap_or_default();
            Some(Upload {
                file_name: file_name.to_owned(),
                content_type,
                bytes: part[split + 4..].to_vec(),
            })
        })
        .collect()
}

fn message(id: &str, sent: &Value) -> Value {
    json!({
        "id": id, "channel_id": "700", "type": 0,
        "author": { "id": "900000000000000002", "username": "CreatorPilot", "discriminator": "0", "bot": true, "avatar": null, "global_name": null },
        "content": sent.get("content").cloned().unwrap_or(json!("")),
        "timestamp": "2026-11-25T12:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false,
        "components": sent.get("components").cloned().unwrap_or(json!([])),
        "flags": sent.get("flags").cloned().unwrap_or(json!(0))
    })
}

fn user(id: &str) -> Value {
    json!({ "id": id, "username": format!("user{id}"), "discriminator": "0", "global_name": "Alex", "avatar": null })
}

/// Fields every interaction carries. `guild`: in a server channel (with the member's
/// permissions) or in a DM with the app.
fn base(kind: u8, user_id: &str, locale: &str, guild: Option<&str>) -> Value {
    let mut v = json!({
        "id": "800000000000000001",
        "application_id": APP_ID,
        "type": kind,
        "token": "interaction-token",
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "authorizing_integration_owners": {},
        "attachment_size_limit": 10485760,
        "app_permissions": "0",
    });
    match guild {
        Some(permissions) => {
            v["guild_id"] = json!("600");
            v["channel_id"] = json!("700");
            v["context"] = json!(0);
            v["member"] = json!({
                "user": user(user_id), "roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00",
                "deaf": false, "mute": false, "flags": 0, "permissions": permissions
            });
        }
        None => {
            v["channel_id"] = json!("710");
            v["context"] = json!(1);
            v["user"] = user(user_id);
        }
    }
    v
}

/// A slash command (type 2) with typed options.
pub fn command(name: &str, options: Value, user_id: &str, locale: &str) -> Value {
    let mut v = base(2, user_id, locale, None);
    v["data"] = json!({ "id": "500", "name": name, "type": 1, "options": options });
    v
}

/// A slash command whose `options` name attachments, with their `resolved` entries.
pub fn command_with_files(
    name: &str,
    options: Value,
    attachments: &[Value],
    user_id: &str,
    locale: &str,
) -> Value {
    let mut v = command(name, options, user_id, locale);
    let resolved: serde_json::Map<String, Value> = attachments
        .iter()
        .map(|a| (a["id"].as_str().unwrap_or_default().to_owned(), a.clone()))
        .collect();
    v["data"]["resolved"] = json!({ "attachments": resolved });
    v
}

/// The same slash command in a server channel, by a member with `permissions`.
pub fn guild_command(name: &str, user_id: &str, permissions: &str) -> Value {
    let mut v = base(2, user_id, "en-US", Some(permissions));
    v["data"] = json!({ "id": "500", "name": name, "type": 1, "options": [] });
    v
}

/// A button press (type 3) on a message of ours.
pub fn button(custom_id: &str, user_id: &str, locale: &str, ephemeral: bool) -> Value {
    let mut v = base(3, user_id, locale, None);
    v["data"] = json!({ "custom_id": custom_id, "component_type": 2 });
    let flags = if ephemeral { 64 } else { 0 };
    v["message"] = message("1000000000000000500", &json!({ "flags": flags }));
    v
}

/// A modal submission (type 5) with one value per text input.
pub fn modal_submit(values: &[&str], user_id: &str, locale: &str) -> Value {
    let mut v = base(5, user_id, locale, None);
    let rows: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(n, value)| {
            json!({ "type": 1, "components": [ { "type": 4, "custom_id": format!("f{n}"), "value": value } ] })
        })
        .collect();
    v["data"] = json!({ "custom_id": "cp-answers", "components": rows });
    v
}

/// An ed25519 key pair for HTTP interactions: the public key's hex for `DISCORD_PUBLIC_KEY`.
pub struct Signer(ed25519_dalek::SigningKey);

impl Signer {
    pub fn new() -> Signer {
        Signer(ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]))
    }

    pub fn public_hex(&self) -> String {
        hex(&self.0.verifying_key().to_bytes())
    }

    /// `X-Signature-Ed25519` over timestamp + body, as Discord signs.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        use ed25519_dalek::Signer as _;
        let mut message = timestamp.as_bytes().to_vec();
        message.extend_from_slice(body);
        hex(&self.0.sign(&message).to_bytes())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
