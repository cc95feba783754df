//! `AI_FALLBACK_*`: a second AI provider asked when the primary one (`OPENAI_*`) times out,
//! rate-limits or fails. `AI_FALLBACK_KIND` is `anthropic` (the Messages API; base URL
//! `https://api.anthropic.com` by default) or `openai` (any OpenAI-compatible server; base URL
//! required, with `/v1`). Key and model are required with the kind.

use secrecy::SecretString;
use url::Url;

use super::Reader;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiFallbackKind {
    Anthropic,
    OpenAi,
}

#[derive(Debug, Clone)]
pub struct AiFallback {
    pub kind: AiFallbackKind,
    pub base_url: Url,
    pub api_key: SecretString,
    pub model: String,
}

impl Reader<'_> {
    pub(super) fn ai_fallback(&mut self) -> Option<AiFallback> {
        let kind = match self.text("AI_FALLBACK_KIND")?.as_str() {
            "anthropic" => AiFallbackKind::Anthropic,
            "openai" => AiFallbackKind::OpenAi,
            other => {
                self.problem(format!(
                    "AI_FALLBACK_KIND is \"{other}\": use anthropic or openai."
                ));
                return None;
            }
        };
        let base_url = match kind {
            AiFallbackKind::Anthropic => {
                self.url("AI_FALLBACK_BASE_URL", "https://api.anthropic.com")
            }
            AiFallbackKind::OpenAi if self.text("AI_FALLBACK_BASE_URL").is_none() => {
                self.problem(
                    "AI_FALLBACK_KIND is openai but AI_FALLBACK_BASE_URL is not set: give the \
                     second provider's base URL, with /v1."
                        .to_owned(),
                );
                return None;
            }
            AiFallbackKind::OpenAi => self.url("AI_FALLBACK_BASE_URL", "https://example.org/v1"),
        };
        let (Some(api_key), Some(model)) = (
            self.secret("AI_FALLBACK_API_KEY"),
            self.text("AI_FALLBACK_MODEL"),
        ) else {
            self.problem(
                "AI_FALLBACK_KIND is set: AI_FALLBACK_API_KEY and AI_FALLBACK_MODEL are needed too."
                    .to_owned(),
            );
            return None;
        };
        Some(AiFallback {
            kind,
            base_url,
            api_key,
            model,
        })
    }
}
