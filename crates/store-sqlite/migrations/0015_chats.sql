-- Chats: reader chat rooms per edition and topic (crates/web/src/chats).
--
-- A room belongs to an edition, may be members-only (its members listed in
-- chat_members) and may be linked to a story. Messages stay in the
-- database (a room's retention_days, 0 for ever, bounds how long); every
-- change readers' open rooms must hear of (a message written, edited,
-- deleted, reacted to, pinned; the room closed) is a row of chat_events
-- first, whose id is what a reconnecting client resumes from on any node.

CREATE TABLE chat_rooms (
    id                INTEGER PRIMARY KEY,
    edition_id        INTEGER NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    slug              TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    topic             TEXT    NOT NULL DEFAULT '',
    article_id        INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    members_only      INTEGER NOT NULL DEFAULT 0,
    -- Seconds a reader waits between two messages (0: no slow mode).
    slow_mode_seconds INTEGER NOT NULL DEFAULT 0,
    -- Messages older than this many days are deleted (0: kept for ever).
    retention_days    INTEGER NOT NULL DEFAULT 30,
    closed_at         TEXT,
    created_at        TEXT    NOT NULL,
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (edition_id, slug)
);
CREATE INDEX chat_rooms_by_article ON chat_rooms (article_id);

CREATE TABLE chat_messages (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id        INTEGER NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reply_to       INTEGER REFERENCES chat_messages (id) ON DELETE SET NULL,
    body           TEXT    NOT NULL,
    -- The text as HTML (escaped, links made links), made once.
    body_html      TEXT    NOT NULL,
    client_address TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    edited_at      TEXT,
    -- A deleted message keeps its text for the moderators' record.
    deleted_at     TEXT,
    deleted_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    pinned_at      TEXT
);
CREATE INDEX chat_messages_by_room ON chat_messages (room_id, id);
CREATE INDEX chat_messages_by_user ON chat_messages (user_id, room_id, id);
CREATE INDEX chat_messages_by_time ON chat_messages (created_at);

CREATE TABLE chat_reactions (
    message_id INTEGER NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (message_id, user_id, kind)
);

CREATE TABLE chat_members (
    room_id  INTEGER NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at TEXT    NOT NULL,
    PRIMARY KEY (room_id, user_id)
);

-- A mute (for a time) or a ban (for a time or for ever: until NULL), in one
-- room or in every chat (room_id NULL). Lifting keeps the row.
CREATE TABLE chat_sanctions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id    INTEGER REFERENCES chat_rooms (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('mute', 'ban')),
    until      TEXT,
    reason     TEXT    NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL,
    lifted_at  TEXT
);
CREATE INDEX chat_sanctions_by_user ON chat_sanctions (user_id);

CREATE TABLE chat_reports (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (message_id, reporter_id)
);
CREATE INDEX chat_reports_open ON chat_reports (resolved_at, id);

CREATE TABLE chat_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id    INTEGER NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX chat_events_by_room ON chat_events (room_id, id);
CREATE INDEX chat_events_by_time ON chat_events (created_at);

-- How many people each node has in each room, for the counts readers see.
-- A node rewrites its rows while it has people in rooms; rows not
-- refreshed for a while belong to a node that went away and are ignored.
CREATE TABLE chat_presence (
    node       TEXT    NOT NULL,
    room_id    INTEGER NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    people     INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (node, room_id)
);
