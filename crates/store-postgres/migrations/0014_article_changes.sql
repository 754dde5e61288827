-- The change stream search follows: a row for every write that can change
-- what an article's search entry holds (its text, status, section, tags,
-- authors, dates), written by triggers so no code path can forget it.
-- Every node keeps its own index and reads this table from the last id it
-- applied; a node that fell behind further than the pruned window rebuilds.
-- Ids may commit out of order here: readers treat a gap as pending for a
-- while before they pass it (crates/web/src/search/follow.rs).
CREATE TABLE article_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id BIGINT NOT NULL,
    -- Unix seconds, for pruning.
    changed_at BIGINT NOT NULL
);

CREATE FUNCTION note_article_change() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'articles' THEN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO article_changes (article_id, changed_at) VALUES (OLD.id, extract(epoch FROM now())::bigint);
        ELSE
            INSERT INTO article_changes (article_id, changed_at) VALUES (NEW.id, extract(epoch FROM now())::bigint);
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO article_changes (article_id, changed_at) VALUES (OLD.article_id, extract(epoch FROM now())::bigint);
    ELSE
        INSERT INTO article_changes (article_id, changed_at) VALUES (NEW.article_id, extract(epoch FROM now())::bigint);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER article_changes_insert_delete AFTER INSERT OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION note_article_change();
CREATE TRIGGER article_changes_update
    AFTER UPDATE OF edition_id, section_id, slug, headline, lead, body, dateline_place, status, breaking,
        published_at, updated_at ON articles
    FOR EACH ROW EXECUTE FUNCTION note_article_change();
CREATE TRIGGER article_changes_tags AFTER INSERT OR DELETE ON article_tags
    FOR EACH ROW EXECUTE FUNCTION note_article_change();
CREATE TRIGGER article_changes_authors AFTER INSERT OR DELETE ON article_authors
    FOR EACH ROW EXECUTE FUNCTION note_article_change();
