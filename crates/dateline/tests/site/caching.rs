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
    let (status, saved) = call(
        &server,
        Method::PUT,
        &format!("/api/v1/articles/{id}"),
        &editor,
        Some(story("Harbour dues rise for the first time in a decade")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
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
