-- The Telegram way back from the OAuth page: `t.me/<bot>?start=oauth-<nonce>` shows the
-- connection just made to the account that made it.
ALTER TABLE platforms ADD COLUMN return_nonce text UNIQUE;
