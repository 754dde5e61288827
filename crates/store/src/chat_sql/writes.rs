//! The chat writes, over one connection: shared by the store's
//! single-step methods and an action's transaction ([`ChatTx`]).

use std::marker::PhantomData;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use super::rows::{MESSAGE_SELECT, MessageRow, ROOM_COLUMNS};
use crate::backend::{db_error, failpoint, is_postgres, whole_seconds};
use crate::{
    ChatMessage, ChatMessageId, ChatReactionCount, ChatRoom, ChatRoomChanges, ChatRoomId, ChatSanctionId,
    NewChatMessage, NewChatRoom, NewChatSanction, SqlTx, StoreError, UserId,
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
    async fn update_chat_room(
        &mut self,
        id: ChatRoomId,
        changes: &ChatRoomChanges,
    ) -> Result<ChatRoom, StoreError>;
    async fn add_chat_member(
        &mut self,
        room_id: ChatRoomId,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn remove_chat_member(&mut self, room_id: ChatRoomId, user_id: UserId) -> Result<(), StoreError>;
    async fn add_chat_message(
        &mut self,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError>;
    async fn chat_message(&mut self, id: ChatMessageId) -> Result<Option<ChatMessage>, StoreError>;
    async fn edit_chat_message(
        &mut self,
        id: ChatMessageId,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn delete_chat_message(
        &mut self,
        id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn pin_chat_message(
        &mut self,
        id: ChatMessageId,
        pinned_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    async fn toggle_chat_reaction(
        &mut self,
        message_id: ChatMessageId,
        user_id: UserId,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn chat_reaction_counts(
        &mut self,
        message_ids: &[ChatMessageId],
    ) -> Result<Vec<ChatReactionCount>, StoreError>;
    async fn resolve_chat_reports(
        &mut self,
        message_id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn add_chat_sanction(
        &mut self,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<ChatSanctionId, StoreError>;
    async fn lift_chat_sanction(&mut self, id: ChatSanctionId, now: OffsetDateTime)
    -> Result<(), StoreError>;
    /// Appends to the event log; other nodes are woken when (and only if)
    /// the transaction commits.
    async fn append_chat_event(
        &mut self,
        room_id: ChatRoomId,
        kind: &str,
        data: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError>;
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
    pub(super) async fn create_room(
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
            .bind(new.article_id.map(|id| id.get()))
            .bind(new.members_only)
            .bind(new.retention_days)
            .bind(whole_seconds(now))
            .bind(new.created_by.map(|id| id.get()))
            .fetch_one(&mut *c)
            .await
            .map_err(db_error)
    }

    pub(super) async fn update_room(
        c: &mut DB::Connection,
        id: ChatRoomId,
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
            .bind(changes.article_id.map(|id| id.get()))
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

    pub(super) async fn add_member(
        c: &mut DB::Connection,
        room_id: ChatRoomId,
        user_id: UserId,
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

    pub(super) async fn remove_member(
        c: &mut DB::Connection,
        room_id: ChatRoomId,
        user_id: UserId,
    ) -> Result<(), StoreError> {
        failpoint!("store.remove_chat_member");
        sqlx::query::<DB>("DELETE FROM chat_members WHERE room_id = $1 AND user_id = $2")
            .bind(room_id)
            .bind(user_id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    pub(super) async fn lift_sanction(
        c: &mut DB::Connection,
        id: ChatSanctionId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        failpoint!("store.lift_chat_sanction");
        sqlx::query::<DB>("UPDATE chat_sanctions SET lifted_at = $1 WHERE id = $2 AND lifted_at IS NULL")
            .bind(whole_seconds(now))
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    pub(super) async fn message(
        c: &mut DB::Connection,
        id: ChatMessageId,
    ) -> Result<Option<ChatMessage>, StoreError> {
        let row = sqlx::query_as::<DB, MessageRow>(&format!("{MESSAGE_SELECT} WHERE m.id = $1"))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(row.map(ChatMessage::from))
    }

    pub(super) async fn add_message(
        c: &mut DB::Connection,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError> {
        failpoint!("store.add_chat_message");
        let id = sqlx::query_scalar::<DB, ChatMessageId>(
            "INSERT INTO chat_messages (room_id, user_id, reply_to, body, body_html, client_address, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.room_id)
        .bind(new.user_id)
        .bind(new.reply_to.map(|id| id.get()))
        .bind(new.body.clone())
        .bind(new.html.clone())
        .bind(new.client_address.clone())
        .bind(whole_seconds(now))
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        Self::message(c, id).await?.ok_or_else(|| StoreError::NotFound(format!("chat message {id}")))
    }

    pub(super) async fn edit_message(
        c: &mut DB::Connection,
        id: ChatMessageId,
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

    pub(super) async fn delete_message(
        c: &mut DB::Connection,
        id: ChatMessageId,
        by: UserId,
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

    pub(super) async fn pin_message(
        c: &mut DB::Connection,
        id: ChatMessageId,
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

    pub(super) async fn toggle_reaction(
        c: &mut DB::Connection,
        message_id: ChatMessageId,
        user_id: UserId,
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

    pub(super) async fn reaction_counts(
        c: &mut DB::Connection,
        message_ids: &[ChatMessageId],
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

    pub(super) async fn resolve_reports(
        c: &mut DB::Connection,
        message_id: ChatMessageId,
        by: UserId,
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

    pub(super) async fn add_sanction(
        c: &mut DB::Connection,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<ChatSanctionId, StoreError> {
        failpoint!("store.add_chat_sanction");
        sqlx::query_scalar::<DB, ChatSanctionId>(
            "INSERT INTO chat_sanctions (user_id, room_id, kind, until, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.user_id)
        .bind(new.room_id.map(|id| id.get()))
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
    pub(super) async fn append_event(
        c: &mut DB::Connection,
        room_id: ChatRoomId,
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

    async fn update_chat_room(
        &mut self,
        id: ChatRoomId,
        changes: &ChatRoomChanges,
    ) -> Result<ChatRoom, StoreError> {
        ChatSql::<DB>::update_room(&mut self.tx, id, changes).await
    }

    async fn add_chat_member(
        &mut self,
        room_id: ChatRoomId,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::add_member(&mut self.tx, room_id, user_id, now).await
    }

    async fn remove_chat_member(&mut self, room_id: ChatRoomId, user_id: UserId) -> Result<(), StoreError> {
        ChatSql::<DB>::remove_member(&mut self.tx, room_id, user_id).await
    }

    async fn add_chat_message(
        &mut self,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError> {
        ChatSql::<DB>::add_message(&mut self.tx, new, now).await
    }

    async fn chat_message(&mut self, id: ChatMessageId) -> Result<Option<ChatMessage>, StoreError> {
        ChatSql::<DB>::message(&mut self.tx, id).await
    }

    async fn edit_chat_message(
        &mut self,
        id: ChatMessageId,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::edit_message(&mut self.tx, id, body, html, now).await
    }

    async fn delete_chat_message(
        &mut self,
        id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::delete_message(&mut self.tx, id, by, now).await
    }

    async fn pin_chat_message(
        &mut self,
        id: ChatMessageId,
        pinned_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::pin_message(&mut self.tx, id, pinned_at).await
    }

    async fn toggle_chat_reaction(
        &mut self,
        message_id: ChatMessageId,
        user_id: UserId,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        ChatSql::<DB>::toggle_reaction(&mut self.tx, message_id, user_id, kind, now).await
    }

    async fn chat_reaction_counts(
        &mut self,
        message_ids: &[ChatMessageId],
    ) -> Result<Vec<ChatReactionCount>, StoreError> {
        ChatSql::<DB>::reaction_counts(&mut self.tx, message_ids).await
    }

    async fn resolve_chat_reports(
        &mut self,
        message_id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::resolve_reports(&mut self.tx, message_id, by, now).await
    }

    async fn add_chat_sanction(
        &mut self,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<ChatSanctionId, StoreError> {
        ChatSql::<DB>::add_sanction(&mut self.tx, new, now).await
    }

    async fn lift_chat_sanction(
        &mut self,
        id: ChatSanctionId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<DB>::lift_sanction(&mut self.tx, id, now).await
    }

    async fn append_chat_event(
        &mut self,
        room_id: ChatRoomId,
        kind: &str,
        data: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        ChatSql::<DB>::append_event(&mut self.tx, room_id, kind, data, now).await
    }
}
