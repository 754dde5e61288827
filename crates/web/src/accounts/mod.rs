//! Accounts on the public site: register, verify the address, log in and
//! out, reset a forgotten password; and what authenticates a request
//! (session cookies for browsers, bearer tokens for the API).
//!
//! - [`secrets`]: random tokens and their stored hashes;
//! - [`session`]: the session cookie and the [`session::CurrentUser`] extractor;
//! - [`csrf`]: the form token (double-submit cookie) checked on every POST,
//!   on top of the `Origin`/`Sec-Fetch-Site` check of tower-http's `CsrfLayer`;
//! - [`passwords`]: Argon2id hashing off the async threads;
//! - [`throttle`]: growing delays after failed logins, per account and per
//!   client address, kept in the database so every node sees them;
//! - [`two_factor`]: optional TOTP codes after the password;
//! - [`mail`]: outgoing mail (an `.eml` outbox by default);
//! - [`profile`]: the public profile, the data export, deleting an account;
//! - [`pages`]: the handlers and their forms.

pub mod csrf;
pub mod mail;
pub mod pages;
pub mod passwords;
pub mod profile;
pub mod secrets;
pub mod session;
pub mod throttle;
pub mod two_factor;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// The account routes, each under an edition (`/en/login` …).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{edition}/login", get(pages::login_form).post(pages::login))
        .route("/{edition}/login/code", get(two_factor::code_form).post(two_factor::submit_code))
        .route("/{edition}/account/two-factor", get(two_factor::setup).post(two_factor::change))
        .route("/{edition}/logout", post(pages::logout))
        .route("/{edition}/register", get(pages::register_form).post(pages::register))
        .route("/{edition}/account", get(pages::account))
        .route("/{edition}/account/verify", get(pages::verify_email))
        .route("/{edition}/account/profile", post(profile::save_profile))
        .route("/{edition}/account/delete", get(profile::delete_form).post(profile::delete_account))
        .route("/{edition}/account/export", get(profile::export))
        .route("/{edition}/readers/{id}", get(profile::reader_page))
        .route("/{edition}/account/verification", post(pages::resend_verification))
        .route("/{edition}/password/forgot", get(pages::forgot_form).post(pages::forgot))
        .route("/{edition}/password/reset", get(pages::reset_form).post(pages::reset))
        .layer(tower_http::csrf::CsrfLayer::new())
}
