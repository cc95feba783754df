//! The digest's 2–3 sentence summary: from the OpenAI-compatible API when one is configured,
//! else (and whenever the model fails, times out or says a number the facts do not contain) the
//! deterministic one written from the numbers.

use crate::app::App;
use crate::i18n::Locale;

use super::compose::Digest;
use super::text;

pub async fn write(app: &App, locale: Locale, digest: &Digest) -> String {
    text::summary(&app.i18n, locale, digest)
}
