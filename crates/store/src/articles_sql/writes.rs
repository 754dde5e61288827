//! The article writes, written once over a connection: the store's
//! single-step methods run them in a transaction of their own, an action
//! in its shared one ([`ArticleTx`]).

use std::marker::PhantomData;

use async_trait::async_trait;
use dateline_core::{ArticleStatus, Slug};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{db_error, failpoint, whole_seconds};
use crate::{ArticleId, EditionId, MediaId, NewArticle, SqlTx, StoreError};

/// The article writes an action makes inside its transaction
/// ([`crate::WriteTx`]); each behaves as the [`crate::ArticleStore`]
/// method of the same name. After a `Conflict` on PostgreSQL the
/// transaction is unusable: start the action again.
#[async_trait]
pub trait ArticleTx: Send {
    async fn create_article(&mut self, new: &NewArticle) -> Result<ArticleId, StoreError>;
    async fn update_article(
        &mut self,
        id: ArticleId,
        new: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError>;
    async fn rename_article_slug(&mut self, id: ArticleId, new_slug: &Slug) -> Result<(), StoreError>;
    async fn publish_scheduled_article(
        &mut self,
        id: ArticleId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn set_translation_group(&mut self, article_id: ArticleId, group: &str) -> Result<(), StoreError>;
    async fn delete_article(&mut self, id: ArticleId) -> Result<(), StoreError>;
}

/// The article writes, over one connection of backend `DB`. Each that
/// runs several statements expects a transaction around it.
#[derive(Debug)]
pub struct ArticleSql<DB>(PhantomData<DB>);

impl<DB> ArticleSql<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> (i64, String, i64): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    pub(super) async fn create_article(
        c: &mut DB::Connection,
        new: &NewArticle,
    ) -> Result<ArticleId, StoreError> {
        failpoint!("store.create_article");
        let id = sqlx::query_scalar::<DB, ArticleId>(
            "INSERT INTO articles (edition_id, section_id, slug, headline, lead, dateline_place, \
             dateline_agency, body, main_media_id, image_caption, image_credit, breaking, status, \
             seo_title, seo_description, translation_group, correction, published_at, updated_at, \
             published_at_fixed, created_at, created_by, public_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $21, $22, $23) RETURNING id",
        )
        .bind(new.edition_id)
        .bind(new.section_id)
        .bind(new.slug.as_str().to_owned())
        .bind(new.headline.clone())
        .bind(new.lead.clone())
        .bind(new.dateline_place.clone())
        .bind(new.dateline_agency.clone())
        .bind(new.body.clone())
        .bind(new.main_media_id.map(MediaId::get))
        .bind(new.image_caption.clone())
        .bind(new.image_credit.clone())
        .bind(new.breaking)
        .bind(new.status.as_str().to_owned())
        .bind(new.seo_title.clone())
        .bind(new.seo_description.clone())
        .bind(new.translation_group.clone())
        .bind(new.correction.clone())
        .bind(whole_seconds(new.published_at))
        .bind(whole_seconds(new.updated_at))
        .bind(new.published_at_fixed)
        .bind(whole_seconds(OffsetDateTime::now_utc()))
        .bind(new.created_by.map(|id| id.get()))
        .bind(i64::from(new.status == ArticleStatus::Published))
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        Self::link_tags_and_authors(c, id, new).await?;
        Ok(id)
    }

    pub(super) async fn update_article(
        c: &mut DB::Connection,
        id: ArticleId,
        new: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError> {
        failpoint!("store.update_article");
        let old = sqlx::query_as::<DB, (i64, String, i64)>(
            "SELECT edition_id, slug, version FROM articles WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        let Some((old_edition, old_slug, old_version)) = old else {
            return Err(StoreError::NotFound(format!("article {id}")));
        };
        let old_edition = EditionId::new(old_edition);
        if expected_version.is_some_and(|expected| expected != old_version) {
            return Err(StoreError::Stale(old_version));
        }
        // The version in the condition makes the compare and the write one
        // step on PostgreSQL too (SQLite's write lock is already held).
        let updated = sqlx::query_scalar::<DB, i64>(
            "UPDATE articles SET edition_id = $1, section_id = $2, slug = $3, headline = $4, lead = $5, \
             dateline_place = $6, dateline_agency = $7, body = $8, main_media_id = $9, image_caption = $10, \
             image_credit = $11, breaking = $12, status = $13, seo_title = $14, seo_description = $15, \
             translation_group = $16, correction = $17, published_at = $18, updated_at = $19, \
             published_at_fixed = $20, version = version + 1, \
             public_version = public_version + CASE WHEN status = 'published' OR $13 = 'published' THEN 1 ELSE 0 END \
             WHERE id = $21 AND version = $22 RETURNING version",
        )
        .bind(new.edition_id)
        .bind(new.section_id)
        .bind(new.slug.as_str().to_owned())
        .bind(new.headline.clone())
        .bind(new.lead.clone())
        .bind(new.dateline_place.clone())
        .bind(new.dateline_agency.clone())
        .bind(new.body.clone())
        .bind(new.main_media_id.map(MediaId::get))
        .bind(new.image_caption.clone())
        .bind(new.image_credit.clone())
        .bind(new.breaking)
        .bind(new.status.as_str().to_owned())
        .bind(new.seo_title.clone())
        .bind(new.seo_description.clone())
        .bind(new.translation_group.clone())
        .bind(new.correction.clone())
        .bind(whole_seconds(new.published_at))
        .bind(whole_seconds(new.updated_at))
        .bind(new.published_at_fixed)
        .bind(id)
        .bind(old_version)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        if updated.is_none() {
            let now = sqlx::query_scalar::<DB, i64>("SELECT version FROM articles WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *c)
                .await
                .map_err(db_error)?;
            return Err(StoreError::Stale(now));
        }
        if old_edition == new.edition_id && old_slug != new.slug.as_str() {
            Self::remember_old_slug(c, old_edition, old_slug, id).await?;
        }
        for table in ["article_tags", "article_authors"] {
            sqlx::query::<DB>(&format!("DELETE FROM {table} WHERE article_id = $1"))
                .bind(id)
                .execute(&mut *c)
                .await
                .map_err(db_error)?;
        }
        Self::link_tags_and_authors(c, id, new).await?;
        Ok(old_version + 1)
    }

    pub(super) async fn rename_article_slug(
        c: &mut DB::Connection,
        id: ArticleId,
        new_slug: &Slug,
    ) -> Result<(), StoreError> {
        failpoint!("store.rename_article_slug");
        let (edition_id, old_slug, _) = sqlx::query_as::<DB, (i64, String, i64)>(
            "SELECT edition_id, slug, version FROM articles WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("article {id}")))?;
        if old_slug == new_slug.as_str() {
            return Ok(());
        }
        Self::remember_old_slug(c, EditionId::new(edition_id), old_slug, id).await?;
        sqlx::query::<DB>("UPDATE articles SET slug = $1, version = version + 1 WHERE id = $2")
            .bind(new_slug.as_str().to_owned())
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// The old address keeps working as a redirect (to the article that
    /// had it last).
    async fn remember_old_slug(
        c: &mut DB::Connection,
        edition_id: EditionId,
        old_slug: String,
        id: ArticleId,
    ) -> Result<(), StoreError> {
        sqlx::query::<DB>(
            "INSERT INTO article_slug_history (edition_id, slug, article_id) VALUES ($1, $2, $3) \
             ON CONFLICT (edition_id, slug) DO UPDATE SET article_id = excluded.article_id",
        )
        .bind(edition_id)
        .bind(old_slug)
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// Writes an article's tags and authors, in order.
    async fn link_tags_and_authors(
        c: &mut DB::Connection,
        id: ArticleId,
        new: &NewArticle,
    ) -> Result<(), StoreError> {
        let tags = new.tag_ids.iter().map(|tag| tag.get()).collect();
        let authors = new.author_ids.iter().map(|author| author.get()).collect();
        for (table, column, ids) in
            [("article_tags", "tag_id", tags), ("article_authors", "author_id", authors)]
        {
            let sql = format!("INSERT INTO {table} (article_id, {column}, position) VALUES ($1, $2, $3)");
            for (position, linked) in (0_i32..).zip::<Vec<i64>>(ids) {
                sqlx::query::<DB>(&sql)
                    .bind(id)
                    .bind(linked)
                    .bind(position)
                    .execute(&mut *c)
                    .await
                    .map_err(db_error)?;
            }
        }
        Ok(())
    }

    pub(super) async fn publish_scheduled_article(
        c: &mut DB::Connection,
        id: ArticleId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        failpoint!("store.publish_scheduled_article");
        let published = sqlx::query_scalar::<DB, i64>(
            "UPDATE articles SET status = 'published', updated_at = published_at, \
             version = version + 1, public_version = public_version + 1 \
             WHERE id = $1 AND status = 'scheduled' AND published_at <= $2 RETURNING id",
        )
        .bind(id)
        .bind(whole_seconds(now))
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(published.is_some())
    }

    pub(super) async fn set_translation_group(
        c: &mut DB::Connection,
        article_id: ArticleId,
        group: &str,
    ) -> Result<(), StoreError> {
        failpoint!("store.set_translation_group");
        sqlx::query::<DB>("UPDATE articles SET translation_group = $1, version = version + 1 WHERE id = $2")
            .bind(group.to_owned())
            .bind(article_id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    pub(super) async fn delete_article(c: &mut DB::Connection, id: ArticleId) -> Result<(), StoreError> {
        failpoint!("store.delete_article");
        sqlx::query::<DB>("DELETE FROM articles WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl<DB> ArticleTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> (i64, String, i64): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_article(&mut self, new: &NewArticle) -> Result<ArticleId, StoreError> {
        ArticleSql::<DB>::create_article(&mut self.tx, new).await
    }

    async fn update_article(
        &mut self,
        id: ArticleId,
        new: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError> {
        ArticleSql::<DB>::update_article(&mut self.tx, id, new, expected_version).await
    }

    async fn rename_article_slug(&mut self, id: ArticleId, new_slug: &Slug) -> Result<(), StoreError> {
        ArticleSql::<DB>::rename_article_slug(&mut self.tx, id, new_slug).await
    }

    async fn publish_scheduled_article(
        &mut self,
        id: ArticleId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        ArticleSql::<DB>::publish_scheduled_article(&mut self.tx, id, now).await
    }

    async fn set_translation_group(&mut self, article_id: ArticleId, group: &str) -> Result<(), StoreError> {
        ArticleSql::<DB>::set_translation_group(&mut self.tx, article_id, group).await
    }

    async fn delete_article(&mut self, id: ArticleId) -> Result<(), StoreError> {
        ArticleSql::<DB>::delete_article(&mut self.tx, id).await
    }
}
