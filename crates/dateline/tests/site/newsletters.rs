//! Newsletters end to end: a reader subscribes, confirms by mail, receives
//! a breaking alert and a digest through a real SMTP server (aiosmtpd on
//! loopback), and leaves with one click; bad links and forms are refused
//! clearly; a mail server outage delays mail without losing or doubling it.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::accounts::{decode_mail, get, post, submit};
use crate::api_write::{call, story, token_for};
use crate::newsroom::{option_value, staff};
use crate::support::{Backend, SmtpSink, TestServer, free_port, python_with, visible_text};

/// The id of the section checkbox labelled `name` on a subscribe form.
fn section_id(html: &str, name: &str) -> String {
    html.split("name=\"section\" value=\"")
        .skip(1)
        .find(|rest| rest.split("</label>").next().is_some_and(|label| label.contains(name)))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a section box for {name}"))
        .to_owned()
}

async fn subscribe(client: &Client, server: &TestServer, fields: &[(&str, &str)]) -> reqwest::Response {
    submit(client, server, "/en/subscribe", "/en/subscribe", fields).await
}

/// Every message the sink holds for `to` whose subject contains `subject`,
/// decoded, waiting up to `wait` for at least `at_least` of them.
async fn mails(sink: &SmtpSink, to: &str, subject: &str, at_least: usize, wait: Duration) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let found: Vec<String> = sink
            .messages()
            .iter()
            .map(|m| decode_mail(m))
            .filter(|m| {
                m.contains(&format!("To: {to}"))
                    && m.lines().any(|l| l.starts_with("Subject:") && l.contains(subject))
            })
            .collect();
        if found.len() >= at_least || tokio::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The site path of the first link to `prefix` in a mail.
fn link(mail: &str, server: &TestServer, prefix: &str) -> String {
    let start =
        mail.find(&format!("{}{prefix}", server.base)).unwrap_or_else(|| panic!("a {prefix} link in {mail}"));
    let url: String =
        mail[start..].chars().take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '"' | '<')).collect();
    url.strip_prefix(&server.base).expect("on this site").to_owned()
}

/// The counts of one send on the newsroom page: (sent, skipped, waiting, failed).
fn send_counts(html: &str, subject_part: &str) -> Option<(i64, i64, i64, i64)> {
    let row = html
        .split("<tr id=\"send-")
        .skip(1)
        .find(|row| row.split("</tr>").next().is_some_and(|r| r.contains(subject_part)))?;
    let attr = |name: &str| -> i64 {
        row.split(&format!("data-{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("a count")
    };
    Some((attr("sent"), attr("skipped"), attr("waiting"), attr("failed")))
}

/// Waits until the newsroom shows `want` for the send whose subject has `subject_part`.
async fn wait_for_counts(
    editor: &Client,
    server: &TestServer,
    subject_part: &str,
    want: (i64, i64, i64, i64),
) -> String {
    let mut html = String::new();
    for _ in 0..300 {
        html = get(editor, server, "/newsroom/newsletters").await.text().await.expect("body");
        if send_counts(&html, subject_part) == Some(want) {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the send {subject_part:?} never showed {want:?}: {:?}", send_counts(&html, subject_part));
}

async fn publish(server: &TestServer, token: &str, headline: &str, breaking: bool) {
    let mut body = story(headline);
    body["breaking"] = json!(breaking);
    let (status, created) = call(server, Method::POST, "/api/v1/articles", token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (status, published) = call(
        server,
        Method::POST,
        &format!("/api/v1/articles/{id}/transitions"),
        token,
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
}

pub async fn newsletter_round_trip(backend: Backend) {
    let Some(python) = python_with("aiosmtpd", "newsletter_round_trip") else { return };
    let port = free_port();
    let sink = SmtpSink::start(&python, port).await;
    let server = TestServer::start_with(backend, &["--smtp-url", &format!("smtp://127.0.0.1:{port}")]).await;

    // Every page has the short form; it leads to the full one with the address.
    let front = server.page("/en/").await;
    assert!(front.contains("<form class=\"footer-subscribe\" method=\"get\" action=\"/en/subscribe\">"));
    let anna = server.browser();
    let form = get(&anna, &server, "/en/subscribe?email=anna%40example.com").await;
    assert_eq!(form.status(), 200);
    assert_eq!(form.headers()["cache-control"], "no-store");
    let html = form.text().await.expect("body");
    assert!(html.contains("value=\"anna@example.com\""), "the footer's address is filled in");
    let sport = section_id(&html, "Sport");

    let response =
        subscribe(&anna, &server, &[("email", "Anna@Example.com"), ("daily", "1"), ("breaking", "1")]).await;
    assert_eq!(response.status(), 200);
    assert!(visible_text(&response.text().await.expect("body")).contains("Check your inbox"));
    // Boris wants only breaking news from Sport.
    let boris = server.browser();
    let response =
        subscribe(&boris, &server, &[("email", "boris@example.com"), ("breaking", "1"), ("section", &sport)])
            .await;
    assert_eq!(response.status(), 200);

    let confirmation =
        mails(&sink, "anna@example.com", "Confirm your Meridian newsletter", 1, Duration::from_secs(20))
            .await;
    assert_eq!(confirmation.len(), 1, "one confirmation mail");
    let confirm = link(&confirmation[0], &server, "/newsletter/confirm/");
    // Opening the link changes nothing (mail scanners open links): a button does.
    let page = get(&anna, &server, &confirm).await;
    assert_eq!(page.status(), 200);
    let text = visible_text(&page.text().await.expect("body"));
    assert!(text.contains("Confirm that anna@example.com should receive our newsletters."), "{text}");
    let done = post(&anna, &server, &confirm, &[]).await;
    assert_eq!(done.status(), 200);
    let html = done.text().await.expect("body");
    assert!(visible_text(&html).contains("You are subscribed"));
    assert!(html.contains("/newsletter/manage/dlm_"), "a link to manage the subscription");
    // A replayed link: a clear page, nothing changed.
    let again = post(&anna, &server, &confirm, &[]).await;
    assert_eq!(again.status(), 404);
    assert!(visible_text(&again.text().await.expect("body")).contains("This link is not valid"));
    assert_eq!(get(&anna, &server, &confirm).await.status(), 404);

    let boris_mail =
        mails(&sink, "boris@example.com", "Confirm your Meridian newsletter", 1, Duration::from_secs(20))
            .await;
    let boris_confirm = link(&boris_mail[0], &server, "/newsletter/confirm/");
    assert_eq!(post(&boris, &server, &boris_confirm, &[]).await.status(), 200);

    // Asking again within minutes sends no second mail.
    let response = subscribe(&anna, &server, &[("email", "anna@example.com"), ("daily", "1")]).await;
    assert_eq!(response.status(), 200);

    // A breaking story in Business: Anna gets the alert, Boris (Sport only) does not.
    let token = token_for(&server, "wire@example.com", "editor").await;
    publish(&server, &token, "Central bank cuts rates in surprise move", true).await;
    let published_by = unix_seconds();
    let alerts = mails(
        &sink,
        "anna@example.com",
        "Breaking news: Central bank cuts rates",
        1,
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(alerts.len(), 1, "one alert");
    let alert = &alerts[0];
    assert!(alert.contains("Message-ID: <newsletter-"), "{alert}");
    let unsubscribe = link(alert, &server, "/newsletter/unsubscribe/");
    assert!(
        alert.contains(&format!("List-Unsubscribe: <{}{unsubscribe}>", server.base)),
        "List-Unsubscribe names the one-click URL: {alert}"
    );
    assert!(alert.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{alert}");
    assert!(alert.contains("Content-Type: multipart/alternative"), "{alert}");
    assert!(alert.contains("Content-Type: text/plain; charset=utf-8"), "{alert}");
    assert!(alert.contains("Content-Type: text/html; charset=utf-8"), "{alert}");
    assert!(
        alert.matches("Central bank cuts rates in surprise move").count() >= 3,
        "subject, text and HTML: {alert}"
    );
    assert!(
        alert.contains(&format!("Unsubscribe: {}{unsubscribe}", server.base)),
        "a visible link in the text part"
    );
    assert!(alert.contains(&format!("href=\"{}{unsubscribe}\"", server.base)), "and in the HTML part");
    assert!(alert.contains("FRANKFURT"), "the dateline: {alert}");

    let editor = staff(&server, "desk@example.com", "editor", &[]).await;
    let html = wait_for_counts(&editor, &server, "Central bank cuts rates", (1, 1, 0, 0)).await;
    let english = option_value(&html, "English");

    // The digest, now, from the newsroom: Anna (daily) gets it, Boris does not.
    // A digest covers whole seconds up to the one it starts in, which the
    // next digest takes (no story falls between two): the story's second
    // must be over first. The alert above usually takes less.
    while unix_seconds() <= published_by {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let started =
        submit(&editor, &server, "/newsroom/newsletters", "/newsroom/newsletters", &[("edition", &english)])
            .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let digests = mails(&sink, "anna@example.com", "Meridian: the news of", 1, Duration::from_secs(20)).await;
    assert_eq!(digests.len(), 1, "one digest");
    assert!(digests[0].contains("Central bank cuts rates in surprise move"), "the digest lists the story");
    assert!(digests[0].contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    let html = wait_for_counts(&editor, &server, "the news of", (1, 0, 0, 0)).await;
    let text = visible_text(&html);
    assert!(text.contains("Subscribed"), "{text}");
    assert!(html.contains("<td>2</td>"), "two subscribers in the English edition: {text}");
    assert!(mails(&sink, "boris@example.com", "the news of", 0, Duration::ZERO).await.is_empty());
    // (A digest may also have started with the server, to nobody yet.)
    let digests_so_far = html.matches("the news of").count();

    // One click from the mail provider: a cookie-less POST, as RFC 8058 says.
    let provider = Client::new();
    let left = provider
        .post(server.url(&unsubscribe))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("one-click");
    assert_eq!(left.status(), 200);
    assert!(visible_text(&left.text().await.expect("body")).contains("You have unsubscribed"));
    let replay = provider
        .post(server.url(&unsubscribe))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("again");
    assert_eq!(replay.status(), 200, "a second click changes nothing and says so");
    let page = get(&anna, &server, &unsubscribe).await.text().await.expect("body");
    assert!(visible_text(&page).contains("You have unsubscribed"));

    // No more mail for Anna: the next digest has no delivery for her.
    publish(&server, &token, "Port traffic recovers after the strike", false).await;
    tokio::time::sleep(Duration::from_millis(1100)).await; // a new second: a new manual key
    submit(&editor, &server, "/newsroom/newsletters", "/newsroom/newsletters", &[("edition", &english)])
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let html = get(&editor, &server, "/newsroom/newsletters").await.text().await.expect("body");
    assert_eq!(html.matches("the news of").count(), digests_so_far + 1, "one more digest in the history");
    assert_eq!(send_counts(&html, "the news of"), Some((0, 0, 0, 0)), "with no delivery to anyone");
    let anna_mail = mails(&sink, "anna@example.com", "", 0, Duration::ZERO).await;
    assert_eq!(anna_mail.len(), 3, "confirmation, alert, digest; nothing after leaving, nothing twice");

    // The manage link: subscribe again, change the choice, mistakes refused.
    let manage = unsubscribe.replace("/unsubscribe/", "/manage/");
    let page = get(&anna, &server, &manage).await.text().await.expect("body");
    assert!(visible_text(&page).contains("anna@example.com · unsubscribed"), "{}", visible_text(&page));
    let back = post(&anna, &server, &manage, &[("action", "resubscribe")]).await;
    assert!(visible_text(&back.text().await.expect("body")).contains("Welcome back"));
    let bad =
        post(&anna, &server, &manage, &[("action", "save"), ("daily", "1"), ("section", "999999")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&bad.text().await.expect("body")).contains("That section is not part of this edition.")
    );
    let saved = post(
        &anna,
        &server,
        &manage,
        &[("action", "save"), ("daily", "1"), ("section", &sport), ("tags", "Markets")],
    )
    .await;
    assert_eq!(saved.status(), 200);
    let html = saved.text().await.expect("body");
    assert!(visible_text(&html).contains("Your choices are saved."));
    assert!(html.contains(&format!("value=\"{sport}\" checked")), "the choice is kept");
    assert!(html.contains("value=\"Markets\""), "tags show by name");
}

pub async fn newsletter_forms_and_links_refuse_clearly(backend: Backend) {
    let (server, _config) =
        crate::discussion::start_with_settings(backend, "newsletter_signups_per_address_per_hour = 3\n")
            .await;
    let reader = server.browser();
    let response =
        subscribe(&reader, &server, &[("email", "not-an-address"), ("tags", "No such topic, Climate")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    let text = visible_text(&html);
    assert!(text.contains("Enter an email address such as name@example.com."), "{text}");
    assert!(text.contains("Tick the daily digest, breaking-news alerts, or both."), "{text}");
    assert!(html.contains("value=\"not-an-address\""), "typed input is kept");
    assert!(html.contains("value=\"No such topic, Climate\""));

    let response =
        subscribe(&reader, &server, &[("email", "a@example.com"), ("daily", "1"), ("tags", "No such topic")])
            .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&response.text().await.expect("body"))
            .contains("These topics do not exist: No such topic.")
    );
    let response =
        subscribe(&reader, &server, &[("email", "a@example.com"), ("daily", "1"), ("section", "x")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Without the form token: refused, nothing stored.
    let forged = post(&reader, &server, "/en/subscribe", &[("email", "b@example.com"), ("daily", "1")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(server.get("/xx/subscribe").await.status(), 404, "unknown edition");

    let long = format!("/newsletter/confirm/dle_{}", "a".repeat(5000));
    for path in [
        "/newsletter/confirm/nonsense",
        "/newsletter/confirm/dle_0000000000000000000000000000000000000000000000000000000000000000",
        "/newsletter/manage/dlm_zz",
        "/newsletter/manage/dle_0000000000000000000000000000000000000000000000000000000000000000",
        "/newsletter/unsubscribe/%00",
        long.as_str(),
    ] {
        for method in [Method::GET, Method::POST] {
            let request = reader.request(method.clone(), server.url(path));
            let request = if method == Method::POST { request.form(&[("action", "save")]) } else { request };
            let response = request.send().await.expect("request");
            let status = response.status();
            assert_eq!(status, 404, "{method} {path}");
            let text = visible_text(&response.text().await.expect("body"));
            assert!(text.contains("This link is not valid"), "{method} {path}: {text}");
        }
    }
    // Not even text: the path cannot be read.
    assert_eq!(server.get("/newsletter/unsubscribe/%ff%fe").await.status(), 400);

    let response = subscribe(&reader, &server, &[("email", "c@example.com"), ("daily", "1")]).await;
    assert_eq!(response.status(), 200);
    let mail = crate::accounts::last_mail_to(
        &server,
        "c@example.com",
        "Confirm your Meridian newsletter subscription",
    )
    .await
    .expect("a confirmation in the outbox");
    let confirm = crate::accounts::link_in(&mail, &server);
    assert_eq!(post(&reader, &server, &confirm, &[]).await.status(), 200);
    let newsroom = staff(&server, "chief@example.com", "editor", &[]).await;
    let page = get(&newsroom, &server, "/newsroom/newsletters").await.text().await.expect("body");
    assert!(page.contains("<th scope=\"row\">English</th><td>1</td>"), "one confirmed subscriber");
    assert!(!page.contains("c@example.com"), "the newsroom shows numbers, not addresses");
    let bad =
        submit(&newsroom, &server, "/newsroom/newsletters", "/newsroom/newsletters", &[("edition", "nope")])
            .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // Three sign-ups an hour from one address here (c@ was the first): the fourth waits.
    for email in ["d@example.com", "e@example.com"] {
        let response = subscribe(&reader, &server, &[("email", email), ("daily", "1")]).await;
        assert_eq!(response.status(), 200, "{email}");
    }
    let response = subscribe(&reader, &server, &[("email", "f@example.com"), ("daily", "1")]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "3600");
    assert!(visible_text(&response.text().await.expect("body")).contains("Too many sign-ups"));
    let reader_account = staff(&server, "reader@example.com", "reader", &[]).await;
    assert_eq!(get(&reader_account, &server, "/newsroom/newsletters").await.status(), StatusCode::FORBIDDEN);
}

/// The mail server goes away after the reader subscribed: the alert waits,
/// shows as waiting with the error in the newsroom, and arrives exactly
/// once when the server is back.
pub async fn newsletter_survives_an_smtp_outage(backend: Backend) {
    let Some(python) = python_with("aiosmtpd", "newsletter_survives_an_smtp_outage") else { return };
    let port = free_port();
    let sink = SmtpSink::start(&python, port).await;
    let server = TestServer::start_with(backend, &["--smtp-url", &format!("smtp://127.0.0.1:{port}")]).await;
    let reader = server.browser();
    subscribe(&reader, &server, &[("email", "cleo@example.com"), ("breaking", "1")]).await;
    let confirmation = mails(&sink, "cleo@example.com", "Confirm", 1, Duration::from_secs(20)).await;
    let confirm = link(&confirmation[0], &server, "/newsletter/confirm/");
    assert_eq!(post(&reader, &server, &confirm, &[]).await.status(), 200);
    drop(sink);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let token = token_for(&server, "wire@example.com", "editor").await;
    publish(&server, &token, "Earthquake shakes the capital", true).await;
    let editor = staff(&server, "desk@example.com", "editor", &[]).await;
    let mut row = String::new();
    for _ in 0..300 {
        let html = wait_for_counts(&editor, &server, "Earthquake shakes", (0, 0, 1, 0)).await;
        row = html
            .split("Earthquake shakes")
            .nth(1)
            .and_then(|r| r.split("</tr>").next())
            .unwrap_or("")
            .to_owned();
        if !row.ends_with("<td></td>") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(row.contains("SMTP delivery failed"), "waiting, with the error: {row}");

    let sink = SmtpSink::start(&python, port).await;
    let alerts = mails(&sink, "cleo@example.com", "Earthquake shakes", 1, Duration::from_secs(40)).await;
    assert_eq!(alerts.len(), 1, "delivered once the server is back");
    wait_for_counts(&editor, &server, "Earthquake shakes", (1, 0, 0, 0)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        mails(&sink, "cleo@example.com", "Earthquake shakes", 0, Duration::ZERO).await.len(),
        1,
        "and only once"
    );
}

/// The wall clock in whole seconds, as the store keeps publication times.
fn unix_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
