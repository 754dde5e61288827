//! The test harness: a `dateline serve` child process over a fresh store.
//!
//! Painting the demo photos takes a moment, so the first test of a run
//! makes a demo store once per backend (a data directory for SQLite, a
//! template database for PostgreSQL) and every test starts from a copy.
//! `cli::first_start_fills_an_empty_store` covers the real first start.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use sqlx::{Connection as _, Executor as _, PgConnection};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_dateline")
}

/// The PostgreSQL server tests use: its `test` database is only used to
/// create and drop per-test databases.
pub fn postgres_admin_url() -> String {
    std::env::var("DATELINE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn postgres_url_for(database: &str) -> String {
    let admin = postgres_admin_url();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{database}")
}

async fn admin_connection() -> PgConnection {
    let url = postgres_admin_url();
    PgConnection::connect(&url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {url}: {e}. Run ./scripts/test (it starts PostgreSQL), \
             or set DATELINE_TEST_POSTGRES_URL"
        )
    })
}

/// A `dateline` command with a clean environment (no DATELINE_* from the
/// developer's shell) and quiet logs.
pub fn command(dir: &Path) -> Command {
    let mut command = Command::new(binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("DATELINE_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command.env("DATELINE_LOG", "warn").current_dir(dir).kill_on_drop(true);
    command
}

struct Template {
    dir: PathBuf,
    database: Option<String>,
}

static SQLITE_TEMPLATE: OnceLock<Template> = OnceLock::new();
static POSTGRES_TEMPLATE: OnceLock<Template> = OnceLock::new();
static POSTGRES_CREATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn run_demo(dir: &Path, database_url: Option<&str>) {
    let mut command = std::process::Command::new(binary());
    command.arg("demo").arg("--data-dir").arg(dir).env("DATELINE_LOG", "warn");
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    let output = command.output().expect("run dateline demo");
    assert!(output.status.success(), "dateline demo failed: {}", String::from_utf8_lossy(&output.stderr));
}

fn template(backend: Backend) -> &'static Template {
    match backend {
        Backend::Sqlite => SQLITE_TEMPLATE.get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("dateline-test-template-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("template dir");
            run_demo(&dir, None);
            Template { dir, database: None }
        }),
        Backend::Postgres => POSTGRES_TEMPLATE.get_or_init(|| {
            std::thread::spawn(|| {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                runtime.block_on(async {
                    let mut admin = admin_connection().await;
                    // Databases left by runs that crashed.
                    let stale: Vec<(String,)> = sqlx::query_as(
                        "SELECT datname FROM pg_database WHERE datname LIKE 'dateline_test_%'",
                    )
                    .fetch_all(&mut admin)
                    .await
                    .expect("list databases");
                    // Only other runs' databases: this run's tests may
                    // already have made theirs (`start_empty`).
                    let pid = std::process::id().to_string();
                    let ours = |name: &str| {
                        let rest = name.trim_start_matches("dateline_test_").trim_start_matches("template_");
                        rest.split('_').next() == Some(pid.as_str())
                    };
                    for (name,) in stale.into_iter().filter(|(name,)| !ours(name)) {
                        let _ = admin
                            .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                            .await;
                    }
                    let name = format!("dateline_test_template_{}", std::process::id());
                    admin
                        .execute(format!("CREATE DATABASE \"{name}\"").as_str())
                        .await
                        .expect("create template db");
                    let dir = std::env::temp_dir()
                        .join(format!("dateline-test-pg-template-{}", std::process::id()));
                    let _ = std::fs::remove_dir_all(&dir);
                    std::fs::create_dir_all(&dir).expect("template dir");
                    run_demo(&dir, Some(&postgres_url_for(&name)));
                    Template { dir, database: Some(name) }
                })
            })
            .join()
            .expect("postgres template thread")
        }),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A running server; killed (and its database dropped) when dropped.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub dir: TempDir,
    database: Option<String>,
    child: Option<Child>,
    /// Extra `serve` flags, kept for restarts and second nodes.
    flags: Vec<String>,
}

impl TestServer {
    /// `--data-dir … [--database-url …]` for running other `dateline`
    /// commands against this server's store.
    pub fn store_args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_owned(), self.dir.path().display().to_string()];
        if let Some(name) = &self.database {
            args.push("--database-url".to_owned());
            args.push(postgres_url_for(name));
        }
        args
    }

    /// A number the server's database answers to `sql` (a `COUNT(*)`, say),
    /// read straight from the database, as an operator would check it.
    pub async fn count(&self, sql: &str) -> i64 {
        match &self.database {
            Some(name) => {
                let mut connection = PgConnection::connect(&postgres_url_for(name))
                    .await
                    .expect("connect to the test database");
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            None => {
                let url = format!("sqlite://{}?mode=ro", self.dir.path().join("dateline.db").display());
                let mut connection =
                    sqlx::SqliteConnection::connect(&url).await.expect("open the test database");
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        }
    }

    /// A server like `start_with`, with more environment for the process
    /// (`FAILPOINTS`, say).
    pub async fn start_with_env(backend: Backend, flags: &[&str], env: &[(&str, &str)]) -> Self {
        let template = tokio::task::spawn_blocking(move || template(backend)).await.expect("template");
        let dir = TempDir::new().expect("temp dir");
        copy_dir(&template.dir, dir.path());
        let database = match &template.database {
            Some(source) => {
                let name = format!("dateline_test_{}", uuid_like());
                let _guard = POSTGRES_CREATE.lock().await;
                let mut admin = admin_connection().await;
                admin
                    .execute(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{source}\"").as_str())
                    .await
                    .expect("copy template database");
                Some(name)
            }
            None => None,
        };
        let env: Vec<(String, String)> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let (base, child) = launch_with(dir.path(), database.as_deref(), flags, "server.log", &env).await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client");
        let flags = flags.iter().map(|f| (*f).to_owned()).collect();
        Self { base, client, dir, database, child: Some(child), flags }
    }

    /// A client that keeps cookies, like a browser, and does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client")
    }

    /// A server over a copy of the demo store.
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, &[]).await
    }

    /// A server over a copy of the demo store, with extra `serve` flags.
    pub async fn start_with(backend: Backend, flags: &[&str]) -> Self {
        Self::start_with_env(backend, flags, &[]).await
    }

    /// A server over an empty store, with extra `serve` flags.
    pub async fn start_empty(backend: Backend, flags: &[&str]) -> Self {
        let dir = TempDir::new().expect("temp dir");
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let name = format!("dateline_test_{}", uuid_like());
                let mut admin = admin_connection().await;
                admin.execute(format!("CREATE DATABASE \"{name}\"").as_str()).await.expect("create database");
                Some(name)
            }
        };
        Self::spawn(dir, database, flags).await
    }

    async fn spawn(dir: TempDir, database: Option<String>, flags: &[&str]) -> Self {
        let (base, child) = launch(dir.path(), database.as_deref(), flags, "server.log").await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client");
        let flags = flags.iter().map(|f| (*f).to_owned()).collect();
        Self { base, client, dir, database, child: Some(child), flags }
    }

    /// Stops the server abruptly (as a crash would) and starts it again
    /// over the same store; the address changes.
    pub async fn restart(&mut self) {
        self.restart_with_env(&[]).await;
    }

    /// Restarts the server over the same store with these environment
    /// variables (a failpoint, say).
    pub async fn restart_with_env(&mut self, env: &[(&str, &str)]) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
        let flags: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        let env: Vec<(String, String)> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let (base, child) =
            launch_with(self.dir.path(), self.database.as_deref(), &flags, "server-restarted.log", &env)
                .await;
        self.base = base;
        self.child = Some(child);
    }

    /// A second server process over the same store (another "node"), with
    /// a search index of its own as every node has.
    pub async fn second_node(&self) -> (String, Child) {
        let search_dir = self.dir.path().join("search-second").display().to_string();
        let mut flags: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        flags.extend(["--search-dir", &search_dir]);
        launch(self.dir.path(), self.database.as_deref(), &flags, "server-second.log").await
    }
}

async fn launch(dir: &Path, database: Option<&str>, flags: &[&str], log_name: &str) -> (String, Child) {
    launch_with(dir, database, flags, log_name, &[]).await
}

async fn launch_with(
    dir: &Path,
    database: Option<&str>,
    flags: &[&str],
    log_name: &str,
    env: &[(String, String)],
) -> (String, Child) {
    {
        let log = std::fs::File::create(dir.join(log_name)).expect("log file");
        let mut command = command(dir);
        command.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some(name) = database {
            command.arg("--database-url").arg(postgres_url_for(name));
        }
        let mut child = command.spawn().expect("start dateline");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(line) = lines.next_line().await.expect("read stdout") {
                if let Some(url) = line.strip_prefix("listening on ") {
                    return Some(url.to_owned());
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            let log = std::fs::read_to_string(dir.join(log_name)).unwrap_or_default();
            panic!("dateline did not start; its log:\n{log}")
        });
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        (base, child)
    }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GET that must answer 200; returns the body.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, 200, "GET {path} answered {status}:\n{}", &body[..body.len().min(2000)]);
        body
    }

    /// A metric's value in `/metrics` (0 when it is not there yet).
    pub async fn metric(&self, name: &str) -> f64 {
        let metrics = self.page("/metrics").await;
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    }

    /// Waits (up to 30 s) until the server's log mentions `text`.
    pub async fn wait_for_log(&self, text: &str) {
        let log = self.dir.path().join("server.log");
        for _ in 0..300 {
            if std::fs::read_to_string(&log).is_ok_and(|l| l.contains(text)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server never logged {text:?}");
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().and_then(Child::id).expect("a running server")
    }

    pub fn take_child(&mut self) -> Child {
        self.child.take().expect("child still owned")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        if let Some(name) = self.database.take() {
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                runtime.block_on(async {
                    if let Ok(mut admin) = PgConnection::connect(&postgres_admin_url()).await {
                        let _ = admin
                            .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos)
}

/// Percent-encodes a query-string value.
pub fn query_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// All `href="…"` values in a page that start with `prefix`.
pub fn hrefs(html: &str, prefix: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix))
        .map(|href| href.replace("&amp;", "&"))
        .collect()
}

/// Links to article pages (`/en/2026/11/28/slug`) in document order.
pub fn article_links(html: &str, edition: &str) -> Vec<String> {
    let prefix = format!("/{edition}/");
    let mut seen = Vec::new();
    for href in hrefs(html, &prefix) {
        // `…#discussion` (a card's comment count) is the same story.
        let href = href.split('#').next().unwrap_or_default().to_owned();
        let parts: Vec<&str> = href.trim_start_matches('/').split('/').collect();
        let is_article =
            parts.len() == 5 && parts[1].len() == 4 && parts[1].bytes().all(|b| b.is_ascii_digit());
        if is_article && !seen.contains(&href) {
            seen.push(href);
        }
    }
    seen
}

/// The text of a page as a reader sees it: tags, scripts and styles removed.
pub fn visible_text(html: &str) -> String {
    // From after the `<body …>` start tag (its attributes are not text).
    let body = html.split_once("<body").and_then(|(_, b)| b.split_once('>')).map_or(html, |(_, b)| b);
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The shared test data folder (`../shared/testdata` from the repository).
pub fn testdata() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata");
    dir.is_dir().then_some(dir)
}

/// A Python that can import `module` (the test tools of
/// `tests/python/requirements.txt`, which `scripts/test` installs into
/// `target/test-venv`). When there is none the test is skipped and says so,
/// unless `DATELINE_TEST_REQUIRE_TOOLS=1` (set by `scripts/test`, so CI
/// never passes a skipped test): then it fails.
pub fn python_with(module: &str, test: &str) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-venv/bin/python");
    let candidates =
        [std::env::var_os("DATELINE_TEST_PYTHON").map(PathBuf::from), Some(venv), Some("python3".into())];
    for python in candidates.into_iter().flatten() {
        let imports = std::process::Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if imports {
            return Some(python);
        }
    }
    assert!(
        std::env::var("DATELINE_TEST_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "{test}: the Python module {module} is missing (pip install -r tests/python/requirements.txt)"
    );
    eprintln!("SKIPPED {test}: the Python module {module} is missing; ./scripts/test installs it");
    None
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port()
}

/// Waits until something accepts connections on the port.
pub async fn wait_for_port(port: u16, what: &str) {
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not start listening on port {port}");
}

/// A real SMTP server (aiosmtpd) on loopback that keeps every message it
/// accepts in a maildir.
pub struct SmtpSink {
    pub dir: TempDir,
    child: Child,
}

impl SmtpSink {
    pub async fn start(python: &Path, port: u16) -> Self {
        let dir = TempDir::new().expect("temp dir");
        let maildir = dir.path().join("mail");
        let child = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start aiosmtpd");
        wait_for_port(port, "aiosmtpd").await;
        Self { dir, child }
    }

    /// The raw text of every message received so far.
    pub fn messages(&self) -> Vec<String> {
        let new = self.dir.path().join("mail/new");
        let Ok(entries) = std::fs::read_dir(new) else { return Vec::new() };
        entries.filter_map(Result::ok).filter_map(|e| std::fs::read_to_string(e.path()).ok()).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A real S3-compatible server (moto's server mode) on loopback, with one
/// empty bucket.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    child: Child,
}

impl S3Server {
    pub async fn start(python: &Path) -> Self {
        let port = free_port();
        let child = Command::new(python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start moto");
        wait_for_port(port, "moto").await;
        let endpoint = format!("http://127.0.0.1:{port}");
        let bucket = "dateline-media".to_owned();
        // moto takes a path-style PUT as "create bucket".
        let created =
            reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.expect("create bucket");
        assert!(created.status().is_success(), "create bucket: {}", created.status());
        Self { endpoint, bucket, child }
    }

    /// The `serve` flags that put media in this bucket.
    pub fn flags(&self) -> Vec<String> {
        [
            "--s3-bucket",
            &self.bucket,
            "--s3-endpoint",
            &self.endpoint,
            "--s3-access-key-id",
            "testing",
            "--s3-secret-access-key",
            "testing",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    }

    /// How many objects the bucket holds.
    pub async fn object_count(&self) -> usize {
        let mut count = 0;
        let mut token: Option<String> = None;
        loop {
            let mut url = format!("{}/{}?list-type=2&max-keys=1000", self.endpoint, self.bucket);
            if let Some(token) = &token {
                url.push_str(&format!("&continuation-token={token}"));
            }
            let listing = reqwest::get(url).await.expect("list").text().await.expect("listing");
            count += listing.matches("<Key>").count();
            token = listing
                .split("<NextContinuationToken>")
                .nth(1)
                .and_then(|r| r.split('<').next())
                .map(|t| t.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D"));
            if token.is_none() {
                return count;
            }
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
