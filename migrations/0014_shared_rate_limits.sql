-- Send limits shared by every instance on this database (Telegram's 30/s per bot, 1/s per chat,
-- 20/min per group; Discord's 50 requests/s per bot). One row per bucket holds the times of its
-- most recent sends (at most `limit` of them): a send is allowed when the bucket holds fewer, or
-- when the oldest left the window. So no window of that length, wherever it starts, ever holds
-- more than the limit (a fixed per-second counter would let 2x through across a boundary).
-- Buckets are named from a hash of the bot token, never the token. Rows of idle buckets are
-- deleted by the PurgeExpired job.
CREATE TABLE rate_buckets (
    bucket text PRIMARY KEY,
    recent timestamptz[] NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX rate_buckets_updated ON rate_buckets (updated_at);

-- Takes one slot in every bucket named, or none: returns 0 when taken, else the milliseconds to
-- wait before trying again (until the oldest send of the first full bucket leaves its window).
-- One statement per send, row locks held only for its duration, times from the database clock
-- (one clock for every instance).
CREATE FUNCTION rate_take(p_buckets text[], p_limits int[], p_windows_ms int[]) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    now_ts timestamptz := clock_timestamp();
    kept timestamptz[];
    wait_ms int := 0;
    i int;
BEGIN
    -- Every bucket gets its row first, so the row locks below cover a bucket's first send too;
    -- rows are created and locked in one order, so two instances cannot deadlock.
    INSERT INTO rate_buckets (bucket, recent, updated_at)
    SELECT b, '{}', now_ts FROM unnest(p_buckets) AS b ORDER BY b
    ON CONFLICT (bucket) DO NOTHING;
    PERFORM 1 FROM rate_buckets WHERE bucket = ANY(p_buckets) ORDER BY bucket FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(p_buckets, 1), 0) LOOP
        SELECT coalesce(array_agg(t ORDER BY t), '{}') INTO kept
        FROM rate_buckets b, unnest(b.recent) AS t
        WHERE b.bucket = p_buckets[i]
          AND t > now_ts - make_interval(secs => p_windows_ms[i] / 1000.0);
        IF coalesce(array_length(kept, 1), 0) >= p_limits[i] THEN
            wait_ms := greatest(wait_ms, 1 + ceil(extract(epoch FROM
                kept[array_length(kept, 1) - p_limits[i] + 1]
                + make_interval(secs => p_windows_ms[i] / 1000.0) - now_ts) * 1000)::int);
        END IF;
    END LOOP;
    IF wait_ms > 0 THEN
        RETURN wait_ms;
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_buckets, 1), 0) LOOP
        UPDATE rate_buckets SET
            recent = (SELECT coalesce(array_agg(t ORDER BY t), '{}')
                      FROM unnest(recent) AS t
                      WHERE t > now_ts - make_interval(secs => p_windows_ms[i] / 1000.0))
                     || now_ts,
            updated_at = now_ts
        WHERE bucket = p_buckets[i];
    END LOOP;
    RETURN 0;
END;
$$;
