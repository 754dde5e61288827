//! What the search index reads from the database: the change stream
//! (`article_changes`, written by triggers on every write that can change
//! an article's search entry) and the articles themselves, in batches.
//!
//! The index is never the source of anything: every node rebuilds it from
//! these two at will.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{ArticleId, ArticleStatus, EditionId, SectionId, StoreError, TagId};

/// One row of the change stream: this article changed (or went away).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ArticleChange {
    pub id: i64,
    pub article_id: ArticleId,
}

/// An article as the search index holds it.
#[derive(Debug, Clone)]
pub struct SearchSource {
    pub id: ArticleId,
    pub edition_id: EditionId,
    pub section_id: SectionId,
    pub slug: String,
    pub headline: String,
    pub lead: String,
    /// Markdown, as stored.
    pub body: String,
    pub dateline_place: String,
    pub status: ArticleStatus,
    pub breaking: bool,
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Tag ids and names, in the article's order.
    pub tags: Vec<(TagId, String)>,
    pub authors: Vec<String>,
}

#[async_trait]
pub trait SearchStore: Send + Sync {
    /// Changes after `after_id`, oldest first.
    async fn article_changes_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ArticleChange>, StoreError>;
    /// The lowest and highest change id still kept (`None` when empty).
    async fn article_change_bounds(&self) -> Result<Option<(i64, i64)>, StoreError>;
    /// Forgets changes older than `before`; returns how many.
    async fn prune_article_changes(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
    /// How many articles there are, in every status.
    async fn article_count(&self) -> Result<i64, StoreError>;
    /// Articles with an id above `after_id`, in id order, in every status.
    async fn search_sources_after(&self, after_id: i64, limit: i64) -> Result<Vec<SearchSource>, StoreError>;
    /// The tags with these ids (for facet labels).
    async fn tags_by_ids(&self, ids: &[TagId]) -> Result<Vec<crate::Tag>, StoreError>;
    /// These articles (those that still exist), in id order.
    async fn search_sources(&self, ids: &[ArticleId]) -> Result<Vec<SearchSource>, StoreError>;
}
