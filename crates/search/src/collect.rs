//! Facet counts in the same pass as the results: sections, tags and how
//! recent the matches are, read from fast fields.

use rustc_hash::FxHashMap as HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::DATE_RANGES;

/// Documents read per batch from the fast fields.
const COLLECT_BLOCK: usize = 64;

/// Ids below this are counted in a plain array (sections and tags of all
/// but the largest sites); the rest in a map.
const DENSE_IDS: i64 = 1 << 16;

/// Counts per id: the per-document work of every search, so cheap first.
#[derive(Debug, Clone, Default)]
pub struct Counter {
    dense: Vec<u32>,
    sparse: HashMap<i64, u64>,
}

impl Counter {
    #[inline]
    fn add(&mut self, id: i64) {
        if (0..DENSE_IDS).contains(&id) {
            let slot = id as usize;
            if slot >= self.dense.len() {
                self.dense.resize(slot + 1, 0);
            }
            self.dense[slot] += 1;
        } else {
            *self.sparse.entry(id).or_default() += 1;
        }
    }

    fn into_map(self) -> HashMap<i64, u64> {
        let mut map = self.sparse;
        for (id, count) in self.dense.into_iter().enumerate() {
            if count > 0 {
                *map.entry(id as i64).or_default() += u64::from(count);
            }
        }
        map
    }
}

#[derive(Debug, Clone, Default)]
pub struct FacetCounts {
    pub sections: HashMap<i64, u64>,
    pub tags: HashMap<i64, u64>,
    pub dates: [u64; 4],
}

impl FacetCounts {
    fn merge(&mut self, other: FacetCounts) {
        for (k, v) in other.sections {
            *self.sections.entry(k).or_default() += v;
        }
        for (k, v) in other.tags {
            *self.tags.entry(k).or_default() += v;
        }
        for (mine, theirs) in self.dates.iter_mut().zip(other.dates) {
            *mine += theirs;
        }
    }
}

/// Counts per id, largest first (ties by id), at most 30.
pub fn largest_first(counts: HashMap<i64, u64>) -> Vec<(i64, u64)> {
    let mut list: Vec<(i64, u64)> = counts.into_iter().collect();
    list.sort_unstable();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(30);
    list
}

#[derive(Debug)]
pub struct Facets {
    /// The start of each of [`DATE_RANGES`] (unix seconds).
    starts: [i64; 4],
}

impl Facets {
    pub fn new(now: i64) -> Self {
        Self { starts: DATE_RANGES.map(|(_, span)| now - span) }
    }
}

pub struct FacetSegment {
    section: Column<i64>,
    tags: Column<i64>,
    published: Column<i64>,
    starts: [i64; 4],
    sections: Counter,
    tags_seen: Counter,
    dates: [u64; 4],
}

impl Collector for Facets {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let fast = segment.fast_fields();
        Ok(FacetSegment {
            section: fast.i64("section")?,
            tags: fast.i64("tags")?,
            published: fast.i64("published")?,
            starts: self.starts,
            sections: Counter::default(),
            tags_seen: Counter::default(),
            dates: [0; 4],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut all = FacetCounts::default();
        for fruit in fruits {
            all.merge(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(section) = self.section.first(doc) {
            self.sections.add(section);
        }
        for tag in self.tags.values_for_doc(doc) {
            self.tags_seen.add(tag);
        }
        if let Some(published) = self.published.first(doc) {
            for (count, start) in self.dates.iter_mut().zip(self.starts) {
                *count += u64::from(published >= start);
            }
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let mut sections = [None; COLLECT_BLOCK];
        let mut published = [None; COLLECT_BLOCK];
        for chunk in docs.chunks(COLLECT_BLOCK) {
            let sections = &mut sections[..chunk.len()];
            let published = &mut published[..chunk.len()];
            self.section.first_vals(chunk, sections);
            self.published.first_vals(chunk, published);
            for section in sections.iter().flatten() {
                self.sections.add(*section);
            }
            for at in published.iter().flatten() {
                for (count, start) in self.dates.iter_mut().zip(self.starts) {
                    *count += u64::from(*at >= start);
                }
            }
            for doc in chunk {
                for tag in self.tags.values_for_doc(*doc) {
                    self.tags_seen.add(tag);
                }
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        FacetCounts { sections: self.sections.into_map(), tags: self.tags_seen.into_map(), dates: self.dates }
    }
}
