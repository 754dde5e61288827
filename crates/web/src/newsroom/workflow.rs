//! The editorial workflow behind both the newsroom editor and the JSON API:
//! validate an article's fields, apply a workflow action (save, submit,
//! draft, schedule, publish, unpublish) if the account may, write the
//! article, its revision, its publication job and an audit entry, and
//! refresh the public pages.

use dateline_core::{ArticleStatus, Slug, slugify};
use dateline_store::{Article, ArticleId, AuthorId, EditionId, NewArticle, SectionId, StoreError, User};
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
    /// Someone saved the article after the version this save started from;
    /// it is now at this version. Nothing was written.
    #[error("the article changed meanwhile")]
    Stale(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was done.
#[derive(Debug)]
pub struct Saved {
    pub id: ArticleId,
    pub status: ArticleStatus,
    /// `save`, `submit`, `draft`, `schedule`, `publish`, `update` or `unpublish`.
    pub verb: String,
    /// The article's version now.
    pub version: i64,
    pub slug: Slug,
    /// The address made from the headline was taken in the edition, so the
    /// story got `slug` instead (with a number after it).
    pub wanted_slug: Option<Slug>,
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
    edition_id: EditionId,
    section_id: SectionId,
    slug: Slug,
    /// The slug was made from the headline (none was typed): when it is
    /// taken, a number is added instead of refusing the save.
    slug_from_headline: bool,
    tag_names: Vec<String>,
    author_ids: Vec<AuthorId>,
    translation_of: Option<ArticleId>,
    main_media_id: Option<dateline_store::MediaId>,
    /// The original time of publication an editor gave.
    published_at: Option<OffsetDateTime>,
}

fn too_long(t: &Locale, max: usize) -> String {
    t.arg("error-too-long", "max", &max.to_string())
}

async fn check(
    state: &AppState,
    t: &Locale,
    user: &User,
    article: Option<&Article>,
    form: &ArticleForm,
) -> Result<Result<Checked, FieldErrors>, StoreError> {
    let directory = state.directory();
    let mut errors = FieldErrors::default();
    let edition = form.edition.parse::<EditionId>().ok().and_then(|id| directory.edition_by_id(id).cloned());
    let edition = match edition {
        Some(e) if permissions::can_create(user, e.id) => Some(e),
        _ => {
            errors.add("edition", t.get("error-edition").into_owned());
            None
        }
    };
    let section = form
        .section
        .parse::<SectionId>()
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
    let tag_names = form.tag_names();
    if tag_names.len() > 10 || tag_names.iter().any(|name| name.chars().count() > 60) {
        errors.add("tags", t.get("error-tags").into_owned());
    }
    let all_authors = state.store.authors().await?;
    let mut author_ids = Vec::new();
    for raw in &form.author_ids() {
        match raw.parse::<AuthorId>().ok().and_then(|id| all_authors.iter().find(|a| a.id == id)) {
            Some(a) if edition.as_ref().is_some_and(|e| e.id == a.edition_id) => author_ids.push(a.id),
            _ => {
                errors.add("authors", t.get("error-authors").into_owned());
                break;
            }
        }
    }
    let translation_of = match form.translation_of.trim() {
        "" => None,
        raw => match raw.parse::<ArticleId>() {
            Ok(id) if state.store.article_by_id(id).await?.is_some() => Some(id),
            _ => {
                errors.add("translation_of", t.get("error-translation").into_owned());
                None
            }
        },
    };
    let main_media_id = match form.main_media.trim() {
        "" => None,
        raw => match raw.parse::<dateline_store::MediaId>() {
            Ok(id) if state.store.media_by_id(id).await?.is_some() => Some(id),
            _ => {
                errors.add("main_media", t.get("error-main-media").into_owned());
                None
            }
        },
    };
    let published_at = match form.published_at.trim() {
        "" => None,
        raw => match parse_local(raw) {
            None => {
                errors.add("published_at", t.get("error-published-at").into_owned());
                None
            }
            Some(at) => {
                let unchanged = article.is_some_and(|a| a.card.published_at == at);
                let may_set = edition.as_ref().is_some_and(|e| permissions::can_publish(user, e.id));
                if !unchanged && !may_set {
                    errors.add("published_at", t.get("error-published-at-role").into_owned());
                } else if at > OffsetDateTime::now_utc() + time::Duration::minutes(1) {
                    errors.add("published_at", t.get("error-published-at-future").into_owned());
                } else if at.year() < 1900 {
                    errors.add("published_at", t.get("error-published-at").into_owned());
                }
                Some(at)
            }
        },
    };
    Ok(match (edition, section, slug) {
        (Some(edition), Some(section), Some(slug)) if errors.is_empty() => Ok(Checked {
            main_media_id,
            edition_id: edition.id,
            section_id: section.id,
            slug,
            slug_from_headline: form.slug.trim().is_empty(),
            tag_names,
            author_ids,
            translation_of,
            published_at,
        }),
        _ => Err(errors),
    })
}

/// True when `slug` is free in the edition for `article`: no other story
/// has it now, and none had it before (its old address must keep
/// redirecting).
async fn slug_is_free(
    state: &AppState,
    edition_id: EditionId,
    slug: &Slug,
    article: Option<ArticleId>,
) -> Result<bool, StoreError> {
    let now = state.store.article_by_slug(edition_id, slug).await?.map(|a| a.card.id);
    let before = state.store.article_id_by_old_slug(edition_id, slug).await?;
    Ok([now, before].into_iter().flatten().all(|id| Some(id) == article))
}

/// The first free address among `slug`, `slug-2`, `slug-3` …
async fn free_slug(
    state: &AppState,
    edition_id: EditionId,
    slug: &Slug,
    article: Option<ArticleId>,
) -> Result<Slug, StoreError> {
    if slug_is_free(state, edition_id, slug, article).await? {
        return Ok(slug.clone());
    }
    for n in 2..=50 {
        let candidate = slug.with_suffix(n);
        if slug_is_free(state, edition_id, &candidate, article).await? {
            return Ok(candidate);
        }
    }
    // Fifty stories of one headline: a number nobody has used.
    let unique = u32::try_from(OffsetDateTime::now_utc().unix_timestamp() % 1_000_000_000).unwrap_or(51);
    Ok(slug.with_suffix(unique))
}

/// Validates `form` and applies `action` to `article` (a new one when `None`).
///
/// A form that names the version it was opened at (`form.version`) is
/// refused with [`WorkflowError::Stale`] when the article has moved on.
pub async fn save_article(
    state: &AppState,
    t: &Locale,
    user: &User,
    article: Option<&Article>,
    form: &ArticleForm,
    action: &str,
) -> Result<Saved, WorkflowError> {
    let checked = match check(state, t, user, article, form).await? {
        Ok(checked) => checked,
        Err(errors) => return Err(WorkflowError::Invalid(errors)),
    };
    let expected_version = match form.version.trim() {
        "" => None,
        raw => raw.parse::<i64>().ok(),
    };
    if let (Some(article), Some(expected)) = (article, expected_version)
        && article.version != expected
    {
        return Err(WorkflowError::Stale(article.version));
    }
    let current = article.as_ref().map_or(ArticleStatus::Draft, |a| a.status);
    let publish_allowed = permissions::can_publish(user, checked.edition_id);

    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let publish_at = parse_local(&form.publish_at);
    if action == "schedule" && publish_allowed && publish_at.is_none_or(|at| at <= now) {
        let mut errors = FieldErrors::default();
        errors.add("publish_at", t.get("error-publish-at").into_owned());
        return Err(WorkflowError::Invalid(errors));
    }
    // The time the story has (or will have) been published: the original
    // one an editor gave, else the story's own, else now.
    let given = checked.published_at;
    let kept = given.or_else(|| article.filter(|a| a.published_at_fixed).map(|a| a.card.published_at));
    let existing = article.as_ref().map_or(now, |a| a.card.published_at);
    let (status, published_at, updated_at) = match (action, current) {
        ("save", ArticleStatus::Published) if publish_allowed => {
            (ArticleStatus::Published, given.unwrap_or(existing), now)
        }
        ("save", status) if status != ArticleStatus::Published => (status, kept.unwrap_or(existing), now),
        ("submit", ArticleStatus::Draft) => (ArticleStatus::InReview, kept.unwrap_or(existing), now),
        ("draft", ArticleStatus::InReview | ArticleStatus::Scheduled) => {
            (ArticleStatus::Draft, kept.unwrap_or(existing), now)
        }
        ("schedule", ArticleStatus::Draft | ArticleStatus::InReview | ArticleStatus::Scheduled)
            if publish_allowed =>
        {
            let at = publish_at.unwrap_or(now);
            (ArticleStatus::Scheduled, at, at)
        }
        ("publish", ArticleStatus::Published | ArticleStatus::Unpublished) if publish_allowed => {
            (ArticleStatus::Published, given.unwrap_or(existing), now)
        }
        // A first publication at an original time is that time's version.
        ("publish", _) if publish_allowed => match kept {
            Some(at) => (ArticleStatus::Published, at, at),
            None => (ArticleStatus::Published, now, now),
        },
        ("unpublish", ArticleStatus::Published) if publish_allowed => {
            (ArticleStatus::Unpublished, given.unwrap_or(existing), now)
        }
        _ => return Err(WorkflowError::NotAllowed),
    };
    let published_at_fixed = match status {
        ArticleStatus::Scheduled => false,
        ArticleStatus::Published | ArticleStatus::Unpublished => {
            given.is_some() || article.is_some_and(|a| a.published_at_fixed)
        }
        ArticleStatus::Draft | ArticleStatus::InReview => given.is_some(),
    };
    // The group a translation joins: the other story's, or a new one that
    // other story starts (written with this save).
    let (translation_group, starts_group) = match checked.translation_of {
        Some(other) => match state.store.article_by_id(other).await?.and_then(|a| a.translation_group) {
            Some(group) => (Some(group), None),
            None => (Some(format!("article-{other}")), Some(other)),
        },
        None => (article.as_ref().and_then(|a| a.translation_group.clone()), None),
    };
    let correction = form.correction.trim();
    let article_id = article.map(|a| a.card.id);
    let wanted = checked.slug.clone();
    let mut new = NewArticle {
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
        breaking: form.is_breaking(),
        status,
        published_at,
        updated_at,
        published_at_fixed,
        translation_group,
        correction: (!correction.is_empty()).then(|| correction.to_owned()),
        seo_title: form.seo_title.trim().to_owned(),
        seo_description: form.seo_description.trim().to_owned(),
        created_by: Some(user.id),
        tag_ids: Vec::new(),
        author_ids: checked.author_ids,
    };
    let verb = match (action, current) {
        ("publish", ArticleStatus::Published) | ("save", ArticleStatus::Published) => "update",
        (action, _) => action,
    };
    let change = crate::live::story_change(article.as_ref().map(|a| a.status), status);
    // One action, one transaction: the story with its tags, authors and old
    // address, its publication job, its revision, its audit entries, the
    // live event, the content version and its follow-ups (the breaking
    // alert and WebSub ping, as a job) commit together or not at all.
    // A headline used before ("Morning briefing") gets the next free
    // address; a typed address that is taken is refused. A story that
    // races for the same address in between starts again with the next one
    // (on PostgreSQL a refused statement spoils its transaction).
    // Where the story was shown, and its translations (whose pages link
    // it), for the pages the change drops.
    let before = article.map(crate::page_keys::StoryPlace::of_article);
    let mut translations =
        crate::page_keys::translations(state.store.as_ref(), new.translation_group.as_deref()).await?;
    if let Some(old_group) = article.and_then(|a| a.translation_group.as_deref()) {
        translations.extend(crate::page_keys::translations(state.store.as_ref(), Some(old_group)).await?);
    }
    if let Some(other) = starts_group {
        translations.push(other);
    }
    let mut attempts = 0;
    let (id, version, content_version) = loop {
        if checked.slug_from_headline {
            new.slug = free_slug(state, new.edition_id, &wanted, article_id).await?;
        }
        let step = async {
            let mut tx = state.store.begin_write().await?;
            new.tag_ids.clear();
            for name in &checked.tag_names {
                new.tag_ids.push(tx.ensure_tag(new.edition_id, &slugify(name), name).await?.id);
            }
            if let (Some(other), Some(group)) = (starts_group, new.translation_group.as_deref()) {
                tx.set_translation_group(other, group).await?;
            }
            let (id, version) = match article {
                Some(a) => (a.card.id, tx.update_article(a.card.id, &new, expected_version).await?),
                None => (tx.create_article(&new).await?, 1),
            };
            // Exactly one pending publication job for a scheduled article, none otherwise.
            let job_payload = id.to_string();
            tx.cancel_jobs(crate::jobs::PUBLISH_ARTICLE, &job_payload).await?;
            if status == ArticleStatus::Scheduled {
                tx.enqueue_job(crate::jobs::PUBLISH_ARTICLE, &job_payload, published_at).await?;
            }
            // The revision is the article as stored, in the editor's fields.
            let stored =
                ArticleForm { slug: new.slug.to_string(), version: version.to_string(), ..form.normalized() };
            let snapshot = serde_json::to_string(&stored).unwrap_or_default();
            tx.add_revision(id, Some(user.id), status, &snapshot, version).await?;
            let subject = format!("article {id}");
            tx.record_audit(
                Some(user.id),
                Some(new.edition_id),
                &format!("article.{verb}"),
                &subject,
                &new.headline,
            )
            .await?;
            if given.is_some_and(|at| article.is_none_or(|a| a.card.published_at != at)) {
                let before =
                    article.map_or_else(|| "none".to_owned(), |a| crate::view::iso(a.card.published_at));
                let detail =
                    format!("original time of publication: {before} → {}", crate::view::iso(published_at));
                tx.record_audit(
                    Some(user.id),
                    Some(new.edition_id),
                    "article.published_at",
                    &subject,
                    &detail,
                )
                .await?;
            }
            let keys = crate::page_keys::story_change(
                id,
                before.as_ref(),
                Some(&crate::page_keys::StoryPlace::of_new(&new)),
                &translations,
            );
            let content_version = tx.record_page_change(&keys).await?;
            let event =
                change.and_then(|kind| crate::live::story_event(&state.directory(), id, (&new).into(), kind));
            if let Some(event) = event {
                tx.append_live_event(&event, OffsetDateTime::now_utc()).await?;
            }
            if let Some(kind) = change {
                let payload = crate::jobs::story_changed_payload(id, kind);
                tx.enqueue_job(crate::jobs::STORY_CHANGED, &payload, OffsetDateTime::now_utc()).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>((id, version, content_version))
        };
        match step.await {
            Ok(done) => break done,
            Err(StoreError::Conflict(_)) if checked.slug_from_headline && attempts < 3 => attempts += 1,
            Err(StoreError::Conflict(_)) => {
                let mut errors = FieldErrors::default();
                errors.add("slug", t.get("error-slug-taken").into_owned());
                return Err(WorkflowError::Invalid(errors));
            }
            Err(StoreError::Stale(now)) => return Err(WorkflowError::Stale(now)),
            Err(other) => return Err(other.into()),
        }
    };
    tracing::info!(
        article = id.get(),
        user = user.id.get(),
        action = verb,
        status = status.as_str(),
        "article saved"
    );
    state.content_committed(content_version).await?;
    let wanted_slug = (new.slug != wanted).then_some(wanted);
    Ok(Saved { id, status, verb: verb.to_owned(), version, slug: new.slug, wanted_slug })
}
