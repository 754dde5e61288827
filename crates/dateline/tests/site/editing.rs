//! Editing stories as a busy newsroom does: the same headline twice, two
//! editors on one story, an archived story with its original time, and the
//! version partners see growing with every visible change.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::accounts::{csrf_of, get, location};
use crate::api_write::{call, story, token_for};
use crate::newsroom::{editor_fields, staff};
use crate::support::{Backend, TestServer, visible_text};

/// POSTs `body` with `If-Match: if_match` and returns status, ETag, JSON.
async fn put_if_match(
    server: &TestServer,
    path: &str,
    token: &str,
    if_match: &str,
    body: Value,
) -> (StatusCode, String, Value) {
    let response = server
        .client
        .put(server.url(path))
        .bearer_auth(token)
        .header("If-Match", if_match)
        .json(&body)
        .send()
        .await
        .expect("PUT");
    let status = response.status();
    let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, etag, response.json().await.unwrap_or(Value::Null))
}

/// Issue 20, item 2: "Morning briefing" every day, "Live: …" every hour.
pub async fn the_same_headline_gets_a_numbered_address(backend: Backend) {
    let server = TestServer::start(backend).await;
    let editor = token_for(&server, "desk@example.com", "editor").await;
    let mut slugs = Vec::new();
    for round in 0..3 {
        let (status, created) =
            call(&server, Method::POST, "/api/v1/articles", &editor, Some(story("Morning briefing"))).await;
        assert_eq!(status, StatusCode::CREATED, "round {round}: {created}");
        slugs.push(created["slug"].as_str().expect("slug").to_owned());
        if round == 0 {
            assert!(created.get("notice").is_none(), "the first one keeps its address: {created}");
        } else {
            let notice = created["notice"].as_str().expect("a notice says the address changed");
            assert!(notice.contains("morning-briefing"), "{notice}");
        }
        let id = created["id"].as_i64().expect("id");
        let path = format!("/api/v1/articles/{id}/transitions");
        let (status, published) =
            call(&server, Method::POST, &path, &editor, Some(json!({"action": "publish"}))).await;
        assert_eq!(status, StatusCode::OK, "{published}");
        let url = published["url"].as_str().expect("url");
        let page_path = &url[url.find("/en/").expect("path")..];
        assert!(server.page(page_path).await.contains("Morning briefing"));
    }
    assert_eq!(slugs, ["morning-briefing", "morning-briefing-2", "morning-briefing-3"]);

    // In the editor: saved, and told which address it got.
    let browser = staff(&server, "writer@example.com", "editor", &[]).await;
    let page = get(&browser, &server, "/newsroom/articles/new").await.text().await.expect("editor");
    let mut form: Vec<(String, String)> =
        vec![("csrf".into(), csrf_of(&page)), ("action".into(), "save".into())];
    let fields = editor_fields(&page, &[("headline", "Morning briefing"), ("lead", "Again.")]);
    let section = crate::newsroom::option_value(&page, "en · World");
    form.extend(fields.into_iter().map(|(k, v)| if k == "section" { (k, section.clone()) } else { (k, v) }));
    let saved = browser.post(server.url("/newsroom/articles/new")).form(&form).send().await.expect("POST");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let editor_page = get(&browser, &server, &location(&saved)).await.text().await.expect("editor");
    let text = visible_text(&editor_page);
    assert!(
        text.contains("already had the address “morning-briefing”, so this one got “morning-briefing-4”"),
        "{text}"
    );

    // A typed address that is taken is refused, with the text kept.
    let mut typed = story("Evening briefing");
    typed["slug"] = json!("morning-briefing");
    let (status, refused) = call(&server, Method::POST, "/api/v1/articles", &editor, Some(typed)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["fields"]["slug"].as_str().is_some_and(|m| m.contains("already has this address")));
}

/// The checked radio buttons and hidden fields of the merge form, as a
/// browser would post them.
fn merge_form(html: &str) -> Vec<(String, String)> {
    let form = html.split("<form class=\"merge\"").nth(1).expect("a merge form");
    let form = form.split("</form>").next().expect("form end");
    let attr = |tag: &str, name: &str| -> Option<String> {
        let marker = format!(" {name}=\"");
        tag.split(&marker).nth(1).and_then(|r| r.split('"').next()).map(crate::newsroom::unescape)
    };
    let mut fields = Vec::new();
    for tag in form.split("<input").skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let (Some(name), value) = (attr(tag, "name"), attr(tag, "value").unwrap_or_default()) else {
            continue;
        };
        let is_radio = tag.contains("type=\"radio\"");
        if !is_radio || tag.contains(" checked") {
            fields.push((name, value));
        }
    }
    fields
}

/// Issue 20, item 9: two editors, one story; nobody's work is lost.
pub async fn concurrent_edits_are_merged_not_lost(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = staff(&server, "ana@example.com", "editor", &[]).await;
    let ben = staff(&server, "ben@example.com", "editor", &[]).await;
    // A story written in the newsroom (through the API), so every version
    // of it has its revision to merge against.
    let token = token_for(&server, "bot@example.com", "editor").await;
    let (_, created) =
        call(&server, Method::POST, "/api/v1/articles", &token, Some(story("Two editors"))).await;
    let id = created["id"].as_i64().expect("id");
    let (_, published) = call(
        &server,
        Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        &token,
        Some(json!({"action": "publish"})),
    )
    .await;
    let url = published["url"].as_str().expect("url");
    let story_path = url[url.find("/en/").expect("path")..].to_owned();
    let editor_path = format!("/newsroom/articles/{id}");
    // Both open the editor before either saves.
    let ana_page = get(&ana, &server, &editor_path).await.text().await.expect("editor");
    let ben_page = get(&ben, &server, &editor_path).await.text().await.expect("editor");
    let post = |client: &reqwest::Client, page: &str, changes: &[(&str, &str)]| {
        let mut form: Vec<(String, String)> =
            vec![("csrf".into(), csrf_of(page)), ("action".into(), "publish".into())];
        form.extend(editor_fields(page, changes));
        form.push((
            "version".into(),
            page.split("name=\"version\" value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("version")
                .to_owned(),
        ));
        client.post(server.url(&editor_path)).form(&form).send()
    };
    let saved = post(&ana, &ana_page, &[("lead", "Ana's sharper lead.")]).await.expect("POST");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "the first save goes through");
    let refused = post(&ben, &ben_page, &[("body", "Ben's rewritten body.\n\nWith a second paragraph.")])
        .await
        .expect("POST");
    assert_eq!(refused.status(), StatusCode::CONFLICT, "the second is refused, not saved over the first");
    let merge = refused.text().await.expect("merge page");
    let text = visible_text(&merge);
    assert!(text.contains("This story changed while you were editing it"), "{text}");
    assert!(
        text.contains("Ana")
            && text.contains("Ana's sharper lead.")
            && text.contains("Ben's rewritten body."),
        "{text}"
    );
    // Only Ana changed the lead and only Ben the body: both are chosen already.
    let chosen = merge_form(&merge);
    let value =
        |name: &str| chosen.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    assert_eq!(value("lead"), "Ana's sharper lead.");
    assert!(value("body").starts_with("Ben's rewritten body."));
    let merged = ben.post(server.url(&editor_path)).form(&chosen).send().await.expect("POST merge");
    assert_eq!(merged.status(), StatusCode::SEE_OTHER, "the merge saves");
    let public = server.page(&story_path).await;
    assert!(
        public.contains("Ana&#39;s sharper lead.") || public.contains("Ana's sharper lead."),
        "lead kept"
    );
    assert!(public.contains("rewritten body."), "body kept");

    // The API: If-Match names the version a change is based on.
    let (status, created) =
        call(&server, Method::POST, "/api/v1/articles", &token, Some(story("Versioned"))).await;
    assert_eq!(status, StatusCode::CREATED);
    let version = created["version"].as_i64().expect("version");
    let path = format!("/api/v1/articles/{}", created["id"]);
    let mut change = story("Versioned");
    change["lead"] = json!("First change.");
    let (status, etag, first) =
        put_if_match(&server, &path, &token, &format!("\"v{version}\""), change.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(etag, format!("\"v{}\"", version + 1));
    change["lead"] = json!("A change based on the old version.");
    let (status, etag, stale) =
        put_if_match(&server, &path, &token, &format!("\"v{version}\""), change.clone()).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{stale}");
    assert_eq!(stale["error"], "precondition_failed");
    assert_eq!(stale["current_version"], version + 1);
    assert_eq!(etag, format!("\"v{}\"", version + 1));
    let (status, _, bad) = put_if_match(&server, &path, &token, "yesterday", change).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
}

/// Issue 20, items 6 and 10: an archived story keeps its original time;
/// the version partners see grows with every visible change.
pub async fn original_time_and_public_versions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let editor = token_for(&server, "archive@example.com", "editor").await;
    let contributor = token_for(&server, "stringer@example.com", "contributor").await;

    let mut archived = story("The dam opened in 2019");
    archived["published_at"] = json!("2019-03-04T05:06:07Z");
    let (status, created) =
        call(&server, Method::POST, "/api/v1/articles", &editor, Some(archived.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (status, published) = call(
        &server,
        Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        &editor,
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert!(published["url"].as_str().expect("url").contains("/en/2019/03/04/"), "{published}");
    let (_, read) = call(&server, Method::GET, &format!("/api/v1/articles/{id}"), &editor, None).await;
    assert_eq!(read["published_at"], "2019-03-04T05:06:07Z");
    assert_eq!(read["updated_at"], "2019-03-04T05:06:07Z", "an archived story is not 'updated today'");
    let audit = {
        let admin = staff(&server, "auditor@example.com", "admin", &[]).await;
        get(&admin, &server, "/newsroom/audit").await.text().await.expect("audit")
    };
    assert!(audit.contains("article.published_at") && audit.contains("2019-03-04T05:06:07Z"), "audited");

    // Contributors may not, and nobody may give a time in the future.
    let (status, refused) =
        call(&server, Method::POST, "/api/v1/articles", &contributor, Some(archived)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["fields"]["published_at"].is_string(), "{refused}");
    let mut future = story("Tomorrow's news today");
    future["published_at"] = json!("2999-01-01T00:00:00Z");
    let (status, refused) = call(&server, Method::POST, "/api/v1/articles", &editor, Some(future)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    // ninjs `version`: 1 when published, and one more for each visible change,
    // however quickly it follows.
    let (_, created) =
        call(&server, Method::POST, "/api/v1/articles", &editor, Some(story("A quick correction"))).await;
    let id = created["id"].as_i64().expect("id");
    let ninjs_version = || async {
        let (status, ninjs) =
            call(&server, Method::GET, &format!("/api/v1/articles/{id}/ninjs"), &editor, None).await;
        assert_eq!(status, StatusCode::OK, "{ninjs}");
        ninjs["version"].as_str().expect("version").to_owned()
    };
    call(
        &server,
        Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        &editor,
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(ninjs_version().await, "1");
    for (n, lead) in ["Corrected once.", "Corrected twice."].iter().enumerate() {
        let mut change = story("A quick correction");
        change["lead"] = json!(lead);
        let (status, saved) =
            call(&server, Method::PUT, &format!("/api/v1/articles/{id}"), &editor, Some(change)).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(ninjs_version().await, (n + 2).to_string(), "a correction seconds later is a new version");
    }
}
