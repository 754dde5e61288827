//! Dateline's domain: the words the rest of the code speaks in.
//!
//! Everything here is pure (no I/O) and parses input into types that are
//! valid by construction ("parse, don't validate"): a [`Slug`] is always a
//! usable URL segment, an [`EditionCode`] always a short language-like code,
//! an [`ArticleCursor`] always a position in a time-ordered list. The web
//! layer parses request input into these at the edge; inner code never
//! re-checks.

mod account;
mod article;
mod comment;
mod edition;
mod slug;

pub use account::{
    DisplayName, DisplayNameError, Email, EmailError, NewPassword, NewPasswordError, Role, RoleError,
};
pub use article::{ArticleCursor, ArticleStatus, CursorError, PageSize, PageSizeError};
pub use comment::{
    BanLength, BanLengthError, CommentBody, CommentBodyError, CommentCursor, CommentCursorError,
    CommentPolicy, CommentPolicyError, CommentSort, CommentSortError, CommentStatus, Reaction, ReactionError,
    ReportReason, ReportReasonError,
};
pub use edition::{EditionCode, EditionCodeError, TextDirection};
pub use slug::{RESERVED_SECTION_SLUGS, Slug, SlugError, slugify};
