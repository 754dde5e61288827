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

/// POSTs a story through the API and publishes it; returns its page path.
async fn publish(server: &TestServer, token: &str, story: Value) -> String {
    let (status, created) = call(server, Method::POST, "/api/v1/articles", token, Some(story)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/articles/{}/transitions", created["id"]);
    let (status, published) =
        call(server, Method::POST, &path, token, Some(json!({"action": "publish"}))).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    let url = published["url"].as_str().expect("url");
    url[url.find("/en/").expect("an English story")..].to_owned()
}

/// Issue 20, items 4, 5, 7, 8 and 12: what the article page says about its
/// photo, its dateline, its author, its neighbours and breaking news.
pub async fn the_article_page_gets_the_details_right(backend: Backend) {
    let server = TestServer::start(backend).await;
    let token = token_for(&server, "wire@example.com", "editor").await;
    // A wire photo whose credit already carries "©", with the bank's own
    // copyright notice.
    let photo: Value = server
        .client
        .post(server.url("/api/v1/media?name=pool.jpg"))
        .bearer_auth(&token)
        .body(crate::media::credited_jpeg())
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let mut story_json = story("Flood defences hold on the Danube");
    story_json["section"] = json!("world");
    story_json["tags"] = json!(["Danube floods"]);
    story_json["authors"] = json!([]);
    story_json["dateline_place"] = json!("Budapest");
    story_json["dateline_agency"] = json!("RIA Novosti");
    story_json["main_media"] = photo["id"].clone();
    story_json["image_credit"] = json!("© POOL");
    let path = publish(&server, &token, story_json).await;
    // An older story sharing the tag, from another section, and newer ones
    // that share nothing.
    let mut older = story("Danube levels rise after a week of rain");
    older["section"] = json!("science");
    older["tags"] = json!(["Danube floods"]);
    older["published_at"] = json!("2026-01-10T08:00:00Z");
    let older_path = publish(&server, &token, older).await;
    for n in 0..3 {
        publish(&server, &token, story(&format!("Markets open flat, day {n}"))).await;
    }

    let page = server.page(&path).await;
    // Item 4: the credit as given, the copyright apart; never "© ©".
    let caption =
        page.split("<figcaption>").nth(1).and_then(|c| c.split("</figcaption>").next()).expect("caption");
    assert!(!visible_text(caption).contains("© ©"), "{caption}");
    assert!(caption.contains(">© POOL</a>"), "the credit as the desk gave it: {caption}");
    assert!(caption.contains("<span class=\"copyright\">© Meridian 2026</span>"), "{caption}");
    // Item 5: the place in capitals, the date and agency as written, and no
    // stylesheet rule shouting the rest.
    assert!(page.contains("<span class=\"dateline\">BUDAPEST, "), "{}", visible_text(&page));
    let dateline = page
        .split("<span class=\"dateline\">")
        .nth(1)
        .and_then(|d| d.split("</span>").next())
        .expect("dateline");
    assert!(dateline.ends_with(" (RIA Novosti) -") && dateline.chars().any(char::is_lowercase), "{dateline}");
    let css_href =
        page.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next()).expect("css");
    let css = server.page(css_href).await;
    let rule = css.split(".dateline {").nth(1).and_then(|r| r.split('}').next()).expect("a .dateline rule");
    assert!(!rule.contains("uppercase"), "{rule}");
    // Item 7: an author even without a byline, and og:locale as en_US.
    let json_ld = page
        .split("application/ld+json\">")
        .nth(1)
        .and_then(|j| j.split("</script>").next())
        .expect("json-ld");
    let json_ld: Value = serde_json::from_str(json_ld).expect("JSON-LD parses");
    assert_eq!(json_ld["author"], json!([{ "@type": "NewsMediaOrganization", "name": "RIA Novosti" }]));
    assert!(page.contains("<meta property=\"og:locale\" content=\"en_US\">"));
    assert!(server.page("/ru/").await.contains("<meta property=\"og:locale\" content=\"ru_RU\">"));
    // Item 8: related stories first (the older one sharing the tag, though
    // newer stories exist), the edition's latest apart.
    let related = page
        .split("class=\"related-stories\"")
        .nth(1)
        .and_then(|r| r.split("</section>").next())
        .expect("related");
    let related_links = crate::support::article_links(related, "en");
    assert_eq!(related_links.first(), Some(&older_path), "{related_links:?}");
    assert!(!related_links.contains(&path), "not itself");
    let latest = page
        .split("class=\"more-stories\"")
        .nth(1)
        .and_then(|r| r.split("</section>").next())
        .expect("the latest list");
    assert!(latest.contains(">Latest stories</h2>") && latest.contains("Markets open flat, day 2"));
    assert!(
        !crate::support::article_links(latest, "en").contains(&path),
        "the latest list leaves this story out"
    );

    // Item 12: a breaking story's banner is in the page itself (no script
    // runs here), on every page of its edition and no other.
    let mut breaking = story("Dam gives way upstream of Novi Sad");
    breaking["breaking"] = json!(true);
    let breaking_path = publish(&server, &token, breaking).await;
    for page_path in ["/en/", "/en/world", path.as_str()] {
        let html = server.page(page_path).await;
        let banner =
            html.split("<aside class=\"breaking-banner\"").nth(1).and_then(|b| b.split("</aside>").next());
        let banner = banner.unwrap_or_else(|| panic!("{page_path} shows the banner"));
        assert!(
            banner.contains(&breaking_path) && banner.contains("Dam gives way upstream of Novi Sad"),
            "{banner}"
        );
    }
    assert!(!server.page("/ru/").await.contains("Dam gives way"), "not in another edition");
}
