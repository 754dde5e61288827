-- Optimistic locking and the version partners see.
--
-- `version` counts every write to an article's row (a save in the editor or
-- the API, the scheduled publication, a photo replaced everywhere): a save
-- names the version it started from and is refused when the row moved on,
-- so two editors never overwrite each other silently. The API shows it as
-- the ETag.
--
-- `public_version` counts the changes readers and partners can see: it
-- grows with every save that leaves the story published or takes it out of
-- publication, and is the ninjs `version`.
--
-- A revision records the version its snapshot is, so a save that started
-- from version N can be merged against revision N.
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN public_version INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET public_version = 1 WHERE status IN ('published', 'unpublished');
ALTER TABLE article_revisions ADD COLUMN version INTEGER;

-- An editor gave the story its original time of publication (an archived
-- or syndicated story): publishing keeps `published_at` instead of taking
-- the moment of publishing.
ALTER TABLE articles ADD COLUMN published_at_fixed INTEGER NOT NULL DEFAULT 0 CHECK (published_at_fixed IN (0, 1));

-- The edition an audit entry belongs to, so an editor limited to some
-- editions reads only their entries (and none of the site-wide ones).
-- Entries written before this are assigned from their subject where it
-- names an article, a comment or an edition.
ALTER TABLE audit_log ADD COLUMN edition_id INTEGER;
UPDATE audit_log SET edition_id = (SELECT a.edition_id FROM articles a WHERE audit_log.subject = 'article ' || a.id)
WHERE subject LIKE 'article %';
UPDATE audit_log SET edition_id = (
    SELECT a.edition_id FROM comments c JOIN articles a ON a.id = c.article_id WHERE audit_log.subject = 'comment ' || c.id
)
WHERE subject LIKE 'comment %';
UPDATE audit_log SET edition_id = (SELECT e.id FROM editions e WHERE audit_log.subject = 'edition ' || e.code)
WHERE subject LIKE 'edition %';
CREATE INDEX audit_log_by_edition ON audit_log (edition_id, id);

-- The original file of a photo is served to anyone only once a published
-- story uses the photo; finding the photo by its file is one lookup.
CREATE INDEX media_by_original_key ON media (original_key);
