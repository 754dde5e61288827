//! The chat pages, which work without script: the edition's rooms
//! (`/{edition}/chats`) and a room's recent history, read-only, paged
//! back with `?before=` (`/{edition}/chats/{room}`). With script, the room
//! page opens its socket and becomes the live room (`static/app.js`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dateline_store::{ArticleId, ChatMessageId, ChatRoom};

use super::service::{self, ChatError, MessageView, message_view};
use super::socket::HISTORY_PAGE;
use crate::AppState;
use crate::accounts::session::CurrentUser;
use crate::error::PageError;
use crate::public::edition_from;
use crate::view::{Frame, article_path};

/// One room in the list.
#[derive(Debug)]
pub struct RoomLine {
    pub href: String,
    pub title: String,
    pub topic: String,
    pub people: String,
    pub open: bool,
    pub members_only: bool,
    pub article: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "chats.html")]
struct RoomsTemplate<'a> {
    frame: Frame<'a>,
    rooms: Vec<RoomLine>,
}

#[derive(Template)]
#[template(path = "chat_room.html")]
struct RoomTemplate<'a> {
    frame: Frame<'a>,
    room: ChatRoom,
    people: String,
    article: Option<(String, String)>,
    socket_href: String,
    messages: Vec<MessageView>,
    pinned: Vec<MessageView>,
    older_href: Option<String>,
    newest_href: Option<String>,
    /// Why the visitor cannot write, if they cannot.
    why_not: Option<String>,
    login_href: String,
    logged_in: bool,
    /// The script's strings, as JSON.
    strings: String,
}

fn private(body: String) -> Response {
    ([(header::CACHE_CONTROL, "private, no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")], body)
        .into_response()
}

async fn linked_article(state: &AppState, room: &ChatRoom) -> Option<(String, String)> {
    linked_articles(state, std::slice::from_ref(room)).await.remove(&room.id)
}

/// The published stories rooms are about (address, headline), by room,
/// read in one query however many rooms there are.
async fn linked_articles(
    state: &AppState,
    rooms: &[ChatRoom],
) -> std::collections::HashMap<dateline_store::ChatRoomId, (String, String)> {
    let ids: Vec<ArticleId> = rooms.iter().filter_map(|room| room.article_id).collect();
    let cards = match state.store.published_cards(&ids).await {
        Ok(cards) => cards,
        Err(error) => {
            tracing::warn!(%error, "could not read the stories chat rooms are about");
            Vec::new()
        }
    };
    let directory = state.directory();
    rooms
        .iter()
        .filter_map(|room| {
            let card = cards.iter().find(|card| Some(card.id) == room.article_id)?;
            let edition = directory.edition_by_id(card.edition_id)?;
            let link = (article_path(edition, card.published_at, card.slug.as_str()), card.headline.clone());
            Some((room.id, link))
        })
        .collect()
}

/// `GET /{edition}/chats`.
pub async fn rooms_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let t = state.locales.for_language(&edition.language);
    let rooms = state.store.chat_rooms(Some(edition.id)).await?;
    let people = state.chats.people_by_room().await;
    let mut articles = linked_articles(&state, &rooms).await;
    let lines = rooms
        .iter()
        .map(|room| RoomLine {
            href: format!("/{}/chats/{}", edition.code, room.slug),
            title: room.title.clone(),
            topic: room.topic.clone(),
            people: t.count("chat-people", people.get(&room.id).copied().unwrap_or(0)),
            open: room.is_open(),
            members_only: room.members_only,
            article: articles.remove(&room.id),
        })
        .collect();
    let path = format!("/{}/chats", edition.code);
    let frame = Frame::new(&state, &directory, &edition, None, &t.get("chats"), &path);
    Ok(private(RoomsTemplate { frame, rooms: lines }.render()?))
}

#[derive(Debug, serde::Deserialize)]
pub struct RoomParams {
    before: Option<String>,
}

/// `GET /{edition}/chats/{room}`.
pub async fn room_page(
    State(state): State<AppState>,
    Path((code, slug)): Path<(String, String)>,
    Query(params): Query<RoomParams>,
    current: CurrentUser,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let t = state.locales.for_language(&edition.language);
    let room = state.store.chat_room_by_slug(edition.id, &slug).await?.ok_or(PageError::NotFound)?;
    let before = match params.before.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<ChatMessageId>()
                .ok()
                .filter(|id| id.get() > 0)
                .ok_or_else(|| PageError::BadRequest(t.get("chat-bad-before").into_owned()))?,
        ),
    };
    let user = current.user.as_ref();
    match service::may_read(&state, user, &room).await {
        Ok(()) => {}
        Err(ChatError::Store(error)) => return Err(error.into()),
        Err(refusal) => {
            return Err(PageError::Refused(axum::http::StatusCode::FORBIDDEN, refusal.message(t)));
        }
    }
    let mut messages = state.store.chat_messages_before(room.id, before, HISTORY_PAGE + 1).await?;
    let more = messages.len() as i64 > HISTORY_PAGE;
    messages.truncate(HISTORY_PAGE as usize);
    messages.reverse();
    let ids: Vec<ChatMessageId> = messages.iter().map(|m| m.id).collect();
    let counts = state.store.chat_reaction_counts(&ids).await?;
    let path = format!("/{}/chats/{}", edition.code, room.slug);
    let older_href = match (more, messages.first()) {
        (true, Some(oldest)) => Some(format!("{path}?before={}", oldest.id)),
        _ => None,
    };
    let pinned = state.store.pinned_chat_messages(room.id).await?;
    let why_not = match service::may_write(&state, user, &room).await {
        Ok(_) => None,
        Err(ChatError::Store(error)) => return Err(error.into()),
        Err(refusal) => Some(refusal.message(t)),
    };
    let people = state.chats.people_by_room().await.get(&room.id).copied().unwrap_or(0);
    let mut frame = Frame::new(&state, &directory, &edition, None, &room.title, &path);
    frame.noindex = true;
    let template = RoomTemplate {
        frame,
        people: t.count("chat-people", people),
        article: linked_article(&state, &room).await,
        socket_href: format!("{path}/socket"),
        messages: messages.iter().map(|m| message_view(t, m, &counts)).collect(),
        pinned: pinned.iter().map(|m| message_view(t, m, &[])).collect(),
        older_href,
        newest_href: before.is_some().then(|| path.clone()),
        why_not,
        login_href: format!("/{}/login?next={}", edition.code, path.replace('/', "%2F")),
        logged_in: user.is_some(),
        strings: script_strings(t),
        room,
    };
    Ok(private(template.render()?))
}

/// The words the room's script shows, in the edition's language.
fn script_strings(t: &crate::i18n::Locale) -> String {
    let keys = [
        ("reply", "comment-reply"),
        ("edit", "chat-edit"),
        ("delete", "chat-delete"),
        ("report", "chat-report"),
        ("pin", "chat-pin"),
        ("unpin", "chat-unpin"),
        ("mute", "chat-mute"),
        ("ban", "chat-ban"),
        ("deleted", "chat-deleted"),
        ("edited", "comment-edited"),
        ("staff", "chat-staff"),
        ("replying", "chat-replying"),
        ("connecting", "chat-connecting"),
        ("reconnecting", "chat-reconnecting"),
        ("people", "chat-people-here"),
        ("confirm_delete", "chat-confirm-delete"),
        ("confirm_ban", "chat-confirm-ban"),
        ("report_reason", "chat-report-reason"),
        ("reported", "chat-reported"),
        ("save", "chat-save"),
        ("react", "chat-react"),
        ("older", "chat-older"),
    ];
    let map: serde_json::Map<String, serde_json::Value> =
        keys.iter().map(|(name, key)| ((*name).to_owned(), t.get(key).into_owned().into())).collect();
    serde_json::Value::Object(map).to_string()
}
