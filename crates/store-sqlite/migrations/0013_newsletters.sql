-- Newsletters: readers who asked for mail (double opt-in), what each send
-- was, and one delivery row per send and subscriber. The delivery rows are
-- the ledger that keeps a mail from going out twice or not at all across
-- restarts and nodes: a row is claimed with a lease, marked sent right
-- after the mail server accepts it, and retried with backoff otherwise.

CREATE TABLE subscribers (
    id                 INTEGER PRIMARY KEY,
    edition_id         INTEGER NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    email              TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed')),
    -- The rhythm: the daily digest, breaking alerts, or both.
    daily              INTEGER NOT NULL DEFAULT 1 CHECK (daily IN (0, 1)),
    breaking           INTEGER NOT NULL DEFAULT 1 CHECK (breaking IN (0, 1)),
    -- Comma-separated section ids and tag slugs; both empty means every story.
    section_ids        TEXT    NOT NULL DEFAULT '',
    tags               TEXT    NOT NULL DEFAULT '',
    -- The secret of the manage and unsubscribe links in every mail.
    token              TEXT    NOT NULL UNIQUE,
    -- The BLAKE3 hash of the confirmation link's secret, until it is used.
    confirm_hash       TEXT    UNIQUE,
    confirm_expires_at TEXT,
    -- Where the sign-up came from, to limit sign-ups per address.
    client_address     TEXT    NOT NULL DEFAULT '',
    -- The last confirmation or notice mail, so a form cannot mail-bomb anyone.
    last_mailed_at     TEXT,
    created_at         TEXT    NOT NULL,
    confirmed_at       TEXT,
    unsubscribed_at    TEXT,
    UNIQUE (edition_id, email)
);
CREATE INDEX subscribers_by_edition ON subscribers (edition_id, status);
CREATE INDEX subscribers_by_address ON subscribers (client_address, created_at);

-- A digest (`send_key` is its date, or `manual-<time>`) or a breaking
-- alert (`send_key` is the article id): unique, so two nodes or a restart
-- cannot start the same send twice.
CREATE TABLE newsletter_sends (
    id           INTEGER PRIMARY KEY,
    edition_id   INTEGER NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('digest', 'breaking')),
    send_key     TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    -- The stories, comma-separated ids, newest first.
    article_ids  TEXT    NOT NULL DEFAULT '',
    period_from  TEXT,
    period_to    TEXT,
    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (edition_id, kind, send_key)
);
CREATE INDEX newsletter_sends_recent ON newsletter_sends (created_at);

CREATE TABLE newsletter_deliveries (
    id              INTEGER PRIMARY KEY,
    send_id         INTEGER NOT NULL REFERENCES newsletter_sends (id) ON DELETE CASCADE,
    subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    lease_until     TEXT,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         TEXT,
    UNIQUE (send_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_due ON newsletter_deliveries (next_attempt_at)
    WHERE status IN ('pending', 'sending');
