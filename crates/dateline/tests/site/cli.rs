//! The binary: commands, settings, start-up failures, shutdown, operations.

use std::time::Duration;

use crate::support::{Backend, TestServer, binary, command};

pub async fn operations_endpoints(backend: Backend) {
    let server = TestServer::start(backend).await;
    assert_eq!(server.page("/healthz").await, "ok\n");
    let ready = server.page("/readyz").await;
    let expected = match backend {
        Backend::Sqlite => "ready (sqlite)\n",
        Backend::Postgres => "ready (postgres)\n",
    };
    assert_eq!(ready, expected);
    server.page("/en/").await;
    server.page("/en/").await;
    let metrics = server.page("/metrics").await;
    assert!(metrics.contains("dateline_http_requests_total{"), "{metrics}");
    assert!(metrics.contains("route=\"/{edition}/\""), "requests are labelled by route: {metrics}");
    assert!(metrics.contains("dateline_page_cache_hits_total"), "{metrics}");
}

pub async fn first_start_fills_an_empty_store(backend: Backend) {
    let server = TestServer::start_empty(backend, &[]).await;
    let home = server.page("/en/").await;
    assert!(crate::support::article_links(&home, "en").len() >= 10);
    let media = std::fs::read_dir(server.dir.path().join("media/photos")).expect("photos written").count();
    assert!(media >= 20, "demo photos on disk: {media}");

    let bare = TestServer::start_empty(backend, &["--no-demo"]).await;
    let response = bare.get("/").await;
    assert_eq!(response.status(), 404, "no editions without demo content");
    assert_eq!(bare.page("/api/v1/editions").await, "[]");
}

pub async fn graceful_shutdown_on_sigterm(backend: Backend) {
    let mut server = TestServer::start(backend).await;
    server.page("/en/").await;
    let mut child = server.take_child();
    let pid = child.id().expect("pid");
    let killed = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits within 10 s")
        .expect("wait");
    assert!(status.success(), "exit status {status}");
    let log = std::fs::read_to_string(server.dir.path().join("server.log")).unwrap_or_default();
    assert!(!log.contains("panicked"), "{log}");
}

/// Runs `dateline ARGS` in `dir` and returns (success, stdout, stderr).
async fn run(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut command = command(dir);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("finishes within a minute")
        .expect("runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn help_explains_every_command() {
    let dir = tempfile::TempDir::new().expect("dir");
    let (ok, out, _) = run(dir.path(), &["--help"], &[]).await;
    assert!(ok);
    for needle in ["serve", "migrate", "demo", "--data-dir", "--database-url", "DATELINE_DATABASE_URL"] {
        assert!(out.contains(needle), "--help mentions {needle}:\n{out}");
    }
    let (ok, out, _) = run(dir.path(), &["serve", "--help"], &[]).await;
    assert!(ok);
    for needle in ["--listen", "--no-demo", "--print-config", "DATELINE_LISTEN"] {
        assert!(out.contains(needle), "serve --help mentions {needle}:\n{out}");
    }
}

#[tokio::test]
async fn settings_come_from_flags_then_environment_then_file() {
    let dir = tempfile::TempDir::new().expect("dir");
    std::fs::write(
        dir.path().join("dateline.toml"),
        "site_name = \"From file\"\nlisten = \"127.0.0.1:9100\"\ndatabase_url = \"postgres://app:hunter2@db.internal/news\"\n",
    )
    .expect("write config");
    let (ok, out, err) = run(dir.path(), &["serve", "--print-config"], &[]).await;
    assert!(ok, "{err}");
    assert!(out.contains("site_name = \"From file\""), "{out}");
    assert!(out.contains("listen = \"127.0.0.1:9100\""));
    assert!(!out.contains("hunter2"), "the password is redacted: {out}");
    assert!(out.contains("postgres://app:***@db.internal/news"));

    let env = [("DATELINE_SITE_NAME", "From env"), ("DATELINE_LISTEN", "127.0.0.1:9200")];
    let (_, out, _) = run(dir.path(), &["serve", "--print-config"], &env).await;
    assert!(out.contains("site_name = \"From env\"") && out.contains("127.0.0.1:9200"), "{out}");

    let (_, out, _) = run(dir.path(), &["serve", "--print-config", "--site-name", "From flag"], &env).await;
    assert!(out.contains("site_name = \"From flag\"") && out.contains("127.0.0.1:9200"), "{out}");
}

#[tokio::test]
async fn bad_configuration_is_one_clear_error() {
    let dir = tempfile::TempDir::new().expect("dir");
    std::fs::write(dir.path().join("dateline.toml"), "lisen = \"127.0.0.1:1\"\n").expect("write");
    let (ok, _, err) = run(dir.path(), &["serve", "--print-config"], &[]).await;
    assert!(!ok);
    assert!(err.starts_with("error: dateline.toml is not a valid Dateline configuration"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[tokio::test]
async fn corrupt_database_is_one_clear_error() {
    let dir = tempfile::TempDir::new().expect("dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("dateline.db"), vec![0x5a_u8; 8192]).expect("write garbage");
    let (ok, _, err) = run(dir.path(), &["serve", "--listen", "127.0.0.1:0"], &[]).await;
    assert!(!ok, "must exit non-zero");
    let last = err.trim_end().lines().last().unwrap_or_default();
    assert!(last.starts_with("error: could not "), "{err}");
    assert!(last.contains("dateline.db"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[tokio::test]
async fn unreachable_database_is_one_clear_error() {
    let dir = tempfile::TempDir::new().expect("dir");
    let started = std::time::Instant::now();
    let (ok, _, err) =
        run(dir.path(), &["serve", "--database-url", "postgres://postgres@127.0.0.1:1/nothing"], &[]).await;
    assert!(!ok);
    let last = err.trim_end().lines().last().unwrap_or_default();
    assert!(last.starts_with("error: could not connect to postgres://postgres@127.0.0.1:1/nothing"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
    let (ok, _, err) = run(dir.path(), &["migrate", "--database-url", "mysql://x@y/z"], &[]).await;
    assert!(!ok);
    assert!(err.contains("unsupported database URL"), "{err}");
}

#[tokio::test]
async fn migrate_and_demo_commands() {
    let dir = tempfile::TempDir::new().expect("dir");
    let (ok, _, err) = run(dir.path(), &["migrate"], &[]).await;
    assert!(ok, "{err}");
    let (ok, _, err) = run(dir.path(), &["migrate"], &[]).await;
    assert!(ok, "migrating twice is a no-op: {err}");
    assert!(dir.path().join("data/dateline.db").exists());
    let (ok, _, err) = run(dir.path(), &["demo"], &[]).await;
    assert!(ok, "{err}");
    let (ok, _, err) = run(dir.path(), &["demo"], &[]).await;
    assert!(!ok, "demo refuses a store with content");
    assert!(err.contains("already has content"), "{err}");
    assert!(binary().ends_with("dateline"));
}
