-- What each change showed differently, for every node's page cache. An
-- action that changes what readers see records, in its own transaction,
-- the keys of the pages that show it ("story:12", "list:1", "talk:12", …);
-- every node reads the rows after the last one it applied and drops exactly
-- those pages. The id is the content version the same transaction took
-- (content_version's row lock orders such transactions), so ids commit in
-- order and a follower reading "id > last seen" misses none. Rows older
-- than a day are pruned; a node further behind than that drops everything.
CREATE TABLE page_changes (
    id          INTEGER PRIMARY KEY,
    keys        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX page_changes_created ON page_changes (created_at);
