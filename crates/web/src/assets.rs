//! Stylesheet, script and icon, compiled into the binary and served under
//! fingerprinted names (`/static/app.3f9a…css`), so browsers and CDNs may
//! keep them forever: a changed file gets a new name.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

#[derive(Debug)]
pub struct Asset {
    /// The fingerprinted file name, e.g. `app.3f9a0c1d2e.css`.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

#[derive(Debug)]
pub struct Assets {
    pub css: Asset,
    pub js: Asset,
    pub icon: Asset,
}

fn fingerprinted(stem: &str, ext: &str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    let hash = blake3::hash(bytes).to_hex();
    Asset { name: format!("{stem}.{}.{ext}", &hash[..10]), content_type, bytes }
}

impl Assets {
    pub fn build() -> Self {
        Self {
            css: fingerprinted("app", "css", "text/css; charset=utf-8", include_bytes!("../static/app.css")),
            js: fingerprinted(
                "app",
                "js",
                "text/javascript; charset=utf-8",
                include_bytes!("../static/app.js"),
            ),
            icon: fingerprinted("icon", "svg", "image/svg+xml", include_bytes!("../static/icon.svg")),
        }
    }

    pub fn href(asset: &Asset) -> String {
        format!("/static/{}", asset.name)
    }

    fn by_name(&self, name: &str) -> Option<&Asset> {
        [&self.css, &self.js, &self.icon].into_iter().find(|a| a.name == name)
    }
}

/// `GET /static/{name}`.
pub async fn serve_asset(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match state.assets.by_name(&name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => crate::error::PageError::NotFound.into_response(),
    }
}

/// `GET /favicon.ico`: browsers ask for it whatever the page says.
pub async fn favicon(State(state): State<AppState>) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [
            (header::LOCATION, Assets::href(&state.assets.icon)),
            (header::CACHE_CONTROL, "public, max-age=86400".into()),
        ],
    )
        .into_response()
}
