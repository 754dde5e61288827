//! One action, one transaction.
//!
//! What a user does commits whole or not at all: saving a story writes the
//! story, its tags and authors, its old address, its publication job, its
//! revision, its audit entry, the live event other nodes and pages follow
//! and the shared content version — and a crash, a failed query or a
//! deploy between any two of those leaves none of them. Domain code asks
//! the store for a [`WriteTx`] ([`crate::Store::begin_write`]), makes its
//! writes through it and commits; dropping it without committing rolls
//! everything back. The store's own single-step methods run the same code
//! in a transaction of their own.
//!
//! The SQL here is written once, as ordinary generic Rust over sqlx's
//! [`Database`], for both backends; the one place the dialects differ (the
//! live event log's ordering lock and notification on PostgreSQL) asks
//! [`Database::NAME`].
//!
//! Failpoints (the `fail` crate, with the `failpoints` feature, which only
//! the tests turn on) sit between the steps a domain action takes, so tests
//! can stop an action half-way and check that nothing of it is visible.

use async_trait::async_trait;
use dateline_core::ArticleStatus;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{db_error, failpoint, whole_seconds};
use crate::{NewArticle, StoreError};

/// The writes of one action, committed together by [`WriteTx::commit`].
/// Dropped without committing, it rolls them all back.
#[async_trait]
pub trait WriteTx:
    crate::AccountTx
    + crate::ChatTx
    + crate::DirectoryTx
    + crate::DiscussionTx
    + crate::JobTx
    + crate::LiveTx
    + crate::MediaTx
    + crate::NewsletterTx
    + crate::NewsroomTx
    + Send
{
    /// Makes every write of the action visible at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;

    /// Inserts an article with its tags and authors; returns its id.
    /// `Conflict` when the slug is taken in the edition (on PostgreSQL the
    /// transaction is then unusable: start the action again).
    async fn create_article(&mut self, new: &NewArticle) -> Result<i64, StoreError>;
    /// Replaces an article's fields, tags and authors, keeping its old
    /// address for redirects; returns its new version. `Stale` when
    /// `expected_version` is given and the article is no longer at it;
    /// `Conflict` when the slug is taken.
    async fn update_article(
        &mut self,
        id: i64,
        new: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError>;
    /// Publishes an article that is still scheduled and due; false when it
    /// is not (published by hand, moved back to draft meanwhile).
    async fn publish_scheduled_article(&mut self, id: i64, now: OffsetDateTime) -> Result<bool, StoreError>;
    async fn set_translation_group(&mut self, article_id: i64, group: &str) -> Result<(), StoreError>;

    /// Deletes an article with its tags, authors, old addresses and
    /// revisions.
    async fn delete_article(&mut self, id: i64) -> Result<(), StoreError>;
}

/// Every write of the store, on the transaction of one action.
pub struct SqlTx<DB: Database> {
    pub(crate) tx: sqlx::Transaction<'static, DB>,
}

impl<DB: Database> std::fmt::Debug for SqlTx<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlTx").field("backend", &DB::NAME).finish_non_exhaustive()
    }
}

impl<DB> SqlTx<DB>
where
    DB: Database,
{
    /// Starts a write transaction. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`): a deferred one that reads first fails at
    /// once when another writer committed meanwhile, instead of waiting.
    pub async fn begin(pool: &sqlx::Pool<DB>) -> Result<Self, StoreError> {
        let statement = if DB::NAME == "SQLite" { "BEGIN IMMEDIATE" } else { "BEGIN" };
        let tx = pool.begin_with(statement).await.map_err(db_error)?;
        Ok(Self { tx })
    }
}

#[async_trait]
impl<DB> WriteTx for SqlTx<DB>
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
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> String: Decode<'r, DB>,
    for<'r> bool: Decode<'r, DB>,
    for<'r> Option<i64>: Decode<'r, DB>,
    for<'r> OffsetDateTime: Decode<'r, DB>,
    for<'r> crate::ChatRoom: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::newsletter_sql::SubscriberRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::discussion_sql::CommentRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> (String, String): sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::chat_sql::MessageRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::ChatReactionCount: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::LiveBlogEntry: sqlx::FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        failpoint!("store.commit");
        self.tx.commit().await.map_err(db_error)
    }

    async fn create_article(&mut self, new: &NewArticle) -> Result<i64, StoreError> {
        failpoint!("store.create_article");
        let now = whole_seconds(OffsetDateTime::now_utc());
        let id: i64 = sqlx::query_scalar::<DB, i64>(
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
        .bind(new.main_media_id)
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
        .bind(now)
        .bind(new.created_by)
        .bind(i64::from(new.status == ArticleStatus::Published))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error)?;
        self.link_tags_and_authors(id, new).await?;
        Ok(id)
    }

    async fn update_article(
        &mut self,
        id: i64,
        new: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError> {
        failpoint!("store.update_article");
        let old: Option<(i64, String, i64)> = sqlx::query_as::<DB, (i64, String, i64)>(
            "SELECT edition_id, slug, version FROM articles WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error)?;
        let Some((old_edition, old_slug, old_version)) = old else {
            return Err(StoreError::NotFound(format!("article {id}")));
        };
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
        .bind(new.main_media_id)
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
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error)?;
        if updated.is_none() {
            let now = sqlx::query_scalar::<DB, i64>("SELECT version FROM articles WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *self.tx)
                .await
                .map_err(db_error)?;
            return Err(StoreError::Stale(now));
        }
        if old_edition == new.edition_id && old_slug != new.slug.as_str() {
            // The old address keeps working as a redirect.
            sqlx::query::<DB>(
                "INSERT INTO article_slug_history (edition_id, slug, article_id) VALUES ($1, $2, $3) \
                 ON CONFLICT (edition_id, slug) DO UPDATE SET article_id = excluded.article_id",
            )
            .bind(old_edition)
            .bind(old_slug)
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        }
        for table in ["article_tags", "article_authors"] {
            sqlx::query::<DB>(&format!("DELETE FROM {table} WHERE article_id = $1"))
                .bind(id)
                .execute(&mut *self.tx)
                .await
                .map_err(db_error)?;
        }
        self.link_tags_and_authors(id, new).await?;
        Ok(old_version + 1)
    }

    async fn publish_scheduled_article(&mut self, id: i64, now: OffsetDateTime) -> Result<bool, StoreError> {
        failpoint!("store.publish_scheduled_article");
        let published = sqlx::query_scalar::<DB, i64>(
            "UPDATE articles SET status = 'published', updated_at = published_at, \
             version = version + 1, public_version = public_version + 1 \
             WHERE id = $1 AND status = 'scheduled' AND published_at <= $2 RETURNING id",
        )
        .bind(id)
        .bind(whole_seconds(now))
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error)?;
        Ok(published.is_some())
    }

    async fn set_translation_group(&mut self, article_id: i64, group: &str) -> Result<(), StoreError> {
        failpoint!("store.set_translation_group");
        sqlx::query::<DB>("UPDATE articles SET translation_group = $1, version = version + 1 WHERE id = $2")
            .bind(group.to_owned())
            .bind(article_id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_article(&mut self, id: i64) -> Result<(), StoreError> {
        failpoint!("store.delete_article");
        sqlx::query::<DB>("DELETE FROM articles WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

impl<DB> SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
{
    /// Writes an article's tags and authors, in order.
    async fn link_tags_and_authors(&mut self, id: i64, new: &NewArticle) -> Result<(), StoreError> {
        for (table, column, ids) in
            [("article_tags", "tag_id", &new.tag_ids), ("article_authors", "author_id", &new.author_ids)]
        {
            let sql = format!("INSERT INTO {table} (article_id, {column}, position) VALUES ($1, $2, $3)");
            for (position, linked) in (0_i32..).zip(ids) {
                sqlx::query::<DB>(&sql)
                    .bind(id)
                    .bind(*linked)
                    .bind(position)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(db_error)?;
            }
        }
        Ok(())
    }
}
