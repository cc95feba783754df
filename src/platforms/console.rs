//! The console front end (DESIGN.md, "creatorpilot chat"): one message per stdin line, replies on
//! stdout separated by blank lines, buttons as `[N] Label`, attachments written into a directory.
//!
//! Line N+1 is handled only once every reply to line N is final; an edited reply prints once, in
//! its final form. Proactive messages for the console creator print between replies.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::app::App;
use crate::bot::dispatch;
use crate::bot::{
    Button, ChatRef, Destination, Incoming, Input, MessageId, Notifier, Platform, QuestionView,
    Reply, Responder, SendOutcome,
};
use crate::i18n::{Locale, Msg, msg};

#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    pub user: String,
    pub lang: Option<Locale>,
    pub files_dir: PathBuf,
}

/// Buffers one line's replies so edits collapse into the final form.
#[derive(Default)]
struct Buffer {
    replies: Mutex<Vec<Reply>>,
    language_chosen: std::sync::atomic::AtomicBool,
}

#[async_trait]
impl Responder for Buffer {
    async fn send(&self, reply: Reply) -> anyhow::Result<MessageId> {
        let mut replies = self
            .replies
            .lock()
            .map_err(|_| anyhow::anyhow!("console buffer poisoned"))?;
        replies.push(reply);
        Ok(MessageId((replies.len() - 1).to_string()))
    }

    async fn edit(&self, message: &MessageId, reply: Reply) -> anyhow::Result<()> {
        let index: usize = message.0.parse()?;
        let mut replies = self
            .replies
            .lock()
            .map_err(|_| anyhow::anyhow!("console buffer poisoned"))?;
        let slot = replies
            .get_mut(index)
            .ok_or_else(|| anyhow::anyhow!("no console message {index}"))?;
        *slot = reply;
        Ok(())
    }

    async fn typing(&self) -> anyhow::Result<()> {
        Ok(())
    }

    async fn ask(&self, question: &QuestionView) -> anyhow::Result<()> {
        let mut reply = Reply::text(text_prompt(question));
        for button in &question.buttons {
            reply = reply.button(button.clone());
        }
        self.send(reply).await.map(|_| ())
    }

    fn language_chosen(&self, _locale: Locale) {
        self.language_chosen
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The prompt text front ends show for the field asked now.
pub fn text_prompt(question: &QuestionView) -> String {
    let field = question
        .fields
        .get(question.current)
        .map(|f| f.label.as_str())
        .unwrap_or_default();
    if question.fields.len() > 1 && question.current == 0 && question.title != field {
        format!("{}\n{field}", question.title)
    } else {
        field.to_owned()
    }
}

/// Delivers proactive messages to the console creator through the console loop.
pub struct ConsoleNotifier {
    chat_id: String,
    tx: mpsc::UnboundedSender<Reply>,
}

#[async_trait]
impl Notifier for ConsoleNotifier {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome {
        if destination.chat_id != self.chat_id {
            // Another console user's message: leave it for the process where they are.
            return SendOutcome::Refused { retry_after: None };
        }
        match self.tx.send(reply) {
            Ok(()) => SendOutcome::Delivered,
            Err(_) => SendOutcome::Refused { retry_after: None },
        }
    }
}

/// Prints replies and remembers the buttons of the latest reply that had some.
struct Printer<W> {
    out: W,
    files_dir: PathBuf,
    buttons: Vec<Button>,
}

impl<W: AsyncWrite + Unpin> Printer<W> {
    async fn print(&mut self, reply: Reply) -> anyhow::Result<()> {
        let mut text = reply.blocks.join("\n");
        if !reply.buttons.is_empty() {
            for (i, button) in reply.buttons.iter().enumerate() {
                let line = match button {
                    Button::Action { label, .. } => format!("[{}] {label}", i + 1),
                    Button::Link { label, url } => format!("[{}] {label}: {url}", i + 1),
                };
                text.push('\n');
                text.push_str(&line);
            }
            self.buttons = reply.buttons;
        }
        for attachment in reply.attachments {
            let path =
                write_new_file(&self.files_dir, &attachment.file_name, &attachment.bytes).await?;
            text.push_str(&format!("\nfile: {}", path.display()));
        }
        let text = text.trim_start_matches('\n');
        self.out.write_all(format!("{text}\n\n").as_bytes()).await?;
        self.out.flush().await?;
        Ok(())
    }
}

/// Writes into `dir` without overwriting: `name.json`, `name-1.json`, `name-2.json`…
async fn write_new_file(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    tokio::fs::create_dir_all(dir).await?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let (stem, ext) = match safe.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (safe.clone(), String::new()),
    };
    for n in 0u32.. {
        let candidate = if n == 0 {
            dir.join(&safe)
        } else {
            dir.join(format!("{stem}-{n}{ext}"))
        };
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
            .await
        {
            Ok(mut file) => {
                file.write_all(bytes).await?;
                file.flush().await?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(anyhow::anyhow!("cannot write {}: {e}", candidate.display())),
        }
    }
    anyhow::bail!("no free file name for {name}")
}

/// Runs the console until end of input. Registers the console notifier on `app`.
pub async fn run<R, W>(
    app: Arc<App>,
    options: ConsoleOptions,
    input: R,
    output: W,
) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin,
{
    let (proactive_tx, mut proactive_rx) = mpsc::unbounded_channel();
    app.notifiers.register(
        Platform::Console,
        Arc::new(ConsoleNotifier {
            chat_id: options.user.clone(),
            tx: proactive_tx,
        }),
    );
    let mut lines = spawn_line_reader(input);
    let mut printer = Printer {
        out: output,
        files_dir: options.files_dir.clone(),
        buttons: Vec::new(),
    };
    let mut forced = options.lang;

    loop {
        let line = tokio::select! {
            biased;
            Some(reply) = proactive_rx.recv() => {
                printer.print(reply).await?;
                continue;
            }
            line = lines.recv() => line,
        };
        let Some(line) = line else { break };
        let input = match line {
            Ok(text) => {
                let text = text.trim_end_matches(['\n', '\r']).to_owned();
                if text.trim().is_empty() {
                    continue;
                }
                match press_number(&text, &printer.buttons) {
                    Some(Ok(input)) => input,
                    Some(Err(problem)) => {
                        let sentence = notice(&app, &options, forced, &problem).await;
                        printer.print(Reply::text(sentence)).await?;
                        continue;
                    }
                    None => Input::Line(text),
                }
            }
            Err(()) => {
                let sentence = notice(&app, &options, forced, &msg("console-invalid-utf8")).await;
                printer.print(Reply::text(sentence)).await?;
                continue;
            }
        };
        let buffer = Buffer::default();
        tracing::Instrument::instrument(
            dispatch::handle(&app, incoming(&options, forced, input), &buffer),
            crate::telemetry::request_span("console"),
        )
        .await;
        // Once the creator picks a language (/language or its buttons), it wins over --lang.
        if buffer.language_chosen.into_inner() {
            forced = None;
        }
        let replies = buffer
            .replies
            .into_inner()
            .map_err(|_| anyhow::anyhow!("console buffer poisoned"))?;
        for reply in replies {
            printer.print(reply).await?;
        }
    }
    Ok(())
}

fn incoming(options: &ConsoleOptions, forced: Option<Locale>, input: Input) -> Incoming {
    Incoming {
        platform: Platform::Console,
        user_id: options.user.clone(),
        display_name: Some(options.user.clone()),
        chat: ChatRef {
            platform: Platform::Console,
            id: options.user.clone(),
            private: true,
        },
        platform_locale: None,
        forced_locale: forced,
        is_admin: true,
        input,
    }
}

async fn notice(
    app: &App,
    options: &ConsoleOptions,
    forced: Option<Locale>,
    message: &Msg,
) -> String {
    dispatch::render_for(app, Platform::Console, &options.user, forced, None, message).await
}

/// `#N` presses button N of the latest reply with buttons.
fn press_number(text: &str, buttons: &[Button]) -> Option<Result<Input, Msg>> {
    let number: usize = text.trim().strip_prefix('#')?.parse().ok()?;
    Some(match number.checked_sub(1).and_then(|i| buttons.get(i)) {
        Some(Button::Action { id, .. }) => Ok(Input::Button(id.clone())),
        // A link button has nothing to press here: its URL was printed with it.
        Some(Button::Link { .. }) | None => Err(msg("console-no-button").arg("number", number)),
    })
}

/// Reads lines on a task of its own (reading is not cancel-safe inside `select!`). A line that is
/// not UTF-8 arrives as `Err(())`.
fn spawn_line_reader<R>(mut input: R) -> mpsc::Receiver<Result<String, ()>>
where
    R: AsyncBufRead + Unpin + Send + 'static,
{
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        loop {
            let mut bytes = Vec::new();
            match input.read_until(b'\n', &mut bytes).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    let line = String::from_utf8(bytes).map_err(|_| ());
                    if tx.send(line).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    rx
}
