-- The focal point a photo editor sets on a photo (fractions of its width
-- and height from the top-left corner; the centre by default), and the
-- thumbnail crops made around it: `crop` marks a 3:2 rendition cut around
-- the focal point for cards, beside the full-frame ones. A crop can have
-- the same width as a full-frame rendition, so `crop` joins the key;
-- SQLite cannot change a primary key in place, so the table is rebuilt.
ALTER TABLE media ADD COLUMN focal_x REAL NOT NULL DEFAULT 0.5;
ALTER TABLE media ADD COLUMN focal_y REAL NOT NULL DEFAULT 0.5;

CREATE TABLE media_renditions_new (
    media_id    INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    mime        TEXT    NOT NULL,
    storage_key TEXT    NOT NULL,
    crop        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (media_id, crop, width, mime)
);
INSERT INTO media_renditions_new (media_id, width, height, mime, storage_key)
    SELECT media_id, width, height, mime, storage_key FROM media_renditions;
DROP TABLE media_renditions;
ALTER TABLE media_renditions_new RENAME TO media_renditions;
