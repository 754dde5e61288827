//! The directory on SQL: [`DirectoryStore`] for every backend store
//! ([`SqlPool`]), and the directory writes of one action's transaction
//! ([`DirectoryTx`] on [`SqlTx`]), so an administrator's change and its
//! audit entry commit together.
//!
//! Each write is written once ([`DirectorySql`] over a connection); rows
//! are decoded by `sqlx::FromRow`. The dialects do not differ here.

use std::marker::PhantomData;

use async_trait::async_trait;
use dateline_core::{CommentPolicy, EditionCode, Slug, TextDirection};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};

use crate::backend::{SqlPool, connection, db_error, failpoint};
use crate::{
    Author, AuthorId, DirectoryStore, Edition, EditionChanges, EditionId, NewAuthor, NewEdition, NewSection,
    Section, SectionId, SqlTx, StoreError, Tag, TagId,
};

/// The directory writes an action makes inside its transaction
/// ([`crate::WriteTx`]); each behaves as the [`DirectoryStore`] method of
/// the same name.
#[async_trait]
pub trait DirectoryTx: Send {
    async fn create_edition(&mut self, new: &NewEdition) -> Result<Edition, StoreError>;
    async fn update_edition(&mut self, id: EditionId, changes: &EditionChanges) -> Result<(), StoreError>;
    async fn create_section(&mut self, new: &NewSection) -> Result<Section, StoreError>;
    async fn update_section(
        &mut self,
        id: SectionId,
        name: &str,
        description: &str,
        position: i32,
    ) -> Result<(), StoreError>;
    async fn set_comment_policy(
        &mut self,
        section_id: SectionId,
        policy: CommentPolicy,
    ) -> Result<(), StoreError>;
    async fn ensure_tag(&mut self, edition_id: EditionId, slug: &Slug, name: &str)
    -> Result<Tag, StoreError>;
    async fn set_site_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
}

/// A slug as stored; a malformed one is reported, not passed on.
fn stored_slug(what: &str, raw: &str) -> Result<Slug, StoreError> {
    Slug::parse(raw).map_err(|e| StoreError::Invalid(format!("{what} slug {raw:?}: {e}")))
}

const EDITION_COLUMNS: &str = "id, code, language, name, direction, is_default, position";

/// A row of `editions` as [`EDITION_COLUMNS`] reads it.
#[derive(Debug, FromRow)]
pub struct EditionRow {
    id: EditionId,
    code: String,
    language: String,
    name: String,
    direction: String,
    is_default: bool,
    position: i32,
}

impl TryFrom<EditionRow> for Edition {
    type Error = StoreError;

    fn try_from(row: EditionRow) -> Result<Self, StoreError> {
        Ok(Self {
            code: EditionCode::parse(&row.code)
                .map_err(|e| StoreError::Invalid(format!("edition code {:?}: {e}", row.code)))?,
            id: row.id,
            language: row.language,
            name: row.name,
            direction: TextDirection::from_stored(&row.direction),
            is_default: row.is_default,
            position: row.position,
        })
    }
}

const SECTION_COLUMNS: &str = "id, edition_id, slug, name, description, position, comment_policy";

/// A row of `sections` as [`SECTION_COLUMNS`] reads it.
#[derive(Debug, FromRow)]
pub struct SectionRow {
    id: SectionId,
    edition_id: EditionId,
    slug: String,
    name: String,
    description: String,
    position: i32,
    comment_policy: String,
}

impl TryFrom<SectionRow> for Section {
    type Error = StoreError;

    fn try_from(row: SectionRow) -> Result<Self, StoreError> {
        Ok(Self {
            slug: stored_slug("section", &row.slug)?,
            id: row.id,
            edition_id: row.edition_id,
            name: row.name,
            description: row.description,
            position: row.position,
            comment_policy: CommentPolicy::from_stored(&row.comment_policy),
        })
    }
}

const AUTHOR_COLUMNS: &str = "id, edition_id, slug, name, bio";

/// A row of `authors` as [`AUTHOR_COLUMNS`] reads it.
#[derive(Debug, FromRow)]
pub struct AuthorRow {
    id: AuthorId,
    edition_id: EditionId,
    slug: String,
    name: String,
    bio: String,
}

impl TryFrom<AuthorRow> for Author {
    type Error = StoreError;

    fn try_from(row: AuthorRow) -> Result<Self, StoreError> {
        Ok(Self {
            slug: stored_slug("author", &row.slug)?,
            id: row.id,
            edition_id: row.edition_id,
            name: row.name,
            bio: row.bio,
        })
    }
}

const TAG_COLUMNS: &str = "id, edition_id, slug, name";

/// A row of `tags` as [`TAG_COLUMNS`] reads it.
#[derive(Debug, FromRow)]
pub struct TagRow {
    id: TagId,
    edition_id: EditionId,
    slug: String,
    name: String,
}

impl TryFrom<TagRow> for Tag {
    type Error = StoreError;

    fn try_from(row: TagRow) -> Result<Self, StoreError> {
        Ok(Self {
            slug: stored_slug("tag", &row.slug)?,
            id: row.id,
            edition_id: row.edition_id,
            name: row.name,
        })
    }
}

/// Rows of one kind, each converted (the first malformed one reported).
fn all<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>, StoreError> {
    rows.into_iter().map(T::try_from).collect()
}

/// The directory's writes, over one connection of backend `DB` (the
/// store's own, or an action's transaction).
#[derive(Debug)]
pub struct DirectorySql<DB>(PhantomData<DB>);

impl<DB> DirectorySql<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_edition(c: &mut DB::Connection, new: &NewEdition) -> Result<Edition, StoreError> {
        failpoint!("store.create_edition");
        let id = sqlx::query_scalar::<DB, EditionId>(
            "INSERT INTO editions (code, language, name, direction, is_default, position) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.code.as_str().to_owned())
        .bind(new.language.clone())
        .bind(new.name.clone())
        .bind(new.direction.as_str().to_owned())
        .bind(new.is_default)
        .bind(new.position)
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(Edition {
            id,
            code: new.code.clone(),
            language: new.language.clone(),
            name: new.name.clone(),
            direction: new.direction,
            is_default: new.is_default,
            position: new.position,
        })
    }

    /// Several statements: run it inside a transaction.
    async fn update_edition(
        c: &mut DB::Connection,
        id: EditionId,
        changes: &EditionChanges,
    ) -> Result<(), StoreError> {
        failpoint!("store.update_edition");
        if changes.make_default {
            // One default at a time (a partial unique index says so).
            sqlx::query::<DB>("UPDATE editions SET is_default = $1 WHERE id <> $2 AND is_default = $3")
                .bind(false)
                .bind(id)
                .bind(true)
                .execute(&mut *c)
                .await
                .map_err(db_error)?;
            sqlx::query::<DB>("UPDATE editions SET is_default = $1 WHERE id = $2")
                .bind(true)
                .bind(id)
                .execute(&mut *c)
                .await
                .map_err(db_error)?;
        }
        sqlx::query::<DB>(
            "UPDATE editions SET language = $1, name = $2, direction = $3, position = $4 WHERE id = $5",
        )
        .bind(changes.language.clone())
        .bind(changes.name.clone())
        .bind(changes.direction.as_str().to_owned())
        .bind(changes.position)
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn create_section(c: &mut DB::Connection, new: &NewSection) -> Result<Section, StoreError> {
        failpoint!("store.create_section");
        let (id, policy) = sqlx::query_as::<DB, (i64, String)>(
            "INSERT INTO sections (edition_id, slug, name, description, position) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id, comment_policy",
        )
        .bind(new.edition_id)
        .bind(new.slug.as_str().to_owned())
        .bind(new.name.clone())
        .bind(new.description.clone())
        .bind(new.position)
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(Section {
            id: SectionId::new(id),
            edition_id: new.edition_id,
            slug: new.slug.clone(),
            name: new.name.clone(),
            description: new.description.clone(),
            position: new.position,
            comment_policy: CommentPolicy::from_stored(&policy),
        })
    }

    async fn update_section(
        c: &mut DB::Connection,
        id: SectionId,
        name: &str,
        description: &str,
        position: i32,
    ) -> Result<(), StoreError> {
        failpoint!("store.update_section");
        sqlx::query::<DB>("UPDATE sections SET name = $1, description = $2, position = $3 WHERE id = $4")
            .bind(name.to_owned())
            .bind(description.to_owned())
            .bind(position)
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_comment_policy(
        c: &mut DB::Connection,
        section_id: SectionId,
        policy: CommentPolicy,
    ) -> Result<(), StoreError> {
        failpoint!("store.set_comment_policy");
        sqlx::query::<DB>("UPDATE sections SET comment_policy = $1 WHERE id = $2")
            .bind(policy.as_str().to_owned())
            .bind(section_id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Two statements: run it inside a transaction.
    async fn ensure_tag(
        c: &mut DB::Connection,
        edition_id: EditionId,
        slug: &Slug,
        name: &str,
    ) -> Result<Tag, StoreError> {
        failpoint!("store.ensure_tag");
        sqlx::query::<DB>(
            "INSERT INTO tags (edition_id, slug, name) VALUES ($1, $2, $3) \
             ON CONFLICT (edition_id, slug) DO NOTHING",
        )
        .bind(edition_id)
        .bind(slug.as_str().to_owned())
        .bind(name.to_owned())
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        let (id, stored_name) = sqlx::query_as::<DB, (i64, String)>(
            "SELECT id, name FROM tags WHERE edition_id = $1 AND slug = $2",
        )
        .bind(edition_id)
        .bind(slug.as_str().to_owned())
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(Tag { id: TagId::new(id), edition_id, slug: slug.clone(), name: stored_name })
    }

    async fn set_site_setting(c: &mut DB::Connection, key: &str, value: &str) -> Result<(), StoreError> {
        failpoint!("store.set_site_setting");
        sqlx::query::<DB>(
            "INSERT INTO site_settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key.to_owned())
        .bind(value.to_owned())
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl<DB> DirectoryTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_edition(&mut self, new: &NewEdition) -> Result<Edition, StoreError> {
        DirectorySql::<DB>::create_edition(&mut self.tx, new).await
    }

    async fn update_edition(&mut self, id: EditionId, changes: &EditionChanges) -> Result<(), StoreError> {
        DirectorySql::<DB>::update_edition(&mut self.tx, id, changes).await
    }

    async fn create_section(&mut self, new: &NewSection) -> Result<Section, StoreError> {
        DirectorySql::<DB>::create_section(&mut self.tx, new).await
    }

    async fn update_section(
        &mut self,
        id: SectionId,
        name: &str,
        description: &str,
        position: i32,
    ) -> Result<(), StoreError> {
        DirectorySql::<DB>::update_section(&mut self.tx, id, name, description, position).await
    }

    async fn set_comment_policy(
        &mut self,
        section_id: SectionId,
        policy: CommentPolicy,
    ) -> Result<(), StoreError> {
        DirectorySql::<DB>::set_comment_policy(&mut self.tx, section_id, policy).await
    }

    async fn ensure_tag(
        &mut self,
        edition_id: EditionId,
        slug: &Slug,
        name: &str,
    ) -> Result<Tag, StoreError> {
        DirectorySql::<DB>::ensure_tag(&mut self.tx, edition_id, slug, name).await
    }

    async fn set_site_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        DirectorySql::<DB>::set_site_setting(&mut self.tx, key, value).await
    }
}

#[async_trait]
impl<S> DirectoryStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i32: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> String: Decode<'r, S::Db>,
    for<'r> (i64, String): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> EditionRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> SectionRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> AuthorRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> TagRow: FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn is_empty(&self) -> Result<bool, StoreError> {
        let n = sqlx::query_scalar::<S::Db, i64>("SELECT COUNT(*) FROM editions")
            .fetch_one(self.pool())
            .await
            .map_err(db_error)?;
        Ok(n == 0)
    }

    async fn editions(&self) -> Result<Vec<Edition>, StoreError> {
        let sql = format!("SELECT {EDITION_COLUMNS} FROM editions ORDER BY position, id");
        all(sqlx::query_as::<S::Db, EditionRow>(&sql).fetch_all(self.pool()).await.map_err(db_error)?)
    }

    async fn sections(&self) -> Result<Vec<Section>, StoreError> {
        let sql = format!("SELECT {SECTION_COLUMNS} FROM sections ORDER BY edition_id, position, id");
        all(sqlx::query_as::<S::Db, SectionRow>(&sql).fetch_all(self.pool()).await.map_err(db_error)?)
    }

    async fn create_edition(&self, new: &NewEdition) -> Result<Edition, StoreError> {
        DirectorySql::<S::Db>::create_edition(&mut *connection(self.pool()).await?, new).await
    }

    async fn update_edition(&self, id: EditionId, changes: &EditionChanges) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        DirectorySql::<S::Db>::update_edition(&mut tx.tx, id, changes).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn create_section(&self, new: &NewSection) -> Result<Section, StoreError> {
        DirectorySql::<S::Db>::create_section(&mut *connection(self.pool()).await?, new).await
    }

    async fn update_section(
        &self,
        id: SectionId,
        name: &str,
        description: &str,
        position: i32,
    ) -> Result<(), StoreError> {
        let mut c = connection(self.pool()).await?;
        DirectorySql::<S::Db>::update_section(&mut c, id, name, description, position).await
    }

    async fn set_comment_policy(
        &self,
        section_id: SectionId,
        policy: CommentPolicy,
    ) -> Result<(), StoreError> {
        DirectorySql::<S::Db>::set_comment_policy(&mut *connection(self.pool()).await?, section_id, policy)
            .await
    }

    async fn create_author(&self, new: &NewAuthor) -> Result<Author, StoreError> {
        let sql = format!(
            "INSERT INTO authors (edition_id, slug, name, bio) VALUES ($1, $2, $3, $4) RETURNING {AUTHOR_COLUMNS}"
        );
        sqlx::query_as::<S::Db, AuthorRow>(&sql)
            .bind(new.edition_id)
            .bind(new.slug.as_str().to_owned())
            .bind(new.name.clone())
            .bind(new.bio.clone())
            .fetch_one(self.pool())
            .await
            .map_err(db_error)?
            .try_into()
    }

    async fn author_by_slug(&self, edition_id: EditionId, slug: &Slug) -> Result<Option<Author>, StoreError> {
        let sql = format!("SELECT {AUTHOR_COLUMNS} FROM authors WHERE edition_id = $1 AND slug = $2");
        sqlx::query_as::<S::Db, AuthorRow>(&sql)
            .bind(edition_id)
            .bind(slug.as_str().to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?
            .map(Author::try_from)
            .transpose()
    }

    async fn authors(&self) -> Result<Vec<Author>, StoreError> {
        let sql = format!("SELECT {AUTHOR_COLUMNS} FROM authors ORDER BY edition_id, name");
        all(sqlx::query_as::<S::Db, AuthorRow>(&sql).fetch_all(self.pool()).await.map_err(db_error)?)
    }

    async fn ensure_tag(&self, edition_id: EditionId, slug: &Slug, name: &str) -> Result<Tag, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let tag = DirectorySql::<S::Db>::ensure_tag(&mut tx.tx, edition_id, slug, name).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(tag)
    }

    async fn tag_by_slug(&self, edition_id: EditionId, slug: &Slug) -> Result<Option<Tag>, StoreError> {
        let sql = format!("SELECT {TAG_COLUMNS} FROM tags WHERE edition_id = $1 AND slug = $2");
        sqlx::query_as::<S::Db, TagRow>(&sql)
            .bind(edition_id)
            .bind(slug.as_str().to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?
            .map(Tag::try_from)
            .transpose()
    }

    async fn site_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar::<S::Db, String>("SELECT value FROM site_settings WHERE key = $1")
            .bind(key.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)
    }

    async fn set_site_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        DirectorySql::<S::Db>::set_site_setting(&mut *connection(self.pool()).await?, key, value).await
    }
}
