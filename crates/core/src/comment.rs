//! The discussion under an article: what a comment may hold, how threads
//! sort, the reactions and report reasons readers pick from, a section's
//! comment policy and a ban's length — each parsed from form input.

use std::fmt;

use time::Duration;

/// A comment's text as the reader typed it (Markdown-like; rendered with
/// the formatting subset of the web layer): 1 to [`CommentBody::MAX_CHARS`]
/// characters once trimmed, no control characters but line breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentBodyError {
    #[error("a comment cannot be empty")]
    Empty,
    #[error("a comment is at most {max} characters long; this one has {0}", max = CommentBody::MAX_CHARS)]
    TooLong(usize),
}

impl CommentBody {
    pub const MAX_CHARS: usize = 4000;

    pub fn parse(input: &str) -> Result<Self, CommentBodyError> {
        let text: String = input
            .replace("\r\n", "\n")
            .chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        let text = text.trim();
        let count = text.chars().count();
        if count == 0 {
            return Err(CommentBodyError::Empty);
        }
        if count > Self::MAX_CHARS {
            return Err(CommentBodyError::TooLong(count));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Where a comment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    /// Held for a moderator: everyone but its author and staff sees nothing.
    Pending,
    Approved,
    /// Removed by a moderator.
    Rejected,
    /// Removed by its author; replies under it stay.
    Deleted,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Deleted => "deleted",
        }
    }

    /// Reads a stored status; anything unknown counts as pending (hidden).
    pub fn from_stored(raw: &str) -> Self {
        match raw {
            "approved" => Self::Approved,
            "rejected" => Self::Rejected,
            "deleted" => Self::Deleted,
            _ => Self::Pending,
        }
    }
}

/// A position in a discussion's threads: the last thread already shown, by
/// its reaction count (what the `top` order sorts on) and id. Written in
/// URLs as `<reactions>-<id>`, e.g. `?after=3-1042`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentCursor {
    pub reactions: i64,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`after` must look like `3-1042` (a reaction count, a hyphen, a comment id)")]
pub struct CommentCursorError;

impl CommentCursor {
    pub fn parse(input: &str) -> Result<Self, CommentCursorError> {
        let (reactions, id) = input.split_once('-').ok_or(CommentCursorError)?;
        let number = |s: &str| {
            (!s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<i64>().ok())
                .flatten()
                .ok_or(CommentCursorError)
        };
        Ok(Self { reactions: number(reactions)?, id: number(id)? })
    }

    /// An `after` query parameter: absent or empty means the first page.
    pub fn from_param(raw: Option<&str>) -> Result<Option<Self>, CommentCursorError> {
        raw.filter(|a| !a.is_empty()).map(Self::parse).transpose()
    }
}

impl fmt::Display for CommentCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.reactions, self.id)
    }
}

/// The order of a discussion's threads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CommentSort {
    #[default]
    Newest,
    Oldest,
    /// Most reactions first.
    Top,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sort is one of: newest, oldest, top")]
pub struct CommentSortError;

impl CommentSort {
    pub const ALL: [Self; 3] = [Self::Newest, Self::Oldest, Self::Top];

    pub fn parse(input: &str) -> Result<Self, CommentSortError> {
        match input {
            "" | "newest" => Ok(Self::Newest),
            "oldest" => Ok(Self::Oldest),
            "top" => Ok(Self::Top),
            _ => Err(CommentSortError),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Top => "top",
        }
    }
}

/// The reactions a reader can leave on a comment, one of each at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reaction {
    Like,
    Insightful,
    Funny,
    Sad,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a reaction is one of: like, insightful, funny, sad")]
pub struct ReactionError;

impl Reaction {
    pub const ALL: [Self; 4] = [Self::Like, Self::Insightful, Self::Funny, Self::Sad];

    pub fn parse(input: &str) -> Result<Self, ReactionError> {
        Self::ALL.into_iter().find(|r| r.as_str() == input).ok_or(ReactionError)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Like => "like",
            Self::Insightful => "insightful",
            Self::Funny => "funny",
            Self::Sad => "sad",
        }
    }

    /// The symbol on its button, the same in every language.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Like => "👍",
            Self::Insightful => "💡",
            Self::Funny => "😄",
            Self::Sad => "😢",
        }
    }
}

/// Why a reader reports a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportReason {
    Spam,
    Abuse,
    OffTopic,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a reason is one of: spam, abuse, off-topic, other")]
pub struct ReportReasonError;

impl ReportReason {
    pub const ALL: [Self; 4] = [Self::Spam, Self::Abuse, Self::OffTopic, Self::Other];

    pub fn parse(input: &str) -> Result<Self, ReportReasonError> {
        Self::ALL.into_iter().find(|r| r.as_str() == input).ok_or(ReportReasonError)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Abuse => "abuse",
            Self::OffTopic => "off-topic",
            Self::Other => "other",
        }
    }
}

/// A section's rule for comments on its articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentPolicy {
    /// Comments appear at once (unless a rule holds one for review).
    #[default]
    Open,
    /// Every comment waits for a moderator.
    Premoderated,
    /// No new comments, replies or reactions.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a comment policy is one of: open, premoderated, closed")]
pub struct CommentPolicyError;

impl CommentPolicy {
    pub const ALL: [Self; 3] = [Self::Open, Self::Premoderated, Self::Closed];

    pub fn parse(input: &str) -> Result<Self, CommentPolicyError> {
        Self::ALL.into_iter().find(|p| p.as_str() == input).ok_or(CommentPolicyError)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Premoderated => "premoderated",
            Self::Closed => "closed",
        }
    }

    pub fn from_stored(raw: &str) -> Self {
        Self::parse(raw).unwrap_or_default()
    }
}

impl fmt::Display for CommentPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long a ban lasts: `1d`, `7d`, `30d` or `forever`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BanLength {
    Days(u16),
    Forever,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a ban lasts 1d, 7d, 30d or forever")]
pub struct BanLengthError;

impl BanLength {
    pub const CHOICES: [Self; 4] = [Self::Days(1), Self::Days(7), Self::Days(30), Self::Forever];

    pub fn parse(input: &str) -> Result<Self, BanLengthError> {
        Self::CHOICES.into_iter().find(|b| b.as_str() == input).ok_or(BanLengthError)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Days(1) => "1d",
            Self::Days(7) => "7d",
            Self::Days(30) => "30d",
            Self::Days(_) | Self::Forever => "forever",
        }
    }

    /// The ban's end, counted from `now`; a ban for ever ends in 9999.
    pub fn until(self, now: time::OffsetDateTime) -> time::OffsetDateTime {
        match self {
            Self::Days(days) => now + Duration::days(i64::from(days)),
            Self::Forever => time::macros::datetime!(9999-12-31 00:00 UTC),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_cursors_round_trip_and_refuse_the_rest() {
        let cursor = CommentCursor::parse("3-1042").expect("cursor");
        assert_eq!(cursor, CommentCursor { reactions: 3, id: 1042 });
        assert_eq!(cursor.to_string(), "3-1042");
        assert_eq!(CommentCursor::from_param(None), Ok(None));
        assert_eq!(CommentCursor::from_param(Some("")), Ok(None));
        assert_eq!(CommentCursor::from_param(Some("3-1042")), Ok(Some(cursor)));
        assert!(CommentCursor::from_param(Some("x")).is_err());
        for bad in ["", "3", "-1", "3-", "a-1", "1-b", "1-2-3", "+1-2", "1- 2", "9999999999999999999-1"] {
            assert!(CommentCursor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn comment_bodies() {
        assert_eq!(
            CommentBody::parse("  Hello\r\nworld \u{7}").map(CommentBody::into_inner),
            Ok("Hello\nworld".into())
        );
        assert_eq!(CommentBody::parse(" \n\t "), Err(CommentBodyError::Empty));
        assert_eq!(CommentBody::parse("\u{0}\u{1b}"), Err(CommentBodyError::Empty));
        assert!(CommentBody::parse(&"é".repeat(CommentBody::MAX_CHARS)).is_ok());
        assert_eq!(
            CommentBody::parse(&"я".repeat(CommentBody::MAX_CHARS + 1)),
            Err(CommentBodyError::TooLong(CommentBody::MAX_CHARS + 1))
        );
    }

    #[test]
    fn choices_round_trip() {
        for r in Reaction::ALL {
            assert_eq!(Reaction::parse(r.as_str()), Ok(r));
        }
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.as_str()), Ok(r));
        }
        for p in CommentPolicy::ALL {
            assert_eq!(CommentPolicy::parse(p.as_str()), Ok(p));
        }
        for s in CommentSort::ALL {
            assert_eq!(CommentSort::parse(s.as_str()), Ok(s));
        }
        for b in BanLength::CHOICES {
            assert_eq!(BanLength::parse(b.as_str()), Ok(b));
        }
        assert!(Reaction::parse("LIKE").is_err() && ReportReason::parse("").is_err());
        assert!(CommentSort::parse("random").is_err() && BanLength::parse("2d").is_err());
        assert_eq!(CommentStatus::from_stored("what"), CommentStatus::Pending);
    }

    #[test]
    fn bans_end() {
        let now = time::macros::datetime!(2026-11-29 12:00 UTC);
        assert_eq!(BanLength::Days(7).until(now), time::macros::datetime!(2026-12-06 12:00 UTC));
        assert!(BanLength::Forever.until(now).year() == 9999);
    }
}
