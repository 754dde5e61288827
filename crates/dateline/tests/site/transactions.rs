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
        ("content version", "SELECT version FROM content_version WHERE id = 1".to_owned()),
    ] {
        found.push((what, server.count(&sql).await));
    }
    found
}

pub async fn a_story_stopped_at_any_step_leaves_nothing(backend: Backend) {
    if !cfg!(feature = "failpoints") {
        assert!(
            std::env::var("DATELINE_TEST_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "the failpoint tests need `cargo test --features dateline/failpoints` (scripts/test does it)"
        );
        eprintln!("SKIPPED a_story_stopped_at_any_step_leaves_nothing: built without the failpoints feature");
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
        "store.bump_content_version",
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
