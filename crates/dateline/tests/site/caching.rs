//! The page cache from outside: a change drops exactly the pages that show
//! it, on every node, and nothing else (read from `X-Cache`).

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

use crate::api_write::{call, story, token_for};
use crate::support::{Backend, TestServer, article_links};

/// `X-Cache` of a GET (after reading the body), with the body.
async fn fetch(client: &reqwest::Client, base: &str, path: &str) -> (String, String) {
    let (status, _, body) = fetch_keyed(client, base, path).await;
    (status, body)
}

/// `X-Cache` and `Surrogate-Key` of a GET, with the body.
async fn fetch_keyed(client: &reqwest::Client, base: &str, path: &str) -> (String, String, String) {
    let response = client.get(format!("{base}{path}")).send().await.expect("get");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let header =
        |name: &str| response.headers().get(name).map_or("", |v| v.to_str().unwrap_or("")).to_owned();
    let (status, keys) = (header("x-cache"), header("surrogate-key"));
    (status, keys, response.text().await.expect("body"))
}

/// Requests `path` until it is served from the cache (the first request
/// renders it).
async fn warm(client: &reqwest::Client, base: &str, path: &str) {
    fetch(client, base, path).await;
    let (status, _) = fetch(client, base, path).await;
    assert_eq!(status, "HIT", "{path} is kept once rendered");
}

/// Creates a story through the API and publishes it; returns its path.
async fn publish_new(server: &TestServer, editor: &str, headline: &str) -> String {
    let (status, created) =
        call(server, Method::POST, "/api/v1/articles", editor, Some(story(headline))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let publish = serde_json::json!({"action": "publish"});
    let path = format!("/api/v1/articles/{id}/transitions");
    let (status, published) = call(server, Method::POST, &path, editor, Some(publish)).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    published["url"].as_str().expect("url").strip_prefix(&server.base).expect("here").to_owned()
}

/// Saves story `id` with a new headline through the API.
async fn retitle(server: &TestServer, editor: &str, id: i64, headline: &str) {
    let path = format!("/api/v1/articles/{id}");
    let (status, saved) = call(server, Method::PUT, &path, editor, Some(story(headline))).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
}

pub async fn changes_drop_exactly_the_pages_that_show_them(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = reqwest::Client::new();
    let editor = token_for(&server, "desk@example.com", "editor").await;
    let (second, mut second_child) = server.second_node().await;

    // A story of ours, then ten newer ones in its section: it leaves the
    // front page, the section's block and every page's "latest" list.
    let ours = publish_new(&server, &editor, "Harbour dues rise").await;
    let id = server.count("SELECT id FROM articles WHERE headline = 'Harbour dues rise'").await;
    for n in 0..10 {
        publish_new(&server, &editor, &format!("Port report {n}")).await;
    }
    // A story from the demo, older than ours, in another section.
    let world = server.page("/en/world").await;
    let other = article_links(&world, "en").into_iter().next().expect("another story");
    let unrelated = ["/en/", "/en/latest", "/en/world", other.as_str(), "/ru/"];
    // The other node applies those changes within its follower's second.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for base in [server.base.as_str(), second.as_str()] {
        for path in unrelated.iter().copied().chain([ours.as_str()]) {
            warm(&client, base, path).await;
        }
    }

    // An edit in place: the story's page goes, on this node at once and
    // on the other within the follower's second; the rest stays cached.
    retitle(&server, &editor, id, "Harbour dues rise for the first time in a decade").await;
    let (status, html) = fetch(&client, &server.base, &ours).await;
    assert_eq!(status, "MISS");
    assert!(html.contains("for the first time in a decade"));
    let started = Instant::now();
    loop {
        let (status, html) = fetch(&client, &second, &ours).await;
        if html.contains("for the first time in a decade") {
            assert_eq!(status, "MISS");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(3), "the other node still shows the old headline");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for base in [server.base.as_str(), second.as_str()] {
        for path in unrelated {
            let (status, keys, _) = fetch_keyed(&client, base, path).await;
            assert_eq!(status, "HIT", "{path} on {base} does not show story {id}: {keys}");
        }
    }

    // A new story changes the edition's lists, and every page that shows
    // them (the newsfeed beside every list and story too), on both nodes;
    // the other edition's pages stay.
    publish_new(&server, &editor, "Tugboat crews vote to strike").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for base in [server.base.as_str(), second.as_str()] {
        for path in ["/en/", "/en/latest", "/en/world", other.as_str()] {
            let (status, html) = fetch(&client, base, path).await;
            assert_eq!(status, "MISS", "{path} on {base} shows the edition's newest stories");
            assert!(html.contains("Tugboat crews vote to strike"), "{path} on {base}");
        }
        assert_eq!(fetch(&client, base, "/ru/").await.0, "HIT", "another edition");
    }
    let _ = second_child.kill().await;
}

pub async fn one_render_serves_readers_who_ask_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let latest = server.page("/en/latest").await;
    let path = article_links(&latest, "en").into_iter().next().expect("a story");
    let client = reqwest::Client::new();
    let asks = (0..32).map(|_| fetch(&client, &server.base, &path));
    let answers = futures_util::future::join_all(asks).await;
    let bodies: std::collections::HashSet<&String> = answers.iter().map(|(_, body)| body).collect();
    assert_eq!(bodies.len(), 1, "every reader got the same page");
    let misses = answers.iter().filter(|(status, _)| status == "MISS").count();
    assert_eq!(misses, 1, "one render: {:?}", answers.iter().map(|(s, _)| s).collect::<Vec<_>>());
    assert!(server.metric("dateline_page_cache_coalesced_total").await >= 1.0);
}

/// A line of bare tags (`</div>`, `<p>`): structure, no data.
fn bare_tags(line: &str) -> bool {
    let mut rest = line.trim();
    while let Some(tag) = rest.strip_prefix('<') {
        let Some(end) = tag.find('>') else { return false };
        let name = tag[..end].trim_start_matches('/');
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        rest = tag[end + 1..].trim_start();
    }
    rest.is_empty()
}

/// The lines of `a` that `b` does not have (as many times as `a` has more).
fn lines_only_in<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    let mut others: Vec<&str> = b.lines().map(str::trim).collect();
    a.lines()
        .map(str::trim)
        .filter(|line| match others.iter().position(|o| o == line) {
            Some(at) => {
                others.swap_remove(at);
                false
            }
            None => true,
        })
        .collect()
}

pub async fn two_readers_share_every_page_and_see_only_their_own(backend: Backend) {
    use crate::accounts::{csrf_of, get, post};
    use crate::discussion::{article_id, comment, moderate, newest_article, posted_id, reader};
    use crate::newsroom::staff;

    let server = TestServer::start(backend).await;
    let article = newest_article(&server).await;
    let id = article_id(&server.page(&article).await);
    let ada = reader(&server, "ada@example.com", "Ada Lovelace").await;
    let bob = reader(&server, "bob@example.com", "Bob Babbage").await;
    let editor = staff(&server, "desk@example.com", "editor", &[]).await;

    // Ada's first comment is approved (she is trusted now); Bob's waits
    // for a moderator: only he may see it. Bob likes Ada's comment.
    let first = posted_id(&comment(&ada, &server, &article, "Ada's approved remark.", None).await);
    assert_eq!(moderate(&editor, &server, &first, "approve").await.status(), StatusCode::SEE_OTHER);
    let pending = "Bob's words waiting for a moderator.";
    posted_id(&comment(&bob, &server, &article, pending, None).await);
    let me = format!("/en/comments/{id}/me");
    let bob_me = get(&bob, &server, &me).await.text().await.expect("bob's section");
    let liked = post(
        &bob,
        &server,
        &format!("/en/comments/{id}/{first}/react"),
        &[("csrf", &csrf_of(&bob_me)), ("kind", "like"), ("back", &article)],
    )
    .await;
    assert_eq!(liked.status(), StatusCode::SEE_OTHER);

    // Every page is the same bytes for a guest and both readers, served
    // from the one cached copy, with no cookie set and nothing personal.
    let guest = reqwest::Client::new();
    for path in [article.as_str(), "/en/", "/en/latest", &format!("/en/comments/{id}?sort=oldest")] {
        let shared = path != format!("/en/comments/{id}?sort=oldest");
        let guest_page = guest.get(server.url(path)).send().await.expect("guest").text().await.expect("body");
        for (who, client) in [("Ada", &ada), ("Bob", &bob)] {
            let response = get(client, &server, path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            if !shared {
                continue; // the discussion page is rendered for its reader
            }
            assert_eq!(response.headers()["x-cache"], "HIT", "{who} gets the cached copy of {path}");
            assert!(response.headers().get("set-cookie").is_none(), "{path} sets no cookie for {who}");
            let page = response.text().await.expect("body");
            assert!(page == guest_page, "{who}'s copy of {path} differs from a guest's");
        }
    }
    let page = server.page(&article).await;
    for private in [pending, "Comment as", "dlc_", "reaction--mine", "/delete\""] {
        assert!(!page.contains(private), "the shared page holds {private:?}");
    }
    assert!(page.contains("Ada&#39;s approved remark.") || page.contains("Ada's approved remark."));

    // The readers' own sections: each one's parts, nothing of the other's.
    let ada_me = get(&ada, &server, &me).await;
    assert_eq!(ada_me.headers()["cache-control"], "private, no-store");
    let ada_me = ada_me.text().await.expect("ada's section");
    let bob_me = get(&bob, &server, &me).await.text().await.expect("bob's section");
    let (ada_token, bob_token) = (csrf_of(&ada_me), csrf_of(&bob_me));
    assert_ne!(ada_token, bob_token);
    assert!(ada_me.contains("Comment as Ada Lovelace") && bob_me.contains("Comment as Bob Babbage"));
    assert!(bob_me.contains(pending) && bob_me.contains("Only you can see this comment"));
    // Every line that differs between the two is one reader's own: their
    // token, their name on the form, their waiting comment, their edit and
    // delete controls, the state of their reactions.
    let own_kinds = [
        "name=\"csrf\"",
        "Comment as ",
        "comment__card--pending",
        "comment__pending",
        "Only you can see",
        "/edit\"",
        "/delete\"",
        "<summary>",
        "<textarea name=\"body\"",
        "<label class=\"field\"><span>",
        "<p>Are you sure",
        "<button class=\"button\" type=\"submit\">",
        "</form>",
        "</details>",
        "data-kind=",
        "/report\"",
        "id=\"comment-",
        "</article>",
        "</li>",
        "<ol class=\"comment__replies\"",
        "</ol>",
        "<div class=\"comment__text\">",
        "<div class=\"comment__actions\">",
        "<header class=\"comment__meta\">",
        "<span class=\"comment__author\"",
        "<a class=\"comment__time\"",
        "</header>",
        "<article class=\"comment__card",
        "<li class=\"comment\"",
        "(2 comments)",
        "(1 comment)",
    ];
    for (mine, theirs, my_token, their_token, their_name, their_text) in [
        (&ada_me, &bob_me, &ada_token, &bob_token, "Bob Babbage", Some(pending)),
        (&bob_me, &ada_me, &bob_token, &ada_token, "Ada Lovelace", None),
    ] {
        assert!(!mine.contains(their_token.as_str()), "a reader's section holds another's token");
        assert!(!mine.contains(&format!("Comment as {their_name}")));
        if let Some(text) = their_text {
            assert!(!mine.contains(text), "a reader sees another's waiting comment");
        }
        let differing = lines_only_in(mine, theirs);
        assert!(differing.iter().all(|line| !line.contains(their_token.as_str())));
        let unknown: Vec<&&str> = differing
            .iter()
            .filter(|line| {
                !bare_tags(line)
                    && !own_kinds.iter().any(|kind| line.contains(kind))
                    && !line.contains(my_token.as_str())
            })
            .collect();
        assert!(unknown.is_empty(), "lines that differ between two readers are not one's own: {unknown:#?}");
    }
    // The reaction is Bob's: pressed in his section, not in Ada's.
    let pressed = |section: &str| section.contains("reaction reaction--mine");
    assert!(pressed(&bob_me) && !pressed(&ada_me));
    // Ada may edit her comment; Bob may only report it.
    assert!(ada_me.contains(&format!("/en/comments/{id}/{first}/edit\"")));
    assert!(!bob_me.contains(&format!("/en/comments/{id}/{first}/edit\"")));
    assert!(bob_me.contains(&format!("/en/comments/{id}/{first}/report\"")));

    // A guest's request for a section gets nothing; a section cannot be
    // had for a story that is not published.
    let none = guest.get(server.url(&me)).send().await.expect("guest me");
    assert_eq!(none.status(), StatusCode::NO_CONTENT);
    assert_eq!(none.headers()["cache-control"], "private, no-store");
    assert_eq!(get(&ada, &server, "/en/comments/99999999/me").await.status(), StatusCode::NOT_FOUND);
}

/// Varnish (with its xkey module) in front of a server, configured by the
/// repository's `deploy/varnish/dateline.vcl`; stopped when dropped.
struct Varnish {
    base: String,
    child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

impl Drop for Varnish {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

impl Varnish {
    /// A free loopback port for Varnish, chosen before the server starts
    /// (the server is told where to send purges).
    fn port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port()
    }

    async fn start(port: u16, backend: &str) -> Self {
        let varnishd = ["/usr/sbin/varnishd", "/usr/bin/varnishd"]
            .into_iter()
            .find(|path| std::path::Path::new(path).exists())
            .expect(
                "varnishd is missing: apt-get install varnish varnish-modules (./scripts/test installs them)",
            );
        let backend = url::Url::parse(backend).expect("server url");
        let vcl = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../deploy/varnish/dateline.vcl"
        ))
        .expect("deploy/varnish/dateline.vcl")
        .replace("\"8080\"", &format!("\"{}\"", backend.port().expect("a port")));
        let dir = tempfile::tempdir().expect("temp dir");
        let vcl_path = dir.path().join("dateline.vcl");
        std::fs::write(&vcl_path, vcl).expect("write vcl");
        let child = tokio::process::Command::new(varnishd)
            .args(["-F", "-a", &format!("127.0.0.1:{port}"), "-f"])
            .arg(&vcl_path)
            .arg("-n")
            .arg(dir.path().join("work"))
            .args(["-s", "malloc,32m", "-p", "default_grace=0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("varnish.log")).expect("log"))
            .kill_on_drop(true)
            .spawn()
            .expect("start varnishd");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        while client.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "varnishd did not start: {}",
                std::fs::read_to_string(dir.path().join("varnish.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { base, child, _dir: dir }
    }
}

/// A GET through the proxy: (`X-Proxy-Cache`, body).
async fn through(client: &reqwest::Client, base: &str, path: &str) -> (String, String) {
    let response = client.get(format!("{base}{path}")).send().await.expect("get through varnish");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let hit = response.headers().get("x-proxy-cache").map_or("", |v| v.to_str().unwrap_or("")).to_owned();
    (hit, response.text().await.expect("body"))
}

pub async fn a_proxy_in_front_drops_exactly_what_changed(backend: Backend) {
    let port = Varnish::port();
    let settings = format!("purge_proxies = [\"http://127.0.0.1:{port}/\"]\n");
    let (server, _config) = crate::discussion::start_with_settings(backend, &settings).await;
    let varnish = Varnish::start(port, &server.base).await;
    let editor = token_for(&server, "desk@example.com", "editor").await;
    let ours = publish_new(&server, &editor, "Harbour dues rise").await;
    let id = server.count("SELECT id FROM articles WHERE headline = 'Harbour dues rise'").await;
    // Every HTML page shows the edition's newest stories (ours among
    // them); another section's feed does not.
    let other = "/en/feeds/section/world.xml".to_owned();

    // Each page is fetched from Dateline once, then served by the proxy.
    let client = reqwest::Client::new();
    for path in [ours.as_str(), other.as_str(), "/en/"] {
        through(&client, &varnish.base, path).await;
        let (hit, _) = through(&client, &varnish.base, path).await;
        assert_eq!(hit, "HIT", "the proxy keeps {path}");
    }
    // A logged-in reader's cookie changes nothing: the same copy.
    let cookie = "dateline_session=dls_whatever; dateline_reader=1";
    let response =
        client.get(format!("{}{ours}", varnish.base)).header("cookie", cookie).send().await.expect("get");
    assert_eq!(response.headers()["x-proxy-cache"], "HIT");

    // An edit: the story's page and the lists showing it leave the proxy
    // within a second; a page it does not touch stays.
    retitle(&server, &editor, id, "Harbour dues rise for the first time in a decade").await;
    let started = Instant::now();
    loop {
        let (_, body) = through(&client, &varnish.base, &ours).await;
        if body.contains("for the first time in a decade") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(2), "the proxy still serves the old story");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, front) = through(&client, &varnish.base, "/en/").await;
    assert!(front.contains("for the first time in a decade"), "the front page shows the new headline");
    let (hit, _) = through(&client, &varnish.base, &other).await;
    assert_eq!(hit, "HIT", "a page the edit does not touch stays in the proxy");
    let purges = server.page("/metrics").await;
    assert!(
        purges.lines().any(|l| l.starts_with("dateline_proxy_purges_total") && !l.ends_with(" 0")),
        "purges are counted"
    );
}

/// The `Set-Cookie` header values of a response.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii cookie").to_owned())
        .collect()
}

pub async fn the_reader_hint_comes_and_goes_with_the_session(backend: Backend) {
    use crate::accounts::submit;

    let server = TestServer::start(backend).await;
    let (browser, login) = crate::discussion::reader_login(&server, "hint@example.com", "Hint").await;
    let cookies = set_cookies(&login);
    let hint = cookies.iter().find(|c| c.starts_with("dateline_reader=1")).expect("the hint is set at login");
    assert!(!hint.contains("HttpOnly"), "the page's script reads the hint: {hint}");
    let session = cookies.iter().find(|c| c.starts_with("dateline_session=")).expect("a session");
    assert!(session.contains("HttpOnly"), "the session stays out of the script's reach: {session}");

    let out = submit(&browser, &server, "/en/account", "/en/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let cookies = set_cookies(&out);
    assert!(
        cookies.iter().any(|c| c.starts_with("dateline_reader=;") && c.contains("Max-Age=0")),
        "the hint goes at logout: {cookies:?}"
    );

    // A hint that outlived its session gets nothing, and is removed.
    let front = server.page("/en/latest").await;
    let article = article_links(&front, "en").into_iter().next().expect("a story");
    let id = crate::discussion::article_id(&server.page(&article).await);
    let stale = reqwest::Client::new()
        .get(server.url(&format!("/en/comments/{id}/me")))
        .header("cookie", "dateline_reader=1; dateline_session=dls_expired")
        .send()
        .await
        .expect("me");
    assert_eq!(stale.status(), StatusCode::NO_CONTENT);
    assert!(
        set_cookies(&stale).iter().any(|c| c.starts_with("dateline_reader=;") && c.contains("Max-Age=0")),
        "a stale hint is removed"
    );
}
