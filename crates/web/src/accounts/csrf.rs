//! The form token against cross-site request forgery.
//!
//! Every form carries a hidden `csrf` field whose value must equal the
//! `dateline_csrf` cookie (HttpOnly, SameSite=Strict), which a page from
//! another site can neither read nor send. Logging in or out replaces the
//! cookie, so a token copied from an earlier session is refused. The
//! `Origin`/`Sec-Fetch-Site` check of tower-http's `CsrfLayer` runs before.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::secrets::{constant_time_eq, new_secret};
use crate::error::PageError;

pub const CSRF_COOKIE: &str = "dateline_csrf";

fn csrf_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((CSRF_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
}

/// The token to put in a form, setting the cookie when it is missing.
pub fn form_token(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    match jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|v| v.len() == 68) {
        Some(token) => (jar, token),
        None => rotate(jar, secure),
    }
}

/// A fresh token (on login and logout).
pub fn rotate(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    let token = new_secret("dlc_");
    (jar.add(csrf_cookie(token.clone(), secure)), token)
}

/// Refuses a submitted form whose token does not match the cookie.
pub fn check(jar: &CookieJar, submitted: &str) -> Result<(), PageError> {
    match jar.get(CSRF_COOKIE) {
        Some(cookie) if !submitted.is_empty() && constant_time_eq(cookie.value(), submitted) => Ok(()),
        _ => Err(PageError::FormExpired),
    }
}
