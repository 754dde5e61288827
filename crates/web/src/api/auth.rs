//! Bearer tokens for the JSON API: `Authorization: Bearer dlt_…`, created
//! with `dateline token create`. A missing, malformed, unknown, revoked or
//! expired token all get the same 401, so a caller learns nothing about
//! which it was.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use dateline_store::User;
use time::OffsetDateTime;

use super::ApiError;
use crate::AppState;
use crate::accounts::secrets::secret_hash;

/// The account a valid bearer token belongs to.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with("dlt_") && t.len() == 68)
            .ok_or(ApiError::Unauthorized)?;
        let user = state.store.api_token_user(&secret_hash(token), OffsetDateTime::now_utc()).await?;
        user.map(Self).ok_or(ApiError::Unauthorized)
    }
}
