//! Chat rooms as readers, moderators and hostile clients meet them: a room
//! opened in the newsroom; readers talking over WebSocket (replies,
//! reactions, edits, reports); a moderator deleting, pinning, muting and
//! closing; a reconnecting client resuming; history that survives a
//! restart; every bad upgrade and frame refused clearly; two processes on
//! one PostgreSQL.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

use crate::accounts::{csrf_of, get, location, post, submit};
use crate::discussion::reader;
use crate::newsroom::staff;
use crate::support::{Backend, TestServer, testdata, visible_text};

type Stream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One WebSocket client of a room, keeping every frame it received.
pub struct ChatClient {
    socket: Stream,
    pub frames: Vec<Value>,
    /// The close frame's code, once the server closed.
    pub closed: Option<u16>,
    nonce: u64,
}

/// The WebSocket address of a room (`ws://…/en/chats/x/socket`).
pub fn socket_url(base: &str, room_path: &str) -> String {
    format!("{}{room_path}/socket", base.replacen("http://", "ws://", 1))
}

/// The upgrade request, with a cookie and an `Origin` when given.
fn request(url: &str, cookie: Option<&str>, origin: Option<&str>) -> tungstenite::handshake::client::Request {
    let mut request = url.into_client_request().expect("request");
    if let Some(cookie) = cookie {
        request.headers_mut().insert("cookie", cookie.parse().expect("cookie header"));
    }
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().expect("origin header"));
    }
    request
}

impl ChatClient {
    pub async fn open(url: &str, cookie: Option<&str>) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(request(url, cookie, None))
            .await
            .unwrap_or_else(|e| panic!("upgrade {url}: {e}"));
        let mut client = Self { socket, frames: Vec::new(), closed: None, nonce: 0 };
        client.until(|f| f["type"] == "hello", Duration::from_secs(10)).await;
        client
    }

    /// Sends a frame with a fresh nonce; returns the nonce.
    pub async fn send(&mut self, mut frame: Value) -> u64 {
        self.nonce += 1;
        frame["nonce"] = json!(self.nonce);
        self.socket.send(Message::text(frame.to_string())).await.expect("send frame");
        self.nonce
    }

    /// Sends a frame and waits for its `ack` or `error`.
    pub async fn ask(&mut self, frame: Value) -> Value {
        let nonce = self.send(frame).await;
        self.until(
            |f| (f["type"] == "ack" || f["type"] == "error") && f["nonce"] == json!(nonce),
            Duration::from_secs(10),
        )
        .await
    }

    /// Sends a frame as is; false when the socket is gone.
    pub async fn raw(&mut self, message: Message) -> bool {
        self.socket.send(message).await.is_ok()
    }

    /// Pings at the application level and waits for the pong.
    pub async fn pong(&mut self) {
        self.frames.retain(|f| f["type"] != "pong");
        self.send(json!({"type": "ping"})).await;
        self.until(|f| f["type"] == "pong", Duration::from_secs(5)).await;
    }

    /// The first frame (already received or arriving within `wait`) that
    /// matches; panics with what arrived otherwise.
    pub async fn until(&mut self, matches: impl Fn(&Value) -> bool, wait: Duration) -> Value {
        if let Some(found) = self.frames.iter().find(|f| matches(f)) {
            return found.clone();
        }
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let frame: Value = serde_json::from_str(text.as_str()).expect("frames are JSON");
                    self.frames.push(frame.clone());
                    if matches(&frame) {
                        return frame;
                    }
                }
                Ok(Some(Ok(Message::Close(close)))) => {
                    self.closed = Some(close.map_or(1005, |c| c.code.into()));
                    panic!("closed ({:?}) before the frame came; {}", self.closed, self.recent());
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(e))) => panic!("socket failed: {e}; {}", self.recent()),
                Ok(None) => panic!("socket ended; {}", self.recent()),
                Err(_) => panic!("no matching frame within {wait:?}; {}", self.recent()),
            }
        }
    }

    /// Waits for the server to close the socket; its close code.
    pub async fn closing(&mut self, wait: Duration) -> u16 {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    self.frames.push(serde_json::from_str(text.as_str()).expect("frames are JSON"));
                }
                Ok(Some(Ok(Message::Close(close)))) => return close.map_or(1005, |c| c.code.into()),
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => return 1006,
                Err(_) => panic!("still open after {wait:?}; {}", self.recent()),
            }
        }
    }

    /// The last few frames received, a line each (a failure's message
    /// stays short enough to be read in a CI log).
    fn recent(&self) -> String {
        let skip = self.frames.len().saturating_sub(8);
        let lines: Vec<String> =
            self.frames[skip..].iter().map(|f| f.to_string().chars().take(300).collect::<String>()).collect();
        format!("{} frames, the last: \n{}", self.frames.len(), lines.join("\n"))
    }

    pub fn hello(&self) -> &Value {
        self.frames.iter().find(|f| f["type"] == "hello").expect("a hello")
    }

    /// The newest event id received.
    pub fn last_event(&self) -> i64 {
        self.frames
            .iter()
            .filter_map(|f| {
                f["event"]
                    .as_i64()
                    .or_else(|| (f["type"] == "hello").then(|| f["last_event"].as_i64()).flatten())
            })
            .max()
            .unwrap_or(0)
    }
}

/// Logs an account in on `client`; the session cookie it was given
/// (`dateline_session=…`), as a `Cookie` header carries it.
pub async fn log_in(server: &TestServer, client: &Client, email: &str, password: &str) -> String {
    let login =
        submit(client, server, "/en/login", "/en/login", &[("email", email), ("password", password)]).await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER, "{email} logs in");
    login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("dateline_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// A fresh session's cookie for an account (logged in on a new client).
pub async fn session_cookie(server: &TestServer, email: &str, password: &str) -> String {
    log_in(server, &server.browser(), email, password).await
}

/// Opens a room from the newsroom; returns its page's path.
pub async fn open_room(server: &TestServer, editor: &Client, fields: &[(&str, &str)]) -> (String, i64) {
    let page = get(editor, server, "/newsroom/chats").await.text().await.expect("page");
    let csrf = csrf_of(&page);
    let edition = page
        .split("<option value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an edition to choose")
        .to_owned();
    let mut form = vec![("csrf", csrf.as_str()), ("what", "create"), ("edition", edition.as_str())];
    form.extend_from_slice(fields);
    let created = post(editor, server, "/newsroom/chats", &form).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER, "{}", created.text().await.unwrap_or_default());
    let to = location(&created);
    let id: i64 = to
        .trim_start_matches("/newsroom/chats/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("room page {to}"));
    let room = get(editor, server, &to).await.text().await.expect("room page");
    let path = room
        .split("href=\"/en/chats/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|slug| format!("/en/chats/{slug}"))
        .expect("the room's public address");
    (path, id)
}

/// Saves a room's settings in the newsroom.
pub async fn save_room(server: &TestServer, editor: &Client, id: i64, fields: &[(&str, &str)]) {
    let page = get(editor, server, &format!("/newsroom/chats/{id}")).await.text().await.expect("page");
    let csrf = csrf_of(&page);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let saved = post(editor, server, &format!("/newsroom/chats/{id}"), &form).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{}", saved.text().await.unwrap_or_default());
}

fn id_of(frame: &Value) -> i64 {
    frame["message"]["id"].as_i64().expect("a message id")
}

pub async fn readers_talk_and_moderators_keep_order(backend: Backend) {
    let mut server = TestServer::start(backend).await;
    let editor = staff(&server, "chat-editor@example.com", "editor", &[]).await;
    let _ann_client = reader(&server, "ann@example.com", "Ann").await;
    let _ben_client = reader(&server, "ben@example.com", "Ben").await;
    let ann_cookie = session_cookie(&server, "ann@example.com", "reader passphrase").await;
    let ben_cookie = session_cookie(&server, "ben@example.com", "reader passphrase").await;
    let editor_cookie = session_cookie(&server, "chat-editor@example.com", "staff passphrase").await;

    let (room, room_id) =
        open_room(&server, &editor, &[("title", "Harbour watch"), ("topic", "The port strike, live")]).await;
    assert_eq!(room, "/en/chats/harbour-watch");
    let list = visible_text(&server.page("/en/chats").await);
    assert!(list.contains("Harbour watch") && list.contains("The port strike, live"), "{list}");
    // A room about a story: the list links the story, and the story's page
    // (cached before the room opened) links the room at once.
    let story = crate::discussion::newest_article(&server).await;
    assert!(!server.page(&story).await.contains("/en/chats/quay-talk"));
    open_room(&server, &editor, &[("title", "Quay talk"), ("story", story.as_str())]).await;
    let list = server.page("/en/chats").await;
    let quay = list.split("Quay talk").nth(1).expect("the new room listed");
    assert!(quay.contains(&format!("href=\"{story}\"")), "the room's story is linked: {list}");
    assert!(server.page(&story).await.contains("/en/chats/quay-talk"), "the story's page links its room");

    // A guest reads but is asked to log in to write.
    let url = socket_url(&server.base, &room);
    let mut guest = ChatClient::open(&url, None).await;
    assert_eq!(guest.hello()["you"]["can_write"], false);
    assert_eq!(guest.hello()["you"]["why_not_code"], "login-needed");
    let refused = guest.ask(json!({"type": "send", "text": "hi"})).await;
    assert_eq!(refused["code"], "login-needed", "{refused}");
    assert!(refused["message"].as_str().unwrap_or_default().contains("Log in"), "{refused}");

    let mut ann = ChatClient::open(&url, Some(&ann_cookie)).await;
    let mut ben = ChatClient::open(&url, Some(&ben_cookie)).await;
    assert_eq!(ann.hello()["you"]["can_write"], true, "{}", ann.hello());
    assert_eq!(ann.hello()["you"]["moderator"], false);
    ben.until(|f| f["type"] == "presence" && f["people"].as_i64() >= Some(3), Duration::from_secs(5)).await;

    // A message reaches the other reader at once, as safe text with a link.
    let sent = Instant::now();
    let ack = ann.ask(json!({"type": "send", "text": "Ships <b>waiting</b>: https://example.com/map"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let arrived = ben.until(|f| f["type"] == "message", Duration::from_secs(5)).await;
    assert!(sent.elapsed() < Duration::from_secs(1), "delivered in {:?}", sent.elapsed());
    let html = arrived["message"]["html"].as_str().expect("html");
    assert!(html.contains("&lt;b&gt;waiting&lt;/b&gt;"), "{html}");
    assert!(html.contains(r#"<a href="https://example.com/map" rel="nofollow ugc noopener">"#), "{html}");
    assert_eq!(arrived["message"]["author"], "Ann");
    let ann_message = id_of(&arrived);
    guest.until(|f| f["type"] == "message", Duration::from_secs(5)).await;

    // A reply, a reaction, an edit.
    ben.ask(json!({"type": "send", "text": "Which berths?", "reply_to": ann_message})).await;
    let reply = ann
        .until(|f| f["type"] == "message" && f["message"]["author"] == "Ben", Duration::from_secs(5))
        .await;
    assert_eq!(reply["message"]["reply"]["author"], "Ann");
    assert!(reply["message"]["reply"]["excerpt"].as_str().unwrap_or_default().starts_with("Ships"));
    let ben_message = id_of(&reply);
    ann.ask(json!({"type": "react", "id": ben_message, "reaction": "like"})).await;
    let reacted = ben.until(|f| f["type"] == "reactions", Duration::from_secs(5)).await;
    assert_eq!(reacted["reactions"][0]["count"], 1, "{reacted}");
    let edited =
        ann.ask(json!({"type": "edit", "id": ann_message, "text": "Ships waiting: berths 4 to 9"})).await;
    assert_eq!(edited["type"], "ack", "{edited}");
    let seen = ben.until(|f| f["type"] == "edited", Duration::from_secs(5)).await;
    assert_eq!(seen["message"]["edited"], true);
    let not_yours = ben.ask(json!({"type": "edit", "id": ann_message, "text": "mine now"})).await;
    assert_eq!(not_yours["code"], "not-yours", "{not_yours}");

    // Reports.
    let reported = ben.ask(json!({"type": "report", "id": ann_message, "reason": "spam"})).await;
    assert_eq!(reported["type"], "ack", "{reported}");
    assert_eq!(
        ben.ask(json!({"type": "report", "id": ann_message, "reason": "spam"})).await["code"],
        "already-reported"
    );
    assert_eq!(
        ben.ask(json!({"type": "report", "id": ben_message, "reason": "spam"})).await["code"],
        "own-message"
    );
    let queue = visible_text(&get(&editor, &server, "/newsroom/chats").await.text().await.expect("queue"));
    assert!(queue.contains("berths 4 to 9") && queue.contains("Reported by Ben"), "{queue}");

    // The moderator deletes (for everyone), pins and mutes.
    let mut moderator = ChatClient::open(&url, Some(&editor_cookie)).await;
    assert_eq!(moderator.hello()["you"]["moderator"], true);
    assert_eq!(ann.ask(json!({"type": "delete", "id": ben_message})).await["code"], "not-yours");
    let deleted = moderator.ask(json!({"type": "delete", "id": ann_message})).await;
    assert_eq!(deleted["type"], "ack", "{deleted}");
    for client in [&mut ann, &mut ben, &mut guest] {
        client
            .until(|f| f["type"] == "deleted" && f["id"] == json!(ann_message), Duration::from_secs(5))
            .await;
    }
    moderator.ask(json!({"type": "pin", "id": ben_message})).await;
    ann.until(|f| f["type"] == "pinned" && f["message"]["id"] == json!(ben_message), Duration::from_secs(5))
        .await;
    let ben_id = reply["message"]["author_id"].as_i64().expect("author id");
    let muted =
        moderator.ask(json!({"type": "mute", "user": ben_id, "minutes": 10, "reason": "cool off"})).await;
    assert_eq!(muted["type"], "ack", "{muted}");
    // The mute reaches Ben's open socket as an event (which makes it check
    // his rights again before his next message).
    ben.until(|f| f["type"] == "sanctioned" && f["user"] == json!(ben_id), Duration::from_secs(5)).await;
    let refused = ben.ask(json!({"type": "send", "text": "but why"})).await;
    assert_eq!(refused["code"], "muted", "{refused}");
    assert!(refused["message"].as_str().unwrap_or_default().contains("muted until"), "{refused}");
    let staff_muted = moderator.ask(json!({"type": "mute", "user": 0, "minutes": 10})).await;
    assert_eq!(staff_muted["code"], "no-user");
    let sanctions = visible_text(&get(&editor, &server, "/newsroom/chats").await.text().await.expect("page"));
    assert!(sanctions.contains("Muted: cool off"), "{sanctions}");
    let audit = visible_text(&get(&editor, &server, "/newsroom/audit").await.text().await.expect("audit"));
    assert!(
        audit.contains("chat.delete") && audit.contains("chat.mute") && audit.contains("chat.pin"),
        "{audit}"
    );

    // A client that was away resumes with what it missed.
    let away_since = ann.last_event();
    drop(ann);
    moderator.ask(json!({"type": "send", "text": "Please keep it civil."})).await;
    let mut ann = ChatClient::open(&format!("{url}?after={away_since}"), Some(&ann_cookie)).await;
    assert_eq!(ann.hello()["resumed"], true, "{}", ann.hello());
    ann.until(
        |f| f["type"] == "message" && f["message"]["html"] == "Please keep it civil.",
        Duration::from_secs(5),
    )
    .await;
    // Older history pages.
    ann.send(json!({"type": "history", "before": ben_message})).await;
    let page = ann.until(|f| f["type"] == "history", Duration::from_secs(5)).await;
    let earlier = page["messages"].as_array().expect("messages");
    assert!(earlier.iter().all(|m| m["id"].as_i64() < Some(ben_message)), "{page}");
    assert!(earlier.iter().any(|m| m["id"] == json!(ann_message) && m["deleted"] == true), "{page}");

    // The page without script: history, the deletion, the pin.
    let history = visible_text(&server.page(&room).await);
    assert!(history.contains("Which berths?") && history.contains("Message deleted"), "{history}");
    assert!(!history.contains("berths 4 to 9"), "a deleted message's text stays hidden");
    assert!(history.contains("Pinned"), "{history}");

    // Closing the room tells open sockets; writing is refused.
    save_room(&server, &editor, room_id, &[("what", "save"), ("title", "Harbour watch"), ("closed", "on")])
        .await;
    ann.until(|f| f["type"] == "room" && f["open"] == false, Duration::from_secs(5)).await;
    assert_eq!(ann.ask(json!({"type": "send", "text": "anyone?"})).await["code"], "closed");

    // Messages survive a restart.
    drop((ann, ben, guest, moderator));
    server.restart().await;
    let after = visible_text(&server.page(&room).await);
    assert!(after.contains("Which berths?") && after.contains("Please keep it civil."), "{after}");
}

pub async fn bad_chat_requests_are_refused_clearly(backend: Backend) {
    let server = TestServer::start(backend).await;
    let editor = staff(&server, "chat-mod@example.com", "editor", &[]).await;
    let _cara = reader(&server, "cara@example.com", "Cara").await;
    let cara_cookie = session_cookie(&server, "cara@example.com", "reader passphrase").await;
    let (room, room_id) = open_room(&server, &editor, &[("title", "Open floor")]).await;
    let url = socket_url(&server.base, &room);
    let bystander_cookie = {
        let _ = reader(&server, "dan@example.com", "Dan").await;
        session_cookie(&server, "dan@example.com", "reader passphrase").await
    };
    let mut bystander = ChatClient::open(&url, Some(&bystander_cookie)).await;

    // Upgrades refused before they start, each with a reason.
    let refused = |url: String, origin: Option<&'static str>| async move {
        match tokio_tungstenite::connect_async(request(&url, None, origin)).await {
            Err(tungstenite::Error::Http(response)) => {
                let body =
                    String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned();
                (response.status().as_u16(), body)
            }
            other => panic!("{url} upgraded: {:?}", other.map(|(_, r)| r.status())),
        }
    };
    let base = server.base.replacen("http://", "ws://", 1);
    assert_eq!(refused(format!("{base}/xx/chats/open-floor/socket"), None).await.0, 404);
    let (status, body) = refused(format!("{base}/en/chats/no-such-room/socket"), None).await;
    assert_eq!((status, body.trim()), (404, "There is no chat room at this address."));
    let (status, body) = refused(url.clone(), Some("http://evil.example")).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("only from this site"), "{body}");
    for after in ["abc", "-1", "1e9", "9999999999999999999999"] {
        let (status, body) = refused(format!("{url}?after={after}"), None).await;
        assert_eq!(status, 400, "after={after}: {body}");
    }
    let plain = server.get(&format!("{room}/socket")).await;
    assert!(plain.status().is_client_error(), "a plain GET: {}", plain.status());
    assert!(plain.text().await.unwrap_or_default().contains("live connection"));

    // A forged cookie and a cookie replayed after logging out open a
    // guest's socket, which says so.
    let forged = format!("dateline_session=dls_{}", "x".repeat(64));
    let mut client = ChatClient::open(&url, Some(&forged)).await;
    client.until(|f| f["code"] == "session-expired", Duration::from_secs(5)).await;
    assert_eq!(client.hello()["you"]["can_write"], false);
    let leaving = server.browser();
    let old_cookie = {
        let cookie = log_in(&server, &leaving, "cara@example.com", "reader passphrase").await;
        let account = get(&leaving, &server, "/en/account").await.text().await.expect("account");
        let out = post(&leaving, &server, "/en/logout", &[("csrf", csrf_of(&account).as_str())]).await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        cookie
    };
    let mut replayed = ChatClient::open(&url, Some(&old_cookie)).await;
    replayed.until(|f| f["code"] == "session-expired", Duration::from_secs(5)).await;
    assert_eq!(replayed.ask(json!({"type": "send", "text": "replayed"})).await["code"], "login-needed");

    // Bad frames get error frames; the socket stays usable.
    let mut cara = ChatClient::open(&url, Some(&cara_cookie)).await;
    for bad in
        ["{not json", "[]", r#"{"type":"shout"}"#, r#"{"type":"send"}"#, r#"{"type":"delete","id":"x"}"#]
    {
        cara.raw(Message::text(bad)).await;
        let error =
            cara.until(|f| f["code"] == "bad-frame" && !f["message"].is_null(), Duration::from_secs(5)).await;
        assert!(error["message"].as_str().unwrap_or_default().contains("could not understand"), "{error}");
        cara.frames.clear();
    }
    let big = json!({"type": "send", "text": "x".repeat(9000)}).to_string();
    cara.raw(Message::text(big)).await;
    cara.until(|f| f["code"] == "too-large", Duration::from_secs(5)).await;
    assert_eq!(cara.ask(json!({"type": "send", "text": "  \n "})).await["code"], "empty");
    let long = cara.ask(json!({"type": "send", "text": "я".repeat(2001)})).await;
    assert_eq!(long["code"], "too-long");
    assert!(long["message"].as_str().unwrap_or_default().contains("2001"), "{long}");
    assert_eq!(cara.ask(json!({"type": "delete", "id": 999_999})).await["code"], "no-message");
    assert_eq!(cara.ask(json!({"type": "pin", "id": 1})).await["code"], "not-moderator");
    assert_eq!(cara.ask(json!({"type": "react", "id": 1, "reaction": "angry"})).await["code"], "bad-frame");
    cara.pong().await;

    // Hostile text stays text (written by a moderator, whom no rate limit
    // slows down).
    let moderator_cookie = session_cookie(&server, "chat-mod@example.com", "staff passphrase").await;
    let mut moderator = ChatClient::open(&url, Some(&moderator_cookie)).await;
    // The bystander has read nothing since it joined: answer the server's
    // pings now, so a slow run never looks like a silent client.
    bystander.pong().await;
    if let Some(dir) = testdata() {
        let list =
            std::fs::read_to_string(dir.join("security/xss/xss_payloads_quick.txt")).expect("xss list");
        let polyglots =
            std::fs::read_to_string(dir.join("security/xss/XSS_Polyglots.txt")).expect("polyglots");
        let lines: Vec<&str> =
            list.lines().chain(polyglots.lines()).filter(|l| !l.trim().is_empty()).collect();
        assert!(lines.len() > 20, "the lists have payloads");
        for (n, line) in lines.iter().take(40).enumerate() {
            let text = json!({"type": "send", "text": format!("{n} {line}")});
            let mut answer = moderator.ask(text.clone()).await;
            if answer["code"] == "too-many" {
                // More than 30 frames in 5 s: the socket's own flood guard.
                tokio::time::sleep(Duration::from_secs(5)).await;
                answer = moderator.ask(text).await;
            }
            assert_eq!(answer["type"], "ack", "{answer}");
            let shown = bystander
                .until(
                    |f| {
                        f["type"] == "message"
                            && f["message"]["html"].as_str().is_some_and(|h| h.starts_with(&format!("{n} ")))
                    },
                    Duration::from_secs(15),
                )
                .await;
            let html = shown["message"]["html"].as_str().unwrap_or_default().to_lowercase();
            assert!(
                !html.contains("<script")
                    && !html.contains("<img")
                    && !html.contains("<svg")
                    && !html.contains("<iframe"),
                "{html}"
            );
            assert!(!html.contains("href=\"javascript"), "{html}");
        }
    } else {
        eprintln!("SKIPPED hostile chat text: ../shared/testdata is absent");
    }

    // Flooding is refused, then disconnected; others never notice.
    let mut flood = ChatClient::open(&url, Some(&cara_cookie)).await;
    let mut throttled = false;
    for n in 0..30 {
        let answer = flood.ask(json!({"type": "send", "text": format!("flood {n}")})).await;
        if answer["code"] == "too-many" {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "a burst of messages is throttled");
    assert_eq!(flood.ask(json!({"type": "send", "text": "same"})).await["code"], "too-many");
    for n in 0..80 {
        if !flood.raw(Message::text(format!(r#"{{"type":"ping","nonce":{n}}}"#))).await {
            break;
        }
    }
    assert_eq!(flood.closing(Duration::from_secs(10)).await, 1008, "a frame flood closes the socket");
    let mut binary = ChatClient::open(&url, Some(&cara_cookie)).await;
    binary.raw(Message::binary(vec![0u8, 159, 146, 150])).await;
    binary.until(|f| f["code"] == "binary", Duration::from_secs(5)).await;
    assert_eq!(binary.closing(Duration::from_secs(5)).await, 1003);
    let mut huge = ChatClient::open(&url, Some(&cara_cookie)).await;
    huge.raw(Message::text("y".repeat(200_000))).await;
    huge.closing(Duration::from_secs(5)).await;
    bystander.pong().await;

    // Banned words (the comments' list) keep a message out.
    let settings = get(&editor, &server, "/newsroom/comments/settings").await.text().await.expect("settings");
    let saved = post(
        &editor,
        &server,
        "/newsroom/comments/settings",
        &[("csrf", csrf_of(&settings).as_str()), ("what", "words"), ("banned_words", "scam*")],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let mut dan = ChatClient::open(&url, Some(&bystander_cookie)).await;
    let banned = dan.ask(json!({"type": "send", "text": "Total SCAMMERS"})).await;
    assert_eq!(banned["code"], "banned-words", "{banned}");

    // A members-only room: guests and non-members are refused at the door.
    save_room(
        &server,
        &editor,
        room_id,
        &[("what", "save"), ("title", "Open floor"), ("members_only", "on")],
    )
    .await;
    let (status, body) = refused(url.clone(), None).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("members only"), "{body}");
    let door = tokio_tungstenite::connect_async(request(&url, Some(&cara_cookie), None)).await;
    assert!(matches!(door, Err(tungstenite::Error::Http(ref r)) if r.status() == 403), "a non-member");
    let page = server.get(&room).await;
    assert_eq!(page.status(), 403);
    save_room(&server, &editor, room_id, &[("what", "add-member"), ("email", "cara@example.com")]).await;
    let mut member = ChatClient::open(&url, Some(&cara_cookie)).await;
    assert_eq!(member.hello()["room"]["members_only"], true);

    // The newsroom's forms refuse bad input with a 4xx, never a 500.
    let page = get(&editor, &server, "/newsroom/chats").await.text().await.expect("page");
    let csrf = csrf_of(&page);
    for form in [
        vec![("what", "create"), ("edition", "999"), ("title", "x")],
        vec![("what", "create"), ("edition", "1"), ("title", "")],
        vec![("what", "create"), ("edition", "1"), ("title", "Dup"), ("slug", "open-floor")],
        vec![("what", "create"), ("edition", "1"), ("title", "x"), ("retention_days", "-3")],
        vec![("what", "create"), ("edition", "1"), ("title", "x"), ("story", "/en/2020/01/01/nothing")],
        vec![("what", "lift"), ("sanction", "abc")],
        vec![("what", "explode")],
    ] {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend(form.iter().copied());
        let answer = post(&editor, &server, "/newsroom/chats", &fields).await;
        assert!(answer.status().is_client_error(), "{form:?}: {}", answer.status());
    }
    let not_staff = get(&reader(&server, "eve@example.com", "Eve").await, &server, "/newsroom/chats").await;
    assert_eq!(not_staff.status(), StatusCode::FORBIDDEN);
    member.pong().await;
}

/// Two processes on one PostgreSQL: a message written through one reaches
/// the other's sockets; both count the people in the room.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_share_chat_rooms() {
    let server = TestServer::start(Backend::Postgres).await;
    let (second, mut second_child) = server.second_node().await;
    let editor = staff(&server, "chat-nodes@example.com", "editor", &[]).await;
    let _ann = reader(&server, "ann-nodes@example.com", "Ann").await;
    let _ben = reader(&server, "ben-nodes@example.com", "Ben").await;
    let ann_cookie = session_cookie(&server, "ann-nodes@example.com", "reader passphrase").await;
    let ben_cookie = session_cookie(&server, "ben-nodes@example.com", "reader passphrase").await;
    let (room, _) = open_room(&server, &editor, &[("title", "Across nodes")]).await;
    let mut ann = ChatClient::open(&socket_url(&server.base, &room), Some(&ann_cookie)).await;
    let mut ben = ChatClient::open(&socket_url(&second, &room), Some(&ben_cookie)).await;
    let sent = Instant::now();
    ann.ask(json!({"type": "send", "text": "Hello from node one"})).await;
    ben.until(
        |f| f["type"] == "message" && f["message"]["html"] == "Hello from node one",
        Duration::from_secs(5),
    )
    .await;
    let took = sent.elapsed();
    assert!(took < Duration::from_secs(2), "crossed nodes in {took:?}");
    ben.ask(json!({"type": "send", "text": "Hello back from node two"})).await;
    ann.until(|f| f["type"] == "message" && f["message"]["author"] == "Ben", Duration::from_secs(5)).await;
    // Presence is shared through the database within a few seconds.
    ann.until(|f| f["type"] == "presence" && f["people"] == 2, Duration::from_secs(20)).await;
    let list = visible_text(
        &reqwest::get(format!("{second}/en/chats")).await.expect("list").text().await.expect("body"),
    );
    assert!(list.contains("2 people here"), "{list}");
    let _ = second_child.kill().await;
}

/// Waits (up to 10 s) for the `dateline_chat_connections` gauge to read
/// `want`; returns what it last read.
async fn chat_connections_reach(server: &TestServer, want: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = server.metric("dateline_chat_connections").await as i64;
        if now == want || Instant::now() >= deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Hundreds of sockets coming and going at once leave no connection
/// behind, and the head counts follow them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_sockets_come_and_go() {
    let server = TestServer::start(Backend::Sqlite).await;
    let url = socket_url(&server.base, "/en/chats/lobby");
    for round in 0..3 {
        let opening = (0..150).map(|_| {
            let url = url.clone();
            tokio::spawn(
                async move { tokio_tungstenite::connect_async(url.as_str()).await.expect("upgrade").0 },
            )
        });
        let mut sockets = Vec::new();
        for socket in opening {
            sockets.push(socket.await.expect("task"));
        }
        assert_eq!(chat_connections_reach(&server, 150).await, 150, "round {round}: every socket counted");
        let list = visible_text(&server.page("/en/chats").await);
        assert!(list.contains("150 people here"), "round {round}: {list}");
        // Half leave politely, half just vanish.
        for (n, mut socket) in sockets.into_iter().enumerate() {
            if n % 2 == 0 {
                let _ = socket.close(None).await;
            }
        }
        assert_eq!(chat_connections_reach(&server, 0).await, 0, "round {round}: every socket gone");
    }
    let list = visible_text(&server.page("/en/chats").await);
    assert!(list.contains("0 people here"), "{list}");
}
