-- Optional TOTP two-factor authentication, and the short-lived challenge
-- between a correct password and the code.

ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- The last accepted 30-second step: a code is accepted only once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE login_challenges (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next       TEXT    NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
