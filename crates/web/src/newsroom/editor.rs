//! The article editor: `GET/POST /newsroom/articles/new` and
//! `GET/POST /newsroom/articles/{id}`.
//!
//! One form holds every field; its buttons name the workflow action:
//! `save` (keep the status; a published article becomes "updated"),
//! `submit` (draft → in review), `publish` (→ published, or an update when
//! already published), `unpublish` (→ 410 for readers) and `draft` (back to
//! draft). A mistake re-renders the form with the typed text and a message
//! next to each field; nothing typed is lost.
//!
//! Autosave: while someone types, the page's script posts the form with
//! `action=autosave` every few seconds; the text is kept per person and
//! form in `autosaves` (never in the article or its revisions) and a real
//! save deletes it. Opening the editor when a kept copy differs from the
//! stored article offers to restore it (`?restore=autosave`) or discard it;
//! both work without JavaScript. The browser also keeps its own copy in
//! localStorage, for when the server cannot be reached at all.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse as _, Response};
use axum_extra::extract::{CookieJar, Form};
use dateline_core::ArticleStatus;
use dateline_store::{Article, ArticleId, EditionId, LiveEntryId, RevisionId, SectionId, User};
use time::OffsetDateTime;

use super::list::{Choice, edition_choices, section_choices};
use super::workflow::{FieldErrors, WorkflowError, save_article};
use super::{NewsroomFrame, Staff, locale, no_store_page, permissions};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::view::{article_path, iso};

/// The editor's fields, exactly as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct ArticleForm {
    #[serde(default, skip_serializing)]
    pub(crate) csrf: String,
    #[serde(default, skip_serializing)]
    pub(crate) action: String,
    #[serde(default)]
    pub(crate) edition: String,
    #[serde(default)]
    pub(crate) section: String,
    #[serde(default)]
    pub(crate) headline: String,
    #[serde(default)]
    pub(crate) slug: String,
    #[serde(default)]
    pub(crate) lead: String,
    #[serde(default)]
    pub(crate) place: String,
    #[serde(default)]
    pub(crate) agency: String,
    #[serde(default)]
    pub(crate) body: String,
    /// The main photo's number in the media bank; empty for none.
    #[serde(default)]
    pub(crate) main_media: String,
    #[serde(default)]
    pub(crate) caption: String,
    #[serde(default)]
    pub(crate) credit: String,
    #[serde(default)]
    pub(crate) tags: String,
    #[serde(default)]
    pub(crate) authors: Vec<String>,
    #[serde(default)]
    pub(crate) breaking: Option<String>,
    #[serde(default)]
    pub(crate) translation_of: String,
    #[serde(default)]
    pub(crate) seo_title: String,
    #[serde(default)]
    pub(crate) seo_description: String,
    #[serde(default)]
    pub(crate) correction: String,
    /// When to publish, for the `schedule` action: `YYYY-MM-DDTHH:MM[:SS]`, UTC.
    #[serde(default)]
    pub(crate) publish_at: String,
    /// The original time of publication, set by an editor for an archived
    /// or syndicated story (`YYYY-MM-DDTHH:MM[:SS]`, UTC); empty: the moment
    /// of publishing.
    #[serde(default)]
    pub(crate) published_at: String,
    /// The article's version the form was opened at; a save over a newer
    /// one is refused and offered as a merge. Empty: no check.
    #[serde(default)]
    pub(crate) version: String,
}

impl ArticleForm {
    pub fn from_article(article: &Article, state: &AppState) -> Self {
        let directory = state.directory();
        let translation_of = match &article.translation_group {
            Some(group) => group.strip_prefix("article-").unwrap_or_default().to_owned(),
            None => String::new(),
        };
        Self {
            edition: article.card.edition_id.to_string(),
            section: article.card.section_id.to_string(),
            headline: article.card.headline.clone(),
            slug: article.card.slug.to_string(),
            lead: article.card.lead.clone(),
            place: article.dateline_place.clone(),
            agency: article.dateline_agency.clone(),
            body: article.body.clone(),
            main_media: article.card.image.as_ref().map(|i| i.media_id.to_string()).unwrap_or_default(),
            caption: article.image_caption.clone(),
            credit: article.image_credit.clone(),
            tags: article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            authors: article.authors.iter().map(|a| a.id.to_string()).collect(),
            breaking: article.card.breaking.then(|| "on".to_owned()),
            translation_of: if directory.edition_by_id(article.card.edition_id).is_some() {
                translation_of
            } else {
                String::new()
            },
            seo_title: article.seo_title.clone(),
            seo_description: article.seo_description.clone(),
            correction: article.correction.clone().unwrap_or_default(),
            publish_at: if article.status == ArticleStatus::Scheduled {
                format_local(article.card.published_at)
            } else {
                String::new()
            },
            published_at: if matches!(article.status, ArticleStatus::Published | ArticleStatus::Unpublished)
                || (article.published_at_fixed && article.status != ArticleStatus::Scheduled)
            {
                format_local(article.card.published_at)
            } else {
                String::new()
            },
            version: article.version.to_string(),
            ..Self::default()
        }
        .normalized()
    }

    /// The breaking-news box is ticked.
    pub fn is_breaking(&self) -> bool {
        self.breaking.as_deref().is_some_and(|v| !v.is_empty())
    }

    /// The chosen author ids, in order, each once. A merge posts a group
    /// as one comma-separated value.
    pub fn author_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for id in self.authors.iter().flat_map(|a| a.split(',')).map(str::trim).filter(|a| !a.is_empty()) {
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
        ids
    }

    /// The tags as they are saved: trimmed, each once (ignoring case).
    pub fn tag_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for name in self.tags.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_owned());
            }
        }
        names
    }

    /// The form as it would be stored: text trimmed, line ends as `\n`,
    /// tags and authors in one canonical spelling. Two forms that save the
    /// same article compare equal once normalized.
    pub fn normalized(&self) -> Self {
        let line_ends = |text: &str| text.replace("\r\n", "\n");
        Self {
            csrf: String::new(),
            action: String::new(),
            edition: self.edition.trim().to_owned(),
            section: self.section.trim().to_owned(),
            headline: self.headline.trim().to_owned(),
            slug: self.slug.trim().to_owned(),
            lead: line_ends(self.lead.trim()),
            place: self.place.trim().to_owned(),
            agency: self.agency.trim().to_owned(),
            body: line_ends(&self.body),
            main_media: self.main_media.trim().to_owned(),
            caption: self.caption.trim().to_owned(),
            credit: self.credit.trim().to_owned(),
            tags: self.tag_names().join(", "),
            authors: self.author_ids(),
            breaking: self.is_breaking().then(|| "on".to_owned()),
            translation_of: self.translation_of.trim().to_owned(),
            seo_title: self.seo_title.trim().to_owned(),
            seo_description: line_ends(self.seo_description.trim()),
            correction: line_ends(self.correction.trim()),
            publish_at: normalize_local(&self.publish_at),
            published_at: normalize_local(&self.published_at),
            version: self.version.trim().to_owned(),
        }
    }
}

/// A `datetime-local` value in one spelling (seconds always), or as typed
/// when it does not parse.
fn normalize_local(raw: &str) -> String {
    match super::workflow::parse_local(raw) {
        Some(at) => format_local(at),
        None => raw.trim().to_owned(),
    }
}

/// `2026-11-29T14:05:30` (what a `datetime-local` input with seconds
/// shows), in UTC.
pub(crate) fn format_local(at: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[derive(Debug)]
pub struct RevisionLine {
    pub id: RevisionId,
    pub time_iso: String,
    pub time_label: String,
    pub who: String,
    pub status_label: String,
}

#[derive(Template)]
#[template(path = "newsroom/editor.html")]
struct EditorTemplate<'a> {
    frame: NewsroomFrame<'a>,
    heading: String,
    action_href: String,
    form: ArticleForm,
    errors: FieldErrors,
    editions: Vec<Choice>,
    sections: Vec<Choice>,
    authors: Vec<Choice>,
    status_label: String,
    public_href: Option<String>,
    can_publish: bool,
    is_published: bool,
    is_draft: bool,
    is_in_review: bool,
    is_scheduled: bool,
    message: Option<String>,
    revisions: Vec<RevisionLine>,
    article_id: Option<ArticleId>,
    preview: Option<String>,
    /// A kept autosave that differs from what the form shows.
    autosave: Option<AutosaveNotice>,
    /// The chosen photo's thumbnail.
    photo_thumb: Option<String>,
    /// The live blog's entries, newest first.
    live_entries: Vec<EntryLine>,
}

/// A live-blog entry as the editor lists it.
#[derive(Debug)]
pub struct EntryLine {
    pub id: LiveEntryId,
    pub time_iso: String,
    pub time_label: String,
    /// The Markdown, for the correction form.
    pub body: String,
    pub html: String,
    pub corrected: bool,
}

#[derive(Debug)]
pub struct AutosaveNotice {
    pub time_iso: String,
    pub time_label: String,
    pub restore_href: String,
}

/// The autosave key of an editor form: the article id, or `new`.
fn autosave_key(article: Option<&Article>) -> String {
    article.map_or_else(|| "new".to_owned(), |a| a.card.id.to_string())
}

/// The kept autosave of this form, if it parses.
async fn kept_autosave(
    state: &AppState,
    user: &User,
    article: Option<&Article>,
) -> Result<Option<(ArticleForm, OffsetDateTime)>, PageError> {
    let kept = state.store.autosave(user.id, &autosave_key(article)).await?;
    Ok(kept.and_then(|(fields, at)| serde_json::from_str::<ArticleForm>(&fields).ok().map(|form| (form, at))))
}

impl EditorTemplate<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn breaking_checked(&self) -> bool {
        self.form.is_breaking()
    }

    fn author_selected(&self, id: &str) -> bool {
        self.form.author_ids().iter().any(|a| a == id)
    }
}

struct EditorContext<'a> {
    state: &'a AppState,
    t: &'a Locale,
    user: &'a User,
    jar: CookieJar,
    /// The body rendered as readers will see it, for the `preview` action.
    preview: Option<String>,
    /// Offer a kept autosave (on a fresh GET, not after a failed save).
    offer_autosave: bool,
}

async fn render_editor(
    cx: EditorContext<'_>,
    status: StatusCode,
    article: Option<&Article>,
    form: ArticleForm,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<Response, PageError> {
    let EditorContext { state, t, user, jar, preview, offer_autosave } = cx;
    let kept = if offer_autosave { kept_autosave(state, user, article).await? } else { None };
    let autosave = match kept {
        Some((kept, at))
            if serde_json::to_string(&kept.normalized()).ok()
                != serde_json::to_string(&form.normalized()).ok() =>
        {
            let base = article.map_or_else(
                || "/newsroom/articles/new".to_owned(),
                |a| format!("/newsroom/articles/{}", a.card.id),
            );
            Some(AutosaveNotice {
                time_iso: iso(at),
                time_label: t.date_time(at),
                restore_href: format!("{base}?restore=autosave"),
            })
        }
        _ => None,
    };
    let photo_thumb = match form.main_media.trim().parse::<dateline_store::MediaId>() {
        Ok(id) => state.store.media_by_id(id).await?.map(|m| super::media::thumbnail_href(&m)),
        Err(_) => None,
    };
    let directory = state.directory();
    let edition_id: Option<EditionId> = form.edition.parse().ok();
    let section_id: Option<SectionId> = form.section.parse().ok();
    let editions = edition_choices(&directory, user, edition_id);
    let sections = section_choices(&directory, user, section_id);
    let authors = state
        .store
        .authors()
        .await?
        .into_iter()
        .filter(|a| permissions::in_edition(user, a.edition_id))
        .map(|a| {
            let code = directory.edition_by_id(a.edition_id).map(|e| e.code.to_string()).unwrap_or_default();
            Choice { value: a.id.to_string(), label: format!("{} · {}", code, a.name), selected: false }
        })
        .collect();
    let (status_value, public_href, revisions) = match article {
        Some(article) => {
            let public = directory
                .edition_by_id(article.card.edition_id)
                .filter(|_| article.status == ArticleStatus::Published)
                .map(|e| article_path(e, article.card.published_at, article.card.slug.as_str()));
            let revisions = state
                .store
                .revisions(article.card.id)
                .await?
                .into_iter()
                .map(|r| RevisionLine {
                    id: r.id,
                    time_iso: iso(r.created_at),
                    time_label: t.date_time(r.created_at),
                    who: r.user_name.unwrap_or_else(|| "—".into()),
                    status_label: t.get(&format!("status-{}", r.status.as_str())).into_owned(),
                })
                .collect();
            (article.status, public, revisions)
        }
        None => (ArticleStatus::Draft, None, Vec::new()),
    };
    let live_entries = match article {
        Some(article) => state
            .store
            .live_blog_entries(article.card.id)
            .await?
            .into_iter()
            .map(|e| EntryLine {
                id: e.id,
                time_iso: iso(e.created_at),
                time_label: t.date_time(e.created_at),
                html: crate::live::entry_html(&e.body),
                body: e.body,
                corrected: e.corrected,
            })
            .collect(),
        None => Vec::new(),
    };
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let heading = match article {
        Some(_) => t.get("edit-article").into_owned(),
        None => t.get("new-article").into_owned(),
    };
    let template = EditorTemplate {
        frame: NewsroomFrame::new(state, t, user, &heading, token),
        heading,
        action_href: match article {
            Some(a) => format!("/newsroom/articles/{}", a.card.id),
            None => "/newsroom/articles/new".to_owned(),
        },
        can_publish: edition_id.is_some_and(|e| permissions::can_publish(user, e)),
        is_published: status_value == ArticleStatus::Published,
        is_draft: status_value == ArticleStatus::Draft,
        is_in_review: status_value == ArticleStatus::InReview,
        is_scheduled: status_value == ArticleStatus::Scheduled,
        status_label: t.get(&format!("status-{}", status_value.as_str())).into_owned(),
        public_href,
        form,
        errors,
        editions,
        sections,
        authors,
        message,
        revisions,
        article_id: article.map(|a| a.card.id),
        preview,
        autosave,
        photo_thumb,
        live_entries,
    };
    Ok(no_store_page(status, jar, template.render()?))
}

#[derive(Debug, serde::Deserialize)]
pub struct NewQuery {
    edition: Option<String>,
    /// `autosave` fills the form from the kept autosave.
    restore: Option<String>,
}

/// `GET /newsroom/articles/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let directory = state.directory();
    let edition = query
        .edition
        .and_then(|e| e.parse::<EditionId>().ok())
        .filter(|id| directory.edition_by_id(*id).is_some())
        .or_else(|| directory.editions().iter().find(|e| permissions::in_edition(&user, e.id)).map(|e| e.id));
    // An edition with a single section leaves nothing to choose.
    let section = match edition.map(|e| directory.sections_of(e)) {
        Some([only]) => only.id.to_string(),
        _ => String::new(),
    };
    let mut form = ArticleForm {
        edition: edition.map(|e| e.to_string()).unwrap_or_default(),
        section,
        agency: state.config.agency.clone(),
        ..ArticleForm::default()
    };
    let mut message = None;
    if query.restore.as_deref() == Some("autosave")
        && let Some((kept, _)) = kept_autosave(&state, &user, None).await?
    {
        form = kept;
        message = Some(t.get("autosave-restored").into_owned());
    }
    render_editor(
        EditorContext {
            state: &state,
            t,
            user: &user,
            jar,
            preview: None,
            offer_autosave: message.is_none(),
        },
        StatusCode::OK,
        None,
        form,
        FieldErrors::default(),
        message,
    )
    .await
}

/// Renders the editor for an existing article with `form` (used by restore).
#[expect(
    clippy::too_many_arguments,
    reason = "the editor needs all of it; a struct would only rename the list"
)]
pub async fn open_editor(
    state: &AppState,
    t: &Locale,
    user: &User,
    jar: CookieJar,
    article: &Article,
    form: ArticleForm,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<Response, PageError> {
    render_editor(
        EditorContext { state, t, user, jar, preview: None, offer_autosave: false },
        StatusCode::OK,
        Some(article),
        form,
        errors,
        message,
    )
    .await
}

/// `GET /newsroom/articles/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Path(id): Path<String>,
    Query(flash): Query<FlashQuery>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let id: ArticleId = id.parse().map_err(|_| PageError::NotFound)?;
    let article = state.store.article_by_id(id).await?.ok_or(PageError::NotFound)?;
    if !permissions::can_edit(&user, article.card.edition_id, article.status, article.created_by) {
        return Err(PageError::NotAllowed);
    }
    let mut message = flash
        .done
        .map(|action| t.get(&format!("done-{action}")).into_owned())
        .filter(|m| !m.starts_with("done-"));
    if let (Some(done), Some(wanted)) = (message.as_mut(), flash.wanted.as_deref())
        && wanted != article.card.slug.as_str()
        && dateline_core::Slug::parse(wanted).is_ok()
    {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("wanted", wanted.to_owned());
        args.set("given", article.card.slug.to_string());
        done.push(' ');
        done.push_str(&t.format("slug-suffixed", Some(&args)));
    }
    let mut form = ArticleForm::from_article(&article, &state);
    let mut offer_autosave = true;
    if flash.restore.as_deref() == Some("autosave")
        && let Some((kept, _)) = kept_autosave(&state, &user, Some(&article)).await?
    {
        form = kept;
        message = Some(t.get("autosave-restored").into_owned());
        offer_autosave = false;
    }
    render_editor(
        EditorContext { state: &state, t, user: &user, jar, preview: None, offer_autosave },
        StatusCode::OK,
        Some(&article),
        form,
        FieldErrors::default(),
        message,
    )
    .await
}

#[derive(Debug, serde::Deserialize)]
pub struct FlashQuery {
    done: Option<String>,
    /// The address the headline asked for, when it was taken.
    wanted: Option<String>,
    /// `autosave` fills the form from the kept autosave.
    restore: Option<String>,
}

async fn apply(
    state: AppState,
    user: User,
    headers: HeaderMap,
    jar: CookieJar,
    article: Option<Article>,
    form: ArticleForm,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let action = if form.action.is_empty() { "save".to_owned() } else { form.action.clone() };
    let key = autosave_key(article.as_ref());
    let editor_href = article
        .as_ref()
        .map_or_else(|| "/newsroom/articles/new".to_owned(), |a| format!("/newsroom/articles/{}", a.card.id));
    if action == "autosave" {
        // Keeps the typed text only: no validation, no revision, no audit entry.
        let fields = serde_json::to_string(&form).map_err(|e| PageError::BadRequest(e.to_string()))?;
        state.store.save_autosave(user.id, &key, &fields, OffsetDateTime::now_utc()).await?;
        return Ok(
            (StatusCode::NO_CONTENT, jar, [(axum::http::header::CACHE_CONTROL, "no-store")]).into_response()
        );
    }
    if action == "discard_autosave" {
        state.store.delete_autosave(user.id, &key).await?;
        return Ok(see_other(jar, &editor_href));
    }
    if action == "preview" {
        // Nothing is saved: the body is shown as readers would see it.
        let agency =
            if form.agency.trim().is_empty() { state.config.agency.as_str() } else { form.agency.trim() };
        let dateline = if form.place.trim().is_empty() {
            String::new()
        } else {
            t.dateline(form.place.trim(), agency, time::OffsetDateTime::now_utc())
        };
        let preview = Some(crate::markdown::render_body(&form.body, &dateline));
        let cx = EditorContext { state: &state, t, user: &user, jar, preview, offer_autosave: false };
        return render_editor(cx, StatusCode::OK, article.as_ref(), form, FieldErrors::default(), None).await;
    }
    match save_article(&state, t, &user, article.as_ref(), &form, &action).await {
        Ok(saved) => {
            state.store.delete_autosave(user.id, &key).await?;
            let mut to = format!("/newsroom/articles/{}?done={}", saved.id, saved.verb);
            if let Some(wanted) = &saved.wanted_slug {
                to.push_str(&format!("&wanted={wanted}"));
            }
            Ok(see_other(jar, &to))
        }
        Err(WorkflowError::Stale(_)) => {
            // Someone saved meanwhile: both versions, field by field.
            let id = article.as_ref().map(|a| a.card.id).ok_or(PageError::NotFound)?;
            let current = state.store.article_by_id(id).await?.ok_or(PageError::NotFound)?;
            super::merge::merge_page(&state, t, &user, jar, &current, &form, &action).await
        }
        Err(WorkflowError::Invalid(errors)) => {
            let message = Some(t.get("form-has-errors").into_owned());
            let cx =
                EditorContext { state: &state, t, user: &user, jar, preview: None, offer_autosave: false };
            render_editor(cx, StatusCode::UNPROCESSABLE_ENTITY, article.as_ref(), form, errors, message).await
        }
        Err(WorkflowError::NotAllowed) => Err(PageError::NotAllowed),
        Err(WorkflowError::Store(error)) => Err(error.into()),
    }
}

/// `POST /newsroom/articles/new`.
pub async fn create(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<ArticleForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    apply(state, user, headers, jar, None, form).await
}

/// `POST /newsroom/articles/{id}`.
pub async fn save(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<ArticleForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let id: ArticleId = id.parse().map_err(|_| PageError::NotFound)?;
    let article = state.store.article_by_id(id).await?.ok_or(PageError::NotFound)?;
    if !permissions::can_edit(&user, article.card.edition_id, article.status, article.created_by) {
        return Err(PageError::NotAllowed);
    }
    apply(state, user, headers, jar, Some(article), form).await
}
