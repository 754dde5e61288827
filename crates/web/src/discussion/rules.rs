//! The discussion's rules, as pure functions: whether an article takes
//! comments, whether a new comment appears at once or waits for a
//! moderator (and why), and the banned-words list.

use dateline_core::{CommentPolicy, CommentStatus};
use time::{Duration, OffsetDateTime};

/// Settings of the discussion, from the binary's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscussionSettings {
    /// Articles stop taking comments this many days after publication
    /// (0: never).
    pub close_after_days: u32,
    /// A new account's first comments (this many) wait for a moderator.
    pub hold_first: u32,
    /// A comment with a link waits for a moderator until its author has
    /// this many approved comments.
    pub links_after: u32,
    /// Comments an account may post per minute, and per hour.
    pub per_account_per_minute: u32,
    pub per_account_per_hour: u32,
    /// Comments one client address may post per minute (all its accounts).
    pub per_address_per_minute: u32,
}

impl Default for DiscussionSettings {
    fn default() -> Self {
        Self {
            close_after_days: 30,
            hold_first: 1,
            links_after: 3,
            per_account_per_minute: 5,
            per_account_per_hour: 60,
            per_address_per_minute: 20,
        }
    }
}

/// How long after posting its author may still edit a comment.
pub const EDIT_WINDOW: Duration = Duration::minutes(15);

/// Whether an article takes new comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    Open,
    /// Open, but every comment waits for a moderator.
    Premoderated,
    /// Closed by its section's policy.
    ClosedBySection,
    /// Closed because the article is older than `close_after_days`.
    ClosedByAge,
}

impl Openness {
    pub fn of(
        policy: CommentPolicy,
        published_at: OffsetDateTime,
        now: OffsetDateTime,
        settings: &DiscussionSettings,
    ) -> Self {
        let aged = settings.close_after_days > 0
            && now - published_at > Duration::days(i64::from(settings.close_after_days));
        match policy {
            CommentPolicy::Closed => Self::ClosedBySection,
            _ if aged => Self::ClosedByAge,
            CommentPolicy::Premoderated => Self::Premoderated,
            CommentPolicy::Open => Self::Open,
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::Premoderated)
    }
}

/// Why a comment waits for a moderator (stored in `held_reason`).
pub mod held {
    pub const PREMODERATED: &str = "premoderated";
    pub const NEW_ACCOUNT: &str = "new-account";
    pub const BANNED_WORDS: &str = "banned-words";
    pub const LINKS: &str = "links";
}

/// What a new or edited comment needs to know about its author and text.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    pub openness: Openness,
    /// The author's comments approved so far.
    pub approved_before: i64,
    /// Staff comments are never held.
    pub staff: bool,
    pub text: &'a str,
}

/// Approved at once, or pending with the reason.
pub fn verdict(
    submission: &Submission<'_>,
    banned: &BannedWords,
    settings: &DiscussionSettings,
) -> (CommentStatus, &'static str) {
    let pending = |reason| (CommentStatus::Pending, reason);
    if submission.staff {
        return (CommentStatus::Approved, "");
    }
    if banned.matches(submission.text) {
        return pending(held::BANNED_WORDS);
    }
    if submission.openness == Openness::Premoderated {
        return pending(held::PREMODERATED);
    }
    if submission.approved_before < i64::from(settings.hold_first) {
        return pending(held::NEW_ACCOUNT);
    }
    if submission.approved_before < i64::from(settings.links_after)
        && super::format::has_link(submission.text)
    {
        return pending(held::LINKS);
    }
    (CommentStatus::Approved, "")
}

/// The site's banned words and phrases, one per line. A line matches
/// whole words, case-insensitively; a trailing `*` matches any word that
/// starts with it (`spam*` holds "spammer").
#[derive(Debug, Clone, Default)]
pub struct BannedWords {
    entries: Vec<Vec<String>>,
}

impl BannedWords {
    /// The setting's key in `site_settings`.
    pub const SETTING: &'static str = "banned_words";

    pub fn parse(text: &str) -> Self {
        let entries = text
            .lines()
            .map(|line| words(line).collect::<Vec<_>>())
            .filter(|entry| !entry.is_empty())
            .collect();
        Self { entries }
    }

    /// Lines as they are kept: trimmed, lower-case, one per line.
    pub fn normalised(text: &str) -> String {
        let mut lines: Vec<String> = text
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
            .filter(|line| !line.is_empty())
            .collect();
        lines.sort();
        lines.dedup();
        lines.join("\n")
    }

    pub fn matches(&self, text: &str) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let words: Vec<String> = words(text).collect();
        self.entries.iter().any(|entry| {
            words.windows(entry.len()).any(|window| {
                window.iter().zip(entry).all(|(word, banned)| match banned.strip_suffix('*') {
                    Some(prefix) => word.starts_with(prefix),
                    None => word == banned,
                })
            })
        })
    }
}

/// Lower-case words: runs of letters, digits and `*` (for patterns).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '*')).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn openness_follows_policy_and_age() {
        let settings = DiscussionSettings::default();
        let now = datetime!(2026-11-29 12:00 UTC);
        let fresh = now - Duration::days(2);
        let old = now - Duration::days(31);
        assert_eq!(Openness::of(CommentPolicy::Open, fresh, now, &settings), Openness::Open);
        assert_eq!(Openness::of(CommentPolicy::Premoderated, fresh, now, &settings), Openness::Premoderated);
        assert_eq!(Openness::of(CommentPolicy::Closed, fresh, now, &settings), Openness::ClosedBySection);
        assert_eq!(Openness::of(CommentPolicy::Open, old, now, &settings), Openness::ClosedByAge);
        let never = DiscussionSettings { close_after_days: 0, ..settings };
        assert!(Openness::of(CommentPolicy::Open, old, now, &never).is_open());
    }

    #[test]
    fn what_waits_for_a_moderator() {
        let settings = DiscussionSettings::default();
        let banned = BannedWords::parse("idiot\nspam*\nbuy now\n");
        let trusted =
            Submission { openness: Openness::Open, approved_before: 5, staff: false, text: "Fine point." };
        assert_eq!(verdict(&trusted, &banned, &settings), (CommentStatus::Approved, ""));
        let newcomer = Submission { approved_before: 0, ..trusted };
        assert_eq!(verdict(&newcomer, &banned, &settings).1, held::NEW_ACCOUNT);
        let linker = Submission { approved_before: 1, text: "see https://x.example", ..trusted };
        assert_eq!(verdict(&linker, &banned, &settings).1, held::LINKS);
        let rude = Submission { text: "What an IDIOT.", ..trusted };
        assert_eq!(verdict(&rude, &banned, &settings).1, held::BANNED_WORDS);
        let premoderated = Submission { openness: Openness::Premoderated, ..trusted };
        assert_eq!(verdict(&premoderated, &banned, &settings).1, held::PREMODERATED);
        let staff = Submission { staff: true, ..rude };
        assert_eq!(verdict(&staff, &banned, &settings).0, CommentStatus::Approved);
    }

    #[test]
    fn banned_words_match_whole_words_and_phrases() {
        let banned = BannedWords::parse("idiot\nspam*\nbuy   now\nдурак\n");
        assert!(banned.matches("you idiot!"));
        assert!(banned.matches("Spammers again"));
        assert!(banned.matches("BUY\nnow, please"));
        assert!(banned.matches("Сам ДУРАК"));
        assert!(!banned.matches("idiotic? no: only whole words"));
        assert!(!banned.matches("buy it now"));
        assert!(!BannedWords::parse("").matches("anything"));
        assert_eq!(BannedWords::normalised(" Spam*\n\nidiot\nspam*  \n"), "idiot\nspam*");
    }
}
