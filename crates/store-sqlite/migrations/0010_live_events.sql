-- The live newsfeed's event log. Every event readers' open pages receive
-- (a story published, updated or taken down; later live-blog entries,
-- comments) is a row here first: its id is the Server-Sent Events id, the
-- same on every node, so a reader who reconnects to any node with
-- Last-Event-ID gets what they missed. Rows older than a day are pruned.
CREATE TABLE live_events (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    section_id  INTEGER,
    article_id  INTEGER,
    breaking    INTEGER NOT NULL DEFAULT 0,
    data        TEXT    NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX live_events_created ON live_events (created_at);
