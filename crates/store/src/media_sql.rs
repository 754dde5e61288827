//! The media bank on SQL: [`MediaStore`] for every backend store
//! ([`SqlPool`]), and the media writes of one action's transaction
//! ([`MediaTx`] on [`SqlTx`]).
//!
//! Each write is written once ([`MediaSql`] over a connection); rows are
//! decoded by `sqlx::FromRow`. The dialects do not differ here.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{SqlPool, connection, db_error, failpoint, placeholders, whole_seconds};
use crate::{
    MediaChanges, MediaId, MediaItem, MediaQuery, MediaStore, NewMedia, Rendition, SqlTx, StoreError,
};

/// The media writes an action makes inside its transaction
/// ([`crate::WriteTx`]); each behaves as the [`MediaStore`] method of the
/// same name.
#[async_trait]
pub trait MediaTx: Send {
    /// Stores a photo's record and its first renditions; returns its id.
    async fn create_media(&mut self, new: &NewMedia) -> Result<MediaId, StoreError>;
    async fn update_media(&mut self, id: MediaId, changes: &MediaChanges) -> Result<(), StoreError>;
    async fn replace_media_in_articles(&mut self, old: MediaId, new: MediaId) -> Result<u64, StoreError>;
    async fn delete_unused_media(&mut self, id: MediaId) -> Result<bool, StoreError>;
}

const MEDIA_COLUMNS: &str = "id, original_key, mime, width, height, caption, credit, copyright, alt_text, \
    licence, keywords, original_name, uploaded_by, created_at, focal_x, focal_y";

/// A row of `media_renditions`.
#[derive(Debug, FromRow)]
pub struct RenditionRow {
    media_id: i64,
    width: i32,
    height: i32,
    mime: String,
    storage_key: String,
    crop: bool,
}

/// The media writes, over one connection of backend `DB` (the store's
/// own, or an action's transaction).
#[derive(Debug)]
pub struct MediaSql<DB>(PhantomData<DB>);

impl<DB> MediaSql<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    pub(crate) async fn create_media(c: &mut DB::Connection, new: &NewMedia) -> Result<MediaId, StoreError> {
        failpoint!("store.create_media");
        let id = sqlx::query_scalar::<DB, MediaId>(
            "INSERT INTO media (original_key, mime, width, height, caption, credit, copyright, alt_text, created_at, \
             licence, keywords, original_name, uploaded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(new.original_key.clone())
        .bind(new.mime.clone())
        .bind(new.width)
        .bind(new.height)
        .bind(new.caption.clone())
        .bind(new.credit.clone())
        .bind(new.copyright.clone())
        .bind(new.alt_text.clone())
        .bind(whole_seconds(OffsetDateTime::now_utc()))
        .bind(new.licence.clone())
        .bind(new.keywords.clone())
        .bind(new.original_name.clone())
        .bind(new.uploaded_by.map(|id| id.get()))
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        Self::insert_renditions(c, id, &new.renditions).await?;
        Ok(id)
    }

    pub(crate) async fn update_media(
        c: &mut DB::Connection,
        id: MediaId,
        changes: &MediaChanges,
    ) -> Result<(), StoreError> {
        failpoint!("store.update_media");
        sqlx::query::<DB>(
            "UPDATE media SET caption = $1, credit = $2, copyright = $3, alt_text = $4, licence = $5, \
             keywords = $6, focal_x = $7, focal_y = $8 WHERE id = $9",
        )
        .bind(changes.caption.clone())
        .bind(changes.credit.clone())
        .bind(changes.copyright.clone())
        .bind(changes.alt_text.clone())
        .bind(changes.licence.clone())
        .bind(changes.keywords.clone())
        .bind(changes.focal_x.clamp(0.0, 1.0))
        .bind(changes.focal_y.clamp(0.0, 1.0))
        .bind(id.get())
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// Writes a photo's renditions (after its old ones are gone).
    async fn insert_renditions(
        c: &mut DB::Connection,
        id: MediaId,
        renditions: &[Rendition],
    ) -> Result<(), StoreError> {
        for r in renditions {
            sqlx::query::<DB>(
                "INSERT INTO media_renditions (media_id, width, height, mime, storage_key, crop) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.get())
            .bind(r.width)
            .bind(r.height)
            .bind(r.mime.clone())
            .bind(r.key.clone())
            .bind(r.crop)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        }
        Ok(())
    }

    async fn replace_media_in_articles(
        c: &mut DB::Connection,
        old: MediaId,
        new: MediaId,
    ) -> Result<u64, StoreError> {
        failpoint!("store.replace_media_in_articles");
        let changed = sqlx::query_scalar::<DB, i64>(
            "UPDATE articles SET main_media_id = $1, version = version + 1, \
             public_version = public_version + CASE WHEN status = 'published' THEN 1 ELSE 0 END \
             WHERE main_media_id = $2 RETURNING id",
        )
        .bind(new.get())
        .bind(old.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(changed.len() as u64)
    }

    async fn delete_unused_media(c: &mut DB::Connection, id: MediaId) -> Result<bool, StoreError> {
        failpoint!("store.delete_unused_media");
        let deleted = sqlx::query_scalar::<DB, i64>(
            "DELETE FROM media WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM articles WHERE main_media_id = $1) \
             RETURNING id",
        )
        .bind(id.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(deleted.is_some())
    }
}

#[async_trait]
impl<DB> MediaTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_media(&mut self, new: &NewMedia) -> Result<MediaId, StoreError> {
        MediaSql::<DB>::create_media(&mut self.tx, new).await
    }

    async fn update_media(&mut self, id: MediaId, changes: &MediaChanges) -> Result<(), StoreError> {
        MediaSql::<DB>::update_media(&mut self.tx, id, changes).await
    }

    async fn replace_media_in_articles(&mut self, old: MediaId, new: MediaId) -> Result<u64, StoreError> {
        MediaSql::<DB>::replace_media_in_articles(&mut self.tx, old, new).await
    }

    async fn delete_unused_media(&mut self, id: MediaId) -> Result<bool, StoreError> {
        MediaSql::<DB>::delete_unused_media(&mut self.tx, id).await
    }
}

#[async_trait]
impl<S> MediaStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i32: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> f64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<String>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<OffsetDateTime>: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> MediaItem: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> RenditionRow: FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn create_media(&self, new: &NewMedia) -> Result<MediaItem, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let id = MediaSql::<S::Db>::create_media(&mut tx.tx, new).await?;
        tx.tx.commit().await.map_err(db_error)?;
        self.media_by_id(id).await?.ok_or_else(|| StoreError::NotFound(format!("photo {id}")))
    }

    async fn media_by_id(&self, id: MediaId) -> Result<Option<MediaItem>, StoreError> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1");
        let Some(mut item) = sqlx::query_as::<S::Db, MediaItem>(&sql)
            .bind(id.get())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        item.renditions = self.renditions_of(&[id]).await?.remove(&id).unwrap_or_default();
        Ok(Some(item))
    }

    async fn update_media(&self, id: MediaId, changes: &MediaChanges) -> Result<(), StoreError> {
        MediaSql::<S::Db>::update_media(&mut *connection(self.pool()).await?, id, changes).await
    }

    async fn set_renditions(&self, id: MediaId, renditions: &[Rendition]) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        sqlx::query::<S::Db>("DELETE FROM media_renditions WHERE media_id = $1")
            .bind(id.get())
            .execute(&mut *tx.tx)
            .await
            .map_err(db_error)?;
        MediaSql::<S::Db>::insert_renditions(&mut tx.tx, id, renditions).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn renditions_of(
        &self,
        media_ids: &[MediaId],
    ) -> Result<HashMap<MediaId, Vec<Rendition>>, StoreError> {
        let mut by_media: HashMap<MediaId, Vec<Rendition>> = HashMap::new();
        if media_ids.is_empty() {
            return Ok(by_media);
        }
        let sql = format!(
            "SELECT media_id, width, height, mime, storage_key, crop FROM media_renditions \
             WHERE media_id IN ({}) ORDER BY media_id, crop, width, mime",
            placeholders(1, media_ids.len())
        );
        let mut query = sqlx::query_as::<S::Db, RenditionRow>(&sql);
        for id in media_ids {
            query = query.bind(id.get());
        }
        let rows = query.fetch_all(self.pool()).await.map_err(db_error)?;
        for row in rows {
            by_media.entry(MediaId::new(row.media_id)).or_default().push(Rendition {
                width: row.width,
                height: row.height,
                mime: row.mime,
                key: row.storage_key,
                crop: row.crop,
            });
        }
        Ok(by_media)
    }

    async fn media_list(&self, query: &MediaQuery) -> Result<Vec<MediaItem>, StoreError> {
        let pattern = query.text.as_deref().map(|text| {
            let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            format!("%{escaped}%")
        });
        // Only the conditions asked for are written, so a later page seeks
        // to its cursor in the primary key instead of walking every newer
        // photo past a catch-all `($1 IS NULL OR id < $1)`. Each `?`
        // stands for the next value, bound in the same order.
        enum Value {
            Id(i64),
            Text(String),
            Time(OffsetDateTime),
        }
        let mut conditions: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        if let Some(before) = query.before_id {
            conditions.push("id < ?");
            values.push(Value::Id(before.get()));
        }
        if let Some(pattern) = pattern {
            conditions.push(
                "lower(caption || ' ' || credit || ' ' || copyright || ' ' || keywords || ' ' || original_name) \
                 LIKE ? ESCAPE '\\'",
            );
            values.push(Value::Text(pattern));
        }
        if query.published_only {
            conditions.push(
                "EXISTS (SELECT 1 FROM articles a WHERE a.main_media_id = media.id AND a.status = 'published')",
            );
        }
        if let Some(from) = query.added_from {
            conditions.push("created_at >= ?");
            values.push(Value::Time(whole_seconds(from)));
        }
        if let Some(before) = query.added_before {
            conditions.push("created_at < ?");
            values.push(Value::Time(whole_seconds(before)));
        }
        let mut numbered = String::new();
        let mut n = 0;
        for condition in &conditions {
            numbered.push_str(if numbered.is_empty() { " WHERE " } else { " AND " });
            for (i, part) in condition.split('?').enumerate() {
                if i > 0 {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                }
                numbered.push_str(part);
            }
        }
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media{numbered} ORDER BY id DESC LIMIT ${}", n + 1);
        let mut select = sqlx::query_as::<S::Db, MediaItem>(&sql);
        for value in values {
            select = match value {
                Value::Id(id) => select.bind(id),
                Value::Text(text) => select.bind(text),
                Value::Time(time) => select.bind(time),
            };
        }
        let mut items = select.bind(query.limit).fetch_all(self.pool()).await.map_err(db_error)?;
        let ids: Vec<MediaId> = items.iter().map(|item| item.id).collect();
        let mut renditions = self.renditions_of(&ids).await?;
        for item in &mut items {
            item.renditions = renditions.remove(&item.id).unwrap_or_default();
        }
        Ok(items)
    }

    async fn original_is_published(&self, key: &str) -> Result<bool, StoreError> {
        let found = sqlx::query_scalar::<S::Db, i64>(
            "SELECT m.id FROM media m JOIN articles a ON a.main_media_id = m.id \
             WHERE m.original_key = $1 AND a.status = 'published' LIMIT 1",
        )
        .bind(key.to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        Ok(found.is_some())
    }

    async fn media_usage(&self, id: MediaId) -> Result<i64, StoreError> {
        sqlx::query_scalar::<S::Db, i64>("SELECT COUNT(*) FROM articles WHERE main_media_id = $1")
            .bind(id.get())
            .fetch_one(self.pool())
            .await
            .map_err(db_error)
    }

    async fn delete_unused_media(&self, id: MediaId) -> Result<bool, StoreError> {
        MediaSql::<S::Db>::delete_unused_media(&mut *connection(self.pool()).await?, id).await
    }

    async fn replace_media_in_articles(&self, old: MediaId, new: MediaId) -> Result<u64, StoreError> {
        MediaSql::<S::Db>::replace_media_in_articles(&mut *connection(self.pool()).await?, old, new).await
    }
}
