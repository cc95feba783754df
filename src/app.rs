//! The application state every command, job and front end shares: settings, database,
//! translations, manifests, plans, file store, keyring, metrics, the registered notifiers and the
//! provider clients built from settings (AI, Stripe).
//! Built once at start-up and passed by reference: nothing global.

use std::sync::Arc;

use sqlx::PgPool;

use crate::bot::notifier::Notifiers;
use crate::clients::ai::AiClient;
use crate::clients::stripe::StripeClient;
use crate::crypto::Keyring;
use crate::domain::files::FileStore;
use crate::domain::plans::Plans;
use crate::i18n::I18n;
use crate::manifest::Manifests;
use crate::metrics::Metrics;
use crate::settings::Settings;

#[derive(Debug)]
pub struct App {
    pub settings: Settings,
    pub db: PgPool,
    pub i18n: I18n,
    pub manifests: Manifests,
    pub plans: Plans,
    pub files: FileStore,
    pub keyring: Keyring,
    pub metrics: Metrics,
    pub notifiers: Notifiers,
    /// The OpenAI-compatible model, when `OPENAI_API_KEY` is set.
    pub ai: Option<AiClient>,
    /// The Telegram bot's username, once `getMe` answered in this process (links back to the
    /// bot from web pages: `t.me/<username>?start=…`).
    pub telegram_username: std::sync::OnceLock<String>,
    /// Stripe, when `STRIPE_SECRET_KEY` is set.
    pub stripe: Option<StripeClient>,
    /// Telegram Stars payments, registered by the Telegram front end when it starts.
    pub stars: crate::domain::billing::stars::StarsSlot,
}

impl App {
    pub fn new(settings: Settings, db: PgPool) -> anyhow::Result<Arc<App>> {
        let keyring = Keyring::load(settings.token_encryption_keys.as_ref(), &settings.data_dir)?;
        let metrics = Metrics::new()?;
        let ai = AiClient::from_settings(&settings.openai, settings.ai_fallback.as_ref(), &metrics);
        let stripe = StripeClient::from_settings(&settings.stripe)?;
        let notifiers = Notifiers::default();
        notifiers.on_unreachable(crate::domain::digests::unreachable_hook());
        Ok(Arc::new(App {
            i18n: I18n::load()?,
            manifests: Manifests::load()?,
            plans: Plans::load(settings.plans_file.as_deref())?,
            files: FileStore::new(settings.files_dir()),
            keyring,
            metrics,
            notifiers,
            ai,
            stripe,
            stars: Default::default(),
            db,
            settings,
            telegram_username: std::sync::OnceLock::new(),
        }))
    }
}
