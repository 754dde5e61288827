//! Who may do what in the newsroom. Pure functions, so the rules read in
//! one place and are tested without a server.
//!
//! - contributors create articles and edit their own while they are drafts
//!   or in review, and submit them;
//! - editors edit, publish, update, correct and unpublish any article in
//!   their editions;
//! - admins do what editors do (user, edition and section management comes
//!   with a later slice);
//! - readers have no newsroom access.

use dateline_core::{ArticleStatus, Role};
use dateline_store::User;

/// True when the account works in this edition (no limits means all).
pub fn in_edition(user: &User, edition_id: i64) -> bool {
    user.edition_ids.is_empty() || user.edition_ids.contains(&edition_id)
}

pub fn can_create(user: &User, edition_id: i64) -> bool {
    user.role.is_staff() && in_edition(user, edition_id)
}

pub fn can_edit(user: &User, edition_id: i64, status: ArticleStatus, created_by: Option<i64>) -> bool {
    match user.role {
        Role::Reader => false,
        Role::Contributor => {
            created_by == Some(user.id)
                && matches!(status, ArticleStatus::Draft | ArticleStatus::InReview)
                && in_edition(user, edition_id)
        }
        Role::Editor | Role::Admin => in_edition(user, edition_id),
    }
}

pub fn can_publish(user: &User, edition_id: i64) -> bool {
    user.role >= Role::Editor && in_edition(user, edition_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, editions: Vec<i64>) -> User {
        User {
            id: 7,
            email: "x@example.com".into(),
            display_name: "X".into(),
            role,
            email_verified: true,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            edition_ids: editions,
            bio: String::new(),
            banned_until: None,
            two_factor: false,
        }
    }

    #[test]
    fn the_permission_matrix() {
        use ArticleStatus::*;
        let reader = user(Role::Reader, vec![]);
        let contributor = user(Role::Contributor, vec![]);
        let editor_en = user(Role::Editor, vec![1]);
        let admin = user(Role::Admin, vec![]);
        assert!(!can_create(&reader, 1));
        assert!(can_create(&contributor, 1));
        assert!(can_edit(&contributor, 1, Draft, Some(7)));
        assert!(can_edit(&contributor, 1, InReview, Some(7)));
        assert!(!can_edit(&contributor, 1, Published, Some(7)), "published work is the editors'");
        assert!(!can_edit(&contributor, 1, Draft, Some(8)), "not someone else's draft");
        assert!(!can_edit(&contributor, 1, Draft, None));
        assert!(!can_publish(&contributor, 1));
        assert!(can_edit(&editor_en, 1, Published, Some(8)));
        assert!(!can_edit(&editor_en, 2, Draft, Some(7)), "outside the editor's editions");
        assert!(can_publish(&editor_en, 1) && !can_publish(&editor_en, 2));
        assert!(!can_create(&editor_en, 2));
        assert!(can_publish(&admin, 2) && can_edit(&admin, 2, Unpublished, None));
        assert!(!can_edit(&reader, 1, Draft, Some(7)));
    }
}
