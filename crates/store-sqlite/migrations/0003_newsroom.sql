-- The newsroom: who created an article, every saved version of it, and an
-- audit log of who did what.

ALTER TABLE articles ADD COLUMN created_by INTEGER REFERENCES users (id);

CREATE TABLE article_revisions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id),
    status     TEXT    NOT NULL,
    -- The editable fields as JSON, so old revisions survive schema changes.
    snapshot   TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX article_revisions_by_article ON article_revisions (article_id, id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id),
    action     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (created_at);
