//! The one error type of page handlers.
//!
//! A handler returns `Result<_, PageError>`. Turning an error into a response
//! does not render HTML yet: it leaves a [`ErrorPage`] marker on an empty
//! response, and [`crate::public::error_pages`] (which knows the request's
//! edition) renders the localized page. Causes of 5xx answers are logged,
//! never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dateline_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// 404: no edition, section, article, tag or author at this address.
    #[error("not found")]
    NotFound,
    /// 410: the article existed and was withdrawn.
    #[error("gone")]
    Gone,
    /// 403: a form's CSRF token is missing or stale (or the request came
    /// from another site). The page asks to reload and send again.
    #[error("form expired")]
    FormExpired,
    /// 403: the logged-in account may not do this.
    #[error("not allowed")]
    NotAllowed,
    /// 4xx with a message for the reader: a discussion action refused
    /// (closed thread, banned account, a report sent twice …).
    #[error("refused: {1}")]
    Refused(StatusCode, String),
    /// 400: the request itself is malformed; the message says how.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 503: the database did not answer; 404 when what a write named is
    /// gone, 409 when it clashed with another write, 500 for stored data
    /// that cannot be read. Logged with its cause.
    #[error("store unavailable: {0}")]
    Store(#[from] StoreError),
    /// 500: a template failed to render. Logged with its cause.
    #[error("render failed: {0}")]
    Render(#[from] askama::Error),
    /// 500: something that is not the database failed (hashing a
    /// password, the system's randomness). Logged with its cause.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What kind of error page to render; travels as a response extension.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub reason: ErrorReason,
    /// Shown to the reader under the page title (400 only).
    pub detail: Option<String>,
}

/// Why a 403 was answered, to word the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReason {
    FormExpired,
    NotAllowed,
    /// Refused with a message of its own (`PageError::Refused`).
    Refused,
    Other,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut reason = ErrorReason::Other;
        let (status, detail) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, None),
            Self::Gone => (StatusCode::GONE, None),
            Self::FormExpired => {
                reason = ErrorReason::FormExpired;
                (StatusCode::FORBIDDEN, None)
            }
            Self::NotAllowed => {
                reason = ErrorReason::NotAllowed;
                (StatusCode::FORBIDDEN, None)
            }
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, Some(message)),
            Self::Refused(status, message) => {
                reason = ErrorReason::Refused;
                (status, Some(message))
            }
            Self::Store(cause) => {
                tracing::error!(error = %cause, source = ?std::error::Error::source(&cause), "store error while rendering a page");
                match cause {
                    StoreError::NotFound(_) => (StatusCode::NOT_FOUND, None),
                    StoreError::Conflict(_) | StoreError::Stale(_) => (StatusCode::CONFLICT, None),
                    StoreError::Invalid(_) => (StatusCode::INTERNAL_SERVER_ERROR, None),
                    _ => (StatusCode::SERVICE_UNAVAILABLE, None),
                }
            }
            Self::Render(cause) => {
                tracing::error!(error = %cause, "template failed to render");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
            Self::Internal(cause) => {
                tracing::error!(error = %cause, "internal error while answering a page");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage { status, reason, detail });
        response
    }
}
