//! Rows as the rest of the application sees them.

use dateline_core::{ArticleCursor, ArticleStatus, EditionCode, PageSize, Slug, TextDirection};
use time::OffsetDateTime;

use crate::{
    ApiTokenId, ArticleId, AuthorId, CommentId, EditionId, JobId, LiveEntryId, MediaId, RevisionId,
    SectionId, TagId, UserId,
};

/// A language edition of the site, such as English at `/en/`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Edition {
    pub id: EditionId,
    /// The URL prefix and the edition's name in URLs (`en`).
    pub code: EditionCode,
    /// BCP 47 language tag for `lang` attributes and `hreflang` (`en`, `ru`).
    pub language: String,
    /// The edition's name in its own language ("English", "Русский").
    pub name: String,
    pub direction: TextDirection,
    /// The edition readers land on when nothing else fits.
    pub is_default: bool,
    pub position: i32,
}

#[derive(Debug, Clone)]
pub struct NewEdition {
    pub code: EditionCode,
    pub language: String,
    pub name: String,
    pub direction: TextDirection,
    pub is_default: bool,
    pub position: i32,
}

/// What an administrator may change about an existing edition (its code
/// is part of every URL and stays).
#[derive(Debug, Clone)]
pub struct EditionChanges {
    pub language: String,
    pub name: String,
    pub direction: TextDirection,
    pub position: i32,
    /// Makes this the default edition (the previous one stops being it).
    pub make_default: bool,
}

/// A section of one edition ("World", "Sport"), with the one-line
/// description shown under its name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Section {
    pub id: SectionId,
    pub edition_id: EditionId,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub comment_policy: dateline_core::CommentPolicy,
}

#[derive(Debug, Clone)]
pub struct NewSection {
    pub edition_id: EditionId,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub position: i32,
}

/// A byline: the person credited with an article, per edition (names are
/// written differently in different scripts).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Author {
    pub id: AuthorId,
    pub edition_id: EditionId,
    pub slug: Slug,
    pub name: String,
    pub bio: String,
}

#[derive(Debug, Clone)]
pub struct NewAuthor {
    pub edition_id: EditionId,
    pub slug: Slug,
    pub name: String,
    pub bio: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Tag {
    pub id: TagId,
    pub edition_id: EditionId,
    pub slug: Slug,
    pub name: String,
}

/// A photo in the media bank with its caption, credit and copyright, and the
/// resized copies ("renditions") pages pick from.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct MediaItem {
    pub id: MediaId,
    /// Where the original lives in the [`crate::BlobStore`].
    pub original_key: String,
    pub mime: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
    pub credit: String,
    pub copyright: String,
    pub alt_text: String,
    /// Licence and usage terms, shown on the photo's page.
    pub licence: String,
    /// Comma-separated keywords, searched with caption and credit.
    pub keywords: String,
    /// The uploaded file's name, for the newsroom only.
    pub original_name: String,
    pub uploaded_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    /// The point thumbnails are cropped around, as fractions (0–1) of the
    /// width and height from the top-left corner; the centre by default.
    pub focal_x: f64,
    pub focal_y: f64,
    /// Narrowest first; full-frame sizes and thumbnail crops
    /// ([`Rendition::crop`]) together. (Read apart from the photo's row.)
    #[sqlx(skip)]
    pub renditions: Vec<Rendition>,
}

/// What a photo editor may change about a photo.
#[derive(Debug, Clone, Default)]
pub struct MediaChanges {
    pub caption: String,
    pub credit: String,
    pub copyright: String,
    pub alt_text: String,
    pub licence: String,
    pub keywords: String,
    /// The focal point, each within 0–1 (see [`MediaItem::focal_x`]).
    pub focal_x: f64,
    pub focal_y: f64,
}

/// A page of the media bank, newest first.
#[derive(Debug, Clone, Default)]
pub struct MediaQuery {
    /// Words to find in caption, credit, copyright or keywords.
    pub text: Option<String>,
    /// Only photos with a smaller id (the next page).
    pub before_id: Option<MediaId>,
    /// Only photos a published article uses (the public bank).
    pub published_only: bool,
    /// Only photos added at or after this time.
    pub added_from: Option<OffsetDateTime>,
    /// Only photos added before this time.
    pub added_before: Option<OffsetDateTime>,
    pub limit: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Rendition {
    pub width: i32,
    pub height: i32,
    pub mime: String,
    pub key: String,
    /// A 3:2 thumbnail cut around the focal point, for cards; otherwise
    /// the whole frame.
    pub crop: bool,
}

#[derive(Debug, Clone)]
pub struct NewMedia {
    pub original_key: String,
    pub mime: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
    pub credit: String,
    pub copyright: String,
    pub alt_text: String,
    pub licence: String,
    pub keywords: String,
    pub original_name: String,
    pub uploaded_by: Option<UserId>,
    pub renditions: Vec<Rendition>,
}

/// The photo an article or a card shows, with what `<img>` needs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImageRef {
    pub media_id: MediaId,
    pub width: i32,
    pub height: i32,
    pub alt_text: String,
    /// The photo's copyright notice from the media bank (may be empty);
    /// the credit of each use is the article's.
    pub copyright: String,
    pub renditions: Vec<Rendition>,
}

/// What a list of articles shows of each one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArticleCard {
    pub id: ArticleId,
    pub edition_id: EditionId,
    pub section_id: SectionId,
    pub slug: Slug,
    pub headline: String,
    pub lead: String,
    pub breaking: bool,
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub image: Option<ImageRef>,
    /// Approved comments.
    pub comment_count: i64,
}

impl ArticleCard {
    /// The cursor that asks for the articles after this one.
    pub fn cursor(&self) -> ArticleCursor {
        ArticleCursor { published_at: self.published_at, id: self.id.get() }
    }
}

/// A whole article as its page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Article {
    pub card: ArticleCard,
    pub status: ArticleStatus,
    pub dateline_place: String,
    pub dateline_agency: String,
    /// Markdown; rendered and sanitised by the web layer.
    pub body: String,
    /// The caption for this use of the photo (falls back to the media item's).
    pub image_caption: String,
    pub image_credit: String,
    pub seo_title: String,
    pub seo_description: String,
    pub translation_group: Option<String>,
    pub correction: Option<String>,
    pub tags: Vec<Tag>,
    pub authors: Vec<Author>,
    /// The account that created it in the newsroom (none for imports and demo content).
    pub created_by: Option<UserId>,
    /// Every write to the row adds one: a save names the version it
    /// started from (the API's ETag) and is refused when it moved on.
    pub version: i64,
    /// Every change readers can see adds one (the ninjs `version`); 0 until
    /// first published.
    pub public_version: i64,
    /// `published_at` was given by an editor (an archived or syndicated
    /// story): publishing keeps it.
    pub published_at_fixed: bool,
}

#[derive(Debug, Clone)]
pub struct NewArticle {
    pub edition_id: EditionId,
    pub section_id: SectionId,
    pub slug: Slug,
    pub headline: String,
    pub lead: String,
    pub dateline_place: String,
    pub dateline_agency: String,
    pub body: String,
    pub main_media_id: Option<MediaId>,
    pub image_caption: String,
    pub image_credit: String,
    pub breaking: bool,
    pub status: ArticleStatus,
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// `published_at` was given by an editor and publishing keeps it.
    pub published_at_fixed: bool,
    pub translation_group: Option<String>,
    /// A correction note shown on the page.
    pub correction: Option<String>,
    pub seo_title: String,
    pub seo_description: String,
    pub created_by: Option<UserId>,
    pub tag_ids: Vec<TagId>,
    pub author_ids: Vec<AuthorId>,
}

/// Which published articles to list. Every filter is optional.
#[derive(Debug, Clone)]
pub struct ArticleQuery {
    pub edition_id: Option<EditionId>,
    pub section_id: Option<SectionId>,
    pub tag_id: Option<TagId>,
    pub author_id: Option<AuthorId>,
    /// Only articles strictly after this position (older ones).
    pub before: Option<ArticleCursor>,
    pub limit: PageSize,
}

impl ArticleQuery {
    pub fn edition(edition_id: EditionId, limit: PageSize) -> Self {
        Self {
            edition_id: Some(edition_id),
            section_id: None,
            tag_id: None,
            author_id: None,
            before: None,
            limit,
        }
    }
}

/// One language version of a story, for `hreflang` links.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TranslationLink {
    pub article_id: ArticleId,
    pub edition_id: EditionId,
    pub slug: Slug,
    pub published_at: OffsetDateTime,
    pub headline: String,
}

/// An account: a reader or a member of the newsroom.
#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: dateline_core::Role,
    pub email_verified: bool,
    pub created_at: OffsetDateTime,
    /// Editions an editor or admin is limited to; empty means all.
    pub edition_ids: Vec<EditionId>,
    /// What the reader says about themselves on their profile.
    pub bio: String,
    /// Until when the account may not comment (or chat), if banned.
    pub banned_until: Option<OffsetDateTime>,
    /// Two-factor authentication is on (a TOTP secret is kept).
    pub two_factor: bool,
}

impl User {
    /// The end of a ban still running at `now`.
    pub fn banned_at(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        self.banned_until.filter(|until| *until > now)
    }
}

/// An account and its password hash, for logging in.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    /// PHC string (`$argon2id$…`).
    pub password_hash: String,
    /// Base32 TOTP secret when two-factor authentication is on.
    pub totp_secret: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: dateline_core::Email,
    pub display_name: String,
    pub password_hash: String,
    pub role: dateline_core::Role,
    pub email_verified: bool,
    pub edition_ids: Vec<EditionId>,
}

/// A bearer token for the JSON API (its secret is never stored).
#[derive(sqlx::FromRow, Debug, Clone, serde::Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// What a one-time link sent by e-mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailTokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl EmailTokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify",
            Self::ResetPassword => "reset",
        }
    }
}

/// Which articles the newsroom list shows; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct NewsroomQuery {
    pub edition_id: Option<EditionId>,
    pub section_id: Option<SectionId>,
    pub status: Option<ArticleStatus>,
    pub created_by: Option<UserId>,
    /// Words the headline contains (case-insensitive for ASCII on SQLite).
    pub search: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// One line of the newsroom's article list.
#[derive(Debug, Clone)]
pub struct NewsroomRow {
    pub id: ArticleId,
    pub edition_id: EditionId,
    pub section_id: SectionId,
    pub headline: String,
    pub status: ArticleStatus,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<UserId>,
    pub created_by_name: Option<String>,
}

/// One saved version of an article.
#[derive(Debug, Clone)]
pub struct RevisionInfo {
    pub id: RevisionId,
    pub user_name: Option<String>,
    pub status: ArticleStatus,
    pub created_at: OffsetDateTime,
    /// The article's version this revision is (unknown for revisions made
    /// before versions were kept).
    pub version: Option<i64>,
}

/// One line of the audit log.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct AuditEntry {
    pub id: i64,
    pub user_name: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub created_at: OffsetDateTime,
}

/// A background job claimed by this node.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    /// How many times it was claimed, this time included.
    pub attempts: i32,
}

/// One event of the live newsfeed, as kept in the event log.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct LiveEvent {
    /// Increasing, and the same on every node: the Server-Sent Events id.
    pub id: i64,
    pub edition_id: EditionId,
    /// `published`, `updated`, `removed`, …
    pub kind: String,
    pub section_id: Option<SectionId>,
    pub article_id: Option<ArticleId>,
    pub breaking: bool,
    /// The event's JSON, as sent to readers.
    pub data: String,
    pub created_at: OffsetDateTime,
}

/// One recorded change: the keys of the pages that show what it changed
/// (see `page_changes` in the migrations). Its id is the content version
/// the change took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageChange {
    pub id: i64,
    pub keys: Vec<String>,
}

/// An event to append to the log.
#[derive(Debug, Clone)]
pub struct NewLiveEvent {
    pub edition_id: EditionId,
    pub kind: String,
    pub section_id: Option<SectionId>,
    pub article_id: Option<ArticleId>,
    pub breaking: bool,
    pub data: String,
}

/// One timestamped entry of a live blog.
#[derive(sqlx::FromRow, Debug, Clone, serde::Serialize)]
pub struct LiveBlogEntry {
    pub id: LiveEntryId,
    pub article_id: ArticleId,
    /// Markdown; rendered and sanitised by the web layer.
    pub body: String,
    pub author_id: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Changed after it was posted.
    pub corrected: bool,
}

// ----- discussion -----

/// A comment with what its display needs from other tables.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comment {
    pub id: CommentId,
    pub article_id: ArticleId,
    /// The thread's first comment; `None` for that comment itself.
    pub root_id: Option<CommentId>,
    /// The comment this one answers.
    pub parent_id: Option<CommentId>,
    /// `None` once its author deleted their account and kept it anonymously.
    pub user_id: Option<UserId>,
    pub author_name: Option<String>,
    /// The author of the parent comment, for "in reply to".
    pub parent_author: Option<String>,
    /// The text as typed.
    pub body: String,
    /// The text as HTML, rendered when it was written.
    pub html: String,
    pub status: dateline_core::CommentStatus,
    pub held_reason: String,
    pub reaction_count: i64,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewComment {
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub user_id: UserId,
    pub body: String,
    /// `body` rendered (the web layer's safe subset).
    pub html: String,
    pub status: dateline_core::CommentStatus,
    pub held_reason: String,
    pub client_address: String,
}

/// Which threads of a discussion to read.
#[derive(Debug, Clone)]
pub struct ThreadQuery {
    pub article_id: ArticleId,
    pub sort: dateline_core::CommentSort,
    /// Only the threads after this one in `sort` order (the last of the
    /// page before): a page deep in a long discussion seeks to it in the
    /// index rather than counting past every thread before it.
    pub after: Option<dateline_core::CommentCursor>,
    pub limit: i64,
    /// Also the pending comments of this reader (their own, awaiting review).
    pub viewer_id: Option<UserId>,
}

/// How many readers left one reaction on a comment, and whether the viewer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionCount {
    pub comment_id: CommentId,
    pub kind: String,
    pub count: i64,
    pub mine: bool,
}

/// The moderation queue's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueView {
    /// Held for review.
    Pending,
    /// Approved or held, with open reports.
    Reported,
    /// Newest approved.
    Recent,
    Rejected,
}

/// A comment as the moderation queue shows it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub comment: Comment,
    pub article_headline: String,
    pub article_edition_id: EditionId,
    pub article_slug: Slug,
    pub article_published_at: OffsetDateTime,
    pub author_email: Option<String>,
    pub author_since: Option<OffsetDateTime>,
    pub author_banned_until: Option<OffsetDateTime>,
    pub author_approved: i64,
    pub client_address: String,
    /// Open reports: (reason, note).
    pub reports: Vec<(String, String)>,
}

/// A report closed by a moderator's decision: whom to tell.
#[derive(Debug, Clone)]
pub struct ResolvedReport {
    pub reporter_id: UserId,
    pub reporter_email: String,
    pub reporter_name: String,
}

/// One of a reader's comments, with its article, for their data export.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OwnComment {
    pub id: CommentId,
    pub article_id: ArticleId,
    pub article_headline: String,
    pub parent_id: Option<CommentId>,
    pub body: String,
    pub status: dateline_core::CommentStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
}

/// A published article as a sitemap lists it.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    pub slug: Slug,
    pub headline: String,
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}
