-- A counter every node watches: any content change bumps it, and nodes
-- that see it move drop their cached pages (within about a second).

CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);
