//! `GET /newsroom`: every article in the staff member's editions, newest
//! change first, filtered by status, edition, section, author and headline.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use dateline_core::ArticleStatus;
use dateline_store::{EditionId, NewsroomQuery, SectionId, User};

use super::{NewsroomFrame, Staff, locale, no_store_page, permissions};
use crate::AppState;
use crate::accounts::csrf;
use crate::directory::SiteDirectory;
use crate::error::PageError;
use crate::view::{Link, iso};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListFilters {
    #[serde(default)]
    status: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    mine: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

#[derive(Debug)]
pub struct Row {
    pub href: String,
    pub headline: String,
    pub edition: String,
    pub section: String,
    pub status_label: String,
    pub status: &'static str,
    pub updated_iso: String,
    pub updated_label: String,
    pub created_by: String,
}

#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "newsroom/list.html")]
struct ListTemplate<'a> {
    frame: NewsroomFrame<'a>,
    rows: Vec<Row>,
    statuses: Vec<Choice>,
    editions: Vec<Choice>,
    sections: Vec<Choice>,
    q: String,
    mine: bool,
    next_page: Option<String>,
    can_audit: bool,
    is_admin: bool,
    new_links: Vec<Link>,
    /// What a fresh site still lacks before a story can be written.
    setup: Option<Setup>,
}

/// The first steps on a fresh site: an edition, then a section in every
/// edition the account works in.
#[derive(Debug)]
pub struct Setup {
    pub has_edition: bool,
    pub has_section: bool,
}

impl Setup {
    fn of(directory: &SiteDirectory, user: &User) -> Option<Self> {
        let mine: Vec<_> =
            directory.editions().iter().filter(|e| permissions::in_edition(user, e.id)).collect();
        let has_edition = !mine.is_empty();
        let has_section = has_edition && mine.iter().all(|e| !directory.sections_of(e.id).is_empty());
        (!has_section).then_some(Self { has_edition, has_section })
    }
}

/// The editions the account works in, as `<option>`s.
pub fn edition_choices(directory: &SiteDirectory, user: &User, selected: Option<EditionId>) -> Vec<Choice> {
    directory
        .editions()
        .iter()
        .filter(|e| permissions::in_edition(user, e.id))
        .map(|e| Choice { value: e.id.to_string(), label: e.name.clone(), selected: selected == Some(e.id) })
        .collect()
}

/// The sections of those editions, labelled `en · World`.
pub fn section_choices(directory: &SiteDirectory, user: &User, selected: Option<SectionId>) -> Vec<Choice> {
    directory
        .editions()
        .iter()
        .filter(|e| permissions::in_edition(user, e.id))
        .flat_map(|e| {
            directory.sections_of(e.id).iter().map(move |s| Choice {
                value: s.id.to_string(),
                label: format!("{} · {}", e.code, s.name),
                selected: selected == Some(s.id),
            })
        })
        .collect()
}

pub const STATUSES: [ArticleStatus; 5] = [
    ArticleStatus::Draft,
    ArticleStatus::InReview,
    ArticleStatus::Scheduled,
    ArticleStatus::Published,
    ArticleStatus::Unpublished,
];

pub async fn article_list(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Query(filters): Query<ListFilters>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let directory = state.directory();
    let parse_id = |raw: &str, what: &str| -> Result<Option<i64>, PageError> {
        if raw.is_empty() {
            Ok(None)
        } else {
            raw.parse().map(Some).map_err(|_| PageError::BadRequest(format!("`{what}` must be a number")))
        }
    };
    let status = match filters.status.as_str() {
        "" => None,
        raw => Some(
            ArticleStatus::from_stored(raw)
                .ok_or_else(|| PageError::BadRequest(format!("unknown status {raw:?}")))?,
        ),
    };
    let page: i64 = parse_id(&filters.page, "page")?.unwrap_or(0).clamp(0, 10_000);
    let edition_id = parse_id(&filters.edition, "edition")?.map(EditionId::new);
    let section_id = parse_id(&filters.section, "section")?.map(SectionId::new);
    let q = filters.q.trim().chars().take(200).collect::<String>();
    let query = NewsroomQuery {
        edition_id,
        section_id,
        status,
        // Contributors see their own articles only, as their role promises.
        created_by: (!filters.mine.is_empty() || user.role == dateline_core::Role::Contributor)
            .then_some(user.id),
        search: (!q.is_empty()).then(|| q.clone()),
        limit: PAGE_SIZE + 1,
        offset: page * PAGE_SIZE,
    };
    let mut rows = state.store.newsroom_articles(&query).await?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let rows = rows
        .into_iter()
        .filter(|r| permissions::in_edition(&user, r.edition_id))
        .map(|r| Row {
            href: format!("/newsroom/articles/{}", r.id),
            edition: directory.edition_by_id(r.edition_id).map(|e| e.code.to_string()).unwrap_or_default(),
            section: directory.section_by_id(r.section_id).map(|s| s.name.clone()).unwrap_or_default(),
            status_label: t.get(&format!("status-{}", r.status.as_str())).into_owned(),
            status: r.status.as_str(),
            updated_iso: iso(r.updated_at),
            updated_label: t.date_time(r.updated_at),
            created_by: r.created_by_name.unwrap_or_default(),
            headline: r.headline,
        })
        .collect();
    let statuses = STATUSES
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: t.get(&format!("status-{}", s.as_str())).into_owned(),
            selected: status == Some(*s),
        })
        .collect();
    let editions = edition_choices(&directory, &user, edition_id);
    let sections = section_choices(&directory, &user, section_id);
    let mut next_filters = Vec::new();
    for (key, value) in [
        ("status", &filters.status),
        ("edition", &filters.edition),
        ("section", &filters.section),
        ("mine", &filters.mine),
    ] {
        if !value.is_empty() {
            next_filters.push(format!("{key}={}", crate::view::url_encode(value)));
        }
    }
    if !q.is_empty() {
        next_filters.push(format!("q={}", crate::view::url_encode(&q)));
    }
    next_filters.push(format!("page={}", page + 1));
    let new_links = directory
        .editions()
        .iter()
        .filter(|e| permissions::can_create(&user, e.id))
        .map(|e| Link {
            href: format!("/newsroom/articles/new?edition={}", e.id),
            label: t.arg("new-article-in", "edition", &e.name),
            current: false,
        })
        .collect();
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = ListTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &t.get("articles"), token),
        rows,
        statuses,
        editions,
        sections,
        q,
        mine: !filters.mine.is_empty(),
        next_page: has_more.then(|| format!("/newsroom?{}", next_filters.join("&"))),
        can_audit: user.role >= dateline_core::Role::Editor,
        is_admin: user.role == dateline_core::Role::Admin,
        new_links,
        setup: Setup::of(&directory, &user),
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}
