//! Answers given since the index last changed.
//!
//! While a story runs, readers search for the same few names, and each
//! answer (count, facets, highlights) costs a millisecond or more of CPU:
//! the same answer is given again from memory until the index changes.
//! Any commit or switch to a rebuilt index forgets every answer, so an
//! answer is never older than the index itself; a search that began
//! before a change does not store its (older) answer. The date facets
//! ("last day" …) are counted from the minute the answer was first made.
//! Up to a fixed number of answers are kept, the oldest dropped first.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use crate::{Analyzer, Request, Results, SearchError, Sort};

/// Everything an answer depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    text: String,
    editions: Vec<i64>,
    analyzers: Vec<Analyzer>,
    include_unpublished: bool,
    section: Option<i64>,
    tag: Option<i64>,
    since: Option<i64>,
    until: Option<i64>,
    sort: Sort,
    offset: usize,
    limit: usize,
    minute: i64,
}

impl Key {
    fn of(request: &Request) -> Self {
        Self {
            text: request.text.clone(),
            editions: request.editions.clone(),
            analyzers: request.analyzers.clone(),
            include_unpublished: request.include_unpublished,
            section: request.section,
            tag: request.tag,
            since: request.since,
            until: request.until,
            sort: request.sort,
            offset: request.offset,
            limit: request.limit,
            minute: request.now.div_euclid(60),
        }
    }
}

#[derive(Debug, Default)]
struct Entries {
    answers: FxHashMap<Key, Results>,
    /// Oldest first.
    order: VecDeque<Key>,
}

#[derive(Debug)]
pub(crate) struct ResultsCache {
    capacity: usize,
    /// Bumped whenever the index changes.
    version: AtomicU64,
    entries: Mutex<Entries>,
}

impl ResultsCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { capacity, version: AtomicU64::new(0), entries: Mutex::new(Entries::default()) }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The version answers are stored under; read it before looking at
    /// the index, and pass it to [`ResultsCache::answer`].
    pub(crate) fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Forgets every answer: the index changed. Call it once the change
    /// is visible to new searches.
    pub(crate) fn forget(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries();
        entries.answers.clear();
        entries.order.clear();
    }

    /// The remembered answer to `request`, if there is one.
    pub(crate) fn remembered(&self, request: &Request) -> Option<Results> {
        if self.capacity == 0 {
            return None;
        }
        let answer = self.entries().answers.get(&Key::of(request)).cloned();
        if answer.is_some() {
            metrics::counter!("dateline_search_cache_hits_total").increment(1);
        }
        answer
    }

    /// The remembered answer to `request`, or `search`'s, remembered if
    /// the index has not changed since `version` was read.
    pub(crate) fn answer(
        &self,
        request: &Request,
        version: u64,
        search: impl FnOnce() -> Result<Results, SearchError>,
    ) -> Result<Results, SearchError> {
        if self.capacity == 0 {
            return search();
        }
        let key = Key::of(request);
        if let Some(answer) = self.entries().answers.get(&key) {
            metrics::counter!("dateline_search_cache_hits_total").increment(1);
            return Ok(answer.clone());
        }
        metrics::counter!("dateline_search_cache_misses_total").increment(1);
        let answer = search()?;
        let mut entries = self.entries();
        // Checked under the lock `forget` takes: an answer from before a
        // change is not kept.
        if self.version.load(Ordering::Acquire) == version && !entries.answers.contains_key(&key) {
            while entries.order.len() >= self.capacity {
                let Some(oldest) = entries.order.pop_front() else { break };
                entries.answers.remove(&oldest);
            }
            entries.order.push_back(key.clone());
            entries.answers.insert(key, answer.clone());
        }
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn ask(cache: &ResultsCache, text: &str, now: i64, runs: &Cell<usize>) -> usize {
        let request = Request { text: text.into(), now, limit: 10, ..Request::default() };
        let answer = cache.answer(&request, cache.version(), || {
            runs.set(runs.get() + 1);
            Ok(Results { total: runs.get(), ..Results::default() })
        });
        answer.map(|r| r.total).unwrap_or_default()
    }

    #[test]
    fn answers_are_kept_until_the_index_changes() {
        let cache = ResultsCache::new(2);
        let runs = Cell::new(0);
        let harbour = Request { text: "harbour".into(), now: 600, limit: 10, ..Request::default() };
        assert!(cache.remembered(&harbour).is_none());
        assert_eq!(ask(&cache, "harbour", 600, &runs), 1);
        assert_eq!(cache.remembered(&harbour).map(|r| r.total), Some(1));
        assert_eq!(ask(&cache, "harbour", 659, &runs), 1, "the same minute: remembered");
        assert_eq!(ask(&cache, "harbour", 660, &runs), 2, "a new minute: the date facets move");
        cache.forget();
        assert_eq!(ask(&cache, "harbour", 660, &runs), 3, "the index changed");
        // Two answers at most; the oldest goes first.
        assert_eq!(ask(&cache, "strike", 660, &runs), 4);
        assert_eq!(ask(&cache, "tolls", 660, &runs), 5);
        assert_eq!(ask(&cache, "tolls", 660, &runs), 5);
        assert_eq!(ask(&cache, "harbour", 660, &runs), 6, "dropped as the oldest");
        // None kept at all.
        let off = ResultsCache::new(0);
        assert_eq!(ask(&off, "harbour", 600, &runs), 7);
        assert_eq!(ask(&off, "harbour", 600, &runs), 8);
    }

    #[test]
    fn an_answer_from_before_a_change_is_not_kept() {
        let cache = ResultsCache::new(10);
        let runs = Cell::new(0);
        let request = Request { text: "harbour".into(), limit: 10, ..Request::default() };
        let _ = cache.answer(&request, cache.version(), || {
            cache.forget(); // the index changes while this search runs
            Ok(Results::default())
        });
        assert_eq!(ask(&cache, "harbour", 0, &runs), 1, "computed again");
    }
}
