-- Accounts: readers and newsroom staff, their sessions, API tokens, emailed
-- one-time links and login throttling.

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT    NOT NULL UNIQUE,
    display_name      TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    role              TEXT    NOT NULL DEFAULT 'reader'
                      CHECK (role IN ('reader', 'contributor', 'editor', 'admin')),
    email_verified    INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
    created_at        TEXT    NOT NULL
);

-- Editors and admins limited to some editions; none listed means all.
CREATE TABLE user_editions (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    edition_id INTEGER NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, edition_id)
);

-- Browser sessions; the cookie holds a random token, the table its hash.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Bearer tokens for the JSON API; the table keeps only their hash.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL DEFAULT '',
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- One-time links sent by email: address verification and password reset.
CREATE TABLE email_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify', 'reset')),
    expires_at TEXT    NOT NULL,
    used_at    TEXT
);

-- Failed logins per subject ("account:<email>" or "address:<ip>"), for
-- growing delays that every node sees.
CREATE TABLE login_failures (
    subject         TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT    NOT NULL
);
