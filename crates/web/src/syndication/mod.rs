//! What other machines read: feeds for feed readers and aggregators
//! ([`feeds`]: RSS 2.0, Atom 1.0 and JSON Feed 1.1 per edition, section,
//! tag and author) and sitemaps for search engines and news aggregators
//! ([`sitemaps`]); and WebSub pings so hubs push new stories at once
//! ([`websub`]).

pub mod feeds;
pub mod sitemaps;
pub mod websub;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;

use crate::AppState;
use feeds::FeedFormat;

pub fn routes() -> Router<AppState> {
    let edition_feed = |format: FeedFormat| {
        get(move |State(state): State<AppState>, Path(code): Path<String>| async move {
            feeds::edition_feed(&state, &code, format).await
        })
    };
    Router::new()
        .route("/{edition}/feed.xml", edition_feed(FeedFormat::Rss))
        .route("/{edition}/feed.atom", edition_feed(FeedFormat::Atom))
        .route("/{edition}/feed.json", edition_feed(FeedFormat::Json))
        .route("/sitemap.xml", get(sitemaps::sitemap_index))
        .route("/sitemaps/{file}", get(sitemaps::sitemap))
        .route("/{edition}/feeds/{kind}/{file}", get(feeds::scoped_feed))
}
