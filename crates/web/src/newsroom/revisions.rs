//! Revisions: compare any two saved versions of an article field by field,
//! and load an old version back into the editor.
//!
//! `GET /newsroom/articles/{id}/compare?from=R&to=S` shows the changes;
//! `GET /newsroom/articles/{id}/revisions/{R}` opens the editor filled with
//! revision R — nothing changes until the editor saves it, which makes a
//! new revision (restoring never rewrites history).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use similar::{ChangeTag, TextDiff};

use super::editor::{ArticleForm, open_editor};
use super::workflow::FieldErrors;
use super::{NewsroomFrame, Staff, locale, no_store_page, permissions};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Locale;
use dateline_store::{ArticleId, RevisionId};

#[derive(Debug)]
pub struct DiffLine {
    /// `ins`, `del` or `same`.
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug)]
pub struct FieldDiff {
    pub label: String,
    pub lines: Vec<DiffLine>,
}

#[derive(Template)]
#[template(path = "newsroom/compare.html")]
struct CompareTemplate<'a> {
    frame: NewsroomFrame<'a>,
    editor_href: String,
    from_label: String,
    to_label: String,
    fields: Vec<FieldDiff>,
}

#[derive(Debug, serde::Deserialize)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The fields compared, with their labels' keys, in the editor's order.
fn labelled_fields(form: &ArticleForm) -> Vec<(&'static str, String)> {
    vec![
        ("headline", form.headline.clone()),
        ("slug", form.slug.clone()),
        ("lead", form.lead.clone()),
        ("dateline-place", form.place.clone()),
        ("dateline-agency", form.agency.clone()),
        ("body-markdown", form.body.clone()),
        ("photo-caption", form.caption.clone()),
        ("photo-credit-label", form.credit.clone()),
        ("tags", form.tags.clone()),
        ("seo-title", form.seo_title.clone()),
        ("seo-description", form.seo_description.clone()),
        ("correction", form.correction.clone()),
    ]
}

/// Line-by-line differences of every field that changed.
pub fn diff_forms(t: &Locale, old: &ArticleForm, new: &ArticleForm) -> Vec<FieldDiff> {
    labelled_fields(old)
        .into_iter()
        .zip(labelled_fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((key, a), (_, b))| {
            let diff = TextDiff::from_lines(a.as_str(), b.as_str());
            let lines = diff
                .iter_all_changes()
                .map(|change| DiffLine {
                    kind: match change.tag() {
                        ChangeTag::Insert => "ins",
                        ChangeTag::Delete => "del",
                        ChangeTag::Equal => "same",
                    },
                    text: change.value().trim_end_matches('\n').to_owned(),
                })
                .collect();
            FieldDiff { label: t.get(key).into_owned(), lines }
        })
        .collect()
}

async fn article_for(
    state: &AppState,
    user: &dateline_store::User,
    raw_id: &str,
) -> Result<ArticleId, PageError> {
    let id: ArticleId = raw_id.parse().map_err(|_| PageError::NotFound)?;
    let article = state.store.article_by_id(id).await?.ok_or(PageError::NotFound)?;
    if !permissions::can_edit(user, article.card.edition_id, article.status, article.created_by) {
        return Err(PageError::NotAllowed);
    }
    Ok(id)
}

async fn snapshot(
    state: &AppState,
    t: &Locale,
    article: ArticleId,
    raw: Option<&str>,
) -> Result<(String, ArticleForm), PageError> {
    let revision: RevisionId = raw
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| PageError::BadRequest("`from` and `to` must be revision numbers".into()))?;
    let (info, json) = state.store.revision(article, revision).await?.ok_or(PageError::NotFound)?;
    let form: ArticleForm = serde_json::from_str(&json)
        .map_err(|e| PageError::BadRequest(format!("revision {revision} cannot be read: {e}")))?;
    let label = format!(
        "#{} · {} · {}",
        info.id,
        t.date_time(info.created_at),
        info.user_name.unwrap_or_else(|| "—".into())
    );
    Ok((label, form))
}

/// `GET /newsroom/articles/{id}/compare?from=R&to=S`.
pub async fn compare(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Path(id): Path<String>,
    Query(query): Query<CompareQuery>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let id = article_for(&state, &user, &id).await?;
    let (from_label, old) = snapshot(&state, t, id, query.from.as_deref()).await?;
    let (to_label, new) = snapshot(&state, t, id, query.to.as_deref()).await?;
    let template = CompareTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &t.get("compare-revisions"), String::new()),
        editor_href: format!("/newsroom/articles/{id}"),
        from_label,
        to_label,
        fields: diff_forms(t, &old, &new),
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

/// `GET /newsroom/articles/{id}/revisions/{revision}`: the editor, filled
/// with that revision, ready to be saved as the newest one.
pub async fn restore(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Path((id, revision)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let id = article_for(&state, &user, &id).await?;
    let (label, form) = snapshot(&state, t, id, Some(&revision)).await?;
    let article = state.store.article_by_id(id).await?.ok_or(PageError::NotFound)?;
    // Loading an old revision is a choice made over the current version.
    let form = ArticleForm { version: article.version.to_string(), ..form };
    let message = Some(t.arg("revision-loaded", "revision", &label));
    open_editor(&state, t, &user, jar, &article, form, FieldErrors::default(), message).await
}
