//! The JSON API's write side, as an API client (a wire bot, a CMS bridge)
//! uses it with a bearer token.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::accounts::cli;
use crate::support::{Backend, TestServer};

pub async fn token_for(server: &TestServer, email: &str, role: &str) -> String {
    let (ok, _, err) =
        cli(server, &["user", "add", "--email", email, "--role", role], "staff passphrase\n").await;
    assert!(ok, "{err}");
    let (ok, token, err) = cli(server, &["token", "create", "--email", email], "").await;
    assert!(ok, "{err}");
    token.trim().to_owned()
}

pub async fn call(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = server.client.request(method, server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
    };
    (status, json)
}

pub fn story(headline: &str) -> Value {
    json!({
        "edition": "en",
        "section": "business",
        "headline": headline,
        "lead": "Filed through the API.",
        "dateline_place": "FRANKFURT",
        "body": "First paragraph.\n\nSecond paragraph.",
        "tags": ["Markets", "API"],
        "authors": ["marcus-okafor"]
    })
}

pub async fn tokens_write_and_publish_articles(backend: Backend) {
    use reqwest::Method;
    let server = TestServer::start(backend).await;
    let editor = token_for(&server, "ed@example.com", "editor").await;

    let (status, created) = call(
        &server,
        Method::POST,
        "/api/v1/articles",
        &editor,
        Some(story("Bond yields ease as inflation cools")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "draft");
    assert!(created["url"].is_null());
    let id = created["id"].as_i64().expect("id");
    let (status, _) = call(&server, Method::GET, &format!("/api/v1/articles/{id}"), &editor, None).await;
    assert_eq!(status, 404, "drafts are not readable as published articles");

    let (status, published) = call(
        &server,
        Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        &editor,
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["status"], "published");
    let url = published["url"].as_str().expect("public url").to_owned();
    let path = url.strip_prefix(&server.base).expect("on this server").to_owned();
    let html = server.page(&path).await;
    assert!(html.contains("Bond yields ease as inflation cools"));
    assert!(html.contains("<span class=\"dateline\">FRANKFURT, "));

    let mut changed = story("Bond yields ease further as inflation cools");
    changed["correction"] = json!("An earlier version misnamed the index.");
    let (status, updated) =
        call(&server, Method::PUT, &format!("/api/v1/articles/{id}"), &editor, Some(changed)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["action"], "update");
    let html = server.page(&path).await;
    assert!(html.contains("Bond yields ease further"), "the update is live");
    assert!(html.contains("An earlier version misnamed the index."));

    // Mistakes: JSON errors with the field named.
    let mut bad = story("Valid headline");
    bad["section"] = json!("nowhere");
    let (status, error) = call(&server, Method::POST, "/api/v1/articles", &editor, Some(bad)).await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["error"], "invalid");
    assert!(error["fields"]["section"].is_string(), "{error}");
    let (status, error) = call(
        &server,
        Method::POST,
        "/api/v1/articles",
        &editor,
        Some(json!({"edition": "en", "section": "world", "headline": "x", "colour": "red"})),
    )
    .await;
    assert_eq!(status, 400, "unknown fields are refused: {error}");
    let raw = server
        .client
        .post(server.url("/api/v1/articles"))
        .bearer_auth(&editor)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(raw.status(), 400);
    assert_eq!(raw.json::<Value>().await.expect("JSON error")["error"], "bad_request");
    let (status, _) = call(
        &server,
        Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        &editor,
        Some(json!({"action": "explode"})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) =
        call(&server, Method::PUT, "/api/v1/articles/99999999", &editor, Some(story("x"))).await;
    assert_eq!(status, 404);

    // Roles.
    let contributor = token_for(&server, "writer@example.com", "contributor").await;
    let (status, draft) = call(
        &server,
        Method::POST,
        "/api/v1/articles",
        &contributor,
        Some(story("Contributor files a market report")),
    )
    .await;
    assert_eq!(status, 201);
    let draft_id = draft["id"].as_i64().expect("id");
    let transitions = format!("/api/v1/articles/{draft_id}/transitions");
    let (status, _) =
        call(&server, Method::POST, &transitions, &contributor, Some(json!({"action": "publish"}))).await;
    assert_eq!(status, 403, "contributors do not publish");
    let (status, submitted) =
        call(&server, Method::POST, &transitions, &contributor, Some(json!({"action": "submit"}))).await;
    assert_eq!((status, submitted["status"].as_str()), (StatusCode::OK, Some("in_review")));
    let (status, _) =
        call(&server, Method::PUT, &format!("/api/v1/articles/{id}"), &contributor, Some(story("Hijack")))
            .await;
    assert_eq!(status, 403, "not someone else's article");
    let reader = token_for(&server, "reader@example.com", "reader").await;
    let (status, _) =
        call(&server, Method::POST, "/api/v1/articles", &reader, Some(story("Reader tries"))).await;
    assert_eq!(status, 403);
    let anonymous =
        server.client.post(server.url("/api/v1/articles")).json(&story("Nobody")).send().await.expect("POST");
    assert_eq!(anonymous.status(), 401);

    // Scheduling through the API.
    let at = (time::OffsetDateTime::now_utc() + time::Duration::seconds(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    let (status, scheduled) = call(
        &server,
        Method::POST,
        &transitions,
        &editor,
        Some(json!({"action": "schedule", "publish_at": at})),
    )
    .await;
    assert_eq!(status, 200, "{scheduled}");
    assert_eq!(scheduled["status"], "scheduled");
    let mut published = false;
    for _ in 0..40 {
        let (status, _) =
            call(&server, Method::GET, &format!("/api/v1/articles/{draft_id}"), &editor, None).await;
        if status == 200 {
            published = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(published, "the scheduled article was published by the job runner");

    // Deleting: not while published; after unpublishing, yes.
    let (status, _) = call(&server, Method::DELETE, &format!("/api/v1/articles/{id}"), &editor, None).await;
    assert_eq!(status, 409);
    let (status, _) = call(
        &server,
        Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        &editor,
        Some(json!({"action": "unpublish"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(server.get(&path).await.status(), 410);
    let (status, _) = call(&server, Method::DELETE, &format!("/api/v1/articles/{id}"), &editor, None).await;
    assert_eq!(status, 204);
    assert_eq!(server.get(&path).await.status(), 404, "gone for good");

    let doc: Value = server
        .client
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    for (path, method) in [
        ("/api/v1/articles", "post"),
        ("/api/v1/articles/{id}", "put"),
        ("/api/v1/articles/{id}", "delete"),
        ("/api/v1/articles/{id}/transitions", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} documented");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
