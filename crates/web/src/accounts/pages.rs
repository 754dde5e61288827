//! The account pages and their forms. Every form re-renders with the
//! reader's input and a message next to the field on a mistake; every POST
//! checks the CSRF token; nothing here is cached.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use dateline_core::{DisplayName, Email, NewPassword, NewPasswordError, Role};
use dateline_store::{Edition, EmailTokenPurpose, NewUser, StoreError, User, UserId};
use fluent_bundle::FluentArgs;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use super::mail::{OutgoingMail, queue_mail};
use super::secrets::{new_secret, secret_hash};
use super::session::{CurrentUser, SESSION_LIFETIME, signed_in, signed_out};
use super::{csrf, passwords, throttle};
use crate::AppState;
use crate::client_addr::ClientAddr;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::public::{MessageTemplate, edition_from};
use crate::view::Frame;

const VERIFY_LINK_LIFETIME: Duration = Duration::hours(48);
const RESET_LINK_LIFETIME: Duration = Duration::hours(1);

/// True for a path on this site that no browser can read as another host:
/// one leading `/`, no `\\` (which browsers treat as `/`), no control
/// characters (which they strip, so `/\t/evil` would become `//evil`).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() < 2000
        && !path.chars().any(char::is_control)
}

/// `next` when it is a path on this site, `fallback` otherwise.
pub(crate) fn safe_path(next: &str, fallback: &str) -> String {
    if is_local_path(next) { next.to_owned() } else { fallback.to_owned() }
}

/// Where to go after logging in: a path on this site, never another host.
pub(crate) fn safe_next(next: &str, edition: &Edition) -> String {
    safe_path(next, &format!("/{}/", edition.code))
}

/// An HTML answer that no cache keeps, with the cookies in `jar`.
fn page(status: StatusCode, jar: CookieJar, template: &impl Template) -> Result<Response, PageError> {
    let body = template.render()?;
    Ok((
        status,
        jar,
        [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}

/// 303 See Other, the answer to a successful POST.
pub(crate) fn see_other(jar: CookieJar, to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        jar,
        [(header::LOCATION, to.to_owned()), (header::CACHE_CONTROL, "no-store".into())],
    )
        .into_response()
}

fn frame<'a>(state: &'a AppState, edition: &Edition, title: &str, path: &str) -> Frame<'a> {
    let directory = state.directory();
    let mut frame = Frame::new(state, &directory, edition, None, title, path);
    frame.noindex = true;
    frame
}

pub(crate) fn message_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    heading_key: &str,
    text: String,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let heading = t.get(heading_key).into_owned();
    let path = format!("/{}/account", edition.code);
    let template =
        MessageTemplate { frame: frame(state, edition, &heading, &path), heading, text, detail: None };
    page(status, jar, &template)
}

fn args<'a>(pairs: &[(&'a str, &str)]) -> FluentArgs<'a> {
    let mut args = FluentArgs::new();
    for (name, value) in pairs {
        args.set(*name, value.to_string());
    }
    args
}

fn role_label(t: &Locale, role: Role) -> String {
    t.get(&format!("role-{}", role.as_str())).into_owned()
}

/// Mails a one-time link; `next` (a safe path of the site) is where the
/// verification link lands afterwards (the article the reader came from).
async fn send_link(
    state: &AppState,
    edition: &Edition,
    user: &User,
    purpose: EmailTokenPurpose,
    next: Option<&str>,
) -> Result<(), StoreError> {
    let token = new_secret("dle_");
    let (lifetime, path, subject, body) = match purpose {
        EmailTokenPurpose::VerifyEmail => {
            (VERIFY_LINK_LIFETIME, "account/verify", "mail-verify-subject", "mail-verify-body")
        }
        EmailTokenPurpose::ResetPassword => {
            (RESET_LINK_LIFETIME, "password/reset", "mail-reset-subject", "mail-reset-body")
        }
    };
    state
        .store
        .create_email_token(&secret_hash(&token), user.id, purpose, OffsetDateTime::now_utc() + lifetime)
        .await?;
    let t = state.locales.for_language(&edition.language);
    let mut link = format!("{}/{}/{path}?token={token}", state.config.public_url, edition.code);
    if let Some(next) = next {
        link.push_str("&next=");
        link.push_str(&crate::view::url_encode(next));
    }
    let mail = OutgoingMail {
        to: user.email.clone(),
        subject: t.get(subject).into_owned(),
        text: t.format(body, Some(&args(&[("name", &user.display_name), ("link", &link)]))).into_owned(),
        ..OutgoingMail::default()
    };
    queue_mail(state, &mail).await
}

// ----- log in, log out -----

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    status: Option<String>,
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    next: String,
    next_encoded: String,
    email: String,
    message: Option<String>,
}

fn login_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    next: String,
    email: String,
    message: Option<String>,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/login", edition.code);
    let template = LoginTemplate {
        frame: frame(state, edition, &t.get("log-in"), &path),
        csrf,
        next_encoded: crate::view::url_encode_path(&next),
        next,
        email,
        message,
    };
    page(status, jar, &template)
}

/// `GET /{edition}/login`.
pub async fn login_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let next = safe_next(query.next.as_deref().unwrap_or(""), &edition);
    if current.user.is_some() {
        return Ok(see_other(jar, &next));
    }
    let t = state.locales.for_language(&edition.language);
    let message = match query.status.as_deref() {
        Some("logged-out") => Some(t.get("logged-out").into_owned()),
        Some("password-changed") => Some(t.get("reset-done").into_owned()),
        _ => None,
    };
    login_page(&state, jar, &edition, StatusCode::OK, next, String::new(), message)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// What checking a password came to.
#[derive(Debug)]
pub(crate) enum PasswordCheck {
    /// Too many recent failures for the account or the address: try again
    /// after this many seconds.
    Wait(i64),
    /// Unknown address or wrong password (indistinguishably).
    Wrong,
    /// Right, but the newsroom's door was asked and the account is a reader's.
    NotStaff,
    /// Right, and the account asks for a code next.
    NeedsCode(UserId),
    /// Right: the jar holds the new session's cookie (and a fresh form token).
    LoggedIn(CookieJar),
}

/// Checks an e-mail address and password under the login throttle; on
/// success starts a session. Shared by `/{edition}/login` and
/// `/newsroom/login`.
pub(crate) async fn check_password(
    state: &AppState,
    jar: CookieJar,
    client: std::net::IpAddr,
    email: &str,
    password: String,
    staff_only: bool,
) -> Result<PasswordCheck, StoreError> {
    let email = email.trim().to_lowercase();
    let now = OffsetDateTime::now_utc();
    let subjects = [
        (throttle::account_subject(&email), throttle::FREE_ACCOUNT_FAILURES),
        (throttle::address_subject(client), throttle::FREE_ADDRESS_FAILURES),
    ];
    if let Some(wait) = throttle::wait_needed(state.store.as_ref(), &subjects, now).await? {
        return Ok(PasswordCheck::Wait(wait));
    }
    let credentials = match Email::parse(&email) {
        Ok(parsed) => state.store.user_credentials(parsed.as_str()).await?,
        Err(_) => None,
    };
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let matches = passwords::verify(password, stored).await;
    let Some(credentials) = credentials.filter(|_| matches) else {
        for (subject, _) in &subjects {
            state.store.record_login_failure(subject, now).await?;
        }
        tracing::info!(address = %client, "failed login");
        return Ok(PasswordCheck::Wrong);
    };
    state.store.clear_login_failures(&subjects[0].0).await?;
    if staff_only && !credentials.user.role.is_staff() {
        return Ok(PasswordCheck::NotStaff);
    }
    if credentials.totp_secret.is_some() {
        return Ok(PasswordCheck::NeedsCode(credentials.user.id));
    }
    let token = new_secret("dls_");
    state.store.create_session(&secret_hash(&token), credentials.user.id, now + SESSION_LIFETIME).await?;
    tracing::info!(user = credentials.user.id.get(), "logged in");
    let (jar, _) = csrf::rotate(signed_in(jar, token, state.secure_cookies()), state.secure_cookies());
    Ok(PasswordCheck::LoggedIn(jar))
}

/// A 429 answer's `Retry-After`.
pub(crate) fn with_retry_after(mut response: Response, seconds: i64) -> Response {
    if let Ok(value) = seconds.to_string().parse() {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// `POST /{edition}/login`.
pub async fn login(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientAddr(client): ClientAddr,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let t = state.locales.for_language(&edition.language);
    let next = safe_next(&form.next, &edition);
    match check_password(&state, jar.clone(), client, &form.email, form.password, false).await? {
        PasswordCheck::Wait(wait) => {
            let message =
                t.format("too-many-attempts", Some(&args(&[("seconds", &wait.to_string())]))).into_owned();
            let response = login_page(
                &state,
                jar,
                &edition,
                StatusCode::TOO_MANY_REQUESTS,
                next,
                form.email,
                Some(message),
            )?;
            Ok(with_retry_after(response, wait))
        }
        PasswordCheck::Wrong | PasswordCheck::NotStaff => {
            let message = Some(t.get("login-failed").into_owned());
            login_page(&state, jar, &edition, StatusCode::UNAUTHORIZED, next, form.email, message)
        }
        PasswordCheck::NeedsCode(user_id) => {
            let jar = super::two_factor::start_challenge(&state, jar, user_id, &next).await?;
            Ok(see_other(jar, &format!("/{}/login/code", edition.code)))
        }
        PasswordCheck::LoggedIn(jar) => Ok(see_other(jar, &next)),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /{edition}/logout`.
pub async fn logout(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    if let Some(hash) = &current.session_hash {
        state.store.delete_session(hash).await?;
    }
    let (jar, _) = csrf::rotate(signed_out(jar, state.secure_cookies()), state.secure_cookies());
    Ok(see_other(jar, &format!("/{}/login?status=logged-out", edition.code)))
}

// ----- register -----

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    next: String,
    name: String,
    email: String,
    has_errors: bool,
    name_error: Option<String>,
    email_error: Option<String>,
    password_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn register_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    form: RegisterForm,
    errors: [Option<String>; 3],
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/register", edition.code);
    let [name_error, email_error, password_error] = errors;
    let template = RegisterTemplate {
        frame: frame(state, edition, &t.get("register-title"), &path),
        csrf,
        next: safe_next(&form.next, edition),
        name: form.name,
        email: form.email,
        has_errors: name_error.is_some() || email_error.is_some() || password_error.is_some(),
        name_error,
        email_error,
        password_error,
    };
    page(status, jar, &template)
}

/// `GET /{edition}/register`.
pub async fn register_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let form = RegisterForm { next: query.next.unwrap_or_default(), ..RegisterForm::default() };
    register_page(&state, jar, &edition, StatusCode::OK, form, [None, None, None])
}

fn password_error(t: &Locale, error: &NewPasswordError) -> String {
    match error {
        NewPasswordError::TooShort => t.get("error-password-short").into_owned(),
        NewPasswordError::TooLong => t.get("error-password-long").into_owned(),
    }
}

/// `POST /{edition}/register`.
pub async fn register(
    State(state): State<AppState>,
    Path(code): Path<String>,
    jar: CookieJar,
    Form(form): Form<RegisterForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let t = state.locales.for_language(&edition.language);
    let name = DisplayName::parse(&form.name);
    let email = Email::parse(&form.email);
    let password = NewPassword::parse(&form.password);
    let (name, email, password) = match (name, email, password) {
        (Ok(name), Ok(email), Ok(password)) => (name, email, password),
        (name, email, password) => {
            let errors = [
                name.err().map(|_| t.get("error-name").into_owned()),
                email.err().map(|_| t.get("error-email").into_owned()),
                password.err().map(|e| password_error(t, &e)),
            ];
            return register_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, form, errors);
        }
    };
    let password_hash = passwords::hash(password.expose().to_owned()).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        PageError::Internal(format!("password hashing failed: {e}"))
    })?;
    let new = NewUser {
        email,
        display_name: name.into_inner(),
        password_hash,
        role: Role::Reader,
        email_verified: false,
        edition_ids: Vec::new(),
    };
    let user = match state.store.create_user(&new).await {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => {
            let errors = [None, Some(t.get("email-taken").into_owned()), None];
            return register_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, form, errors);
        }
        Err(other) => return Err(other.into()),
    };
    tracing::info!(user = user.id.get(), "account registered");
    // A reader who came from a story goes back to it (where the discussion
    // asks them to confirm their address), and the e-mailed link brings
    // them back there again.
    let next = safe_next(&form.next, &edition);
    let own_pages = [format!("/{}/", edition.code), format!("/{}/account", edition.code)];
    let back = (!own_pages.contains(&next)).then_some(next);
    send_link(&state, &edition, &user, EmailTokenPurpose::VerifyEmail, back.as_deref()).await?;
    let token = new_secret("dls_");
    let now = OffsetDateTime::now_utc();
    state.store.create_session(&secret_hash(&token), user.id, now + SESSION_LIFETIME).await?;
    let (jar, _) = csrf::rotate(signed_in(jar, token, state.secure_cookies()), state.secure_cookies());
    let to = back.unwrap_or_else(|| format!("/{}/account?status=welcome", edition.code));
    Ok(see_other(jar, &to))
}

// ----- the account page, address verification -----

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    name: String,
    email: String,
    role: String,
    verified: bool,
    message: Option<String>,
    /// The profile form: as stored, or as typed when refused.
    profile_name: String,
    profile_bio: String,
    profile_error: Option<String>,
    profile_href: String,
    staff: bool,
}

/// The profile form as typed, with what was wrong with it.
#[derive(Debug, Default)]
pub(crate) struct ProfileDraft {
    pub name: String,
    pub bio: String,
    pub error: Option<String>,
}

/// The account page of `user`, with a message or a refused profile form.
pub(crate) fn account_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    user: User,
    status: StatusCode,
    message: Option<String>,
    draft: Option<ProfileDraft>,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/account", edition.code);
    let draft = draft.unwrap_or_else(|| ProfileDraft {
        name: user.display_name.clone(),
        bio: user.bio.clone(),
        error: None,
    });
    let template = AccountTemplate {
        frame: frame(state, edition, &t.get("account-title"), &path),
        csrf,
        role: role_label(t, user.role),
        profile_href: format!("/{}/readers/{}", edition.code, user.id),
        staff: user.role.is_staff(),
        name: user.display_name,
        email: user.email,
        verified: user.email_verified,
        message,
        profile_name: draft.name,
        profile_bio: draft.bio,
        profile_error: draft.error,
    };
    page(status, jar, &template)
}

/// `GET /{edition}/account`: who is logged in; log in first otherwise.
pub async fn account(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let Some(user) = current.user else {
        let back = crate::view::url_encode_path(&format!("/{}/account", edition.code));
        return Ok(see_other(jar, &format!("/{}/login?next={back}", edition.code)));
    };
    let t = state.locales.for_language(&edition.language);
    let message = match query.status.as_deref() {
        Some("welcome") => Some(
            t.format("welcome", Some(&args(&[("name", &user.display_name), ("email", &user.email)])))
                .into_owned(),
        ),
        Some("verified") => Some(t.get("verify-done").into_owned()),
        Some("verification-sent") => Some(t.arg("verification-sent", "email", &user.email)),
        Some("two-factor-on") => Some(t.get("two-factor-on").into_owned()),
        Some("two-factor-off") => Some(t.get("two-factor-off").into_owned()),
        Some("profile-saved") => Some(t.get("profile-saved").into_owned()),
        _ => None,
    };
    account_page(&state, jar, &edition, user, StatusCode::OK, message, None)
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
    next: Option<String>,
}

/// `GET /{edition}/account/verify?token=…`: the link from the e-mail.
pub async fn verify_email(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<TokenQuery>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let t = state.locales.for_language(&edition.language);
    let token = query.token.unwrap_or_default();
    let user_id = state
        .store
        .consume_email_token(&secret_hash(&token), EmailTokenPurpose::VerifyEmail, OffsetDateTime::now_utc())
        .await?;
    let Some(user_id) = user_id else {
        let text = t.get("link-invalid").into_owned();
        return message_page(&state, jar, &edition, StatusCode::BAD_REQUEST, "account-title", text);
    };
    state.store.set_email_verified(user_id).await?;
    if current.user.is_some_and(|u| u.id == user_id) {
        let to = match query.next.as_deref().filter(|n| !n.is_empty()) {
            Some(next) => safe_next(next, &edition),
            None => format!("/{}/account?status=verified", edition.code),
        };
        return Ok(see_other(jar, &to));
    }
    message_page(&state, jar, &edition, StatusCode::OK, "account-title", t.get("verify-done").into_owned())
}

/// `POST /{edition}/account/verification`: send the link again.
pub async fn resend_verification(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let Some(user) = current.user else {
        return Ok(see_other(jar, &format!("/{}/login", edition.code)));
    };
    if !user.email_verified {
        send_link(&state, &edition, &user, EmailTokenPurpose::VerifyEmail, None).await?;
    }
    Ok(see_other(jar, &format!("/{}/account?status=verification-sent", edition.code)))
}

// ----- forgotten password -----

#[derive(Template)]
#[template(path = "account/forgot.html")]
struct ForgotTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    email: String,
    message: Option<String>,
}

fn forgot_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    email: String,
    message: Option<String>,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/password/forgot", edition.code);
    let template =
        ForgotTemplate { frame: frame(state, edition, &t.get("forgot-title"), &path), csrf, email, message };
    page(status, jar, &template)
}

/// `GET /{edition}/password/forgot`.
pub async fn forgot_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    forgot_page(&state, jar, &edition, StatusCode::OK, String::new(), None)
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// `POST /{edition}/password/forgot`: the same answer whether or not an
/// account exists, so the form reveals nothing.
pub async fn forgot(
    State(state): State<AppState>,
    Path(code): Path<String>,
    jar: CookieJar,
    Form(form): Form<ForgotForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let t = state.locales.for_language(&edition.language);
    let Ok(email) = Email::parse(&form.email) else {
        let message = Some(t.get("error-email").into_owned());
        return forgot_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, form.email, message);
    };
    if let Some(credentials) = state.store.user_credentials(email.as_str()).await? {
        send_link(&state, &edition, &credentials.user, EmailTokenPurpose::ResetPassword, None).await?;
    }
    message_page(&state, jar, &edition, StatusCode::OK, "forgot-title", t.get("forgot-sent").into_owned())
}

#[derive(Template)]
#[template(path = "account/reset.html")]
struct ResetTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    token: String,
    password_error: Option<String>,
}

fn reset_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    token: String,
    password_error: Option<String>,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/password/reset", edition.code);
    let template = ResetTemplate {
        frame: frame(state, edition, &t.get("reset-title"), &path),
        csrf,
        token,
        password_error,
    };
    page(status, jar, &template)
}

/// `GET /{edition}/password/reset?token=…`: the link from the e-mail.
pub async fn reset_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<TokenQuery>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    reset_page(&state, jar, &edition, StatusCode::OK, query.token.unwrap_or_default(), None)
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// `POST /{edition}/password/reset`: sets the password, ends every session.
pub async fn reset(
    State(state): State<AppState>,
    Path(code): Path<String>,
    jar: CookieJar,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let t = state.locales.for_language(&edition.language);
    let password = match NewPassword::parse(&form.password) {
        Ok(password) => password,
        Err(error) => {
            let message = Some(password_error(t, &error));
            return reset_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, form.token, message);
        }
    };
    let now = OffsetDateTime::now_utc();
    let user_id = state
        .store
        .consume_email_token(&secret_hash(&form.token), EmailTokenPurpose::ResetPassword, now)
        .await?;
    let Some(user_id) = user_id else {
        let text = t.get("link-invalid").into_owned();
        return message_page(&state, jar, &edition, StatusCode::BAD_REQUEST, "reset-title", text);
    };
    let hash = passwords::hash(password.expose().to_owned())
        .await
        .map_err(|e| PageError::Internal(format!("password hashing failed: {e}")))?;
    state.store.set_password_hash(user_id, &hash).await?;
    state.store.delete_user_sessions(user_id).await?;
    if let Some(user) = state.store.user_by_id(user_id).await? {
        state.store.clear_login_failures(&throttle::account_subject(&user.email)).await?;
        // Following the e-mailed link proves the address too.
        state.store.set_email_verified(user.id).await?;
    }
    tracing::info!(user = user_id.get(), "password reset");
    let jar = signed_out(jar, state.secure_cookies());
    Ok(see_other(jar, &format!("/{}/login?status=password-changed", edition.code)))
}
