-- Accounts: readers and newsroom staff, their sessions, API tokens, emailed
-- one-time links and login throttling.

CREATE TABLE users (
    id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email             TEXT    NOT NULL UNIQUE,
    display_name      TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    role              TEXT    NOT NULL DEFAULT 'reader'
                      CHECK (role IN ('reader', 'contributor', 'editor', 'admin')),
    email_verified    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ NOT NULL
);

-- Editors and admins limited to some editions; none listed means all.
CREATE TABLE user_editions (
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    edition_id BIGINT  NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, edition_id)
);

-- Browser sessions; the cookie holds a random token, the table its hash.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Bearer tokens for the JSON API; the table keeps only their hash.
CREATE TABLE api_tokens (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL DEFAULT '',
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- One-time links sent by email: address verification and password reset.
CREATE TABLE email_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify', 'reset')),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- Failed logins per subject ("account:<email>" or "address:<ip>"), for
-- growing delays that every node sees.
CREATE TABLE login_failures (
    subject         TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL
);
