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
        }
    }
    assert!(files.len() >= 20, "a real sample");
    let output = std::process::Command::new(&python)
        .arg("-c")
        .arg(NINJS_VALIDATOR)
        .arg(testdata.join("ninjs/schema/ninjs-schema_2.2.json"))
        .args(&files)
        .output()
        .expect("run the validator");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let errors = String::from_utf8_lossy(&output.stdout);
    assert!(errors.trim().is_empty(), "ninjs output is not valid:\n{errors}");

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
    for bad in ["/api/v1/articles/abc/ninjs", "/api/v1/articles/999999/ninjs"] {
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
