//! Stripe through async-stripe, pointed at `STRIPE_API_URL`: customers, Checkout Sessions in
//! subscription mode, Customer Portal sessions, and reading or cancelling a subscription.
//!
//! Requests are built with the crate's typed builders; answers are read into the few fields we
//! use (miniserde ignores the rest), so a field Stripe adds or drops elsewhere in an object never
//! breaks a payment. Every call carries an idempotency key chosen by the caller. Stripe API
//! version 2026-09-30 (the crate's): `current_period_end` lives on the subscription items.

use std::collections::HashMap;
use std::time::Duration;

use secrecy::ExposeSecret;
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};

use crate::settings;

/// How long one Stripe call may take before we give up and say so.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub struct StripeClient {
    inner: stripe::Client,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret key lives inside; never print it.
        f.write_str("StripeClient")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StripeCallError {
    #[error("the idempotency key is not usable: {0}")]
    Key(String),
    #[error(transparent)]
    Stripe(stripe::StripeError),
}

/// Every failed call reaches us through `?`: counted here, once, in `external_api_errors_total`.
impl From<stripe::StripeError> for StripeCallError {
    fn from(error: stripe::StripeError) -> StripeCallError {
        let outgoing = crate::metrics::outgoing();
        let api = crate::metrics::Api::Stripe;
        match &error {
            stripe::StripeError::Stripe(_, status) => outgoing.answered(api, *status),
            stripe::StripeError::Timeout => outgoing.unanswered(api, true),
            stripe::StripeError::ClientError(_) => outgoing.unanswered(api, false),
            stripe::StripeError::JSONDeserialize(_) | stripe::StripeError::ConfigError(_) => {}
        }
        StripeCallError::Stripe(error)
    }
}

/// A subscription as we use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    /// active, trialing, past_due, unpaid, canceled, incomplete, incomplete_expired, paused.
    pub status: String,
    /// `metadata.account_id`, set by our Checkout Session.
    pub account: Option<String>,
    /// The price of each item.
    pub prices: Vec<String>,
    /// The latest `current_period_end` of its items (unix seconds).
    pub current_period_end: Option<i64>,
    pub cancel_at_period_end: bool,
    pub trial_end: Option<i64>,
}

/// A Checkout Session to open.
#[derive(Debug, Clone)]
pub struct CheckoutRequest<'a> {
    pub customer: &'a str,
    pub price: &'a str,
    pub account: &'a str,
    pub trial_days: Option<u32>,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    /// `en` or `fr`.
    pub locale: &'a str,
}

#[derive(miniserde::Deserialize)]
struct Created {
    id: String,
}

#[derive(miniserde::Deserialize)]
struct WithUrl {
    url: Option<String>,
}

impl WithUrl {
    /// A session's page; Stripe always sends one for the sessions we create.
    fn into_url(self) -> Result<String, StripeCallError> {
        self.url.ok_or_else(|| {
            StripeCallError::Stripe(stripe::StripeError::JSONDeserialize(
                "a session without url".into(),
            ))
        })
    }
}

#[derive(miniserde::Deserialize)]
struct RawSubscription {
    id: String,
    customer: String,
    status: String,
    metadata: Option<HashMap<String, String>>,
    items: RawItems,
    cancel_at_period_end: Option<bool>,
    trial_end: Option<i64>,
}

#[derive(miniserde::Deserialize)]
struct RawItems {
    data: Vec<RawItem>,
}

#[derive(miniserde::Deserialize)]
struct RawItem {
    price: Option<RawPrice>,
    current_period_end: Option<i64>,
}

#[derive(miniserde::Deserialize)]
struct RawPrice {
    id: String,
}

impl From<RawSubscription> for Subscription {
    fn from(raw: RawSubscription) -> Subscription {
        Subscription {
            account: raw
                .metadata
                .as_ref()
                .and_then(|m| m.get("account_id").cloned()),
            prices: raw
                .items
                .data
                .iter()
                .filter_map(|i| i.price.as_ref().map(|p| p.id.clone()))
                .collect(),
            current_period_end: raw
                .items
                .data
                .iter()
                .filter_map(|i| i.current_period_end)
                .max(),
            id: raw.id,
            customer: raw.customer,
            status: raw.status,
            cancel_at_period_end: raw.cancel_at_period_end.unwrap_or(false),
            trial_end: raw.trial_end,
        }
    }
}

fn idempotent(key: &str) -> Result<RequestStrategy, StripeCallError> {
    IdempotencyKey::new(key)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| StripeCallError::Key(format!("{e:?}")))
}

impl StripeClient {
    /// The client, when `STRIPE_SECRET_KEY` is set.
    pub fn from_settings(stripe: &settings::Stripe) -> anyhow::Result<Option<StripeClient>> {
        let Some(key) = &stripe.secret_key else {
            return Ok(None);
        };
        let inner = stripe::ClientBuilder::new(key.expose_secret())
            .url(stripe.api_url.as_str())
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| anyhow::anyhow!("the Stripe client cannot be built: {e}"))?;
        Ok(Some(StripeClient { inner }))
    }

    /// A customer for one account (its id in `metadata.account_id`).
    pub async fn create_customer(
        &self,
        account: &str,
        name: Option<&str>,
        idempotency_key: &str,
    ) -> Result<String, StripeCallError> {
        let mut request = stripe_core::customer::CreateCustomer::new().metadata(HashMap::from([(
            "account_id".to_owned(),
            account.to_owned(),
        )]));
        if let Some(name) = name {
            request = request.name(name);
        }
        let created: Created = request
            .build()
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.inner)
            .await?;
        Ok(created.id)
    }

    /// A Checkout Session in subscription mode; its URL.
    pub async fn create_checkout(
        &self,
        req: &CheckoutRequest<'_>,
        idempotency_key: &str,
    ) -> Result<String, StripeCallError> {
        use stripe_checkout::checkout_session::{
            CreateCheckoutSession, CreateCheckoutSessionLineItems,
            CreateCheckoutSessionSubscriptionData,
        };
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price = Some(req.price.to_owned());
        item.quantity = Some(1);
        let mut data = CreateCheckoutSessionSubscriptionData::new();
        data.metadata = Some(HashMap::from([(
            "account_id".to_owned(),
            req.account.to_owned(),
        )]));
        data.trial_period_days = req.trial_days;
        let locale = req
            .locale
            .parse::<stripe_checkout::CheckoutSessionLocale>()
            .unwrap_or(stripe_checkout::CheckoutSessionLocale::Auto);
        let session: WithUrl = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Subscription)
            .customer(req.customer)
            .client_reference_id(req.account)
            .line_items(vec![item])
            .subscription_data(data)
            .success_url(req.success_url)
            .cancel_url(req.cancel_url)
            .locale(locale)
            .build()
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.inner)
            .await?;
        session.into_url()
    }

    /// A Customer Portal session (plan, card, cancel, invoices); its URL.
    pub async fn create_portal(
        &self,
        customer: &str,
        return_url: &str,
        locale: &str,
        idempotency_key: &str,
    ) -> Result<String, StripeCallError> {
        let locale = locale
            .parse::<stripe_billing::BillingPortalSessionLocale>()
            .unwrap_or(stripe_billing::BillingPortalSessionLocale::Auto);
        let session: WithUrl =
            stripe_billing::billing_portal_session::CreateBillingPortalSession::new()
                .customer(customer)
                .return_url(return_url)
                .locale(locale)
                .build()
                .customize()
                .request_strategy(idempotent(idempotency_key)?)
                .send(&self.inner)
                .await?;
        session.into_url()
    }

    /// The subscription as Stripe has it now.
    pub async fn subscription(
        &self,
        id: &str,
        idempotency_key: &str,
    ) -> Result<Subscription, StripeCallError> {
        let raw: RawSubscription = stripe_billing::subscription::RetrieveSubscription::new(id)
            .build()
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.inner)
            .await?;
        Ok(raw.into())
    }

    /// Cancels a subscription at once (the creator erases their account).
    pub async fn cancel_subscription(
        &self,
        id: &str,
        idempotency_key: &str,
    ) -> Result<Subscription, StripeCallError> {
        let raw: RawSubscription = stripe_billing::subscription::CancelSubscription::new(id)
            .build()
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.inner)
            .await?;
        Ok(raw.into())
    }
}

/// Whether Stripe answered "no such object" (a subscription deleted long ago).
pub fn is_missing(error: &StripeCallError) -> bool {
    matches!(
        error,
        StripeCallError::Stripe(stripe::StripeError::Stripe(_, 404))
    )
}
