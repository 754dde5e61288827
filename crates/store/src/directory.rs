//! The site's directory: editions and their sections, authors, tags, and
//! the site-wide settings. Small tables that every page reads (the web
//! layer keeps editions and sections in memory and reloads them after a
//! change) and that administrators change now and then, each change with
//! its audit entry in one transaction ([`crate::DirectoryTx`]).

use async_trait::async_trait;
use dateline_core::{CommentPolicy, Slug};

use crate::{
    Author, Edition, EditionChanges, EditionId, NewAuthor, NewEdition, NewSection, Section, SectionId,
    StoreError, Tag,
};

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// True when no edition exists yet (a fresh store the demo may fill).
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// Every edition, in the administrators' order.
    async fn editions(&self) -> Result<Vec<Edition>, StoreError>;
    /// Every section of every edition, by edition and then in order.
    async fn sections(&self) -> Result<Vec<Section>, StoreError>;
    /// `Conflict` when the code is taken.
    async fn create_edition(&self, new: &NewEdition) -> Result<Edition, StoreError>;
    async fn update_edition(&self, id: EditionId, changes: &EditionChanges) -> Result<(), StoreError>;
    /// `Conflict` when the edition has a section with this slug.
    async fn create_section(&self, new: &NewSection) -> Result<Section, StoreError>;
    async fn update_section(
        &self,
        id: SectionId,
        name: &str,
        description: &str,
        position: i32,
    ) -> Result<(), StoreError>;
    /// Sets who may comment on a section's stories.
    async fn set_comment_policy(
        &self,
        section_id: SectionId,
        policy: CommentPolicy,
    ) -> Result<(), StoreError>;

    /// `Conflict` when the edition has an author with this slug.
    async fn create_author(&self, new: &NewAuthor) -> Result<Author, StoreError>;
    async fn author_by_slug(&self, edition_id: EditionId, slug: &Slug) -> Result<Option<Author>, StoreError>;
    /// Every author of every edition, for the editor's byline picker.
    async fn authors(&self) -> Result<Vec<Author>, StoreError>;

    /// The edition's tag with this slug, created with `name` when absent
    /// (an existing tag keeps its name).
    async fn ensure_tag(&self, edition_id: EditionId, slug: &Slug, name: &str) -> Result<Tag, StoreError>;
    async fn tag_by_slug(&self, edition_id: EditionId, slug: &Slug) -> Result<Option<Tag>, StoreError>;

    /// One of the site's settings (`site_settings`), if ever set.
    async fn site_setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    async fn set_site_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
}
