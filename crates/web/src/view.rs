//! What templates show, built from store rows: URLs, formatted times,
//! `srcset`s. Templates stay free of logic beyond loops and conditions.

use dateline_store::{ArticleCard, ArticleId, Edition, ImageRef, Rendition, Section, SectionId};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::AppState;
use crate::assets::Assets;
use crate::directory::SiteDirectory;
use crate::i18n::Locale;

/// The canonical path of an article: edition, publish date, slug.
pub fn article_path(edition: &Edition, published_at: OffsetDateTime, slug: &str) -> String {
    format!(
        "/{}/{:04}/{:02}/{:02}/{}",
        edition.code,
        published_at.year(),
        u8::from(published_at.month()),
        published_at.day(),
        slug
    )
}

pub fn edition_home(edition: &Edition) -> String {
    format!("/{}/", edition.code)
}

pub fn section_path(edition: &Edition, section: &Section) -> String {
    format!("/{}/{}", edition.code, section.slug)
}

pub fn media_path(edition: &Edition, media_id: dateline_store::MediaId) -> String {
    format!("/{}/media/{}", edition.code, media_id)
}

pub fn rendition_url(rendition: &Rendition) -> String {
    format!("/media/{}", rendition.key)
}

/// The dateline opening an article's body ("GENEVA, November 28 (Meridian) -"),
/// empty when it names no place; the site's agency when it names none.
pub fn dateline_of(state: &AppState, t: &Locale, article: &dateline_store::Article) -> String {
    if article.dateline_place.is_empty() {
        return String::new();
    }
    let agency =
        if article.dateline_agency.is_empty() { &state.config.agency } else { &article.dateline_agency };
    t.dateline(&article.dateline_place, agency, article.card.published_at)
}

/// A photo's copyright notice as shown: empty → none; "© …", "(c) …" and
/// "Copyright …" as written; anything else (a holder's name) after "©".
/// A credit ("REUTERS/Ana Lima") is never turned into one.
pub fn copyright_notice(copyright: &str) -> Option<String> {
    let text = copyright.trim();
    if text.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    if text.contains('©') || lower.starts_with("(c)") || lower.starts_with("copyright") {
        Some(text.to_owned())
    } else {
        Some(format!("© {text}"))
    }
}

/// A language tag as Open Graph's `og:locale` wants it (`en_US`, `pt_BR`,
/// `ar_EG`): when the tag names no territory, the one CLDR's likely
/// subtags give for the language.
pub fn og_locale(language: &str) -> String {
    const EXPANDER: icu_locale::LocaleExpander = icu_locale::LocaleExpander::new_common();
    let Ok(mut id) = language.parse::<icu_locale::LanguageIdentifier>() else {
        return language.replace('-', "_");
    };
    EXPANDER.maximize(&mut id);
    match id.region {
        Some(region) => format!("{}_{}", id.language, region),
        None => id.language.to_string(),
    }
}

pub fn iso(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

#[derive(Debug, Clone)]
pub struct EditionLink {
    pub href: String,
    pub name: String,
    pub lang: String,
    pub current: bool,
}

/// Social preview tags.
#[derive(Debug, Clone)]
pub struct OpenGraph {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub image: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
}

/// Everything the page layout (`base.html`) shows around a page's content.
#[derive(Debug)]
pub struct Frame<'a> {
    pub t: &'a Locale,
    pub site_name: &'a str,
    pub lang: String,
    /// `og:locale`: the language with its territory (`en_US`).
    pub og_locale: String,
    pub dir: &'static str,
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub alternates: Vec<Alternate>,
    pub editions: Vec<EditionLink>,
    pub nav: Vec<Link>,
    pub home_href: String,
    pub css_href: String,
    pub js_href: String,
    pub icon_href: String,
    pub og: Option<OpenGraph>,
    pub json_ld: Option<String>,
    pub noindex: bool,
    pub edition_code: String,
    pub year: i32,
    /// Autodiscovery links to feeds: the edition's, and the page's own
    /// (section, tag, author) before them.
    pub feeds: Vec<crate::syndication::feeds::FeedLink>,
    /// An article's oEmbed address, for `<head>`.
    pub oembed: Option<String>,
    /// The edition's breaking-news banner, in the page itself (the script
    /// only makes it live and dismissible).
    pub breaking: Option<FeedItem>,
}

impl<'a> Frame<'a> {
    /// The frame of a page of `edition` at `path` (absolute path, for the
    /// canonical link), with `title` before the site name.
    pub fn new(
        state: &'a AppState,
        directory: &SiteDirectory,
        edition: &Edition,
        current_section: Option<SectionId>,
        title: &str,
        path: &str,
    ) -> Self {
        // Every page of an edition shows its frame: the breaking banner.
        crate::page_keys::shows(crate::page_keys::frame(edition.id));
        let t = state.locales.for_language(&edition.language);
        let site_name = state.config.site_name.as_str();
        let title = if title.is_empty() { site_name.to_owned() } else { format!("{title} — {site_name}") };
        Self {
            t,
            site_name,
            lang: edition.language.clone(),
            og_locale: og_locale(&edition.language),
            dir: edition.direction.as_str(),
            title,
            description: String::new(),
            canonical: format!("{}{}", state.config.public_url, path),
            alternates: Vec::new(),
            editions: directory
                .editions()
                .iter()
                .map(|e| EditionLink {
                    href: edition_home(e),
                    name: e.name.clone(),
                    lang: e.language.clone(),
                    current: e.id == edition.id,
                })
                .collect(),
            nav: directory
                .sections_of(edition.id)
                .iter()
                .map(|s| Link {
                    href: section_path(edition, s),
                    label: s.name.clone(),
                    current: Some(s.id) == current_section,
                })
                .collect(),
            home_href: edition_home(edition),
            css_href: Assets::href(&state.assets.css),
            js_href: Assets::href(&state.assets.js),
            icon_href: Assets::href(&state.assets.icon),
            og: None,
            json_ld: None,
            noindex: false,
            edition_code: edition.code.to_string(),
            year: OffsetDateTime::now_utc().year(),
            feeds: crate::syndication::feeds::feed_links(edition, "", site_name),
            oembed: None,
            breaking: directory.breaking_story(edition.id).map(|card| FeedItem::new(card, edition, t)),
        }
    }

    /// Adds the feeds of this page's section, tag or author (`section/world` …).
    pub fn add_feeds(&mut self, edition: &Edition, scope: &str, title: &str) {
        let mut own = crate::syndication::feeds::feed_links(edition, scope, title);
        own.append(&mut self.feeds);
        self.feeds = own;
    }

    pub fn absolute(&self, public_url: &str, path: &str) -> String {
        format!("{public_url}{path}")
    }
}

/// An `<img>` with its responsive sources.
#[derive(Debug, Clone)]
pub struct ImageView {
    pub src: String,
    pub srcset: String,
    /// The WebP sizes, for a `<source type="image/webp">`; empty when none.
    pub webp_srcset: String,
    pub sizes: &'static str,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    pub lazy: bool,
}

/// `sizes` for the article's main photo: the text column on wide screens.
pub const SIZES_MAIN: &str = "(min-width: 70rem) 46rem, (min-width: 48rem) 90vw, 100vw";
/// `sizes` for card thumbnails.
pub const SIZES_CARD: &str = "(min-width: 70rem) 22rem, (min-width: 48rem) 45vw, 100vw";
/// `sizes` for the top story on the front page.
pub const SIZES_TOP: &str = "(min-width: 70rem) 44rem, 100vw";

impl ImageView {
    /// The whole frame. `preferred` is the width used for `src` (the
    /// fallback for browsers without `srcset`); the nearest rendition at
    /// least that wide is used.
    pub fn new(image: &ImageRef, sizes: &'static str, preferred: i32, lazy: bool) -> Option<Self> {
        Self::from_renditions(image, false, sizes, preferred, lazy)
    }

    /// A card's thumbnail: the 16:9 crops around the editor's focal point
    /// once they are made, the whole frame (cropped by CSS) until then.
    pub fn card(image: &ImageRef, sizes: &'static str, preferred: i32, lazy: bool) -> Option<Self> {
        if image.renditions.iter().any(|r| r.crop) {
            Self::from_renditions(image, true, sizes, preferred, lazy)
        } else {
            Self::new(image, sizes, preferred, lazy)
        }
    }

    fn from_renditions(
        image: &ImageRef,
        crop: bool,
        sizes: &'static str,
        preferred: i32,
        lazy: bool,
    ) -> Option<Self> {
        crate::page_keys::shows(crate::page_keys::photo(image.media_id));
        let renditions: Vec<&Rendition> = image.renditions.iter().filter(|r| r.crop == crop).collect();
        // JPEG sizes when there are any; otherwise (a PNG just uploaded,
        // before its sizes are made) whatever there is.
        let mut jpeg: Vec<&Rendition> =
            renditions.iter().copied().filter(|r| r.mime == "image/jpeg").collect();
        if jpeg.is_empty() {
            jpeg = renditions.clone();
        }
        let fallback = jpeg.iter().find(|r| r.width >= preferred).or(jpeg.last())?;
        let webp_srcset = renditions
            .iter()
            .filter(|r| r.mime == "image/webp")
            .map(|r| format!("{} {}w", rendition_url(r), r.width))
            .collect::<Vec<_>>()
            .join(", ");
        Some(Self {
            src: rendition_url(fallback),
            webp_srcset,
            srcset: jpeg
                .iter()
                .map(|r| format!("{} {}w", rendition_url(r), r.width))
                .collect::<Vec<_>>()
                .join(", "),
            sizes,
            width: fallback.width,
            height: fallback.height,
            alt: image.alt_text.clone(),
            lazy,
        })
    }
}

/// One story in a list.
#[derive(Debug, Clone)]
pub struct CardView {
    pub href: String,
    pub headline: String,
    pub lead: String,
    pub section_name: String,
    pub section_href: String,
    pub time_iso: String,
    pub time_label: String,
    pub unix: i64,
    pub breaking: bool,
    pub image: Option<ImageView>,
    /// "12 comments", when there are any.
    pub comments: Option<String>,
}

impl CardView {
    pub fn new(
        card: &ArticleCard,
        edition: &Edition,
        directory: &SiteDirectory,
        t: &Locale,
        sizes: &'static str,
        lazy: bool,
    ) -> Self {
        // The card shows the story and its comment count.
        crate::page_keys::shows(crate::page_keys::story(card.id));
        crate::page_keys::shows(crate::page_keys::count(card.id));
        let section = directory.section_by_id(card.section_id);
        Self {
            href: article_path(edition, card.published_at, card.slug.as_str()),
            headline: card.headline.clone(),
            lead: card.lead.clone(),
            section_name: section.map(|s| s.name.clone()).unwrap_or_default(),
            section_href: section.map(|s| section_path(edition, s)).unwrap_or_default(),
            time_iso: iso(card.published_at),
            time_label: t.date_time(card.published_at),
            unix: card.published_at.unix_timestamp(),
            breaking: card.breaking,
            image: card.image.as_ref().and_then(|i| ImageView::card(i, sizes, 960, lazy)),
            comments: (card.comment_count > 0).then(|| t.count("comments-count", card.comment_count)),
        }
    }
}

/// One line of the newsfeed widget.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub article_id: ArticleId,
    pub href: String,
    pub headline: String,
    pub time_iso: String,
    pub time_label: String,
    pub unix: i64,
    pub breaking: bool,
}

impl FeedItem {
    pub fn new(card: &ArticleCard, edition: &Edition, t: &Locale) -> Self {
        crate::page_keys::shows(crate::page_keys::story(card.id));
        Self {
            article_id: card.id,
            href: article_path(edition, card.published_at, card.slug.as_str()),
            headline: card.headline.clone(),
            time_iso: iso(card.published_at),
            time_label: t.time_of_day(card.published_at),
            unix: card.published_at.unix_timestamp(),
            breaking: card.breaking,
        }
    }
}

/// The JSON for a `<script type="application/ld+json">` block, with `<`,
/// `>` and `&` escaped so no content can close the element.
pub fn json_for_script(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// Everything but RFC 3986's unreserved characters is encoded.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The same, keeping `/`.
const PATH_VALUE: &percent_encoding::AsciiSet = &QUERY_VALUE.remove(b'/');

/// Percent-encodes a query-string value (a search, a share link's URL).
pub fn url_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// Percent-encodes a site path given as a query value (`next=/en/account`),
/// keeping its slashes readable.
pub fn url_encode_path(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, PATH_VALUE).to_string()
}
