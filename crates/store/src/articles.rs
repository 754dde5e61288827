//! Stories: written and changed in the newsroom (each change one action
//! with its revision, audit entry, job and change-log entry, through
//! [`crate::ArticleTx`] and the other domains' transactions), and read by
//! every page as whole articles or as cards in lists.

use async_trait::async_trait;
use dateline_core::Slug;
use time::OffsetDateTime;

use crate::{
    Article, ArticleCard, ArticleId, ArticleQuery, EditionId, NewArticle, NewsroomQuery, NewsroomRow,
    SectionId, SitemapEntry, StoreError, TagId, TranslationLink,
};

#[async_trait]
pub trait ArticleStore: Send + Sync {
    /// Inserts an article with its tags and authors; returns its id.
    /// `Conflict` when the slug is taken in the edition.
    async fn create_article(&self, new: &NewArticle) -> Result<ArticleId, StoreError>;
    /// Replaces an article's editable fields, tags and authors, and returns
    /// its new version. `Conflict` when the slug is taken in the edition;
    /// `Stale` when `expected_version` is given and the article is no
    /// longer at it; `NotFound` when there is no such article.
    async fn update_article(
        &self,
        id: ArticleId,
        article: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError>;
    /// Gives an article a new slug and remembers the old one, so its old URL
    /// keeps working as a redirect. `NotFound` when there is no such article.
    async fn rename_article_slug(&self, id: ArticleId, new_slug: &Slug) -> Result<(), StoreError>;
    /// Deletes an article with its tags, authors, old slugs and revisions.
    async fn delete_article(&self, id: ArticleId) -> Result<(), StoreError>;
    /// Publishes an article that is still scheduled and due; false when it
    /// is not (published by hand, moved back to draft) so the job does nothing.
    async fn publish_scheduled_article(&self, id: ArticleId, now: OffsetDateTime)
    -> Result<bool, StoreError>;
    /// Puts an article into a translation group (linking it to its other languages).
    async fn set_translation_group(&self, article_id: ArticleId, group: &str) -> Result<(), StoreError>;

    /// An article in any status by its edition and current slug; callers
    /// decide what a status means for them (readers see only `Published`).
    async fn article_by_slug(
        &self,
        edition_id: EditionId,
        slug: &Slug,
    ) -> Result<Option<Article>, StoreError>;
    /// An article in any status by id.
    async fn article_by_id(&self, id: ArticleId) -> Result<Option<Article>, StoreError>;
    /// The id of the published article that once had this slug in this edition.
    async fn article_id_by_old_slug(
        &self,
        edition_id: EditionId,
        slug: &Slug,
    ) -> Result<Option<ArticleId>, StoreError>;
    /// Published articles, newest first, filtered and paged by `query`.
    async fn list_articles(&self, query: &ArticleQuery) -> Result<Vec<ArticleCard>, StoreError>;
    /// The database's plan for [`ArticleStore::list_articles`] with `query`,
    /// one line per step (SQLite's `EXPLAIN QUERY PLAN`; PostgreSQL's
    /// `EXPLAIN` with sequential scans priced out, so a table this small
    /// still shows whether an index can serve the list). The tests check
    /// every list is read from an index; operators can look too.
    async fn explain_list_articles(&self, query: &ArticleQuery) -> Result<Vec<String>, StoreError>;
    /// Published stories related to an article of `edition_id`: those that
    /// share one of `tag_ids` (only the newest 50 links per tag asked for
    /// are looked at, so the cost stays flat however large a tag grows) and
    /// then the newest of its section; each list newest first, at most
    /// `limit`, without the article itself. The caller ranks and trims them.
    async fn related_articles(
        &self,
        article_id: ArticleId,
        edition_id: EditionId,
        section_id: SectionId,
        tag_ids: &[TagId],
        limit: i64,
    ) -> Result<(Vec<ArticleCard>, Vec<ArticleCard>), StoreError>;
    /// The newest published breaking story of an edition published at or
    /// after `since`, if any.
    async fn latest_breaking(
        &self,
        edition_id: EditionId,
        since: OffsetDateTime,
    ) -> Result<Option<ArticleCard>, StoreError>;
    /// The published articles of a translation group, in every edition.
    async fn translations(&self, group: &str) -> Result<Vec<TranslationLink>, StoreError>;
    /// Published articles whose main photo is this media item (the newest 50).
    async fn articles_using_media(&self, media_id: crate::MediaId) -> Result<Vec<ArticleCard>, StoreError>;
    /// The cards of those of `ids` that are published, in one query (a
    /// page listing things that link stories reads them all at once).
    async fn published_cards(&self, ids: &[ArticleId]) -> Result<Vec<ArticleCard>, StoreError>;

    /// Articles in any status, newest change first (the newsroom's list).
    async fn newsroom_articles(&self, query: &NewsroomQuery) -> Result<Vec<NewsroomRow>, StoreError>;
    /// Published articles of an edition with `from <= published_at < to`,
    /// newest first, at most `limit` (the sitemaps).
    async fn published_between(
        &self,
        edition_id: EditionId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<SitemapEntry>, StoreError>;
    /// When the edition's oldest published article appeared.
    async fn first_published(&self, edition_id: EditionId) -> Result<Option<OffsetDateTime>, StoreError>;
}
