-- The media bank: what a photo editor records beside caption and credit.
-- `licence` holds the licence and usage terms shown on the photo's page;
-- `keywords` (comma-separated, from the file's IPTC/XMP or typed) are
-- searched with the caption and credit.
ALTER TABLE media ADD COLUMN licence TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN original_name TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX media_newest ON media (created_at DESC, id DESC);
