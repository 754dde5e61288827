//! `GET/POST /newsroom/sections`: administrators add sections to an
//! edition and edit their names, one-line descriptions and order. Public
//! pages follow at once (the site map is reloaded).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::{CookieJar, Form};
use dateline_core::{RESERVED_SECTION_SLUGS, Role, Slug, slugify};
use dateline_store::{EditionId, NewSection, SectionId, StoreError};

use super::list::Choice;
use super::{NewsroomFrame, Staff, locale, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::error::PageError;

#[derive(Debug)]
pub struct SectionRow {
    pub id: SectionId,
    pub edition: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
}

#[derive(Template)]
#[template(path = "newsroom/sections.html")]
struct SectionsTemplate<'a> {
    frame: NewsroomFrame<'a>,
    rows: Vec<SectionRow>,
    editions: Vec<Choice>,
    message: Option<String>,
    error: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    admin: &dateline_store::User,
    jar: CookieJar,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = locale(state, headers);
    let directory = state.directory();
    let rows = directory
        .editions()
        .iter()
        .flat_map(|e| {
            directory.sections_of(e.id).iter().map(move |s| SectionRow {
                id: s.id,
                edition: e.name.clone(),
                slug: s.slug.to_string(),
                name: s.name.clone(),
                description: s.description.clone(),
                position: s.position,
            })
        })
        .collect();
    let editions = directory
        .editions()
        .iter()
        .map(|e| Choice { value: e.id.to_string(), label: e.name.clone(), selected: false })
        .collect();
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = SectionsTemplate {
        frame: NewsroomFrame::new(state, t, admin, &t.get("sections"), token),
        rows,
        editions,
        message,
        error,
    };
    Ok(no_store_page(status, jar, template.render()?))
}

pub async fn sections(
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
    let message = query.done.filter(|d| d == "section").map(|_| t.get("done-section").into_owned());
    render(&state, &headers, &admin, jar, StatusCode::OK, message, None).await
}

#[derive(Debug, serde::Deserialize)]
pub struct SectionForm {
    #[serde(default)]
    csrf: String,
    /// Empty to add a section.
    #[serde(default)]
    id: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    position: String,
}

pub async fn save_section(
    State(state): State<AppState>,
    Staff(admin): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<SectionForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    if admin.role != Role::Admin {
        return Err(PageError::NotAllowed);
    }
    let t = locale(&state, &headers);
    let name = form.name.trim();
    let description = form.description.trim();
    let position: i32 = form.position.trim().parse().unwrap_or(0).clamp(0, 1000);
    let invalid = |key: &str| t.get(key).into_owned();
    let problem = if name.is_empty() || name.chars().count() > 80 {
        Some(invalid("error-section-name"))
    } else if description.chars().count() > 200 {
        Some(t.arg("error-too-long", "max", "200"))
    } else {
        None
    };
    if let Some(error) = problem {
        return render(&state, &headers, &admin, jar, StatusCode::UNPROCESSABLE_ENTITY, None, Some(error))
            .await;
    }
    let directory = state.directory();
    // The section, its audit entry and the content version, together.
    let mut tx = state.store.begin_write().await?;
    let (action, subject, edition_id) = if form.id.is_empty() {
        let edition =
            form.edition.parse::<EditionId>().ok().and_then(|id| directory.edition_by_id(id).cloned());
        // No address typed: one made from the name.
        let slug =
            if form.slug.trim().is_empty() { Ok(slugify(name)) } else { Slug::parse(form.slug.trim()) };
        let slug = slug.ok().filter(|s| !RESERVED_SECTION_SLUGS.contains(&s.as_str()));
        let (Some(edition), Some(slug)) = (edition, slug) else {
            drop(tx);
            let error = Some(invalid("error-section-slug"));
            return render(&state, &headers, &admin, jar, StatusCode::UNPROCESSABLE_ENTITY, None, error)
                .await;
        };
        let new = NewSection {
            edition_id: edition.id,
            slug,
            name: name.to_owned(),
            description: description.to_owned(),
            position,
        };
        match tx.create_section(&new).await {
            Ok(section) => ("section.create", format!("section {}", section.id), section.edition_id),
            Err(StoreError::Conflict(_)) => {
                drop(tx);
                let error = Some(invalid("error-section-taken"));
                return render(&state, &headers, &admin, jar, StatusCode::UNPROCESSABLE_ENTITY, None, error)
                    .await;
            }
            Err(other) => return Err(other.into()),
        }
    } else {
        let id: SectionId =
            form.id.parse().map_err(|_| PageError::BadRequest("`id` must be a number".into()))?;
        let Some(section) = directory.section_by_id(id) else {
            return Err(PageError::NotFound);
        };
        tx.update_section(id, name, description, position).await?;
        ("section.update", format!("section {id}"), section.edition_id)
    };
    tx.record_audit(Some(admin.id), Some(edition_id), action, &subject, name).await?;
    let version = tx.record_page_change(&[crate::page_keys::SITE.to_owned()]).await?;
    tx.commit().await?;
    state.content_committed(version).await?;
    Ok(see_other(jar, "/newsroom/sections?done=section"))
}
