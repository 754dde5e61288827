//! Chats: reader chat rooms per edition and topic, live over WebSocket.
//!
//! - [`text`]: what a message may be, and its HTML (escaped text, links);
//! - [`hub`]: the event log followed on every node, each room's sockets,
//!   presence counts shared through the database, writers' allowances;
//! - [`service`]: write, reply, edit, delete, react, report, pin, mute,
//!   ban — every rule checked, the event sent, moderation audited;
//! - [`socket`]: `/{edition}/chats/{room}/socket`, the protocol;
//! - [`pages`]: the room list and a room's history without script.
//!
//! Rooms are created, closed and moderated in the newsroom
//! (`newsroom/chats.rs`).

pub mod hub;
pub mod pages;
pub mod service;
pub mod socket;
pub mod text;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use hub::{ChatHub, ChatLimits};

/// The pages (the socket is routed beside the live streams, outside
/// compression: see `router.rs`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{edition}/chats", get(pages::rooms_page))
        .route("/{edition}/chats/{room}", get(pages::room_page))
}
