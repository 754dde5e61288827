//! `GET/POST /newsroom/users`: administrators give accounts their role and
//! limit editors and admins to editions, require two-factor authentication
//! for staff roles, and reset an account's second factor when its
//! authenticator is lost (the account sets it up again at its next visit
//! when its role requires one). An administrator cannot change their own
//! role, so the newsroom never locks out its last admin by accident. Every
//! change goes to the audit log.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::{CookieJar, Form};
use dateline_core::Role;

use super::list::Choice;
use super::{NewsroomFrame, Staff, locale, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::error::PageError;
use dateline_store::{EditionId, UserId};

#[derive(Debug)]
pub struct UserRow {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub roles: Vec<Choice>,
    pub editions: Vec<Choice>,
    pub is_self: bool,
    pub role_label: String,
    /// Two-factor authentication is on for the account.
    pub two_factor: bool,
}

#[derive(Template)]
#[template(path = "newsroom/users.html")]
struct UsersTemplate<'a> {
    frame: NewsroomFrame<'a>,
    rows: Vec<UserRow>,
    message: Option<String>,
    /// The staff roles, ticked where two-factor authentication is required.
    two_factor_roles: Vec<Choice>,
}

const ROLES: [Role; 4] = [Role::Reader, Role::Contributor, Role::Editor, Role::Admin];

#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    Staff(admin): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    axum::extract::Query(query): axum::extract::Query<DoneQuery>,
) -> Result<Response, PageError> {
    if admin.role != Role::Admin {
        return Err(PageError::NotAllowed);
    }
    let t = locale(&state, &headers);
    let directory = state.directory();
    let rows = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|user| UserRow {
            id: user.id,
            is_self: user.id == admin.id,
            role_label: t.get(&format!("role-{}", user.role.as_str())).into_owned(),
            roles: ROLES
                .iter()
                .map(|r| Choice {
                    value: r.as_str().to_owned(),
                    label: t.get(&format!("role-{}", r.as_str())).into_owned(),
                    selected: *r == user.role,
                })
                .collect(),
            editions: directory
                .editions()
                .iter()
                .map(|e| Choice {
                    value: e.id.to_string(),
                    label: e.name.clone(),
                    selected: user.edition_ids.contains(&e.id),
                })
                .collect(),
            two_factor: user.two_factor,
            name: user.display_name,
            email: user.email,
        })
        .collect();
    let required = super::login::two_factor_roles(&state).await?;
    let two_factor_roles = super::login::STAFF_ROLES
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: t.get(&format!("role-{}", r.as_str())).into_owned(),
            selected: required.contains(r),
        })
        .collect();
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let message = match query.done.as_deref() {
        Some("role") => Some(t.get("done-role").into_owned()),
        Some("two-factor-policy") => Some(t.get("done-two-factor-policy").into_owned()),
        Some("two-factor-reset") => Some(t.get("done-two-factor-reset").into_owned()),
        _ => None,
    };
    let template = UsersTemplate {
        frame: NewsroomFrame::new(&state, t, &admin, &t.get("users"), token),
        rows,
        message,
        two_factor_roles,
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

#[derive(Debug, serde::Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    /// `role` (the default), `two-factor-policy` or `two-factor-reset`.
    #[serde(default)]
    action: String,
    /// For `two-factor-policy`: the roles that must use it.
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    user: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    editions: Vec<String>,
}

pub async fn set_role(
    State(state): State<AppState>,
    Staff(admin): Staff,
    jar: CookieJar,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    if admin.role != Role::Admin {
        return Err(PageError::NotAllowed);
    }
    match form.action.as_str() {
        "" | "role" => {}
        "two-factor-policy" => return set_two_factor_policy(&state, &admin, jar, &form.required).await,
        "two-factor-reset" => return reset_two_factor(&state, &admin, jar, &form.user).await,
        other => return Err(PageError::BadRequest(format!("unknown action {other:?}"))),
    }
    let user_id: UserId =
        form.user.parse().map_err(|_| PageError::BadRequest("`user` must be a number".into()))?;
    if user_id == admin.id {
        return Err(PageError::BadRequest("administrators cannot change their own role".into()));
    }
    let user = state.store.user_by_id(user_id).await?.ok_or(PageError::NotFound)?;
    let role = Role::parse(&form.role).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let directory = state.directory();
    let mut edition_ids = Vec::new();
    for raw in &form.editions {
        let id: EditionId =
            raw.parse().map_err(|_| PageError::BadRequest("`editions` must be numbers".into()))?;
        if directory.edition_by_id(id).is_none() {
            return Err(PageError::BadRequest(format!("no edition {id}")));
        }
        edition_ids.push(id);
    }
    let detail = format!("{} → {}", user.role, role);
    let mut tx = state.store.begin_write().await?;
    tx.set_user_role(user.id, role, &edition_ids).await?;
    tx.record_audit(Some(admin.id), None, "user.role", &format!("user {}", user.id), &detail).await?;
    tx.commit().await?;
    tracing::info!(admin = admin.id.get(), user = user.id.get(), role = role.as_str(), "role changed");
    Ok(see_other(jar, "/newsroom/users?done=role"))
}

/// Which staff roles must use two-factor authentication.
async fn set_two_factor_policy(
    state: &AppState,
    admin: &dateline_store::User,
    jar: CookieJar,
    required: &[String],
) -> Result<Response, PageError> {
    let mut roles = Vec::new();
    for raw in required {
        let role = Role::parse(raw).map_err(|e| PageError::BadRequest(e.to_string()))?;
        if !role.is_staff() {
            return Err(PageError::BadRequest(
                "two-factor authentication is required of staff roles only".into(),
            ));
        }
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    let value = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    let detail = if value.is_empty() { "none".to_owned() } else { value.clone() };
    let mut tx = state.store.begin_write().await?;
    tx.set_site_setting(super::login::TWO_FACTOR_ROLES_SETTING, &value).await?;
    tx.record_audit(
        Some(admin.id),
        None,
        "settings.two_factor_required",
        "two-factor authentication",
        &detail,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(admin = admin.id.get(), roles = detail, "two-factor requirement changed");
    Ok(see_other(jar, "/newsroom/users?done=two-factor-policy"))
}

/// Turns an account's second factor off (its authenticator was lost) and
/// ends its sessions; if its role requires one, it sets up a new one at
/// its next visit.
async fn reset_two_factor(
    state: &AppState,
    admin: &dateline_store::User,
    jar: CookieJar,
    user: &str,
) -> Result<Response, PageError> {
    let user_id: UserId =
        user.parse().map_err(|_| PageError::BadRequest("`user` must be a number".into()))?;
    let user = state.store.user_by_id(user_id).await?.ok_or(PageError::NotFound)?;
    if !user.two_factor {
        return Err(PageError::Refused(
            StatusCode::CONFLICT,
            "two-factor authentication is already off for this account".into(),
        ));
    }
    let mut tx = state.store.begin_write().await?;
    tx.set_totp_secret(user.id, None).await?;
    tx.delete_user_sessions(user.id).await?;
    tx.record_audit(Some(admin.id), None, "user.two_factor.reset", &format!("user {}", user.id), &user.email)
        .await?;
    tx.commit().await?;
    tracing::info!(admin = admin.id.get(), user = user.id.get(), "second factor reset");
    Ok(see_other(jar, "/newsroom/users?done=two-factor-reset"))
}
