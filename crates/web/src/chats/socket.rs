//! `GET /{edition}/chats/{room}/socket`: a room over WebSocket.
//!
//! Before the upgrade: an unknown edition or room is 404, a page of
//! another site (its `Origin`) is refused with 403, a members-only room
//! refuses who is not a member with 403, a malformed `?after=` is 400. A
//! session cookie that does not name a live session (forged, replayed
//! after logout, expired) is not an error: the socket opens as a guest's
//! and says so in an error frame `session-expired`.
//!
//! Then the server sends `hello` (the room, who you are and what you may
//! do, how many people are in, and the last 50 messages, or with
//! `?after=<event id>` the events missed since: a client that reconnects
//! resumes). Every change in the room arrives as a frame carrying its
//! `event` id. The client sends JSON text frames (`send`, `edit`,
//! `delete`, `react`, `report`, `history`; moderators `pin`, `unpin`,
//! `mute`, `ban`), each answered by `ack` or `error` with its `nonce`.
//!
//! Bad input closes nothing it need not: a malformed or unknown frame gets
//! an error frame; a frame over 8 KiB gets `too-large`; a binary frame is
//! refused and the socket closed (1003); a flood of frames, a client that
//! falls behind the room, or one silent for 75 s is disconnected, and one
//! that reads nothing is cut off by the listener's 30-second write
//! timeout. Every socket is one task; nothing a client does touches
//! another's.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use dateline_store::{ChatMessageId, ChatRoom, SanctionKind, User, UserId};
use futures_util::SinkExt;
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::hub::CLOSE;
use super::service::{self, ChatError, Decision, is_moderator, message_view};
use crate::AppState;
use crate::accounts::session::SESSION_COOKIE;
use crate::client_addr::ClientAddr;
use crate::i18n::Locale;

/// Messages in `hello` and per `history` page.
pub const HISTORY_PAGE: i64 = 50;
/// Largest frame a client may send that is read; larger ones get an error.
const MAX_FRAME: usize = 8 * 1024;
/// Larger than this, the socket closes (the WebSocket layer refuses it).
const HARD_MAX_FRAME: usize = 64 * 1024;
/// Events a resuming client may have missed; more, and it starts afresh.
const RESUME_MAX: i64 = 500;
/// Frames a client may send per [`FLOOD_WINDOW`]; twice that closes it.
const FLOOD_FRAMES: u32 = 30;
const FLOOD_WINDOW: Duration = Duration::from_secs(5);
const PING_EVERY: Duration = Duration::from_secs(30);
const SILENCE_LIMIT: Duration = Duration::from_secs(75);
/// How long a socket trusts its last check that its reader may write
/// (a mute or ban given in another room applies within this time; in the
/// same room, and a closed room, at once).
const RECHECK: Duration = Duration::from_secs(2);
/// Frames written at once when several wait.
const BATCH: usize = 64;

#[derive(Debug, Deserialize)]
pub struct SocketParams {
    after: Option<String>,
}

fn refuse(status: StatusCode, message: String) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], message + "\n").into_response()
}

/// True when the request comes from a page of this site (or from a
/// program that sends no `Origin`, which cannot ride on a reader's
/// cookies).
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    if origin.eq_ignore_ascii_case(public_url.trim_end_matches('/')) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    !host.is_empty()
        && (origin.eq_ignore_ascii_case(&format!("http://{host}"))
            || origin.eq_ignore_ascii_case(&format!("https://{host}")))
}

/// The account of the session cookie, and whether a cookie was sent that
/// names no live session.
async fn session_user(state: &AppState, headers: &HeaderMap) -> Result<(Option<User>, bool), ChatError> {
    let jar = CookieJar::from_headers(headers);
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else { return Ok((None, false)) };
    if !token.starts_with("dls_") || token.len() != 68 {
        return Ok((None, true));
    }
    let hash = crate::accounts::secrets::secret_hash(&token);
    let user = state.store.session_user(&hash, OffsetDateTime::now_utc()).await?;
    let expired = user.is_none();
    Ok((user, expired))
}

/// The upgrade, with every check a refusal can come from.
pub async fn socket(
    State(state): State<AppState>,
    Path((code, slug)): Path<(String, String)>,
    ClientAddr(address): ClientAddr,
    Query(params): Query<SocketParams>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let directory = state.directory();
    let Some(edition) = directory.edition_by_code(&code).cloned() else {
        return refuse(StatusCode::NOT_FOUND, format!("no edition {code:?}"));
    };
    let t = state.locales.for_language(&edition.language);
    let room = match state.store.chat_room_by_slug(edition.id, &slug).await {
        Ok(Some(room)) => room,
        Ok(None) => return refuse(StatusCode::NOT_FOUND, t.get("chat-no-room").into_owned()),
        Err(error) => {
            tracing::warn!(%error, "could not read a chat room");
            return refuse(StatusCode::SERVICE_UNAVAILABLE, t.get("server-error-text").into_owned());
        }
    };
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            return refuse(
                rejection.status(),
                format!("{}: {}", t.get("chat-socket-only"), rejection.body_text()),
            );
        }
    };
    if !same_origin(&headers, &state.config.public_url) {
        return refuse(StatusCode::FORBIDDEN, t.get("chat-other-origin").into_owned());
    }
    let after = match params.after.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) if id >= 0 => Some(id),
            _ => return refuse(StatusCode::BAD_REQUEST, t.get("chat-bad-after").into_owned()),
        },
    };
    let (user, expired) = match session_user(&state, &headers).await {
        Ok(found) => found,
        Err(error) => return refuse(StatusCode::SERVICE_UNAVAILABLE, error.message(t)),
    };
    if let Err(error) = service::may_read(&state, user.as_ref(), &room).await {
        let status = if matches!(error, ChatError::Store(_)) {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::FORBIDDEN
        };
        return refuse(status, error.message(t));
    }
    let language = edition.language.clone();
    upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(HARD_MAX_FRAME)
        .max_frame_size(HARD_MAX_FRAME)
        .on_upgrade(move |socket| async move {
            let t = state.locales.for_language(&language);
            let connection = Connection { state: &state, t, room, user, address, expired, allowed_at: None };
            connection.run(socket, after).await;
        })
}

/// A client's frame.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum Command {
    Send {
        text: String,
        reply_to: Option<ChatMessageId>,
    },
    Edit {
        id: ChatMessageId,
        text: String,
    },
    Delete {
        id: ChatMessageId,
    },
    React {
        id: ChatMessageId,
        reaction: String,
    },
    Report {
        id: ChatMessageId,
        reason: String,
        #[serde(default)]
        note: String,
    },
    History {
        before: ChatMessageId,
    },
    Pin {
        id: ChatMessageId,
    },
    Unpin {
        id: ChatMessageId,
    },
    Mute {
        user: UserId,
        minutes: i64,
        #[serde(default)]
        everywhere: bool,
        #[serde(default)]
        reason: String,
    },
    Ban {
        user: UserId,
        minutes: Option<i64>,
        #[serde(default)]
        everywhere: bool,
        #[serde(default)]
        reason: String,
    },
    Ping,
}

/// Just the nonce, read even from a frame that is otherwise wrong.
#[derive(Debug, Deserialize)]
struct Nonce {
    nonce: Option<serde_json::Value>,
}

struct Connection<'a> {
    state: &'a AppState,
    t: &'a Locale,
    room: ChatRoom,
    user: Option<User>,
    address: IpAddr,
    expired: bool,
    /// When the reader was last found allowed to write.
    allowed_at: Option<Instant>,
}

/// How a socket ends.
enum End {
    Quietly,
    With(u16, &'static str),
}

impl Connection<'_> {
    async fn run(mut self, mut socket: WebSocket, after: Option<i64>) {
        let (mut live, last_sent, _membership) = self.state.chats.join(self.room.id);
        let mut skip_through = last_sent;
        let opening = match self.opening(after, last_sent).await {
            Ok((frames, through)) => {
                skip_through = skip_through.max(through);
                frames
            }
            Err(error) => vec![self.error_frame(&error, None)],
        };
        for frame in opening {
            if !send(&mut socket, frame).await {
                return;
            }
        }
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
        let mut heard = Instant::now();
        let mut window = (Instant::now(), 0u32);
        let end = loop {
            tokio::select! {
                frame = live.recv() => match frame {
                    Ok(first) => {
                        // Whatever else is already waiting goes out in the
                        // same write (a busy room costs fewer system calls).
                        let mut next = Some(first);
                        let (mut fed, mut end) = (0, None);
                        while let Some(frame) = next.take() {
                            if frame.id == CLOSE {
                                end = Some(End::With(1001, "server going away"));
                                break;
                            }
                            if !(frame.id > 0 && frame.id <= skip_through) {
                                if frame.changes_rights {
                                    self.allowed_at = None;
                                }
                                if socket.feed(Message::Text(frame.text.clone())).await.is_err() {
                                    end = Some(End::Quietly);
                                    break;
                                }
                                fed += 1;
                            }
                            if fed < BATCH {
                                next = match live.try_recv() {
                                    Ok(frame) => Some(frame),
                                    Err(TryRecvError::Empty) => None,
                                    Err(TryRecvError::Lagged(_)) => {
                                        end = Some(End::With(4008, "fell behind; reconnect to resume"));
                                        None
                                    }
                                    Err(TryRecvError::Closed) => {
                                        end = Some(End::With(1001, "server going away"));
                                        None
                                    }
                                };
                            }
                        }
                        if fed > 0 && socket.flush().await.is_err() {
                            break End::Quietly;
                        }
                        if let Some(end) = end {
                            break end;
                        }
                    }
                    Err(RecvError::Lagged(_)) => break End::With(4008, "fell behind; reconnect to resume"),
                    Err(RecvError::Closed) => break End::With(1001, "server going away"),
                },
                incoming = socket.recv() => {
                    heard = Instant::now();
                    let text = match incoming {
                        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break End::Quietly,
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Binary(_))) => {
                            let _ = send(&mut socket, self.error_frame(&ChatError::Binary, None)).await;
                            break End::With(1003, "binary frames are not understood");
                        }
                        Some(Ok(Message::Text(text))) => text,
                    };
                    if window.0.elapsed() > FLOOD_WINDOW {
                        window = (Instant::now(), 0);
                    }
                    window.1 += 1;
                    if window.1 > 2 * FLOOD_FRAMES {
                        break End::With(1008, "too many frames");
                    }
                    let replies = self.handle(text.as_str(), window.1 > FLOOD_FRAMES).await;
                    for reply in replies {
                        if !send(&mut socket, reply).await {
                            break;
                        }
                    }
                }
                _ = ping.tick() => {
                    if heard.elapsed() > SILENCE_LIMIT {
                        break End::With(1001, "no answer");
                    }
                    if !send_message(&mut socket, Message::Ping(Default::default())).await {
                        break End::Quietly;
                    }
                }
            }
        };
        if let End::With(code, reason) = end {
            let close = Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from_static(reason) }));
            // The closing handshake (RFC 6455 §7.1.1): after our Close,
            // read and drop what the client still sends until its Close
            // arrives. Closing the connection with its frames unread would
            // make the kernel answer with a reset, which can discard our
            // Close before the client reads it (the browser then sees 1006,
            // not why it was closed).
            let _ = tokio::time::timeout(Duration::from_secs(2), async {
                if socket.send(close).await.is_ok() {
                    while let Some(Ok(message)) = socket.recv().await {
                        if matches!(message, Message::Close(_)) {
                            break;
                        }
                    }
                }
            })
            .await;
        }
    }

    /// Reads the account and the room afresh.
    async fn refresh(&mut self) -> Result<(), ChatError> {
        if let Some(user) = &self.user {
            self.user = self.state.store.user_by_id(user.id).await?;
        }
        if let Some(room) = self.state.store.chat_room(self.room.id).await? {
            self.room = room;
        }
        Ok(())
    }

    /// `hello`, then (when resuming) the events missed; and the last
    /// event id those cover.
    async fn opening(&self, after: Option<i64>, last_sent: i64) -> Result<(Vec<Utf8Bytes>, i64), ChatError> {
        let mut frames = Vec::new();
        let mut through = last_sent;
        // Resumable when nothing after `after` was pruned yet and not too
        // much happened since.
        let missed = match after {
            Some(after) => {
                let (oldest, _) = self.state.store.chat_event_bounds().await?;
                let floor = oldest.map_or(last_sent, |id| id - 1);
                let events =
                    self.state.store.chat_events_after(Some(self.room.id), after, RESUME_MAX).await?;
                (after >= floor && (events.len() as i64) < RESUME_MAX).then_some(events)
            }
            None => None,
        };
        let resumed = missed.is_some();
        frames.push(self.hello(!resumed, last_sent).await?);
        if let Some(events) = missed {
            for event in events {
                through = through.max(event.id);
                frames.push(super::hub::event_frame(event.id, &event.data).text);
            }
        }
        if self.expired {
            let notice = serde_json::json!({
                "type": "error",
                "code": "session-expired",
                "message": self.t.get("chat-error-session-expired"),
            });
            frames.push(notice.to_string().into());
        }
        Ok((frames, through))
    }

    async fn hello(&self, with_history: bool, last_event: i64) -> Result<Utf8Bytes, ChatError> {
        let user = self.user.as_ref();
        let can_write = service::may_write(self.state, user, &self.room).await;
        let (messages, more) = if with_history { self.history(None).await? } else { (Vec::new(), false) };
        let pinned = self.state.store.pinned_chat_messages(self.room.id).await?;
        let pinned: Vec<_> = pinned.iter().map(|m| message_view(self.t, m, &[])).collect();
        let hello = serde_json::json!({
            "type": "hello",
            "room": {
                "id": self.room.id,
                "title": self.room.title,
                "topic": self.room.topic,
                "open": self.room.is_open(),
                "members_only": self.room.members_only,
                "slow_mode": self.room.slow_mode_seconds,
            },
            "you": {
                "id": user.map(|u| u.id),
                "name": user.map(|u| u.display_name.clone()),
                "moderator": is_moderator(user, &self.room),
                "can_write": can_write.is_ok(),
                "why_not": can_write.as_ref().err().map(|e| e.message(self.t)),
                "why_not_code": can_write.as_ref().err().map(ChatError::code),
            },
            "people": self.state.chats.people(self.room.id),
            "resumed": !with_history,
            "last_event": last_event,
            "messages": messages,
            "more": more,
            "pinned": pinned,
        });
        Ok(hello.to_string().into())
    }

    /// A page of messages before `before` (the newest without it), oldest
    /// first, and whether older ones exist.
    async fn history(
        &self,
        before: Option<ChatMessageId>,
    ) -> Result<(Vec<service::MessageView>, bool), ChatError> {
        let mut messages =
            self.state.store.chat_messages_before(self.room.id, before, HISTORY_PAGE + 1).await?;
        let more = messages.len() as i64 > HISTORY_PAGE;
        messages.truncate(HISTORY_PAGE as usize);
        messages.reverse();
        let ids: Vec<ChatMessageId> = messages.iter().map(|m| m.id).collect();
        let counts = self.state.store.chat_reaction_counts(&ids).await?;
        Ok((messages.iter().map(|m| message_view(self.t, m, &counts)).collect(), more))
    }

    fn error_frame(&self, error: &ChatError, nonce: Option<&serde_json::Value>) -> Utf8Bytes {
        if let ChatError::Store(inner) = error {
            tracing::warn!(error = %inner, "a chat action failed on the database");
        }
        serde_json::json!({"type": "error", "code": error.code(), "message": error.message(self.t), "nonce": nonce})
            .to_string()
            .into()
    }

    /// Answers one client frame: `ack` (and for `history` the page) or
    /// `error`; only `too-many` while the client is `flooding`.
    async fn handle(&mut self, text: &str, flooding: bool) -> Vec<Utf8Bytes> {
        if text.len() > MAX_FRAME {
            return vec![self.error_frame(&ChatError::TooLarge, None)];
        }
        let nonce = serde_json::from_str::<Nonce>(text)
            .ok()
            .and_then(|n| n.nonce)
            .filter(|n| n.to_string().len() <= 80);
        if flooding {
            return vec![self.error_frame(&ChatError::TooMany(FLOOD_WINDOW.as_secs()), nonce.as_ref())];
        }
        let command = match serde_json::from_str::<Command>(text) {
            Ok(command) => command,
            Err(error) => {
                let detail: String = error.to_string().chars().take(160).collect();
                return vec![self.error_frame(&ChatError::BadFrame(detail), nonce.as_ref())];
            }
        };
        // Rights can change while a socket is open (a ban, a new role, the
        // room closed): acting reads them afresh (writing, at most every
        // few seconds: see `writer`).
        if !matches!(command, Command::History { .. } | Command::Ping | Command::Send { .. })
            && let Err(error) = self.refresh().await
        {
            return vec![self.error_frame(&error, nonce.as_ref())];
        }
        match self.command(command).await {
            Ok(Some(reply)) => vec![reply],
            Ok(None) => vec![serde_json::json!({"type": "ack", "nonce": nonce}).to_string().into()],
            Err(error) => vec![self.error_frame(&error, nonce.as_ref())],
        }
    }

    /// The reader, if allowed to write here: checked again when the last
    /// check is older than [`RECHECK`] or a frame changed the rights.
    async fn writer(&mut self) -> Result<User, ChatError> {
        if self.allowed_at.is_none_or(|at| at.elapsed() > RECHECK) {
            self.refresh().await?;
            service::may_write(self.state, self.user.as_ref(), &self.room).await?;
            self.allowed_at = Some(Instant::now());
        }
        self.user.clone().ok_or(ChatError::LoginNeeded)
    }

    async fn command(&mut self, command: Command) -> Result<Option<Utf8Bytes>, ChatError> {
        // Writing checks the reader's rights here; the other commands act
        // on messages or people and check them in `service`.
        let (state, room) = (self.state, &self.room);
        match command {
            Command::Send { text, reply_to } => {
                let author = self.writer().await?;
                service::send(state, &author, self.address, &self.room, &text, reply_to).await?;
            }
            Command::Edit { id, text } => {
                service::edit(state, self.user.as_ref(), room, id, &text).await?;
            }
            Command::Delete { id } => service::delete(state, self.user.as_ref(), room, id).await?,
            Command::React { id, reaction } => {
                service::react(state, self.user.as_ref(), room, id, &reaction).await?
            }
            Command::Report { id, reason, note } => {
                service::report(state, self.user.as_ref(), room, id, &reason, &note).await?
            }
            Command::Pin { id } => service::pin(state, self.user.as_ref(), room, id, true).await?,
            Command::Unpin { id } => service::pin(state, self.user.as_ref(), room, id, false).await?,
            Command::Mute { user: target, minutes, everywhere, reason } => {
                let decision = Decision { kind: SanctionKind::Mute, minutes: Some(minutes), everywhere };
                service::sanction_reader(state, self.user.as_ref(), room, target, decision, &reason).await?;
            }
            Command::Ban { user: target, minutes, everywhere, reason } => {
                let decision = Decision { kind: SanctionKind::Ban, minutes, everywhere };
                service::sanction_reader(state, self.user.as_ref(), room, target, decision, &reason).await?;
            }
            Command::History { before } => {
                let (messages, more) = self.history(Some(before)).await?;
                let page = serde_json::json!({"type": "history", "before": before, "messages": messages, "more": more});
                return Ok(Some(page.to_string().into()));
            }
            Command::Ping => return Ok(Some(Utf8Bytes::from_static(r#"{"type":"pong"}"#))),
        }
        Ok(None)
    }
}

async fn send(socket: &mut WebSocket, text: Utf8Bytes) -> bool {
    send_message(socket, Message::Text(text)).await
}

/// Sends one frame; false when the client is gone. (A client that reads
/// nothing is cut off by the listener's write timeout, `listener.rs`.)
async fn send_message(socket: &mut WebSocket, message: Message) -> bool {
    socket.send(message).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_pages_may_open_a_socket() {
        let mut headers = HeaderMap::new();
        assert!(same_origin(&headers, "https://news.example.com"), "no Origin: not a browser");
        headers.insert(header::HOST, "news.example.com".parse().unwrap_or_else(|_| unreachable!()));
        headers.insert(header::ORIGIN, "https://news.example.com".parse().unwrap_or_else(|_| unreachable!()));
        assert!(same_origin(&headers, "http://127.0.0.1:8080"));
        headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap_or_else(|_| unreachable!()));
        assert!(!same_origin(&headers, "http://127.0.0.1:8080"));
        headers.insert(header::ORIGIN, "null".parse().unwrap_or_else(|_| unreachable!()));
        assert!(!same_origin(&headers, "http://127.0.0.1:8080"));
    }
}
