-- Billing: what the account's paid plan rests on, and the Stripe events already applied.

-- The subscription behind `users.plan` (Stripe today, Telegram Stars later).
ALTER TABLE users
    ADD COLUMN plan_source text CHECK (plan_source IN ('stripe', 'stars')),
    -- Stripe's status of that subscription (active, trialing, past_due, canceled, ...).
    ADD COLUMN subscription_status text,
    -- The end of the paid period (renewal date, or the day a cancelled plan ends).
    ADD COLUMN plan_renews_at timestamptz,
    ADD COLUMN plan_cancels_at_period_end boolean NOT NULL DEFAULT false,
    -- When a payment first failed in the current run of failures (grace period start).
    ADD COLUMN payment_failed_at timestamptz,
    -- Where the creator started checkout: billing news is told there.
    ADD COLUMN billing_platform text CHECK (billing_platform IN ('discord', 'telegram', 'console')),
    ADD COLUMN billing_chat_id text,
    ADD COLUMN billing_locale text CHECK (billing_locale IN ('en', 'fr'));

-- Not unique: linking accounts copies a customer id onto the survivor before the other row goes.
CREATE INDEX users_stripe_customer ON users (stripe_customer_id)
    WHERE stripe_customer_id IS NOT NULL;

-- Each Stripe event id is applied once: recorded in the transaction that applies it.
CREATE TABLE stripe_events (
    id text PRIMARY KEY,
    type text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- A Telegram Stars subscription: its first charge id (what editUserStarSubscription and
-- refundStarPayment take) and the Telegram user who pays it.
ALTER TABLE users
    ADD COLUMN stars_charge_id text,
    ADD COLUMN stars_user_id text;
