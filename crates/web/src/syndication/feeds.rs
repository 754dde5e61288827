//! Feeds for readers' feed readers and aggregators: RSS 2.0, Atom 1.0 and
//! JSON Feed 1.1 for an edition, a section, a tag or an author.
//!
//! - `/{edition}/feed.xml` (RSS), `/{edition}/feed.atom`, `/{edition}/feed.json`;
//! - `/{edition}/feeds/section/{slug}.xml` (and `.atom`, `.json`), likewise
//!   `tag/{slug}` and `author/{slug}`.
//!
//! Each item carries the headline, the lead, the full text as HTML (or only
//! the lead with `feed_full_text = false`), the main photo, the section and
//! tags, the authors, and publish and update times. An item's id is a `tag:`
//! URI made of the site's host and the article's id, so it stays the same
//! when the headline or the address changes. Feeds are pages for the page
//! cache: ETag and Last-Modified come with them, and revalidations get 304.

use std::str::FromStr as _;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use dateline_core::{PageSize, Slug};
use dateline_store::{Article, ArticleQuery, Edition};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use crate::AppState;
use crate::error::PageError;
use crate::markdown::render_body;
use crate::page_cache::Cacheable;
use crate::public::edition_from;
use crate::view::{article_path, iso, rendition_url};

/// Items in a feed.
const FEED_ITEMS: u32 = 30;

/// The three formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
    Json,
}

impl FeedFormat {
    pub const ALL: [Self; 3] = [Self::Rss, Self::Atom, Self::Json];

    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "xml" => Some(Self::Rss),
            "atom" => Some(Self::Atom),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Rss => "xml",
            Self::Atom => "atom",
            Self::Json => "json",
        }
    }

    /// The media type, for `Content-Type` and autodiscovery links.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml",
            Self::Atom => "application/atom+xml",
            Self::Json => "application/feed+json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rss => "RSS",
            Self::Atom => "Atom",
            Self::Json => "JSON Feed",
        }
    }
}

/// What a feed covers.
#[derive(Debug, Clone)]
struct FeedScope {
    title: String,
    description: String,
    /// The page the feed follows (absolute).
    home: String,
    query: ArticleQuery,
}

/// A link for `<head>`: `<link rel="alternate" type=… href=… title=…>`.
#[derive(Debug, Clone)]
pub struct FeedLink {
    pub media_type: &'static str,
    pub href: String,
    pub title: String,
}

/// The three feeds of a scope (`""` for the edition, `section/world` …).
pub fn feed_links(edition: &Edition, scope: &str, title: &str) -> Vec<FeedLink> {
    FeedFormat::ALL
        .iter()
        .map(|format| FeedLink {
            media_type: format.media_type(),
            href: if scope.is_empty() {
                format!("/{}/feed.{}", edition.code, format.extension())
            } else {
                format!("/{}/feeds/{scope}.{}", edition.code, format.extension())
            },
            title: format!("{title} ({})", format.label()),
        })
        .collect()
}

/// `GET /{edition}/feed.xml`, `feed.atom`, `feed.json`.
pub async fn edition_feed(state: &AppState, code: &str, format: FeedFormat) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), code)?;
    let t = state.locales.for_language(&edition.language);
    let scope = FeedScope {
        title: state.config.site_name.clone(),
        description: t.get("feed-edition-description").into_owned(),
        home: format!("{}/{}/", state.config.public_url, edition.code),
        query: ArticleQuery::edition(edition.id, page_size()),
    };
    render(state, &edition, scope, format, &format!("/{}/feed.{}", edition.code, format.extension())).await
}

fn page_size() -> PageSize {
    crate::public::page_size(FEED_ITEMS)
}

/// `GET /{edition}/feeds/{kind}/{slug}.{xml,atom,json}`.
pub async fn scoped_feed(
    State(state): State<AppState>,
    Path((code, kind, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let (slug, extension) = file.rsplit_once('.').ok_or(PageError::NotFound)?;
    let format = FeedFormat::from_extension(extension).ok_or(PageError::NotFound)?;
    let slug = Slug::parse(slug).map_err(|_| PageError::NotFound)?;
    let site = &state.config.site_name;
    let public_url = &state.config.public_url;
    let mut query = ArticleQuery::edition(edition.id, page_size());
    let scope = match kind.as_str() {
        "section" => {
            let section = directory.section(edition.id, &slug).ok_or(PageError::NotFound)?;
            query.section_id = Some(section.id);
            FeedScope {
                title: format!("{} — {site}", section.name),
                description: section.description.clone(),
                home: format!("{public_url}/{}/{}", edition.code, section.slug),
                query,
            }
        }
        "tag" => {
            let tag = state.store.tag_by_slug(edition.id, &slug).await?.ok_or(PageError::NotFound)?;
            query.tag_id = Some(tag.id);
            FeedScope {
                title: format!("{} — {site}", tag.name),
                description: tag.name.clone(),
                home: format!("{public_url}/{}/tag/{}", edition.code, tag.slug),
                query,
            }
        }
        "author" => {
            let author = state.store.author_by_slug(edition.id, &slug).await?.ok_or(PageError::NotFound)?;
            query.author_id = Some(author.id);
            FeedScope {
                title: format!("{} — {site}", author.name),
                description: author.bio.clone(),
                home: format!("{public_url}/{}/author/{}", edition.code, author.slug),
                query,
            }
        }
        _ => return Err(PageError::NotFound),
    };
    let path = format!("/{}/feeds/{kind}/{}.{}", edition.code, slug, format.extension());
    render(&state, &edition, scope, format, &path).await
}

/// One article as every format needs it.
struct FeedItem {
    id: String,
    url: String,
    headline: String,
    lead: String,
    html: String,
    published: OffsetDateTime,
    updated: OffsetDateTime,
    authors: Vec<(String, String)>,
    categories: Vec<String>,
    image: Option<(String, String)>,
}

/// `tag:host,2026:article-42`: stable whatever else changes.
pub fn item_id(public_url: &str, article: &Article) -> String {
    let host = public_url.split("://").nth(1).unwrap_or(public_url).split('/').next().unwrap_or("localhost");
    let host = host.split(':').next().unwrap_or(host);
    format!("tag:{host},{}:article-{}", article.card.published_at.year(), article.card.id)
}

async fn render(
    state: &AppState,
    edition: &Edition,
    scope: FeedScope,
    format: FeedFormat,
    path: &str,
) -> Result<Response, PageError> {
    let public_url = &state.config.public_url;
    let directory = state.directory();
    crate::page_keys::shows(crate::page_keys::of_query(&scope.query));
    let cards = state.store.list_articles(&scope.query).await?;
    let mut items = Vec::with_capacity(cards.len());
    for card in &cards {
        crate::page_keys::shows(crate::page_keys::story(card.id));
        let Some(article) = state.store.article_by_id(card.id).await? else { continue };
        let url = format!("{public_url}{}", article_path(edition, card.published_at, card.slug.as_str()));
        let html = if state.config.feed_full_text {
            let t = state.locales.for_language(&edition.language);
            render_body(&article.body, &crate::view::dateline_of(state, t, &article))
        } else {
            String::new()
        };
        let mut categories: Vec<String> =
            directory.section_by_id(card.section_id).map(|s| s.name.clone()).into_iter().collect();
        categories.extend(article.tags.iter().map(|t| t.name.clone()));
        let image = card.image.as_ref().and_then(|image| {
            let best = image
                .renditions
                .iter()
                .filter(|r| !r.crop && r.mime == "image/jpeg")
                .max_by_key(|r| r.width)?;
            Some((format!("{public_url}{}", rendition_url(best)), best.mime.clone()))
        });
        items.push(FeedItem {
            id: item_id(public_url, &article),
            url,
            headline: card.headline.clone(),
            lead: card.lead.clone(),
            html,
            published: card.published_at,
            updated: card.updated_at.max(card.published_at),
            authors: article
                .authors
                .iter()
                .map(|a| (a.name.clone(), format!("{public_url}/{}/author/{}", edition.code, a.slug)))
                .collect(),
            categories,
            image,
        });
    }
    let updated = items.iter().map(|i| i.updated).max().unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let self_url = format!("{public_url}{path}");
    let hub = Some(state.config.websub_hub.as_str()).filter(|hub| !hub.is_empty());
    let links = FeedLinks { self_url: &self_url, hub };
    let body = match format {
        FeedFormat::Rss => rss_feed(&scope, edition, &items, updated, &links),
        FeedFormat::Atom => atom_feed(&scope, edition, &items, updated, &links)?,
        FeedFormat::Json => json_feed(&scope, edition, &items, &links),
    };
    let content_type = format!("{}; charset=utf-8", format.media_type());
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Some(value) =
        hub.and_then(|hub| HeaderValue::from_str(&super::websub::link_header(hub, &self_url)).ok())
    {
        response.headers_mut().insert(header::LINK, value);
    }
    response.extensions_mut().insert(Cacheable { last_modified: updated });
    response.headers_mut().insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    Ok(response)
}

/// A feed's own address and its WebSub hub, if any.
struct FeedLinks<'a> {
    self_url: &'a str,
    hub: Option<&'a str>,
}

fn rfc2822(at: OffsetDateTime) -> String {
    at.format(&Rfc2822).unwrap_or_default()
}

fn rss_feed(
    scope: &FeedScope,
    edition: &Edition,
    items: &[FeedItem],
    updated: OffsetDateTime,
    links: &FeedLinks<'_>,
) -> String {
    let items: Vec<rss::Item> = items
        .iter()
        .map(|item| {
            let mut built = rss::ItemBuilder::default()
                .title(Some(item.headline.clone()))
                .link(Some(item.url.clone()))
                .description(Some(item.lead.clone()))
                .guid(Some(rss::GuidBuilder::default().value(item.id.clone()).permalink(false).build()))
                .pub_date(Some(rfc2822(item.published)))
                .categories(
                    item.categories
                        .iter()
                        .map(|c| rss::CategoryBuilder::default().name(c.clone()).build())
                        .collect::<Vec<_>>(),
                )
                .dublin_core_ext(Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: item.authors.iter().map(|(name, _)| name.clone()).collect(),
                    ..Default::default()
                }))
                .build();
            if !item.html.is_empty() {
                built.set_content(Some(item.html.clone()));
            }
            if let Some((url, mime)) = &item.image {
                // The size in bytes is not known without fetching the file;
                // 0 is what the RSS profile recommends then.
                built.set_enclosure(Some(
                    rss::EnclosureBuilder::default()
                        .url(url.clone())
                        .mime_type(mime.clone())
                        .length("0".to_owned())
                        .build(),
                ));
            }
            built
        })
        .collect();
    rss::ChannelBuilder::default()
        .title(scope.title.clone())
        .link(scope.home.clone())
        .description(if scope.description.is_empty() {
            scope.title.clone()
        } else {
            scope.description.clone()
        })
        .language(Some(edition.language.clone()))
        .last_build_date(Some(rfc2822(updated)))
        .generator(Some("Dateline".to_owned()))
        .atom_ext(Some(rss::extension::atom::AtomExtension { links: atom_links(links) }))
        .items(items)
        .build()
        .to_string()
}

/// `self`, and `hub` when there is one (WebSub discovery).
fn atom_links(links: &FeedLinks<'_>) -> Vec<atom_syndication::Link> {
    use atom_syndication::LinkBuilder;
    let mut out = vec![LinkBuilder::default().href(links.self_url.to_owned()).rel("self".to_owned()).build()];
    out.extend(
        links.hub.map(|hub| LinkBuilder::default().href(hub.to_owned()).rel("hub".to_owned()).build()),
    );
    out
}

fn fixed(at: OffsetDateTime) -> Result<atom_syndication::FixedDateTime, PageError> {
    atom_syndication::FixedDateTime::from_str(&iso(at))
        .map_err(|e| PageError::BadRequest(format!("a time could not be written: {e}")))
}

fn atom_feed(
    scope: &FeedScope,
    edition: &Edition,
    items: &[FeedItem],
    updated: OffsetDateTime,
    links: &FeedLinks<'_>,
) -> Result<String, PageError> {
    let self_url = links.self_url;
    use atom_syndication::{ContentBuilder, EntryBuilder, FeedBuilder, LinkBuilder, PersonBuilder, Text};
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let mut links =
            vec![LinkBuilder::default().href(item.url.clone()).rel("alternate".to_owned()).build()];
        if let Some((url, mime)) = &item.image {
            links.push(
                LinkBuilder::default()
                    .href(url.clone())
                    .rel("enclosure".to_owned())
                    .mime_type(Some(mime.clone()))
                    .build(),
            );
        }
        let mut entry = EntryBuilder::default()
            .title(Text::plain(item.headline.clone()))
            .id(item.id.clone())
            .updated(fixed(item.updated)?)
            .published(Some(fixed(item.published)?))
            .links(links)
            .summary(Some(Text::plain(item.lead.clone())))
            .authors(
                item.authors
                    .iter()
                    .map(|(name, uri)| {
                        PersonBuilder::default().name(name.clone()).uri(Some(uri.clone())).build()
                    })
                    .collect::<Vec<_>>(),
            )
            .categories(
                item.categories
                    .iter()
                    .map(|c| atom_syndication::CategoryBuilder::default().term(c.clone()).build())
                    .collect::<Vec<_>>(),
            )
            .build();
        if !item.html.is_empty() {
            entry.set_content(Some(
                ContentBuilder::default()
                    .value(Some(item.html.clone()))
                    .content_type(Some("html".to_owned()))
                    .build(),
            ));
        }
        entries.push(entry);
    }
    let feed = FeedBuilder::default()
        .title(Text::plain(scope.title.clone()))
        .id(self_url.to_owned())
        .updated(fixed(updated)?)
        .lang(Some(edition.language.clone()))
        .subtitle(Some(Text::plain(scope.description.clone())))
        .links({
            let mut feed_links = vec![
                LinkBuilder::default()
                    .href(self_url.to_owned())
                    .rel("self".to_owned())
                    .mime_type(Some("application/atom+xml".to_owned()))
                    .build(),
                LinkBuilder::default().href(scope.home.clone()).rel("alternate".to_owned()).build(),
            ];
            feed_links.extend(
                links
                    .hub
                    .map(|hub| LinkBuilder::default().href(hub.to_owned()).rel("hub".to_owned()).build()),
            );
            feed_links
        })
        .generator(Some(atom_syndication::GeneratorBuilder::default().value("Dateline".to_owned()).build()))
        .entries(entries)
        .build();
    Ok(feed.to_string())
}

fn json_feed(scope: &FeedScope, edition: &Edition, items: &[FeedItem], links: &FeedLinks<'_>) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            let mut value = serde_json::json!({
                "id": item.id,
                "url": item.url,
                "title": item.headline,
                "summary": item.lead,
                "date_published": iso(item.published),
                "date_modified": iso(item.updated),
                "authors": item.authors.iter().map(|(name, url)| serde_json::json!({"name": name, "url": url})).collect::<Vec<_>>(),
                "tags": item.categories,
                "language": edition.language,
            });
            if item.html.is_empty() {
                value["content_text"] = serde_json::Value::String(item.lead.clone());
            } else {
                value["content_html"] = serde_json::Value::String(item.html.clone());
            }
            if let Some((url, _)) = &item.image {
                value["image"] = serde_json::Value::String(url.clone());
            }
            value
        })
        .collect();
    let mut feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": scope.title,
        "home_page_url": scope.home,
        "feed_url": links.self_url,
        "description": scope.description,
        "language": edition.language,
        "items": items,
    });
    if let Some(hub) = links.hub {
        feed["hubs"] = serde_json::json!([{ "type": "WebSub", "url": hub }]);
    }
    serde_json::to_string_pretty(&feed).unwrap_or_default()
}
