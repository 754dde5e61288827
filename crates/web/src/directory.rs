//! The site's map: editions and their sections, held in memory.
//!
//! Every page needs the edition switcher and the section navigation, and
//! they change rarely, so they are read once at start and again whenever
//! the content changes ([`crate::AppState::content_changed`]), never per
//! request.

use std::collections::HashMap;

use dateline_core::Slug;
use dateline_store::{Edition, Section, Store, StoreError};

#[derive(Debug, Default, Clone)]
pub struct SiteDirectory {
    editions: Vec<Edition>,
    sections: HashMap<i64, Vec<Section>>,
}

impl SiteDirectory {
    pub async fn load(store: &dyn Store) -> Result<Self, StoreError> {
        let editions = store.editions().await?;
        let mut sections: HashMap<i64, Vec<Section>> = HashMap::new();
        for section in store.sections().await? {
            sections.entry(section.edition_id).or_default().push(section);
        }
        Ok(Self { editions, sections })
    }

    pub fn editions(&self) -> &[Edition] {
        &self.editions
    }

    pub fn edition_by_code(&self, code: &str) -> Option<&Edition> {
        self.editions.iter().find(|e| e.code.as_str() == code)
    }

    pub fn edition_by_id(&self, id: i64) -> Option<&Edition> {
        self.editions.iter().find(|e| e.id == id)
    }

    /// The edition marked default, else the first one.
    pub fn default_edition(&self) -> Option<&Edition> {
        self.editions.iter().find(|e| e.is_default).or_else(|| self.editions.first())
    }

    pub fn sections_of(&self, edition_id: i64) -> &[Section] {
        self.sections.get(&edition_id).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn section(&self, edition_id: i64, slug: &Slug) -> Option<&Section> {
        self.sections_of(edition_id).iter().find(|s| &s.slug == slug)
    }

    pub fn section_by_id(&self, id: i64) -> Option<&Section> {
        self.sections.values().flatten().find(|s| s.id == id)
    }
}
