//! The editorial workflow behind both the newsroom editor and the JSON API:
//! validate an article's fields, apply a workflow action (save, submit,
//! draft, schedule, publish, unpublish) if the account may, write the
//! article, its revision, its publication job and an audit entry, and
//! refresh the public pages.

use dateline_core::{ArticleStatus, Slug, slugify};
use dateline_store::{Article, NewArticle, StoreError, User};
use time::OffsetDateTime;

use super::editor::ArticleForm;
use super::permissions;
use crate::AppState;
use crate::i18n::Locale;

/// Why an action was not done.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// Some fields need fixing (422); the messages say how.
    #[error("invalid fields")]
    Invalid(FieldErrors),
    /// The account may not do this to this article (403).
    #[error("not allowed")]
    NotAllowed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was done.
#[derive(Debug)]
pub struct Saved {
    pub id: i64,
    pub status: ArticleStatus,
    /// `save`, `submit`, `draft`, `schedule`, `publish`, `update` or `unpublish`.
    pub verb: String,
}

/// Reads a `datetime-local` value (minutes or seconds) as UTC.
pub fn parse_local(raw: &str) -> Option<OffsetDateTime> {
    let raw = raw.trim();
    let with_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::PrimitiveDateTime::parse(raw, with_seconds)
        .or_else(|_| time::PrimitiveDateTime::parse(raw, minutes))
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// Field name → message, for the fields that need fixing.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: String) {
        self.0.push((field, message));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }
}

/// What a valid form becomes.
struct Checked {
    edition_id: i64,
    section_id: i64,
    slug: Slug,
    tag_names: Vec<String>,
    author_ids: Vec<i64>,
    translation_of: Option<i64>,
    main_media_id: Option<i64>,
}

fn too_long(t: &Locale, max: usize) -> String {
    t.arg("error-too-long", "max", &max.to_string())
}

async fn check(
    state: &AppState,
    t: &Locale,
    user: &User,
    form: &ArticleForm,
) -> Result<Result<Checked, FieldErrors>, StoreError> {
    let directory = state.directory();
    let mut errors = FieldErrors::default();
    let edition = form.edition.parse::<i64>().ok().and_then(|id| directory.edition_by_id(id).cloned());
    let edition = match edition {
        Some(e) if permissions::can_create(user, e.id) => Some(e),
        _ => {
            errors.add("edition", t.get("error-edition").into_owned());
            None
        }
    };
    let section = form
        .section
        .parse::<i64>()
        .ok()
        .and_then(|id| directory.section_by_id(id).cloned())
        .filter(|s| edition.as_ref().is_some_and(|e| e.id == s.edition_id));
    if section.is_none() {
        errors.add("section", t.get("error-section").into_owned());
    }
    let headline = form.headline.trim();
    if headline.is_empty() {
        errors.add("headline", t.get("error-headline").into_owned());
    } else if headline.chars().count() > 200 {
        errors.add("headline", too_long(t, 200));
    }
    let slug =
        if form.slug.trim().is_empty() { Ok(slugify(headline)) } else { Slug::parse(form.slug.trim()) };
    let slug = match slug {
        Ok(slug) => Some(slug),
        Err(_) => {
            errors.add("slug", t.get("error-slug").into_owned());
            None
        }
    };
    for (field, value, max) in [
        ("lead", &form.lead, 600),
        ("place", &form.place, 80),
        ("agency", &form.agency, 80),
        ("body", &form.body, 200_000),
        ("caption", &form.caption, 1000),
        ("credit", &form.credit, 200),
        ("seo_title", &form.seo_title, 120),
        ("seo_description", &form.seo_description, 320),
        ("correction", &form.correction, 2000),
    ] {
        if value.chars().count() > max {
            errors.add(field, too_long(t, max));
        }
    }
    let mut tag_names: Vec<String> = Vec::new();
    for name in form.tags.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name.chars().count() > 60 {
            errors.add("tags", t.get("error-tags").into_owned());
            break;
        }
        if !tag_names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            tag_names.push(name.to_owned());
        }
    }
    if tag_names.len() > 10 {
        errors.add("tags", t.get("error-tags").into_owned());
    }
    let all_authors = state.store.authors().await?;
    let mut author_ids = Vec::new();
    for raw in &form.authors {
        match raw.parse::<i64>().ok().and_then(|id| all_authors.iter().find(|a| a.id == id)) {
            Some(a) if edition.as_ref().is_some_and(|e| e.id == a.edition_id) => author_ids.push(a.id),
            _ => {
                errors.add("authors", t.get("error-authors").into_owned());
                break;
            }
        }
    }
    let translation_of = match form.translation_of.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) if state.store.article_by_id(id).await?.is_some() => Some(id),
            _ => {
                errors.add("translation_of", t.get("error-translation").into_owned());
                None
            }
        },
    };
    let main_media_id = match form.main_media.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) if state.store.media_by_id(id).await?.is_some() => Some(id),
            _ => {
                errors.add("main_media", t.get("error-main-media").into_owned());
                None
            }
        },
    };
    Ok(match (edition, section, slug) {
        (Some(edition), Some(section), Some(slug)) if errors.is_empty() => Ok(Checked {
            main_media_id,
            edition_id: edition.id,
            section_id: section.id,
            slug,
            tag_names,
            author_ids,
            translation_of,
        }),
        _ => Err(errors),
    })
}

/// Validates `form` and applies `action` to `article` (a new one when `None`).
pub async fn save_article(
    state: &AppState,
    t: &Locale,
    user: &User,
    article: Option<&Article>,
    form: &ArticleForm,
    action: &str,
) -> Result<Saved, WorkflowError> {
    let checked = match check(state, t, user, form).await? {
        Ok(checked) => checked,
        Err(errors) => return Err(WorkflowError::Invalid(errors)),
    };
    let current = article.as_ref().map_or(ArticleStatus::Draft, |a| a.status);
    let publish_allowed = permissions::can_publish(user, checked.edition_id);

    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let publish_at = parse_local(&form.publish_at);
    if action == "schedule" && publish_allowed && publish_at.is_none_or(|at| at <= now) {
        let mut errors = FieldErrors::default();
        errors.add("publish_at", t.get("error-publish-at").into_owned());
        return Err(WorkflowError::Invalid(errors));
    }
    let (status, published_at, updated_at) = match (action, current) {
        ("save", ArticleStatus::Published) if publish_allowed => {
            (ArticleStatus::Published, article.as_ref().map_or(now, |a| a.card.published_at), now)
        }
        ("save", status) if status != ArticleStatus::Published => {
            (status, article.as_ref().map_or(now, |a| a.card.published_at), now)
        }
        ("submit", ArticleStatus::Draft) => {
            (ArticleStatus::InReview, article.as_ref().map_or(now, |a| a.card.published_at), now)
        }
        ("draft", ArticleStatus::InReview | ArticleStatus::Scheduled) => {
            (ArticleStatus::Draft, article.as_ref().map_or(now, |a| a.card.published_at), now)
        }
        ("schedule", ArticleStatus::Draft | ArticleStatus::InReview | ArticleStatus::Scheduled)
            if publish_allowed =>
        {
            let at = publish_at.unwrap_or(now);
            (ArticleStatus::Scheduled, at, at)
        }
        ("publish", ArticleStatus::Published | ArticleStatus::Unpublished) if publish_allowed => {
            (ArticleStatus::Published, article.as_ref().map_or(now, |a| a.card.published_at), now)
        }
        ("publish", _) if publish_allowed => (ArticleStatus::Published, now, now),
        ("unpublish", ArticleStatus::Published) if publish_allowed => {
            (ArticleStatus::Unpublished, article.as_ref().map_or(now, |a| a.card.published_at), now)
        }
        _ => return Err(WorkflowError::NotAllowed),
    };
    let mut tag_ids = Vec::new();
    for name in &checked.tag_names {
        tag_ids.push(state.store.ensure_tag(checked.edition_id, &slugify(name), name).await?.id);
    }
    let translation_group = match checked.translation_of {
        Some(other) => {
            let group = match state.store.article_by_id(other).await?.and_then(|a| a.translation_group) {
                Some(group) => group,
                None => {
                    let group = format!("article-{other}");
                    state.store.set_translation_group(other, &group).await?;
                    group
                }
            };
            Some(group)
        }
        None => article.as_ref().and_then(|a| a.translation_group.clone()),
    };
    let correction = form.correction.trim();
    let new = NewArticle {
        edition_id: checked.edition_id,
        section_id: checked.section_id,
        slug: checked.slug,
        headline: form.headline.trim().to_owned(),
        lead: form.lead.trim().to_owned(),
        dateline_place: form.place.trim().to_owned(),
        dateline_agency: form.agency.trim().to_owned(),
        body: form.body.replace("\r\n", "\n"),
        main_media_id: checked.main_media_id,
        image_caption: form.caption.trim().to_owned(),
        image_credit: form.credit.trim().to_owned(),
        breaking: form.breaking.is_some(),
        status,
        published_at,
        updated_at,
        translation_group,
        correction: (!correction.is_empty()).then(|| correction.to_owned()),
        seo_title: form.seo_title.trim().to_owned(),
        seo_description: form.seo_description.trim().to_owned(),
        created_by: Some(user.id),
        tag_ids,
        author_ids: checked.author_ids,
    };
    let saved = match &article {
        Some(a) => state.store.update_article(a.card.id, &new).await.map(|()| a.card.id),
        None => state.store.create_article(&new).await,
    };
    let id = match saved {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            let mut errors = FieldErrors::default();
            errors.add("slug", t.get("error-slug-taken").into_owned());
            return Err(WorkflowError::Invalid(errors));
        }
        Err(other) => return Err(other.into()),
    };
    // Exactly one pending publication job for a scheduled article, none otherwise.
    let job_payload = id.to_string();
    state.store.cancel_jobs(crate::jobs::PUBLISH_ARTICLE, &job_payload).await?;
    if status == ArticleStatus::Scheduled {
        state.store.enqueue_job(crate::jobs::PUBLISH_ARTICLE, &job_payload, published_at).await?;
    }
    let snapshot = serde_json::to_string(&form).unwrap_or_default();
    state.store.add_revision(id, Some(user.id), status, &snapshot).await?;
    let verb = match (action, current) {
        ("publish", ArticleStatus::Published) | ("save", ArticleStatus::Published) => "update",
        (action, _) => action,
    };
    state
        .store
        .record_audit(
            Some(user.id),
            &format!("article.{verb}"),
            &format!("article {id}"),
            new.headline.as_str(),
        )
        .await?;
    tracing::info!(article = id, user = user.id, action = verb, status = status.as_str(), "article saved");
    state.content_changed().await?;
    crate::live::article_changed(state, id, article.as_ref().map(|a| a.status), status).await;
    Ok(Saved { id, status, verb: verb.to_owned() })
}
