//! The discussion under articles, as readers, moderators and API clients
//! meet it: register → confirm → comment; threads, reactions, reports,
//! the moderation queue, bans, rate limits, account deletion, live events.

use std::time::Duration;

use reqwest::{Client, StatusCode};

use crate::accounts::{cli, csrf_of, get, last_mail_to, link_in, location, post};
use crate::newsroom::staff;
use crate::support::{Backend, TestServer, article_links, visible_text};

/// Starts a server whose comment settings are `settings` (TOML lines).
pub async fn start_with_settings(backend: Backend, settings: &str) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dateline.toml");
    std::fs::write(&path, settings).expect("write config");
    let server = TestServer::start_with(backend, &["--config", path.to_str().expect("utf-8 path")]).await;
    (server, dir)
}

/// The newest story of the English edition (open for comments).
pub async fn newest_article(server: &TestServer) -> String {
    let front = server.page("/en/latest").await;
    article_links(&front, "en").into_iter().next().expect("an article on /en/latest")
}

/// The article's id, from its page.
pub fn article_id(html: &str) -> String {
    html.split("data-discussion=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a discussion")
        .to_owned()
}

/// A confirmed reader made with the CLI, logged in.
pub async fn reader(server: &TestServer, email: &str, name: &str) -> Client {
    reader_login(server, email, name).await.0
}

/// A confirmed reader made with the CLI, and the answer to their login.
pub async fn reader_login(server: &TestServer, email: &str, name: &str) -> (Client, reqwest::Response) {
    let (ok, _, err) = cli(
        server,
        &["user", "add", "--email", email, "--role", "reader", "--name", name],
        "reader passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let browser = server.browser();
    let login = crate::accounts::submit(
        &browser,
        server,
        "/en/login",
        "/en/login",
        &[("email", email), ("password", "reader passphrase")],
    )
    .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER, "{email} logs in");
    (browser, login)
}

/// Posts a comment (or a reply) through the article page's form.
pub async fn comment(
    client: &Client,
    server: &TestServer,
    article: &str,
    text: &str,
    parent: Option<&str>,
) -> reqwest::Response {
    let page = own_view(client, server, article).await;
    let id = article_id(&page);
    // A reader who may not write has no form here; their account page has a token.
    let csrf = if page.contains("name=\"csrf\"") {
        csrf_of(&page)
    } else {
        csrf_of(&get(client, server, "/en/account").await.text().await.expect("account"))
    };
    let mut form = vec![("csrf", csrf.as_str()), ("body", text), ("back", article)];
    if let Some(parent) = parent {
        form.push(("parent", parent));
    }
    post(client, server, &format!("/en/comments/{id}"), &form).await
}

/// The article page as `client` sees it once the page's script has put
/// their own discussion section (`/en/comments/{id}/me`) in place of the
/// shared one; a guest's is the shared page itself.
pub async fn own_view(client: &Client, server: &TestServer, article: &str) -> String {
    let page = get(client, server, article).await.text().await.expect("body");
    let id = article_id(&page);
    let me = get(client, server, &format!("/en/comments/{id}/me")).await;
    assert_eq!(me.headers()["cache-control"], "private, no-store", "a reader's own parts are never shared");
    if me.status() == StatusCode::NO_CONTENT {
        return page;
    }
    assert_eq!(me.status(), StatusCode::OK);
    let own = me.text().await.expect("own section");
    let start = page.find("<section class=\"discussion\"").expect("a discussion section");
    let end = start + page[start..].find("</section>").expect("its end") + "</section>".len();
    format!("{}{}{}", &page[..start], own.trim(), &page[end..])
}

/// The comment id a 303 after posting points at (`…#comment-N`).
pub fn posted_id(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "posted");
    location(response).rsplit("#comment-").next().expect("a comment anchor").to_owned()
}

/// Approves, rejects or bans through the queue, as `moderator`.
pub async fn moderate(
    moderator: &Client,
    server: &TestServer,
    comment: &str,
    action: &str,
) -> reqwest::Response {
    let settings =
        get(moderator, server, "/newsroom/comments/settings").await.text().await.expect("settings");
    let csrf = csrf_of(&settings);
    post(
        moderator,
        server,
        &format!("/newsroom/comments/{comment}"),
        &[("csrf", &csrf), ("action", action), ("ban", "7d"), ("view", "pending")],
    )
    .await
}

fn discussion_text(html: &str) -> String {
    let start = html.find("id=\"discussion\"").expect("a discussion section");
    let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
    visible_text(&html[start..end])
}

pub async fn register_confirm_and_comment(backend: Backend) {
    let (server, _config) = start_with_settings(backend, "").await;
    let article = newest_article(&server).await;
    let guest = server.page(&article).await;
    let text = discussion_text(&guest);
    assert!(
        text.contains("No comments yet") && text.contains("Log in or register to join the discussion"),
        "{text}"
    );
    let register_href = guest
        .split("href=\"/en/register?next=")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a register link that comes back");
    assert!(register_href.contains("%23discussion"), "{register_href}");

    // Register from the article: back on it, asked to confirm the address.
    let browser = server.browser();
    let form = get(&browser, &server, &format!("/en/register?next={register_href}"))
        .await
        .text()
        .await
        .expect("form");
    let csrf = csrf_of(&form);
    let next = format!("{article}#discussion");
    let registered = post(
        &browser,
        &server,
        "/en/register",
        &[
            ("csrf", &csrf),
            ("name", "Ada Reader"),
            ("email", "ada@example.com"),
            ("password", "a long passphrase"),
            ("next", &next),
        ],
    )
    .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&registered), next);
    let shared = get(&browser, &server, &article).await;
    assert_eq!(shared.headers()["x-cache"], "HIT", "a logged-in reader gets the page every reader gets");
    assert_eq!(shared.text().await.expect("body"), server.page(&article).await);
    let text = discussion_text(&own_view(&browser, &server, &article).await);
    assert!(text.contains("Confirm your email address to join the discussion"), "{text}");
    let refused = comment(&browser, &server, &article, "Before confirming", None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        visible_text(&refused.text().await.expect("body")).contains("Before confirming"),
        "the text is kept"
    );

    // The e-mailed link confirms and lands on the same article.
    let mail = last_mail_to(&server, "ada@example.com", "Confirm your email address")
        .await
        .expect("a confirmation mail");
    let link = link_in(&mail, &server);
    assert!(link.contains("&next="), "{link}");
    let confirmed = get(&browser, &server, &link).await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&confirmed), next);
    let page = own_view(&browser, &server, &article).await;
    assert!(discussion_text(&page).contains("Comment as Ada Reader"), "{}", discussion_text(&page));

    // A new account's first comment waits for a moderator: its author sees it, nobody else does.
    let first = comment(&browser, &server, &article, "First, *carefully* worded.", None).await;
    let first_id = posted_id(&first);
    let own = own_view(&browser, &server, &article).await;
    assert!(discussion_text(&own).contains("Only you can see this comment until a moderator has read it"));
    assert!(own.contains("<em>carefully</em>"));
    assert!(!discussion_text(&server.page(&article).await).contains("carefully"), "guests do not see it yet");

    // The moderator approves it from the queue.
    let editor = staff(&server, "desk@example.com", "editor", &[]).await;
    let queue = get(&editor, &server, "/newsroom/comments").await.text().await.expect("queue");
    let queue_text = visible_text(&queue);
    assert!(
        queue_text.contains("carefully") && queue_text.contains("a new account's first comment"),
        "{queue_text}"
    );
    assert!(queue_text.contains("Waiting for review (1)"), "{queue_text}");
    let approved = moderate(&editor, &server, &first_id, "approve").await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let guest = server.page(&article).await;
    let text = discussion_text(&guest);
    assert!(
        text.contains("1 comment") && text.contains("Ada Reader") && text.contains("carefully"),
        "{text}"
    );
    assert!(!text.contains("Only you can see"), "{text}");

    // Trusted now: the next comment shows at once; a reply to a reply joins the thread.
    let second = posted_id(&comment(&browser, &server, &article, "Second thought.", None).await);
    let bob = reader(&server, "bob@example.com", "Bob Answers").await;
    let reply = comment(&bob, &server, &article, "A reply to Ada.", Some(&second)).await;
    let reply_id = posted_id(&reply);
    let queue = get(&editor, &server, "/newsroom/comments").await.text().await.expect("queue");
    assert!(visible_text(&queue).contains("A reply to Ada."), "Bob's first comment is held");
    moderate(&editor, &server, &reply_id, "approve").await;
    let deeper = posted_id(&comment(&browser, &server, &article, "Ada answers Bob.", Some(&reply_id)).await);
    let html = server.page(&article).await;
    let thread_start = html.find(&format!("id=\"comment-{second}\"")).expect("the thread");
    let thread = &html[thread_start..];
    let reply_at = thread.find(&format!("id=\"comment-{reply_id}\"")).expect("the reply in the thread");
    let deeper_at =
        thread.find(&format!("id=\"comment-{deeper}\"")).expect("the reply to the reply in the thread");
    assert!(reply_at < deeper_at);
    assert!(visible_text(&thread[deeper_at..]).contains("in reply to Bob Answers"));
    assert_eq!(thread.matches("class=\"comment__replies\"").count(), 2, "two levels at most: {thread}");
    assert!(discussion_text(&html).contains("4 comments"));

    // Lists show the count (a comment drops the cached pages that show
    // it, no waiting), and the discussion page sorts and pages.
    let latest = server.page("/en/latest").await;
    assert!(visible_text(&latest).contains("4 comments"));
    let id = article_id(&html);
    let oldest = server.page(&format!("/en/comments/{id}?sort=oldest")).await;
    let text = visible_text(&oldest);
    assert!(text.find("carefully").expect("first") < text.find("Second thought").expect("second"), "{text}");
    let bad = server.get(&format!("/en/comments/{id}?sort=random")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(server.get(&format!("/en/comments/{id}?after=0")).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(server.get("/en/comments/999999").await.status(), StatusCode::NOT_FOUND);
}

pub async fn comment_rules_refuse_clearly(backend: Backend) {
    let (server, _config) =
        start_with_settings(backend, "comments_hold_first = 0\ncomments_per_minute = 6\n").await;
    let article = newest_article(&server).await;
    let ada = reader(&server, "ada@example.com", "Ada").await;
    let bob = reader(&server, "bob@example.com", "Bob").await;

    // Empty and over-long comments come back with the text kept.
    let empty = comment(&ada, &server, &article, "  \n ", None).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&empty.text().await.expect("body")).contains("Write something first"));
    let long = "word ".repeat(900);
    let too_long = comment(&ada, &server, &article, &long, None).await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = too_long.text().await.expect("body");
    assert!(visible_text(&html).contains("at most 4000 characters"), "{}", visible_text(&html));
    assert!(html.contains(long.trim_end()), "the typed text is kept");

    // A forged token, a missing parent, a removed parent.
    let page = server.page(&article).await;
    let id = article_id(&page);
    let forged =
        post(&ada, &server, &format!("/en/comments/{id}"), &[("csrf", "dlc_forged"), ("body", "x")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        comment(&ada, &server, &article, "to nobody", Some("99999999")).await.status(),
        StatusCode::NOT_FOUND
    );
    let doomed = posted_id(&comment(&bob, &server, &article, "I will delete this.", None).await);
    let bob_page = own_view(&bob, &server, &article).await;
    let deleted = post(
        &bob,
        &server,
        &format!("/en/comments/{id}/{doomed}/delete"),
        &[("csrf", &csrf_of(&bob_page)), ("back", &article)],
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    let orphan = comment(&ada, &server, &article, "Replying too late", Some(&doomed)).await;
    assert_eq!(orphan.status(), StatusCode::CONFLICT);
    assert!(visible_text(&orphan.text().await.expect("body")).contains("Replying too late"));

    // Editing: one's own, within the window; not someone else's.
    let mine = posted_id(&comment(&ada, &server, &article, "Typo here.", None).await);
    let page = own_view(&ada, &server, &article).await;
    let csrf = csrf_of(&page);
    let edited = post(
        &ada,
        &server,
        &format!("/en/comments/{id}/{mine}/edit"),
        &[("csrf", &csrf), ("body", "No typo here."), ("back", &article)],
    )
    .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let text = discussion_text(&server.page(&article).await);
    assert!(text.contains("No typo here.") && text.contains("(edited)"), "{text}");
    let bob_page = own_view(&bob, &server, &article).await;
    let not_yours = post(
        &bob,
        &server,
        &format!("/en/comments/{id}/{mine}/edit"),
        &[("csrf", &csrf_of(&bob_page)), ("body", "Hijacked"), ("back", &article)],
    )
    .await;
    assert_eq!(not_yours.status(), StatusCode::FORBIDDEN);

    // Reactions toggle; the script gets JSON.
    let bob_csrf = csrf_of(&bob_page);
    let react = |kind: &'static str| {
        bob.post(server.url(&format!("/en/comments/{id}/{mine}/react")))
            .header("accept", "application/json")
            .form(&[("csrf", bob_csrf.as_str()), ("kind", kind), ("back", article.as_str())])
            .send()
    };
    let on: serde_json::Value = react("like").await.expect("react").json().await.expect("json");
    assert_eq!(on["reactions"][0], serde_json::json!({"kind": "like", "count": 1, "mine": true}));
    let off: serde_json::Value = react("like").await.expect("react").json().await.expect("json");
    assert_eq!(off["reactions"][0]["count"], 0);
    assert_eq!(react("love").await.expect("react").status(), StatusCode::BAD_REQUEST);

    // Reports: once, never one's own.
    let report = |client: &Client, csrf: String, comment: String| {
        client
            .post(server.url(&format!("/en/comments/{id}/{comment}/report")))
            .header("accept", "application/json")
            .form(&[("csrf", csrf), ("reason", "abuse".into()), ("note", "rude".into())])
            .send()
    };
    assert_eq!(
        report(&bob, bob_csrf.clone(), mine.clone()).await.expect("report").status(),
        StatusCode::CREATED
    );
    assert_eq!(
        report(&bob, bob_csrf.clone(), mine.clone()).await.expect("report").status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        report(&ada, csrf.clone(), mine.clone()).await.expect("report").status(),
        StatusCode::FORBIDDEN
    );

    // The "Reply" and "Report" links lead to their forms.
    let reply_page =
        get(&bob, &server, &format!("/en/comments/{id}?reply={mine}")).await.text().await.expect("body");
    assert!(visible_text(&reply_page).contains("Reply to Ada"), "{}", visible_text(&reply_page));
    assert!(reply_page.contains(&format!("name=\"parent\" value=\"{mine}\"")));
    assert_eq!(
        get(&bob, &server, &format!("/en/comments/{id}?reply=424242")).await.status(),
        StatusCode::BAD_REQUEST
    );
    let report_page = get(&bob, &server, &format!("/en/comments/{id}/{mine}/report")).await;
    assert_eq!(report_page.status(), StatusCode::OK);
    let report_text = visible_text(&report_page.text().await.expect("body"));
    assert!(
        report_text.contains("No typo here.") && report_text.contains("Spam or advertising"),
        "{report_text}"
    );
    let guest_report = server
        .browser()
        .get(server.url(&format!("/en/comments/{id}/{mine}/report")))
        .send()
        .await
        .expect("get");
    assert_eq!(guest_report.status(), StatusCode::SEE_OTHER, "guests log in first");

    // Rate limit: a clear 429 with the time to wait, the text kept.
    let mut last = None;
    for n in 0..8 {
        let response = comment(&bob, &server, &article, &format!("Flood {n}"), None).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            last = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let limited = last.expect("the rate limit answers");
    assert_eq!(limited.headers()["retry-after"], "60");
    let html = limited.text().await.expect("body");
    assert!(visible_text(&html).contains("Try again in 60 seconds"), "{}", visible_text(&html));

    // A banned reader's old session: refused, with the date.
    let editor = staff(&server, "desk@example.com", "editor", &[]).await;
    let flood = posted_id(&comment(&ada, &server, &article, "Something to ban for.", None).await);
    assert_eq!(moderate(&editor, &server, &flood, "ban").await.status(), StatusCode::SEE_OTHER);
    let banned = comment(&ada, &server, &article, "Still here?", None).await;
    assert_eq!(banned.status(), StatusCode::FORBIDDEN);
    assert!(visible_text(&banned.text().await.expect("body")).contains("may not comment until"));

    // Guests are sent to log in; unknown articles are 404s.
    let guest = server.browser();
    let guest_page = get(&guest, &server, &format!("/en/comments/{id}")).await.text().await.expect("body");
    assert!(!guest_page.contains("name=\"csrf\""), "no form for guests");
    assert_eq!(server.get("/en/comments/abc").await.status(), StatusCode::NOT_FOUND);
}

pub async fn moderation_policies_words_and_reports(backend: Backend) {
    let (server, _config) = start_with_settings(backend, "comments_hold_first = 0\n").await;
    let article = newest_article(&server).await;
    let editor = staff(&server, "desk@example.com", "editor", &[]).await;
    let ada = reader(&server, "ada@example.com", "Ada").await;
    let bob = reader(&server, "bob@example.com", "Bob").await;

    // Banned words hold a comment; links from a new account too.
    let settings = get(&editor, &server, "/newsroom/comments/settings").await.text().await.expect("settings");
    let saved = post(
        &editor,
        &server,
        "/newsroom/comments/settings",
        &[("csrf", &csrf_of(&settings)), ("what", "words"), ("banned_words", "Scoundrel\nspam*\n")],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let rude = posted_id(&comment(&ada, &server, &article, "You scoundrel!", None).await);
    let spammy = posted_id(&comment(&ada, &server, &article, "Buy at https://spam.example/now", None).await);
    let fine = posted_id(&comment(&ada, &server, &article, "A fair point about the story.", None).await);
    let queue = visible_text(&get(&editor, &server, "/newsroom/comments").await.text().await.expect("queue"));
    assert!(queue.contains("it contains a banned word"), "{queue}");
    assert!(
        queue.contains("a link from a new account") || queue.contains("it contains a banned word"),
        "{queue}"
    );
    assert!(!queue.contains("A fair point"), "{queue}");
    assert!(!discussion_text(&server.page(&article).await).contains("scoundrel"));
    assert_eq!(moderate(&editor, &server, &rude, "reject").await.status(), StatusCode::SEE_OTHER);
    moderate(&editor, &server, &spammy, "reject").await;

    // A report reaches the queue; the decision reaches the reporter.
    let page = own_view(&bob, &server, &article).await;
    let id = article_id(&page);
    let reported = post(
        &bob,
        &server,
        &format!("/en/comments/{id}/{fine}/report"),
        &[("csrf", &csrf_of(&page)), ("reason", "off-topic"), ("note", "not about this")],
    )
    .await;
    assert_eq!(reported.status(), StatusCode::OK);
    assert!(
        visible_text(&reported.text().await.expect("body")).contains("A moderator will look at this comment")
    );
    let queue = visible_text(
        &get(&editor, &server, "/newsroom/comments?view=reported").await.text().await.expect("queue"),
    );
    assert!(queue.contains("Off topic: not about this") && queue.contains("Reported (1)"), "{queue}");
    moderate(&editor, &server, &fine, "reject").await;
    let mail = last_mail_to(&server, "bob@example.com", "Your report about a comment")
        .await
        .expect("the outcome mail");
    assert!(mail.contains("removed it"), "{mail}");
    assert!(!discussion_text(&server.page(&article).await).contains("A fair point"));
    assert!(discussion_text(&server.page(&article).await).contains("No comments yet"));

    // The audit log has every decision.
    let audit = visible_text(&get(&editor, &server, "/newsroom/audit").await.text().await.expect("audit"));
    assert!(audit.contains("comment.reject") && audit.contains("comments.banned_words"), "{audit}");

    // A premoderated section holds every comment; a closed one takes none.
    let settings = get(&editor, &server, "/newsroom/comments/settings").await.text().await.expect("settings");
    let section = article_section_id(&settings, &server, &article).await;
    let set = |policy: &'static str| {
        let csrf = csrf_of(&settings);
        let section = section.clone();
        let editor = editor.clone();
        let url = server.url("/newsroom/comments/settings");
        async move {
            editor
                .post(url)
                .form(&[
                    ("csrf", csrf),
                    ("what", "policy".into()),
                    ("section", section),
                    ("policy", policy.into()),
                ])
                .send()
                .await
                .expect("policy")
        }
    };
    assert_eq!(set("premoderated").await.status(), StatusCode::SEE_OTHER);
    let held = posted_id(&comment(&ada, &server, &article, "Waiting my turn.", None).await);
    let queue = visible_text(&get(&editor, &server, "/newsroom/comments").await.text().await.expect("queue"));
    assert!(queue.contains("Waiting my turn") && queue.contains("the section is premoderated"), "{queue}");
    assert!(discussion_text(&server.page(&article).await).contains("appear after a moderator has read them"));
    moderate(&editor, &server, &held, "approve").await;
    set("closed").await;
    let closed = comment(&ada, &server, &article, "Too late.", None).await;
    assert_eq!(closed.status(), StatusCode::FORBIDDEN);
    assert!(visible_text(&closed.text().await.expect("body")).contains("Comments on this story are closed"));
    let page = own_view(&bob, &server, &article).await;
    assert!(!page.contains("class=\"reaction-form\""), "no reaction buttons on a closed thread");
    // A token from the account page: the closed thread's page has no form.
    let page = get(&bob, &server, "/en/account").await.text().await.expect("body");
    let react = post(
        &bob,
        &server,
        &format!("/en/comments/{id}/{held}/react"),
        &[("csrf", &csrf_of(&page)), ("kind", "like")],
    )
    .await;
    assert_eq!(react.status(), StatusCode::FORBIDDEN, "no reactions on a closed thread");
    assert_eq!(
        post(
            &editor,
            &server,
            "/newsroom/comments/settings",
            &[("csrf", &csrf_of(&settings)), ("what", "nonsense")]
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );
    // Readers have no queue.
    assert_eq!(get(&bob, &server, "/newsroom/comments").await.status(), StatusCode::FORBIDDEN);
}

/// The id of the section of `article` among the settings page's policy forms.
async fn article_section_id(settings: &str, server: &TestServer, article: &str) -> String {
    let page = server.page(article).await;
    let section_name = visible_text(
        page.split("class=\"article__section\"")
            .nth(1)
            .and_then(|r| r.split("</p>").next())
            .expect("section"),
    );
    let section_name = section_name.trim().trim_start_matches('>').trim();
    let row = settings
        .split("<tr>")
        .find(|row| visible_text(row).starts_with(section_name))
        .unwrap_or_else(|| panic!("a policy row for {section_name}"));
    row.split("name=\"section\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("section id")
        .to_owned()
}

pub async fn deleting_an_account_and_exporting_data(backend: Backend) {
    let (server, _config) = start_with_settings(backend, "comments_hold_first = 0\n").await;
    let article = newest_article(&server).await;
    let ada = reader(&server, "ada@example.com", "Ada Leaves").await;
    let bob = reader(&server, "bob@example.com", "Bob Stays").await;
    let kept = posted_id(&comment(&ada, &server, &article, "Kept without my name.", None).await);
    posted_id(&comment(&bob, &server, &article, "Bob replies.", Some(&kept)).await);

    let export = get(&ada, &server, "/en/account/export").await;
    assert!(export.headers()["content-disposition"].to_str().expect("ascii").starts_with("attachment"));
    let data: serde_json::Value = export.json().await.expect("json");
    assert_eq!(data["account"]["display_name"], "Ada Leaves");
    assert_eq!(data["comments"][0]["body"], "Kept without my name.");

    // Profile: the name shows on comments; markup in it stays text.
    let account = get(&bob, &server, "/en/account").await.text().await.expect("account");
    let saved = post(
        &bob,
        &server,
        "/en/account/profile",
        &[
            ("csrf", &csrf_of(&account)),
            ("name", "Bob <b>Bold</b>"),
            ("bio", "I read <script>alert(1)</script> news."),
        ],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let html = server.page(&article).await;
    assert!(
        html.contains("Bob &lt;b&gt;Bold&lt;/b&gt;") || html.contains("Bob &#60;b&#62;Bold"),
        "escaped name"
    );
    let too_long = post(
        &bob,
        &server,
        "/en/account/profile",
        &[("csrf", &csrf_of(&account)), ("name", "Bob"), ("bio", &"x".repeat(501))],
    )
    .await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Deleting needs the password and a choice; comments stay without the name.
    let form = get(&ada, &server, "/en/account/delete").await.text().await.expect("form");
    let csrf = csrf_of(&form);
    let wrong = post(
        &ada,
        &server,
        "/en/account/delete",
        &[("csrf", &csrf), ("comments", "keep"), ("password", "wrong one")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let gone = post(
        &ada,
        &server,
        "/en/account/delete",
        &[("csrf", &csrf), ("comments", "keep"), ("password", "reader passphrase")],
    )
    .await;
    assert_eq!(gone.status(), StatusCode::OK);
    let text = discussion_text(&server.page(&article).await);
    assert!(
        text.contains("Kept without my name.")
            && text.contains("Former reader")
            && !text.contains("Ada Leaves"),
        "{text}"
    );
    assert_eq!(get(&ada, &server, "/en/account").await.status(), StatusCode::SEE_OTHER, "logged out");

    // Removing: the text goes, the reply under it stays.
    let carol = reader(&server, "carol@example.com", "Carol").await;
    let removed = posted_id(&comment(&carol, &server, &article, "Carol was here.", None).await);
    posted_id(&comment(&bob, &server, &article, "Replying to Carol.", Some(&removed)).await);
    let form = get(&carol, &server, "/en/account/delete").await.text().await.expect("form");
    post(
        &carol,
        &server,
        "/en/account/delete",
        &[("csrf", &csrf_of(&form)), ("comments", "remove"), ("password", "reader passphrase")],
    )
    .await;
    let text = discussion_text(&server.page(&article).await);
    assert!(
        !text.contains("Carol was here.")
            && text.contains("This comment was deleted.")
            && text.contains("Replying to Carol."),
        "{text}"
    );
}

pub async fn comments_through_the_api(backend: Backend) {
    let (server, _config) = start_with_settings(backend, "comments_hold_first = 0\n").await;
    let (ok, _, err) = cli(
        &server,
        &["user", "add", "--email", "api@example.com", "--role", "reader", "--name", "Api Reader"],
        "reader passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let (ok, token, err) = cli(&server, &["token", "create", "--email", "api@example.com"], "").await;
    assert!(ok, "{err}");
    let token = token.trim().to_owned();
    let article = newest_article(&server).await;
    let id = article_id(&server.page(&article).await);
    let client = Client::new();
    let posted = client
        .post(server.url(&format!("/api/v1/articles/{id}/comments")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"text": "Through the **API**."}))
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), StatusCode::CREATED);
    let comment: serde_json::Value = posted.json().await.expect("json");
    assert_eq!(comment["status"], "approved");
    assert_eq!(comment["html"], "<p>Through the <strong>API</strong>.</p>\n");
    let cid = comment["id"].as_i64().expect("id");
    let listed: serde_json::Value = client
        .get(server.url(&format!("/api/v1/articles/{id}/comments")))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["threads"][0]["author"], "Api Reader");
    let reacted: serde_json::Value = client
        .post(server.url(&format!("/api/v1/comments/{cid}/reactions")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"kind": "insightful"}))
        .send()
        .await
        .expect("react")
        .json()
        .await
        .expect("json");
    assert_eq!(reacted[1], serde_json::json!({"kind": "insightful", "count": 1, "mine": true}));
    let own_report = client
        .post(server.url(&format!("/api/v1/comments/{cid}/reports")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"reason": "spam"}))
        .send()
        .await
        .expect("report");
    assert_eq!(own_report.status(), StatusCode::FORBIDDEN);
    let error: serde_json::Value = own_report.json().await.expect("json");
    assert_eq!(error["error"], "forbidden");
    for (body, status) in [
        (serde_json::json!({"text": ""}), StatusCode::UNPROCESSABLE_ENTITY),
        (serde_json::json!({"text": "x", "parent_id": 987654}), StatusCode::NOT_FOUND),
        (serde_json::json!({"text": "x", "extra": 1}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let response = client
            .post(server.url(&format!("/api/v1/articles/{id}/comments")))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), status, "{body}");
    }
    let anonymous = client
        .post(server.url(&format!("/api/v1/articles/{id}/comments")))
        .json(&serde_json::json!({"text": "who am I"}))
        .send()
        .await
        .expect("post");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let deleted = client
        .delete(server.url(&format!("/api/v1/comments/{cid}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        client.get(server.url("/api/v1/articles/1/comments?sort=wrong")).send().await.expect("get").status(),
        StatusCode::BAD_REQUEST
    );
    let openapi: serde_json::Value =
        client.get(server.url("/api/v1/openapi.json")).send().await.expect("get").json().await.expect("json");
    for path in [
        "/api/v1/articles/{id}/comments",
        "/api/v1/comments/{id}",
        "/api/v1/comments/{id}/reactions",
        "/api/v1/comments/{id}/reports",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} is documented");
    }
}

/// New approved comments reach a stream of that article, and only such a stream.
pub async fn new_comments_arrive_live(backend: Backend) {
    let (server, _config) = start_with_settings(backend, "comments_hold_first = 0\n").await;
    let article = newest_article(&server).await;
    let id = article_id(&server.page(&article).await);
    let mut article_stream = Client::new()
        .get(server.url(&format!("/en/newsfeed/events?article={id}")))
        .send()
        .await
        .expect("article stream");
    let mut edition_stream =
        Client::new().get(server.url("/en/newsfeed/events")).send().await.expect("edition stream");
    let ada = reader(&server, "ada@example.com", "Ada Live").await;
    posted_id(&comment(&ada, &server, &article, "Live and <b>inert</b>.", None).await);
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !seen.contains("event: comment-added") && tokio::time::Instant::now() < deadline {
        if let Ok(Ok(Some(chunk))) =
            tokio::time::timeout(Duration::from_millis(500), article_stream.chunk()).await
        {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    assert!(seen.contains("event: comment-added"), "{seen}");
    assert!(seen.contains("Ada Live") && seen.contains("&lt;b&gt;inert&lt;/b&gt;"), "{seen}");
    let mut other = String::new();
    while let Ok(Ok(Some(chunk))) =
        tokio::time::timeout(Duration::from_millis(300), edition_stream.chunk()).await
    {
        other.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!other.contains("comment-added"), "the edition's stream does not carry comments: {other}");
}

/// Every hostile string of the security lists, put into a comment and a
/// name, renders as text.
pub async fn hostile_comments_render_inert(backend: Backend) {
    let Some(testdata) = crate::support::testdata() else {
        eprintln!("SKIPPED hostile_comments_render_inert: ../shared/testdata is absent");
        return;
    };
    let (server, _config) =
        start_with_settings(backend, "comments_hold_first = 0\ncomments_links_after = 0\ncomments_per_minute = 1000\ncomments_per_hour = 10000\ncomments_per_address_per_minute = 10000\n").await;
    let article = newest_article(&server).await;
    let ada = reader(&server, "ada@example.com", "Ada").await;
    let mut payloads = Vec::new();
    for file in ["security/xss/xss_payloads_quick.txt", "security/xss/XSS_Polyglots.txt"] {
        let list = std::fs::read_to_string(testdata.join(file)).expect("xss list");
        payloads.extend(list.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned));
    }
    payloads.truncate(60);
    assert!(payloads.len() >= 20, "a real list");
    for payload in &payloads {
        let response = comment(&ada, &server, &article, payload, None).await;
        assert!(
            response.status() == StatusCode::SEE_OTHER
                || response.status() == StatusCode::UNPROCESSABLE_ENTITY,
            "{payload}: {}",
            response.status()
        );
    }
    let id = article_id(&server.page(&article).await);
    let mut texts = 0;
    // Every page of the discussion, following its "more comments" link.
    let mut next = Some(format!("/en/comments/{id}"));
    let mut pages = 0;
    while let Some(path) = next.take() {
        pages += 1;
        assert!(pages <= 10, "the pages end: {path}");
        let html = server.page(&path).await;
        next = html
            .split("rel=\"next\"")
            .next()
            .and_then(|before| before.rsplit("href=\"").next())
            .filter(|_| html.contains("rel=\"next\""))
            .map(|href| {
                href.split('"').next().unwrap_or_default().replace("&#38;", "&").replace("&amp;", "&")
            });
        for text in html.split("class=\"comment__text\">").skip(1) {
            let text = &text[..text.find("</div>").expect("end of a comment")];
            texts += 1;
            for tag in text.split('<').skip(1) {
                let tag = &tag[..tag.find('>').expect("a closed tag")];
                let name: String =
                    tag.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
                assert!(
                    ["p", "br", "em", "strong", "a", "blockquote"].contains(&name.as_str()),
                    "<{tag}> in a comment"
                );
                if name == "a" && !tag.starts_with('/') {
                    assert!(tag.starts_with("a href=\"http"), "<{tag}>");
                    assert!(!tag.contains(" on"), "<{tag}>");
                }
            }
        }
    }
    assert!(texts >= payloads.len() / 2, "the comments are on the pages ({texts})");
    assert!(pages >= 2, "{} threads fill more than a page", payloads.len());
}
