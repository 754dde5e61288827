//! `GET /api/v1/me`: the account behind the bearer token.

use axum::Json;

use super::auth::ApiUser;
use super::error::ErrorBody;
use crate::AppState;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MeDto {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    /// `reader`, `contributor`, `editor` or `admin`.
    pub role: String,
    pub email_verified: bool,
    /// Codes of the editions the account is limited to; empty means all.
    pub editions: Vec<String>,
}

/// The account the token belongs to: a cheap way to check a token.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token's account", body = MeDto),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    ))]
pub async fn me(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiUser(user): ApiUser,
) -> Json<MeDto> {
    let directory = state.directory();
    Json(MeDto {
        id: user.id.get(),
        email: user.email,
        display_name: user.display_name,
        role: user.role.as_str().to_owned(),
        email_verified: user.email_verified,
        editions: user
            .edition_ids
            .iter()
            .filter_map(|id| directory.edition_by_id(*id).map(|e| e.code.to_string()))
            .collect(),
    })
}
