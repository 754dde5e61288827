-- The change stream search follows: a row for every write that can change
-- what an article's search entry holds (its text, status, section, tags,
-- authors, dates), written by triggers so no code path can forget it.
-- Every node keeps its own index and reads this table from the last id it
-- applied; a node that fell behind further than the pruned window rebuilds.
CREATE TABLE article_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL,
    -- Unix seconds, for pruning.
    changed_at INTEGER NOT NULL
);

CREATE TRIGGER article_changes_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_changes (article_id, changed_at) VALUES (NEW.id, unixepoch());
END;
CREATE TRIGGER article_changes_update
AFTER UPDATE OF edition_id, section_id, slug, headline, lead, body, dateline_place, status, breaking,
    published_at, updated_at ON articles BEGIN
    INSERT INTO article_changes (article_id, changed_at) VALUES (NEW.id, unixepoch());
END;
CREATE TRIGGER article_changes_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_changes (article_id, changed_at) VALUES (OLD.id, unixepoch());
END;
CREATE TRIGGER article_changes_tag_added AFTER INSERT ON article_tags BEGIN
    INSERT INTO article_changes (article_id, changed_at) VALUES (NEW.article_id, unixepoch());
END;
CREATE TRIGGER article_changes_tag_removed AFTER DELETE ON article_tags BEGIN
    INSERT INTO article_changes (article_id, changed_at) VALUES (OLD.article_id, unixepoch());
END;
CREATE TRIGGER article_changes_author_added AFTER INSERT ON article_authors BEGIN
    INSERT INTO article_changes (article_id, changed_at) VALUES (NEW.article_id, unixepoch());
END;
CREATE TRIGGER article_changes_author_removed AFTER DELETE ON article_authors BEGIN
    INSERT INTO article_changes (article_id, changed_at) VALUES (OLD.article_id, unixepoch());
END;
