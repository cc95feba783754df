-- Channels: provider connections (YouTube, TikTok, Instagram), their analytics, content and
-- per-video daily snapshots, OAuth states, and provider quota accounting. Forward only.
-- Counters are BIGINT and NULL means "unknown" (never reported), which is not 0.

-- One row per (account, provider). `source` says where its numbers come from: an OAuth
-- connection, manual entry / CSV import, or the demo creator. Tokens are sealed with
-- AES-256-GCM (src/crypto.rs, associated data = user id + provider); `token_key_id` repeats the
-- sealing key's id so `creatorpilot rotate-keys` finds old rows with an index; `sealed_for` is the
-- user id the tokens were sealed for (it differs from `user_id` after account linking moved the
-- row, until the next refresh re-seals them).
CREATE TABLE platforms (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider text NOT NULL CHECK (provider IN ('youtube', 'tiktok', 'instagram')),
    source text NOT NULL CHECK (source IN ('oauth', 'manual', 'demo')),
    status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'needs_reconnect', 'disconnected')),
    external_id text,
    display_name text,
    access_token text,
    refresh_token text,
    token_key_id text,
    sealed_for uuid,
    access_expires_at timestamptz,
    refresh_expires_at timestamptz,
    scopes text,
    last_sync_at timestamptz,
    last_sync_error text,
    -- The newest upload already seen, so playlistItems pages older than it are not fetched.
    last_content_at timestamptz,
    reconnect_notified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, provider)
);
CREATE INDEX platforms_key ON platforms (token_key_id) WHERE token_key_id IS NOT NULL;

-- Daily channel numbers, one row per platform and day (upserted: syncs are idempotent).
CREATE TABLE analytics (
    platform_id uuid NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
    day date NOT NULL,
    views bigint,
    watch_minutes bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    saved bigint,
    reach bigint,
    subscribers_gained bigint,
    subscribers_lost bigint,
    -- Total followers on that day, when known.
    followers bigint,
    source text NOT NULL CHECK (source IN ('api', 'manual', 'csv', 'demo')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform_id, day)
);

-- Videos and posts, with their latest lifetime statistics.
CREATE TABLE content (
    platform_id uuid NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
    external_id text NOT NULL,
    title text,
    published_at timestamptz,
    duration_seconds bigint,
    views bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform_id, external_id)
);

-- Lifetime statistics of one piece of content as seen on one day (compare videos at equal age).
CREATE TABLE content_snapshots (
    platform_id uuid NOT NULL,
    external_id text NOT NULL,
    day date NOT NULL,
    views bigint,
    likes bigint,
    comments bigint,
    PRIMARY KEY (platform_id, external_id, day),
    FOREIGN KEY (platform_id, external_id) REFERENCES content (platform_id, external_id)
        ON DELETE CASCADE
);

-- A pending OAuth authorization: random, single use, bound to the account and the chat it came
-- from, 10 minutes. The PKCE verifier is sealed like a token.
CREATE TABLE oauth_states (
    state text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider text NOT NULL CHECK (provider IN ('youtube', 'tiktok', 'instagram')),
    chat_platform text NOT NULL,
    chat_id text NOT NULL,
    locale text NOT NULL,
    pkce_verifier text NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_user ON oauth_states (user_id);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);

-- Quota units spent per provider and quota day (YouTube's day is midnight to midnight Pacific),
-- shared by every creator and every instance: reserved atomically before each call.
CREATE TABLE provider_quota (
    provider text NOT NULL,
    quota_day date NOT NULL,
    units_used bigint NOT NULL DEFAULT 0 CHECK (units_used >= 0),
    PRIMARY KEY (provider, quota_day)
);

-- Every quota-costing call, per connection (for /channels "quota used today").
CREATE TABLE provider_calls (
    id bigserial PRIMARY KEY,
    provider text NOT NULL,
    quota_day date NOT NULL,
    platform_id uuid REFERENCES platforms (id) ON DELETE SET NULL,
    endpoint text NOT NULL,
    units bigint NOT NULL,
    called_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_calls_platform ON provider_calls (platform_id, quota_day);
