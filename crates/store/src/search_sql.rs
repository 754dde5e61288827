//! What the search index reads, on SQL: [`SearchStore`] for every backend
//! store ([`SqlPool`]). The dialects do not differ here (the change stream
//! is filled by each backend's own triggers).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{SqlPool, db_error, placeholders};
use crate::directory_sql::TagRow;
use crate::{
    ArticleChange, ArticleId, ArticleStatus, EditionId, SearchSource, SearchStore, SectionId, StoreError,
    Tag, TagId,
};

/// Placeholders per statement, well under every backend's limit.
const CHUNK: usize = 500;

/// A row of `articles` as the index reads it.
#[derive(Debug, FromRow)]
pub struct SourceRow {
    id: ArticleId,
    edition_id: EditionId,
    section_id: SectionId,
    slug: String,
    headline: String,
    lead: String,
    body: String,
    dateline_place: String,
    status: String,
    breaking: bool,
    published_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<SourceRow> for SearchSource {
    type Error = StoreError;

    fn try_from(row: SourceRow) -> Result<Self, StoreError> {
        Ok(Self {
            status: ArticleStatus::from_stored(&row.status)
                .ok_or_else(|| StoreError::Invalid(format!("article status {:?}", row.status)))?,
            id: row.id,
            edition_id: row.edition_id,
            section_id: row.section_id,
            slug: row.slug,
            headline: row.headline,
            lead: row.lead,
            body: row.body,
            dateline_place: row.dateline_place,
            breaking: row.breaking,
            published_at: row.published_at,
            updated_at: row.updated_at,
            tags: Vec::new(),
            authors: Vec::new(),
        })
    }
}

/// `$1, $2, …` for `n` values.
#[async_trait]
impl<S> SearchStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> ArticleChange: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> SourceRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> TagRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, i64, String): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, String): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (Option<i64>, Option<i64>): FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn article_changes_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ArticleChange>, StoreError> {
        sqlx::query_as::<S::Db, ArticleChange>(
            "SELECT id, article_id FROM article_changes WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }

    async fn article_change_bounds(&self) -> Result<Option<(i64, i64)>, StoreError> {
        let (low, high) = sqlx::query_as::<S::Db, (Option<i64>, Option<i64>)>(
            "SELECT MIN(id), MAX(id) FROM article_changes",
        )
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        Ok(low.zip(high))
    }

    async fn prune_article_changes(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let gone = sqlx::query_scalar::<S::Db, i64>(
            "DELETE FROM article_changes WHERE changed_at < $1 RETURNING id",
        )
        .bind(before.unix_timestamp())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        Ok(gone.len() as u64)
    }

    async fn article_count(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar::<S::Db, i64>("SELECT COUNT(*) FROM articles")
            .fetch_one(self.pool())
            .await
            .map_err(db_error)
    }

    async fn search_sources_after(&self, after_id: i64, limit: i64) -> Result<Vec<SearchSource>, StoreError> {
        let ids = sqlx::query_scalar::<S::Db, ArticleId>(
            "SELECT id FROM articles WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        self.search_sources(&ids).await
    }

    async fn tags_by_ids(&self, ids: &[TagId]) -> Result<Vec<Tag>, StoreError> {
        let mut tags = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT id, edition_id, slug, name FROM tags WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let query = chunk.iter().fold(sqlx::query_as::<S::Db, TagRow>(&sql), |q, id| q.bind(*id));
            for row in query.fetch_all(self.pool()).await.map_err(db_error)? {
                tags.push(Tag::try_from(row)?);
            }
        }
        Ok(tags)
    }

    async fn search_sources(&self, ids: &[ArticleId]) -> Result<Vec<SearchSource>, StoreError> {
        let mut sources = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            sources.extend(sources_in(self, chunk).await?);
        }
        Ok(sources)
    }
}

/// These articles (at most [`CHUNK`]) with their tags and authors, in id order.
async fn sources_in<S>(store: &S, ids: &[ArticleId]) -> Result<Vec<SearchSource>, StoreError>
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> SourceRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, i64, String): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, String): FromRow<'r, <S::Db as Database>::Row>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let places = placeholders(1, ids.len());
    let sql = format!(
        "SELECT id, edition_id, section_id, slug, headline, lead, body, dateline_place, status, \
         breaking, published_at, updated_at FROM articles WHERE id IN ({places}) ORDER BY id"
    );
    let query = ids.iter().fold(sqlx::query_as::<S::Db, SourceRow>(&sql), |q, id| q.bind(*id));
    let mut sources = query
        .fetch_all(store.pool())
        .await
        .map_err(db_error)?
        .into_iter()
        .map(SearchSource::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let tag_sql = format!(
        "SELECT x.article_id, t.id, t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id \
         WHERE x.article_id IN ({places}) ORDER BY x.article_id, x.position"
    );
    let tags =
        ids.iter().fold(sqlx::query_as::<S::Db, (i64, i64, String)>(&tag_sql), |q, id| q.bind(id.get()));
    for (article, id, name) in tags.fetch_all(store.pool()).await.map_err(db_error)? {
        if let Ok(slot) = sources.binary_search_by_key(&ArticleId::new(article), |s| s.id) {
            sources[slot].tags.push((TagId::new(id), name));
        }
    }
    let author_sql = format!(
        "SELECT x.article_id, p.name FROM article_authors x JOIN authors p ON p.id = x.author_id \
         WHERE x.article_id IN ({places}) ORDER BY x.article_id, x.position"
    );
    let authors =
        ids.iter().fold(sqlx::query_as::<S::Db, (i64, String)>(&author_sql), |q, id| q.bind(id.get()));
    for (article, name) in authors.fetch_all(store.pool()).await.map_err(db_error)? {
        if let Ok(slot) = sources.binary_search_by_key(&ArticleId::new(article), |s| s.id) {
            sources[slot].authors.push(name);
        }
    }
    Ok(sources)
}
