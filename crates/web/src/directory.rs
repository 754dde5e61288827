//! The site's map: editions and their sections, held in memory.
//!
//! Every page needs the edition switcher and the section navigation, and
//! they change rarely, so they are read once at start and again whenever
//! the content changes ([`crate::AppState::content_changed`]), never per
//! request.

use std::collections::HashMap;

use dateline_core::Slug;
use dateline_store::{ArticleCard, Edition, EditionId, Section, SectionId, Store, StoreError};
use time::OffsetDateTime;

#[derive(Debug, Default, Clone)]
pub struct SiteDirectory {
    editions: Vec<Edition>,
    sections: HashMap<EditionId, Vec<Section>>,
    /// Each edition's newest breaking story of the last
    /// [`BREAKING_BANNER_HOURS`], for the banner every page shows.
    breaking: HashMap<EditionId, ArticleCard>,
}

/// How long a breaking story keeps its banner on every page of its edition
/// (while it stays marked breaking and no newer breaking story comes).
pub const BREAKING_BANNER_HOURS: i64 = 6;

impl SiteDirectory {
    pub async fn load(store: &dyn Store) -> Result<Self, StoreError> {
        let editions = store.editions().await?;
        let mut sections: HashMap<EditionId, Vec<Section>> = HashMap::new();
        for section in store.sections().await? {
            sections.entry(section.edition_id).or_default().push(section);
        }
        let since = OffsetDateTime::now_utc() - time::Duration::hours(BREAKING_BANNER_HOURS);
        let mut breaking = HashMap::new();
        for edition in &editions {
            if let Some(card) = store.latest_breaking(edition.id, since).await? {
                breaking.insert(edition.id, card);
            }
        }
        Ok(Self { editions, sections, breaking })
    }

    /// The breaking story whose banner the edition's pages show now.
    pub fn breaking_story(&self, edition_id: EditionId) -> Option<&ArticleCard> {
        let since = OffsetDateTime::now_utc() - time::Duration::hours(BREAKING_BANNER_HOURS);
        self.breaking.get(&edition_id).filter(|card| card.published_at >= since)
    }

    pub fn editions(&self) -> &[Edition] {
        &self.editions
    }

    pub fn edition_by_code(&self, code: &str) -> Option<&Edition> {
        self.editions.iter().find(|e| e.code.as_str() == code)
    }

    pub fn edition_by_id(&self, id: EditionId) -> Option<&Edition> {
        self.editions.iter().find(|e| e.id == id)
    }

    /// The edition marked default, else the first one.
    pub fn default_edition(&self) -> Option<&Edition> {
        self.editions.iter().find(|e| e.is_default).or_else(|| self.editions.first())
    }

    pub fn sections_of(&self, edition_id: EditionId) -> &[Section] {
        self.sections.get(&edition_id).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn section(&self, edition_id: EditionId, slug: &Slug) -> Option<&Section> {
        self.sections_of(edition_id).iter().find(|s| &s.slug == slug)
    }

    pub fn section_by_id(&self, id: SectionId) -> Option<&Section> {
        self.sections.values().flatten().find(|s| s.id == id)
    }
}
