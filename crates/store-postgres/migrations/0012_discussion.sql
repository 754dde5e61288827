-- Discussion: readers' comments under articles, their reactions and
-- reports, and what moderators need (a policy per section, bans, a profile
-- to judge an account by, site-wide settings such as the banned words).

ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
-- A banned account can read but not comment until this time.
ALTER TABLE users ADD COLUMN banned_until TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN ban_reason TEXT NOT NULL DEFAULT '';

-- open, premoderated (every comment waits for a moderator) or closed.
ALTER TABLE sections ADD COLUMN comment_policy TEXT NOT NULL DEFAULT 'open';

-- Approved comments, recounted on every change, for lists and the page.
ALTER TABLE articles ADD COLUMN comment_count BIGINT NOT NULL DEFAULT 0;

-- A comment replies to `parent_id` (shown "in reply to" its author) and
-- belongs to the thread of `root_id` (NULL for a thread's first comment),
-- so threads show two levels deep however long a conversation grows.
-- Author deletion anonymises (user_id NULL) or removes the comments.
CREATE TABLE comments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id     BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    root_id        BIGINT  REFERENCES comments (id) ON DELETE CASCADE,
    parent_id      BIGINT  REFERENCES comments (id) ON DELETE SET NULL,
    user_id        BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    body           TEXT    NOT NULL,
    -- The text as HTML (the safe subset), made once when it is written.
    body_html      TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL
                   CHECK (status IN ('pending', 'approved', 'rejected', 'deleted')),
    -- Why a pending comment waits: premoderated, new-account, banned-words, links.
    held_reason    TEXT    NOT NULL DEFAULT '',
    reaction_count BIGINT  NOT NULL DEFAULT 0,
    client_address TEXT    NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ    NOT NULL,
    edited_at      TIMESTAMPTZ,
    moderated_at   TIMESTAMPTZ,
    moderated_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX comments_by_article ON comments (article_id, status, root_id, id);
CREATE INDEX comments_by_root ON comments (root_id, id);
CREATE INDEX comments_by_user ON comments (user_id, created_at);
CREATE INDEX comments_by_status ON comments (status, id);
CREATE INDEX comments_by_address ON comments (client_address, created_at);

CREATE TABLE comment_reactions (
    comment_id BIGINT  NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    created_at TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (comment_id, user_id, kind)
);

-- One report per reader and comment; resolved when a moderator decides,
-- and the reader is told the outcome (kept or removed).
CREATE TABLE comment_reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id  BIGINT  NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reporter_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ    NOT NULL,
    resolved_at TIMESTAMPTZ,
    outcome     TEXT    NOT NULL DEFAULT '',
    UNIQUE (comment_id, reporter_id)
);
CREATE INDEX comment_reports_open ON comment_reports (resolved_at, comment_id);

-- Site-wide settings editors change in the newsroom (banned words …).
CREATE TABLE site_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
