//! Every state-changing route × {anonymous, reader, contributor, editor,
//! admin}: allowed or denied, as `newsroom/permissions.rs` and the account
//! pages say. Each request carries the actor's own valid CSRF token (or
//! bearer token), so a refusal is the role's and not a forged form's.
//!
//! The rows are checked against the routes themselves: every `post(…)` in
//! the page routers and every non-GET operation in the OpenAPI document must
//! have a row here, so a new route without one fails this test.

use std::collections::BTreeSet;

use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::accounts::{cli, csrf_of, get};
use crate::newsroom::{editor_fields, option_value, staff};
use crate::support::{Backend, TestServer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Reader,
    Contributor,
    Editor,
    Admin,
}

use Who::{Admin, Anonymous, Contributor, Editor, Reader};

const EVERYONE: &[Who] = &[Anonymous, Reader, Contributor, Editor, Admin];
const SIGNED_IN: &[Who] = &[Reader, Contributor, Editor, Admin];
const WRITERS: &[Who] = &[Contributor, Editor, Admin];
const PUBLISHERS: &[Who] = &[Editor, Admin];
const ADMINS: &[Who] = &[Admin];
const READERS_ONLY: &[Who] = &[Reader];

impl Who {
    fn name(self) -> &'static str {
        match self {
            Anonymous => "anonymous",
            Reader => "reader",
            Contributor => "contributor",
            Editor => "editor",
            Admin => "admin",
        }
    }

    /// Two letters for codes and slugs that must differ per actor.
    fn tag(self) -> &'static str {
        match self {
            Anonymous => "an",
            Reader => "re",
            Contributor => "co",
            Editor => "ed",
            Admin => "ad",
        }
    }
}

/// What a row checks.
#[derive(Debug, Clone, Copy)]
enum Gate {
    /// Only these may: the others get 401/403 or are sent to log in.
    Only(&'static [Who]),
    /// Open to anyone with a valid form token: nobody gets 403.
    Public,
}

/// One state-changing route, with the case that exercises it.
struct Row {
    method: &'static str,
    route: &'static str,
    case: &'static str,
    gate: Gate,
}

const ROWS: &[Row] = &[
    Row {
        method: "POST",
        route: "/newsroom/articles/new",
        case: "create a draft",
        gate: Gate::Only(WRITERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/new",
        case: "create and publish",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}",
        case: "save the contributor's draft",
        gate: Gate::Only(WRITERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}",
        case: "submit the contributor's draft",
        gate: Gate::Only(WRITERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}",
        case: "publish the contributor's draft",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}",
        case: "schedule the contributor's draft",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}",
        case: "update a published story",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}",
        case: "unpublish a published story",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}",
        case: "autosave a published story",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/articles/{id}/live",
        case: "post a live-blog entry",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/{edition}/comments/{article}",
        case: "post a comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/{edition}/comments/{article}/{comment}/edit",
        case: "edit one's comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/{edition}/comments/{article}/{comment}/delete",
        case: "delete one's comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/{edition}/comments/{article}/{comment}/react",
        case: "react to a comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/{edition}/comments/{article}/{comment}/report",
        case: "report a comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/api/v1/articles/{id}/comments",
        case: "API: post a comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "DELETE",
        route: "/api/v1/comments/{id}",
        case: "API: delete one's comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/api/v1/comments/{id}/reactions",
        case: "API: react to a comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/api/v1/comments/{id}/reports",
        case: "API: report a comment",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/newsroom/comments/{id}",
        case: "approve a comment",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/comments/settings",
        case: "set the banned words",
        gate: Gate::Only(PUBLISHERS),
    },
    Row { method: "POST", route: "/newsroom/chats", case: "open a chat room", gate: Gate::Only(PUBLISHERS) },
    Row {
        method: "POST",
        route: "/newsroom/chats/{id}",
        case: "save a chat room",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/{edition}/account/profile",
        case: "save the profile",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/{edition}/account/delete",
        case: "delete the account (without choosing)",
        gate: Gate::Only(READERS_ONLY),
    },
    Row { method: "POST", route: "/newsroom/users", case: "set a role", gate: Gate::Only(ADMINS) },
    Row { method: "POST", route: "/newsroom/sections", case: "add a section", gate: Gate::Only(ADMINS) },
    Row { method: "POST", route: "/newsroom/editions", case: "add an edition", gate: Gate::Only(ADMINS) },
    Row { method: "POST", route: "/newsroom/media", case: "upload a photo", gate: Gate::Only(WRITERS) },
    Row {
        method: "POST",
        route: "/newsroom/media/{id}",
        case: "edit a photo's record",
        gate: Gate::Only(WRITERS),
    },
    Row {
        method: "POST",
        route: "/newsroom/media/{id}",
        case: "delete an unused photo",
        gate: Gate::Only(PUBLISHERS),
    },
    Row { method: "POST", route: "/api/v1/articles", case: "API: create a draft", gate: Gate::Only(WRITERS) },
    Row { method: "POST", route: "/api/v1/media", case: "API: upload a photo", gate: Gate::Only(WRITERS) },
    Row {
        method: "PATCH",
        route: "/api/v1/media/{id}",
        case: "API: edit a photo's record",
        gate: Gate::Only(WRITERS),
    },
    Row {
        method: "PUT",
        route: "/api/v1/articles/{id}",
        case: "API: update the contributor's draft",
        gate: Gate::Only(WRITERS),
    },
    Row {
        method: "PUT",
        route: "/api/v1/articles/{id}",
        case: "API: update a published story",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/api/v1/articles/{id}/transitions",
        case: "API: publish the contributor's draft",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "DELETE",
        route: "/api/v1/articles/{id}",
        case: "API: delete the contributor's draft",
        gate: Gate::Only(WRITERS),
    },
    Row {
        method: "POST",
        route: "/{edition}/account/two-factor",
        case: "set up two-factor",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/{edition}/account/verification",
        case: "resend the confirmation mail",
        gate: Gate::Only(SIGNED_IN),
    },
    Row {
        method: "POST",
        route: "/newsroom/newsletters",
        case: "send a digest now",
        gate: Gate::Only(PUBLISHERS),
    },
    Row {
        method: "POST",
        route: "/{edition}/subscribe",
        case: "subscribe to newsletters",
        gate: Gate::Public,
    },
    Row {
        method: "POST",
        route: "/newsletter/confirm/{token}",
        case: "confirm with a stale link",
        gate: Gate::Public,
    },
    Row {
        method: "POST",
        route: "/newsletter/manage/{token}",
        case: "save newsletter choices with a stale link",
        gate: Gate::Public,
    },
    Row {
        method: "POST",
        route: "/newsletter/unsubscribe/{token}",
        case: "unsubscribe with a stale link",
        gate: Gate::Public,
    },
    Row {
        method: "POST",
        route: "/newsroom/two-factor",
        case: "set up two-factor in the newsroom",
        gate: Gate::Only(WRITERS),
    },
    Row { method: "POST", route: "/newsroom/login", case: "log in to the newsroom", gate: Gate::Public },
    Row {
        method: "POST",
        route: "/newsroom/login/code",
        case: "enter a newsroom two-factor code",
        gate: Gate::Public,
    },
    Row {
        method: "POST",
        route: "/newsroom/logout",
        case: "log a fresh visitor out of the newsroom",
        gate: Gate::Public,
    },
    Row { method: "POST", route: "/{edition}/register", case: "register", gate: Gate::Public },
    Row { method: "POST", route: "/{edition}/login", case: "log in", gate: Gate::Public },
    Row {
        method: "POST",
        route: "/{edition}/login/code",
        case: "enter a two-factor code",
        gate: Gate::Public,
    },
    Row {
        method: "POST",
        route: "/{edition}/password/forgot",
        case: "ask for a reset link",
        gate: Gate::Public,
    },
    Row {
        method: "POST",
        route: "/{edition}/password/reset",
        case: "reset the password",
        gate: Gate::Public,
    },
    // Last: it ends the actor's session.
    Row { method: "POST", route: "/{edition}/logout", case: "log out", gate: Gate::Public },
];

/// One actor: a cookie-keeping client with its form token, and a bearer
/// token for the API (none for the anonymous visitor).
struct Actor {
    who: Who,
    client: Client,
    csrf: String,
    token: Option<String>,
}

/// What every case needs: ids of the form's choices and tokens to make
/// fresh articles with.
struct Fixtures {
    edition: String,
    section: String,
    author: String,
    contributor_token: String,
    admin_token: String,
    admin: Client,
    admin_csrf: String,
    target_user: String,
    /// A published story to comment on: its id and path.
    story: i64,
    story_path: String,
    /// The bearer token of an editor whose comments appear at once.
    commenter_token: String,
}

/// A comment on the fixture story by the token's account; returns its id.
async fn comment_by(server: &TestServer, fx: &Fixtures, token: &str, label: &str) -> i64 {
    let path = format!("/api/v1/articles/{}/comments", fx.story);
    let response = api(server, Method::POST, &path, Some(token), Some(json!({"text": label}))).await;
    assert_eq!(response.status(), StatusCode::CREATED, "fixture comment");
    response.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
}

/// A comment of the actor's own (the commenter's, for the anonymous visitor).
async fn own_comment(server: &TestServer, fx: &Fixtures, actor: &Actor, label: &str) -> i64 {
    comment_by(server, fx, actor.token.as_deref().unwrap_or(&fx.commenter_token), label).await
}

/// A small PNG, different for every call so each upload is its own file.
pub fn tiny_png(seed: u8) -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([seed, 80, 160]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    png
}

async fn upload_as(server: &TestServer, client: &Client, csrf: &str, seed: u8) -> Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .part("files", reqwest::multipart::Part::bytes(tiny_png(seed)).file_name("m.png"));
    client
        .post(server.url("/newsroom/media"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// A fresh photo in the bank, uploaded by the admin; returns its id.
async fn bank_photo(server: &TestServer, fx: &Fixtures, seed: u8) -> i64 {
    let response = upload_as(server, &fx.admin, &fx.admin_csrf, seed).await;
    assert_eq!(response.status(), StatusCode::OK, "fixture photo");
    response.json::<Value>().await.expect("json")[0]["id"].as_i64().expect("id")
}

/// A fresh chat room opened by the admin; returns its id.
async fn chat_room(server: &TestServer, fx: &Fixtures, tag: &str) -> i64 {
    let form = [
        ("csrf", fx.admin_csrf.as_str()),
        ("what", "create"),
        ("edition", fx.edition.as_str()),
        ("title", &format!("Matrix save {tag}")),
    ];
    let response =
        fx.admin.post(server.url("/newsroom/chats")).form(&form).send().await.expect("open a room");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "fixture room");
    let to = response.headers()["location"].to_str().expect("location").to_owned();
    to.trim_start_matches("/newsroom/chats/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("room id")
}

async fn api(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut request = server.client.request(method, server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn story(headline: &str) -> Value {
    json!({
        "edition": "en", "section": "world", "headline": headline, "lead": "A lead.",
        "dateline_place": "OSLO", "body": "Body text.", "authors": ["elena-varga"]
    })
}

/// A fresh draft written by the contributor; returns its id.
async fn contributor_draft(server: &TestServer, fx: &Fixtures, label: &str) -> i64 {
    let response =
        api(server, Method::POST, "/api/v1/articles", Some(&fx.contributor_token), Some(story(label))).await;
    assert_eq!(response.status(), StatusCode::CREATED, "fixture draft");
    response.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
}

/// A fresh published story; returns its id.
async fn published(server: &TestServer, fx: &Fixtures, label: &str) -> i64 {
    let response =
        api(server, Method::POST, "/api/v1/articles", Some(&fx.admin_token), Some(story(label))).await;
    assert_eq!(response.status(), StatusCode::CREATED, "fixture story");
    let id = response.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    let path = format!("/api/v1/articles/{id}/transitions");
    let publish =
        api(server, Method::POST, &path, Some(&fx.admin_token), Some(json!({"action": "publish"}))).await;
    assert_eq!(publish.status(), StatusCode::OK, "fixture publish");
    id
}

/// Posts the editor form of article `id` (as the admin sees it) with the
/// actor's own form token.
async fn editor_post(server: &TestServer, fx: &Fixtures, actor: &Actor, id: i64, action: &str) -> Response {
    let path = format!("/newsroom/articles/{id}");
    let html = get(&fx.admin, server, &path).await.text().await.expect("editor");
    let mut form = vec![("csrf".to_owned(), actor.csrf.clone()), ("action".to_owned(), action.to_owned())];
    form.extend(editor_fields(&html, &[("publish_at", "2031-01-01T09:00")]));
    actor.client.post(server.url(&path)).form(&form).send().await.expect("POST")
}

fn new_article_form(fx: &Fixtures, actor: &Actor, action: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", actor.csrf.clone()),
        ("action", action.to_owned()),
        ("edition", fx.edition.clone()),
        ("section", fx.section.clone()),
        ("headline", format!("Matrix story by the {}", actor.who.name())),
        ("lead", "A lead.".into()),
        ("place", "OSLO".into()),
        ("body", "Body text.".into()),
        ("authors", fx.author.clone()),
    ]
}

async fn perform(server: &TestServer, fx: &Fixtures, actor: &Actor, case: &str) -> Response {
    let post_form = |path: &str, form: Vec<(&'static str, String)>| {
        let request = actor.client.post(server.url(path)).form(&form);
        let path = path.to_owned();
        async move { request.send().await.unwrap_or_else(|e| panic!("POST {path}: {e}")) }
    };
    let token = actor.token.as_deref();
    let label = format!("{case} ({})", actor.who.name());
    match case {
        "create a draft" => post_form("/newsroom/articles/new", new_article_form(fx, actor, "save")).await,
        "create and publish" => {
            post_form("/newsroom/articles/new", new_article_form(fx, actor, "publish")).await
        }
        "save the contributor's draft" => {
            editor_post(server, fx, actor, contributor_draft(server, fx, &label).await, "save").await
        }
        "submit the contributor's draft" => {
            editor_post(server, fx, actor, contributor_draft(server, fx, &label).await, "submit").await
        }
        "publish the contributor's draft" => {
            editor_post(server, fx, actor, contributor_draft(server, fx, &label).await, "publish").await
        }
        "schedule the contributor's draft" => {
            editor_post(server, fx, actor, contributor_draft(server, fx, &label).await, "schedule").await
        }
        "update a published story" => {
            editor_post(server, fx, actor, published(server, fx, &label).await, "publish").await
        }
        "unpublish a published story" => {
            editor_post(server, fx, actor, published(server, fx, &label).await, "unpublish").await
        }
        "autosave a published story" => {
            editor_post(server, fx, actor, published(server, fx, &label).await, "autosave").await
        }
        "post a live-blog entry" => {
            let id = published(server, fx, &label).await;
            let form =
                vec![("csrf", actor.csrf.clone()), ("action", "post".to_owned()), ("text", label.clone())];
            post_form(&format!("/newsroom/articles/{id}/live"), form).await
        }
        "post a comment" => {
            let form =
                vec![("csrf", actor.csrf.clone()), ("body", label.clone()), ("back", fx.story_path.clone())];
            post_form(&format!("/en/comments/{}", fx.story), form).await
        }
        "edit one's comment" => {
            let id = own_comment(server, fx, actor, &label).await;
            let form = vec![("csrf", actor.csrf.clone()), ("body", format!("{label}, edited"))];
            post_form(&format!("/en/comments/{}/{id}/edit", fx.story), form).await
        }
        "delete one's comment" => {
            let id = own_comment(server, fx, actor, &label).await;
            post_form(&format!("/en/comments/{}/{id}/delete", fx.story), vec![("csrf", actor.csrf.clone())])
                .await
        }
        "react to a comment" => {
            let id = comment_by(server, fx, &fx.commenter_token, &label).await;
            let form = vec![("csrf", actor.csrf.clone()), ("kind", "like".to_owned())];
            post_form(&format!("/en/comments/{}/{id}/react", fx.story), form).await
        }
        "report a comment" => {
            let id = comment_by(server, fx, &fx.commenter_token, &label).await;
            let form = vec![("csrf", actor.csrf.clone()), ("reason", "spam".to_owned())];
            post_form(&format!("/en/comments/{}/{id}/report", fx.story), form).await
        }
        "API: post a comment" => {
            let path = format!("/api/v1/articles/{}/comments", fx.story);
            api(server, Method::POST, &path, token, Some(json!({"text": label}))).await
        }
        "API: delete one's comment" => {
            let id = own_comment(server, fx, actor, &label).await;
            api(server, Method::DELETE, &format!("/api/v1/comments/{id}"), token, None).await
        }
        "API: react to a comment" => {
            let id = comment_by(server, fx, &fx.commenter_token, &label).await;
            api(
                server,
                Method::POST,
                &format!("/api/v1/comments/{id}/reactions"),
                token,
                Some(json!({"kind": "funny"})),
            )
            .await
        }
        "API: report a comment" => {
            let id = comment_by(server, fx, &fx.commenter_token, &label).await;
            api(
                server,
                Method::POST,
                &format!("/api/v1/comments/{id}/reports"),
                token,
                Some(json!({"reason": "abuse"})),
            )
            .await
        }
        "approve a comment" => {
            let id = comment_by(server, fx, &fx.commenter_token, &label).await;
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("action", "approve".to_owned()),
                ("view", "recent".to_owned()),
            ];
            post_form(&format!("/newsroom/comments/{id}"), form).await
        }
        "set the banned words" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("what", "words".to_owned()),
                ("banned_words", "matrixword".to_owned()),
            ];
            post_form("/newsroom/comments/settings", form).await
        }
        "open a chat room" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("what", "create".to_owned()),
                ("edition", fx.edition.clone()),
                ("title", format!("Matrix room {}", actor.who.tag())),
            ];
            post_form("/newsroom/chats", form).await
        }
        "save a chat room" => {
            let id = chat_room(server, fx, actor.who.tag()).await;
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("what", "save".to_owned()),
                ("title", format!("Saved by {}", actor.who.name())),
            ];
            post_form(&format!("/newsroom/chats/{id}"), form).await
        }
        "save the profile" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("name", format!("Matrix {}", actor.who.name())),
                ("bio", label.clone()),
            ];
            post_form("/en/account/profile", form).await
        }
        "delete the account (without choosing)" => {
            // No choice for the comments: a reader gets the form back (422);
            // staff may not delete their own account at all.
            let form = vec![("csrf", actor.csrf.clone()), ("password", "staff passphrase".to_owned())];
            post_form("/en/account/delete", form).await
        }
        "set a role" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("user", fx.target_user.clone()),
                ("role", "contributor".to_owned()),
            ];
            post_form("/newsroom/users", form).await
        }
        "add a section" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("edition", fx.edition.clone()),
                ("slug", format!("matrix-{}", actor.who.tag())),
                ("name", format!("Matrix {}", actor.who.name())),
                ("position", "50".to_owned()),
            ];
            post_form("/newsroom/sections", form).await
        }
        "add an edition" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("code", format!("mx{}", actor.who.tag())),
                ("language", "de".to_owned()),
                ("name", format!("Matrix {}", actor.who.name())),
                ("direction", "ltr".to_owned()),
            ];
            post_form("/newsroom/editions", form).await
        }
        "upload a photo" => {
            upload_as(server, &actor.client, &actor.csrf, 100 + actor.who.tag().as_bytes()[0] % 50).await
        }
        "edit a photo's record" => {
            let id = bank_photo(server, fx, 10 + actor.who.tag().as_bytes()[1] % 50).await;
            let form =
                vec![("csrf", actor.csrf.clone()), ("action", "save".to_owned()), ("caption", label.clone())];
            post_form(&format!("/newsroom/media/{id}"), form).await
        }
        "delete an unused photo" => {
            let id = bank_photo(server, fx, 200 + actor.who.tag().as_bytes()[1] % 50).await;
            let form = vec![("csrf", actor.csrf.clone()), ("action", "delete".to_owned())];
            post_form(&format!("/newsroom/media/{id}"), form).await
        }
        "API: upload a photo" => {
            let mut request = server.client.post(server.url("/api/v1/media")).body(tiny_png(30));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send().await.expect("upload")
        }
        "API: edit a photo's record" => {
            let id = bank_photo(server, fx, 40 + actor.who.tag().as_bytes()[1] % 50).await;
            api(server, Method::PATCH, &format!("/api/v1/media/{id}"), token, Some(json!({"caption": label})))
                .await
        }
        "API: create a draft" => {
            api(server, Method::POST, "/api/v1/articles", token, Some(story(&label))).await
        }
        "API: update the contributor's draft" => {
            let id = contributor_draft(server, fx, &label).await;
            api(server, Method::PUT, &format!("/api/v1/articles/{id}"), token, Some(story(&label))).await
        }
        "API: update a published story" => {
            let id = published(server, fx, &label).await;
            api(server, Method::PUT, &format!("/api/v1/articles/{id}"), token, Some(story(&label))).await
        }
        "API: publish the contributor's draft" => {
            let id = contributor_draft(server, fx, &label).await;
            let path = format!("/api/v1/articles/{id}/transitions");
            api(server, Method::POST, &path, token, Some(json!({"action": "publish"}))).await
        }
        "API: delete the contributor's draft" => {
            let id = contributor_draft(server, fx, &label).await;
            api(server, Method::DELETE, &format!("/api/v1/articles/{id}"), token, None).await
        }
        "set up two-factor" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("action", "enable".to_owned()),
                ("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".to_owned()),
                ("code", "000000".to_owned()),
            ];
            post_form("/en/account/two-factor", form).await
        }
        "set up two-factor in the newsroom" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("action", "enable".to_owned()),
                ("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".to_owned()),
                ("code", "000000".to_owned()),
            ];
            post_form("/newsroom/two-factor", form).await
        }
        "log in to the newsroom" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("email", "nobody@example.com".to_owned()),
                ("password", "not the password".to_owned()),
            ];
            post_form("/newsroom/login", form).await
        }
        "enter a newsroom two-factor code" => {
            post_form(
                "/newsroom/login/code",
                vec![("csrf", actor.csrf.clone()), ("code", "000000".to_owned())],
            )
            .await
        }
        "log a fresh visitor out of the newsroom" => {
            // Not the actor's own session, which later rows still need.
            let visitor = server.browser();
            let page = get(&visitor, server, "/newsroom/login").await.text().await.expect("login page");
            let form = [("csrf", csrf_of(&page))];
            visitor
                .post(server.url("/newsroom/logout"))
                .form(&form)
                .send()
                .await
                .expect("POST /newsroom/logout")
        }
        "resend the confirmation mail" => {
            post_form("/en/account/verification", vec![("csrf", actor.csrf.clone())]).await
        }
        "send a digest now" => {
            post_form(
                "/newsroom/newsletters",
                vec![("csrf", actor.csrf.clone()), ("edition", fx.edition.clone())],
            )
            .await
        }
        "subscribe to newsletters" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("email", format!("matrix-{}@example.com", actor.who.tag())),
                ("daily", "1".to_owned()),
            ];
            post_form("/en/subscribe", form).await
        }
        "confirm with a stale link" => {
            post_form(&format!("/newsletter/confirm/dle_{}", "0".repeat(64)), Vec::new()).await
        }
        "save newsletter choices with a stale link" => {
            let form = vec![("action", "save".to_owned()), ("daily", "1".to_owned())];
            post_form(&format!("/newsletter/manage/dlm_{}", "0".repeat(64)), form).await
        }
        "unsubscribe with a stale link" => {
            post_form(&format!("/newsletter/unsubscribe/dlm_{}", "0".repeat(64)), Vec::new()).await
        }
        "register" => {
            // Invalid on purpose: the form answers, and no session changes hands.
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("name", String::new()),
                ("email", "not-an-address".to_owned()),
                ("password", "short".to_owned()),
            ];
            post_form("/en/register", form).await
        }
        "log in" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("email", "nobody@example.com".to_owned()),
                ("password", "not the password".to_owned()),
            ];
            post_form("/en/login", form).await
        }
        "enter a two-factor code" => {
            post_form("/en/login/code", vec![("csrf", actor.csrf.clone()), ("code", "000000".to_owned())])
                .await
        }
        "ask for a reset link" => {
            let form = vec![("csrf", actor.csrf.clone()), ("email", "nobody@example.com".to_owned())];
            post_form("/en/password/forgot", form).await
        }
        "reset the password" => {
            let form = vec![
                ("csrf", actor.csrf.clone()),
                ("token", "dle_not-a-real-token".to_owned()),
                ("password", "a long new password".to_owned()),
            ];
            post_form("/en/password/reset", form).await
        }
        "log out" => post_form("/en/logout", vec![("csrf", actor.csrf.clone())]).await,
        other => panic!("no case {other:?}"),
    }
}

/// Refused for who the actor is: 401 or 403, or sent to the login page.
fn refused(response: &Response) -> bool {
    let to_login = response.status() == StatusCode::SEE_OTHER
        && response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.contains("/login"));
    matches!(response.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) || to_login
}

async fn actor(server: &TestServer, who: Who) -> Actor {
    let email = format!("{}@matrix.example.com", who.name());
    let client = if who == Anonymous {
        server.browser()
    } else {
        let client = staff(server, &email, who.name(), &[]).await;
        assert_eq!(
            get(&client, server, "/en/account").await.status(),
            StatusCode::OK,
            "{email} is signed in"
        );
        client
    };
    let page = get(&client, server, "/en/password/forgot").await.text().await.expect("form page");
    let csrf = csrf_of(&page);
    let token = if who == Anonymous {
        None
    } else {
        let (ok, token, err) = cli(server, &["token", "create", "--email", &email], "").await;
        assert!(ok, "{err}");
        Some(token.trim().to_owned())
    };
    Actor { who, client, csrf, token }
}

/// `(METHOD, route)` of every state-changing route the application has.
async fn routes_in_the_application(server: &TestServer) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let sources = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src");
    for file in ["accounts/mod.rs", "newsroom/mod.rs", "discussion/mod.rs", "newsletters/mod.rs", "router.rs"]
    {
        let text = std::fs::read_to_string(format!("{sources}/{file}")).expect("router source");
        for line in text.lines().filter(|l| l.contains(".route(\"")) {
            let path = line.split(".route(\"").nth(1).and_then(|r| r.split('"').next()).expect("route path");
            for (method, call) in
                [("POST", "post("), ("PUT", "put("), ("DELETE", "delete("), ("PATCH", "patch(")]
            {
                if line.contains(call) {
                    routes.insert((method.to_owned(), path.to_owned()));
                }
            }
        }
    }
    let openapi: Value = server.get("/api/v1/openapi.json").await.json().await.expect("openapi");
    for (path, operations) in openapi["paths"].as_object().expect("paths") {
        for method in operations.as_object().expect("operations").keys() {
            if method != "get" {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

pub async fn every_state_changing_route_by_role(backend: Backend) {
    // Every actor comments from 127.0.0.1 many times a minute here.
    let (server, _config) = crate::discussion::start_with_settings(
        backend,
        "comments_per_minute = 1000\ncomments_per_hour = 1000\ncomments_per_address_per_minute = 1000\n",
    )
    .await;

    let covered: BTreeSet<(String, String)> =
        ROWS.iter().map(|r| (r.method.to_owned(), r.route.to_owned())).collect();
    let existing = routes_in_the_application(&server).await;
    let missing: Vec<_> = existing.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&existing).collect();
    assert!(missing.is_empty(), "state-changing routes without a row in the matrix: {missing:?}");
    assert!(stale.is_empty(), "matrix rows for routes that no longer exist: {stale:?}");

    let mut actors = Vec::new();
    for who in [Anonymous, Reader, Contributor, Editor, Admin] {
        actors.push(actor(&server, who).await);
    }
    // Someone whose role the "set a role" row changes (not an actor).
    let (ok, _, err) = cli(
        &server,
        &["user", "add", "--email", "target@matrix.example.com", "--role", "reader"],
        "a passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let admin = actors.iter().find(|a| a.who == Admin).expect("admin");
    let page = get(&admin.client, &server, "/newsroom/articles/new").await.text().await.expect("editor");
    let users = get(&admin.client, &server, "/newsroom/users").await.text().await.expect("users");
    let target_row =
        users.split("<tr>").find(|row| row.contains("target@matrix.example.com")).expect("the target's row");
    let target_user = target_row
        .split("name=\"user\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("user id")
        .to_owned();
    let (ok, _, err) = cli(
        &server,
        &["user", "add", "--email", "commenter@matrix.example.com", "--role", "editor"],
        "a passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let (ok, commenter_token, err) =
        cli(&server, &["token", "create", "--email", "commenter@matrix.example.com"], "").await;
    assert!(ok, "{err}");
    let story_json: Value = api(
        &server,
        Method::POST,
        "/api/v1/articles",
        admin.token.as_deref(),
        Some(story("Matrix discussion")),
    )
    .await
    .json()
    .await
    .expect("json");
    let story_id = story_json["id"].as_i64().expect("id");
    let publish = api(
        &server,
        Method::POST,
        &format!("/api/v1/articles/{story_id}/transitions"),
        admin.token.as_deref(),
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(publish.status(), StatusCode::OK, "fixture publish");
    let published_story: Value =
        server.get(&format!("/api/v1/articles/{story_id}")).await.json().await.expect("json");
    let story_path = published_story["url"]
        .as_str()
        .and_then(|url| {
            url.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        })
        .expect("the story's address");
    let fixtures = Fixtures {
        edition: option_value(&page, "English"),
        section: option_value(&page, "en · World"),
        author: option_value(&page, "en · Elena Varga"),
        contributor_token: actors[2].token.clone().expect("token"),
        admin_token: admin.token.clone().expect("token"),
        admin: admin.client.clone(),
        admin_csrf: admin.csrf.clone(),
        target_user,
        story: story_id,
        story_path,
        commenter_token: commenter_token.trim().to_owned(),
    };

    let mut wrong = Vec::new();
    for row in ROWS {
        for actor in &actors {
            let response = perform(&server, &fixtures, actor, row.case).await;
            let status = response.status();
            let verdict = match row.gate {
                Gate::Only(allowed) => {
                    let expected_allowed = allowed.contains(&actor.who);
                    let was_refused = refused(&response);
                    let ok = if expected_allowed {
                        !was_refused && !status.is_server_error()
                    } else {
                        was_refused
                    };
                    ok.then_some(()).ok_or(if expected_allowed { "allowed" } else { "denied" })
                }
                Gate::Public => (status != StatusCode::FORBIDDEN && !status.is_server_error())
                    .then_some(())
                    .ok_or("open to all"),
            };
            if let Err(expected) = verdict {
                wrong.push(format!(
                    "{} {} [{}] as {}: expected {expected}, got {status}",
                    row.method,
                    row.route,
                    row.case,
                    actor.who.name()
                ));
            }
        }
    }
    let everyone_ran = ROWS.len() * EVERYONE.len();
    assert!(wrong.is_empty(), "{} of {everyone_ran} checks failed:\n{}", wrong.len(), wrong.join("\n"));
}
