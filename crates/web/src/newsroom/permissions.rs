//! Who may do what in the newsroom. Pure functions, so the rules read in
//! one place and are tested without a server.
//!
//! - contributors create articles and edit their own while they are drafts
//!   or in review, and submit them;
//! - editors edit, publish, update, correct and unpublish any article in
//!   their editions;
//! - admins do what editors do (user, edition and section management comes
//!   with a later slice);
//! - a photo that published stories use is edited by those who may edit
//!   every one of them (its record changes them all at once);
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

/// A photo's record (caption, credit, copyright, licence, alt text, focal
/// point) shows at once in every published story that uses it, so changing
/// it takes the right to edit each of those stories; `published_in` holds
/// their editions. A photo no published story uses is any staff member's.
pub fn can_edit_media(user: &User, published_in: &[i64]) -> bool {
    user.role.is_staff()
        && published_in.iter().all(|&edition| can_edit(user, edition, ArticleStatus::Published, None))
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
    fn photos_in_published_stories_are_edited_by_those_stories_editors() {
        let contributor = user(Role::Contributor, vec![]);
        let editor_of_1 = user(Role::Editor, vec![1]);
        let editor = user(Role::Editor, vec![]);
        let reader = user(Role::Reader, vec![]);
        assert!(can_edit_media(&contributor, &[]), "an unpublished photo is anyone's on staff");
        assert!(!can_edit_media(&reader, &[]));
        assert!(!can_edit_media(&contributor, &[1]), "contributors cannot edit published stories");
        assert!(can_edit_media(&editor_of_1, &[1, 1]));
        assert!(!can_edit_media(&editor_of_1, &[1, 2]), "one story elsewhere is enough to refuse");
        assert!(can_edit_media(&editor, &[1, 2]));
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
