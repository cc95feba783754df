-- Core tables: accounts, chat identities, buttons, questions, usage, jobs, files.
-- Forward only. Counters are BIGINT, times timestamptz (UTC), platform ids text.

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text UNIQUE,
    name text,
    avatar_url text,
    plan text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'creator', 'pro')),
    locale text CHECK (locale IN ('en', 'fr')),
    stripe_customer_id text,
    stripe_subscription_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (chat platform, id on that platform); several may point at one account (linking).
CREATE TABLE chat_identities (
    platform text NOT NULL CHECK (platform IN ('discord', 'telegram', 'console')),
    external_id text NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, external_id)
);
CREATE INDEX chat_identities_user ON chat_identities (user_id);

-- Per-account numbers for objects creators refer to by number (/idea show 3): never reused.
CREATE TABLE object_numbers (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL,
    last_number bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind)
);

-- What a button does, stored server-side; the button carries only the opaque id.
CREATE TABLE pending_actions (
    id text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform text NOT NULL,
    chat_id text NOT NULL,
    action jsonb NOT NULL,
    single_use boolean NOT NULL,
    used_at timestamptz,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_actions_expiry ON pending_actions (expires_at);
CREATE INDEX pending_actions_user ON pending_actions (user_id);

-- A question the bot asked and waits an answer for, per account and chat; survives restarts.
CREATE TABLE pending_questions (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform text NOT NULL,
    chat_id text NOT NULL,
    question jsonb NOT NULL,
    answers jsonb NOT NULL DEFAULT '[]',
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, platform, chat_id)
);

CREATE TABLE usage_tracking (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    feature text NOT NULL,
    count bigint NOT NULL DEFAULT 0 CHECK (count >= 0),
    period_start date NOT NULL,
    period_end date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, feature, period_start)
);

-- The job queue. A job is claimed with a lease; `sending` is committed before a platform call.
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    dedupe_key text NOT NULL UNIQUE,
    payload jsonb NOT NULL,
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    -- The chat platform a send goes to: only a process with that platform's token claims it.
    platform text,
    status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'sending', 'done', 'failed', 'uncertain')),
    run_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 8,
    claimed_by text,
    lease_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE status = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE status IN ('running', 'sending');
CREATE INDEX jobs_user ON jobs (user_id);

-- Files the product keeps (invoice PDFs, imports, exports) under <data dir>/files.
CREATE TABLE stored_files (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    storage_key text NOT NULL UNIQUE,
    file_name text NOT NULL,
    mime_type text NOT NULL,
    size_bytes bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stored_files_user ON stored_files (user_id);
