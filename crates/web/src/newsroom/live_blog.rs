//! `POST /newsroom/articles/{id}/live`: a live blog's entries. Editors
//! (who may publish in the article's edition) post an entry (`action=post`),
//! correct one (`action=correct`, which marks it corrected on the page) or
//! delete one posted by mistake (`action=delete`). Any story becomes a live
//! blog with its first entry. When the story is published, each change
//! reaches readers' open pages at once through the live newsfeed.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum_extra::extract::{CookieJar, Form};
use dateline_core::ArticleStatus;

use super::{Staff, locale, permissions};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::error::PageError;
use dateline_store::{ArticleId, LiveEntryId};

/// Longest entry, in characters.
pub const MAX_ENTRY: usize = 5000;

#[derive(Debug, Default, serde::Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    /// The entry to correct or delete.
    #[serde(default)]
    entry: String,
    #[serde(default)]
    text: String,
}

/// `POST /newsroom/articles/{id}/live`.
pub async fn live_entry(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let id: ArticleId = id.parse().map_err(|_| PageError::NotFound)?;
    let article = state.store.article_by_id(id).await?.ok_or(PageError::NotFound)?;
    if !permissions::can_publish(&user, article.card.edition_id) {
        return Err(PageError::NotAllowed);
    }
    let t = locale(&state, &headers);
    let text = form.text.trim();
    let checked_text = || {
        if text.is_empty() {
            Err(PageError::BadRequest(t.get("error-entry-empty").into_owned()))
        } else if text.chars().count() > MAX_ENTRY {
            Err(PageError::BadRequest(t.arg("error-too-long", "max", &MAX_ENTRY.to_string())))
        } else {
            Ok(text)
        }
    };
    let entry_id = || {
        form.entry
            .trim()
            .parse::<LiveEntryId>()
            .map_err(|_| PageError::BadRequest(t.get("error-entry-unknown").into_owned()))
    };
    let now = time::OffsetDateTime::now_utc();
    // The entry, its audit entry, the content version and the event open
    // pages follow, in one transaction.
    let mut tx = state.store.begin_write().await?;
    let (kind, changed) = match form.action.as_str() {
        "post" => {
            let entry = tx.add_live_blog_entry(id, Some(user.id), checked_text()?, now).await?;
            ("entry-added", crate::live::EntryChange::Shown(entry))
        }
        "correct" => {
            let entry = tx
                .correct_live_blog_entry(id, entry_id()?, checked_text()?, now)
                .await?
                .ok_or(PageError::NotFound)?;
            ("entry-corrected", crate::live::EntryChange::Shown(entry))
        }
        "delete" => {
            let entry = entry_id()?;
            if !tx.delete_live_blog_entry(id, entry).await? {
                return Err(PageError::NotFound);
            }
            ("entry-removed", crate::live::EntryChange::Removed(entry))
        }
        _ => return Err(PageError::BadRequest("action must be post, correct or delete".into())),
    };
    let entry = match &changed {
        crate::live::EntryChange::Shown(entry) => entry.id,
        crate::live::EntryChange::Removed(entry) => *entry,
    };
    tx.record_audit(
        Some(user.id),
        Some(article.card.edition_id),
        &format!("liveblog.{}", form.action),
        &format!("article {id}"),
        &format!("entry {entry}"),
    )
    .await?;
    // The story's page shows its blog.
    let version = tx.record_page_change(&[crate::page_keys::story(article.card.id)]).await?;
    if article.status == ArticleStatus::Published {
        tx.append_live_event(&crate::live::entry_event(&article, kind, &changed), now).await?;
    }
    tx.commit().await?;
    state.content_committed(version).await?;
    Ok(see_other(jar, &format!("/newsroom/articles/{id}#live-blog")))
}
