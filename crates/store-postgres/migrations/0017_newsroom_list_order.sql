-- The newsroom's story list is ordered by the last change, newest first:
-- read from this index and stopped after a page, rather than sorting every
-- story of the archive on each look at the list.
CREATE INDEX articles_recently_updated ON articles (updated_at DESC, id DESC);
