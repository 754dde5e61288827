//! Search: the page of each edition (`/{edition}/search`), the newsroom's
//! search of every article (`/newsroom/search`, drafts included) and the
//! shared reading of what was asked. The API endpoint is in `api/search.rs`;
//! keeping the index current is `follow.rs`.

pub mod follow;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dateline_core::Slug;
use dateline_search::{Analyzer, DATE_RANGES, Request, Results, SearchError, Sort};
use dateline_store::{Edition, SectionId, Tag, TagId};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::AppState;
use crate::directory::SiteDirectory;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::public::{edition_from, html};
use crate::view::{Frame, article_path, iso, url_encode};

/// Results per page.
pub const PAGE_SIZE: usize = 10;
/// The last page one may ask for.
pub const MAX_PAGE: usize = dateline_search::MAX_DEPTH / PAGE_SIZE;

pub fn routes() -> Router<AppState> {
    Router::new().route("/{edition}/search", get(search_page))
}

/// The parameters of a search, as they arrive (page and API alike).
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for: words (all must match), "quoted phrases", `prefix*`, `-excluded`.
    /// Anything is accepted; longer than 200 characters is cut.
    #[serde(default)]
    pub q: String,
    /// Only this section (slug).
    #[serde(default)]
    pub section: String,
    /// Only stories with this tag (slug).
    #[serde(default)]
    pub tag: String,
    /// Only stories of the last `day`, `week`, `month` or `year`.
    #[serde(default)]
    pub when: String,
    /// Published on or after this day (YYYY-MM-DD).
    #[serde(default)]
    pub from: String,
    /// Published on or before this day (YYYY-MM-DD).
    #[serde(default)]
    pub to: String,
    /// `relevance` (default) or `newest`.
    #[serde(default)]
    pub sort: String,
    /// Page number, 1–100.
    #[serde(default)]
    pub page: String,
}

/// A search understood: what to ask the index, and what it was about.
#[derive(Debug)]
pub struct Asked {
    pub request: Request,
    pub text: String,
    pub section: Option<dateline_store::Section>,
    pub tag: Option<Tag>,
    pub page: usize,
    /// Nothing to search for: no words and no filter.
    pub blank: bool,
}

fn parse_day(raw: &str, what: &str) -> Result<Option<OffsetDateTime>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let day = time::Date::parse(raw.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`{what}` must be a day written YYYY-MM-DD"))?;
    Ok(Some(day.midnight().assume_utc()))
}

/// Reads the parameters of a search in `edition`; the error is a message
/// for a 400 answer.
pub async fn understand(
    state: &AppState,
    directory: &SiteDirectory,
    edition: &Edition,
    params: &SearchParams,
    limit: usize,
) -> Result<Asked, String> {
    let text = dateline_search::query::clean(&params.q);
    let section = match params.section.trim() {
        "" => None,
        raw => {
            let slug =
                Slug::parse(raw).map_err(|_| format!("there is no section {raw:?} in this edition"))?;
            Some(
                directory
                    .section(edition.id, &slug)
                    .cloned()
                    .ok_or_else(|| format!("there is no section {raw:?} in this edition"))?,
            )
        }
    };
    let tag = match params.tag.trim() {
        "" => None,
        raw => {
            let slug = Slug::parse(raw).map_err(|_| format!("there is no tag {raw:?} in this edition"))?;
            let tag = state.store.tag_by_slug(edition.id, &slug).await.map_err(|e| {
                tracing::warn!(error = %e, "could not read a tag");
                "the tag could not be looked up just now; try again".to_owned()
            })?;
            Some(tag.ok_or_else(|| format!("there is no tag {raw:?} in this edition"))?)
        }
    };
    let now = OffsetDateTime::now_utc();
    let mut since = match params.when.trim() {
        "" => None,
        raw => {
            let (_, span) = DATE_RANGES
                .iter()
                .find(|(name, _)| *name == raw)
                .ok_or_else(|| format!("`when` must be one of day, week, month, year, not {raw:?}"))?;
            Some(now.unix_timestamp() - span)
        }
    };
    if let Some(from) = parse_day(&params.from, "from")? {
        since = Some(since.map_or(from.unix_timestamp(), |s| s.max(from.unix_timestamp())));
    }
    let until = parse_day(&params.to, "to")?.map(|to| (to + time::Duration::days(1)).unix_timestamp());
    let sort = match params.sort.trim() {
        "" | "relevance" => Sort::Relevance,
        "newest" => Sort::Newest,
        raw => return Err(format!("`sort` must be relevance or newest, not {raw:?}")),
    };
    let page = match params.page.trim() {
        "" => 1,
        raw => raw
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=MAX_PAGE).contains(p))
            .ok_or_else(|| format!("`page` must be a number from 1 to {MAX_PAGE}"))?,
    };
    let blank = dateline_search::query::parse(&text).is_empty()
        && section.is_none()
        && tag.is_none()
        && since.is_none()
        && until.is_none();
    let request = Request {
        text: text.clone(),
        editions: vec![edition.id.get()],
        analyzers: vec![Analyzer::for_language(&edition.language)],
        include_unpublished: false,
        section: section.as_ref().map(|s| s.id.get()),
        tag: tag.as_ref().map(|t| t.id.get()),
        since,
        until,
        sort,
        offset: (page - 1) * limit,
        limit,
        now: now.unix_timestamp(),
    };
    Ok(Asked { request, text, section, tag, page, blank })
}

/// The tags with these ids, from memory when seen before (facets name the
/// same tags over and over).
pub async fn tags_named(state: &AppState, ids: &[TagId]) -> Result<Vec<Tag>, dateline_store::StoreError> {
    let (mut found, missing) = {
        let known = state.tag_names.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let found: Vec<Tag> = ids.iter().filter_map(|id| known.get(id).cloned()).collect();
        let missing: Vec<TagId> = ids.iter().copied().filter(|id| !known.contains_key(id)).collect();
        (found, missing)
    };
    if !missing.is_empty() {
        let fetched = state.store.tags_by_ids(&missing).await?;
        let mut known = state.tag_names.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if known.len() > 100_000 {
            known.clear();
        }
        for tag in &fetched {
            known.insert(tag.id, tag.clone());
        }
        found.extend(fetched);
    }
    Ok(found)
}

/// Runs a search off the async threads, when one of the search slots is
/// free (`AppState::search_slots`). A remembered answer is given at once:
/// it does not wait in line behind searches being computed.
pub async fn run(state: &AppState, request: Request) -> Result<Results, SearchError> {
    if let Some(answer) = state.search.remembered(&request) {
        return Ok(answer);
    }
    let index = Arc::clone(&state.search);
    let slot = Arc::clone(&state.search_slots)
        .acquire_owned()
        .await
        .map_err(|e| SearchError::Io(std::io::Error::other(e)))?;
    tokio::task::spawn_blocking(move || {
        let results = index.search(&request);
        drop(slot);
        results
    })
    .await
    .map_err(|e| SearchError::Io(std::io::Error::other(e)))?
}

#[derive(Debug)]
struct HitView {
    href: String,
    headline_html: String,
    snippet_html: String,
    section: String,
    date_iso: String,
    date_label: String,
    breaking: bool,
}

#[derive(Debug)]
struct FacetLink {
    label: String,
    count: u64,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate<'a> {
    frame: Frame<'a>,
    text: String,
    sort_newest: bool,
    not_ready: bool,
    blank: bool,
    summary: String,
    hits: Vec<HitView>,
    sections: Vec<FacetLink>,
    tags: Vec<FacetLink>,
    dates: Vec<FacetLink>,
    /// Links that drop one filter each ("× Politics").
    active: Vec<FacetLink>,
    sort_links: Vec<FacetLink>,
    previous_href: Option<String>,
    next_href: Option<String>,
    page_label: String,
    params: SearchParams,
}

/// The page's address with some parameters changed (empty drops one).
fn href_with(edition: &Edition, params: &SearchParams, changes: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, String)> = vec![
        ("q", params.q.trim().to_owned()),
        ("section", params.section.clone()),
        ("tag", params.tag.clone()),
        ("when", params.when.clone()),
        ("from", params.from.clone()),
        ("to", params.to.clone()),
        ("sort", params.sort.clone()),
        ("page", String::new()),
    ];
    for (key, value) in changes {
        if let Some(pair) = pairs.iter_mut().find(|(k, _)| k == key) {
            pair.1 = (*value).to_owned();
        }
    }
    let query: Vec<String> = pairs
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v.trim())))
        .collect();
    format!("/{}/search?{}", edition.code, query.join("&"))
}

fn hit_views(results: &Results, edition: &Edition, directory: &SiteDirectory, t: &Locale) -> Vec<HitView> {
    results
        .hits
        .iter()
        .map(|hit| {
            let published =
                OffsetDateTime::from_unix_timestamp(hit.published_at).unwrap_or(OffsetDateTime::UNIX_EPOCH);
            HitView {
                href: article_path(edition, published, &hit.slug),
                headline_html: hit.headline_html.clone(),
                snippet_html: hit.snippet_html.clone(),
                section: directory
                    .section_by_id(SectionId::new(hit.section_id))
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                date_iso: iso(published),
                date_label: t.long_date(published),
                breaking: hit.breaking,
            }
        })
        .collect()
}

/// `GET /{edition}/search`: the search page (`?q=`, facets, sort, paging).
pub async fn search_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(params): Query<SearchParams>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let t = state.locales.for_language(&edition.language);
    let asked =
        understand(&state, &directory, &edition, &params, PAGE_SIZE).await.map_err(PageError::BadRequest)?;
    let path = format!("/{}/search", edition.code);
    let mut frame = Frame::new(&state, &directory, &edition, None, &t.get("search"), &path);
    frame.noindex = true;
    let mut template = SearchTemplate {
        frame,
        text: asked.text.clone(),
        sort_newest: asked.request.sort == Sort::Newest,
        not_ready: false,
        blank: asked.blank,
        summary: String::new(),
        hits: Vec::new(),
        sections: Vec::new(),
        tags: Vec::new(),
        dates: Vec::new(),
        active: Vec::new(),
        sort_links: Vec::new(),
        previous_href: None,
        next_href: None,
        page_label: String::new(),
        params: params.clone(),
    };
    let mut status = StatusCode::OK;
    if !asked.blank {
        match run(&state, asked.request.clone()).await {
            Ok(results) => fill(&state, &mut template, &asked, &results, &edition, &directory, t).await?,
            Err(SearchError::NotReady) => {
                template.not_ready = true;
                status = StatusCode::SERVICE_UNAVAILABLE;
            }
            Err(error) => {
                tracing::error!(%error, "search failed");
                template.not_ready = true;
                status = StatusCode::SERVICE_UNAVAILABLE;
            }
        }
    }
    let mut response = html(&template, OffsetDateTime::now_utc())?;
    // Results change with every query string; the page cache keys on the
    // path only, so nothing here may be kept.
    response.extensions_mut().remove::<crate::page_cache::Cacheable>();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if status != StatusCode::OK {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    Ok((status, response).into_response())
}

async fn fill(
    state: &AppState,
    template: &mut SearchTemplate<'_>,
    asked: &Asked,
    results: &Results,
    edition: &Edition,
    directory: &SiteDirectory,
    t: &Locale,
) -> Result<(), PageError> {
    let params = &template.params;
    template.summary = if asked.text.is_empty() {
        t.count("search-count", results.total as i64)
    } else {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("count", results.total as i64);
        args.set("query", asked.text.clone());
        t.format("search-count-for", Some(&args)).into_owned()
    };
    template.hits = hit_views(results, edition, directory, t);
    let pages = results.total.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE);
    if asked.page > 1 {
        let previous = (asked.page - 1).min(pages).to_string();
        template.previous_href = Some(href_with(edition, params, &[("page", &previous)]));
    }
    if asked.page < pages {
        template.next_href = Some(href_with(edition, params, &[("page", &(asked.page + 1).to_string())]));
    }
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("page", asked.page as i64);
    args.set("pages", pages as i64);
    template.page_label = t.format("search-page-of", Some(&args)).into_owned();
    // A facet's link adds it, or removes it when it is the one in use.
    let facet = |key: &str, value: &str, label: String, count: u64, current: bool| FacetLink {
        label,
        count,
        href: href_with(edition, params, &[(key, if current { "" } else { value })]),
        current,
    };
    let current_section = asked.section.as_ref().map(|s| s.id);
    template.sections = results
        .sections
        .iter()
        .filter_map(|(id, count)| {
            let section = directory.section_by_id(SectionId::new(*id))?;
            Some(facet(
                "section",
                section.slug.as_str(),
                section.name.clone(),
                *count,
                current_section == Some(SectionId::new(*id)),
            ))
        })
        .collect();
    let tag_ids: Vec<TagId> = results.tags.iter().map(|(id, _)| TagId::new(*id)).collect();
    let tags = tags_named(state, &tag_ids).await?;
    let current_tag = asked.tag.as_ref().map(|t| t.id);
    template.tags = results
        .tags
        .iter()
        .filter_map(|(id, count)| {
            let tag = tags.iter().find(|t| t.id.get() == *id)?;
            Some(facet("tag", tag.slug.as_str(), tag.name.clone(), *count, current_tag == Some(tag.id)))
        })
        .collect();
    let when_label = |name: &str| t.get(&format!("search-when-{name}")).into_owned();
    template.dates = DATE_RANGES
        .iter()
        .zip(results.dates)
        .map(|((name, _), count)| facet("when", name, when_label(name), count, params.when.trim() == *name))
        .collect();
    if let Some(section) = &asked.section {
        template.active.push(facet("section", "", section.name.clone(), 0, true));
    }
    if let Some(tag) = &asked.tag {
        template.active.push(facet("tag", "", tag.name.clone(), 0, true));
    }
    if let Some((name, _)) = DATE_RANGES.iter().find(|(name, _)| params.when.trim() == *name) {
        template.active.push(facet("when", "", when_label(name), 0, true));
    }
    if !params.from.trim().is_empty() || !params.to.trim().is_empty() {
        template.active.push(FacetLink {
            label: format!("{} – {}", params.from.trim(), params.to.trim()),
            count: 0,
            href: href_with(edition, params, &[("from", ""), ("to", "")]),
            current: true,
        });
    }
    if !asked.text.is_empty() {
        let newest = asked.request.sort == Sort::Newest;
        template.sort_links = vec![
            FacetLink {
                label: t.get("search-sort-relevance").into_owned(),
                count: 0,
                href: href_with(edition, params, &[("sort", "")]),
                current: !newest,
            },
            FacetLink {
                label: t.get("search-sort-newest").into_owned(),
                count: 0,
                href: href_with(edition, params, &[("sort", "newest")]),
                current: newest,
            },
        ];
    }
    Ok(())
}
