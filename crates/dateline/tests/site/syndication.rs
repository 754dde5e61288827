//! What other machines read: feeds (RSS and Atom checked by a real feed
//! parser, feedparser from PyPI; JSON Feed against its spec's required
//! fields) and sitemaps.

use reqwest::StatusCode;

use crate::support::{Backend, TestServer, python_with};

/// Parses each document with feedparser; prints one JSON line per feed:
/// bozo flag, version, entry count, first entry's id, link, title and
/// whether it has content and an image.
const FEEDPARSER: &str = r#"
import json, sys, feedparser
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        parsed = feedparser.parse(f.read())
    first = parsed.entries[0] if parsed.entries else {}
    print(json.dumps({
        "bozo": int(parsed.bozo), "problem": str(parsed.get("bozo_exception", "")),
        "version": parsed.version, "entries": len(parsed.entries),
        "title": parsed.feed.get("title", ""),
        "id": first.get("id", ""), "link": first.get("link", ""), "entry_title": first.get("title", ""),
        "content": bool(first.get("content")), "image": bool(first.get("enclosures") or first.get("image")),
        "updated": bool(first.get("updated") or first.get("published")),
    }))
"#;

pub async fn feeds_parse_cleanly(backend: Backend) {
    let Some(python) = python_with("feedparser", "feeds_parse_cleanly") else { return };
    let server = TestServer::start(backend).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    let mut json_ids = Vec::new();
    for scope in ["/en/feed", "/ru/feed", "/en/feeds/section/world", "/en/feeds/author/elena-varga"] {
        for (extension, media_type) in [("xml", "application/rss+xml"), ("atom", "application/atom+xml")] {
            let path = format!("{scope}.{extension}");
            let response = server.get(&path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
            assert!(content_type.starts_with(media_type), "{path}: {content_type}");
            let file = dir.path().join(format!("{}.{extension}", files.len()));
            std::fs::write(&file, response.bytes().await.expect("body")).expect("write");
            files.push((path, file));
        }
        // feedparser 6.0 reads no JSON Feed: its required fields (JSON Feed 1.1) are checked here.
        let path = format!("{scope}.json");
        let response = server.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers()["content-type"].to_str().expect("ascii").starts_with("application/feed+json")
        );
        let feed: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1", "{path}");
        assert!(feed["title"].as_str().is_some_and(|t| !t.is_empty()), "{path}");
        assert!(feed["feed_url"].as_str().is_some_and(|u| u.ends_with(&path)), "{path}");
        let items = feed["items"].as_array().expect("items");
        assert!(!items.is_empty(), "{path}");
        for item in items {
            assert!(
                item["id"].is_string() && item["url"].is_string() && item["date_published"].is_string(),
                "{item}"
            );
            assert!(item["content_html"].is_string() || item["content_text"].is_string(), "{item}");
        }
        json_ids.push(items[0]["id"].as_str().expect("id").to_owned());
    }
    let output = std::process::Command::new(&python)
        .arg("-c")
        .arg(FEEDPARSER)
        .args(files.iter().map(|(_, file)| file))
        .output()
        .expect("run feedparser");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("json line"))
        .collect();
    assert_eq!(lines.len(), files.len());
    for ((path, _), parsed) in files.iter().zip(&lines) {
        assert_eq!(parsed["bozo"], 0, "{path}: {parsed}");
        assert!(parsed["entries"].as_i64().expect("count") >= 1, "{path}: {parsed}");
        assert!(parsed["id"].as_str().expect("id").starts_with("tag:127.0.0.1,"), "{path}: {parsed}");
        assert!(parsed["link"].as_str().expect("link").starts_with(&server.base), "{path}: {parsed}");
        assert_eq!(parsed["content"], true, "{path}: full text by default: {parsed}");
        assert_eq!(parsed["updated"], true, "{path}: {parsed}");
        let version = parsed["version"].as_str().expect("version");
        assert!(["rss20", "atom10"].contains(&version), "{path}: {version}");
    }
    // The same story has the same id in every format.
    let ids: Vec<&str> = lines[..2].iter().map(|l| l["id"].as_str().expect("id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]) && json_ids[0] == ids[0], "{ids:?} {json_ids:?}");
    assert!(lines.iter().any(|l| l["image"] == true), "photos come along");

    // Conditional GET: the validators answer 304.
    let first = server.get("/en/feed.atom").await;
    let etag = first.headers()["etag"].clone();
    let again = server
        .client
        .get(server.url("/en/feed.atom"))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("get");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Unknown targets are 404s.
    for path in [
        "/en/feeds/section/no-such-section.xml",
        "/en/feeds/tag/no-such-tag.atom",
        "/en/feeds/author/nobody.json",
        "/en/feeds/planet/world.xml",
        "/en/feeds/section/world.txt",
        "/en/feeds/section/world",
        "/xx/feed.xml",
    ] {
        assert_eq!(server.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // Pages say where their feeds are.
    let home = server.page("/en/").await;
    assert!(
        home.contains(r#"<link rel="alternate" type="application/rss+xml" href="/en/feed.xml""#),
        "edition feed"
    );
    let section = server.page("/en/world").await;
    assert!(
        section.contains(r#"type="application/atom+xml" href="/en/feeds/section/world.atom""#),
        "section feed"
    );
}

pub async fn sitemaps_list_every_story(backend: Backend) {
    let server = TestServer::start(backend).await;
    let robots = server.page("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", server.base)), "{robots}");
    let index = server.get("/sitemap.xml").await;
    assert_eq!(index.status(), StatusCode::OK);
    assert!(index.headers()["content-type"].to_str().expect("ascii").starts_with("application/xml"));
    let index = index.text().await.expect("body");
    assert!(
        index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
        "{index}"
    );
    assert!(index.contains(&format!("{}/sitemaps/news-en.xml", server.base)), "{index}");
    let now = time::OffsetDateTime::now_utc();
    let this_month = format!("{}/sitemaps/en-{:04}-{:02}.xml", server.base, now.year(), now.month() as u8);
    assert!(index.contains(&this_month), "{index}");

    let news = server.page("/sitemaps/news-en.xml").await;
    assert!(news.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""));
    assert!(
        news.contains("<news:title>Rotterdam dock workers end nine-day strike after wage deal</news:title>"),
        "{news}"
    );
    assert!(
        news.contains("<news:language>en</news:language>")
            && news.contains("<news:name>Meridian</news:name>")
    );
    assert!(!news.contains("Ferry service suspended"), "withdrawn stories are not listed");
    let month = server.page(this_month.strip_prefix(&server.base).expect("path")).await;
    assert!(month.matches("<url>").count() >= 5, "{month}");
    assert!(month.contains(&format!("<loc>{}/en/20", server.base)));
    for path in [
        "/sitemaps/news-xx.xml",
        "/sitemaps/en-2026-13.xml",
        "/sitemaps/en-26-01.xml",
        "/sitemaps/whatever",
        "/sitemaps/en.xml",
    ] {
        assert_eq!(server.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

/// Validates ninjs documents against IPTC's schema (draft 2020-12, with
/// formats checked); prints the errors, nothing when all are valid.
const NINJS_VALIDATOR: &str = r#"
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path))):
        print(f"{path}: {error.json_path}: {error.message}")
"#;

pub async fn ninjs_validates_against_the_iptc_schema(backend: Backend) {
    let Some(testdata) = crate::support::testdata() else {
        eprintln!("SKIPPED ninjs_validates_against_the_iptc_schema: ../shared/testdata is absent");
        return;
    };
    let Some(python) = python_with("jsonschema", "ninjs_validates_against_the_iptc_schema") else { return };
    let server = TestServer::start(backend).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    let mut files_3 = Vec::new();
    for edition in ["en", "ru"] {
        let list: serde_json::Value = server
            .get(&format!("/api/v1/articles?edition={edition}&limit=50"))
            .await
            .json()
            .await
            .expect("list");
        for item in list["items"].as_array().expect("items").iter().take(25) {
            let id = item["id"].as_i64().expect("id");
            let response = server.get(&format!("/api/v1/articles/{id}/ninjs")).await;
            assert_eq!(response.status(), StatusCode::OK, "article {id}");
            let body = response.bytes().await.expect("body");
            let file = dir.path().join(format!("{id}.json"));
            std::fs::write(&file, &body).expect("write");
            files.push(file);
            let response = server.get(&format!("/api/v1/articles/{id}/ninjs?version=3.1")).await;
            assert_eq!(response.status(), StatusCode::OK, "article {id} as ninjs 3.1");
            let file = dir.path().join(format!("{id}-3.json"));
            std::fs::write(&file, response.bytes().await.expect("body")).expect("write");
            files_3.push(file);
        }
    }
    assert!(files.len() >= 20, "a real sample");
    for (schema, files) in [("ninjs-schema_2.2.json", &files), ("ninjs-schema_3.1.json", &files_3)] {
        let output = std::process::Command::new(&python)
            .arg("-c")
            .arg(NINJS_VALIDATOR)
            .arg(testdata.join("ninjs/schema").join(schema))
            .args(files)
            .output()
            .expect("run the validator");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let errors = String::from_utf8_lossy(&output.stdout);
        assert!(errors.trim().is_empty(), "ninjs output is not valid against {schema}:\n{errors}");
    }

    // What a partner reads: the story's fields, and its photo as an association.
    let list: serde_json::Value =
        server.get("/api/v1/articles?edition=en&limit=50").await.json().await.expect("list");
    let rotterdam = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["headline"].as_str().is_some_and(|h| h.starts_with("Rotterdam dock workers")))
        .expect("the Rotterdam story");
    let ninjs: serde_json::Value =
        server.get(&format!("/api/v1/articles/{}/ninjs", rotterdam["id"])).await.json().await.expect("ninjs");
    assert_eq!(ninjs["headlines"][0]["value"], "Rotterdam dock workers end nine-day strike after wage deal");
    assert_eq!(ninjs["located"], "ROTTERDAM");
    assert_eq!(ninjs["language"], "en");
    assert!(
        ninjs["bodies"][0]["value"].as_str().expect("body").contains("<span class=\"dateline\">ROTTERDAM")
    );
    assert_eq!(ninjs["associations"][0]["type"], "picture");
    assert!(ninjs["associations"][0]["renditions"].as_array().is_some_and(|r| !r.is_empty()));
    let ninjs_3: serde_json::Value = server
        .get(&format!("/api/v1/articles/{}/ninjs?version=3", rotterdam["id"]))
        .await
        .json()
        .await
        .expect("ninjs 3.1");
    assert_eq!(ninjs_3["standard"]["version"], "3.1");
    assert_eq!(ninjs_3["headlines"][0]["value"], ninjs["headlines"][0]["value"]);
    assert_eq!(ninjs_3["headlines"][0]["contentType"], "text/plain");
    assert_eq!(ninjs_3["versionCreated"], ninjs["versioncreated"]);
    assert_eq!(
        ninjs_3["associations"][0]["renditions"][0]["contentType"],
        ninjs["associations"][0]["renditions"][0]["contenttype"]
    );
    for bad in
        ["/api/v1/articles/abc/ninjs", "/api/v1/articles/999999/ninjs", "/api/v1/articles/1/ninjs?version=9"]
    {
        assert!(server.get(bad).await.status().is_client_error(), "{bad}");
    }
}

pub async fn pasted_links_get_an_oembed_preview(backend: Backend) {
    let server = TestServer::start(backend).await;
    let list = server.page("/en/world").await;
    let story = crate::support::article_links(&list, "en")
        .into_iter()
        .find(|p| p.contains("rotterdam-dock-workers"))
        .expect("the Rotterdam story");
    let page = server.page(&story).await;
    // A consumer finds the endpoint in <head> and follows it.
    let marker = "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"";
    let href = page.split(marker).nth(1).and_then(|r| r.split('"').next()).expect("discovery link in <head>");
    let href = href.replace("&amp;", "&");
    assert!(href.starts_with(&format!("{}/api/v1/oembed?url=", server.base)), "{href}");
    let discovered: serde_json::Value =
        server.client.get(&href).send().await.expect("get").json().await.expect("json");
    assert_eq!(discovered["title"], "Rotterdam dock workers end nine-day strike after wage deal");
    let url = format!("{}{story}", server.base);
    let answer = server
        .client
        .get(server.url("/api/v1/oembed"))
        .query(&[("url", url.as_str())])
        .send()
        .await
        .expect("get");
    assert_eq!(answer.status(), StatusCode::OK);
    let embed: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(embed["version"], "1.0");
    assert_eq!(embed["type"], "rich");
    assert_eq!(embed["title"], "Rotterdam dock workers end nine-day strike after wage deal");
    assert_eq!(embed["provider_name"], "Meridian");
    assert!(embed["html"].as_str().expect("html").contains(&format!("<a href=\"{url}\">")));
    assert!(embed["thumbnail_url"].as_str().is_some_and(|u| u.starts_with(&server.base)), "{embed}");
    let missing = format!("{}/en/2020/01/01/no-such-story", server.base);
    for (query, status) in [
        (vec![("url", missing.as_str())], StatusCode::NOT_FOUND),
        (vec![], StatusCode::BAD_REQUEST),
        (vec![("url", "https://elsewhere.example/en/2026/01/01/x")], StatusCode::NOT_FOUND),
        (vec![("url", url.as_str()), ("format", "xml")], StatusCode::NOT_IMPLEMENTED),
        (vec![("url", url.as_str()), ("maxwidth", "huge")], StatusCode::BAD_REQUEST),
    ] {
        let response =
            server.client.get(server.url("/api/v1/oembed")).query(&query).send().await.expect("get");
        assert_eq!(response.status(), status, "{query:?}");
    }
}

/// A WebSub hub on loopback: keeps the body of every POST it gets and
/// answers 503 to the first one, 204 to the rest.
struct FakeHub {
    url: String,
    pings: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeHub {
    async fn start() -> Self {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the hub");
        let url = format!("http://{}/hub", listener.local_addr().expect("address"));
        let pings = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = std::sync::Arc::clone(&pings);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = std::sync::Arc::clone(&seen);
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        // One request: headers, then Content-Length bytes of body.
                        let head_end = loop {
                            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                                break at + 4;
                            }
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                        };
                        let head = String::from_utf8_lossy(&buffer[..head_end]).to_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        while buffer.len() < head_end + length {
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
                        buffer.drain(..head_end + length);
                        let first = {
                            let mut pings = seen.lock().expect("pings");
                            pings.push(body);
                            pings.len() == 1
                        };
                        let answer: &[u8] = if first {
                            b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"
                        } else {
                            b"HTTP/1.1 204 No Content\r\n\r\n"
                        };
                        if socket.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self { url, pings }
    }

    fn pings(&self) -> Vec<String> {
        self.pings.lock().expect("pings").clone()
    }
}

/// With a hub configured, feeds name it and publishing pings it for every
/// feed the story is in; a failing hub is tried again.
pub async fn websub_hub_hears_of_every_change(backend: Backend) {
    let hub = FakeHub::start().await;
    let (server, _config) =
        crate::discussion::start_with_settings(backend, &format!("websub_hub = \"{}\"\n", hub.url)).await;

    let rss = server.get("/en/feed.xml").await;
    let link = rss.headers()["link"].to_str().expect("link").to_owned();
    assert_eq!(link, format!("<{}>; rel=\"hub\", <{}/en/feed.xml>; rel=\"self\"", hub.url, server.base));
    let rss = rss.text().await.expect("rss");
    assert!(rss.contains(&format!("<atom:link href=\"{}\" rel=\"hub\"", hub.url)), "{rss}");
    let atom = server.page("/en/feeds/section/business.atom").await;
    assert!(atom.contains(&format!("<link href=\"{}\" rel=\"hub\"", hub.url)), "{atom}");
    let json: serde_json::Value =
        serde_json::from_str(&server.page("/en/feed.json").await).expect("json feed");
    assert_eq!(json["hubs"][0]["type"], "WebSub");
    assert_eq!(json["hubs"][0]["url"], hub.url.as_str());

    let token = crate::api_write::token_for(&server, "wire@example.com", "editor").await;
    let (status, created) = crate::api_write::call(
        &server,
        reqwest::Method::POST,
        "/api/v1/articles",
        &token,
        Some(crate::api_write::story("Hub pings carry every feed")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_i64().expect("id");
    assert!(hub.pings().is_empty(), "a draft is nobody's news");
    let (status, _) = crate::api_write::call(
        &server,
        reqwest::Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        &token,
        Some(serde_json::json!({"action": "publish"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let encoded =
        |path: &str| format!("hub.mode=publish&hub.url={}", url_encode(&format!("{}{path}", server.base)));
    let edition_feed = encoded("/en/feed.xml");
    // The first ping got a 503: the job runs again (after about 10 s).
    for _ in 0..300 {
        if hub.pings().iter().filter(|p| **p == edition_feed).count() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let pings = hub.pings();
    assert!(pings.iter().filter(|p| **p == edition_feed).count() >= 2, "retried after the 503: {pings:?}");
    for path in [
        "/en/feed.atom",
        "/en/feed.json",
        "/en/feeds/section/business.xml",
        "/en/feeds/tag/markets.atom",
        "/en/feeds/tag/api.json",
        "/en/feeds/author/marcus-okafor.xml",
    ] {
        assert!(pings.contains(&encoded(path)), "{path} announced: {pings:?}");
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => char::from(b).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
