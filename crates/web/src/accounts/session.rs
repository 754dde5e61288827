//! Browser sessions: a random token in an HttpOnly, SameSite=Lax cookie
//! (Secure when the site is served over https); the database keeps its hash.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dateline_store::User;
use time::{Duration, OffsetDateTime};

use super::secrets::secret_hash;
use crate::AppState;
use crate::error::PageError;

pub const SESSION_COOKIE: &str = "dateline_session";
/// How long a session lasts without logging in again.
pub const SESSION_LIFETIME: Duration = Duration::days(30);

/// The logged-in user of this request, if any. A missing, unknown, expired
/// or tampered cookie all mean "not logged in", indistinguishably.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: Option<User>,
    /// The hash of the session token, to end the session on logout.
    pub session_hash: Option<String>,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Ok(Self { user: None, session_hash: None });
        };
        if !token.starts_with("dls_") || token.len() != 68 {
            return Ok(Self { user: None, session_hash: None });
        }
        let hash = secret_hash(&token);
        let user = state.store.session_user(&hash, OffsetDateTime::now_utc()).await?;
        Ok(Self { session_hash: user.as_ref().map(|_| hash), user })
    }
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(SESSION_LIFETIME)
        .build()
}

pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

/// A cookie the page's script can read, saying only "a reader is logged
/// in here": pages are the same for everyone, and the script asks for the
/// reader's own parts (their forms, reactions, pending comments) only when
/// it is set. It grants nothing; the session cookie does.
pub const READER_HINT_COOKIE: &str = "dateline_reader";

fn hint_cookie(secure: bool) -> Cookie<'static> {
    Cookie::build((READER_HINT_COOKIE, "1"))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(SESSION_LIFETIME)
        .build()
}

/// The session cookie and the reader hint, after logging in.
pub fn signed_in(jar: CookieJar, token: String, secure: bool) -> CookieJar {
    jar.add(session_cookie(token, secure)).add(hint_cookie(secure))
}

/// Both cookies removed, after logging out or deleting the account.
pub fn signed_out(jar: CookieJar, secure: bool) -> CookieJar {
    jar.add(removal_cookie(secure)).remove(hint_removal())
}

/// The hint alone, set again for a reader logged in before it existed.
pub fn with_hint(jar: CookieJar, secure: bool) -> CookieJar {
    if jar.get(READER_HINT_COOKIE).is_some() { jar } else { jar.add(hint_cookie(secure)) }
}

/// The hint removed, when its session is gone (expired, ended elsewhere).
pub fn without_hint(jar: CookieJar) -> CookieJar {
    if jar.get(READER_HINT_COOKIE).is_some() { jar.remove(hint_removal()) } else { jar }
}

fn hint_removal() -> Cookie<'static> {
    Cookie::build(READER_HINT_COOKIE).path("/").build()
}
