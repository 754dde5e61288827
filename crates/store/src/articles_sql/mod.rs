//! Stories on SQL: [`ArticleStore`] for every backend store ([`SqlPool`]),
//! and the article writes of one action's transaction ([`ArticleTx`] on
//! [`crate::SqlTx`]).
//!
//! Rows are decoded by `sqlx::FromRow` ([`rows`]); a card's image
//! renditions are read for a whole list at once
//! ([`MediaStore::renditions_of`]). The dialects do not differ here.

mod rows;
mod writes;

use async_trait::async_trait;
use dateline_core::Slug;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

pub use rows::{ArticleRow, CardRow, NewsroomListRow, SitemapRow, TranslationRow};
pub use writes::ArticleTx;

use crate::backend::{SqlPool, db_error, is_postgres, placeholders, whole_seconds};
use crate::directory_sql::{AuthorRow, TagRow};
use crate::{
    Article, ArticleCard, ArticleId, ArticleQuery, ArticleStore, Author, EditionId, MediaId, MediaStore,
    NewArticle, NewsroomQuery, NewsroomRow, SectionId, SitemapEntry, SqlTx, StoreError, Tag, TagId,
    TranslationLink,
};
use rows::{ARTICLE_COLUMNS, CARD_COLUMNS, CARD_FROM, stored_status};
use writes::ArticleSql;

/// Cards with their images' renditions, read in one query for all.
async fn cards<S: MediaStore + ?Sized>(
    store: &S,
    rows: Vec<CardRow>,
) -> Result<Vec<ArticleCard>, StoreError> {
    let mut cards = rows.into_iter().map(ArticleCard::try_from).collect::<Result<Vec<_>, _>>()?;
    let media_ids: Vec<MediaId> = cards.iter().filter_map(|c| c.image.as_ref().map(|i| i.media_id)).collect();
    let renditions = store.renditions_of(&media_ids).await?;
    for card in &mut cards {
        if let Some(image) = card.image.as_mut() {
            image.renditions = renditions.get(&image.media_id).cloned().unwrap_or_default();
        }
    }
    Ok(cards)
}

/// The SQL of a story list and the values of its filters, in order (the
/// cursor's two values, when there is one, come after them).
///
/// Only the filters asked for are written into the SQL, so each list reads
/// the index made for it (an edition's or a section's latest stories, a
/// tag's or a byline's links) and stops after a page: a catch-all
/// `($1 IS NULL OR a.edition_id = $1)` hides them from the planner, which
/// then sorts every story of the archive.
fn list_sql(query: &ArticleQuery) -> (String, Vec<i64>) {
    // Each filter asked for, its `?` standing for its value.
    let filters: Vec<(&str, i64)> = [
        query.edition_id.map(|id| ("a.edition_id = ?", id.get())),
        query.section_id.map(|id| ("a.section_id = ?", id.get())),
        query
            .tag_id
            .map(|id| ("a.id IN (SELECT t.article_id FROM article_tags t WHERE t.tag_id = ?)", id.get())),
        query.author_id.map(|id| {
            ("a.id IN (SELECT w.article_id FROM article_authors w WHERE w.author_id = ?)", id.get())
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut conditions = vec!["a.status = 'published'".to_owned()];
    conditions
        .extend(filters.iter().zip(1..).map(|((condition, _), n)| condition.replace('?', &format!("${n}"))));
    let limit = filters.len() + 1;
    if query.before.is_some() {
        conditions.push(format!("(a.published_at, a.id) < (${}, ${})", limit + 1, limit + 2));
    }
    let sql = format!(
        "SELECT {CARD_COLUMNS} {CARD_FROM} WHERE {} ORDER BY a.published_at DESC, a.id DESC LIMIT ${limit}",
        conditions.join(" AND ")
    );
    let mut values: Vec<i64> = filters.into_iter().map(|(_, value)| value).collect();
    values.push(i64::from(query.limit.get()));
    (sql, values)
}

#[async_trait]
impl<S> ArticleStore for S
where
    S: SqlPool + MediaStore,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i32: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<String>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<OffsetDateTime>: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> OffsetDateTime: Decode<'r, S::Db>,
    for<'r> (i64, String, i64): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, i64, i64, String): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> String: Decode<'r, S::Db>,
    for<'r> CardRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> ArticleRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> NewsroomListRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> SitemapRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> TranslationRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> TagRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> AuthorRow: FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn create_article(&self, new: &NewArticle) -> Result<ArticleId, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let id = ArticleSql::<S::Db>::create_article(&mut tx.tx, new).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn update_article(
        &self,
        id: ArticleId,
        article: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let version = ArticleSql::<S::Db>::update_article(&mut tx.tx, id, article, expected_version).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(version)
    }

    async fn rename_article_slug(&self, id: ArticleId, new_slug: &Slug) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        ArticleSql::<S::Db>::rename_article_slug(&mut tx.tx, id, new_slug).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn delete_article(&self, id: ArticleId) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        ArticleSql::<S::Db>::delete_article(&mut tx.tx, id).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn publish_scheduled_article(
        &self,
        id: ArticleId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let published = ArticleSql::<S::Db>::publish_scheduled_article(&mut tx.tx, id, now).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(published)
    }

    async fn set_translation_group(&self, article_id: ArticleId, group: &str) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        ArticleSql::<S::Db>::set_translation_group(&mut tx.tx, article_id, group).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn article_by_slug(
        &self,
        edition_id: EditionId,
        slug: &Slug,
    ) -> Result<Option<Article>, StoreError> {
        article_where(self, "a.edition_id = $1 AND a.slug = $2", edition_id.get(), Some(slug.as_str())).await
    }

    async fn article_by_id(&self, id: ArticleId) -> Result<Option<Article>, StoreError> {
        article_where(self, "a.id = $1", id.get(), None).await
    }

    async fn article_id_by_old_slug(
        &self,
        edition_id: EditionId,
        slug: &Slug,
    ) -> Result<Option<ArticleId>, StoreError> {
        sqlx::query_scalar::<S::Db, ArticleId>(
            "SELECT h.article_id FROM article_slug_history h JOIN articles a ON a.id = h.article_id \
             WHERE h.edition_id = $1 AND h.slug = $2 AND a.status = 'published'",
        )
        .bind(edition_id)
        .bind(slug.as_str().to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)
    }

    async fn list_articles(&self, query: &ArticleQuery) -> Result<Vec<ArticleCard>, StoreError> {
        let (sql, values) = list_sql(query);
        let mut select = sqlx::query_as::<S::Db, CardRow>(&sql);
        for value in values {
            select = select.bind(value);
        }
        if let Some(before) = query.before {
            select = select.bind(before.published_at).bind(before.id);
        }
        let rows = select.fetch_all(self.pool()).await.map_err(db_error)?;
        cards(self, rows).await
    }

    async fn explain_list_articles(&self, query: &ArticleQuery) -> Result<Vec<String>, StoreError> {
        let (sql, values) = list_sql(query);
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let plan = if is_postgres::<S::Db>() {
            sqlx::query::<S::Db>("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            let explain = format!("EXPLAIN {sql}");
            let mut select = sqlx::query_scalar::<S::Db, String>(&explain);
            for value in values {
                select = select.bind(value);
            }
            if let Some(before) = query.before {
                select = select.bind(before.published_at).bind(before.id);
            }
            select.fetch_all(&mut *tx).await.map_err(db_error)?
        } else {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut select = sqlx::query_as::<S::Db, (i64, i64, i64, String)>(&explain);
            for value in values {
                select = select.bind(value);
            }
            if let Some(before) = query.before {
                select = select.bind(before.published_at).bind(before.id);
            }
            select.fetch_all(&mut *tx).await.map_err(db_error)?.into_iter().map(|row| row.3).collect()
        };
        tx.rollback().await.map_err(db_error)?;
        Ok(plan)
    }

    async fn related_articles(
        &self,
        article_id: ArticleId,
        edition_id: EditionId,
        section_id: SectionId,
        tag_ids: &[TagId],
        limit: i64,
    ) -> Result<(Vec<ArticleCard>, Vec<ArticleCard>), StoreError> {
        // All the tags in one query (and one rendition lookup): a page miss
        // pays for each round trip to the database. Each tag's newest 50
        // links are read from its own index range (`article_tags_by_tag`),
        // so no tag's size enters the cost; the candidates are then read by
        // their keys (`+a.edition_id` keeps SQLite from walking the
        // edition's index instead, which is long when they are old).
        let mut tagged = Vec::new();
        if !tag_ids.is_empty() {
            let newest_links: Vec<String> = (4..4 + tag_ids.len())
                .map(|n| {
                    format!(
                        "SELECT article_id FROM (SELECT t.article_id FROM article_tags t \
                         WHERE t.tag_id = ${n} AND t.article_id <> $1 ORDER BY t.article_id DESC LIMIT 50) AS tag{n}"
                    )
                })
                .collect();
            // On PostgreSQL the candidates are collected once into an
            // array and read by primary key. As `IN (…)` the planner may
            // walk every published story and probe the candidates for each
            // when its statistics are stale (after a bulk import): 18 ms
            // instead of 1 ms with 1,500 stories, growing with the archive.
            let candidates = newest_links.join(" UNION ALL ");
            let condition = if is_postgres::<S::Db>() {
                format!("a.id = ANY(ARRAY({candidates}))")
            } else {
                format!("a.id IN ({candidates})")
            };
            let sql = format!(
                "SELECT {CARD_COLUMNS} {CARD_FROM} WHERE {condition} \
                 AND a.status = 'published' AND +a.edition_id = $2 \
                 ORDER BY a.published_at DESC, a.id DESC LIMIT $3"
            );
            let mut select =
                sqlx::query_as::<S::Db, CardRow>(&sql).bind(article_id).bind(edition_id).bind(limit);
            for tag_id in tag_ids {
                select = select.bind(*tag_id);
            }
            tagged = cards(self, select.fetch_all(self.pool()).await.map_err(db_error)?).await?;
        }
        let sql = format!(
            "SELECT {CARD_COLUMNS} {CARD_FROM} \
             WHERE a.section_id = $1 AND a.status = 'published' AND a.id <> $2 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3"
        );
        let rows = sqlx::query_as::<S::Db, CardRow>(&sql)
            .bind(section_id)
            .bind(article_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        Ok((tagged, cards(self, rows).await?))
    }

    async fn latest_breaking(
        &self,
        edition_id: EditionId,
        since: OffsetDateTime,
    ) -> Result<Option<ArticleCard>, StoreError> {
        // The edition's newest-first index, read from `since` on.
        let sql = format!(
            "SELECT {CARD_COLUMNS} {CARD_FROM} \
             WHERE a.edition_id = $1 AND a.status = 'published' AND a.published_at >= $2 \
             AND a.breaking = $3 ORDER BY a.published_at DESC, a.id DESC LIMIT 1"
        );
        let rows = sqlx::query_as::<S::Db, CardRow>(&sql)
            .bind(edition_id)
            .bind(whole_seconds(since))
            .bind(true)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        Ok(cards(self, rows).await?.into_iter().next())
    }

    async fn translations(&self, group: &str) -> Result<Vec<TranslationLink>, StoreError> {
        sqlx::query_as::<S::Db, TranslationRow>(
            "SELECT id, edition_id, slug, published_at, headline FROM articles \
             WHERE translation_group = $1 AND status = 'published' ORDER BY edition_id",
        )
        .bind(group.to_owned())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?
        .into_iter()
        .map(TranslationLink::try_from)
        .collect()
    }

    async fn articles_using_media(&self, media_id: MediaId) -> Result<Vec<ArticleCard>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} {CARD_FROM} WHERE a.status = 'published' AND a.main_media_id = $1 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT 50"
        );
        let rows = sqlx::query_as::<S::Db, CardRow>(&sql)
            .bind(media_id.get())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        cards(self, rows).await
    }

    async fn published_cards(&self, ids: &[ArticleId]) -> Result<Vec<ArticleCard>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {CARD_COLUMNS} {CARD_FROM} WHERE a.status = 'published' AND a.id IN ({})",
            placeholders(1, ids.len())
        );
        let mut query = sqlx::query_as::<S::Db, CardRow>(&sql);
        for id in ids {
            query = query.bind(id.get());
        }
        let rows = query.fetch_all(self.pool()).await.map_err(db_error)?;
        cards(self, rows).await
    }

    async fn newsroom_articles(&self, query: &NewsroomQuery) -> Result<Vec<NewsroomRow>, StoreError> {
        let pattern = query.search.as_ref().map(|words| {
            let escaped = words.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            format!("%{escaped}%")
        });
        sqlx::query_as::<S::Db, NewsroomListRow>(
            "SELECT a.id, a.edition_id, a.section_id, a.headline, a.status, a.updated_at, a.created_by, \
             u.display_name AS created_by_name \
             FROM articles a LEFT JOIN users u ON u.id = a.created_by \
             WHERE ($1 IS NULL OR a.edition_id = $1) AND ($2 IS NULL OR a.section_id = $2) \
             AND ($3 IS NULL OR a.status = $3) AND ($4 IS NULL OR a.created_by = $4) \
             AND ($5 IS NULL OR LOWER(a.headline) LIKE $5 ESCAPE '\\') \
             ORDER BY a.updated_at DESC, a.id DESC LIMIT $6 OFFSET $7",
        )
        .bind(query.edition_id.map(|id| id.get()))
        .bind(query.section_id.map(|id| id.get()))
        .bind(query.status.map(|s| s.as_str().to_owned()))
        .bind(query.created_by.map(|id| id.get()))
        .bind(pattern)
        .bind(query.limit)
        .bind(query.offset)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?
        .into_iter()
        .map(NewsroomRow::try_from)
        .collect()
    }

    async fn published_between(
        &self,
        edition_id: EditionId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<SitemapEntry>, StoreError> {
        sqlx::query_as::<S::Db, SitemapRow>(
            "SELECT slug, headline, published_at, updated_at FROM articles \
             WHERE edition_id = $1 AND status = 'published' AND published_at >= $2 AND published_at < $3 \
             ORDER BY published_at DESC, id DESC LIMIT $4",
        )
        .bind(edition_id)
        .bind(whole_seconds(from))
        .bind(whole_seconds(to))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?
        .into_iter()
        .map(SitemapEntry::try_from)
        .collect()
    }

    async fn first_published(&self, edition_id: EditionId) -> Result<Option<OffsetDateTime>, StoreError> {
        sqlx::query_scalar::<S::Db, OffsetDateTime>(
            "SELECT published_at FROM articles WHERE edition_id = $1 AND status = 'published' \
             ORDER BY published_at ASC LIMIT 1",
        )
        .bind(edition_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)
    }
}

/// The one article that meets `condition` (on `$1` and, when given, `$2`),
/// with its card, tags and authors.
async fn article_where<S>(
    store: &S,
    condition: &'static str,
    bind_a: i64,
    bind_b: Option<&str>,
) -> Result<Option<Article>, StoreError>
where
    S: SqlPool + MediaStore,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> ArticleRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> TagRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> AuthorRow: FromRow<'r, <S::Db as Database>::Row>,
{
    let sql = format!("SELECT {CARD_COLUMNS}, {ARTICLE_COLUMNS} {CARD_FROM} WHERE {condition}");
    let mut query = sqlx::query_as::<S::Db, ArticleRow>(&sql).bind(bind_a);
    if let Some(b) = bind_b {
        query = query.bind(b.to_owned());
    }
    let Some(row) = query.fetch_optional(store.pool()).await.map_err(db_error)? else {
        return Ok(None);
    };
    let status = stored_status(&row.status)?;
    let card =
        cards(store, vec![row.card]).await?.pop().ok_or_else(|| StoreError::NotFound("article".into()))?;
    let tags = sqlx::query_as::<S::Db, TagRow>(
        "SELECT t.id, t.edition_id, t.slug, t.name FROM article_tags x \
         JOIN tags t ON t.id = x.tag_id WHERE x.article_id = $1 ORDER BY x.position",
    )
    .bind(card.id)
    .fetch_all(store.pool())
    .await
    .map_err(db_error)?
    .into_iter()
    .map(Tag::try_from)
    .collect::<Result<Vec<_>, _>>()?;
    let authors = sqlx::query_as::<S::Db, AuthorRow>(
        "SELECT p.id, p.edition_id, p.slug, p.name, p.bio FROM article_authors x \
         JOIN authors p ON p.id = x.author_id WHERE x.article_id = $1 ORDER BY x.position",
    )
    .bind(card.id)
    .fetch_all(store.pool())
    .await
    .map_err(db_error)?
    .into_iter()
    .map(Author::try_from)
    .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Article {
        card,
        status,
        dateline_place: row.dateline_place,
        dateline_agency: row.dateline_agency,
        body: row.body,
        image_caption: row.image_caption,
        image_credit: row.image_credit,
        seo_title: row.seo_title,
        seo_description: row.seo_description,
        translation_group: row.translation_group,
        correction: row.correction,
        tags,
        authors,
        created_by: row.created_by,
        version: row.version,
        public_version: row.public_version,
        published_at_fixed: row.published_at_fixed,
    }))
}
