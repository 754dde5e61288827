//! The article page: the heart of the product (DESIGN.md, "The article page").

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use dateline_core::{ArticleStatus, Slug};
use dateline_store::{Article, ArticleId, ArticleQuery, Edition, LiveEntryId, TagId};

use super::{StoryList, edition_from, html, newsfeed, page_size};
use crate::AppState;
use crate::directory::SiteDirectory;
use crate::discussion::view::DiscussionRequest;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::markdown::render_body;
use crate::view::{
    Alternate, FeedItem, Frame, ImageView, Link, OpenGraph, SIZES_MAIN, article_path, iso, json_for_script,
    media_path, rendition_url, section_path,
};

#[derive(Debug)]
pub struct FigureView {
    pub image: ImageView,
    pub caption: String,
    /// The credit as the desk gave it ("REUTERS/Ana Lima", "© POOL").
    pub credit: String,
    /// The photo's copyright notice, when the bank has one that the credit
    /// does not already say.
    pub copyright: Option<String>,
    pub media_href: String,
}

#[derive(Debug)]
pub struct ArticleView {
    pub id: ArticleId,
    pub headline: String,
    pub lead: String,
    pub breaking: bool,
    pub section_name: String,
    pub section_href: String,
    pub section_description: String,
    pub figure: Option<FigureView>,
    pub authors: Vec<Link>,
    pub byline: String,
    pub published_iso: String,
    pub published_label: String,
    /// (ISO time, label) when the article was updated after publication.
    pub updated: Option<(String, String)>,
    pub correction: Option<String>,
    pub body_html: String,
    pub tags: Vec<Link>,
    pub share: Vec<Link>,
    pub subscribe_href: String,
    pub chats_href: String,
    /// Open chat rooms about this story (address, title).
    pub chat_rooms: Vec<(String, String)>,
}

/// A live blog's entries under the story, newest first.
#[derive(Debug)]
pub struct LiveBlogView {
    pub article_id: ArticleId,
    /// An entry came in the last two hours: the blog is marked live.
    pub live_now: bool,
    pub entries: Vec<LiveEntryView>,
}

#[derive(Debug)]
pub struct LiveEntryView {
    pub id: LiveEntryId,
    pub time_iso: String,
    pub time_label: String,
    pub html: String,
    pub corrected: bool,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticleTemplate<'a> {
    frame: Frame<'a>,
    a: ArticleView,
    live: Option<LiveBlogView>,
    d: crate::discussion::view::DiscussionView,
    related: Vec<crate::view::CardView>,
    list: StoryList,
    newsfeed: Vec<FeedItem>,
}

/// How many related stories an article shows.
const RELATED_SIZE: usize = 4;

/// Stories related to `article`: those sharing one of its tags first, then
/// others from its section; newest first within each; at most
/// [`RELATED_SIZE`].
async fn related_stories(
    state: &AppState,
    directory: &SiteDirectory,
    edition: &Edition,
    t: &Locale,
    article: &Article,
) -> Result<Vec<crate::view::CardView>, PageError> {
    let card = &article.card;
    let tag_ids: Vec<TagId> = article.tags.iter().take(3).map(|tag| tag.id).collect();
    // The lists it draws from: a story joining one changes this page.
    for tag in &tag_ids {
        crate::page_keys::shows(crate::page_keys::tag(*tag));
    }
    crate::page_keys::shows(crate::page_keys::section(card.section_id));
    let (mut tagged, in_section) = state
        .store
        .related_articles(card.id, edition.id, card.section_id, &tag_ids, RELATED_SIZE as i64)
        .await?;
    tagged.sort_by_key(|c| std::cmp::Reverse((c.published_at, c.id)));
    let mut seen = std::collections::HashSet::from([card.id]);
    Ok(tagged
        .into_iter()
        .chain(in_section)
        .filter(|c| seen.insert(c.id))
        .take(RELATED_SIZE)
        .map(|c| crate::view::CardView::new(&c, edition, directory, t, crate::view::SIZES_CARD, true))
        .collect())
}

/// `GET /{edition}/{year}/{month}/{day}/{slug}`.
///
/// A wrong date or an old slug answers 301 to the canonical URL; a withdrawn
/// article answers 410.
pub async fn article_page(
    State(state): State<AppState>,
    Path((code, year, month, day, slug)): Path<(String, String, String, String, String)>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let slug = Slug::parse(&slug).map_err(|_| PageError::NotFound)?;
    let article = match state.store.article_by_slug(edition.id, &slug).await? {
        Some(article) => article,
        None => {
            let renamed = match state.store.article_id_by_old_slug(edition.id, &slug).await? {
                Some(id) => state.store.article_by_id(id).await?,
                None => None,
            };
            return match renamed {
                Some(article) if article.status == ArticleStatus::Published => {
                    let to = article_path(&edition, article.card.published_at, article.card.slug.as_str());
                    Ok(moved_permanently(&to))
                }
                _ => Err(PageError::NotFound),
            };
        }
    };
    match article.status {
        ArticleStatus::Published => {}
        ArticleStatus::Unpublished => return Err(PageError::Gone),
        _ => return Err(PageError::NotFound),
    }
    let canonical = article_path(&edition, article.card.published_at, article.card.slug.as_str());
    if canonical != format!("/{code}/{year}/{month}/{day}/{slug}") {
        return Ok(moved_permanently(&canonical));
    }
    // The same page for every reader, logged in or not: the page's script
    // lays a logged-in reader's own forms and controls over its discussion
    // (`/{edition}/comments/{article}/me`).
    render(&state, &directory, &edition, &article, &canonical).await
}

async fn render(
    state: &AppState,
    directory: &SiteDirectory,
    edition: &Edition,
    article: &Article,
    path: &str,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let card = &article.card;
    // The story, its discussion and (below) its photo and translations;
    // its chat rooms and live blog change it as the story's own changes.
    crate::page_keys::shows(crate::page_keys::story(card.id));
    crate::page_keys::shows(crate::page_keys::talk(card.id));
    let section = directory.section_by_id(card.section_id);
    let public_url = &state.config.public_url;
    let absolute = format!("{public_url}{path}");

    let dateline = crate::view::dateline_of(state, t, article);

    let figure = card.image.as_ref().and_then(|image| {
        let credit = article.image_credit.trim().to_owned();
        let copyright = crate::view::copyright_notice(&image.copyright).filter(|notice| {
            !notice.trim_start_matches('©').trim().eq_ignore_ascii_case(credit.trim_start_matches('©').trim())
        });
        Some(FigureView {
            image: ImageView::new(image, SIZES_MAIN, 960, false)?,
            caption: article.image_caption.clone(),
            credit,
            copyright,
            media_href: media_path(edition, image.media_id),
        })
    });

    let authors: Vec<Link> = article
        .authors
        .iter()
        .map(|a| Link {
            href: format!("/{}/author/{}", edition.code, a.slug),
            label: a.name.clone(),
            current: false,
        })
        .collect();
    let byline = byline(t, &article.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>());
    let updated = (card.updated_at > card.published_at + time::Duration::minutes(1))
        .then(|| (iso(card.updated_at), t.date_time(card.updated_at)));

    let encoded_url = crate::view::url_encode(&absolute);
    let encoded_title = crate::view::url_encode(&card.headline);
    let share = vec![
        Link {
            href: format!("mailto:?subject={encoded_title}&body={encoded_url}"),
            label: t.get("share-email").into_owned(),
            current: false,
        },
        Link {
            href: format!("https://x.com/intent/post?url={encoded_url}&text={encoded_title}"),
            label: t.get("share-x").into_owned(),
            current: false,
        },
        Link {
            href: format!("https://www.facebook.com/sharer/sharer.php?u={encoded_url}"),
            label: t.get("share-facebook").into_owned(),
            current: false,
        },
        Link {
            href: format!("https://t.me/share/url?url={encoded_url}&text={encoded_title}"),
            label: t.get("share-telegram").into_owned(),
            current: false,
        },
    ];

    let view = ArticleView {
        id: card.id,
        headline: card.headline.clone(),
        lead: card.lead.clone(),
        breaking: card.breaking,
        section_name: section.map(|s| s.name.clone()).unwrap_or_default(),
        section_href: section.map(|s| section_path(edition, s)).unwrap_or_default(),
        section_description: section.map(|s| s.description.clone()).unwrap_or_default(),
        figure,
        authors,
        byline,
        published_iso: iso(card.published_at),
        published_label: t.date_time(card.published_at),
        updated,
        correction: article.correction.clone().filter(|c| !c.trim().is_empty()),
        body_html: render_body(&article.body, &dateline),
        tags: article
            .tags
            .iter()
            .map(|tag| Link {
                href: format!("/{}/tag/{}", edition.code, tag.slug),
                label: tag.name.clone(),
                current: false,
            })
            .collect(),
        share,
        subscribe_href: format!("/{}/subscribe", edition.code),
        chats_href: format!("/{}/chats", edition.code),
        chat_rooms: state
            .store
            .chat_rooms_for_article(card.id)
            .await?
            .into_iter()
            .map(|room| (format!("/{}/chats/{}", edition.code, room.slug), room.title))
            .collect(),
    };

    // Related stories (sharing a tag, then from the section), then the
    // edition's latest, apart: the latest list continues as the edition's
    // "latest" page (infinite scroll with the script, a link without).
    let related = related_stories(state, directory, edition, t, article).await?;
    let query = ArticleQuery::edition(edition.id, page_size(1));
    let base = format!("/{}/latest", edition.code);
    let (list, _) = StoryList::load(state, directory, edition, t, query, &base).await?;
    let cards = list.cards.into_iter().filter(|c| c.href != path).collect();
    let list = StoryList { newest_href: None, cards, ..list };

    let mut frame = Frame::new(state, directory, edition, Some(card.section_id), &card.headline, path);
    frame.description =
        if article.seo_description.is_empty() { card.lead.clone() } else { article.seo_description.clone() };
    frame.oembed = Some(format!("{public_url}/api/v1/oembed?url={}", crate::view::url_encode(&absolute)));
    if !article.seo_title.is_empty() {
        frame.title = format!("{} — {}", article.seo_title, state.config.site_name);
    }
    if let Some(group) = &article.translation_group {
        for link in state.store.translations(group).await? {
            crate::page_keys::shows(crate::page_keys::story(link.article_id));
            if let Some(other) = directory.edition_by_id(link.edition_id) {
                frame.alternates.push(Alternate {
                    hreflang: other.language.clone(),
                    href: format!(
                        "{public_url}{}",
                        article_path(other, link.published_at, link.slug.as_str())
                    ),
                });
            }
        }
    }
    let image_url = view.figure.as_ref().map(|f| format!("{public_url}{}", f.image.src));
    let image_urls: Vec<String> = card
        .image
        .as_ref()
        .map(|i| {
            i.renditions
                .iter()
                .filter(|r| r.mime == "image/jpeg")
                .map(|r| format!("{public_url}{}", rendition_url(r)))
                .collect()
        })
        .unwrap_or_default();
    frame.og = Some(OpenGraph {
        kind: "article",
        title: card.headline.clone(),
        description: frame.description.clone(),
        image: image_url,
        published: Some(iso(card.published_at)),
        modified: Some(iso(card.updated_at)),
    });
    let json_ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": { "@type": "WebPage", "@id": absolute },
        "url": absolute,
        "headline": card.headline,
        "description": card.lead,
        "inLanguage": edition.language,
        "datePublished": iso(card.published_at),
        "dateModified": iso(card.updated_at),
        "articleSection": view.section_name,
        "keywords": article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "image": image_urls,
        "author": json_ld_authors(state, edition, article),
        "publisher": { "@type": "NewsMediaOrganization", "name": state.config.site_name, "url": format!("{public_url}/") },
        "isAccessibleForFree": true,
    });
    frame.json_ld = Some(json_for_script(&json_ld));

    let entries = state.store.live_blog_entries(card.id).await?;
    let now = time::OffsetDateTime::now_utc();
    let live = (!entries.is_empty()).then(|| LiveBlogView {
        article_id: card.id,
        live_now: entries.first().is_some_and(|e| e.created_at > now - time::Duration::hours(2)),
        entries: entries
            .iter()
            .map(|e| LiveEntryView {
                id: e.id,
                time_iso: iso(e.created_at),
                time_label: if e.created_at.date() == now.date() {
                    t.time_of_day(e.created_at)
                } else {
                    t.date_time(e.created_at)
                },
                html: crate::live::entry_html(&e.body),
                corrected: e.corrected,
            })
            .collect(),
    });
    let mut d = DiscussionRequest {
        state,
        edition,
        article,
        viewer: None,
        csrf: String::new(),
        back: path.to_owned(),
        sort: dateline_core::CommentSort::Newest,
        after: None,
    }
    .load(t)
    .await?;
    d.shared = true;
    let template = ArticleTemplate {
        newsfeed: newsfeed(state, edition, t).await?,
        frame,
        a: view,
        related,
        list,
        live,
        d,
    };
    // The discussion changes the page without changing the article (and
    // a removed comment leaves no newer time behind): the page is as new
    // as its rendering. Revalidation still answers 304 by its ETag.
    html(&template, now.replace_nanosecond(0).unwrap_or(now))
}

/// The story's authors for JSON-LD; a story with no byline is the
/// agency's of its dateline, else the publisher's (search engines want an
/// author, and an empty list says nobody wrote it).
fn json_ld_authors(state: &AppState, edition: &Edition, article: &Article) -> serde_json::Value {
    let public_url = &state.config.public_url;
    if !article.authors.is_empty() {
        return serde_json::Value::Array(
            article
                .authors
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "@type": "Person",
                        "name": a.name,
                        "url": format!("{public_url}/{}/author/{}", edition.code, a.slug),
                    })
                })
                .collect(),
        );
    }
    let agency = article.dateline_agency.trim();
    if !agency.is_empty() && agency != state.config.site_name {
        return serde_json::json!([{ "@type": "NewsMediaOrganization", "name": agency }]);
    }
    serde_json::json!([{
        "@type": "NewsMediaOrganization",
        "name": state.config.site_name,
        "url": format!("{public_url}/"),
    }])
}

/// "By A", "By A and B", "By A, B and C" in the page's language.
fn byline(t: &Locale, names: &[&str]) -> String {
    let names = match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), t.get("byline-and")),
    };
    t.arg("byline", "names", &names)
}

/// 301 to the article's canonical URL (old slug, wrong date).
fn moved_permanently(to: &str) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to.to_owned())]).into_response()
}
