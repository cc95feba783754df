-- Account linking codes (/link) and the Discord command registration record.
-- Forward only.

-- A one-time code shown on one platform and typed on another: 10 minutes, single use.
-- The account that issued it survives the link.
CREATE TABLE link_codes (
    code text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform text NOT NULL CHECK (platform IN ('discord', 'telegram', 'console')),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_codes_user ON link_codes (user_id);
CREATE INDEX link_codes_expiry ON link_codes (expires_at);

-- What was last registered with Discord per scope ('global' or 'guild:ID'): the payload's hash,
-- so start-up registers again only when the manifests (or their translations) changed.
CREATE TABLE discord_registrations (
    scope text PRIMARY KEY,
    payload_hash text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);
