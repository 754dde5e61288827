-- The focal point a photo editor sets on a photo (fractions of its width
-- and height from the top-left corner; the centre by default), and the
-- thumbnail crops made around it: `crop` marks a 3:2 rendition cut around
-- the focal point for cards, beside the full-frame ones. A crop can have
-- the same width as a full-frame rendition, so `crop` joins the key.
ALTER TABLE media ADD COLUMN focal_x DOUBLE PRECISION NOT NULL DEFAULT 0.5;
ALTER TABLE media ADD COLUMN focal_y DOUBLE PRECISION NOT NULL DEFAULT 0.5;

ALTER TABLE media_renditions ADD COLUMN crop BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE media_renditions DROP CONSTRAINT media_renditions_pkey;
ALTER TABLE media_renditions ADD PRIMARY KEY (media_id, crop, width, mime);
