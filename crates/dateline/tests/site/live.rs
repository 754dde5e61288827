//! The live newsfeed: Server-Sent Events with resume, filters, bad input,
//! two nodes sharing events, and connections that come and go.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::{Backend, TestServer, visible_text};

/// A bearer token for a new editor.
pub async fn editor_token(server: &TestServer, email: &str) -> String {
    let (ok, _, err) = crate::accounts::cli(
        server,
        &["user", "add", "--email", email, "--role", "editor"],
        "a passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let (ok, token, err) = crate::accounts::cli(server, &["token", "create", "--email", email], "").await;
    assert!(ok, "{err}");
    token.trim().to_owned()
}

/// Creates and publishes a story through the API; returns its id.
pub async fn publish_story(base: &str, token: &str, section: &str, headline: &str, breaking: bool) -> i64 {
    let client = reqwest::Client::new();
    let story = json!({
        "edition": "en", "section": section, "headline": headline, "lead": "Filed for the live test.",
        "dateline_place": "LISBON", "body": "Text.", "authors": ["marcus-okafor"], "breaking": breaking
    });
    let created = client
        .post(format!("{base}/api/v1/articles"))
        .bearer_auth(token)
        .json(&story)
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), StatusCode::CREATED, "{}", created.text().await.unwrap_or_default());
    let id = created.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    transition(base, token, id, "publish").await;
    id
}

pub async fn transition(base: &str, token: &str, id: i64, action: &str) {
    let done = reqwest::Client::new()
        .post(format!("{base}/api/v1/articles/{id}/transitions"))
        .bearer_auth(token)
        .json(&json!({"action": action}))
        .send()
        .await
        .expect("transition");
    assert_eq!(done.status(), StatusCode::OK, "{action}: {}", done.text().await.unwrap_or_default());
}

/// An open event stream, read as text.
pub struct EventStream {
    response: reqwest::Response,
    pub text: String,
}

impl EventStream {
    pub async fn open(base: &str, path: &str, last_event_id: Option<&str>) -> Self {
        let client = reqwest::Client::new();
        let mut request = client.get(format!("{base}{path}")).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("open the stream");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        assert!(response.headers().get("content-encoding").is_none(), "events are not compressed");
        Self { response, text: String::new() }
    }

    /// Reads until the text holds `needle`, for at most `wait`.
    pub async fn until(&mut self, needle: &str, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        while !self.text.contains(needle) {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.text.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(Ok(None)) | Ok(Err(_)) | Err(_) => return false,
            }
        }
        true
    }

    /// The `id:` of the last event read that holds `needle`.
    pub fn id_of(&self, needle: &str) -> String {
        self.text
            .split("\n\n")
            .filter(|event| event.contains(needle))
            .filter_map(|event| event.lines().find_map(|l| l.strip_prefix("id: ")))
            .last()
            .unwrap_or_else(|| panic!("no event with {needle:?} in {}", self.text))
            .to_owned()
    }
}

/// A story published in the newsroom reaches open streams of its edition
/// at once, matching the filters; a reconnecting reader resumes where it
/// left off; updates and withdrawals follow.
pub async fn events_stream_filter_and_resume(backend: Backend) {
    let server = TestServer::start(backend).await;
    let token = editor_token(&server, "live@example.com").await;
    let mut all = EventStream::open(&server.base, "/en/newsfeed/events", None).await;
    assert!(all.until("retry: ", Duration::from_secs(5)).await, "the stream opens with a retry hint");
    let mut business = EventStream::open(&server.base, "/en/newsfeed/events?section=business", None).await;
    let mut breaking = EventStream::open(&server.base, "/en/newsfeed/events?breaking=1", None).await;
    let mut other_edition = EventStream::open(&server.base, "/ru/newsfeed/events", None).await;

    let started = Instant::now();
    let id = publish_story(&server.base, &token, "world", "Harbour strike ends after nine days", true).await;
    assert!(all.until("Harbour strike ends", Duration::from_secs(5)).await, "delivered: {}", all.text);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(2),
        "delivered within the publish request and a moment: {elapsed:?}"
    );
    assert!(all.text.contains("event: published"), "{}", all.text);
    let event_id = all.id_of("Harbour strike ends");
    let data: Value = serde_json::from_str(
        all.text
            .split("\n\n")
            .find(|e| e.contains("Harbour strike"))
            .and_then(|e| e.lines().find_map(|l| l.strip_prefix("data: ")))
            .expect("data"),
    )
    .expect("data is JSON");
    assert_eq!(data["article_id"], id);
    assert_eq!(data["breaking"], true);
    assert_eq!(data["section"]["slug"], "world");
    assert!(data["href"].as_str().is_some_and(|h| h.starts_with("/en/20")), "{data}");
    assert!(breaking.until("Harbour strike ends", Duration::from_secs(5)).await, "breaking-only stream");

    // A business story reaches the business stream; the world story did not.
    publish_story(&server.base, &token, "business", "Port tolls rise for the first time in a decade", false)
        .await;
    assert!(business.until("Port tolls rise", Duration::from_secs(5)).await);
    assert!(!business.text.contains("Harbour strike"), "the section filter holds");
    assert!(all.until("Port tolls rise", Duration::from_secs(5)).await);
    assert!(!breaking.until("Port tolls rise", Duration::from_millis(500)).await, "not breaking");
    assert!(
        !other_edition.until("event: published", Duration::from_millis(300)).await,
        "other editions hear nothing"
    );

    // A reader who last saw the strike story resumes with Last-Event-ID and
    // gets the tolls story at once, and not the strike again.
    let mut resumed = EventStream::open(&server.base, "/en/newsfeed/events", Some(&event_id)).await;
    assert!(resumed.until("Port tolls rise", Duration::from_secs(2)).await, "resumed: {}", resumed.text);
    assert!(!resumed.text.contains("Harbour strike"), "nothing twice");
    // The same through the query (a tab taking over another tab's stream).
    let mut by_query =
        EventStream::open(&server.base, &format!("/en/newsfeed/events?last_event_id={event_id}"), None).await;
    assert!(by_query.until("Port tolls rise", Duration::from_secs(2)).await);

    // Saving the published story again is an update; unpublishing removes it.
    transition(&server.base, &token, id, "unpublish").await;
    assert!(all.until("event: removed", Duration::from_secs(5)).await, "{}", all.text);
    transition(&server.base, &token, id, "publish").await;
    assert!(all.until("Harbour strike ends", Duration::from_secs(5)).await);

    // The full newsfeed page lists both, and filters by section. (More
    // stories make it run to a second page of 30.)
    let shown = server.page("/en/newsfeed").await.matches("<li data-published=").count();
    for n in shown..31 {
        publish_story(&server.base, &token, "sport", &format!("Regatta results, race {n}"), false).await;
    }
    let page = server.page("/en/newsfeed").await;
    assert_eq!(page.matches("<li data-published=").count(), 30, "30 to a page");
    assert!(page.contains("Harbour strike ends") && page.contains("Port tolls rise"));
    let business_page = server.page("/en/newsfeed?section=business").await;
    // The breaking banner names the strike on every page; the list does not.
    let list = without_banner(&business_page);
    assert!(list.contains("Port tolls rise") && !list.contains("Harbour strike"));
    assert!(business_page.contains("aria-current=\"page\">Business<"), "the filter is marked");
    assert_eq!(server.get("/en/newsfeed?section=no-such-section").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.get("/en/newsfeed?before=garbage").await.status(), StatusCode::BAD_REQUEST);
    // The page that follows "older" pages back, with the filter kept.
    let older =
        page.split("rel=\"next\" href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_else(|| {
            panic!("an older link after {} items", page.matches("<li data-published=").count())
        });
    let older = older.replace("&amp;", "&");
    let second = server.page(&older).await;
    assert!(!without_banner(&second).contains("Harbour strike ends"), "page two has older stories");
}

/// A page without its breaking-news banner (which names the newest
/// breaking story on every page of the edition).
fn without_banner(html: &str) -> String {
    match html.split_once("<aside class=\"breaking-banner\"") {
        Some((before, rest)) => {
            format!("{before}{}", rest.split_once("</aside>").map_or("", |(_, after)| after))
        }
        None => html.to_owned(),
    }
}

/// Bad requests to the stream get a clear 4xx, never a 500.
pub async fn bad_event_requests_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = reqwest::Client::new();
    let cases: [(&str, Option<&str>, StatusCode, &str); 9] = [
        ("/en/newsfeed/events", Some("abc"), StatusCode::BAD_REQUEST, "Last-Event-ID must be"),
        ("/en/newsfeed/events", Some("-5"), StatusCode::BAD_REQUEST, "Last-Event-ID must be"),
        ("/en/newsfeed/events", Some("99999999999999999999"), StatusCode::BAD_REQUEST, "Last-Event-ID"),
        ("/en/newsfeed/events?last_event_id=1e3", None, StatusCode::BAD_REQUEST, "Last-Event-ID must be"),
        ("/xx/newsfeed/events", None, StatusCode::NOT_FOUND, ""),
        ("/en/newsfeed/events?section=nowhere", None, StatusCode::BAD_REQUEST, "no section \"nowhere\""),
        ("/en/newsfeed/events?breaking=maybe", None, StatusCode::BAD_REQUEST, "breaking must be 1 or 0"),
        (
            "/en/newsfeed/events?colour=red",
            None,
            StatusCode::BAD_REQUEST,
            "the filters are section, breaking and article",
        ),
        ("/en/newsfeed/events?article=abc", None, StatusCode::BAD_REQUEST, "article must be"),
    ];
    for (path, last_event_id, status, message) in cases {
        let mut request = client.get(server.url(path));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), status, "{path} {last_event_id:?}");
        let text = visible_text(&response.text().await.expect("body"));
        assert!(text.contains(message), "{path}: {text}");
    }
    // A Last-Event-ID older than what is kept asks the client to reload.
    let mut old = EventStream::open(&server.base, "/en/newsfeed/events", Some("0")).await;
    assert!(old.until("retry: ", Duration::from_secs(2)).await);
    assert!(!old.text.contains("event: reset"), "nothing was missed from an empty log");
}

/// Two `dateline serve` processes on one PostgreSQL: a story published
/// through one reaches a reader connected to the other.
/// (PostgreSQL only: one process owns an SQLite file.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_share_events() {
    let server = TestServer::start(Backend::Postgres).await;
    let (second, mut child) = server.second_node().await;
    let token = editor_token(&server, "nodes@example.com").await;
    let mut on_second = EventStream::open(&second, "/en/newsfeed/events", None).await;
    assert!(on_second.until("retry: ", Duration::from_secs(5)).await);
    let started = Instant::now();
    publish_story(&server.base, &token, "world", "Ferry service resumes across the estuary", false).await;
    assert!(on_second.until("Ferry service resumes", Duration::from_secs(5)).await, "{}", on_second.text);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(1500), "through NOTIFY, not the one-second poll: {elapsed:?}");
    // The ids are the log's: the same event has the same id on both nodes.
    let id = on_second.id_of("Ferry service resumes");
    let mut on_first = EventStream::open(
        &server.base,
        "/en/newsfeed/events",
        Some(&(id.parse::<i64>().expect("id") - 1).to_string()),
    )
    .await;
    assert!(on_first.until("Ferry service resumes", Duration::from_secs(2)).await);
    assert_eq!(on_first.id_of("Ferry service resumes"), id);
    let _ = child.kill().await;
}

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:").map(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            })
        })
        .flatten()
        .unwrap_or(0)
}

async fn open_streams(server: &TestServer, gauge_must_reach: usize) -> Vec<tokio::net::TcpStream> {
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut streams = Vec::new();
    for _ in 0..gauge_must_reach {
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
        stream
            .write_all(b"GET /en/newsfeed/events HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n")
            .await
            .expect("request");
        streams.push(stream);
    }
    for stream in &mut streams {
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).await.expect("response");
        assert_eq!(&head, b"HTTP/1.1 200");
    }
    streams
}

async fn live_connections(server: &TestServer) -> usize {
    server.metric("dateline_live_connections").await as usize
}

/// Thousands of readers connecting and leaving at once leave nothing
/// behind: the stream count returns to zero and memory stays flat.
/// (On SQLite: the stream code is the same on either store.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_come_and_go_without_leaks() {
    let _ = rlimit::increase_nofile_limit(8192);
    let mut server = TestServer::start(Backend::Sqlite).await;
    let pid = server.pid();
    const N: usize = 2000;
    // The first rounds grow the allocator's pools to their working size.
    // After that, a leak grows memory by the same amount every round, while
    // the allocator's own growth comes in uneven steps (+1.7, +1.6, +0.4,
    // +0.2, +0.3 MB on one machine, flat on another): the smallest growth
    // of the measured rounds is what a leak cannot hide under.
    const WARM_UP: usize = 5;
    const MEASURED: usize = 5;
    let mut sizes = Vec::new();
    for round in 0..WARM_UP + MEASURED {
        let streams = open_streams(&server, N).await;
        assert_eq!(live_connections(&server).await, N, "round {round}: every stream counted");
        drop(streams);
        let mut open = usize::MAX;
        for _ in 0..100 {
            open = live_connections(&server).await;
            if open == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(open, 0, "round {round}: every stream ended with its connection");
        if round + 1 >= WARM_UP {
            sizes.push(rss_kib(pid));
        }
    }
    let least = sizes.windows(2).map(|w| w[1].saturating_sub(w[0])).min().unwrap_or(0);
    let per_stream = least * 1024 / N as u64;
    eprintln!(
        "resident memory after each round: {sizes:?} KiB; the least growth is {per_stream} bytes per stream"
    );
    assert!(per_stream < 300, "streams that ended leave memory behind in every round: {sizes:?} KiB");

    // Open streams do not hold up a graceful shutdown.
    let _streams = open_streams(&server, 50).await;
    let mut child = server.take_child();
    let pid = child.id().expect("pid");
    let killed = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    assert!(status.is_ok_and(|s| s.is_ok_and(|s| s.success())), "shut down cleanly with streams open");
}

/// Reads a response head (through the blank line) from a raw connection.
async fn read_head(stream: &mut tokio::net::TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut byte))
            .await
            .expect("the head arrives")
            .expect("read");
        assert_eq!(read, 1, "the connection closed inside the head: {}", String::from_utf8_lossy(&head));
        head.push(byte[0]);
    }
    String::from_utf8(head).expect("a text head").to_ascii_lowercase()
}

/// Reads whatever arrives within `wait`, until the connection closes.
async fn read_rest(stream: &mut tokio::net::TcpStream, wait: Duration) -> (String, bool) {
    let mut text = Vec::new();
    let mut chunk = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&text).into_owned(), true),
            Ok(Ok(n)) => text.extend_from_slice(&chunk[..n]),
            Err(_) => return (String::from_utf8_lossy(&text).into_owned(), false),
        }
    }
}

/// A connection that opens with a stream request is served by the lean
/// stream writer (chunked, `Connection: close`); a stream asked for on a
/// kept-alive connection is served by hyper; both carry the same events.
/// Bad heads on the lean path get a clear 4xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_on_fresh_and_kept_alive_connections() {
    let server = TestServer::start(Backend::Sqlite).await;
    let token = editor_token(&server, "paths@example.com").await;
    let address = server.base.trim_start_matches("http://").to_owned();
    let connect = || async { tokio::net::TcpStream::connect(&address).await.expect("connect") };

    // A fresh connection, its head sent in two pieces a moment apart.
    let mut fresh = connect().await;
    fresh.write_all(b"GET /en/newsfeed/events?section=world HTTP/1.1\r\nho").await.expect("write");
    tokio::time::sleep(Duration::from_millis(100)).await;
    fresh.write_all(b"st: x\r\naccept: text/event-stream\r\n\r\n").await.expect("write");
    let head = read_head(&mut fresh).await;
    assert!(head.starts_with("http/1.1 200 ok\r\n"), "{head}");
    for expected in [
        "content-type: text/event-stream",
        "cache-control: no-store",
        "transfer-encoding: chunked",
        "connection: close",
        "x-content-type-options: nosniff",
        "date: ",
    ] {
        assert!(head.contains(expected), "{expected:?} in {head}");
    }

    // A kept-alive connection: a page first, then the stream.
    let mut kept = connect().await;
    kept.write_all(b"GET /en/newsfeed HTTP/1.1\r\nhost: x\r\n\r\n").await.expect("write");
    let page_head = read_head(&mut kept).await;
    assert!(page_head.starts_with("http/1.1 200"), "{page_head}");
    let length: usize = page_head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("a page with a length: {page_head}"));
    let mut page = vec![0u8; length];
    kept.read_exact(&mut page).await.expect("the page");
    kept.write_all(b"GET /en/newsfeed/events?section=world HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .expect("write");
    let head = read_head(&mut kept).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        head.contains("content-type: text/event-stream") && !head.contains("connection: close"),
        "{head}"
    );

    // An HTTP/1.0 client gets the events unframed, until the close.
    let mut old = connect().await;
    old.write_all(b"GET /en/newsfeed/events HTTP/1.0\r\n\r\n").await.expect("write");
    let head = read_head(&mut old).await;
    assert!(
        head.contains("content-type: text/event-stream") && !head.contains("transfer-encoding"),
        "{head}"
    );

    publish_story(&server.base, &token, "world", "Lighthouse keepers return to the cape", false).await;
    for (name, stream, framed) in
        [("fresh", &mut fresh, true), ("kept", &mut kept, true), ("1.0", &mut old, false)]
    {
        let mut text = String::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while !text.contains("Lighthouse keepers") {
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout_at(deadline, stream.read(&mut chunk))
                .await
                .unwrap_or_else(|_| panic!("{name}: the story arrives: {text}"))
                .expect("read");
            assert!(n > 0, "{name}: the stream stays open: {text}");
            text.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
        assert!(text.contains("retry: 3000\n\n") && text.contains("event: published\n"), "{name}: {text}");
        // Chunked framing: a size line in hex before the retry hint.
        assert_eq!(
            text.to_ascii_lowercase().starts_with("d\r\nretry: 3000\n\n\r\n"),
            framed,
            "{name}: {text:?}"
        );
    }

    // Refusals on a fresh connection: the router's answer, then the close.
    let cases: [(&[u8], &str, &str); 5] = [
        (
            b"GET /en/newsfeed/events HTTP/1.1\r\nhost: x\r\nlast-event-id: abc\r\n\r\n",
            "400",
            "Last-Event-ID must be",
        ),
        (b"GET /zz/newsfeed/events HTTP/1.1\r\nhost: x\r\n\r\n", "404", ""),
        (b"GET /en/newsfeed/events?colour=red HTTP/1.1\r\nhost: x\r\n\r\n", "400", "the filters are"),
        (
            b"GET /en/newsfeed/events HTTP/1.1\r\nno colon here\r\n\r\n",
            "400",
            "the request head is malformed",
        ),
        (b"GET /en/newsfeed/events HTTP/1.1\r\nhost: x\r\nbad\x01name: 1\r\n\r\n", "400", "malformed"),
    ];
    for (request, status, message) in cases {
        let mut stream = connect().await;
        stream.write_all(request).await.expect("write");
        let (text, closed) = read_rest(&mut stream, Duration::from_secs(5)).await;
        assert!(closed, "the connection closes after a refusal: {text}");
        assert!(
            text.starts_with(&format!("HTTP/1.1 {status} ")),
            "{}: {text}",
            String::from_utf8_lossy(request)
        );
        assert!(text.to_ascii_lowercase().contains("connection: close"), "{text}");
        assert!(visible_text(&text).contains(message), "{message:?} in {text}");
    }
    // A head larger than any stream needs.
    let mut huge = connect().await;
    let mut request = b"GET /en/newsfeed/events HTTP/1.1\r\nhost: x\r\n".to_vec();
    for n in 0..1000 {
        request.extend_from_slice(format!("x-filler-{n}: {}\r\n", "y".repeat(80)).as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let _ = huge.write_all(&request).await;
    let (text, _) = read_rest(&mut huge, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 431 "), "{}", &text[..text.len().min(200)]);
    // A client that leaves before finishing its head, and one that sends
    // bytes that are not HTTP, leave the server serving.
    let mut gone = connect().await;
    gone.write_all(b"GET /en/newsfeed/events HTTP/1.1\r\nhost").await.expect("write");
    drop(gone);
    let mut noise = connect().await;
    noise.write_all(b"GET /en/newsfeed/events \x00\x01\x02\r\n\r\n").await.expect("write");
    let (text, closed) = read_rest(&mut noise, Duration::from_secs(5)).await;
    assert!(closed && text.starts_with("HTTP/1.1 400 "), "{text}");
    assert_eq!(server.get("/en/newsfeed").await.status(), StatusCode::OK);
}

/// An editor runs a live blog: entries reach readers' open pages as they
/// are posted, corrected and deleted, and stay on the page as its record.
pub async fn live_blog_entries_arrive_and_stay(backend: Backend) {
    use crate::accounts::{csrf_of, get};
    let server = TestServer::start(backend).await;
    let token = editor_token(&server, "blog-desk@example.com").await;
    let id = publish_story(&server.base, &token, "world", "Storm makes landfall: live", false).await;
    let story: Value = server.get(&format!("/api/v1/articles/{id}")).await.json().await.expect("json");
    let public = story["url"].as_str().expect("url").trim_start_matches(&server.base).to_owned();
    let editor = crate::newsroom::staff(&server, "blogger@example.com", "editor", &[]).await;
    let page = get(&editor, &server, &format!("/newsroom/articles/{id}")).await.text().await.expect("editor");
    assert!(page.contains("Live blog") && page.contains("Post entry"), "the editor offers a live blog");
    let csrf = csrf_of(&page);
    let post = |action: &'static str, entry: String, text: String, csrf: String| {
        editor
            .post(server.url(&format!("/newsroom/articles/{id}/live")))
            .form(&[("csrf", csrf), ("action", action.to_owned()), ("entry", entry), ("text", text)])
            .send()
    };
    let mut stream =
        EventStream::open(&server.base, &format!("/en/newsfeed/events?article={id}"), None).await;
    assert!(stream.until("retry: ", Duration::from_secs(5)).await);

    let posted = post("post", String::new(), "Winds of **150 km/h** reach the coast.".into(), csrf.clone())
        .await
        .expect("post");
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert!(stream.until("event: entry-added", Duration::from_secs(5)).await, "{}", stream.text);
    assert!(stream.text.contains("<strong>150 km/h</strong>"), "the entry's HTML: {}", stream.text);
    let data: Value = serde_json::from_str(
        stream
            .text
            .split("\n\n")
            .find(|e| e.contains("entry-added"))
            .and_then(|e| e.lines().find_map(|l| l.strip_prefix("data: ")))
            .expect("data"),
    )
    .expect("JSON");
    let entry = data["entry_id"].as_i64().expect("entry id").to_string();
    let reader_page = server.page(&public).await;
    assert!(reader_page.contains("Live updates") && reader_page.contains(&format!("id=\"entry-{entry}\"")));
    assert!(reader_page.contains("<strong>150 km/h</strong>"));

    // A second entry goes on top.
    post("post", String::new(), "The river has burst its banks.".into(), csrf.clone()).await.expect("post");
    assert!(stream.until("burst its banks", Duration::from_secs(5)).await);
    let reader_page = server.page(&public).await;
    let newer = reader_page.find("burst its banks").expect("second entry");
    let older = reader_page.find("150 km/h").expect("first entry");
    assert!(newer < older, "newest first");

    // A correction replaces the text and says so.
    let corrected =
        post("correct", entry.clone(), "Winds of **160 km/h** reach the coast.".into(), csrf.clone())
            .await
            .expect("post");
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    assert!(stream.until("event: entry-corrected", Duration::from_secs(5)).await);
    assert!(stream.text.contains("\"corrected\":true"));
    let reader_page = server.page(&public).await;
    assert!(reader_page.contains("160 km/h") && !reader_page.contains("150 km/h"));
    assert!(visible_text(&reader_page).contains("Corrected"));

    // Bad input: a clear 4xx, nothing written.
    let cases: [(&'static str, &str, String, StatusCode, &str); 5] = [
        ("post", "", "   ".into(), StatusCode::BAD_REQUEST, "The entry is empty."),
        ("post", "", "x".repeat(5001), StatusCode::BAD_REQUEST, "At most 5000 characters."),
        (
            "correct",
            "abc",
            "Text.".into(),
            StatusCode::BAD_REQUEST,
            "There is no such entry in this live blog.",
        ),
        ("correct", "999999", "Text.".into(), StatusCode::NOT_FOUND, ""),
        ("launch", "", "Text.".into(), StatusCode::BAD_REQUEST, "action must be post, correct or delete"),
    ];
    for (action, entry_id, text, status, message) in cases {
        let refused = post(action, entry_id.to_owned(), text, csrf.clone()).await.expect("post");
        assert_eq!(refused.status(), status, "{action} {entry_id}");
        assert!(visible_text(&refused.text().await.expect("body")).contains(message), "{action}: {message}");
    }
    let forged = post("post", String::new(), "Forged.".into(), "forged".into()).await.expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let missing = editor
        .post(server.url("/newsroom/articles/999999/live"))
        .form(&[("csrf", csrf.as_str()), ("action", "post"), ("text", "Lost.")])
        .send()
        .await
        .expect("post");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let reader_page = server.page(&public).await;
    assert_eq!(reader_page.matches("class=\"live-entry\"").count(), 2, "nothing written by the refusals");

    // Deleting an entry posted by mistake removes it everywhere.
    post("delete", entry.clone(), String::new(), csrf.clone()).await.expect("post");
    assert!(stream.until("event: entry-removed", Duration::from_secs(5)).await);
    let reader_page = server.page(&public).await;
    assert!(!reader_page.contains("160 km/h") && reader_page.contains("burst its banks"));
}
