-- Sign-in throttling that holds under concurrency and across instances. One counter row per
-- key ("ua:<username>|<address>": a username from one client address; "a:<address>": every
-- username from one client address). An attempt reserves its place by updating the row
-- (which locks it) BEFORE the password is hashed; past the limit the answer is 429 with no
-- hash at all. The window is fixed: it starts with the first attempt and lasts
-- `login_window_secs`. The audit trail, not this table, records each failure.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    -- places reserved (password checks run) in the window
    attempts BIGINT NOT NULL,
    -- checks reserved and not yet settled
    in_flight BIGINT NOT NULL,
    -- checks that failed in the window
    failures BIGINT NOT NULL,
    -- attempts refused in the window (the first one is audited as a lock-out)
    refused BIGINT NOT NULL
);
-- Replaced by sign_in_throttle (counted, then hashed, then written: not atomic).
DROP TABLE login_attempts;

-- Every refresh token a session has had, so that presenting any earlier one is recognised as
-- reuse (and ends the session), not answered as an unknown token.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at)
SELECT previous_refresh_hash, id, 0, created_at FROM sessions
WHERE previous_refresh_hash IS NOT NULL;
INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at)
SELECT refresh_hash, id, 1, last_used_at FROM sessions;
