//! One action, one transaction: an action stopped at any step leaves
//! nothing of itself in the database — no story without its revision, no
//! scheduled story without its publication job, no change without its
//! audit entry, the live event other nodes follow, or the content version
//! that tells every node's caches.
//!
//! The store's failpoints (`FAILPOINTS=store.<step>=return`, compiled in
//! with the `failpoints` feature that `scripts/test` turns on) fail the
//! named step of every action the server takes.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_write::{call, story, token_for};
use crate::support::{Backend, TestServer};

/// True when the server was built with failpoints; otherwise the test
/// says it is skipped (and fails where `scripts/test` requires every tool).
fn failpoints_built(test: &str) -> bool {
    if cfg!(feature = "failpoints") {
        return true;
    }
    assert!(
        std::env::var("DATELINE_TEST_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "the failpoint tests need `cargo test --features dateline/failpoints` (scripts/test does it)"
    );
    eprintln!("SKIPPED {test}: built without the failpoints feature");
    false
}

/// A `--config` file for a test server with these settings; keep the
/// directory alive as long as the server.
fn settings(lines: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dateline.toml");
    std::fs::write(&path, lines).expect("write config");
    let path = path.to_str().expect("utf-8 path").to_owned();
    (dir, path)
}

/// Everything a story's actions write, counted in the database.
async fn footprint(server: &TestServer, headline: &str) -> Vec<(&'static str, i64)> {
    let quoted = headline.replace('\'', "''");
    let mut found = Vec::new();
    for (what, sql) in [
        ("articles", format!("SELECT COUNT(*) FROM articles WHERE headline = '{quoted}'")),
        (
            "versions",
            format!(
                "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM articles WHERE headline = '{quoted}'"
            ),
        ),
        (
            "scheduled or published",
            format!("SELECT COUNT(*) FROM articles WHERE headline = '{quoted}' AND status <> 'draft'"),
        ),
        ("revisions", format!("SELECT COUNT(*) FROM article_revisions WHERE snapshot LIKE '%{quoted}%'")),
        ("audit entries", format!("SELECT COUNT(*) FROM audit_log WHERE detail = '{quoted}'")),
        ("live events", format!("SELECT COUNT(*) FROM live_events WHERE data LIKE '%{quoted}%'")),
        ("tags", "SELECT COUNT(*) FROM tags WHERE name = 'Half-done actions'".to_owned()),
        (
            "pending jobs",
            "SELECT COUNT(*) FROM jobs WHERE kind = 'publish_article' AND done_at IS NULL".to_owned(),
        ),
        (
            "follow-ups (alert, WebSub ping)",
            "SELECT COUNT(*) FROM jobs WHERE kind = 'story_changed'".to_owned(),
        ),
        ("content version", "SELECT version FROM content_version WHERE id = 1".to_owned()),
    ] {
        found.push((what, server.count(&sql).await));
    }
    found
}

pub async fn a_story_stopped_at_any_step_leaves_nothing(backend: Backend) {
    if !failpoints_built("a_story_stopped_at_any_step_leaves_nothing") {
        return;
    }
    let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    for step in [
        "store.ensure_tag",
        "store.create_article",
        "store.update_article",
        "store.cancel_jobs",
        "store.enqueue_job",
        "store.add_revision",
        "store.record_audit",
        "store.record_page_change",
        "store.append_live_event",
        "store.commit",
    ] {
        let failpoints = format!("{step}=return");
        let server = TestServer::start_with_env(backend, &[], &[("FAILPOINTS", failpoints.as_str())]).await;
        let token = token_for(&server, "desk@example.com", "editor").await;
        let headline = format!("Half-done at {step}");
        let mut draft = story(&headline);
        draft["tags"] = json!(["Half-done actions"]);
        // A story's life — written, scheduled, published — until the step
        // fails one of its actions; that action must leave no trace.
        let mut id: Option<i64> = None;
        let mut stopped = None;
        for action in ["create", "schedule", "publish"] {
            let before = footprint(&server, &headline).await;
            let (status, answer): (StatusCode, Value) = match (action, id) {
                ("create", _) => {
                    call(&server, Method::POST, "/api/v1/articles", &token, Some(draft.clone())).await
                }
                (transition, Some(id)) => {
                    let body = match transition {
                        "schedule" => json!({ "action": "schedule", "publish_at": tomorrow }),
                        _ => json!({ "action": "publish" }),
                    };
                    call(
                        &server,
                        Method::POST,
                        &format!("/api/v1/articles/{id}/transitions"),
                        &token,
                        Some(body),
                    )
                    .await
                }
                _ => unreachable!("created first"),
            };
            if status.is_success() {
                id = id.or_else(|| answer["id"].as_i64());
                continue;
            }
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{step}, {action}: {answer}");
            let after = footprint(&server, &headline).await;
            assert_eq!(before, after, "stopped at {step}, the {action} left a trace behind");
            stopped = Some(action);
            break;
        }
        assert!(stopped.is_some(), "no action of a story's life reached {step}");
    }
}

/// Everything a moderation decision on comment `id` writes, counted.
async fn moderation_footprint(server: &TestServer, id: i64) -> Vec<(&'static str, i64)> {
    let mut found = Vec::new();
    for (what, sql) in [
        ("approved", format!("SELECT COUNT(*) FROM comments WHERE id = {id} AND status = 'approved'")),
        ("rejected", format!("SELECT COUNT(*) FROM comments WHERE id = {id} AND status = 'rejected'")),
        ("comment counts", "SELECT CAST(COALESCE(SUM(comment_count), 0) AS BIGINT) FROM articles".to_owned()),
        ("bans", "SELECT COUNT(*) FROM users WHERE banned_until IS NOT NULL".to_owned()),
        ("audit entries", "SELECT COUNT(*) FROM audit_log".to_owned()),
        (
            "open reports",
            format!("SELECT COUNT(*) FROM comment_reports WHERE comment_id = {id} AND resolved_at IS NULL"),
        ),
        ("mails", "SELECT COUNT(*) FROM jobs WHERE kind = 'send_mail'".to_owned()),
        ("live events", "SELECT COUNT(*) FROM live_events WHERE kind LIKE 'comment-%'".to_owned()),
    ] {
        found.push((what, server.count(&sql).await));
    }
    found
}

pub async fn a_moderation_decision_stopped_at_any_step_leaves_nothing(backend: Backend) {
    if !failpoints_built("a_moderation_decision_stopped_at_any_step_leaves_nothing") {
        return;
    }
    for step in [
        "store.set_comment_status",
        "store.record_audit",
        "store.set_ban",
        "store.resolve_reports",
        "store.enqueue_job",
        "store.append_live_event",
        "store.commit",
    ] {
        // Posting the comment passes these steps once, before the decision.
        let failpoints = if matches!(step, "store.append_live_event" | "store.commit") {
            format!("{step}=1*off->return")
        } else {
            format!("{step}=return")
        };
        // Comments appear at once here; another reader reports this one.
        let (_config, config) = settings("comments_hold_first = 0\n");
        let flags = ["--config", config.as_str()];
        let server =
            TestServer::start_with_env(backend, &flags, &[("FAILPOINTS", failpoints.as_str())]).await;
        let latest: Value =
            server.get("/api/v1/articles?edition=en&limit=1").await.json().await.expect("json");
        let article = latest["items"][0]["id"].as_i64().expect("a story");
        let author = token_for(&server, "author@example.com", "reader").await;
        let reporter = token_for(&server, "reporter@example.com", "reader").await;
        let path = format!("/api/v1/articles/{article}/comments");
        let (status, posted) =
            call(&server, Method::POST, &path, &author, Some(json!({"text": "Buy cheap watches"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
        let id = posted["id"].as_i64().expect("comment id");
        let report = format!("/api/v1/comments/{id}/reports");
        let (status, reported) =
            call(&server, Method::POST, &report, &reporter, Some(json!({"reason": "spam"}))).await;
        assert!(status.is_success(), "{reported}");
        let moderator = crate::newsroom::staff(&server, "moderator@example.com", "editor", &[]).await;
        // Reject with a ban, then approve: the step fails one of them, and
        // that one must leave no trace.
        let mut stopped = None;
        for (action, ban) in [("ban", "1d"), ("approve", "")] {
            let before = moderation_footprint(&server, id).await;
            let queue = crate::accounts::get(&moderator, &server, "/newsroom/comments?view=rejected").await;
            let csrf = crate::accounts::csrf_of(&queue.text().await.expect("queue"));
            let decided = moderator
                .post(server.url(&format!("/newsroom/comments/{id}")))
                .form(&[("csrf", csrf.as_str()), ("action", action), ("ban", ban), ("view", "reported")])
                .send()
                .await
                .expect("POST");
            if decided.status() == StatusCode::SEE_OTHER {
                continue;
            }
            assert_eq!(decided.status(), StatusCode::SERVICE_UNAVAILABLE, "{step}, {action}");
            let after = moderation_footprint(&server, id).await;
            assert_eq!(before, after, "stopped at {step}, the decision to {action} left a trace behind");
            stopped = Some(action);
            break;
        }
        assert!(stopped.is_some(), "no decision reached {step}");
    }
}

/// Invariants any crash must keep: every story written through the
/// newsroom or the API has its revision and its audit entry, every
/// scheduled story exactly one pending publication job, every moderation
/// decision its audit entry, and every account's ban state the one its
/// latest ban or unban entry in the audit log says.
async fn broken_invariants(server: &TestServer) -> Vec<(&'static str, i64)> {
    let mut broken = Vec::new();
    for (what, sql) in [
        (
            "stories without a revision",
            "SELECT COUNT(*) FROM articles a WHERE a.created_by IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM article_revisions r WHERE r.article_id = a.id)",
        ),
        (
            "stories without an audit entry",
            "SELECT COUNT(*) FROM articles a WHERE a.created_by IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.subject = 'article ' || CAST(a.id AS TEXT))",
        ),
        (
            "scheduled stories without exactly one pending job",
            "SELECT COUNT(*) FROM articles a WHERE a.status = 'scheduled' AND (SELECT COUNT(*) FROM jobs j \
             WHERE j.kind = 'publish_article' AND j.payload = CAST(a.id AS TEXT) AND j.done_at IS NULL) <> 1",
        ),
        (
            "pending jobs of stories that are not scheduled",
            "SELECT COUNT(*) FROM jobs j WHERE j.kind = 'publish_article' AND j.done_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM articles a WHERE CAST(a.id AS TEXT) = j.payload AND a.status = 'scheduled')",
        ),
        (
            "moderated comments without an audit entry",
            "SELECT COUNT(*) FROM comments c WHERE c.moderated_by IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.subject = 'comment ' || CAST(c.id AS TEXT))",
        ),
        (
            "accounts whose ban the audit log does not explain",
            "SELECT COUNT(*) FROM users u WHERE \
             COALESCE((SELECT l.action FROM audit_log l WHERE l.action IN ('user.ban', 'user.unban') \
                       AND l.subject LIKE 'user ' || CAST(u.id AS TEXT) || ' (%' ORDER BY l.id DESC LIMIT 1), \
                      'user.unban') \
             <> CASE WHEN u.banned_until IS NULL THEN 'user.unban' ELSE 'user.ban' END",
        ),
    ] {
        let count = server.count(sql).await;
        if count != 0 {
            broken.push((what, count));
        }
    }
    broken
}

/// Creates and schedules stories through the API until the server goes
/// away; returns how many it scheduled.
async fn write_stories(base: String, token: String, label: String) -> u32 {
    let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    let client = reqwest::Client::new();
    let mut done = 0;
    for n in 0.. {
        let headline = format!("Crash {label}, story {n}");
        let Ok(created) = client
            .post(format!("{base}/api/v1/articles"))
            .bearer_auth(&token)
            .json(&story(&headline))
            .send()
            .await
        else {
            break; // the server is gone
        };
        let Ok(created) = created.json::<Value>().await else { break };
        let Some(id) = created["id"].as_i64() else { break };
        let body = json!({ "action": "schedule", "publish_at": tomorrow });
        let scheduled = client
            .post(format!("{base}/api/v1/articles/{id}/transitions"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await;
        if !scheduled.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        done += 1;
    }
    done
}

/// A reader comments, a moderator rejects the comment with a ban, then
/// lifts the ban, over and over until the server goes away; returns how
/// many rounds it finished.
async fn moderate(
    base: String,
    moderator: reqwest::Client,
    reader: String,
    reader_id: i64,
    article: i64,
) -> u32 {
    let Ok(queue) = moderator.get(format!("{base}/newsroom/comments/settings")).send().await else {
        return 0;
    };
    let Ok(page) = queue.text().await else { return 0 };
    let csrf = crate::accounts::csrf_of(&page);
    let client = reqwest::Client::new();
    let mut done = 0;
    loop {
        let Ok(posted) = client
            .post(format!("{base}/api/v1/articles/{article}/comments"))
            .bearer_auth(&reader)
            .json(&json!({"text": format!("Comment number {done}")}))
            .send()
            .await
        else {
            break;
        };
        let Ok(posted) = posted.json::<Value>().await else { break };
        let Some(id) = posted["id"].as_i64() else { break };
        let form = [("csrf", csrf.as_str()), ("action", "ban"), ("ban", "1d"), ("view", "pending")];
        let banned = moderator.post(format!("{base}/newsroom/comments/{id}")).form(&form).send().await;
        if !banned.is_ok_and(|r| r.status() == StatusCode::SEE_OTHER) {
            break;
        }
        let user = reader_id.to_string();
        let form = [("csrf", csrf.as_str()), ("what", "unban"), ("user", user.as_str())];
        let lifted = moderator.post(format!("{base}/newsroom/comments/settings")).form(&form).send().await;
        if !lifted.is_ok_and(|r| r.status() == StatusCode::SEE_OTHER) {
            break;
        }
        done += 1;
    }
    done
}

/// Killed (SIGKILL) while clients create and schedule stories and a
/// moderator bans and unbans a commenting reader, a few times over, the
/// store keeps every invariant: no action is half-done. (`bench/crash.sh`
/// runs the same on a release build for longer: `DATELINE_CRASH_ROUNDS`.)
pub async fn killed_while_writing_no_action_is_half_done(backend: Backend) {
    let (_config, config) = settings("comments_per_minute = 100000\n");
    let flags = ["--config", config.as_str()];
    let mut server = TestServer::start_with_env(backend, &flags, &[]).await;
    let token = token_for(&server, "desk@example.com", "editor").await;
    let reader = token_for(&server, "reader@example.com", "reader").await;
    let reader_id = server.count("SELECT id FROM users WHERE email = 'reader@example.com'").await;
    let moderator = crate::newsroom::staff(&server, "moderator@example.com", "editor", &[]).await;
    let latest: Value = server.get("/api/v1/articles?edition=en&limit=1").await.json().await.expect("json");
    let article = latest["items"][0]["id"].as_i64().expect("a story");
    // bench/crash.sh sets more rounds.
    let rounds: u64 = std::env::var("DATELINE_CRASH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(4);
    let (mut stories, mut decisions) = (0, 0);
    for round in 0..rounds {
        let writers: Vec<_> = (0..2)
            .map(|writer| {
                tokio::spawn(write_stories(server.base.clone(), token.clone(), format!("{round}.{writer}")))
            })
            .collect();
        let moderation = tokio::spawn(moderate(
            server.base.clone(),
            moderator.clone(),
            reader.clone(),
            reader_id,
            article,
        ));
        // Let them write for a while, then kill the server mid-write (long
        // enough for a few moderation rounds when every suite runs at once).
        tokio::time::sleep(std::time::Duration::from_millis(1200 + 150 * (round % 8))).await;
        server.restart().await;
        for writer in writers {
            stories += writer.await.unwrap_or(0);
        }
        decisions += moderation.await.unwrap_or(0);
    }
    eprintln!("{stories} stories scheduled and {decisions} bans given and lifted across {rounds} kills");
    assert!(stories > 10, "the clients scheduled only {stories} stories");
    assert!(decisions > 3, "the moderator decided only {decisions} times");
    let broken = broken_invariants(&server).await;
    assert!(broken.is_empty(), "after 4 crashes under load: {broken:?}");
}

/// Everything a chat room's creation or save writes, counted.
async fn chat_footprint(server: &TestServer) -> Vec<(&'static str, i64)> {
    let mut found = Vec::new();
    for (what, sql) in [
        ("rooms", "SELECT COUNT(*) FROM chat_rooms"),
        ("closed rooms", "SELECT COUNT(*) FROM chat_rooms WHERE closed_at IS NOT NULL"),
        ("slow rooms", "SELECT COUNT(*) FROM chat_rooms WHERE slow_mode_seconds > 0"),
        ("audit entries", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'chat.%'"),
        ("chat events", "SELECT COUNT(*) FROM chat_events"),
        ("content version", "SELECT version FROM content_version"),
    ] {
        found.push((what, server.count(sql).await));
    }
    found
}

/// A chat room opened or changed in the newsroom: the room, its audit
/// entry, the event its open sockets follow and the content version that
/// refreshes the story's page commit together or not at all.
pub async fn a_chat_room_change_stopped_at_any_step_leaves_nothing(backend: Backend) {
    if !failpoints_built("a_chat_room_change_stopped_at_any_step_leaves_nothing") {
        return;
    }
    for step in [
        "store.create_chat_room",
        "store.update_chat_room",
        "store.record_audit",
        "store.append_chat_event",
        "store.record_page_change",
        "store.commit",
    ] {
        let failpoints = format!("{step}=return");
        let server = TestServer::start_with_env(backend, &[], &[("FAILPOINTS", failpoints.as_str())]).await;
        let editor = crate::newsroom::staff(&server, "chats@example.com", "editor", &[]).await;
        let mut stopped = None;
        // Open a room, then close it with slow mode on: the step fails
        // one of them, and that one must leave no trace.
        for action in ["create", "save"] {
            let before = chat_footprint(&server).await;
            let answer = if action == "create" {
                let page = crate::accounts::get(&editor, &server, "/newsroom/chats").await;
                let page = page.text().await.expect("page");
                let csrf = crate::accounts::csrf_of(&page);
                let edition = crate::newsroom::option_value(&page, "English");
                let form = [
                    ("csrf", csrf.as_str()),
                    ("what", "create"),
                    ("edition", edition.as_str()),
                    ("title", "Election night"),
                    ("slug", "election-night"),
                ];
                crate::accounts::post(&editor, &server, "/newsroom/chats", &form).await
            } else {
                let id = server.count("SELECT MAX(id) FROM chat_rooms").await;
                let path = format!("/newsroom/chats/{id}");
                let page = crate::accounts::get(&editor, &server, &path).await.text().await.expect("page");
                let csrf = crate::accounts::csrf_of(&page);
                let form = [
                    ("csrf", csrf.as_str()),
                    ("what", "save"),
                    ("title", "Election night"),
                    ("retention_days", "30"),
                    ("slow_mode_seconds", "10"),
                    ("closed", "on"),
                ];
                crate::accounts::post(&editor, &server, &path, &form).await
            };
            if answer.status() == StatusCode::SEE_OTHER {
                continue;
            }
            assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE, "{step}, {action}");
            let after = chat_footprint(&server).await;
            assert_eq!(before, after, "stopped at {step}, the room's {action} left a trace behind");
            stopped = Some(action);
            break;
        }
        assert!(stopped.is_some(), "neither opening nor saving a room reached {step}");
    }
}

/// A newsletter sign-up: the subscriber, the confirmation mail and the
/// mark that starts its cooldown commit together or not at all (no
/// subscriber left without their mail, no mail about a sign-up that
/// rolled back).
pub async fn a_newsletter_signup_stopped_at_any_step_leaves_nothing(backend: Backend) {
    if !failpoints_built("a_newsletter_signup_stopped_at_any_step_leaves_nothing") {
        return;
    }
    let counts = [
        "SELECT COUNT(*) FROM subscribers",
        "SELECT COUNT(*) FROM subscribers WHERE last_mailed_at IS NOT NULL",
        "SELECT COUNT(*) FROM jobs WHERE kind = 'send_mail'",
    ];
    for step in
        ["store.create_subscriber", "store.enqueue_job", "store.mark_subscriber_mailed", "store.commit"]
    {
        let failpoints = format!("{step}=return");
        let server = TestServer::start_with_env(backend, &[], &[("FAILPOINTS", failpoints.as_str())]).await;
        let before = answers(&server, &counts).await;
        let reader = server.browser();
        let fields = [("email", "ines@example.com"), ("daily", "1")];
        let answer =
            crate::accounts::submit(&reader, &server, "/en/subscribe", "/en/subscribe", &fields).await;
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE, "stopped at {step}");
        let after = answers(&server, &counts).await;
        assert_eq!(before, after, "stopped at {step}, the sign-up left a trace behind");
    }
}

/// A reader's comment: the comment, its story's count and the live event
/// open pages follow commit together or not at all.
pub async fn a_comment_stopped_at_any_step_leaves_nothing(backend: Backend) {
    if !failpoints_built("a_comment_stopped_at_any_step_leaves_nothing") {
        return;
    }
    let counts = [
        "SELECT COUNT(*) FROM comments",
        "SELECT CAST(COALESCE(SUM(comment_count), 0) AS BIGINT) FROM articles",
        "SELECT COUNT(*) FROM live_events WHERE kind LIKE 'comment-%'",
    ];
    for step in ["store.add_comment", "store.recount_comments", "store.append_live_event", "store.commit"] {
        let failpoints = format!("{step}=return");
        let (_config, config) = settings("comments_hold_first = 0\n");
        let flags = ["--config", config.as_str()];
        let server =
            TestServer::start_with_env(backend, &flags, &[("FAILPOINTS", failpoints.as_str())]).await;
        let latest: Value =
            server.get("/api/v1/articles?edition=en&limit=1").await.json().await.expect("json");
        let article = latest["items"][0]["id"].as_i64().expect("a story");
        let reader = token_for(&server, "writer@example.com", "reader").await;
        let before = answers(&server, &counts).await;
        let path = format!("/api/v1/articles/{article}/comments");
        let (status, answer) =
            call(&server, Method::POST, &path, &reader, Some(json!({"text": "A fair point, well made."})))
                .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "stopped at {step}: {answer}");
        let after = answers(&server, &counts).await;
        assert_eq!(before, after, "stopped at {step}, the comment left a trace behind");
    }
}

/// What the database answers to each of `sqls` (counts), in order.
async fn answers(server: &TestServer, sqls: &[&str]) -> Vec<i64> {
    let mut answers = Vec::with_capacity(sqls.len());
    for sql in sqls {
        answers.push(server.count(sql).await);
    }
    answers
}

/// Uploads a small photo through the API.
async fn upload(server: &TestServer, token: &str, seed: u8) -> reqwest::Response {
    let request = server.client.post(server.url("/api/v1/media")).bearer_auth(token);
    request.body(crate::matrix::tiny_png(seed)).send().await.expect("upload")
}

/// Files under the server's media directory (the local blob store).
fn stored_files(server: &TestServer) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries.flatten().map(|entry| if entry.path().is_dir() { walk(&entry.path()) } else { 1 }).sum()
        })
    }
    walk(&server.dir.path().join("media"))
}

/// A photo's upload (its record, first renditions, the job that makes its
/// sizes and the audit entry) and a change to its record (with the job a
/// moved focal point needs, and its audit entry): all or nothing, and a
/// refused upload leaves no file behind.
pub async fn a_photo_upload_or_edit_stopped_at_any_step_leaves_nothing(backend: Backend) {
    if !failpoints_built("a_photo_upload_or_edit_stopped_at_any_step_leaves_nothing") {
        return;
    }
    let counts = [
        "SELECT COUNT(*) FROM media",
        "SELECT COUNT(*) FROM media_renditions",
        "SELECT COUNT(*) FROM jobs WHERE kind = 'make_renditions'",
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'media.%'",
    ];
    for step in ["store.create_media", "store.enqueue_job", "store.record_audit", "store.commit"] {
        let failpoints = format!("{step}=return");
        let server = TestServer::start_with_env(backend, &[], &[("FAILPOINTS", failpoints.as_str())]).await;
        let token = token_for(&server, "photo-desk@example.com", "editor").await;
        let before = answers(&server, &counts).await;
        let files = stored_files(&server);
        let answer = upload(&server, &token, 7).await;
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE, "stopped at {step}");
        let after = answers(&server, &counts).await;
        assert_eq!(before, after, "stopped at {step}, the upload left a trace behind");
        assert_eq!(stored_files(&server), files, "stopped at {step}, the upload left its file behind");
    }
    let record = [
        "SELECT COUNT(*) FROM media WHERE caption = 'Harbour cranes at dusk'",
        "SELECT COUNT(*) FROM jobs WHERE kind = 'make_renditions'",
        "SELECT COUNT(*) FROM audit_log WHERE action = 'media.update'",
    ];
    let mut server = TestServer::start(backend).await;
    let token = token_for(&server, "photo-desk@example.com", "editor").await;
    let uploaded = upload(&server, &token, 9).await;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let id = uploaded.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    for step in ["store.update_media", "store.enqueue_job", "store.record_audit", "store.commit"] {
        server.restart_with_env(&[("FAILPOINTS", &format!("{step}=return"))]).await;
        let before = answers(&server, &record).await;
        let change = json!({"caption": "Harbour cranes at dusk", "focal_point": {"x": 0.2, "y": 0.3}});
        let path = format!("/api/v1/media/{id}");
        let (status, answer) = call(&server, Method::PATCH, &path, &token, Some(change)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "stopped at {step}: {answer}");
        let after = answers(&server, &record).await;
        assert_eq!(before, after, "stopped at {step}, the change to the photo left a trace behind");
    }
}
