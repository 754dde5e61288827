//! The JSON API, as a client sees it.

use serde_json::Value;

use crate::support::{Backend, TestServer};

async fn json(server: &TestServer, path: &str) -> Value {
    let response = server.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    assert!(response.headers()["content-type"].to_str().expect("type").starts_with("application/json"));
    response.json().await.expect("JSON body")
}

pub async fn editions_and_sections(backend: Backend) {
    let server = TestServer::start(backend).await;
    let editions = json(&server, "/api/v1/editions").await;
    let codes: Vec<&str> =
        editions.as_array().expect("array").iter().map(|e| e["code"].as_str().expect("code")).collect();
    assert_eq!(codes, ["en", "ru"]);
    assert_eq!(editions[0]["is_default"], true);
    assert_eq!(editions[1]["name"], "Русский");
    let sections = json(&server, "/api/v1/editions/en/sections").await;
    assert_eq!(sections.as_array().expect("array").len(), 6);
    assert_eq!(sections[0]["slug"], "world");
    assert!(sections[0]["description"].as_str().expect("description").len() > 20);
}

pub async fn articles_page_by_cursor_and_filter(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut path = "/api/v1/articles?edition=en&limit=7".to_owned();
    let mut ids = Vec::new();
    let mut last_time = String::from("9999");
    loop {
        let page = json(&server, &path).await;
        for item in page["items"].as_array().expect("items") {
            let id = item["id"].as_i64().expect("id");
            assert!(!ids.contains(&id), "article {id} twice");
            ids.push(id);
            let time = item["published_at"].as_str().expect("time").to_owned();
            assert!(time <= last_time, "newest first");
            last_time = time;
            assert_eq!(item["edition"], "en");
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/articles?edition=en&limit=7&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(ids.len(), 24);

    let all = json(&server, "/api/v1/articles?limit=50").await;
    assert_eq!(all["items"].as_array().expect("items").len(), 48, "both editions, published only");

    let sport = json(&server, "/api/v1/articles?edition=ru&section=sport").await;
    let items = sport["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["section"] == "sport" && i["edition"] == "ru"));

    let tagged = json(&server, "/api/v1/articles?edition=en&tag=ports").await;
    let items = tagged["items"].as_array().expect("items");
    assert!(items.iter().any(|i| i["slug"].as_str().expect("slug").contains("rotterdam")));
    assert!(items[0]["image"]["renditions"].as_array().expect("renditions").len() == 3);
}

pub async fn one_article(backend: Backend) {
    let server = TestServer::start(backend).await;
    let tagged = json(&server, "/api/v1/articles?edition=en&tag=ports").await;
    let id = tagged["items"][0]["id"].as_i64().expect("id");
    let article = json(&server, &format!("/api/v1/articles/{id}")).await;
    assert_eq!(article["id"], id);
    assert!(
        article["body_html"].as_str().expect("html").starts_with("<p><span class=\"dateline\">ROTTERDAM, ")
    );
    assert!(article["body_markdown"].as_str().expect("markdown").starts_with("Dock workers"));
    assert_eq!(article["authors"][0]["name"], "Elena Varga");
    assert_eq!(article["translations"][0]["edition"], "ru");
    assert!(article["correction"].as_str().is_some());
    let url = article["url"].as_str().expect("url");
    let path = url.strip_prefix(&server.base).expect("absolute URL on this server");
    server.page(path).await;
}

pub async fn bad_parameters_get_json_errors(backend: Backend) {
    let server = TestServer::start(backend).await;
    for (path, status) in [
        ("/api/v1/articles?limit=abc", 400),
        ("/api/v1/articles?limit=0", 400),
        ("/api/v1/articles?limit=500", 400),
        ("/api/v1/articles?cursor=zzz", 400),
        ("/api/v1/articles?section=world", 400),
        ("/api/v1/articles?edition=en&section=Not%20A%20Slug", 400),
        ("/api/v1/articles?edition=xx", 404),
        ("/api/v1/articles?edition=en&section=nowhere", 404),
        ("/api/v1/articles?edition=en&tag=nothing", 404),
        ("/api/v1/articles/abc", 400),
        ("/api/v1/articles/99999999", 404),
        ("/api/v1/editions/xx/sections", 404),
        ("/api/v1/nothing-here", 404),
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        let body: Value = response.json().await.unwrap_or_else(|e| panic!("{path}: not JSON: {e}"));
        assert!(
            body["error"].is_string() && body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}: {body}"
        );
    }
}

pub async fn openapi_document_describes_the_routes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let doc = json(&server, "/api/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/api/v1/editions",
        "/api/v1/editions/{edition}/sections",
        "/api/v1/articles",
        "/api/v1/articles/{id}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    assert!(doc["components"]["schemas"]["ArticleDto"].is_object());
}
