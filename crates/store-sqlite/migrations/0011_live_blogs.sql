-- Live blogs: a story whose timestamped entries editors append while
-- events unfold; readers' open pages receive them live, and they stay on
-- the page as its record. An entry corrected after posting says so.
CREATE TABLE live_blog_entries (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    body        TEXT    NOT NULL,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    corrected   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX live_blog_entries_article ON live_blog_entries (article_id, id);
