//! Telegram Stars through the Bot API: invoice links for 30-day subscriptions, cancelling a
//! creator's subscription, refunds; and the payment updates (`pre_checkout_query`,
//! `successful_payment`), whose checks live in `domain::billing::stars`.

use async_trait::async_trait;
use teloxide::prelude::*;
use teloxide::types::{LabeledPrice, Seconds, TelegramTransactionId};

use crate::domain::billing::stars::{CURRENCY, SUBSCRIPTION_PERIOD_SECS, StarsApi};

/// The unthrottled bot: these are not chat messages.
pub struct TelegramStars {
    pub bot: Bot,
}

fn user_id(text: &str) -> anyhow::Result<UserId> {
    Ok(UserId(text.parse().map_err(|_| {
        anyhow::anyhow!("a Telegram user id is a number, not {text:?}")
    })?))
}

#[async_trait]
impl StarsApi for TelegramStars {
    async fn invoice_link(
        &self,
        title: String,
        description: String,
        payload: String,
        stars: u32,
    ) -> anyhow::Result<String> {
        let label = title.clone();
        Ok(self
            .bot
            .create_invoice_link(
                title,
                description,
                payload,
                CURRENCY,
                vec![LabeledPrice::new(label, stars)],
            )
            .subscription_period(Seconds::from_seconds(SUBSCRIPTION_PERIOD_SECS))
            .await?)
    }

    async fn cancel_subscription(&self, user: &str, charge_id: &str) -> anyhow::Result<()> {
        self.bot
            .edit_user_star_subscription(
                user_id(user)?,
                TelegramTransactionId(charge_id.to_owned()),
                true,
            )
            .await?;
        Ok(())
    }

    async fn refund(&self, user: &str, charge_id: &str) -> anyhow::Result<()> {
        self.bot
            .refund_star_payment(user_id(user)?, TelegramTransactionId(charge_id.to_owned()))
            .await?;
        Ok(())
    }
}
