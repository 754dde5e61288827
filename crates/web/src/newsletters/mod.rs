//! Newsletters: readers subscribe to an edition's daily digest and its
//! breaking-news alerts, for every story or only some sections and tags.
//!
//! - [`pages`]: the subscribe form (`/{edition}/subscribe`, with a short
//!   form in every page's footer), the confirmation link (double opt-in),
//!   the manage page and unsubscribing (a visible link in every mail, and
//!   RFC 8058 one-click through `List-Unsubscribe-Post`);
//! - [`sender`]: starting digests and alerts, and delivering them with the
//!   delivery ledger (`dateline_store::newsletter`) so that no mail goes
//!   out twice or not at all;
//! - the newsroom's page (`newsroom/newsletters.rs`): subscriber numbers,
//!   the history of sends with what was delivered, retried or failed, and
//!   "send a digest now".
//!
//! Mails go through the configured SMTP server, else to the outbox folder.
//! Links in mails carry secrets: `dle_…` confirms (kept only as a hash,
//! good for 7 days, once), `dlm_…` manages and unsubscribes (kept as is:
//! every mail must carry it).

pub mod pages;
pub mod sender;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{edition}/subscribe", get(pages::subscribe_form).post(pages::subscribe))
        .route("/newsletter/confirm/{token}", get(pages::confirm_page).post(pages::confirm))
        .route("/newsletter/manage/{token}", get(pages::manage_page).post(pages::manage))
        .route("/newsletter/unsubscribe/{token}", get(pages::unsubscribe_page).post(pages::unsubscribe))
        .layer(tower_http::csrf::CsrfLayer::new())
}
