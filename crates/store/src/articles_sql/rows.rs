//! The rows of the article tables as the queries read them.

use dateline_core::{ArticleStatus, Slug};
use sqlx::FromRow;
use time::OffsetDateTime;

use crate::{
    ArticleCard, ArticleId, EditionId, ImageRef, MediaId, NewsroomRow, SectionId, SitemapEntry, StoreError,
    TranslationLink, UserId,
};

/// Columns of `articles a LEFT JOIN media m` that make a card ([`CardRow`]).
pub(super) const CARD_COLUMNS: &str = "a.id, a.edition_id, a.section_id, a.slug, a.headline, a.lead, \
    a.breaking, a.published_at, a.updated_at, a.main_media_id, a.comment_count, \
    m.width AS media_width, m.height AS media_height, m.alt_text AS media_alt, \
    m.copyright AS media_copyright";

/// What a card reads from `articles a LEFT JOIN media m`.
pub(super) const CARD_FROM: &str = "FROM articles a LEFT JOIN media m ON m.id = a.main_media_id";

/// The columns a whole article adds to its card's ([`ArticleRow`]).
pub(super) const ARTICLE_COLUMNS: &str = "a.status, a.dateline_place, a.dateline_agency, a.body, \
    a.image_caption, a.image_credit, a.seo_title, a.seo_description, a.translation_group, a.correction, \
    a.created_by, a.version, a.public_version, a.published_at_fixed";

/// An article's slug as stored; a malformed one is reported, not passed on.
pub(super) fn stored_slug(raw: &str) -> Result<Slug, StoreError> {
    Slug::parse(raw).map_err(|e| StoreError::Invalid(format!("article slug {raw:?}: {e}")))
}

pub(super) fn stored_status(raw: &str) -> Result<ArticleStatus, StoreError> {
    ArticleStatus::from_stored(raw).ok_or_else(|| StoreError::Invalid(format!("article status {raw:?}")))
}

/// A row of [`CARD_COLUMNS`].
#[derive(Debug, FromRow)]
pub struct CardRow {
    id: ArticleId,
    edition_id: EditionId,
    section_id: SectionId,
    slug: String,
    headline: String,
    lead: String,
    breaking: bool,
    published_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    main_media_id: Option<MediaId>,
    comment_count: i64,
    media_width: Option<i32>,
    media_height: Option<i32>,
    media_alt: Option<String>,
    media_copyright: Option<String>,
}

impl TryFrom<CardRow> for ArticleCard {
    type Error = StoreError;

    /// The card without its image's renditions (read for many cards at
    /// once, `MediaStore::renditions_of`).
    fn try_from(row: CardRow) -> Result<Self, StoreError> {
        Ok(Self {
            slug: stored_slug(&row.slug)?,
            image: row.main_media_id.map(|media_id| ImageRef {
                media_id,
                width: row.media_width.unwrap_or_default(),
                height: row.media_height.unwrap_or_default(),
                alt_text: row.media_alt.unwrap_or_default(),
                copyright: row.media_copyright.unwrap_or_default(),
                renditions: Vec::new(),
            }),
            id: row.id,
            edition_id: row.edition_id,
            section_id: row.section_id,
            headline: row.headline,
            lead: row.lead,
            breaking: row.breaking,
            published_at: row.published_at,
            updated_at: row.updated_at,
            comment_count: row.comment_count,
        })
    }
}

/// A row of [`CARD_COLUMNS`] and [`ARTICLE_COLUMNS`].
#[derive(Debug, FromRow)]
pub struct ArticleRow {
    #[sqlx(flatten)]
    pub(super) card: CardRow,
    pub(super) status: String,
    pub(super) dateline_place: String,
    pub(super) dateline_agency: String,
    pub(super) body: String,
    pub(super) image_caption: String,
    pub(super) image_credit: String,
    pub(super) seo_title: String,
    pub(super) seo_description: String,
    pub(super) translation_group: Option<String>,
    pub(super) correction: Option<String>,
    pub(super) created_by: Option<UserId>,
    pub(super) version: i64,
    pub(super) public_version: i64,
    pub(super) published_at_fixed: bool,
}

/// A row of the newsroom's list.
#[derive(Debug, FromRow)]
pub struct NewsroomListRow {
    id: ArticleId,
    edition_id: EditionId,
    section_id: SectionId,
    headline: String,
    status: String,
    updated_at: OffsetDateTime,
    created_by: Option<UserId>,
    created_by_name: Option<String>,
}

impl TryFrom<NewsroomListRow> for NewsroomRow {
    type Error = StoreError;

    fn try_from(row: NewsroomListRow) -> Result<Self, StoreError> {
        Ok(Self {
            status: stored_status(&row.status)?,
            id: row.id,
            edition_id: row.edition_id,
            section_id: row.section_id,
            headline: row.headline,
            updated_at: row.updated_at,
            created_by: row.created_by,
            created_by_name: row.created_by_name,
        })
    }
}

/// A row of a sitemap.
#[derive(Debug, FromRow)]
pub struct SitemapRow {
    slug: String,
    headline: String,
    published_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<SitemapRow> for SitemapEntry {
    type Error = StoreError;

    fn try_from(row: SitemapRow) -> Result<Self, StoreError> {
        Ok(Self {
            slug: stored_slug(&row.slug)?,
            headline: row.headline,
            published_at: row.published_at,
            updated_at: row.updated_at,
        })
    }
}

/// A row of a translation group.
#[derive(Debug, FromRow)]
pub struct TranslationRow {
    id: ArticleId,
    edition_id: EditionId,
    slug: String,
    published_at: OffsetDateTime,
    headline: String,
}

impl TryFrom<TranslationRow> for TranslationLink {
    type Error = StoreError;

    fn try_from(row: TranslationRow) -> Result<Self, StoreError> {
        Ok(Self {
            slug: stored_slug(&row.slug)?,
            article_id: row.id,
            edition_id: row.edition_id,
            published_at: row.published_at,
            headline: row.headline,
        })
    }
}
