//! The newsroom's own door: `/newsroom/login` (and its code step),
//! `/newsroom/logout` and `/newsroom/two-factor`.
//!
//! These pages need no edition: a fresh installation has none until its
//! first administrator logs in and adds one, and staff work across
//! editions anyway. They speak the staff member's language
//! (`Accept-Language`) and share the password, throttle and code checks of
//! the public account pages (`accounts::pages::check_password`,
//! `accounts::two_factor::check_login_code`).
//!
//! Administrators may require two-factor authentication per staff role
//! (`/newsroom/users`); a member of such a role without it is sent to
//! `/newsroom/two-factor` from every newsroom page until it is on.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use dateline_core::Role;
use dateline_store::{StoreError, User};
use serde::Deserialize;

use super::{Staff, locale, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::{PasswordCheck, check_password, safe_path, see_other, with_retry_after};
use crate::accounts::session::{CurrentUser, signed_out};
use crate::accounts::two_factor::{self, CHALLENGE_COOKIE, CodeCheck, check_login_code};
use crate::client_addr::ClientAddr;
use crate::error::PageError;
use crate::i18n::Locale;

/// Where the newsroom's login sends staff when nothing else is asked for.
const NEWSROOM_HOME: &str = "/newsroom";

/// The `site_settings` key listing the roles that must use two-factor
/// authentication (`contributor,editor,admin`).
pub const TWO_FACTOR_ROLES_SETTING: &str = "two_factor_required_roles";

/// The staff roles an administrator may require two-factor authentication for.
pub const STAFF_ROLES: [Role; 3] = [Role::Contributor, Role::Editor, Role::Admin];

/// The roles that must use two-factor authentication.
pub async fn two_factor_roles(state: &AppState) -> Result<Vec<Role>, StoreError> {
    let stored = state.store.site_setting(TWO_FACTOR_ROLES_SETTING).await?.unwrap_or_default();
    Ok(stored.split(',').filter_map(|r| Role::parse(r.trim()).ok()).filter(|r| r.is_staff()).collect())
}

/// True when this account's role requires a second factor.
pub async fn two_factor_required(state: &AppState, user: &User) -> Result<bool, StoreError> {
    Ok(user.role.is_staff() && two_factor_roles(state).await?.contains(&user.role))
}

/// What the pages around the newsroom's door show: no navigation, no
/// account (nobody, or not yet fully, logged in).
#[derive(Debug)]
pub struct DoorFrame<'a> {
    pub t: &'a Locale,
    pub lang: String,
    pub title: String,
    pub css_href: String,
    pub site_name: String,
}

impl<'a> DoorFrame<'a> {
    pub fn new(state: &AppState, t: &'a Locale, title: &str) -> Self {
        Self {
            lang: t.language().to_owned(),
            title: format!("{title} — {} · {}", state.config.site_name, t.get("newsroom")),
            css_href: crate::assets::Assets::href(&state.assets.css),
            site_name: state.config.site_name.clone(),
            t,
        }
    }
}

#[derive(Template)]
#[template(path = "newsroom/login.html")]
struct LoginTemplate<'a> {
    frame: DoorFrame<'a>,
    csrf: String,
    next: String,
    email: String,
    message: Option<String>,
    /// The public site's "forgot password" page, when an edition exists.
    forgot_href: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    status: Option<String>,
}

fn login_page(
    state: &AppState,
    t: &Locale,
    jar: CookieJar,
    status: StatusCode,
    next: String,
    email: String,
    message: Option<String>,
) -> Result<Response, PageError> {
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let forgot_href = state.directory().default_edition().map(|e| format!("/{}/password/forgot", e.code));
    let template = LoginTemplate {
        frame: DoorFrame::new(state, t, &t.get("log-in")),
        csrf,
        next,
        email,
        message,
        forgot_href,
    };
    Ok(no_store_page(status, jar, template.render()?))
}

/// `GET /newsroom/login`.
pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    current: CurrentUser,
    jar: CookieJar,
    Query(query): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let next = safe_path(query.next.as_deref().unwrap_or(""), NEWSROOM_HOME);
    if current.user.as_ref().is_some_and(|u| u.role.is_staff()) {
        return Ok(see_other(jar, &next));
    }
    let message = match query.status.as_deref() {
        Some("logged-out") => Some(t.get("logged-out").into_owned()),
        _ => None,
    };
    login_page(&state, t, jar, StatusCode::OK, next, String::new(), message)
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

/// `POST /newsroom/login`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let t = locale(&state, &headers);
    let next = safe_path(&form.next, NEWSROOM_HOME);
    let email = form.email.clone();
    let fail = |jar, status, key: &str| {
        login_page(&state, t, jar, status, next.clone(), email.clone(), Some(t.get(key).into_owned()))
    };
    match check_password(&state, jar.clone(), client, &form.email, form.password, true).await? {
        PasswordCheck::Wait(wait) => {
            let message = t.arg("too-many-attempts", "seconds", &wait.to_string());
            let response =
                login_page(&state, t, jar, StatusCode::TOO_MANY_REQUESTS, next, form.email, Some(message))?;
            Ok(with_retry_after(response, wait))
        }
        PasswordCheck::Wrong => fail(jar, StatusCode::UNAUTHORIZED, "login-failed"),
        PasswordCheck::NotStaff => fail(jar, StatusCode::FORBIDDEN, "newsroom-not-staff"),
        PasswordCheck::NeedsCode(user_id) => {
            let jar = two_factor::start_challenge(&state, jar, user_id, &next).await?;
            Ok(see_other(jar, "/newsroom/login/code"))
        }
        PasswordCheck::LoggedIn(jar) => Ok(see_other(jar, &next)),
    }
}

#[derive(Template)]
#[template(path = "newsroom/code.html")]
struct CodeTemplate<'a> {
    frame: DoorFrame<'a>,
    csrf: String,
    message: Option<String>,
}

fn code_page(
    state: &AppState,
    t: &Locale,
    jar: CookieJar,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, PageError> {
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let template = CodeTemplate { frame: DoorFrame::new(state, t, &t.get("two-factor-code")), csrf, message };
    Ok(no_store_page(status, jar, template.render()?))
}

/// `GET /newsroom/login/code`.
pub async fn code_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if jar.get(CHALLENGE_COOKIE).is_none() {
        return Ok(see_other(jar, "/newsroom/login"));
    }
    code_page(&state, locale(&state, &headers), jar, StatusCode::OK, None)
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// `POST /newsroom/login/code`.
pub async fn submit_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let t = locale(&state, &headers);
    match check_login_code(&state, jar.clone(), &form.code).await? {
        CodeCheck::NoChallenge => Ok(see_other(jar, "/newsroom/login")),
        CodeCheck::Wait(wait) => {
            let message = t.arg("too-many-attempts", "seconds", &wait.to_string());
            let response = code_page(&state, t, jar, StatusCode::TOO_MANY_REQUESTS, Some(message))?;
            Ok(with_retry_after(response, wait))
        }
        CodeCheck::Wrong => {
            code_page(&state, t, jar, StatusCode::UNAUTHORIZED, Some(t.get("code-wrong").into_owned()))
        }
        CodeCheck::LoggedIn(jar, next) => Ok(see_other(jar, &safe_path(&next, NEWSROOM_HOME))),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /newsroom/logout`.
pub async fn logout(
    State(state): State<AppState>,
    current: CurrentUser,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    if let Some(hash) = &current.session_hash {
        state.store.delete_session(hash).await?;
    }
    let (jar, _) = csrf::rotate(signed_out(jar, state.secure_cookies()), state.secure_cookies());
    Ok(see_other(jar, "/newsroom/login?status=logged-out"))
}

#[derive(Template)]
#[template(path = "newsroom/two_factor.html")]
struct TwoFactorTemplate<'a> {
    frame: DoorFrame<'a>,
    csrf: String,
    enabled: bool,
    /// The account's role requires it: it cannot be turned off.
    required: bool,
    secret: String,
    qr_svg: String,
    message: Option<String>,
    next: String,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

struct TwoFactorPage<'a> {
    user: &'a User,
    status: StatusCode,
    secret: String,
    message: Option<String>,
    next: String,
}

async fn two_factor_page(
    state: &AppState,
    t: &Locale,
    jar: CookieJar,
    page: TwoFactorPage<'_>,
) -> Result<Response, PageError> {
    let TwoFactorPage { user, status, secret, message, next } = page;
    let required = two_factor_required(state, user).await?;
    let enabled = user.two_factor;
    let qr_svg = if enabled { String::new() } else { two_factor::qr_svg(state, &secret, &user.email) };
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let template = TwoFactorTemplate {
        frame: DoorFrame::new(state, t, &t.get("two-factor")),
        csrf,
        enabled,
        required,
        secret,
        qr_svg,
        message,
        next,
    };
    Ok(no_store_page(status, jar, template.render()?))
}

/// `GET /newsroom/two-factor`: turn it on (or off, where not required).
pub async fn two_factor_form(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let secret = if user.two_factor { String::new() } else { two_factor::new_totp_secret() };
    let message = (!user.two_factor && two_factor_required(&state, &user).await?)
        .then(|| t.get("two-factor-required").into_owned());
    let next = safe_path(query.next.as_deref().unwrap_or(""), NEWSROOM_HOME);
    let page = TwoFactorPage { user: &user, status: StatusCode::OK, secret, message, next };
    two_factor_page(&state, t, jar, page).await
}

#[derive(Debug, Deserialize)]
pub struct TwoFactorForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// `POST /newsroom/two-factor`.
pub async fn change_two_factor(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<TwoFactorForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let t = locale(&state, &headers);
    let next = safe_path(&form.next, NEWSROOM_HOME);
    let outcome = match form.action.as_str() {
        "enable" if !user.two_factor => {
            two_factor::enable(&state, &user, form.secret.trim(), &form.code).await?
        }
        "disable" if user.two_factor => {
            if two_factor_required(&state, &user).await? {
                return Err(PageError::Refused(
                    StatusCode::CONFLICT,
                    t.get("two-factor-required").into_owned(),
                ));
            }
            two_factor::disable(&state, &user, &form.code).await?
        }
        _ => return Err(PageError::BadRequest("nothing to change".into())),
    };
    if !outcome {
        let shown = if user.two_factor { String::new() } else { form.secret.trim().to_owned() };
        let message = Some(t.get("code-wrong").into_owned());
        let page = TwoFactorPage {
            user: &user,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            secret: shown,
            message,
            next,
        };
        return two_factor_page(&state, t, jar, page).await;
    }
    Ok(see_other(jar, &next))
}
