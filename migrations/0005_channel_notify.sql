-- Where a connection's proactive messages go (the chat `/connect` came from) and in which
-- language: the daily sync job tells the creator there once when the grant dies.
ALTER TABLE platforms
    ADD COLUMN notify_platform text,
    ADD COLUMN notify_chat_id text,
    ADD COLUMN notify_locale text;
