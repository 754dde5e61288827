-- The live newsfeed's event log. Every event readers' open pages receive
-- (a story published, updated or taken down; later live-blog entries,
-- comments) is a row here first: its id is the Server-Sent Events id, the
-- same on every node, so a reader who reconnects to any node with
-- Last-Event-ID gets what they missed. Rows older than a day are pruned.
CREATE TABLE live_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    section_id  BIGINT,
    article_id  BIGINT,
    breaking    BOOLEAN NOT NULL DEFAULT FALSE,
    data        TEXT    NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX live_events_created ON live_events (created_at);
