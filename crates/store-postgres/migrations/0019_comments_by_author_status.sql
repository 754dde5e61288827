-- A reader's approved comments, for the comment rules ("at least N
-- approved?") and their profile's count: read from the reader's own range.
-- Without it SQLite may answer from `comments_by_status` and walk every
-- approved comment of the site to find a newcomer's none.
CREATE INDEX comments_by_user_status ON comments (user_id, status);
