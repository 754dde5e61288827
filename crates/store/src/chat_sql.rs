//! Chats on SQL: [`ChatStore`] for every backend store ([`SqlPool`]), and
//! the chat writes of one action's transaction ([`ChatTx`] on [`SqlTx`]).
//!
//! Each query is written once, in [`ChatSql`], over a connection: the
//! store's single-step methods lend it a pooled connection, a transaction
//! its own, so a moderator's decision, its audit entry and the event the
//! open rooms follow commit together. Rows are decoded by `sqlx::FromRow`.
//! The dialects differ in two places, both asked of [`is_postgres`]: the
//! event log's ordering lock and notification, and where an empty log
//! keeps its last id.

use std::marker::PhantomData;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;
use tokio::sync::mpsc::Receiver;

use crate::backend::{SqlPool, db_error, failpoint, is_postgres, whole_seconds};
use crate::{
    ChatEvent, ChatMember, ChatMessage, ChatReactionCount, ChatReply, ChatReport, ChatRoom, ChatRoomChanges,
    ChatSanction, ChatStore, NewChatMessage, NewChatRoom, NewChatSanction, SanctionKind, SqlTx, StoreError,
};

/// The chat writes an action makes inside its transaction
/// ([`crate::WriteTx`]); each behaves as the [`ChatStore`] method of the
/// same name.
#[async_trait]
pub trait ChatTx: Send {
    /// `Conflict` when the edition has a room with this slug.
    async fn create_chat_room(
        &mut self,
        new: &NewChatRoom,
        now: OffsetDateTime,
    ) -> Result<ChatRoom, StoreError>;
    /// The room as it now is (`NotFound` when it is gone).
    async fn update_chat_room(&mut self, id: i64, changes: &ChatRoomChanges) -> Result<ChatRoom, StoreError>;
    async fn add_chat_member(
        &mut self,
        room_id: i64,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn remove_chat_member(&mut self, room_id: i64, user_id: i64) -> Result<(), StoreError>;
    async fn add_chat_message(
        &mut self,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError>;
    async fn chat_message(&mut self, id: i64) -> Result<Option<ChatMessage>, StoreError>;
    async fn edit_chat_message(
        &mut self,
        id: i64,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn delete_chat_message(&mut self, id: i64, by: i64, now: OffsetDateTime) -> Result<(), StoreError>;
    async fn pin_chat_message(
        &mut self,
        id: i64,
        pinned_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    async fn toggle_chat_reaction(
        &mut self,
        message_id: i64,
        user_id: i64,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn chat_reaction_counts(
        &mut self,
        message_ids: &[i64],
    ) -> Result<Vec<ChatReactionCount>, StoreError>;
    async fn resolve_chat_reports(
        &mut self,
        message_id: i64,
        by: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn add_chat_sanction(
        &mut self,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError>;
    async fn lift_chat_sanction(&mut self, id: i64, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Appends to the event log; other nodes are woken when (and only if)
    /// the transaction commits.
    async fn append_chat_event(
        &mut self,
        room_id: i64,
        kind: &str,
        data: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError>;
}

const ROOM_COLUMNS: &str = "id, edition_id, slug, title, topic, article_id, members_only, slow_mode_seconds, \
    retention_days, closed_at, created_at";

const MESSAGE_SELECT: &str = "SELECT m.id, m.room_id, m.user_id, \
    COALESCE(u.display_name, '') AS author_name, COALESCE(u.role, 'reader') AS author_role, \
    m.body, m.body_html, m.created_at, m.edited_at, m.deleted_at, m.pinned_at, \
    p.id AS reply_id, COALESCE(pu.display_name, '') AS reply_author, COALESCE(p.body, '') AS reply_body, \
    p.deleted_at AS reply_deleted_at \
    FROM chat_messages m LEFT JOIN users u ON u.id = m.user_id \
    LEFT JOIN chat_messages p ON p.id = m.reply_to LEFT JOIN users pu ON pu.id = p.user_id";

/// A row of [`MESSAGE_SELECT`].
#[derive(Debug, FromRow)]
pub struct MessageRow {
    id: i64,
    room_id: i64,
    user_id: Option<i64>,
    author_name: String,
    author_role: String,
    body: String,
    body_html: String,
    created_at: OffsetDateTime,
    edited_at: Option<OffsetDateTime>,
    deleted_at: Option<OffsetDateTime>,
    pinned_at: Option<OffsetDateTime>,
    reply_id: Option<i64>,
    reply_author: String,
    reply_body: String,
    reply_deleted_at: Option<OffsetDateTime>,
}

impl From<MessageRow> for ChatMessage {
    fn from(row: MessageRow) -> Self {
        Self {
            id: row.id,
            room_id: row.room_id,
            user_id: row.user_id,
            author_name: row.author_name,
            author_staff: dateline_core::Role::parse(&row.author_role).is_ok_and(|r| r.is_staff()),
            body: row.body,
            html: row.body_html,
            created_at: row.created_at,
            edited_at: row.edited_at,
            deleted_at: row.deleted_at,
            pinned_at: row.pinned_at,
            reply: row.reply_id.map(|id| ChatReply {
                id,
                author_name: row.reply_author,
                body: row.reply_body,
                deleted: row.reply_deleted_at.is_some(),
            }),
        }
    }
}

#[derive(Debug, FromRow)]
pub struct SanctionRow {
    id: i64,
    user_id: i64,
    user_name: String,
    room_id: Option<i64>,
    kind: String,
    until: Option<OffsetDateTime>,
    reason: String,
    created_at: OffsetDateTime,
}

impl TryFrom<SanctionRow> for ChatSanction {
    type Error = StoreError;

    fn try_from(row: SanctionRow) -> Result<Self, StoreError> {
        Ok(Self {
            kind: SanctionKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Invalid(format!("chat sanction kind {:?}", row.kind)))?,
            id: row.id,
            user_id: row.user_id,
            user_name: row.user_name,
            room_id: row.room_id,
            until: row.until,
            reason: row.reason,
            created_at: row.created_at,
        })
    }
}

#[derive(Debug, FromRow)]
pub struct ReportRow {
    id: i64,
    message_id: i64,
    reporter_name: String,
    reason: String,
    note: String,
    created_at: OffsetDateTime,
}

/// The chat queries both the store and a transaction run, over one
/// connection of backend `DB`.
#[derive(Debug)]
pub struct ChatSql<DB>(PhantomData<DB>);

impl<DB> ChatSql<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'r> ChatRoom: FromRow<'r, DB::Row>,
    for<'r> MessageRow: FromRow<'r, DB::Row>,
    for<'r> ChatReactionCount: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_room(
        c: &mut DB::Connection,
        new: &NewChatRoom,
        now: OffsetDateTime,
    ) -> Result<ChatRoom, StoreError> {
        failpoint!("store.create_chat_room");
        let sql = format!(
            "INSERT INTO chat_rooms (edition_id, slug, title, topic, article_id, members_only, retention_days, \
             created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {ROOM_COLUMNS}"
        );
        sqlx::query_as::<DB, ChatRoom>(&sql)
            .bind(new.edition_id)
            .bind(new.slug.clone())
            .bind(new.title.clone())
            .bind(new.topic.clone())
            .bind(new.article_id)
            .bind(new.members_only)
            .bind(new.retention_days)
            .bind(whole_seconds(now))
            .bind(new.created_by)
            .fetch_one(&mut *c)
            .await
            .map_err(db_error)
    }

    async fn update_room(
        c: &mut DB::Connection,
        id: i64,
        changes: &ChatRoomChanges,
    ) -> Result<ChatRoom, StoreError> {
        failpoint!("store.update_chat_room");
        let sql = format!(
            "UPDATE chat_rooms SET title = $1, topic = $2, article_id = $3, members_only = $4, \
             slow_mode_seconds = $5, retention_days = $6, closed_at = $7 WHERE id = $8 RETURNING {ROOM_COLUMNS}"
        );
        sqlx::query_as::<DB, ChatRoom>(&sql)
            .bind(changes.title.clone())
            .bind(changes.topic.clone())
            .bind(changes.article_id)
            .bind(changes.members_only)
            .bind(changes.slow_mode_seconds)
            .bind(changes.retention_days)
            .bind(changes.closed_at.map(whole_seconds))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)?
            .ok_or_else(|| StoreError::NotFound(format!("chat room {id}")))
    }

    async fn add_member(
        c: &mut DB::Connection,
        room_id: i64,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        failpoint!("store.add_chat_member");
        sqlx::query::<DB>(
            "INSERT INTO chat_members (room_id, user_id, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (room_id, user_id) DO NOTHING",
        )
        .bind(room_id)
        .bind(user_id)
        .bind(whole_seconds(now))
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn remove_member(c: &mut DB::Connection, room_id: i64, user_id: i64) -> Result<(), StoreError> {
        failpoint!("store.remove_chat_member");
        sqlx::query::<DB>("DELETE FROM chat_members WHERE room_id = $1 AND user_id = $2")
            .bind(room_id)
            .bind(user_id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn lift_sanction(c: &mut DB::Connection, id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
        failpoint!("store.lift_chat_sanction");
        sqlx::query::<DB>("UPDATE chat_sanctions SET lifted_at = $1 WHERE id = $2 AND lifted_at IS NULL")
            .bind(whole_seconds(now))
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn message(c: &mut DB::Connection, id: i64) -> Result<Option<ChatMessage>, StoreError> {
        let row = sqlx::query_as::<DB, MessageRow>(&format!("{MESSAGE_SELECT} WHERE m.id = $1"))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(row.map(ChatMessage::from))
    }

    async fn add_message(
        c: &mut DB::Connection,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError> {
        failpoint!("store.add_chat_message");
        let id = sqlx::query_scalar::<DB, i64>(
            "INSERT INTO chat_messages (room_id, user_id, reply_to, body, body_html, client_address, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.room_id)
        .bind(new.user_id)
        .bind(new.reply_to)
        .bind(new.body.clone())
        .bind(new.html.clone())
        .bind(new.client_address.clone())
        .bind(whole_seconds(now))
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        Self::message(c, id).await?.ok_or_else(|| StoreError::NotFound(format!("chat message {id}")))
    }

    async fn edit_message(
        c: &mut DB::Connection,
        id: i64,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        failpoint!("store.edit_chat_message");
        sqlx::query::<DB>("UPDATE chat_messages SET body = $1, body_html = $2, edited_at = $3 WHERE id = $4")
            .bind(body.to_owned())
            .bind(html.to_owned())
            .bind(whole_seconds(now))
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_message(
        c: &mut DB::Connection,
        id: i64,
        by: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        failpoint!("store.delete_chat_message");
        sqlx::query::<DB>(
            "UPDATE chat_messages SET deleted_at = $1, deleted_by = $2, pinned_at = NULL \
             WHERE id = $3 AND deleted_at IS NULL",
        )
        .bind(whole_seconds(now))
        .bind(by)
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn pin_message(
        c: &mut DB::Connection,
        id: i64,
        pinned_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        failpoint!("store.pin_chat_message");
        sqlx::query::<DB>("UPDATE chat_messages SET pinned_at = $1 WHERE id = $2")
            .bind(pinned_at.map(whole_seconds))
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn toggle_reaction(
        c: &mut DB::Connection,
        message_id: i64,
        user_id: i64,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        failpoint!("store.toggle_chat_reaction");
        let removed = sqlx::query_scalar::<DB, i64>(
            "DELETE FROM chat_reactions WHERE message_id = $1 AND user_id = $2 AND kind = $3 RETURNING message_id",
        )
        .bind(message_id)
        .bind(user_id)
        .bind(kind.to_owned())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        if removed.is_some() {
            return Ok(false);
        }
        sqlx::query::<DB>(
            "INSERT INTO chat_reactions (message_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (message_id, user_id, kind) DO NOTHING",
        )
        .bind(message_id)
        .bind(user_id)
        .bind(kind.to_owned())
        .bind(whole_seconds(now))
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(true)
    }

    async fn reaction_counts(
        c: &mut DB::Connection,
        message_ids: &[i64],
    ) -> Result<Vec<ChatReactionCount>, StoreError> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=message_ids.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT message_id, kind, COUNT(*) AS count FROM chat_reactions \
             WHERE message_id IN ({placeholders}) GROUP BY message_id, kind ORDER BY message_id, kind"
        );
        let mut query = sqlx::query_as::<DB, ChatReactionCount>(&sql);
        for id in message_ids {
            query = query.bind(*id);
        }
        query.fetch_all(&mut *c).await.map_err(db_error)
    }

    async fn resolve_reports(
        c: &mut DB::Connection,
        message_id: i64,
        by: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        failpoint!("store.resolve_chat_reports");
        sqlx::query::<DB>(
            "UPDATE chat_reports SET resolved_at = $1, resolved_by = $2 WHERE message_id = $3 AND resolved_at IS NULL",
        )
        .bind(whole_seconds(now))
        .bind(by)
        .bind(message_id)
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn add_sanction(
        c: &mut DB::Connection,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        failpoint!("store.add_chat_sanction");
        sqlx::query_scalar::<DB, i64>(
            "INSERT INTO chat_sanctions (user_id, room_id, kind, until, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.user_id)
        .bind(new.room_id)
        .bind(new.kind.as_str().to_owned())
        .bind(new.until.map(whole_seconds))
        .bind(new.reason.clone())
        .bind(new.created_by)
        .bind(whole_seconds(now))
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)
    }

    /// Within the caller's transaction: on PostgreSQL one appender at a
    /// time (ids then commit in order, so readers that follow "id > last
    /// seen" miss none), and the other nodes notified at commit.
    async fn append_event(
        c: &mut DB::Connection,
        room_id: i64,
        kind: &str,
        data: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        failpoint!("store.append_chat_event");
        if is_postgres::<DB>() {
            sqlx::query::<DB>("SELECT pg_advisory_xact_lock(7261002)")
                .execute(&mut *c)
                .await
                .map_err(db_error)?;
        }
        let id = sqlx::query_scalar::<DB, i64>(
            "INSERT INTO chat_events (room_id, kind, data, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(room_id)
        .bind(kind.to_owned())
        .bind(data.to_owned())
        .bind(whole_seconds(now))
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        if is_postgres::<DB>() {
            sqlx::query::<DB>("SELECT pg_notify('dateline_chat', '')")
                .execute(&mut *c)
                .await
                .map_err(db_error)?;
        }
        Ok(id)
    }
}

#[async_trait]
impl<DB> ChatTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'r> ChatRoom: FromRow<'r, DB::Row>,
    for<'r> MessageRow: FromRow<'r, DB::Row>,
    for<'r> ChatReactionCount: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_chat_room(
        &mut self,
        new: &NewChatRoom,
        now: OffsetDateTime,
    ) -> Result<ChatRoom, StoreError> {
        ChatSql::<DB>::create_room(&mut self.tx, new, now).await
    }

    async fn update_chat_room(&mut self, id: i64, changes: &ChatRoomChanges) -> Result<ChatRoom, StoreError> {
        ChatSql::<DB>::update_room(&mut self.tx, id, changes).await
    }

    async fn add_chat_member(
        &mut self,
        room_id: i64,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::add_member(&mut self.tx, room_id, user_id, now).await
    }

    async fn remove_chat_member(&mut self, room_id: i64, user_id: i64) -> Result<(), StoreError> {
        ChatSql::<DB>::remove_member(&mut self.tx, room_id, user_id).await
    }

    async fn add_chat_message(
        &mut self,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError> {
        ChatSql::<DB>::add_message(&mut self.tx, new, now).await
    }

    async fn chat_message(&mut self, id: i64) -> Result<Option<ChatMessage>, StoreError> {
        ChatSql::<DB>::message(&mut self.tx, id).await
    }

    async fn edit_chat_message(
        &mut self,
        id: i64,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::edit_message(&mut self.tx, id, body, html, now).await
    }

    async fn delete_chat_message(&mut self, id: i64, by: i64, now: OffsetDateTime) -> Result<(), StoreError> {
        ChatSql::<DB>::delete_message(&mut self.tx, id, by, now).await
    }

    async fn pin_chat_message(
        &mut self,
        id: i64,
        pinned_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::pin_message(&mut self.tx, id, pinned_at).await
    }

    async fn toggle_chat_reaction(
        &mut self,
        message_id: i64,
        user_id: i64,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        ChatSql::<DB>::toggle_reaction(&mut self.tx, message_id, user_id, kind, now).await
    }

    async fn chat_reaction_counts(
        &mut self,
        message_ids: &[i64],
    ) -> Result<Vec<ChatReactionCount>, StoreError> {
        ChatSql::<DB>::reaction_counts(&mut self.tx, message_ids).await
    }

    async fn resolve_chat_reports(
        &mut self,
        message_id: i64,
        by: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::resolve_reports(&mut self.tx, message_id, by, now).await
    }

    async fn add_chat_sanction(
        &mut self,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        ChatSql::<DB>::add_sanction(&mut self.tx, new, now).await
    }

    async fn lift_chat_sanction(&mut self, id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
        ChatSql::<DB>::lift_sanction(&mut self.tx, id, now).await
    }

    async fn append_chat_event(
        &mut self,
        room_id: i64,
        kind: &str,
        data: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        ChatSql::<DB>::append_event(&mut self.tx, room_id, kind, data, now).await
    }
}

/// A connection from the pool, for one single-step method.
async fn connection<DB: Database>(
    pool: &sqlx::Pool<DB>,
) -> Result<sqlx::pool::PoolConnection<DB>, StoreError> {
    pool.acquire().await.map_err(db_error)
}

#[async_trait]
impl<S> ChatStore for S
where
    S: SqlPool,
    S::Db: Database,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<OffsetDateTime>: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> Option<i64>: Decode<'r, S::Db>,
    for<'r> OffsetDateTime: Decode<'r, S::Db>,
    for<'r> Option<OffsetDateTime>: Decode<'r, S::Db>,
    for<'r> ChatRoom: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> ChatMember: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> ChatEvent: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> ChatReactionCount: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> MessageRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> SanctionRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> ReportRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, i64): FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn chat_rooms(&self, edition_id: Option<i64>) -> Result<Vec<ChatRoom>, StoreError> {
        let sql = format!(
            "SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE ($1 IS NULL OR edition_id = $1) \
             ORDER BY CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END, title, id"
        );
        sqlx::query_as::<S::Db, ChatRoom>(&sql)
            .bind(edition_id)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)
    }

    async fn chat_room(&self, id: i64) -> Result<Option<ChatRoom>, StoreError> {
        sqlx::query_as::<S::Db, ChatRoom>(&format!("SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)
    }

    async fn chat_room_by_slug(&self, edition_id: i64, slug: &str) -> Result<Option<ChatRoom>, StoreError> {
        let sql = format!("SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE edition_id = $1 AND slug = $2");
        sqlx::query_as::<S::Db, ChatRoom>(&sql)
            .bind(edition_id)
            .bind(slug.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)
    }

    async fn chat_rooms_for_article(&self, article_id: i64) -> Result<Vec<ChatRoom>, StoreError> {
        let sql = format!(
            "SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE article_id = $1 AND closed_at IS NULL ORDER BY id"
        );
        sqlx::query_as::<S::Db, ChatRoom>(&sql)
            .bind(article_id)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)
    }

    async fn create_chat_room(&self, new: &NewChatRoom, now: OffsetDateTime) -> Result<ChatRoom, StoreError> {
        ChatSql::<S::Db>::create_room(&mut *connection(self.pool()).await?, new, now).await
    }

    async fn update_chat_room(&self, id: i64, changes: &ChatRoomChanges) -> Result<(), StoreError> {
        ChatSql::<S::Db>::update_room(&mut *connection(self.pool()).await?, id, changes).await?;
        Ok(())
    }

    async fn chat_members(&self, room_id: i64) -> Result<Vec<ChatMember>, StoreError> {
        sqlx::query_as::<S::Db, ChatMember>(
            "SELECT m.user_id, u.display_name AS name, u.email, m.added_at FROM chat_members m \
             JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY u.display_name, u.id",
        )
        .bind(room_id)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }

    async fn is_chat_member(&self, room_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let found = sqlx::query_scalar::<S::Db, i64>(
            "SELECT user_id FROM chat_members WHERE room_id = $1 AND user_id = $2",
        )
        .bind(room_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        Ok(found.is_some())
    }

    async fn add_chat_member(
        &self,
        room_id: i64,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::add_member(&mut *connection(self.pool()).await?, room_id, user_id, now).await
    }

    async fn remove_chat_member(&self, room_id: i64, user_id: i64) -> Result<(), StoreError> {
        ChatSql::<S::Db>::remove_member(&mut *connection(self.pool()).await?, room_id, user_id).await
    }

    async fn add_chat_message(
        &self,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError> {
        ChatSql::<S::Db>::add_message(&mut *connection(self.pool()).await?, new, now).await
    }

    async fn chat_message(&self, id: i64) -> Result<Option<ChatMessage>, StoreError> {
        ChatSql::<S::Db>::message(&mut *connection(self.pool()).await?, id).await
    }

    async fn chat_messages_before(
        &self,
        room_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.room_id = $1 AND ($2 IS NULL OR m.id < $2) ORDER BY m.id DESC LIMIT $3"
        );
        let rows = sqlx::query_as::<S::Db, MessageRow>(&sql)
            .bind(room_id)
            .bind(before)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(ChatMessage::from).collect())
    }

    async fn pinned_chat_messages(&self, room_id: i64) -> Result<Vec<ChatMessage>, StoreError> {
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.room_id = $1 AND m.pinned_at IS NOT NULL AND m.deleted_at IS NULL \
             ORDER BY m.pinned_at DESC, m.id DESC LIMIT 20"
        );
        let rows = sqlx::query_as::<S::Db, MessageRow>(&sql)
            .bind(room_id)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(ChatMessage::from).collect())
    }

    async fn edit_chat_message(
        &self,
        id: i64,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::edit_message(&mut *connection(self.pool()).await?, id, body, html, now).await
    }

    async fn delete_chat_message(&self, id: i64, by: i64, now: OffsetDateTime) -> Result<(), StoreError> {
        ChatSql::<S::Db>::delete_message(&mut *connection(self.pool()).await?, id, by, now).await
    }

    async fn pin_chat_message(&self, id: i64, pinned_at: Option<OffsetDateTime>) -> Result<(), StoreError> {
        ChatSql::<S::Db>::pin_message(&mut *connection(self.pool()).await?, id, pinned_at).await
    }

    async fn last_chat_message_at(
        &self,
        room_id: i64,
        user_id: i64,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        sqlx::query_scalar::<S::Db, OffsetDateTime>(
            "SELECT created_at FROM chat_messages WHERE user_id = $1 AND room_id = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(user_id)
        .bind(room_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)
    }

    async fn prune_chat_messages(&self, room_id: i64, before: OffsetDateTime) -> Result<u64, StoreError> {
        // sqlx has no backend-neutral `rows_affected`: the deleted ids are counted.
        let deleted = sqlx::query_scalar::<S::Db, i64>(
            "DELETE FROM chat_messages WHERE room_id = $1 AND created_at < $2 RETURNING id",
        )
        .bind(room_id)
        .bind(whole_seconds(before))
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        Ok(deleted.len() as u64)
    }

    async fn toggle_chat_reaction(
        &self,
        message_id: i64,
        user_id: i64,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut c = connection(self.pool()).await?;
        ChatSql::<S::Db>::toggle_reaction(&mut *c, message_id, user_id, kind, now).await
    }

    async fn chat_reaction_counts(&self, message_ids: &[i64]) -> Result<Vec<ChatReactionCount>, StoreError> {
        ChatSql::<S::Db>::reaction_counts(&mut *connection(self.pool()).await?, message_ids).await
    }

    async fn report_chat_message(
        &self,
        message_id: i64,
        reporter_id: i64,
        reason: &str,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "INSERT INTO chat_reports (message_id, reporter_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(message_id)
        .bind(reporter_id)
        .bind(reason.to_owned())
        .bind(note.to_owned())
        .bind(whole_seconds(now))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn open_chat_reports(&self, limit: i64) -> Result<Vec<ChatReport>, StoreError> {
        let rows = sqlx::query_as::<S::Db, ReportRow>(
            "SELECT r.id, r.message_id, COALESCE(u.display_name, '') AS reporter_name, r.reason, r.note, \
             r.created_at FROM chat_reports r LEFT JOIN users u ON u.id = r.reporter_id \
             WHERE r.resolved_at IS NULL ORDER BY r.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        let mut c = connection(self.pool()).await?;
        let mut reports = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(message) = ChatSql::<S::Db>::message(&mut *c, row.message_id).await? else { continue };
            reports.push(ChatReport {
                id: row.id,
                message,
                reporter_name: row.reporter_name,
                reason: row.reason,
                note: row.note,
                created_at: row.created_at,
            });
        }
        Ok(reports)
    }

    async fn resolve_chat_reports(
        &self,
        message_id: i64,
        by: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::resolve_reports(&mut *connection(self.pool()).await?, message_id, by, now).await
    }

    async fn add_chat_sanction(&self, new: &NewChatSanction, now: OffsetDateTime) -> Result<i64, StoreError> {
        ChatSql::<S::Db>::add_sanction(&mut *connection(self.pool()).await?, new, now).await
    }

    async fn active_chat_sanctions(
        &self,
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Vec<ChatSanction>, StoreError> {
        sqlx::query_as::<S::Db, SanctionRow>(
            "SELECT s.id, s.user_id, COALESCE(u.display_name, '') AS user_name, s.room_id, s.kind, s.until, \
             s.reason, s.created_at FROM chat_sanctions s JOIN users u ON u.id = s.user_id \
             WHERE s.lifted_at IS NULL AND (s.until IS NULL OR s.until > $1) \
             AND ($2 IS NULL OR s.user_id = $2) ORDER BY s.id DESC LIMIT 500",
        )
        .bind(whole_seconds(now))
        .bind(user_id)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?
        .into_iter()
        .map(ChatSanction::try_from)
        .collect()
    }

    async fn lift_chat_sanction(&self, id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
        ChatSql::<S::Db>::lift_sanction(&mut *connection(self.pool()).await?, id, now).await
    }

    async fn append_chat_event(
        &self,
        room_id: i64,
        kind: &str,
        data: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let id = ChatSql::<S::Db>::append_event(&mut tx.tx, room_id, kind, data, now).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn chat_events_after(
        &self,
        room_id: Option<i64>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ChatEvent>, StoreError> {
        sqlx::query_as::<S::Db, ChatEvent>(
            "SELECT id, room_id, kind, data, created_at FROM chat_events \
             WHERE id > $1 AND ($2 IS NULL OR room_id = $2) ORDER BY id LIMIT $3",
        )
        .bind(after_id)
        .bind(room_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }

    async fn chat_event_bounds(&self) -> Result<(Option<i64>, i64), StoreError> {
        let (oldest, newest) = sqlx::query_as::<S::Db, (Option<i64>, Option<i64>)>(
            "SELECT MIN(id) AS oldest, MAX(id) AS newest FROM chat_events",
        )
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        if newest.is_some() || is_postgres::<S::Db>() {
            return Ok((oldest, newest.unwrap_or(0)));
        }
        // An empty log: SQLite's AUTOINCREMENT still knows the last id.
        let seq = sqlx::query_scalar::<S::Db, i64>(
            "SELECT COALESCE(MAX(seq), 0) AS seq FROM sqlite_sequence WHERE name = 'chat_events'",
        )
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        Ok((None, seq.unwrap_or(0)))
    }

    async fn prune_chat_events(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted =
            sqlx::query_scalar::<S::Db, i64>("DELETE FROM chat_events WHERE created_at < $1 RETURNING id")
                .bind(whole_seconds(before))
                .fetch_all(self.pool())
                .await
                .map_err(db_error)?;
        Ok(deleted.len() as u64)
    }

    async fn chat_wakeups(&self) -> Result<Option<Receiver<()>>, StoreError> {
        self.listen("dateline_chat").await
    }

    async fn set_chat_presence(
        &self,
        node: &str,
        rooms: &[(i64, i64)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        sqlx::query::<S::Db>("DELETE FROM chat_presence WHERE node = $1")
            .bind(node.to_owned())
            .execute(&mut *tx.tx)
            .await
            .map_err(db_error)?;
        for (room_id, people) in rooms.iter().filter(|(_, people)| *people > 0) {
            // A room deleted meanwhile is skipped, not an error.
            sqlx::query::<S::Db>(
                "INSERT INTO chat_presence (node, room_id, people, updated_at) \
                 SELECT $1, id, $3, $4 FROM chat_rooms WHERE id = $2",
            )
            .bind(node.to_owned())
            .bind(*room_id)
            .bind(*people)
            .bind(whole_seconds(now))
            .execute(&mut *tx.tx)
            .await
            .map_err(db_error)?;
        }
        tx.tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    async fn chat_presence(&self, since: OffsetDateTime) -> Result<Vec<(i64, i64)>, StoreError> {
        sqlx::query_as::<S::Db, (i64, i64)>(
            "SELECT room_id, CAST(SUM(people) AS BIGINT) AS people FROM chat_presence \
             WHERE updated_at >= $1 GROUP BY room_id",
        )
        .bind(whole_seconds(since))
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }
}
