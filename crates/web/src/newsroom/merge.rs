//! When two people edit one story: the merge page.
//!
//! Every editor form carries the article's version it was opened at. A
//! save over a newer version is refused (`WorkflowError::Stale`) and this
//! page shows both versions field by field instead: the fields only one
//! side changed since the form was opened (compared with the revision of
//! that version) come pre-chosen, the fields both changed wait for a
//! choice, and nothing typed is lost. Sending it saves the chosen values
//! over the current version, with the action first asked for; if someone
//! saved again meanwhile, the page comes back with their new version.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use dateline_store::{Article, AuthorId, User};

use super::editor::ArticleForm;
use super::{NewsroomFrame, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::error::PageError;
use crate::i18n::Locale;

/// One field of the article on the merge page.
#[derive(Debug)]
pub struct MergeField {
    /// The form field's name.
    pub name: &'static str,
    pub label: String,
    /// Both versions hold the same value: it is sent along unseen.
    pub same: bool,
    /// The values as the form posts them.
    pub mine: String,
    pub theirs: String,
    /// The values as people read them (names rather than numbers).
    pub mine_shown: String,
    pub theirs_shown: String,
    /// Which side is chosen at first: `mine`, `theirs`, or none when both
    /// changed it.
    pub pick: &'static str,
}

#[derive(Template)]
#[template(path = "newsroom/merge.html")]
struct MergeTemplate<'a> {
    frame: NewsroomFrame<'a>,
    action_href: String,
    action: String,
    version: i64,
    /// "Ana Lima saved it at 14:05."
    saved_by: String,
    fields: Vec<MergeField>,
    /// "2 fields were changed by both of you", when any were.
    conflicts: Option<String>,
    editor_href: String,
}

type Getter = fn(&ArticleForm) -> String;

/// The article's fields in the editor's order, with their label keys.
const FIELDS: &[(&str, &str, Getter)] = &[
    ("edition", "edition", |f| f.edition.clone()),
    ("section", "section", |f| f.section.clone()),
    ("headline", "headline", |f| f.headline.clone()),
    ("slug", "slug", |f| f.slug.clone()),
    ("lead", "lead", |f| f.lead.clone()),
    ("place", "dateline-place", |f| f.place.clone()),
    ("agency", "dateline-agency", |f| f.agency.clone()),
    ("body", "body-markdown", |f| f.body.clone()),
    ("main_media", "main-media", |f| f.main_media.clone()),
    ("caption", "photo-caption", |f| f.caption.clone()),
    ("credit", "photo-credit-label", |f| f.credit.clone()),
    ("tags", "tags", |f| f.tags.clone()),
    ("authors", "authors", |f| f.author_ids().join(",")),
    ("breaking", "breaking", |f| if f.is_breaking() { "on".into() } else { String::new() }),
    ("translation_of", "translation-of", |f| f.translation_of.clone()),
    ("seo_title", "seo-title", |f| f.seo_title.clone()),
    ("seo_description", "seo-description", |f| f.seo_description.clone()),
    ("correction", "correction", |f| f.correction.clone()),
    ("publish_at", "publish-at", |f| f.publish_at.clone()),
    ("published_at", "published-at", |f| f.published_at.clone()),
];

/// A field's value as people read it.
fn shown(
    state: &AppState,
    t: &Locale,
    authors: &[dateline_store::Author],
    name: &str,
    value: &str,
) -> String {
    let directory = state.directory();
    let text = match name {
        "edition" => value.parse().ok().and_then(|id| directory.edition_by_id(id)).map(|e| e.name.clone()),
        "section" => value.parse().ok().and_then(|id| directory.section_by_id(id)).map(|s| s.name.clone()),
        "authors" => Some(
            value
                .split(',')
                .filter_map(|id| {
                    id.parse::<AuthorId>().ok().and_then(|id| authors.iter().find(|a| a.id == id))
                })
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        "breaking" => Some(t.get(if value.is_empty() { "no" } else { "yes" }).into_owned()),
        "main_media" if !value.is_empty() => Some(format!("#{value}")),
        _ => None,
    };
    let text = text.unwrap_or_else(|| value.to_owned());
    if text.is_empty() { "—".to_owned() } else { text }
}

/// Renders the merge page (409) for `mine`, a save refused because
/// `current` moved on since `mine.version`.
pub async fn merge_page(
    state: &AppState,
    t: &Locale,
    user: &User,
    jar: CookieJar,
    current: &Article,
    mine: &ArticleForm,
    action: &str,
) -> Result<Response, PageError> {
    let mine = mine.normalized();
    let theirs = ArticleForm::from_article(current, state);
    let base = match mine.version.parse::<i64>() {
        Ok(version) => state
            .store
            .revision_at_version(current.card.id, version)
            .await?
            .and_then(|(_, json)| serde_json::from_str::<ArticleForm>(&json).ok())
            .map(|form| form.normalized()),
        Err(_) => None,
    };
    let authors = state.store.authors().await?;
    let fields: Vec<MergeField> = FIELDS
        .iter()
        .map(|(name, label, get)| {
            let (m, th) = (get(&mine), get(&theirs));
            let pick = match base.as_ref().map(get) {
                _ if m == th => "mine",
                Some(b) if b == m => "theirs",
                Some(b) if b == th => "mine",
                _ => "",
            };
            MergeField {
                name,
                label: t.get(label).into_owned(),
                same: m == th,
                mine_shown: shown(state, t, &authors, name, &m),
                theirs_shown: shown(state, t, &authors, name, &th),
                mine: m,
                theirs: th,
                pick,
            }
        })
        .collect();
    let conflicts = fields.iter().filter(|f| !f.same && f.pick.is_empty()).count();
    let conflicts = (conflicts > 0).then(|| t.count("merge-conflicts", conflicts as i64));
    let last = state.store.revisions(current.card.id).await?.into_iter().next();
    let saved_by = match last {
        Some(revision) => {
            let who = revision.user_name.unwrap_or_else(|| "—".into());
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("name", who);
            args.set("time", t.date_time(revision.created_at));
            t.format("merge-saved-by", Some(&args)).into_owned()
        }
        None => String::new(),
    };
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let heading = t.get("merge-title").into_owned();
    let editor_href = format!("/newsroom/articles/{}", current.card.id);
    let template = MergeTemplate {
        frame: NewsroomFrame::new(state, t, user, &heading, token),
        action_href: editor_href.clone(),
        action: action.to_owned(),
        version: current.version,
        saved_by,
        fields,
        conflicts,
        editor_href,
    };
    Ok(no_store_page(StatusCode::CONFLICT, jar, template.render()?))
}
