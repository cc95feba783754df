-- Idea brainstorming: the backlog (`ai_ideas`, the seed's table, numbered per account), the
-- conversation of each (chat platform, chat, account) with its turns and the ideas last shown
-- (buttons refer to them), the creator's remembered niche, and one row per model request (tokens,
-- latency, outcome) for the operator's daily token budget.
ALTER TABLE users ADD COLUMN niche text;

CREATE TABLE ai_ideas (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number bigint NOT NULL,
    -- The content platform the idea is for (NULL: any).
    platform text CHECK (platform IN ('youtube', 'tiktok', 'instagram')),
    niche text,
    title text NOT NULL,
    description text,
    hook text,
    duration_seconds integer CHECK (duration_seconds > 0),
    status text NOT NULL DEFAULT 'saved' CHECK (status IN ('saved', 'in_progress', 'published')),
    -- 'ai' (the model wrote it) or 'data' (derived from the creator's own numbers, no model).
    origin text NOT NULL CHECK (origin IN ('ai', 'data')),
    -- Expand: a hook, a 30-second opening script and a title A/B pair.
    expansion jsonb,
    -- The published video this idea became, once the creator confirmed it.
    content_platform_id uuid,
    content_external_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, number),
    -- Deferrable so that account linking can point an idea at the survivor's copy of a video
    -- before the channels' merge copies that video over (checked at commit); immediate otherwise.
    CONSTRAINT ai_ideas_content_fkey FOREIGN KEY (content_platform_id, content_external_id)
        REFERENCES content (platform_id, external_id) ON DELETE SET NULL
        DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX ai_ideas_status ON ai_ideas (user_id, status);
-- Deleting content (a connection removed) finds the ideas linked to it.
CREATE INDEX ai_ideas_content ON ai_ideas (content_platform_id, content_external_id)
    WHERE content_platform_id IS NOT NULL;

CREATE TABLE idea_conversations (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform text NOT NULL,
    chat_id text NOT NULL,
    niche text,
    target_platform text,
    -- [{"role": "user"|"assistant", "text": "…"}], newest last, within the token budget.
    turns jsonb NOT NULL DEFAULT '[]',
    -- Older turns, summarised when the budget is exceeded.
    summary text,
    -- The ideas of the latest answer, in order: [{"title", "hook", "description", "duration_seconds", "platform"}].
    ideas jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, chat_id, user_id)
);
CREATE INDEX idea_conversations_user ON idea_conversations (user_id);

CREATE TABLE ai_requests (
    id bigserial PRIMARY KEY,
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    purpose text NOT NULL,
    model text NOT NULL,
    outcome text NOT NULL,
    prompt_tokens integer,
    completion_tokens integer,
    latency_ms integer,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_requests_day ON ai_requests (created_at);
CREATE INDEX ai_requests_user ON ai_requests (user_id);
