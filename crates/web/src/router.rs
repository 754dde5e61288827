//! Every route of the application, and the layers around them.
//!
//! | path | what |
//! |---|---|
//! | `/` | redirect to the edition that fits `Accept-Language` |
//! | `/{edition}/` | front page |
//! | `/{edition}/{section}` | section page (`?before=` pages back) |
//! | `/{edition}/{yyyy}/{mm}/{dd}/{slug}` | article page |
//! | `/{edition}/latest`, `/{edition}/tag/{tag}`, `/{edition}/author/{author}` | story lists |
//! | `/{edition}/newsfeed` | the full newsfeed (`?section=` filters, `?before=` pages back) |
//! | `/{edition}/newsfeed/events` | the edition's live events as Server-Sent Events (`live/sse.rs`) |
//! | `/{edition}/media`, `/{edition}/media/{id}` | the public media bank: index with search, one photo |
//! | `/{edition}/login`, `logout`, `register`, `account`, `password/…` | accounts (`accounts/mod.rs`) |
//! | `/{edition}/comments/{article}` (and `/{comment}/edit`, `delete`, `react`, `report`) | the discussion (`discussion/mod.rs`) |
//! | `/{edition}/feed.xml`, `feed.atom`, `feed.json`, `/{edition}/feeds/{section,tag,author}/{slug}.{xml,atom,json}` | feeds (`syndication/feeds.rs`) |
//! | `/sitemap.xml`, `/sitemaps/news-{edition}.xml`, `/sitemaps/{edition}-{yyyy}-{mm}.xml` | sitemaps (`syndication/sitemaps.rs`) |
//! | `/{edition}/subscribe`, `/newsletter/{confirm,manage,unsubscribe}/{token}` | newsletters (`newsletters/mod.rs`) |
//! | `/{edition}/search` | search with facets (`search/mod.rs`); `/newsroom/search` covers drafts |
//! | `/{edition}/chats`, `/{edition}/chats/{room}` | chat rooms (`chats/mod.rs`); `…/{room}/socket` is the room's WebSocket |
//! | `/newsroom`, `/newsroom/articles/…`, `/newsroom/audit` | the newsroom (`newsroom/mod.rs`) |
//! | `/media/{*key}` | photo files |
//! | `/static/{name}` | fingerprinted CSS, JS, icon |
//! | `/api/v1/…` | JSON API; `/api/v1/openapi.json` describes it |
//! | `/healthz`, `/readyz`, `/metrics`, `/robots.txt` | operations |

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::api::ApiError;
use crate::{AppState, assets, ops, page_cache, public};

/// The Content-Security-Policy of every response: no inline script, no
/// third-party anything, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'none'";

pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(public::root_redirect))
        .route("/robots.txt", get(public::robots_txt))
        .route("/{edition}", get(public::edition_root))
        .route("/{edition}/", get(public::home_page))
        .route("/{edition}/{section}", get(public::section_page))
        .route("/{edition}/{year}/{month}/{day}/{slug}", get(public::article_page))
        .route("/{edition}/latest", get(public::latest_page))
        .route("/{edition}/newsfeed", get(public::newsfeed_page))
        .route("/{edition}/tag/{tag}", get(public::tag_page))
        .route("/{edition}/author/{author}", get(public::author_page))
        .route("/{edition}/media", get(public::media_index))
        .route("/{edition}/media/{id}", get(public::media_page))
        .route("/media/{*key}", get(public::media_file))
        .route("/static/{name}", get(assets::serve_asset))
        .merge(crate::accounts::routes())
        .merge(crate::discussion::routes())
        .merge(crate::syndication::routes())
        .merge(crate::newsletters::routes())
        .merge(crate::search::routes())
        .merge(crate::chats::routes())
        .merge(crate::newsroom::routes(state.config.upload))
        .fallback(public::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), page_cache::serve_cached))
        .layer(axum::middleware::from_fn_with_state(state.clone(), public::error_pages));

    let (api, openapi) = crate::api::router();
    let openapi_json = Arc::new(serde_json::to_vec_pretty(&openapi).unwrap_or_default());
    let api = api
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let body = Arc::clone(&openapi_json);
                async move {
                    (
                        [
                            (header::CONTENT_TYPE, "application/json"),
                            (header::CACHE_CONTROL, "public, max-age=300"),
                        ],
                        body.to_vec(),
                    )
                }
            }),
        )
        .route("/api/{*rest}", get(api_not_found).fallback(api_not_found))
        .layer(axum::middleware::map_response(no_cache_api));

    let operations = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/favicon.ico", get(assets::favicon));

    // Live streams are never compressed (the compression layer skips
    // text/event-stream anyway), and outside its layer their bodies are
    // not wrapped in its encoder state: 2–3 KB less per open stream.
    let live = Router::new()
        .route("/{edition}/newsfeed/events", get(crate::live::sse::events))
        .layer(axum::middleware::from_fn_with_state(state.clone(), public::error_pages));

    Router::new()
        .merge(operations)
        .merge(api)
        .merge(pages)
        .layer(CompressionLayer::new())
        .merge(live)
        // Chat sockets answer refusals in plain text a client can show.
        .route("/{edition}/chats/{room}/socket", get(crate::chats::socket::socket))
        .layer(axum::middleware::map_response_with_state(state.clone(), local_redirects_only))
        .with_state(state)
        .layer(axum::middleware::from_fn(ops::record_metrics))
        .layer(security_header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
        .layer(security_header(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let route =
                request.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("unmatched");
            tracing::info_span!("request", method = %request.method(), route, path = %request.uri().path())
        }))
        .layer(CatchPanicLayer::custom(|_panic| {
            tracing::error!("a handler panicked");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }))
}

/// The last word on every redirect: it goes to a path on this site (or
/// the site's own public URL), never to another host. Handlers already
/// build only such addresses; this catches what a future mistake would
/// let through (`//host`, `/\\host`, an absolute URL elsewhere) and sends
/// the browser to the site's root instead.
async fn local_redirects_only(State(state): State<AppState>, mut response: Response) -> Response {
    let Some(location) = response.headers().get(header::LOCATION) else { return response };
    let public_url = state.config.public_url.trim_end_matches('/');
    let allowed = location.to_str().is_ok_and(|to| {
        crate::accounts::pages::is_local_path(to)
            || to == public_url
            || to.strip_prefix(public_url).is_some_and(crate::accounts::pages::is_local_path)
    });
    if !allowed {
        tracing::error!(location = ?location, "refused a redirect that would leave the site");
        response.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/"));
    }
    response
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint; see /api/v1/openapi.json".into())
}

async fn no_cache_api(mut response: Response) -> Response {
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("public, max-age=30"));
    response
}
