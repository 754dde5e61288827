//! `GET/POST /newsroom/editions`: administrators add language editions and
//! change their names, languages, text direction, order and which one is
//! the default. An edition's code is part of every URL, so it is set once.
//! An edition whose language has no interface strings (`locales/`) shows
//! the English interface around its own content; the screen says so.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::{CookieJar, Form};
use dateline_core::{EditionCode, Role, TextDirection};
use dateline_store::{EditionChanges, EditionId, NewEdition, StoreError, User};
use unic_langid::LanguageIdentifier;

use super::sections::DoneQuery;
use super::{NewsroomFrame, Staff, locale, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::error::PageError;

#[derive(Debug)]
pub struct EditionRow {
    pub id: EditionId,
    pub code: String,
    pub language: String,
    pub name: String,
    pub rtl: bool,
    pub is_default: bool,
    pub position: i32,
    /// False when no Fluent file exists for the language.
    pub has_strings: bool,
}

#[derive(Template)]
#[template(path = "newsroom/editions.html")]
struct EditionsTemplate<'a> {
    frame: NewsroomFrame<'a>,
    rows: Vec<EditionRow>,
    message: Option<String>,
    error: Option<String>,
    /// What was typed into the "add" form, kept after a mistake.
    typed: EditionForm,
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    admin: &User,
    jar: CookieJar,
    status: StatusCode,
    message: Option<String>,
    error: Option<(String, EditionForm)>,
) -> Result<Response, PageError> {
    let t = locale(state, headers);
    let rows = state
        .directory()
        .editions()
        .iter()
        .map(|e| EditionRow {
            id: e.id,
            code: e.code.to_string(),
            language: e.language.clone(),
            name: e.name.clone(),
            rtl: e.direction == TextDirection::Rtl,
            is_default: e.is_default,
            position: e.position,
            has_strings: state.locales.has(&e.language),
        })
        .collect();
    let (error, typed) = match error {
        Some((error, typed)) if typed.id.is_empty() => (Some(error), typed),
        Some((error, _)) => (Some(error), EditionForm::default()),
        None => (None, EditionForm::default()),
    };
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = EditionsTemplate {
        frame: NewsroomFrame::new(state, t, admin, &t.get("editions"), token),
        rows,
        message,
        error,
        typed,
    };
    Ok(no_store_page(status, jar, template.render()?))
}

pub async fn editions(
    State(state): State<AppState>,
    Staff(admin): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<DoneQuery>,
) -> Result<Response, PageError> {
    if admin.role != Role::Admin {
        return Err(PageError::NotAllowed);
    }
    let t = locale(&state, &headers);
    let message = query.done.filter(|d| d == "edition").map(|_| t.get("done-edition").into_owned());
    render(&state, &headers, &admin, jar, StatusCode::OK, message, None).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct EditionForm {
    #[serde(default)]
    csrf: String,
    /// Empty to add an edition.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub position: String,
    /// A checkbox: present (any value) when ticked.
    #[serde(default)]
    pub make_default: Option<String>,
}

/// The language as a canonical BCP 47 tag (`pt-BR`), or `None`.
pub fn language_tag(input: &str) -> Option<String> {
    let input = input.trim();
    if input.is_empty() || input.len() > 35 {
        return None;
    }
    input.parse::<LanguageIdentifier>().ok().map(|id| id.to_string())
}

pub async fn save_edition(
    State(state): State<AppState>,
    Staff(admin): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<EditionForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    if admin.role != Role::Admin {
        return Err(PageError::NotAllowed);
    }
    let t = locale(&state, &headers);
    let name = form.name.trim().to_owned();
    let position: i32 = form.position.trim().parse().unwrap_or(0).clamp(0, 1000);
    let direction = if form.direction == "rtl" { TextDirection::Rtl } else { TextDirection::Ltr };
    let language = language_tag(&form.language);
    let problem = if name.is_empty() || name.chars().count() > 80 {
        Some(t.get("error-edition-name").into_owned())
    } else if language.is_none() {
        Some(t.get("error-edition-language").into_owned())
    } else {
        None
    };
    let fail = |error: String, form: EditionForm| {
        render(
            &state,
            &headers,
            &admin,
            jar.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some((error, form)),
        )
    };
    if let Some(error) = problem {
        return fail(error, form).await;
    }
    let language = language.unwrap_or_default();
    let directory = state.directory();
    // The edition, its default flag, the audit entry and the content
    // version every node follows, in one transaction.
    let mut tx = state.store.begin_write().await?;
    let (action, subject, edition_id) = if form.id.is_empty() {
        let Ok(code) = EditionCode::parse(form.code.trim()) else {
            drop(tx);
            return fail(t.get("error-edition-code").into_owned(), form).await;
        };
        let new = NewEdition {
            code,
            language,
            name: name.clone(),
            direction,
            is_default: directory.editions().is_empty(),
            position,
        };
        match tx.create_edition(&new).await {
            Ok(edition) => {
                if form.make_default.is_some() && !new.is_default {
                    let changes = EditionChanges {
                        language: edition.language.clone(),
                        name: edition.name.clone(),
                        direction,
                        position,
                        make_default: true,
                    };
                    tx.update_edition(edition.id, &changes).await?;
                }
                ("edition.create", format!("edition {}", edition.code), edition.id)
            }
            Err(StoreError::Conflict(_)) => {
                drop(tx);
                return fail(t.get("error-edition-taken").into_owned(), form).await;
            }
            Err(other) => return Err(other.into()),
        }
    } else {
        let id: EditionId =
            form.id.parse().map_err(|_| PageError::BadRequest("`id` must be a number".into()))?;
        let Some(edition) = directory.edition_by_id(id) else { return Err(PageError::NotFound) };
        let changes = EditionChanges {
            language,
            name: name.clone(),
            direction,
            position,
            make_default: form.make_default.is_some(),
        };
        tx.update_edition(id, &changes).await?;
        ("edition.update", format!("edition {}", edition.code), id)
    };
    tx.record_audit(Some(admin.id), Some(edition_id), action, &subject, &name).await?;
    let version = tx.record_page_change(&[crate::page_keys::SITE.to_owned()]).await?;
    tx.commit().await?;
    state.content_committed(version).await?;
    Ok(see_other(jar, "/newsroom/editions?done=edition"))
}
