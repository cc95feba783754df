-- Per-account command rate limit (issue 10, hardening), shared by every instance.
-- Forward only.

-- One row per account that sent something: a GCRA bucket. `tat` ("theoretical arrival time")
-- is when the account's bucket would be full again; each command pushes it one interval later,
-- and a command that would push it more than `burst` intervals past now is refused and changes
-- nothing. `allowed` is the verdict of the latest check (PostgreSQL's RETURNING sees only new
-- values), so checking and counting is one statement.
CREATE TABLE command_rate (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tat timestamptz NOT NULL,
    allowed boolean NOT NULL
);
