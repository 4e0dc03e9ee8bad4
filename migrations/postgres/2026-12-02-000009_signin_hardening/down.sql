DROP INDEX refresh_tokens_session;
DROP TABLE refresh_tokens;
CREATE TABLE login_attempts (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, at);
DROP TABLE sign_in_throttle;
