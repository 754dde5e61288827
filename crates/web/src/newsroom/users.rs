//! `GET/POST /newsroom/users`: administrators give accounts their role and
//! limit editors and admins to editions. An administrator cannot change
//! their own role, so the newsroom never locks out its last admin by
//! accident.

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

#[derive(Debug)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub roles: Vec<Choice>,
    pub editions: Vec<Choice>,
    pub is_self: bool,
    pub role_label: String,
}

#[derive(Template)]
#[template(path = "newsroom/users.html")]
struct UsersTemplate<'a> {
    frame: NewsroomFrame<'a>,
    rows: Vec<UserRow>,
    message: Option<String>,
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
            name: user.display_name,
            email: user.email,
        })
        .collect();
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let message = query.done.filter(|d| d == "role").map(|_| t.get("done-role").into_owned());
    let template =
        UsersTemplate { frame: NewsroomFrame::new(&state, t, &admin, &t.get("users"), token), rows, message };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

#[derive(Debug, serde::Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
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
    let user_id: i64 =
        form.user.parse().map_err(|_| PageError::BadRequest("`user` must be a number".into()))?;
    if user_id == admin.id {
        return Err(PageError::BadRequest("administrators cannot change their own role".into()));
    }
    let user = state.store.user_by_id(user_id).await?.ok_or(PageError::NotFound)?;
    let role = Role::parse(&form.role).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let directory = state.directory();
    let mut edition_ids = Vec::new();
    for raw in &form.editions {
        let id: i64 = raw.parse().map_err(|_| PageError::BadRequest("`editions` must be numbers".into()))?;
        if directory.edition_by_id(id).is_none() {
            return Err(PageError::BadRequest(format!("no edition {id}")));
        }
        edition_ids.push(id);
    }
    state.store.set_user_role(user.id, role, &edition_ids).await?;
    let detail = format!("{} → {}", user.role, role);
    state
        .store
        .record_audit(Some(admin.id), None, "user.role", &format!("user {}", user.id), &detail)
        .await?;
    tracing::info!(admin = admin.id, user = user.id, role = role.as_str(), "role changed");
    Ok(see_other(jar, "/newsroom/users?done=role"))
}
