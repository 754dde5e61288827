//! Optional two-factor authentication with time-based one-time codes
//! (TOTP, RFC 6238: SHA-1, 6 digits, 30 s), as authenticator apps expect.
//!
//! Turning it on shows a QR code and the secret, and asks for a first code
//! to prove the app has it. Afterwards a correct password leads to a code
//! page (a challenge cookie valid five minutes) instead of a session. Each
//! 30-second code is accepted once, and failed codes meet the same growing
//! delays as failed passwords.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dateline_store::{Edition, StoreError, User, UserId};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use totp_rs::{Builder, Secret, Totp};

use super::secrets::{new_secret, secret_hash};
use super::session::{CurrentUser, SESSION_LIFETIME, signed_in};
use super::{csrf, throttle};
use crate::AppState;
use crate::error::PageError;
use crate::public::edition_from;
use crate::view::Frame;

pub const CHALLENGE_COOKIE: &str = "dateline_2fa";
const CHALLENGE_LIFETIME: Duration = Duration::minutes(5);
const FREE_CODE_FAILURES: i64 = 5;

fn totp(secret: &str, account: &str, issuer: &str) -> Option<Totp> {
    let bytes = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_secret(bytes)
        .with_account_name(account.replace(':', " "))
        .with_issuer(Some(issuer.replace(':', " ")))
        .build()
        .ok()
}

/// The 30-second step a code belongs to, if it is valid now (±1 step).
pub fn check_code(secret: &str, code: &str) -> Option<i64> {
    let totp = totp(secret, "account", "dateline")?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    totp.check(&code, now).and_then(|step| i64::try_from(step).ok())
}

fn page(status: StatusCode, jar: CookieJar, body: String) -> Response {
    (
        status,
        jar,
        [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn frame<'a>(state: &'a AppState, edition: &Edition, title: &str, path: &str) -> Frame<'a> {
    let mut frame = Frame::new(state, &state.directory(), edition, None, title, path);
    frame.noindex = true;
    frame
}

// ----- the code page during login -----

#[derive(Template)]
#[template(path = "account/code.html")]
struct CodeTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    message: Option<String>,
}

/// Starts the second step of a login: sets the challenge cookie. The
/// caller sends the browser to its code page.
pub async fn start_challenge(
    state: &AppState,
    jar: CookieJar,
    user_id: UserId,
    next: &str,
) -> Result<CookieJar, StoreError> {
    let token = new_secret("dlf_");
    state
        .store
        .create_login_challenge(
            &secret_hash(&token),
            user_id,
            next,
            OffsetDateTime::now_utc() + CHALLENGE_LIFETIME,
        )
        .await?;
    let cookie = Cookie::build((CHALLENGE_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies())
        .max_age(CHALLENGE_LIFETIME)
        .build();
    Ok(jar.add(cookie))
}

/// What checking the code of a login's second step came to.
#[derive(Debug)]
pub(crate) enum CodeCheck {
    /// No challenge cookie, or it expired: start again from the password.
    NoChallenge,
    /// Too many wrong codes: try again after this many seconds.
    Wait(i64),
    Wrong,
    /// Logged in: the jar holds the session; go to the second field.
    LoggedIn(CookieJar, String),
}

/// Checks the code typed on a login's second step. Shared by
/// `/{edition}/login/code` and `/newsroom/login/code`.
pub(crate) async fn check_login_code(
    state: &AppState,
    jar: CookieJar,
    code: &str,
) -> Result<CodeCheck, StoreError> {
    let now = OffsetDateTime::now_utc();
    let token = jar.get(CHALLENGE_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    let hash = secret_hash(&token);
    let Some((user_id, next)) = state.store.login_challenge(&hash, now).await? else {
        return Ok(CodeCheck::NoChallenge);
    };
    let subject = format!("code:{user_id}");
    if let Some(wait) =
        throttle::wait_needed(state.store.as_ref(), &[(subject.clone(), FREE_CODE_FAILURES)], now).await?
    {
        return Ok(CodeCheck::Wait(wait));
    }
    let secret = match state.store.user_by_id(user_id).await? {
        Some(user) => state.store.user_credentials(&user.email).await?.and_then(|c| c.totp_secret),
        None => None,
    };
    let step = secret.as_deref().and_then(|secret| check_code(secret, code));
    let accepted = match step {
        Some(step) => state.store.accept_totp_step(user_id, step).await?,
        None => false,
    };
    if !accepted {
        state.store.record_login_failure(&subject, now).await?;
        return Ok(CodeCheck::Wrong);
    }
    state.store.clear_login_failures(&subject).await?;
    state.store.delete_login_challenge(&hash).await?;
    let session = new_secret("dls_");
    state.store.create_session(&secret_hash(&session), user_id, now + SESSION_LIFETIME).await?;
    tracing::info!(user = user_id.get(), "logged in with a second factor");
    let mut removal = Cookie::from(CHALLENGE_COOKIE);
    removal.set_path("/");
    let jar = signed_in(jar.remove(removal), session, state.secure_cookies());
    let (jar, _) = csrf::rotate(jar, state.secure_cookies());
    Ok(CodeCheck::LoggedIn(jar, next))
}

fn code_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/login/code", edition.code);
    let template =
        CodeTemplate { frame: frame(state, edition, &t.get("two-factor-code"), &path), csrf, message };
    Ok(page(status, jar, template.render()?))
}

/// `GET /{edition}/login/code`.
pub async fn code_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    if jar.get(CHALLENGE_COOKIE).is_none() {
        return Ok(
            (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/{}/login", edition.code))]).into_response()
        );
    }
    code_page(&state, jar, &edition, StatusCode::OK, None)
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// `POST /{edition}/login/code`.
pub async fn submit_code(
    State(state): State<AppState>,
    Path(code): Path<String>,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let t = state.locales.for_language(&edition.language);
    match check_login_code(&state, jar.clone(), &form.code).await? {
        CodeCheck::NoChallenge => {
            let login = format!("/{}/login", edition.code);
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, login)]).into_response())
        }
        CodeCheck::Wait(wait) => {
            let message = t.arg("too-many-attempts", "seconds", &wait.to_string());
            let response = code_page(&state, jar, &edition, StatusCode::TOO_MANY_REQUESTS, Some(message))?;
            Ok(crate::accounts::pages::with_retry_after(response, wait))
        }
        CodeCheck::Wrong => {
            code_page(&state, jar, &edition, StatusCode::UNAUTHORIZED, Some(t.get("code-wrong").into_owned()))
        }
        CodeCheck::LoggedIn(jar, next) => {
            Ok((StatusCode::SEE_OTHER, jar, [(header::LOCATION, next)]).into_response())
        }
    }
}

// ----- turning it on and off -----

#[derive(Template)]
#[template(path = "account/two_factor.html")]
struct TwoFactorTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    enabled: bool,
    secret: String,
    qr_svg: String,
    message: Option<String>,
}

/// What the set-up page shows: on or off, and the new secret while off.
struct Setup<'a> {
    enabled: bool,
    secret: String,
    account: &'a str,
}

/// The QR code of a new secret, as inline SVG (empty if it cannot be made).
pub(crate) fn qr_svg(state: &AppState, secret: &str, account: &str) -> String {
    totp(secret, account, &state.config.site_name)
        .and_then(|totp| totp.to_url().ok())
        .and_then(|url| QrCode::new(url.as_bytes()).ok())
        .map(|code| code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
        .unwrap_or_default()
}

fn setup_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    setup: Setup<'_>,
    message: Option<String>,
) -> Result<Response, PageError> {
    let Setup { enabled, secret, account } = setup;
    let t = state.locales.for_language(&edition.language);
    let qr_svg = if enabled { String::new() } else { qr_svg(state, &secret, account) };
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/account/two-factor", edition.code);
    let template = TwoFactorTemplate {
        frame: frame(state, edition, &t.get("two-factor"), &path),
        csrf,
        enabled,
        secret,
        qr_svg,
        message,
    };
    Ok(page(status, jar, template.render()?))
}

pub(crate) fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    if getrandom::fill(&mut bytes).is_err() {
        bytes.copy_from_slice(&blake3::hash(new_secret("").as_bytes()).as_bytes()[..20]);
    }
    Secret::from(bytes.to_vec()).to_base32()
}

/// Turns two-factor authentication on with `secret` once `code` proves the
/// app has it; false (and nothing kept) when the code is wrong.
pub(crate) async fn enable(
    state: &AppState,
    user: &User,
    secret: &str,
    code: &str,
) -> Result<bool, StoreError> {
    let Some(step) = check_code(secret, code) else { return Ok(false) };
    // The secret, the used code and the audit entry, together: a refused
    // code leaves the account as it was.
    let mut tx = state.store.begin_write().await?;
    tx.set_totp_secret(user.id, Some(secret)).await?;
    if !tx.accept_totp_step(user.id, step).await? {
        return Ok(false);
    }
    tx.record_audit(Some(user.id), None, "account.two_factor.on", &format!("user {}", user.id), "").await?;
    tx.commit().await?;
    Ok(true)
}

/// Turns it off when `code` is a current code; false otherwise.
pub(crate) async fn disable(state: &AppState, user: &User, code: &str) -> Result<bool, StoreError> {
    let stored = state.store.user_credentials(&user.email).await?.and_then(|c| c.totp_secret);
    let Some(step) = stored.as_deref().and_then(|secret| check_code(secret, code)) else { return Ok(false) };
    let mut tx = state.store.begin_write().await?;
    if !tx.accept_totp_step(user.id, step).await? {
        return Ok(false);
    }
    tx.set_totp_secret(user.id, None).await?;
    tx.record_audit(Some(user.id), None, "account.two_factor.off", &format!("user {}", user.id), "").await?;
    tx.commit().await?;
    Ok(true)
}

/// `GET /{edition}/account/two-factor`.
pub async fn setup(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let Some(user) = current.user else {
        return Ok(
            (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/{}/login", edition.code))]).into_response()
        );
    };
    let enabled = state.store.user_credentials(&user.email).await?.is_some_and(|c| c.totp_secret.is_some());
    let secret = if enabled { String::new() } else { new_totp_secret() };
    setup_page(&state, jar, &edition, StatusCode::OK, Setup { enabled, secret, account: &user.email }, None)
}

#[derive(Debug, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

/// `POST /{edition}/account/two-factor`: `enable` with the new secret and a
/// first code, or `disable` with a current code.
pub async fn change(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
    Form(form): Form<SetupForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let Some(user) = current.user else {
        return Ok(
            (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/{}/login", edition.code))]).into_response()
        );
    };
    let t = state.locales.for_language(&edition.language);
    let turning_on = match form.action.as_str() {
        "enable" if !user.two_factor => true,
        "disable" if user.two_factor => false,
        _ => return Err(PageError::BadRequest("nothing to change".into())),
    };
    if !turning_on && crate::newsroom::login::two_factor_required(&state, &user).await? {
        return Err(PageError::Refused(StatusCode::CONFLICT, t.get("two-factor-required").into_owned()));
    }
    let secret = form.secret.trim().to_owned();
    let accepted = if turning_on {
        enable(&state, &user, &secret, &form.code).await?
    } else {
        disable(&state, &user, &form.code).await?
    };
    if !accepted {
        let message = Some(t.get("code-wrong").into_owned());
        let shown = if turning_on { secret } else { String::new() };
        let setup = Setup { enabled: !turning_on, secret: shown, account: &user.email };
        return setup_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, setup, message);
    }
    let status = if turning_on { "two-factor-on" } else { "two-factor-off" };
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, format!("/{}/account?status={status}", edition.code))])
        .into_response())
}
