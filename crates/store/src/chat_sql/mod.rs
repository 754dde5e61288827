//! Chats on SQL: [`ChatStore`] for every backend store ([`SqlPool`]), and
//! the chat writes of one action's transaction ([`ChatTx`] on [`SqlTx`]).
//!
//! Each query is written once, in [`ChatSql`] (`writes.rs`), over a
//! connection: the store's single-step methods lend it a pooled
//! connection, a transaction its own, so a moderator's decision, its audit
//! entry and the event the open rooms follow commit together. Rows are
//! decoded by `sqlx::FromRow` (`rows.rs`). The dialects differ in two
//! places, both asked of [`is_postgres`]: the event log's ordering lock and
//! notification, and where an empty log keeps its last id.

mod rows;
mod writes;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;
use tokio::sync::mpsc::Receiver;

use rows::{MESSAGE_SELECT, ROOM_COLUMNS};
pub use rows::{MessageRow, ReportRow, SanctionRow};
pub use writes::{ChatSql, ChatTx};

use crate::backend::{SqlPool, connection, db_error, is_postgres, whole_seconds};
use crate::{
    ArticleId, ChatEvent, ChatMember, ChatMessage, ChatMessageId, ChatReactionCount, ChatReport, ChatRoom,
    ChatRoomChanges, ChatRoomId, ChatSanction, ChatSanctionId, ChatStore, EditionId, NewChatMessage,
    NewChatRoom, NewChatSanction, SqlTx, StoreError, UserId,
};

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
    async fn chat_rooms(&self, edition_id: Option<EditionId>) -> Result<Vec<ChatRoom>, StoreError> {
        let sql = format!(
            "SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE ($1 IS NULL OR edition_id = $1) \
             ORDER BY CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END, title, id"
        );
        sqlx::query_as::<S::Db, ChatRoom>(&sql)
            .bind(edition_id.map(|id| id.get()))
            .fetch_all(self.pool())
            .await
            .map_err(db_error)
    }

    async fn chat_room(&self, id: ChatRoomId) -> Result<Option<ChatRoom>, StoreError> {
        sqlx::query_as::<S::Db, ChatRoom>(&format!("SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)
    }

    async fn chat_room_by_slug(
        &self,
        edition_id: EditionId,
        slug: &str,
    ) -> Result<Option<ChatRoom>, StoreError> {
        let sql = format!("SELECT {ROOM_COLUMNS} FROM chat_rooms WHERE edition_id = $1 AND slug = $2");
        sqlx::query_as::<S::Db, ChatRoom>(&sql)
            .bind(edition_id)
            .bind(slug.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)
    }

    async fn chat_rooms_for_article(&self, article_id: ArticleId) -> Result<Vec<ChatRoom>, StoreError> {
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

    async fn update_chat_room(&self, id: ChatRoomId, changes: &ChatRoomChanges) -> Result<(), StoreError> {
        ChatSql::<S::Db>::update_room(&mut *connection(self.pool()).await?, id, changes).await?;
        Ok(())
    }

    async fn chat_members(&self, room_id: ChatRoomId) -> Result<Vec<ChatMember>, StoreError> {
        sqlx::query_as::<S::Db, ChatMember>(
            "SELECT m.user_id, u.display_name AS name, u.email, m.added_at FROM chat_members m \
             JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY u.display_name, u.id",
        )
        .bind(room_id)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }

    async fn is_chat_member(&self, room_id: ChatRoomId, user_id: UserId) -> Result<bool, StoreError> {
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
        room_id: ChatRoomId,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::add_member(&mut *connection(self.pool()).await?, room_id, user_id, now).await
    }

    async fn remove_chat_member(&self, room_id: ChatRoomId, user_id: UserId) -> Result<(), StoreError> {
        ChatSql::<S::Db>::remove_member(&mut *connection(self.pool()).await?, room_id, user_id).await
    }

    async fn add_chat_message(
        &self,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError> {
        ChatSql::<S::Db>::add_message(&mut *connection(self.pool()).await?, new, now).await
    }

    async fn chat_message(&self, id: ChatMessageId) -> Result<Option<ChatMessage>, StoreError> {
        ChatSql::<S::Db>::message(&mut *connection(self.pool()).await?, id).await
    }

    async fn chat_messages_before(
        &self,
        room_id: ChatRoomId,
        before: Option<ChatMessageId>,
        limit: i64,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.room_id = $1 AND ($2 IS NULL OR m.id < $2) ORDER BY m.id DESC LIMIT $3"
        );
        let rows = sqlx::query_as::<S::Db, MessageRow>(&sql)
            .bind(room_id)
            .bind(before.map(|id| id.get()))
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(ChatMessage::from).collect())
    }

    async fn pinned_chat_messages(&self, room_id: ChatRoomId) -> Result<Vec<ChatMessage>, StoreError> {
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
        id: ChatMessageId,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::edit_message(&mut *connection(self.pool()).await?, id, body, html, now).await
    }

    async fn delete_chat_message(
        &self,
        id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::delete_message(&mut *connection(self.pool()).await?, id, by, now).await
    }

    async fn pin_chat_message(
        &self,
        id: ChatMessageId,
        pinned_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::pin_message(&mut *connection(self.pool()).await?, id, pinned_at).await
    }

    async fn last_chat_message_at(
        &self,
        room_id: ChatRoomId,
        user_id: UserId,
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

    async fn prune_chat_messages(
        &self,
        room_id: ChatRoomId,
        before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
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
        message_id: ChatMessageId,
        user_id: UserId,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut c = connection(self.pool()).await?;
        ChatSql::<S::Db>::toggle_reaction(&mut *c, message_id, user_id, kind, now).await
    }

    async fn chat_reaction_counts(
        &self,
        message_ids: &[ChatMessageId],
    ) -> Result<Vec<ChatReactionCount>, StoreError> {
        ChatSql::<S::Db>::reaction_counts(&mut *connection(self.pool()).await?, message_ids).await
    }

    async fn report_chat_message(
        &self,
        message_id: ChatMessageId,
        reporter_id: UserId,
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
        message_id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        ChatSql::<S::Db>::resolve_reports(&mut *connection(self.pool()).await?, message_id, by, now).await
    }

    async fn add_chat_sanction(
        &self,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<ChatSanctionId, StoreError> {
        ChatSql::<S::Db>::add_sanction(&mut *connection(self.pool()).await?, new, now).await
    }

    async fn active_chat_sanctions(
        &self,
        user_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<Vec<ChatSanction>, StoreError> {
        sqlx::query_as::<S::Db, SanctionRow>(
            "SELECT s.id, s.user_id, COALESCE(u.display_name, '') AS user_name, s.room_id, s.kind, s.until, \
             s.reason, s.created_at FROM chat_sanctions s JOIN users u ON u.id = s.user_id \
             WHERE s.lifted_at IS NULL AND (s.until IS NULL OR s.until > $1) \
             AND ($2 IS NULL OR s.user_id = $2) ORDER BY s.id DESC LIMIT 500",
        )
        .bind(whole_seconds(now))
        .bind(user_id.map(|id| id.get()))
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?
        .into_iter()
        .map(ChatSanction::try_from)
        .collect()
    }

    async fn lift_chat_sanction(&self, id: ChatSanctionId, now: OffsetDateTime) -> Result<(), StoreError> {
        ChatSql::<S::Db>::lift_sanction(&mut *connection(self.pool()).await?, id, now).await
    }

    async fn append_chat_event(
        &self,
        room_id: ChatRoomId,
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
        room_id: Option<ChatRoomId>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ChatEvent>, StoreError> {
        sqlx::query_as::<S::Db, ChatEvent>(
            "SELECT id, room_id, kind, data, created_at FROM chat_events \
             WHERE id > $1 AND ($2 IS NULL OR room_id = $2) ORDER BY id LIMIT $3",
        )
        .bind(after_id)
        .bind(room_id.map(|id| id.get()))
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
        rooms: &[(ChatRoomId, i64)],
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

    async fn chat_presence(&self, since: OffsetDateTime) -> Result<Vec<(ChatRoomId, i64)>, StoreError> {
        sqlx::query_as::<S::Db, (ChatRoomId, i64)>(
            "SELECT room_id, CAST(SUM(people) AS BIGINT) AS people FROM chat_presence \
             WHERE updated_at >= $1 GROUP BY room_id",
        )
        .bind(whole_seconds(since))
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }
}
