//! The discussion under each article: readers' threaded comments,
//! reactions and reports, and the rules that keep it civil.
//!
//! - [`rules`]: whether an article takes comments (section policy, age),
//!   what waits for a moderator (premoderated sections, a new account's
//!   first comments, links from new accounts, banned words); pure;
//! - [`format`]: a comment's text to HTML — a small safe subset, the rest
//!   shown as typed;
//! - [`service`]: post, reply, edit (15 minutes), delete, react, report,
//!   each with its checks (confirmed address, bans, rate limits), the live
//!   event to open pages and the refreshed article page; shared by the
//!   forms and the JSON API;
//! - [`view`]: threads two levels deep, sorts and pages; the discussion
//!   page `/{edition}/comments/{article}`;
//! - [`pages`]: the forms' handlers.
//!
//! Moderators work the queue at `/newsroom/comments` (`newsroom/comments.rs`).

pub mod format;
pub mod pages;
pub mod rules;
pub mod service;
pub mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use rules::DiscussionSettings;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{edition}/comments/{article}", get(view::discussion_page).post(pages::post_comment))
        .route("/{edition}/comments/{article}/me", get(view::own_section))
        .route("/{edition}/comments/{article}/{comment}/edit", post(pages::edit_comment))
        .route("/{edition}/comments/{article}/{comment}/delete", post(pages::delete_comment))
        .route("/{edition}/comments/{article}/{comment}/react", post(pages::react))
        .route("/{edition}/comments/{article}/{comment}/report", get(pages::report_form).post(pages::report))
        .layer(tower_http::csrf::CsrfLayer::new())
}
