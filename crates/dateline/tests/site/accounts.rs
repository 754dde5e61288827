//! Accounts as a reader (or an attacker) meets them: forms, cookies,
//! e-mailed links, throttling, bearer tokens.

use std::time::Duration;

use reqwest::{Client, Response, StatusCode};

use crate::support::{Backend, SmtpSink, TestServer, command, free_port, python_with, visible_text};

/// The CSRF token of the first form in a page.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form with a csrf field")
        .to_owned()
}

pub async fn get(client: &Client, server: &TestServer, path: &str) -> Response {
    client.get(server.url(path)).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

pub async fn post(client: &Client, server: &TestServer, path: &str, form: &[(&str, &str)]) -> Response {
    client.post(server.url(path)).form(form).send().await.unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// GETs a form page and POSTs `fields` with its CSRF token.
pub async fn submit(
    client: &Client,
    server: &TestServer,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Response {
    let page = get(client, server, form_page).await;
    assert_eq!(page.status(), 200, "GET {form_page}");
    let csrf = csrf_of(&page.text().await.expect("body"));
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    post(client, server, action, &form).await
}

pub fn location(response: &Response) -> String {
    response.headers()["location"].to_str().expect("location").to_owned()
}

/// The decoded text of the newest `.eml` in the outbox sent to `to` with
/// `subject`, waiting up to 10 s for the job runner to write it.
pub async fn last_mail_to(server: &TestServer, to: &str, subject: &str) -> Option<String> {
    let outbox = server.dir.path().join("outbox");
    for _ in 0..100 {
        let found = newest_mail_to(&outbox, to).filter(|m| m.contains(&format!("Subject: {subject}")));
        if found.is_some() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// The newest message to `to` among the files of `dir`, decoded.
pub fn newest_mail_to(dir: &std::path::Path, to: &str) -> Option<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir).ok()?.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    files
        .iter()
        .rev()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .find(|m| m.contains(&format!("To: {to}")))
        .map(|raw| decode_mail(&raw))
}

/// A message's text with quoted-printable soft breaks and escapes undone.
pub fn decode_mail(raw: &str) -> String {
    // Undo quoted-printable soft breaks and escapes.
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let mut out = String::new();
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            let hex: String = chars.clone().take(2).collect();
            if let Ok(byte) = u8::from_str_radix(&hex, 16) {
                out.push(char::from(byte));
                chars.next();
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

pub fn link_in(mail: &str, server: &TestServer) -> String {
    let start = mail.find(&server.base).expect("a link to this site");
    let link: String = mail[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    link.strip_prefix(&server.base).expect("site path").to_owned()
}

pub async fn register(
    client: &Client,
    server: &TestServer,
    name: &str,
    email: &str,
    password: &str,
) -> Response {
    submit(
        client,
        server,
        "/en/register",
        "/en/register",
        &[("name", name), ("email", email), ("password", password)],
    )
    .await
}

/// With `--smtp-url`, account mail goes through a real SMTP server, and
/// mail queued while that server is down arrives once it is back.
pub async fn mail_goes_through_smtp_and_survives_an_outage(backend: Backend) {
    let test = "mail_goes_through_smtp_and_survives_an_outage";
    let Some(python) = python_with("aiosmtpd", test) else { return };
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let server = TestServer::start_with(backend, &["--smtp-url", &url]).await;
    let browser = server.browser();
    let response = register(&browser, &server, "Ana Lima", "ana@example.com", "correct horse battery").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "registration does not wait on the mail server");

    server.wait_for_log("job failed").await;
    let sink = SmtpSink::start(&python, port).await;
    let mut received = None;
    for _ in 0..300 {
        received = sink.messages().into_iter().find(|m| m.contains("ana@example.com"));
        if received.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mail = decode_mail(&received.expect("the queued mail is delivered once the server is back"));
    assert!(mail.contains("To: ana@example.com"), "{mail}");
    assert!(mail.contains("From: Meridian <no-reply@localhost>"), "{mail}");
    assert!(mail.contains("Subject: Confirm your email address"), "{mail}");
    assert!(mail.contains("Message-ID: <") && mail.contains("Date: "), "{mail}");
    let link = link_in(&mail, &server);
    let confirmed = get(&browser, &server, &link).await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let page = get(&browser, &server, &location(&confirmed)).await.text().await.expect("body");
    assert!(visible_text(&page).contains("your email address is confirmed"));
    assert_eq!(sink.messages().len(), 1, "sent once");
    assert!(!server.dir.path().join("outbox").exists(), "nothing went to the outbox");
}

pub async fn register_confirm_log_out_and_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let browser = server.browser();

    // Mistakes come back with a message next to each field and the input kept.
    let response = register(&browser, &server, "", "not-an-address", "short").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    let text = visible_text(&html);
    assert!(text.contains("Enter a name of 1 to 80 characters."), "{text}");
    assert!(text.contains("Enter an email address such as name@example.com."));
    assert!(text.contains("The password needs at least 10 characters."));
    assert!(html.contains("value=\"not-an-address\""), "typed input is kept");

    let response =
        register(&browser, &server, "<b>Ana</b> Lima", "Ana@Example.com", "correct horse battery").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/en/account?status=welcome");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        cookie.contains("dateline_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let account = get(&browser, &server, "/en/account?status=welcome").await;
    assert_eq!(account.status(), 200);
    assert_eq!(account.headers()["cache-control"], "no-store");
    let html = account.text().await.expect("body");
    let escaped = html.contains("&lt;b&gt;Ana") || html.contains("&#60;b&#62;Ana");
    assert!(escaped && !html.contains("<b>Ana"), "markup is shown as text: {html}");
    assert!(visible_text(&html).contains("ana@example.com"));
    assert!(visible_text(&html).contains("not confirmed yet"));

    let mail = last_mail_to(&server, "ana@example.com", "Confirm your email address")
        .await
        .expect("a confirmation e-mail in the outbox");
    assert!(mail.contains("Subject: Confirm your email address"), "{mail}");
    let link = link_in(&mail, &server);
    assert!(link.starts_with("/en/account/verify?token=dle_"), "{link}");
    let confirmed = get(&browser, &server, &link).await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let page = get(&browser, &server, &location(&confirmed)).await.text().await.expect("body");
    assert!(visible_text(&page).contains("your email address is confirmed"), "{}", visible_text(&page));
    let again = get(&browser, &server, &link).await;
    assert_eq!(again.status(), 400, "a link works once");
    assert!(visible_text(&again.text().await.expect("body")).contains("expired or was already used"));

    let out = submit(&browser, &server, "/en/account", "/en/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/en/login?status=logged-out");
    let gated = get(&browser, &server, "/en/account").await;
    assert_eq!(gated.status(), StatusCode::SEE_OTHER, "logged out");
    assert!(location(&gated).starts_with("/en/login?next="));

    let taken = register(&browser, &server, "Other", "ana@example.com", "another long pass").await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&taken.text().await.expect("body")).contains("already exists"));

    let wrong = submit(
        &browser,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "wrong password!"), ("next", "/en/world")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let html = wrong.text().await.expect("body");
    assert!(visible_text(&html).contains("do not match an account"));
    assert!(html.contains("value=\"ana@example.com\""));

    let right = submit(
        &browser,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ANA@example.com "), ("password", "correct horse battery"), ("next", "/en/world")],
    )
    .await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&right), "/en/world", "back where the reader came from");
    assert_eq!(get(&browser, &server, "/en/account").await.status(), 200);

    // A `next` pointing at another site is ignored.
    submit(&browser, &server, "/en/account", "/en/logout", &[]).await;
    let away = submit(
        &browser,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "correct horse battery"), ("next", "//evil.example/x")],
    )
    .await;
    assert_eq!(location(&away), "/en/");

    // The Russian edition speaks Russian.
    let ru = get(&server.browser(), &server, "/ru/register").await.text().await.expect("body");
    assert!(ru.contains("<h1>Регистрация</h1>"));
}

pub async fn forms_refuse_forged_requests(backend: Backend) {
    let server = TestServer::start(backend).await;
    let browser = server.browser();
    register(&browser, &server, "Ana", "ana@example.com", "correct horse battery").await;
    submit(&browser, &server, "/en/account", "/en/logout", &[]).await;
    let login = [("email", "ana@example.com"), ("password", "correct horse battery")];

    let no_token = post(&browser, &server, "/en/login", &login).await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert!(visible_text(&no_token.text().await.expect("body")).contains("This form has expired"));

    let _ = get(&browser, &server, "/en/login").await;
    let mut forged = vec![("csrf", "dlc_0000000000000000000000000000000000000000000000000000000000000000")];
    forged.extend_from_slice(&login);
    assert_eq!(post(&browser, &server, "/en/login", &forged).await.status(), StatusCode::FORBIDDEN);

    let page = get(&browser, &server, "/en/login").await.text().await.expect("body");
    let csrf = csrf_of(&page);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&login);
    let cross_site = browser
        .post(server.url("/en/login"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN, "cross-site POSTs are refused");

    // A stranger's client without our cookies cannot use a token it saw.
    let stranger = server.browser();
    assert_eq!(post(&stranger, &server, "/en/login", &form).await.status(), StatusCode::FORBIDDEN);

    // A forged session cookie is simply "not logged in".
    let tampered = server
        .client
        .get(server.url("/en/account"))
        .header("cookie", format!("dateline_session=dls_{}", "a".repeat(64)))
        .send()
        .await
        .expect("GET");
    assert_eq!(tampered.status(), StatusCode::SEE_OTHER);

    // Garbage bodies are a 4xx page, never a 500.
    let garbage = browser
        .post(server.url("/en/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%&&&=%ZZ")
        .send()
        .await
        .expect("POST");
    assert!(garbage.status().is_client_error(), "{}", garbage.status());
}

pub async fn failed_logins_are_slowed_down(backend: Backend) {
    let server = TestServer::start(backend).await;
    let browser = server.browser();
    register(&browser, &server, "Ana", "ana@example.com", "correct horse battery").await;
    submit(&browser, &server, "/en/account", "/en/logout", &[]).await;
    for attempt in 1..=5 {
        let wrong = submit(
            &browser,
            &server,
            "/en/login",
            "/en/login",
            &[("email", "ana@example.com"), ("password", "not the password")],
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let right = submit(
        &browser,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "correct horse battery")],
    )
    .await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let retry: u64 = right.headers()["retry-after"].to_str().expect("retry-after").parse().expect("seconds");
    assert!((1..=30).contains(&retry), "{retry}");
    assert!(visible_text(&right.text().await.expect("body")).contains("Too many failed attempts"));
    // Another account from the same address is not locked by this one.
    register(&server.browser(), &server, "Ben", "ben@example.com", "another long password").await;
    let other = submit(
        &server.browser(),
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ben@example.com"), ("password", "another long password")],
    )
    .await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
}

/// Behind a trusted proxy each client is throttled by the address the
/// proxy names in `X-Forwarded-For`, not by the proxy's own address.
pub async fn throttling_reads_the_client_behind_a_trusted_proxy(backend: Backend) {
    let server = TestServer::start_with(backend, &["--trusted-proxies", "127.0.0.0/8,::1"]).await;
    let browser = server.browser();
    let page = get(&browser, &server, "/en/login").await.text().await.expect("body");
    let csrf = csrf_of(&page);
    let attempt = |client_ip: &'static str, n: usize| {
        let email = format!("nobody{n}@example.com");
        let form = [("csrf", csrf.clone()), ("email", email), ("password", "not the password".to_owned())];
        browser.post(server.url("/en/login")).header("x-forwarded-for", client_ip).form(&form).send()
    };
    // Different accounts each time, so only the per-address limit counts.
    for n in 0..20 {
        let response = attempt("203.0.113.7", n).await.expect("login");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let blocked = attempt("203.0.113.7", 99).await.expect("login");
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "this client has used its free attempts");
    let neighbour = attempt("198.51.100.4", 100).await.expect("login");
    assert_eq!(
        neighbour.status(),
        StatusCode::UNAUTHORIZED,
        "another client behind the same proxy is not blocked"
    );
}

pub async fn password_reset_by_emailed_link(backend: Backend) {
    let server = TestServer::start(backend).await;
    let browser = server.browser();
    register(&browser, &server, "Ana", "ana@example.com", "correct horse battery").await;
    let old_session = server.browser();
    submit(
        &old_session,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "correct horse battery")],
    )
    .await;
    assert_eq!(get(&old_session, &server, "/en/account").await.status(), 200);

    let stranger = server.browser();
    let unknown = submit(
        &stranger,
        &server,
        "/en/password/forgot",
        "/en/password/forgot",
        &[("email", "nobody@example.com")],
    )
    .await;
    assert_eq!(unknown.status(), 200);
    let unknown_text = visible_text(&unknown.text().await.expect("body"));

    let known = submit(
        &stranger,
        &server,
        "/en/password/forgot",
        "/en/password/forgot",
        &[("email", "ana@example.com")],
    )
    .await;
    assert_eq!(visible_text(&known.text().await.expect("body")), unknown_text, "the answer reveals nothing");
    let mail = last_mail_to(&server, "ana@example.com", "Choose a new password").await.expect("reset mail");
    let outbox = server.dir.path().join("outbox");
    assert!(newest_mail_to(&outbox, "nobody@example.com").is_none(), "no mail to an unknown address");
    assert!(mail.contains("Subject: Choose a new password"));
    let link = link_in(&mail, &server);
    assert!(link.starts_with("/en/password/reset?token=dle_"), "{link}");

    let short = submit(
        &stranger,
        &server,
        &link,
        "/en/password/reset",
        &[("token", link.split("token=").nth(1).expect("token")), ("password", "short")],
    )
    .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = short.text().await.expect("body");
    assert!(html.contains(link.split("token=").nth(1).expect("token")), "the token is kept in the form");

    let token = link.split("token=").nth(1).expect("token");
    let done = submit(
        &stranger,
        &server,
        &link,
        "/en/password/reset",
        &[("token", token), ("password", "a brand new passphrase")],
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/en/login?status=password-changed");
    let reused = submit(
        &stranger,
        &server,
        &link,
        "/en/password/reset",
        &[("token", token), ("password", "yet another passphrase")],
    )
    .await;
    assert_eq!(reused.status(), 400);

    assert_eq!(
        get(&old_session, &server, "/en/account").await.status(),
        StatusCode::SEE_OTHER,
        "old sessions end"
    );
    let old = submit(
        &stranger,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "correct horse battery")],
    )
    .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = submit(
        &stranger,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "a brand new passphrase")],
    )
    .await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER);
}

pub async fn cli(server: &TestServer, args: &[&str], stdin: &str) -> (bool, String, String) {
    use tokio::io::AsyncWriteExt as _;
    let mut command = command(server.dir.path());
    command.args(args).args(server.store_args());
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("run dateline");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.expect("write stdin");
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("in time")
        .expect("output");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

pub async fn cli_users_and_api_tokens(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ok, out, err) = cli(
        &server,
        &[
            "user",
            "add",
            "--email",
            "ed@example.com",
            "--role",
            "editor",
            "--name",
            "Ed Itor",
            "--edition",
            "en",
        ],
        "editor passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    assert!(out.contains("with role editor"), "{out}");
    let (ok, _, err) = cli(
        &server,
        &["user", "add", "--email", "ed@example.com", "--role", "editor"],
        "editor passphrase\n",
    )
    .await;
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) =
        cli(&server, &["user", "add", "--email", "x@example.com", "--role", "root"], "editor passphrase\n")
            .await;
    assert!(!ok && err.contains("--role"), "{err}");
    let (ok, _, err) =
        cli(&server, &["user", "add", "--email", "y@example.com", "--role", "reader"], "short\n").await;
    assert!(!ok && err.contains("at least 10"), "{err}");

    let (ok, token, err) =
        cli(&server, &["token", "create", "--email", "ed@example.com", "--name", "ci"], "").await;
    assert!(ok, "{err}");
    let token = token.trim().to_owned();
    assert!(token.starts_with("dlt_"), "{token}");

    let me = server.client.get(server.url("/api/v1/me")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.expect("json");
    assert_eq!(me["role"], "editor");
    assert_eq!(me["editions"], serde_json::json!(["en"]));
    assert_eq!(me["display_name"], "Ed Itor");

    for bad in [None, Some("dlt_nope"), Some(&format!("dlt_{}", "0".repeat(64))[..])] {
        let mut request = server.client.get(server.url("/api/v1/me"));
        if let Some(bad) = bad {
            request = request.bearer_auth(bad);
        }
        let response = request.send().await.expect("GET");
        assert_eq!(response.status(), 401, "{bad:?}");
        assert!(response.headers()["www-authenticate"].to_str().expect("header").starts_with("Bearer"));
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"], "unauthorized");
    }

    let (ok, list, _) = cli(&server, &["token", "list", "--email", "ed@example.com"], "").await;
    assert!(ok && list.contains("\tci\t") && list.contains("active"), "{list}");
    let id = list.split('\t').next().expect("id").trim().to_owned();
    let (ok, _, err) = cli(&server, &["token", "revoke", "--id", &id], "").await;
    assert!(ok, "{err}");
    let revoked = server.client.get(server.url("/api/v1/me")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(revoked.status(), 401, "a revoked token is refused");

    // The CLI's account logs in on the site too.
    let browser = server.browser();
    let login = submit(
        &browser,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ed@example.com"), ("password", "editor passphrase")],
    )
    .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let account = get(&browser, &server, "/en/account").await.text().await.expect("body");
    assert!(visible_text(&account).contains("Editor"));
}

/// The code an authenticator app would show, `offset` 30-second steps from now.
fn totp_code(secret: &str, offset: i64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).expect("base32 secret"))
        .build()
        .expect("totp");
    let at = time::OffsetDateTime::now_utc().unix_timestamp() + offset * 30;
    totp.generate(at as u64).to_string()
}

pub async fn two_factor_codes_after_the_password(backend: Backend) {
    let server = TestServer::start(backend).await;
    let browser = server.browser();
    register(&browser, &server, "Ana", "ana@example.com", "correct horse battery").await;

    let setup = get(&browser, &server, "/en/account/two-factor").await.text().await.expect("setup");
    assert!(setup.contains("<svg"), "a QR code is shown");
    let secret = setup
        .split("<code class=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the secret is shown")
        .to_owned();
    let wrong = submit(
        &browser,
        &server,
        "/en/account/two-factor",
        "/en/account/two-factor",
        &[("action", "enable"), ("secret", &secret), ("code", "000000")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let on = submit(
        &browser,
        &server,
        "/en/account/two-factor",
        "/en/account/two-factor",
        &[("action", "enable"), ("secret", &secret), ("code", &totp_code(&secret, -1))],
    )
    .await;
    assert_eq!(on.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&on), "/en/account?status=two-factor-on");

    // The password alone no longer logs in.
    submit(&browser, &server, "/en/account", "/en/logout", &[]).await;
    let password = submit(
        &browser,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "correct horse battery"), ("next", "/en/world")],
    )
    .await;
    assert_eq!(password.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&password), "/en/login/code");
    assert_eq!(
        get(&browser, &server, "/en/account").await.status(),
        StatusCode::SEE_OTHER,
        "not logged in yet"
    );
    let bad = submit(&browser, &server, "/en/login/code", "/en/login/code", &[("code", "123456")]).await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let code = totp_code(&secret, 0);
    let good = submit(&browser, &server, "/en/login/code", "/en/login/code", &[("code", &code)]).await;
    assert_eq!(good.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&good), "/en/world");
    assert_eq!(get(&browser, &server, "/en/account").await.status(), 200);

    // The same code does not work twice.
    submit(&browser, &server, "/en/account", "/en/logout", &[]).await;
    submit(
        &browser,
        &server,
        "/en/login",
        "/en/login",
        &[("email", "ana@example.com"), ("password", "correct horse battery")],
    )
    .await;
    let replay = submit(&browser, &server, "/en/login/code", "/en/login/code", &[("code", &code)]).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED, "a replayed code is refused");
    // Without the challenge cookie the code page sends back to the password.
    let stranger = server.browser();
    assert_eq!(location(&get(&stranger, &server, "/en/login/code").await), "/en/login");

    // Turning it off needs a fresh code.
    let next_code = totp_code(&secret, 1);
    let logged = submit(&browser, &server, "/en/login/code", "/en/login/code", &[("code", &next_code)]).await;
    assert_eq!(logged.status(), StatusCode::SEE_OTHER);
    let off = submit(
        &browser,
        &server,
        "/en/account/two-factor",
        "/en/account/two-factor",
        &[("action", "disable"), ("code", &next_code)],
    )
    .await;
    assert_eq!(off.status(), StatusCode::UNPROCESSABLE_ENTITY, "the used code cannot switch it off");
    assert!(
        get(&browser, &server, "/en/account/two-factor")
            .await
            .text()
            .await
            .expect("page")
            .contains("Two-factor authentication is on")
    );
}

/// Logs a staff member in at the newsroom's own door.
async fn newsroom_login(server: &TestServer, email: &str, password: &str) -> (Client, Response) {
    let browser = server.browser();
    let response = submit(
        &browser,
        server,
        "/newsroom/login",
        "/newsroom/login",
        &[("email", email), ("password", password), ("next", "/newsroom")],
    )
    .await;
    (browser, response)
}

/// Issue 20, item 11: administrators require a second factor per role and
/// reset it for someone who lost their authenticator, all audited.
pub async fn admins_require_and_reset_two_factor(backend: Backend) {
    let server = TestServer::start(backend).await;
    for (email, role) in [("chief@example.com", "admin"), ("desk@example.com", "editor")] {
        let (ok, _, err) =
            cli(&server, &["user", "add", "--email", email, "--role", role], "a long passphrase\n").await;
        assert!(ok, "{err}");
    }
    let (admin, _) = newsroom_login(&server, "chief@example.com", "a long passphrase").await;
    let (desk, logged) = newsroom_login(&server, "desk@example.com", "a long passphrase").await;
    assert_eq!(location(&logged), "/newsroom");
    assert_eq!(get(&desk, &server, "/newsroom").await.status(), 200, "optional so far");

    // Required of editors: the desk editor reaches nothing but the set-up.
    let policy = submit(
        &admin,
        &server,
        "/newsroom/users",
        "/newsroom/users",
        &[("action", "two-factor-policy"), ("required", "editor")],
    )
    .await;
    assert_eq!(location(&policy), "/newsroom/users?done=two-factor-policy");
    let users = get(&admin, &server, "/newsroom/users").await.text().await.expect("users");
    assert!(users.contains("name=\"required\" value=\"editor\" checked"), "the policy shows");
    let gated = get(&desk, &server, "/newsroom/articles/new").await;
    assert_eq!(gated.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&gated), "/newsroom/two-factor?next=%2Fnewsroom%2Farticles%2Fnew");
    let setup = get(&desk, &server, "/newsroom/two-factor").await.text().await.expect("setup");
    assert!(visible_text(&setup).contains("Your role requires two-factor authentication"), "{setup}");
    let secret = setup
        .split("<code class=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a secret to scan")
        .to_owned();
    let on = submit(
        &desk,
        &server,
        "/newsroom/two-factor",
        "/newsroom/two-factor",
        &[
            ("action", "enable"),
            ("secret", &secret),
            ("code", &totp_code(&secret, -1)),
            ("next", "/newsroom"),
        ],
    )
    .await;
    assert_eq!(on.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&desk, &server, "/newsroom/articles/new").await.status(), 200, "in once it is on");
    let off = submit(
        &desk,
        &server,
        "/newsroom/two-factor",
        "/newsroom/two-factor",
        &[("action", "disable"), ("code", &totp_code(&secret, 0))],
    )
    .await;
    assert_eq!(off.status(), StatusCode::CONFLICT, "a required second factor cannot be turned off");

    // Logging in now asks for the code, at the newsroom's door too.
    let (again, password) = newsroom_login(&server, "desk@example.com", "a long passphrase").await;
    assert_eq!(location(&password), "/newsroom/login/code");
    let code = submit(
        &again,
        &server,
        "/newsroom/login/code",
        "/newsroom/login/code",
        &[("code", &totp_code(&secret, 1))],
    )
    .await;
    assert_eq!(location(&code), "/newsroom");

    // The authenticator is lost: the admin resets it; the desk is logged
    // out everywhere and sets up a new one at the next login.
    let users = get(&admin, &server, "/newsroom/users").await.text().await.expect("users");
    let desk_row = users.split("<tr>").find(|row| row.contains("desk@example.com")).expect("the desk's row");
    let desk_id = desk_row
        .split("name=\"user\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("user id")
        .to_owned();
    let reset = submit(
        &admin,
        &server,
        "/newsroom/users",
        "/newsroom/users",
        &[("action", "two-factor-reset"), ("user", &desk_id)],
    )
    .await;
    assert_eq!(location(&reset), "/newsroom/users?done=two-factor-reset");
    assert_eq!(get(&again, &server, "/newsroom").await.status(), StatusCode::SEE_OTHER, "logged out");
    let (_, fresh) = newsroom_login(&server, "desk@example.com", "a long passphrase").await;
    assert_eq!(location(&fresh), "/newsroom", "no code is asked for any more");
    let audit = get(&admin, &server, "/newsroom/audit").await.text().await.expect("audit");
    for entry in ["settings.two_factor_required", "user.two_factor.reset", "account.two_factor.on"] {
        assert!(audit.contains(entry), "{entry} is in the audit log");
    }

    // A lone administrator who lost theirs: the command line.
    let (ok, out, err) = cli(&server, &["user", "reset-two-factor", "--email", "desk@example.com"], "").await;
    assert!(ok, "{err}");
    assert!(out.contains("already off"), "{out}");
    let (ok, _, err) = cli(&server, &["user", "reset-two-factor", "--email", "nobody@example.com"], "").await;
    assert!(!ok && err.contains("no account"), "{err}");
}
