//! The newsroom, as staff use it: write, review, publish, update, correct,
//! withdraw; and what each role may not do.

use reqwest::{Client, StatusCode};

use crate::accounts::{cli, csrf_of, get, location, submit};
use crate::support::{Backend, TestServer, article_links, visible_text};

/// Creates an account with `role` from the CLI and logs it in.
pub async fn staff(server: &TestServer, email: &str, role: &str, editions: &[&str]) -> Client {
    let mut args = vec!["user", "add", "--email", email, "--role", role];
    for edition in editions {
        args.push("--edition");
        args.push(edition);
    }
    let (ok, _, err) = cli(server, &args, "staff passphrase\n").await;
    assert!(ok, "{err}");
    let browser = server.browser();
    let login = submit(
        &browser,
        server,
        "/en/login",
        "/en/login",
        &[("email", email), ("password", "staff passphrase")],
    )
    .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER, "{email} logs in");
    browser
}

/// The `<option value>` of the first option whose label contains `label`.
pub fn option_value(html: &str, label: &str) -> String {
    html.split("<option value=\"")
        .skip(1)
        .find(|o| o.split("</option>").next().is_some_and(|o| o.contains(label)))
        .and_then(|o| o.split('"').next())
        .unwrap_or_else(|| panic!("an option labelled {label}"))
        .to_owned()
}

struct Story<'a> {
    headline: &'a str,
    body: &'a str,
    tags: &'a str,
}

/// Fills the new-article form for the English World section and posts it with `action`.
async fn create(server: &TestServer, browser: &Client, story: &Story<'_>, action: &str) -> reqwest::Response {
    let form = get(browser, server, "/newsroom/articles/new").await;
    assert_eq!(form.status(), 200);
    let html = form.text().await.expect("body");
    let edition = option_value(&html, "English");
    let section = option_value(&html, "en · World");
    let author = option_value(&html, "en · Elena Varga");
    let csrf = csrf_of(&html);
    browser
        .post(server.url("/newsroom/articles/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", action),
            ("edition", &edition),
            ("section", &section),
            ("headline", story.headline),
            ("slug", ""),
            ("lead", "A lead written in the newsroom."),
            ("place", "LISBON"),
            ("agency", "Meridian"),
            ("body", story.body),
            ("caption", ""),
            ("credit", ""),
            ("tags", story.tags),
            ("authors", &author),
            ("translation_of", ""),
            ("seo_title", ""),
            ("seo_description", ""),
            ("correction", ""),
        ])
        .send()
        .await
        .expect("POST")
}

/// Undoes the HTML escaping of attribute values and text.
pub fn unescape(text: &str) -> String {
    text.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// Posts the editor form of article `path` back with some fields changed.
pub async fn resubmit(
    server: &TestServer,
    browser: &Client,
    path: &str,
    action: &str,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let html = get(browser, server, path).await.text().await.expect("editor");
    let mut form: Vec<(String, String)> =
        vec![("csrf".into(), csrf_of(&html)), ("action".into(), action.into())];
    form.extend(editor_fields(&html, changes));
    browser.post(server.url(path)).form(&form).send().await.expect("POST")
}

/// The article fields of an editor page as its form would post them, with
/// some changed (no `csrf` or `action`).
pub fn editor_fields(html: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let value = |name: &str| -> String {
        if let Some((_, v)) = changes.iter().find(|(k, _)| *k == name) {
            return (*v).to_owned();
        }
        let marker = format!("name=\"{name}\"");
        let Some(rest) = html.split(&marker).nth(1) else { return String::new() };
        if html.contains(&format!("<textarea id=\"{name}\"")) {
            let content = rest.split_once('>').map_or("", |(_, content)| content);
            return unescape(content.split("</textarea>").next().unwrap_or(""));
        }
        unescape(rest.split("value=\"").nth(1).and_then(|v| v.split('"').next()).unwrap_or(""))
    };
    let selected = |name: &str| -> Vec<String> {
        let marker = format!("name=\"{name}\"");
        html.split(&marker)
            .nth(1)
            .and_then(|r| r.split("</select>").next())
            .map(|select| {
                select
                    .split("<option value=\"")
                    .skip(1)
                    .filter(|o| o.split('>').next().is_some_and(|tag| tag.contains("selected")))
                    .filter_map(|o| o.split('"').next().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut form: Vec<(String, String)> = Vec::new();
    for name in ["edition", "section"] {
        form.push((name.into(), selected(name).into_iter().next().unwrap_or_default()));
    }
    for name in [
        "headline",
        "slug",
        "lead",
        "place",
        "agency",
        "body",
        "main_media",
        "caption",
        "credit",
        "tags",
        "translation_of",
        "seo_title",
        "seo_description",
        "correction",
        "publish_at",
        "published_at",
    ] {
        form.push((name.into(), value(name)));
    }
    for author in selected("authors") {
        form.push(("authors".into(), author));
    }
    form
}

pub async fn editor_writes_publishes_updates_and_withdraws(backend: Backend) {
    let server = TestServer::start(backend).await;
    let editor = staff(&server, "ed@example.com", "editor", &[]).await;
    let story = Story {
        headline: "Lisbon opens a new tram line to the airport <b>today</b>",
        body: "The line opened at dawn.\n\nA second paragraph.",
        tags: "Transport, Lisbon",
    };
    let created = create(&server, &editor, &story, "save").await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let path = location(&created);
    assert!(path.starts_with("/newsroom/articles/") && path.ends_with("?done=save"), "{path}");
    let path = path.split('?').next().expect("path").to_owned();

    let editor_page = get(&editor, &server, &path).await.text().await.expect("body");
    assert!(visible_text(&editor_page).contains("Status: Draft"));
    assert!(
        !visible_text(&server.page("/en/latest").await).contains("Lisbon opens"),
        "drafts are not public"
    );

    let list = get(&editor, &server, "/newsroom?q=tram").await.text().await.expect("list");
    assert!(list.contains(&format!("href=\"{path}\"")), "the list finds it by headline");
    let empty = get(&editor, &server, "/newsroom?q=no+such+words").await.text().await.expect("list");
    assert!(!empty.contains(&format!("href=\"{path}\"")));
    let drafts = get(&editor, &server, "/newsroom?status=draft&mine=1").await.text().await.expect("list");
    assert!(drafts.contains(&format!("href=\"{path}\"")));

    let published = resubmit(&server, &editor, &path, "publish", &[]).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    assert!(location(&published).ends_with("?done=publish"));

    let latest = server.page("/en/latest").await;
    let public = article_links(&latest, "en")
        .into_iter()
        .find(|p| p.contains("lisbon-opens"))
        .expect("published story listed");
    let html = server.page(&public).await;
    assert!(
        html.contains("airport &#60;b&#62;today") || html.contains("airport &lt;b&gt;today"),
        "markup in a headline is shown as text"
    );
    assert!(!html.contains("<b>today</b>"));
    assert!(html.contains("<span class=\"dateline\">LISBON, "), "dateline");
    assert!(visible_text(&html).contains("By Elena Varga"));
    assert!(!visible_text(&html).contains("Updated"));
    assert!(server.page("/en/world").await.contains(&public), "on the section page too");
    assert!(server.page("/en/tag/transport").await.contains(&public), "tags were created");

    // An update with a correction: the page says so.
    let updated = resubmit(
        &server,
        &editor,
        &path,
        "publish",
        &[("correction", "An earlier version gave the wrong opening date.")],
    )
    .await;
    assert_eq!(updated.status(), StatusCode::SEE_OTHER);
    assert!(location(&updated).ends_with("?done=update"));
    let html = server.page(&public).await;
    assert!(visible_text(&html).contains("Correction: An earlier version gave the wrong opening date."));

    // Revisions and the audit log record each step.
    let editor_page = get(&editor, &server, &path).await.text().await.expect("body");
    let revisions = editor_page.split("id=\"revisions-title\"").nth(1).expect("revisions");
    assert!(revisions.matches("name=\"to\"").count() >= 3, "{revisions}");
    let audit = get(&editor, &server, "/newsroom/audit").await.text().await.expect("audit");
    for action in ["article.save", "article.publish", "article.update"] {
        assert!(audit.contains(action), "audit log has {action}");
    }

    // Compare the first and the latest revision: the correction was added.
    let ids: Vec<String> = editor_page
        .split("name=\"to\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect();
    let (newest, oldest) = (ids.first().expect("a revision"), ids.last().expect("a revision"));
    let compare = get(&editor, &server, &format!("{path}/compare?from={oldest}&to={newest}")).await;
    assert_eq!(compare.status(), 200);
    let html = compare.text().await.expect("compare");
    assert!(html.contains("<ins>+ An earlier version gave the wrong opening date.</ins>"), "{html}");
    assert_eq!(get(&editor, &server, &format!("{path}/compare?from=x&to={newest}")).await.status(), 400);
    assert_eq!(get(&editor, &server, &format!("{path}/compare?from=999999&to={newest}")).await.status(), 404);

    // Loading the first revision fills the editor without saving anything.
    let restored =
        get(&editor, &server, &format!("{path}/revisions/{oldest}")).await.text().await.expect("editor");
    assert!(visible_text(&restored).contains("is loaded below"));
    assert!(
        !restored.contains("An earlier version gave the wrong opening date."),
        "the old text, without the correction"
    );
    assert!(visible_text(&server.page(&public).await).contains("Correction:"), "nothing changed until saved");

    // Withdrawn: the page answers 410.
    let gone = resubmit(&server, &editor, &path, "unpublish", &[]).await;
    assert_eq!(gone.status(), StatusCode::SEE_OTHER);
    assert_eq!(server.get(&public).await.status(), 410);
    assert!(!server.page("/en/latest").await.contains(&public));
}

pub async fn permissions_by_role(backend: Backend) {
    let server = TestServer::start(backend).await;
    // Anonymous: to the login page, coming back afterwards.
    let anonymous = server.get("/newsroom").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&anonymous), "/newsroom/login?next=%2Fnewsroom");
    let anonymous_post = server
        .client
        .post(server.url("/newsroom/articles/new"))
        .form(&[("headline", "x")])
        .send()
        .await
        .expect("POST");
    assert!(
        anonymous_post.status() == StatusCode::SEE_OTHER || anonymous_post.status() == StatusCode::FORBIDDEN
    );

    // A reader: no newsroom.
    let reader = staff(&server, "reader@example.com", "reader", &[]).await;
    assert_eq!(get(&reader, &server, "/newsroom").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&reader, &server, "/newsroom/articles/new").await.status(), StatusCode::FORBIDDEN);

    // A contributor writes and submits, but cannot publish.
    let contributor = staff(&server, "writer@example.com", "contributor", &[]).await;
    let story = Story { headline: "Contributor draft about ferries", body: "Text.", tags: "" };
    assert_eq!(create(&server, &contributor, &story, "publish").await.status(), StatusCode::FORBIDDEN);
    let created = create(&server, &contributor, &story, "save").await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let path = location(&created).split('?').next().expect("path").to_owned();
    let html = get(&contributor, &server, &path).await.text().await.expect("editor");
    assert!(!html.contains("value=\"publish\""), "no publish button for contributors");
    assert_eq!(resubmit(&server, &contributor, &path, "publish", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(resubmit(&server, &contributor, &path, "submit", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&contributor, &server, "/newsroom/audit").await.status(), StatusCode::FORBIDDEN);

    // Another contributor cannot touch it; an editor of another edition neither.
    let other = staff(&server, "other@example.com", "contributor", &[]).await;
    assert_eq!(get(&other, &server, &path).await.status(), StatusCode::FORBIDDEN);
    let ru_editor = staff(&server, "ru@example.com", "editor", &["ru"]).await;
    assert_eq!(get(&ru_editor, &server, &path).await.status(), StatusCode::FORBIDDEN);
    let list = get(&ru_editor, &server, "/newsroom").await.text().await.expect("list");
    assert!(!list.contains(&format!("href=\"{path}\"")), "the list shows only the editor's editions");

    // The English editor publishes it; the contributor then may no longer edit it.
    let editor = staff(&server, "ed@example.com", "editor", &["en"]).await;
    assert_eq!(resubmit(&server, &editor, &path, "publish", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&contributor, &server, &path).await.status(), StatusCode::FORBIDDEN);

    // A stale or missing CSRF token is refused.
    let forged = editor
        .post(server.url(&path))
        .form(&[("csrf", "dlc_forged"), ("action", "unpublish")])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

pub async fn mistakes_keep_the_typed_text(backend: Backend) {
    let server = TestServer::start(backend).await;
    let editor = staff(&server, "ed@example.com", "editor", &[]).await;
    let story = Story { headline: "", body: "Body text that must survive the mistake.", tags: "" };
    let response = create(&server, &editor, &story, "save").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(visible_text(&html).contains("A headline is needed."));
    assert!(html.contains("Body text that must survive the mistake."), "typed text kept");

    // Preview: the body as readers will see it, dateline first; nothing saved.
    let preview = create(
        &server,
        &editor,
        &Story { headline: "Preview only", body: "**Bold** start.\n\n<script>alert(1)</script>", tags: "" },
        "preview",
    )
    .await;
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.expect("body");
    let shown = html.split("id=\"preview-title\"").nth(1).expect("a preview section");
    assert!(shown.contains("<span class=\"dateline\">LISBON, "), "{shown}");
    assert!(shown.contains("<strong>Bold</strong> start."));
    assert!(!shown.contains("<script>alert"), "sanitised");
    let list = get(&editor, &server, "/newsroom?q=preview+only").await.text().await.expect("list");
    assert!(!list.contains("Preview only"), "a preview saves nothing");

    let long = "x".repeat(201);
    let response = create(&server, &editor, &Story { headline: &long, body: "b", tags: "" }, "save").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&response.text().await.expect("body")).contains("At most 200 characters."));

    // The same headline twice in one edition: the second gets the next
    // free address (`editing::the_same_headline_gets_a_numbered_address`).
    for _ in 0..2 {
        let saved =
            create(&server, &editor, &Story { headline: "Same headline twice", body: "b", tags: "" }, "save")
                .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    }

    // A section of another edition, an unknown one, a malformed number.
    let form = get(&editor, &server, "/newsroom/articles/new").await.text().await.expect("form");
    let english = option_value(&form, "English");
    let russian_section = option_value(&form, "ru · ");
    for section in [russian_section.as_str(), "999999", "abc"] {
        let response = editor
            .post(server.url("/newsroom/articles/new"))
            .form(&[
                ("csrf", csrf_of(&form).as_str()),
                ("action", "save"),
                ("edition", &english),
                ("section", section),
                ("headline", "Valid headline"),
            ])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "section {section}");
        assert!(
            visible_text(&response.text().await.expect("body"))
                .contains("Choose a section of the chosen edition.")
        );
    }
    assert_eq!(get(&editor, &server, "/newsroom/articles/999999").await.status(), 404);
    assert_eq!(get(&editor, &server, "/newsroom/articles/abc").await.status(), 404);
    assert_eq!(get(&editor, &server, "/newsroom?status=bogus").await.status(), 400);
}

/// The article's public path once it is listed on /en/latest, polling up to `seconds`.
async fn wait_until_listed(server: &TestServer, needle: &str, seconds: u64) -> Option<String> {
    for _ in 0..seconds * 4 {
        let latest = server.page("/en/latest").await;
        if let Some(path) = article_links(&latest, "en").into_iter().find(|p| p.contains(needle)) {
            return Some(path);
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    None
}

fn utc_in(seconds: i64) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

pub async fn scheduled_publishing_fires_once(backend: Backend) {
    let mut server = TestServer::start(backend).await;
    let editor = staff(&server, "ed@example.com", "editor", &[]).await;

    // A time in the past is refused, with the typed text kept.
    let story = Story { headline: "Embargoed report on river levels", body: "Under embargo.", tags: "" };
    let created = create(&server, &editor, &story, "save").await;
    let path = location(&created).split('?').next().expect("path").to_owned();
    let past = resubmit(&server, &editor, &path, "schedule", &[("publish_at", "2020-01-01T00:00")]).await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&past.text().await.expect("body")).contains("Choose a date and time in the future"));

    // Scheduled three seconds ahead: hidden until then, then public by itself.
    let scheduled = resubmit(&server, &editor, &path, "schedule", &[("publish_at", &utc_in(3))]).await;
    let status = scheduled.status();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        visible_text(&scheduled.text().await.unwrap_or_default())
    );
    assert!(!server.page("/en/latest").await.contains("embargoed-report"), "hidden before its time");
    let public =
        wait_until_listed(&server, "embargoed-report", 10).await.expect("published within 5 s of its time");
    assert_eq!(server.get(&public).await.status(), 200);

    // Survives a crash: scheduled, server killed, the time passes, a new process publishes it.
    let story = Story { headline: "Report published after a restart", body: "Text.", tags: "" };
    let created = create(&server, &editor, &story, "save").await;
    let path = location(&created).split('?').next().expect("path").to_owned();
    let scheduled = resubmit(&server, &editor, &path, "schedule", &[("publish_at", &utc_in(2))]).await;
    assert_eq!(scheduled.status(), StatusCode::SEE_OTHER);
    server.restart().await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(
        wait_until_listed(&server, "published-after-a-restart", 10).await.is_some(),
        "the job survived the restart"
    );

    // Two processes on one store: the story is published once.
    let (_second_base, _second) = server.second_node().await;
    let editor = staff(&server, "ed2@example.com", "editor", &[]).await;
    let story = Story { headline: "Two nodes publish this only once", body: "Text.", tags: "" };
    let created = create(&server, &editor, &story, "save").await;
    let path = location(&created).split('?').next().expect("path").to_owned();
    let id = path.rsplit('/').next().expect("id").to_owned();
    resubmit(&server, &editor, &path, "schedule", &[("publish_at", &utc_in(2))]).await;
    assert!(wait_until_listed(&server, "two-nodes-publish", 10).await.is_some());
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let audit = get(&editor, &server, "/newsroom/audit").await.text().await.expect("audit");
    let subject = format!("<td>article {id}</td>");
    let fired = audit
        .split("<tr>")
        .filter(|row| row.contains("article.publish.scheduled") && row.contains(&subject))
        .count();
    assert_eq!(fired, 1, "published exactly once by the two nodes");
}

pub async fn admins_set_roles(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = staff(&server, "admin@example.com", "admin", &[]).await;
    let reader = staff(&server, "reader@example.com", "reader", &[]).await;
    assert_eq!(get(&reader, &server, "/newsroom").await.status(), StatusCode::FORBIDDEN);
    let editor = staff(&server, "ed@example.com", "editor", &[]).await;
    assert_eq!(
        get(&editor, &server, "/newsroom/users").await.status(),
        StatusCode::FORBIDDEN,
        "editors do not manage users"
    );

    let page = get(&admin, &server, "/newsroom/users").await.text().await.expect("users");
    let row_of = |email: &str| -> String {
        page.split("<tr>")
            .find(|row| row.contains(email))
            .unwrap_or_else(|| panic!("a row for {email}"))
            .to_owned()
    };
    let reader_id = row_of("reader@example.com")
        .split("name=\"user\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the reader's role form")
        .to_owned();
    assert!(!row_of("admin@example.com").contains("name=\"user\""), "no form to change one's own role");
    let english = option_value(
        &get(&admin, &server, "/newsroom/articles/new").await.text().await.expect("form"),
        "English",
    );
    let csrf = csrf_of(&page);
    let promoted = admin
        .post(server.url("/newsroom/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("user", &reader_id),
            ("role", "contributor"),
            ("editions", &english),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(promoted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        get(&reader, &server, "/newsroom").await.status(),
        200,
        "the promoted reader works in the newsroom now"
    );
    let audit = get(&admin, &server, "/newsroom/audit").await.text().await.expect("audit");
    assert!(audit.contains("user.role") && audit.contains("reader → contributor"), "{audit}");

    let bad = admin
        .post(server.url("/newsroom/users"))
        .form(&[("csrf", csrf.as_str()), ("user", &reader_id), ("role", "overlord")])
        .send()
        .await
        .expect("POST");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let editor_forged = editor
        .post(server.url("/newsroom/users"))
        .form(&[("csrf", "dlc_x"), ("user", &reader_id), ("role", "admin")])
        .send()
        .await
        .expect("POST");
    assert_eq!(editor_forged.status(), StatusCode::FORBIDDEN);
}

pub async fn admins_manage_sections(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = staff(&server, "admin@example.com", "admin", &[]).await;
    let editor = staff(&server, "ed@example.com", "editor", &[]).await;
    assert_eq!(get(&editor, &server, "/newsroom/sections").await.status(), StatusCode::FORBIDDEN);
    let page = get(&admin, &server, "/newsroom/sections").await.text().await.expect("sections");
    let english = option_value(&page, "English");
    let csrf = csrf_of(&page);
    let add = |slug: &'static str, name: &'static str| {
        let (csrf, english) = (csrf.clone(), english.clone());
        let admin = admin.clone();
        let url = server.url("/newsroom/sections");
        async move {
            admin
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("id", ""),
                    ("edition", english.as_str()),
                    ("slug", slug),
                    ("name", name),
                    ("description", "Medicine, public health and well-being."),
                    ("position", "7"),
                ])
                .send()
                .await
                .expect("POST")
        }
    };
    let added = add("health", "Health").await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let section = server.page("/en/health").await;
    assert!(
        section.contains("<h1>Health</h1>") && section.contains("Medicine, public health and well-being.")
    );
    assert!(
        server.page("/en/").await.contains(">Health</a>"),
        "the navigation shows the new section at once"
    );
    assert_eq!(add("health", "Health again").await.status(), StatusCode::UNPROCESSABLE_ENTITY, "slug taken");
    assert_eq!(add("latest", "Latest").await.status(), StatusCode::UNPROCESSABLE_ENTITY, "reserved slug");
    assert_eq!(add("Bad Slug", "Bad").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(add("empty-name", "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let page = get(&admin, &server, "/newsroom/sections").await.text().await.expect("sections");
    let row = page.split("<tr>").find(|row| row.contains("<code>health</code>")).expect("the new row");
    let id = row.split("name=\"id\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("id");
    let renamed = admin
        .post(server.url("/newsroom/sections"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("id", id),
            ("name", "Health & Medicine"),
            ("description", "Renamed."),
            ("position", "7"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    let section = server.page("/en/health").await;
    assert!(
        section.contains("Health &amp; Medicine") || section.contains("Health &#38; Medicine"),
        "{section}"
    );
    let audit = get(&admin, &server, "/newsroom/audit").await.text().await.expect("audit");
    assert!(audit.contains("section.create") && audit.contains("section.update"));
}

pub async fn admins_manage_editions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = staff(&server, "admin@example.com", "admin", &[]).await;
    let editor = staff(&server, "ed@example.com", "editor", &[]).await;
    assert_eq!(get(&editor, &server, "/newsroom/editions").await.status(), StatusCode::FORBIDDEN);
    let page = get(&admin, &server, "/newsroom/editions").await.text().await.expect("editions");
    assert!(page.contains("href=\"/newsroom/editions\""), "admins see the link in the bar");
    let csrf = csrf_of(&page);
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(fields);
        let request = admin.post(server.url("/newsroom/editions")).form(&form);
        async move { request.send().await.expect("POST") }
    };
    let add = |code: &'static str, language: &'static str, name: &'static str| {
        post(vec![
            ("id", String::new()),
            ("code", code.into()),
            ("language", language.into()),
            ("name", name.into()),
            ("direction", "ltr".into()),
            ("position", "30".into()),
        ])
    };

    let bad = add("Deutsch", "de", "Deutsch").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.expect("body");
    assert!(visible_text(&html).contains("An edition code is a language code"), "{}", visible_text(&html));
    assert!(html.contains("value=\"Deutsch\""), "typed input is kept");
    assert_eq!(add("de", "not a language!", "Deutsch").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(add("de", "de", "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let taken = add("en", "en", "English again").await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&taken.text().await.expect("body")).contains("already exists"));

    let added = add("de", "de-de", "Deutsch").await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let front = server.page("/de/").await;
    assert!(front.contains("lang=\"de-DE\""), "the language tag is stored in canonical form");
    let page = get(&admin, &server, "/newsroom/editions").await.text().await.expect("editions");
    assert!(visible_text(&page).contains("No interface translation exists for this language yet"));

    // Make it the default edition: the root now sends unknown languages there.
    let row = page.split("<tr>").find(|row| row.contains("<code>/de/</code>")).expect("the new row");
    let id = row.split("name=\"id\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("id");
    let changed = post(vec![
        ("id", id.to_owned()),
        ("language", "de".into()),
        ("name", "Deutsche Ausgabe".into()),
        ("direction", "ltr".into()),
        ("position", "5".into()),
        ("make_default", "1".into()),
    ])
    .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let root =
        server.client.get(server.url("/")).header("accept-language", "ja").send().await.expect("GET /");
    assert_eq!(root.headers()["location"], "/de/", "the new default edition");
    let page = get(&admin, &server, "/newsroom/editions").await.text().await.expect("editions");
    assert_eq!(page.matches("· default").count(), 1, "one default edition");
    assert!(
        server.page("/en/").await.contains("Deutsche Ausgabe"),
        "the edition switcher shows the new name"
    );
    let audit = get(&admin, &server, "/newsroom/audit").await.text().await.expect("audit");
    assert!(audit.contains("edition.create") && audit.contains("edition.update"));
}

/// Autosave keeps what was typed apart from the article: no revision, no
/// public change; the editor offers it back (without JavaScript too), and a
/// real save or "discard" ends it.
pub async fn autosave_keeps_typed_text_apart(backend: Backend) {
    let server = TestServer::start(backend).await;
    let editor = staff(&server, "ed@example.com", "editor", &["en"]).await;
    let story = Story { headline: "Harbour talks resume", body: "Talks resumed at dawn.", tags: "ports" };
    let created = create(&server, &editor, &story, "save").await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let path = location(&created).split('?').next().expect("path").to_owned();
    let before = get(&editor, &server, &path).await.text().await.expect("editor");
    let revisions = before.matches("/revisions/").count();
    assert!(!before.contains("An autosaved version"));

    let typed = "Harbour talks resume after a night of calls";
    let autosaved = resubmit(&server, &editor, &path, "autosave", &[("headline", typed)]).await;
    assert_eq!(autosaved.status(), StatusCode::NO_CONTENT);
    let page = get(&editor, &server, &path).await.text().await.expect("editor");
    assert!(visible_text(&page).contains("An autosaved version of this form"), "the editor offers it");
    assert!(page.contains("value=\"Harbour talks resume\""), "the form still shows the stored article");
    assert_eq!(page.matches("/revisions/").count(), revisions, "an autosave is not a revision");

    let restored =
        get(&editor, &server, &format!("{path}?restore=autosave")).await.text().await.expect("editor");
    assert!(restored.contains(&format!("value=\"{typed}\"")), "restore fills the form");
    assert!(visible_text(&restored).contains("The autosaved text is back in the form"));

    let discard = editor
        .post(server.url(&path))
        .form(&[("csrf", csrf_of(&page).as_str()), ("action", "discard_autosave")])
        .send()
        .await
        .expect("POST");
    assert_eq!(discard.status(), StatusCode::SEE_OTHER);
    assert!(
        !get(&editor, &server, &path).await.text().await.expect("editor").contains("An autosaved version")
    );

    resubmit(&server, &editor, &path, "autosave", &[("headline", typed)]).await;
    let saved = resubmit(&server, &editor, &path, "save", &[("headline", "Harbour talks go on")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = get(&editor, &server, &path).await.text().await.expect("editor");
    assert!(!page.contains("An autosaved version"), "a real save ends the autosave");

    // A new, never-saved article is kept too, for its author only.
    let new_form = get(&editor, &server, "/newsroom/articles/new").await.text().await.expect("new");
    let kept = editor
        .post(server.url("/newsroom/articles/new"))
        .form(&[("csrf", csrf_of(&new_form).as_str()), ("action", "autosave"), ("headline", "Unsaved scoop")])
        .send()
        .await
        .expect("POST");
    assert_eq!(kept.status(), StatusCode::NO_CONTENT);
    let new_form = get(&editor, &server, "/newsroom/articles/new").await.text().await.expect("new");
    assert!(visible_text(&new_form).contains("An autosaved version"));
    let restored =
        get(&editor, &server, "/newsroom/articles/new?restore=autosave").await.text().await.expect("new");
    assert!(restored.contains("value=\"Unsaved scoop\""));
    let colleague = staff(&server, "other@example.com", "editor", &["en"]).await;
    let theirs = get(&colleague, &server, "/newsroom/articles/new").await.text().await.expect("new");
    assert!(!theirs.contains("An autosaved version"), "autosaves are per person");

    // Autosave is still an edit: the same permission rules apply.
    let contributor = staff(&server, "c@example.com", "contributor", &[]).await;
    let page = get(&contributor, &server, "/newsroom/articles/new").await.text().await.expect("new");
    let refused = contributor
        .post(server.url(&path))
        .form(&[("csrf", csrf_of(&page).as_str()), ("action", "autosave"), ("headline", "Hijack")])
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

/// Issue 20, item 3: what each role reads in the newsroom is what its role
/// promises — a contributor their own articles, an editor limited to some
/// editions the audit entries of those editions.
pub async fn staff_read_only_what_their_role_covers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = staff(&server, "ana@example.com", "contributor", &[]).await;
    let ben = staff(&server, "ben@example.com", "contributor", &[]).await;
    let secret = Story { headline: "Ana's unannounced merger scoop", body: "Not yet.", tags: "" };
    assert_eq!(create(&server, &ana, &secret, "save").await.status(), StatusCode::SEE_OTHER);
    let own = get(&ana, &server, "/newsroom").await.text().await.expect("list");
    assert!(own.contains("unannounced merger scoop"), "Ana sees her draft");
    let other = get(&ben, &server, "/newsroom").await.text().await.expect("list");
    assert!(!other.contains("unannounced merger scoop"), "Ben does not see Ana's draft");
    assert!(!other.contains("Harbour"), "nor anyone else's articles: {}", visible_text(&other));
    let searched = get(&ben, &server, "/newsroom?q=merger").await.text().await.expect("list");
    assert!(!searched.contains("unannounced merger scoop"), "not by searching headlines either");
    // The index has it once an editor's search finds it; Ben's does not.
    let editor = staff(&server, "chief@example.com", "editor", &[]).await;
    let mut indexed = false;
    for _ in 0..100 {
        let found = get(&editor, &server, "/newsroom/search?q=unannounced+merger").await;
        if found.status() == StatusCode::OK && found.text().await.expect("search").contains("scoop") {
            indexed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(indexed, "the draft reaches the newsroom's search");
    let html =
        get(&ben, &server, "/newsroom/search?q=unannounced+merger").await.text().await.expect("search");
    assert!(!html.contains("scoop"), "nor in the full-text search");
    let all = get(&editor, &server, "/newsroom").await.text().await.expect("list");
    assert!(all.contains("unannounced merger scoop"), "editors see every draft of their editions");

    // The audit log: an editor limited to the Russian edition reads its
    // entries, not the English edition's nor the site-wide ones.
    let ru = staff(&server, "ru-desk@example.com", "editor", &["ru"]).await;
    let audit = get(&ru, &server, "/newsroom/audit").await.text().await.expect("audit");
    assert!(
        !audit.contains("article.save"),
        "the English draft's entry is not theirs: {}",
        visible_text(&audit)
    );
    let full = get(&editor, &server, "/newsroom/audit").await.text().await.expect("audit");
    assert!(full.contains("article.save") && full.contains("merger scoop"), "an unlimited editor reads it");
    let russian = Story { headline: "Новости порта", body: "Текст.", tags: "" };
    let form = get(&ru, &server, "/newsroom/articles/new").await.text().await.expect("form");
    let edition = option_value(&form, "Русский");
    let section = option_value(&form, "ru · ");
    let saved = ru
        .post(server.url("/newsroom/articles/new"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("action", "save"),
            ("edition", &edition),
            ("section", &section),
            ("headline", russian.headline),
            ("body", russian.body),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let audit = get(&ru, &server, "/newsroom/audit").await.text().await.expect("audit");
    assert!(audit.contains("Новости порта"), "their own edition's entries: {}", visible_text(&audit));
}
