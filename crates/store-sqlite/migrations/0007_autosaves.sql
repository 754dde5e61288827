-- The editor's autosave: what a staff member last typed into an article's
-- form (or into a new article's), kept apart from the article so nothing
-- half-written reaches a revision or the public site. One row per person
-- and form; a real save deletes it.
CREATE TABLE autosaves (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The article id, or 'new' for an article not saved yet.
    article_key TEXT    NOT NULL,
    fields      TEXT    NOT NULL,
    saved_at    TEXT    NOT NULL,
    PRIMARY KEY (user_id, article_key)
);
