-- Editions, sections, authors, tags, media and articles: the public site's content.
-- Never edit an applied migration; add a new file (see migrations/README.md).

CREATE TABLE editions (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    language    TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    direction   TEXT    NOT NULL DEFAULT 'ltr' CHECK (direction IN ('ltr', 'rtl')),
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX editions_single_default ON editions (is_default) WHERE is_default;

CREATE TABLE sections (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT  NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (edition_id, slug)
);

CREATE TABLE authors (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT  NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    bio         TEXT    NOT NULL DEFAULT '',
    UNIQUE (edition_id, slug)
);

CREATE TABLE tags (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT  NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE media (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    original_key TEXT    NOT NULL,
    mime         TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    caption      TEXT    NOT NULL DEFAULT '',
    credit       TEXT    NOT NULL DEFAULT '',
    copyright    TEXT    NOT NULL DEFAULT '',
    alt_text     TEXT    NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE media_renditions (
    media_id    BIGINT  NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    mime        TEXT    NOT NULL,
    storage_key TEXT    NOT NULL,
    PRIMARY KEY (media_id, width, mime)
);

CREATE TABLE articles (
    id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id        BIGINT  NOT NULL REFERENCES editions (id),
    section_id        BIGINT  NOT NULL REFERENCES sections (id),
    slug              TEXT    NOT NULL,
    headline          TEXT    NOT NULL,
    lead              TEXT    NOT NULL DEFAULT '',
    dateline_place    TEXT    NOT NULL DEFAULT '',
    dateline_agency   TEXT    NOT NULL DEFAULT '',
    body              TEXT    NOT NULL DEFAULT '',
    main_media_id     BIGINT  REFERENCES media (id),
    image_caption     TEXT    NOT NULL DEFAULT '',
    image_credit      TEXT    NOT NULL DEFAULT '',
    breaking          BOOLEAN NOT NULL DEFAULT FALSE,
    status            TEXT    NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'in_review', 'scheduled', 'published', 'unpublished')),
    seo_title         TEXT    NOT NULL DEFAULT '',
    seo_description   TEXT    NOT NULL DEFAULT '',
    correction        TEXT,
    translation_group TEXT,
    published_at      TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (edition_id, slug)
);
CREATE INDEX articles_edition_latest ON articles (edition_id, status, published_at DESC, id DESC);
CREATE INDEX articles_section_latest ON articles (section_id, status, published_at DESC, id DESC);
CREATE INDEX articles_translation_group ON articles (translation_group) WHERE translation_group IS NOT NULL;
CREATE INDEX articles_main_media ON articles (main_media_id) WHERE main_media_id IS NOT NULL;

CREATE TABLE article_tags (
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     BIGINT  NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

CREATE TABLE article_authors (
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  BIGINT  NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_by_author ON article_authors (author_id, article_id);

-- Old slugs of articles, so that a renamed article's old URL answers 301.
CREATE TABLE article_slug_history (
    edition_id BIGINT  NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    slug       TEXT    NOT NULL,
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (edition_id, slug)
);
