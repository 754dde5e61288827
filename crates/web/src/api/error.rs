//! Errors of the JSON API: a status and `{"error": code, "message": text}`.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use dateline_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `bad_request`: a parameter is malformed; the message says which.
    #[error("{0}")]
    BadRequest(String),
    /// 401 `unauthorized`: no valid bearer token (which part was wrong is
    /// not said).
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// 403 `forbidden`: the token's account may not do this.
    #[error("this account may not do that")]
    Forbidden,
    /// 409 `conflict`: the request clashes with the article's state.
    #[error("{0}")]
    Conflict(String),
    /// 422 `invalid`: some fields need fixing; `fields` says which and how.
    #[error("some fields are invalid")]
    Invalid(Vec<(String, String)>),
    /// 404 `not_found`.
    #[error("{0}")]
    NotFound(String),
    /// 412 `precondition_failed`: `If-Match` named a version of the article
    /// that is no longer current (someone saved meanwhile); the body and the
    /// `ETag` header give the current one.
    #[error("the article changed: it is now at version {0}; read it again and reapply your change")]
    Stale(i64),
    /// 413 `too_large`: the body is over the upload limit.
    #[error("{0}")]
    TooLarge(String),
    /// A discussion rule said no: 403 `forbidden`, 404 `not_found`, 409
    /// `conflict`, 422 `invalid` or 429 `too_many` (with `Retry-After`).
    #[error("{1}")]
    Refused(StatusCode, String, Option<u64>),
    /// 503 `unavailable`: the database did not answer (cause logged); 404,
    /// 409 or 500 `internal` when the store says what it wrote is gone,
    /// clashed with another write, or cannot be read.
    #[error("{}", store_message(.0))]
    Store(#[from] StoreError),
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `conflict`, `precondition_failed`, `invalid`, `too_large`, `too_many`, `unavailable`.
    pub error: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// For `invalid`: field name → what is wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
    /// For `precondition_failed`: the article's current version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Self::Invalid(fields) => {
                let body = ErrorBody {
                    error: "invalid",
                    message: "some fields are invalid".into(),
                    fields: Some(fields.iter().cloned().collect()),
                    current_version: None,
                };
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
            }
            Self::Stale(version) => {
                let body = ErrorBody {
                    error: "precondition_failed",
                    message: self.to_string(),
                    fields: None,
                    current_version: Some(*version),
                };
                return (
                    StatusCode::PRECONDITION_FAILED,
                    [(header::ETAG, version_etag(*version))],
                    Json(body),
                )
                    .into_response();
            }
            Self::Unauthorized => {
                let body = ErrorBody {
                    error: "unauthorized",
                    message: self.to_string(),
                    fields: None,
                    current_version: None,
                };
                return (
                    StatusCode::UNAUTHORIZED,
                    [(header::WWW_AUTHENTICATE, "Bearer realm=\"dateline\"")],
                    Json(body),
                )
                    .into_response();
            }
            Self::Refused(status, message, retry_after) => {
                let code = match *status {
                    StatusCode::FORBIDDEN => "forbidden",
                    StatusCode::NOT_FOUND => "not_found",
                    StatusCode::CONFLICT => "conflict",
                    StatusCode::UNPROCESSABLE_ENTITY => "invalid",
                    StatusCode::TOO_MANY_REQUESTS => "too_many",
                    StatusCode::UNAUTHORIZED => "unauthorized",
                    StatusCode::SERVICE_UNAVAILABLE => "unavailable",
                    _ => "refused",
                };
                let body =
                    ErrorBody { error: code, message: message.clone(), fields: None, current_version: None };
                let mut response = (*status, Json(body)).into_response();
                if let Some(value) =
                    retry_after.and_then(|s| header::HeaderValue::from_str(&s.to_string()).ok())
                {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                return response;
            }
            Self::Store(cause) => {
                tracing::error!(error = %cause, "store error in the API");
                match cause {
                    StoreError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
                    StoreError::Conflict(_) | StoreError::Stale(_) => (StatusCode::CONFLICT, "conflict"),
                    StoreError::Invalid(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
                    _ => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
                }
            }
        };
        (
            status,
            Json(ErrorBody { error: code, message: self.to_string(), fields: None, current_version: None }),
        )
            .into_response()
    }
}

/// What a client is told about a store failure (the cause is logged).
fn store_message(cause: &StoreError) -> &'static str {
    match cause {
        StoreError::NotFound(_) => "what this request names no longer exists",
        StoreError::Conflict(_) | StoreError::Stale(_) => {
            "another change got there first; read it again and retry"
        }
        StoreError::Invalid(_) => "stored data could not be read; the operators have been told",
        _ => "the database is unavailable",
    }
}

/// An article version as an entity tag: `"v7"`.
pub fn version_etag(version: i64) -> String {
    format!("\"v{version}\"")
}
