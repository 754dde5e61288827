//! Typed ids at the store's boundary: a photo's id is a [`MediaId`], not
//! a bare number, so it cannot be passed where a story's id is meant.
//! Each is the row's `BIGINT`/`INTEGER` key as stored (`#[sqlx(transparent)]`),
//! shown and parsed as the plain number (in URLs, forms and JSON).
//! Sequence numbers that are not a thing's identity (change-log positions,
//! versions, counts) stay `i64`.

use std::fmt;
use std::str::FromStr;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Default,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            /// The number as stored.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

id!(
    /// A photo in the media bank.
    MediaId
);

id!(
    /// A reader's comment under a story.
    CommentId
);

id!(
    /// A story, in any state (draft, scheduled, published, withdrawn).
    ArticleId
);

id!(
    /// A language edition of the site.
    EditionId
);

id!(
    /// A section of one edition.
    SectionId
);

id!(
    /// An account: a reader, a journalist or an administrator.
    UserId
);

id!(
    /// A tag of one edition.
    TagId
);

id!(
    /// A byline of one edition.
    AuthorId
);

id!(
    /// A chat room.
    ChatRoomId
);

id!(
    /// A message in a chat room.
    ChatMessageId
);

id!(
    /// A mute or ban in the chats.
    ChatSanctionId
);

id!(
    /// A newsletter subscriber.
    SubscriberId
);

id!(
    /// One newsletter send (a digest or a breaking alert of an edition).
    NewsletterSendId
);

id!(
    /// One subscriber's copy of a newsletter send.
    DeliveryId
);

id!(
    /// A background job.
    JobId
);

id!(
    /// A kept revision of a story.
    RevisionId
);

id!(
    /// An entry of a live blog.
    LiveEntryId
);

id!(
    /// An API token (its id, not its secret).
    ApiTokenId
);

#[cfg(test)]
mod tests {
    use super::MediaId;

    #[test]
    fn an_id_reads_and_shows_as_its_number() {
        let id: MediaId = "42".parse().expect("a number");
        assert_eq!((id, id.get(), id.to_string()), (MediaId::new(42), 42, "42".to_owned()));
        assert!("4x".parse::<MediaId>().is_err() && "".parse::<MediaId>().is_err());
        assert!("99999999999999999999".parse::<MediaId>().is_err(), "past i64");
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("42"));
    }
}
