-- Daily digests: one subscription per (account, destination), scheduled at a local time in an
-- IANA time zone. `last_local_date` is the local date of the last digest enqueued, so a tick
-- enqueues each local day at most once (the job's dedupe key says the same across instances).
-- `users.time_zone` is asked once and remembered for the next subscriptions.
ALTER TABLE users ADD COLUMN time_zone text;

CREATE TABLE digest_subscriptions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform text NOT NULL CHECK (platform IN ('discord', 'telegram', 'console')),
    chat_id text NOT NULL,
    -- A Discord channel or Telegram group (`here`), not the creator's DM.
    shared boolean NOT NULL,
    locale text NOT NULL CHECK (locale IN ('en', 'fr')),
    send_at time NOT NULL DEFAULT '09:00',
    time_zone text NOT NULL,
    theme text NOT NULL DEFAULT 'dark' CHECK (theme IN ('dark', 'light')),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason text CHECK (paused_reason IN ('creator', 'unreachable')),
    last_local_date date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, platform, chat_id)
);
CREATE INDEX digest_subscriptions_active ON digest_subscriptions (status) WHERE status = 'active';
CREATE INDEX digest_subscriptions_destination ON digest_subscriptions (platform, chat_id);
