//! The rows of the chat tables as the queries read them.

use sqlx::FromRow;
use time::OffsetDateTime;

use crate::{
    ChatMessage, ChatMessageId, ChatReply, ChatRoomId, ChatSanction, ChatSanctionId, SanctionKind,
    StoreError, UserId,
};

pub(super) const ROOM_COLUMNS: &str = "id, edition_id, slug, title, topic, article_id, members_only, slow_mode_seconds, \
    retention_days, closed_at, created_at";

pub(super) const MESSAGE_SELECT: &str = "SELECT m.id, m.room_id, m.user_id, \
    COALESCE(u.display_name, '') AS author_name, COALESCE(u.role, 'reader') AS author_role, \
    m.body, m.body_html, m.created_at, m.edited_at, m.deleted_at, m.pinned_at, \
    p.id AS reply_id, COALESCE(pu.display_name, '') AS reply_author, COALESCE(p.body, '') AS reply_body, \
    p.deleted_at AS reply_deleted_at \
    FROM chat_messages m LEFT JOIN users u ON u.id = m.user_id \
    LEFT JOIN chat_messages p ON p.id = m.reply_to LEFT JOIN users pu ON pu.id = p.user_id";

/// A row of [`MESSAGE_SELECT`].
#[derive(Debug, FromRow)]
pub struct MessageRow {
    pub(super) id: ChatMessageId,
    room_id: ChatRoomId,
    user_id: Option<UserId>,
    author_name: String,
    author_role: String,
    body: String,
    body_html: String,
    created_at: OffsetDateTime,
    edited_at: Option<OffsetDateTime>,
    deleted_at: Option<OffsetDateTime>,
    pinned_at: Option<OffsetDateTime>,
    reply_id: Option<ChatMessageId>,
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
    pub(super) id: ChatSanctionId,
    user_id: UserId,
    user_name: String,
    room_id: Option<ChatRoomId>,
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
    pub(super) id: i64,
    pub(super) message_id: ChatMessageId,
    pub(super) reporter_name: String,
    pub(super) reason: String,
    pub(super) note: String,
    pub(super) created_at: OffsetDateTime,
}
