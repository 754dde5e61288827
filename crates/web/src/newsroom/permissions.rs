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
use dateline_store::{EditionId, User, UserId};

/// True when the account works in this edition (no limits means all).
pub fn in_edition(user: &User, edition_id: EditionId) -> bool {
    user.edition_ids.is_empty() || user.edition_ids.contains(&edition_id)
}

pub fn can_create(user: &User, edition_id: EditionId) -> bool {
    user.role.is_staff() && in_edition(user, edition_id)
}

pub fn can_edit(
    user: &User,
    edition_id: EditionId,
    status: ArticleStatus,
    created_by: Option<UserId>,
) -> bool {
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

pub fn can_publish(user: &User, edition_id: EditionId) -> bool {
    user.role >= Role::Editor && in_edition(user, edition_id)
}

/// A photo's record (caption, credit, copyright, licence, alt text, focal
/// point) shows at once in every published story that uses it, so changing
/// it takes the right to edit each of those stories; `published_in` holds
/// their editions. A photo no published story uses is any staff member's.
pub fn can_edit_media(user: &User, published_in: &[EditionId]) -> bool {
    user.role.is_staff()
        && published_in.iter().all(|&edition| can_edit(user, edition, ArticleStatus::Published, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: EditionId = EditionId::new(1);
    const RU: EditionId = EditionId::new(2);
    const ME: UserId = UserId::new(7);
    const OTHER: UserId = UserId::new(8);

    fn user(role: Role, editions: Vec<EditionId>) -> User {
        User {
            id: ME,
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
        let editor_of_1 = user(Role::Editor, vec![EN]);
        let editor = user(Role::Editor, vec![]);
        let reader = user(Role::Reader, vec![]);
        assert!(can_edit_media(&contributor, &[]), "an unpublished photo is anyone's on staff");
        assert!(!can_edit_media(&reader, &[]));
        assert!(!can_edit_media(&contributor, &[EN]), "contributors cannot edit published stories");
        assert!(can_edit_media(&editor_of_1, &[EN, EN]));
        assert!(!can_edit_media(&editor_of_1, &[EN, RU]), "one story elsewhere is enough to refuse");
        assert!(can_edit_media(&editor, &[EN, RU]));
    }

    #[test]
    fn the_permission_matrix() {
        use ArticleStatus::*;
        let reader = user(Role::Reader, vec![]);
        let contributor = user(Role::Contributor, vec![]);
        let editor_en = user(Role::Editor, vec![EN]);
        let admin = user(Role::Admin, vec![]);
        assert!(!can_create(&reader, EN));
        assert!(can_create(&contributor, EN));
        assert!(can_edit(&contributor, EN, Draft, Some(ME)));
        assert!(can_edit(&contributor, EN, InReview, Some(ME)));
        assert!(!can_edit(&contributor, EN, Published, Some(ME)), "published work is the editors'");
        assert!(!can_edit(&contributor, EN, Draft, Some(OTHER)), "not someone else's draft");
        assert!(!can_edit(&contributor, EN, Draft, None));
        assert!(!can_publish(&contributor, EN));
        assert!(can_edit(&editor_en, EN, Published, Some(OTHER)));
        assert!(!can_edit(&editor_en, RU, Draft, Some(ME)), "outside the editor's editions");
        assert!(can_publish(&editor_en, EN) && !can_publish(&editor_en, RU));
        assert!(!can_create(&editor_en, RU));
        assert!(can_publish(&admin, RU) && can_edit(&admin, RU, Unpublished, None));
        assert!(!can_edit(&reader, EN, Draft, Some(ME)));
    }
}
