-- Consents a creator gave explicitly, with the privacy policy version they saw (issue 11):
-- `connect:youtube|tiktok|instagram` when they accepted, in /connect, what the connection reads
-- and stores. Exported with /export; erased with the account.
CREATE TABLE consents (
    id bigserial PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope text NOT NULL CHECK (scope ~ '^[a-z]+(:[a-z]+)?$'),
    policy_version integer NOT NULL CHECK (policy_version > 0),
    accepted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consents_by_user ON consents (user_id, scope);
