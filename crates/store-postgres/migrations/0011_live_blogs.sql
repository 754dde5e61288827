-- Live blogs: a story whose timestamped entries editors append while
-- events unfold; readers' open pages receive them live, and they stay on
-- the page as its record. An entry corrected after posting says so.
CREATE TABLE live_blog_entries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    body        TEXT    NOT NULL,
    author_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    corrected   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX live_blog_entries_article ON live_blog_entries (article_id, id);
