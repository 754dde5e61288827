//! Dateline's HTTP application.
//!
//! A guided tour:
//! - [`router`] lists every route in one place: public pages, the JSON API
//!   (which also yields the OpenAPI document), media, static assets and the
//!   operations endpoints; and the layers every response passes through.
//! - [`state::AppState`] is what handlers share: the store (as
//!   `Arc<dyn Store>`, so handlers compile once for every backend), the media
//!   blobs, the interface strings, the in-memory site map and the page cache.
//! - [`public`] renders reader-facing pages from compiled `askama` templates
//!   in `templates/`; [`view`] turns store rows into what templates show.
//! - [`page_cache`] keeps rendered pages in memory with their validators, so
//!   a hot page costs a hash lookup, not a database round trip; each page
//!   carries the [`page_keys`] of what it shows, and a change drops exactly
//!   the pages carrying its keys, on every node.
//! - [`error`] is the one error type of the page handlers; [`api`] has its
//!   JSON twin.
//! - [`i18n`] loads the Fluent files in `locales/`.
//! - [`accounts`] registers, logs in and authenticates readers and staff;
//!   [`newsroom`] is where staff write, review and publish; [`jobs`] runs
//!   scheduled work (publishing at a set time) from a table with leases.
//! - [`live`] is the live newsfeed: an event log every node follows, and
//!   the Server-Sent Events stream pages keep open.
//! - [`chats`] is the readers' chat rooms over WebSocket.

pub mod accounts;
pub mod api;
pub mod assets;
pub mod chats;
pub mod client_addr;
pub mod directory;
pub mod discussion;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod live;
pub mod markdown;
pub mod media;
pub mod newsletters;
pub mod newsroom;
pub mod ops;
pub mod page_cache;
pub mod page_keys;
pub mod proxy_purge;
pub mod public;
pub mod router;
pub mod search;
pub mod state;
pub mod syndication;
pub mod view;

pub use router::router;
pub use state::{AppState, WebConfig};
