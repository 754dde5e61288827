//! Articles: their life-cycle status and how lists of them are paged.

use std::fmt;

use time::OffsetDateTime;

/// Where an article stands in the editorial workflow. Only `Published`
/// articles are visible to readers; `Unpublished` ones answer 410.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    InReview,
    Scheduled,
    Published,
    Unpublished,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }

    pub fn from_stored(value: &str) -> Option<Self> {
        Some(match value {
            "draft" => Self::Draft,
            "in_review" => Self::InReview,
            "scheduled" => Self::Scheduled,
            "published" => Self::Published,
            "unpublished" => Self::Unpublished,
            _ => return None,
        })
    }
}

/// A position in a list of articles ordered newest first: the publish time
/// and id of the last article already shown. Written in URLs as
/// `<unix seconds>-<id>`, e.g. `?before=1764312000-42`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleCursor {
    pub published_at: OffsetDateTime,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`before` must look like `1764312000-42` (publish time in Unix seconds, a hyphen, an article id)")]
pub struct CursorError;

impl ArticleCursor {
    pub fn parse(input: &str) -> Result<Self, CursorError> {
        let (secs, id) = input.split_once('-').ok_or(CursorError)?;
        let digits = |s: &str| !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(secs) || !digits(id) {
            return Err(CursorError);
        }
        let secs: i64 = secs.parse().map_err(|_| CursorError)?;
        let id: i64 = id.parse().map_err(|_| CursorError)?;
        let published_at = OffsetDateTime::from_unix_timestamp(secs).map_err(|_| CursorError)?;
        Ok(Self { published_at, id })
    }
}

impl fmt::Display for ArticleCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.published_at.unix_timestamp(), self.id)
    }
}

/// How many items one page of a list holds: 1 to 50.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`limit` must be a whole number from 1 to 50")]
pub struct PageSizeError;

impl PageSize {
    pub const MAX: u32 = 50;

    pub fn new(value: u32) -> Result<Self, PageSizeError> {
        if (1..=Self::MAX).contains(&value) { Ok(Self(value)) } else { Err(PageSizeError) }
    }

    pub fn parse(input: &str) -> Result<Self, PageSizeError> {
        input.parse::<u32>().map_err(|_| PageSizeError).and_then(Self::new)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let cursor = ArticleCursor::parse("1764312000-42").expect("valid cursor");
        assert_eq!(cursor.id, 42);
        assert_eq!(cursor.to_string(), "1764312000-42");
        for bad in ["", "-", "1-", "-1", "x-1", "1-x", "1_2", "99999999999999999999-1", "1-2-3", "' OR 1=1"] {
            assert_eq!(ArticleCursor::parse(bad), Err(CursorError), "{bad}");
        }
    }

    #[test]
    fn page_sizes() {
        assert_eq!(PageSize::parse("10").map(PageSize::get), Ok(10));
        for bad in ["0", "51", "-1", "ten", ""] {
            assert!(PageSize::parse(bad).is_err(), "{bad}");
        }
    }
}
