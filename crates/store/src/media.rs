//! The media bank: photos with their captions, credits and licences, the
//! resized copies pages pick from, and which stories use them. Replacing
//! a photo everywhere and deleting an unused one are actions of their own
//! ([`crate::MediaTx`]), committed with their audit entries.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::{MediaChanges, MediaId, MediaItem, MediaQuery, NewMedia, Rendition, StoreError};

#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Adds a photo with its renditions.
    async fn create_media(&self, new: &NewMedia) -> Result<MediaItem, StoreError>;
    async fn media_by_id(&self, id: MediaId) -> Result<Option<MediaItem>, StoreError>;
    async fn update_media(&self, id: MediaId, changes: &MediaChanges) -> Result<(), StoreError>;
    /// Replaces a photo's renditions (the rendition job's result).
    async fn set_renditions(&self, id: MediaId, renditions: &[Rendition]) -> Result<(), StoreError>;
    /// The renditions of many photos, in one query: narrowest first,
    /// full-frame sizes before thumbnail crops.
    async fn renditions_of(
        &self,
        media_ids: &[MediaId],
    ) -> Result<HashMap<MediaId, Vec<Rendition>>, StoreError>;
    /// The bank, newest first, optionally filtered by words.
    async fn media_list(&self, query: &MediaQuery) -> Result<Vec<MediaItem>, StoreError>;
    /// True when the photo whose original file is stored under `key` is
    /// the main photo of a published article (its original may be shown
    /// to anyone); false for other photos and for keys of no photo.
    async fn original_is_published(&self, key: &str) -> Result<bool, StoreError>;
    /// How many articles, in any status, use this photo.
    async fn media_usage(&self, id: MediaId) -> Result<i64, StoreError>;
    /// Deletes a photo no article uses; false when one does (or it is gone).
    async fn delete_unused_media(&self, id: MediaId) -> Result<bool, StoreError>;
    /// Points every article that uses photo `old` at photo `new` instead;
    /// returns how many changed.
    async fn replace_media_in_articles(&self, old: MediaId, new: MediaId) -> Result<u64, StoreError>;
}
