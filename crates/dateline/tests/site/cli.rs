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
    assert_eq!(bare.page("/api/v1/editions").await, "[]");
}

/// Issue 20: a production install — no demo — is set up from the command
/// line and the newsroom's own login, and nothing on the way sends the
/// browser off the site.
pub async fn a_fresh_site_is_set_up_without_sql(backend: Backend) {
    use crate::accounts::{cli, csrf_of, location, post};
    let server = TestServer::start_empty(backend, &["--no-demo"]).await;
    let root = server.page("/").await;
    for needle in ["Dateline is running", "dateline user add", "dateline edition add", "/newsroom/login"] {
        assert!(root.contains(needle), "the root of an empty site says what to do ({needle}):\n{root}");
    }
    let newsroom = server.get("/newsroom").await;
    assert_eq!(newsroom.status(), 303);
    assert_eq!(location(&newsroom), "/newsroom/login?next=%2Fnewsroom");
    let missing = server.get("/en/").await;
    assert_eq!(missing.status(), 404);
    let text = missing.text().await.expect("body");
    assert!(text.contains("<html") && text.contains("/newsroom"), "an HTML page, not plain text: {text}");

    let (ok, out, err) = cli(
        &server,
        &["user", "add", "--email", "chief@example.org", "--role", "admin"],
        "a long passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    assert!(out.contains("/newsroom/login"), "{out}");

    // Mistakes are explained, nothing is created.
    for (args, says) in [
        (vec!["edition", "add", "--code", "EN!", "--name", "English"], "--code"),
        (vec!["edition", "add", "--code", "en", "--name", ""], "--name"),
        (vec!["edition", "add", "--code", "en", "--name", "English", "--direction", "up"], "--direction"),
        (
            vec!["edition", "add", "--code", "en", "--name", "English", "--language", "not a tag"],
            "--language",
        ),
        (vec!["section", "add", "--edition", "en", "--name", "World"], "no edition"),
    ] {
        let (ok, _, err) = cli(&server, &args, "").await;
        assert!(!ok, "{args:?} is refused");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let (ok, out, err) = cli(&server, &["edition", "add", "--code", "en", "--name", "English"], "").await;
    assert!(ok, "{err}");
    assert!(out.contains("the default") && out.contains("section add"), "{out}");
    let (ok, _, err) = cli(&server, &["edition", "add", "--code", "en", "--name", "Again"], "").await;
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = cli(&server, &["section", "add", "--edition", "en", "--name", "Latest"], "").await;
    assert!(!ok && err.contains("own addresses"), "a reserved slug is refused: {err}");
    let (ok, out, err) = cli(&server, &["section", "add", "--edition", "en", "--name", "World"], "").await;
    assert!(ok, "{err}");
    assert!(out.contains("/en/world"), "{out}");
    let (_, listed, _) = cli(&server, &["edition", "list"], "").await;
    assert!(listed.contains("en\ten\tltr\tEnglish\t(default)"), "{listed}");

    // The running server picks the edition and its section up by itself.
    let mut section = server.get("/en/world").await.status();
    for _ in 0..100 {
        if section == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        section = server.get("/en/world").await.status();
    }
    assert_eq!(section, 200, "the new edition and section are served within seconds");
    let root = server.get("/").await;
    assert_eq!(location(&root), "/en/");

    // The newsroom's own door: a reader cannot use it, the admin can.
    let (ok, _, err) = cli(
        &server,
        &["user", "add", "--email", "reader@example.org", "--role", "reader"],
        "a reader passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let browser = server.browser();
    let door =
        browser.get(server.url("/newsroom/login?next=%2Fnewsroom%2Feditions")).send().await.expect("GET");
    assert_eq!(door.status(), 200);
    let csrf = csrf_of(&door.text().await.expect("body"));
    let refused = post(
        &browser,
        &server,
        "/newsroom/login",
        &[
            ("csrf", &csrf),
            ("email", "reader@example.org"),
            ("password", "a reader passphrase"),
            ("next", "/newsroom"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.expect("body").contains("no access to the newsroom"));
    let wrong = post(
        &browser,
        &server,
        "/newsroom/login",
        &[("csrf", &csrf), ("email", "chief@example.org"), ("password", "wrong"), ("next", "/newsroom")],
    )
    .await;
    assert_eq!(wrong.status(), 401);
    let logged_in = post(
        &browser,
        &server,
        "/newsroom/login",
        &[
            ("csrf", &csrf),
            ("email", "chief@example.org"),
            ("password", "a long passphrase"),
            ("next", "/newsroom/editions"),
        ],
    )
    .await;
    assert_eq!(logged_in.status(), 303);
    assert_eq!(location(&logged_in), "/newsroom/editions");
    let editions = browser.get(server.url("/newsroom/editions")).send().await.expect("GET");
    assert_eq!(editions.status(), 200);
    let list = browser.get(server.url("/newsroom")).send().await.expect("GET").text().await.expect("body");
    assert!(!list.contains("Setting up the site"), "an edition with a section needs no set-up: {list}");
    let csrf = csrf_of(&list);
    let out = post(&browser, &server, "/newsroom/logout", &[("csrf", &csrf)]).await;
    assert_eq!(location(&out), "/newsroom/login?status=logged-out");
    let after = browser.get(server.url("/newsroom")).send().await.expect("GET");
    assert_eq!(after.status(), 303, "logged out");
}

/// No redirect, whatever the request, is protocol-relative or leaves the site.
pub async fn redirects_never_leave_the_site(backend: Backend) {
    use crate::accounts::{csrf_of, post};
    let server = TestServer::start(backend).await;
    let (ok, _, err) = crate::accounts::cli(
        &server,
        &["user", "add", "--email", "desk@example.org", "--role", "editor"],
        "a desk passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let hostile = [
        "//evil.example/",
        "/\\evil.example/",
        "/\\/evil.example/",
        "/\t/evil.example/",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "",
    ];
    let browser = server.browser();
    for next in hostile {
        let encoded = crate::support::query_encode(next);
        for path in [
            format!("/newsroom/login?next={encoded}"),
            format!("/en/login?next={encoded}"),
            format!("/newsroom?next={encoded}"),
        ] {
            let response = browser.get(server.url(&path)).send().await.expect("GET");
            assert_local_redirect(&response, &path);
        }
        for (form_page, action) in [("/newsroom/login", "/newsroom/login"), ("/en/login", "/en/login")] {
            let page = browser.get(server.url(form_page)).send().await.expect("GET");
            let csrf = csrf_of(&page.text().await.expect("body"));
            let response = post(
                &browser,
                &server,
                action,
                &[
                    ("csrf", &csrf),
                    ("email", "desk@example.org"),
                    ("password", "a desk passphrase"),
                    ("next", next),
                ],
            )
            .await;
            assert_eq!(response.status(), 303, "{action} with next={next:?}");
            assert_local_redirect(&response, &format!("{action} next={next:?}"));
            // Logged in now: the login pages redirect straight to `next`.
            let again =
                browser.get(server.url(&format!("{form_page}?next={encoded}"))).send().await.expect("GET");
            assert_local_redirect(&again, &format!("{form_page} again with next={next:?}"));
            let page =
                browser.get(server.url("/newsroom")).send().await.expect("GET").text().await.expect("body");
            let csrf = csrf_of(&page);
            post(&browser, &server, "/newsroom/logout", &[("csrf", &csrf)]).await;
        }
    }
    for path in
        ["//evil.example/", "/%2F%2Fevil.example", "/%5Cevil.example", "/en//evil.example", "///evil.example"]
    {
        let response = server.get(path).await;
        assert_local_redirect(&response, path);
    }
}

fn assert_local_redirect(response: &reqwest::Response, what: &str) {
    if let Some(location) = response.headers().get("location") {
        let location = location.to_str().expect("ascii location");
        assert!(
            location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'),
            "{what} redirected to {location:?}"
        );
    }
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
async fn a_wrong_setting_stops_the_start_before_the_store_is_touched() {
    let dir = tempfile::TempDir::new().expect("dir");
    std::fs::write(dir.path().join("dateline.toml"), "purge_proxies = [\"varnish:6081\"]\n").expect("write");
    let data = dir.path().join("data");
    let args = ["serve", "--listen", "127.0.0.1:0", "--data-dir", data.to_str().expect("utf-8")];
    let (ok, _, err) = run(dir.path(), &args, &[]).await;
    assert!(!ok);
    assert!(err.contains("purge_proxies: \"varnish:6081\" must be an http:// or https:// address"), "{err}");
    assert!(!data.join("dateline.db").exists(), "no store was made, no demo loaded: {err}");
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
