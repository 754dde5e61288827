//! Chat rooms in the newsroom (editors and admins, in their editions):
//!
//! - `/newsroom/chats`: the rooms, a form to open a new one, the messages
//!   readers reported (delete the message, or dismiss the report), and
//!   the mutes and bans in force (lift one);
//! - `/newsroom/chats/{id}`: one room — title, topic, the linked story,
//!   members-only, slow mode, retention, open or closed — and the members
//!   of a members-only room.
//!
//! Every change is in the audit log, and open sockets of the room hear of
//! it (`chats::service::room_data`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use dateline_core::{Role, Slug};
use dateline_store::{
    ArticleId, ChatMember, ChatMessageId, ChatRoom, ChatRoomChanges, ChatRoomId, ChatSanctionId, EditionId,
    NewChatRoom, StoreError, User, UserId,
};
use serde::Deserialize;
use time::OffsetDateTime;

use super::comments::can_moderate;
use super::{NewsroomFrame, Staff, locale, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::chats::service;
use crate::error::PageError;

/// Longest slow mode, in seconds (an hour).
const MAX_SLOW_MODE: i64 = 3600;
/// Longest retention a room may set, in days (ten years).
const MAX_RETENTION_DAYS: i64 = 3650;

fn moderator(user: User) -> Result<User, PageError> {
    if user.role >= Role::Editor { Ok(user) } else { Err(PageError::NotAllowed) }
}

#[derive(Debug)]
struct RoomLine {
    id: ChatRoomId,
    title: String,
    edition: String,
    href: String,
    open: bool,
    members_only: bool,
    people: i64,
}

#[derive(Debug)]
struct ReportLine {
    message_id: ChatMessageId,
    room: String,
    author: String,
    text: String,
    reporter: String,
    reason: String,
    note: String,
    at: String,
}

#[derive(Debug)]
struct SanctionLine {
    id: ChatSanctionId,
    who: String,
    kind: String,
    scope: String,
    until: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "newsroom/chats.html")]
struct ChatsTemplate<'a> {
    frame: NewsroomFrame<'a>,
    rooms: Vec<RoomLine>,
    editions: Vec<(EditionId, String)>,
    reports: Vec<ReportLine>,
    sanctions: Vec<SanctionLine>,
    retention_days: u32,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "newsroom/chat_room.html")]
struct RoomTemplate<'a> {
    frame: NewsroomFrame<'a>,
    room: ChatRoom,
    edition: String,
    public_href: String,
    story: String,
    members: Vec<ChatMember>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DoneParams {
    done: Option<String>,
}

/// `GET /newsroom/chats`.
pub async fn chats(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(params): Query<DoneParams>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let user = moderator(user)?;
    let t = locale(&state, &headers);
    let directory = state.directory();
    let people = state.chats.people_by_room().await;
    let all = state.store.chat_rooms(None).await?;
    let rooms_by_id: std::collections::HashMap<ChatRoomId, &ChatRoom> =
        all.iter().map(|r| (r.id, r)).collect();
    let rooms = all
        .iter()
        .filter(|r| can_moderate(&user, r.edition_id))
        .filter_map(|r| {
            let edition = directory.edition_by_id(r.edition_id)?;
            Some(RoomLine {
                id: r.id,
                title: r.title.clone(),
                edition: edition.name.clone(),
                href: format!("/{}/chats/{}", edition.code, r.slug),
                open: r.is_open(),
                members_only: r.members_only,
                people: people.get(&r.id).copied().unwrap_or(0),
            })
        })
        .collect();
    let reports = state
        .store
        .open_chat_reports(100)
        .await?
        .into_iter()
        .filter_map(|r| {
            let room = rooms_by_id.get(&r.message.room_id)?;
            can_moderate(&user, room.edition_id).then(|| ReportLine {
                message_id: r.message.id,
                room: room.title.clone(),
                author: r.message.author_name.clone(),
                text: if r.message.deleted_at.is_some() {
                    t.get("chat-deleted").into_owned()
                } else {
                    r.message.body.clone()
                },
                reporter: r.reporter_name,
                reason: t.get(&format!("report-{}", r.reason)).into_owned(),
                note: r.note,
                at: t.date_time(r.created_at),
            })
        })
        .collect();
    let now = OffsetDateTime::now_utc();
    let sanctions = state
        .store
        .active_chat_sanctions(None, now)
        .await?
        .into_iter()
        .filter(|s| match s.room_id {
            Some(room) => rooms_by_id.get(&room).is_some_and(|r| can_moderate(&user, r.edition_id)),
            None => user.edition_ids.is_empty(),
        })
        .map(|s| SanctionLine {
            id: s.id,
            who: s.user_name,
            kind: t.get(&format!("chat-sanction-{}", s.kind.as_str())).into_owned(),
            scope: match s.room_id.and_then(|id| rooms_by_id.get(&id)) {
                Some(room) => room.title.clone(),
                None => t.get("chat-everywhere").into_owned(),
            },
            until: s.until.map_or_else(|| t.get("ban-forever").into_owned(), |u| t.date_time(u)),
            reason: s.reason,
        })
        .collect();
    let editions = directory
        .editions()
        .iter()
        .filter(|e| can_moderate(&user, e.id))
        .map(|e| (e.id, e.name.clone()))
        .collect();
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = ChatsTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &t.get("chats"), token),
        rooms,
        editions,
        reports,
        sanctions,
        retention_days: state.config.chat.retention_days,
        message: params.done.map(|done| t.get(&format!("chat-done-{}", done_key(&done))).into_owned()),
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

fn done_key(done: &str) -> &'static str {
    match done {
        "created" => "created",
        "deleted" => "deleted",
        "dismissed" => "dismissed",
        "lifted" => "lifted",
        _ => "saved",
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChatForm {
    csrf: String,
    /// `create`, `delete-message`, `dismiss`, `lift` on the list; `save`,
    /// `add-member`, `remove-member` on a room.
    what: String,
    edition: String,
    title: String,
    slug: String,
    topic: String,
    story: String,
    members_only: Option<String>,
    retention_days: String,
    slow_mode_seconds: String,
    closed: Option<String>,
    message: String,
    sanction: String,
    email: String,
    user: String,
}

fn bad(message: impl Into<String>) -> PageError {
    PageError::BadRequest(message.into())
}

fn number(raw: &str, what: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, PageError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(*range.start());
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| bad(format!("{what} is a whole number from {} to {}", range.start(), range.end())))
}

fn title_of(raw: &str) -> Result<String, PageError> {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title.chars().count() > 120 {
        return Err(bad("a room's title is 1 to 120 characters long"));
    }
    Ok(title)
}

fn topic_of(raw: &str) -> Result<String, PageError> {
    let topic = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if topic.chars().count() > 500 {
        return Err(bad("a room's topic is at most 500 characters long"));
    }
    Ok(topic)
}

/// The story a room is about: its newsroom number, or its address on the
/// site (`/en/2026/11/28/slug`); empty for none. It must be in the room's
/// edition.
async fn story_of(
    state: &AppState,
    raw: &str,
    edition_id: EditionId,
) -> Result<Option<ArticleId>, PageError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let article = if let Ok(id) = raw.parse::<ArticleId>() {
        state.store.article_by_id(id).await?
    } else {
        let path = raw.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
        match Slug::parse(path.rsplit('/').next().unwrap_or_default()) {
            Ok(slug) => state.store.article_by_slug(edition_id, &slug).await?,
            Err(_) => None,
        }
    };
    match article {
        Some(article) if article.card.edition_id == edition_id => Ok(Some(article.card.id)),
        _ => Err(bad("no story of this edition has that number or address")),
    }
}

async fn room_for(state: &AppState, user: &User, id: ChatRoomId) -> Result<ChatRoom, PageError> {
    let room = state.store.chat_room(id).await?.ok_or(PageError::NotFound)?;
    if !can_moderate(user, room.edition_id) {
        return Err(PageError::NotAllowed);
    }
    Ok(room)
}

/// `POST /newsroom/chats`.
pub async fn act(
    State(state): State<AppState>,
    Staff(user): Staff,
    jar: CookieJar,
    Form(form): Form<ChatForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let user = moderator(user)?;
    let now = OffsetDateTime::now_utc();
    match form.what.as_str() {
        "create" => {
            let edition_id: EditionId = form.edition.parse().map_err(|_| bad("choose an edition"))?;
            if state.directory().edition_by_id(edition_id).is_none() {
                return Err(bad("choose an edition"));
            }
            if !can_moderate(&user, edition_id) {
                return Err(PageError::NotAllowed);
            }
            let title = title_of(&form.title)?;
            let slug = if form.slug.trim().is_empty() {
                dateline_core::slugify(&title)
            } else {
                Slug::parse(form.slug.trim()).map_err(|e| bad(format!("address: {e}")))?
            };
            let retention = number(&form.retention_days, "retention (days)", 0..=MAX_RETENTION_DAYS)?;
            let new = NewChatRoom {
                edition_id,
                slug: slug.to_string(),
                title,
                topic: topic_of(&form.topic)?,
                article_id: story_of(&state, &form.story, edition_id).await?,
                members_only: form.members_only.is_some(),
                retention_days: if form.retention_days.trim().is_empty() {
                    i64::from(state.config.chat.retention_days)
                } else {
                    retention
                },
                created_by: Some(user.id),
            };
            let mut tx = state.store.begin_write().await?;
            let room = match tx.create_chat_room(&new, now).await {
                Ok(room) => room,
                Err(StoreError::Conflict(_)) => {
                    return Err(PageError::Refused(
                        StatusCode::CONFLICT,
                        format!("this edition already has a room at the address {slug}"),
                    ));
                }
                Err(other) => return Err(other.into()),
            };
            service::audit_in(&mut *tx, &user, "chat.room_create", &room, &room.title).await?;
            // The story's page links its rooms.
            let keys: Vec<String> = room.article_id.map(crate::page_keys::story).into_iter().collect();
            let version = tx.record_page_change(&keys).await?;
            service::commit(&state, tx).await?;
            state.content_committed(version).await?;
            Ok(see_other(jar, &format!("/newsroom/chats/{}?done=created", room.id)))
        }
        "delete-message" => {
            let id: ChatMessageId = form.message.parse().map_err(|_| bad("no such message"))?;
            let message = state.store.chat_message(id).await?.ok_or_else(|| bad("no such message"))?;
            let room = room_for(&state, &user, message.room_id).await?;
            if message.deleted_at.is_none() {
                // Its reports are closed with it.
                service::delete(&state, Some(&user), &room, id).await.map_err(|e| bad(e.to_string()))?;
            } else {
                state.store.resolve_chat_reports(id, user.id, now).await?;
            }
            Ok(see_other(jar, "/newsroom/chats?done=deleted"))
        }
        "dismiss" => {
            let id: ChatMessageId = form.message.parse().map_err(|_| bad("no such message"))?;
            let message = state.store.chat_message(id).await?.ok_or_else(|| bad("no such message"))?;
            let room = room_for(&state, &user, message.room_id).await?;
            let mut tx = state.store.begin_write().await?;
            tx.resolve_chat_reports(id, user.id, now).await?;
            service::audit_in(&mut *tx, &user, "chat.report_dismiss", &room, &format!("message {id}"))
                .await?;
            tx.commit().await?;
            Ok(see_other(jar, "/newsroom/chats?done=dismissed"))
        }
        "lift" => {
            let id: ChatSanctionId = form.sanction.parse().map_err(|_| bad("no such sanction"))?;
            let sanction = state
                .store
                .active_chat_sanctions(None, now)
                .await?
                .into_iter()
                .find(|s| s.id == id)
                .ok_or_else(|| bad("no such sanction in force"))?;
            let edition_id = match sanction.room_id {
                Some(room_id) => Some(room_for(&state, &user, room_id).await?.edition_id),
                None if !user.edition_ids.is_empty() => return Err(PageError::NotAllowed),
                None => None,
            };
            let detail = format!(
                "{} {} of {} (account {})",
                sanction.kind.as_str(),
                id,
                sanction.user_name,
                sanction.user_id
            );
            let mut tx = state.store.begin_write().await?;
            tx.lift_chat_sanction(id, now).await?;
            tx.record_audit(Some(user.id), edition_id, "chat.lift", "chat sanction", &detail).await?;
            tx.commit().await?;
            Ok(see_other(jar, "/newsroom/chats?done=lifted"))
        }
        _ => Err(bad("what is one of: create, delete-message, dismiss, lift")),
    }
}

/// `GET /newsroom/chats/{id}`.
pub async fn room(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<ChatRoomId>,
    Query(params): Query<DoneParams>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let user = moderator(user)?;
    let t = locale(&state, &headers);
    let room = room_for(&state, &user, id).await?;
    let directory = state.directory();
    let edition = directory.edition_by_id(room.edition_id).ok_or(PageError::NotFound)?;
    let story = match room.article_id {
        Some(id) => id.to_string(),
        None => String::new(),
    };
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = RoomTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &room.title, token),
        edition: edition.name.clone(),
        public_href: format!("/{}/chats/{}", edition.code, room.slug),
        story,
        members: state.store.chat_members(room.id).await?,
        message: params.done.map(|done| t.get(&format!("chat-done-{}", done_key(&done))).into_owned()),
        room,
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

/// `POST /newsroom/chats/{id}`.
pub async fn save_room(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<ChatRoomId>,
    jar: CookieJar,
    Form(form): Form<ChatForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let user = moderator(user)?;
    let room = room_for(&state, &user, id).await?;
    let now = OffsetDateTime::now_utc();
    match form.what.as_str() {
        "save" => {
            let changes = ChatRoomChanges {
                title: title_of(&form.title)?,
                topic: topic_of(&form.topic)?,
                article_id: story_of(&state, &form.story, room.edition_id).await?,
                members_only: form.members_only.is_some(),
                slow_mode_seconds: number(&form.slow_mode_seconds, "slow mode (seconds)", 0..=MAX_SLOW_MODE)?,
                retention_days: number(&form.retention_days, "retention (days)", 0..=MAX_RETENTION_DAYS)?,
                closed_at: match (form.closed.is_some(), room.closed_at) {
                    (true, Some(at)) => Some(at),
                    (true, None) => Some(now),
                    (false, _) => None,
                },
            };
            let mut tx = state.store.begin_write().await?;
            let saved = tx.update_chat_room(room.id, &changes).await?;
            let detail = format!(
                "title {:?}, open {}, members only {}, slow mode {} s, retention {} days, story {:?}",
                saved.title,
                saved.is_open(),
                saved.members_only,
                saved.slow_mode_seconds,
                saved.retention_days,
                saved.article_id
            );
            service::audit_in(&mut *tx, &user, "chat.room_save", &saved, &detail).await?;
            service::room_event(&mut *tx, &saved, "room", &service::room_data(&saved)).await?;
            // The pages of the story it was about and of the one it is about.
            let keys: Vec<String> = [room.article_id, saved.article_id]
                .into_iter()
                .flatten()
                .map(crate::page_keys::story)
                .collect();
            let version = tx.record_page_change(&keys).await?;
            service::commit(&state, tx).await?;
            state.content_committed(version).await?;
        }
        "add-member" => {
            let email = form.email.trim().to_lowercase();
            let member = state
                .store
                .user_credentials(&email)
                .await?
                .ok_or_else(|| bad(format!("no account has the address {email}")))?
                .user;
            let mut tx = state.store.begin_write().await?;
            tx.add_chat_member(room.id, member.id, now).await?;
            let detail = format!("{} (account {})", member.display_name, member.id);
            service::audit_in(&mut *tx, &user, "chat.member_add", &room, &detail).await?;
            tx.commit().await?;
        }
        "remove-member" => {
            let member: UserId = form.user.parse().map_err(|_| bad("no such member"))?;
            let mut tx = state.store.begin_write().await?;
            tx.remove_chat_member(room.id, member).await?;
            service::audit_in(&mut *tx, &user, "chat.member_remove", &room, &format!("account {member}"))
                .await?;
            tx.commit().await?;
        }
        _ => return Err(bad("what is one of: save, add-member, remove-member")),
    }
    Ok(see_other(jar, &format!("/newsroom/chats/{}?done=saved", room.id)))
}
