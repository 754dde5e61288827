//! Facet counts in the same pass as the results: sections, tags and how
//! recent the matches are, read from fast fields.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::DATE_RANGES;

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
    counts: FacetCounts,
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
            counts: FacetCounts::default(),
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
            *self.counts.sections.entry(section).or_default() += 1;
        }
        for tag in self.tags.values_for_doc(doc) {
            *self.counts.tags.entry(tag).or_default() += 1;
        }
        if let Some(published) = self.published.first(doc) {
            for (count, start) in self.counts.dates.iter_mut().zip(self.starts) {
                if published >= start {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        self.counts
    }
}
