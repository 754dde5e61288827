//! Dateline's full-text index (tantivy), one per node.
//!
//! The database is the source of everything here: the index can be thrown
//! away and rebuilt at any time ([`Builder`]). On disk it lives under one
//! directory as generations (`gen-<uuid>/`), with `CURRENT` naming the one
//! in use; a rebuild writes a new generation beside the old and switches
//! `CURRENT` when it is complete, so a running server (which looks at
//! `CURRENT` as it follows changes) picks up a rebuild made by
//! `dateline reindex` without a restart.
//!
//! Each commit records, as its payload, the id of the last change of the
//! database's change stream it reflects (the watermark); a node resumes
//! from there.

pub mod analysis;
mod cache;
mod collect;
pub mod query;

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

pub use analysis::Analyzer;
use cache::ResultsCache;
use query::Clause;

/// Bumped when the schema or analysis changes: an index made by another
/// version is rebuilt.
const SCHEMA_VERSION: u32 = 3;
/// Memory the serving node's writer may buffer (one thread).
const SERVING_WRITER_BYTES: usize = 20_000_000;
/// Memory a rebuild's writer may buffer per thread.
const REBUILD_WRITER_BYTES: usize = 100_000_000;
/// Largest page of results one request may ask for.
pub const MAX_LIMIT: usize = 50;
/// Deepest result one request may reach (offset + limit).
pub const MAX_DEPTH: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the search index is being built")]
    NotReady,
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index files: {0}")]
    Io(#[from] std::io::Error),
}

/// One article as the index holds it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: i64,
    pub edition_id: i64,
    pub section_id: i64,
    pub slug: String,
    /// The article's status (`published`, `draft`, …), shown to staff.
    pub status: String,
    /// Readers may find it (published).
    pub visible: bool,
    pub breaking: bool,
    /// Unix seconds.
    pub published_at: i64,
    pub analyzer: Analyzer,
    pub headline: String,
    pub lead: String,
    /// Plain text (no markup).
    pub body: String,
    /// Tags, authors and the dateline's place, as words.
    pub extra: String,
    pub tag_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

/// A search, as the web layer asks it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// What the user typed (see [`query`]).
    pub text: String,
    /// Only these editions (none: all).
    pub editions: Vec<i64>,
    /// How to analyse the text: the searched editions' analyzers.
    pub analyzers: Vec<Analyzer>,
    /// Staff searches also find drafts and unpublished stories.
    pub include_unpublished: bool,
    pub section: Option<i64>,
    pub tag: Option<i64>,
    /// Published at or after (unix seconds).
    pub since: Option<i64>,
    /// Published before (unix seconds).
    pub until: Option<i64>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// "Now" for the date facets (unix seconds).
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub id: i64,
    pub edition_id: i64,
    pub section_id: i64,
    pub slug: String,
    pub status: String,
    pub breaking: bool,
    pub published_at: i64,
    pub headline: String,
    /// The headline as HTML, matched words in `<mark>`.
    pub headline_html: String,
    /// A passage of the body (or the lead) as HTML, matched words in `<mark>`.
    pub snippet_html: String,
}

/// How many results fall in each of the last day, week, month and year.
pub const DATE_RANGES: [(&str, i64); 4] =
    [("day", 86_400), ("week", 7 * 86_400), ("month", 31 * 86_400), ("year", 366 * 86_400)];

#[derive(Debug, Clone, Default)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Section ids with their counts, largest first.
    pub sections: Vec<(i64, u64)>,
    /// Tag ids with their counts, largest first.
    pub tags: Vec<(i64, u64)>,
    /// Counts for each of [`DATE_RANGES`].
    pub dates: [u64; 4],
}

/// The indexed fields of one analyzer. A word must be in `all`, which has
/// every text of the story; being in the headline too adds to its score.
/// (One required posting list per word and an optional one is much cheaper
/// than the union of a field per part of the story.)
#[derive(Debug, Clone, Copy)]
struct TextFields {
    headline: Field,
    /// Headline, lead, tags, authors, place, section and body.
    all: Field,
}

/// How much more a word in the headline counts.
const HEADLINE_BOOST: f32 = 2.0;

#[derive(Debug, Clone)]
struct Fields {
    id: Field,
    edition: Field,
    section: Field,
    tags: Field,
    visible: Field,
    published: Field,
    slug: Field,
    status: Field,
    breaking: Field,
    analyzer: Field,
    /// Stored only, for results and their passages.
    headline: Field,
    lead: Field,
    body: Field,
    text: BTreeMap<Analyzer, TextFields>,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_i64_field("id", INDEXED | STORED | FAST);
    let edition = builder.add_i64_field("edition", INDEXED | STORED | FAST);
    let section = builder.add_i64_field("section", INDEXED | STORED | FAST);
    let tags = builder.add_i64_field("tags", INDEXED | FAST);
    let visible = builder.add_i64_field("visible", INDEXED);
    let published = builder.add_i64_field("published", INDEXED | STORED | FAST);
    let slug = builder.add_text_field("slug", STORED);
    let status = builder.add_text_field("status", STORED);
    let breaking = builder.add_i64_field("breaking", STORED);
    let analyzer = builder.add_text_field("analyzer", STORED);
    let headline = builder.add_text_field("headline", STORED);
    let lead = builder.add_text_field("lead", STORED);
    let body = builder.add_text_field("body", STORED);
    let mut text = BTreeMap::new();
    for a in analysis::ALL {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(&a.tokenizer_name())
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        let code = a.code();
        text.insert(
            a,
            TextFields {
                headline: builder.add_text_field(&format!("headline_{code}"), options.clone()),
                all: builder.add_text_field(&format!("all_{code}"), options),
            },
        );
    }
    let fields = Fields {
        id,
        edition,
        section,
        tags,
        visible,
        published,
        slug,
        status,
        breaking,
        analyzer,
        headline,
        lead,
        body,
        text,
    };
    (builder.build(), fields)
}

fn register_tokenizers(index: &Index) {
    for a in analysis::ALL {
        index.tokenizers().register(&a.tokenizer_name(), a.text_analyzer());
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    version: u32,
    watermark: i64,
}

fn payload(watermark: i64) -> String {
    serde_json::to_string(&Payload { version: SCHEMA_VERSION, watermark }).unwrap_or_default()
}

/// One built index: what searches read and changes go into.
struct Generation {
    name: String,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Option<IndexWriter>>,
    /// The last change applied (committed or not).
    watermark: AtomicI64,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generation").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Generation {
    fn new(name: String, index: Index, fields: Fields, watermark: i64) -> Result<Self, SearchError> {
        register_tokenizers(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(Self {
            name,
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            watermark: AtomicI64::new(watermark),
        })
    }

    fn document(&self, doc: &Doc) -> TantivyDocument {
        let f = &self.fields;
        let mut out = TantivyDocument::default();
        out.add_i64(f.id, doc.id);
        out.add_i64(f.edition, doc.edition_id);
        out.add_i64(f.section, doc.section_id);
        for tag in &doc.tag_ids {
            out.add_i64(f.tags, *tag);
        }
        out.add_i64(f.visible, i64::from(doc.visible));
        out.add_i64(f.published, doc.published_at);
        out.add_text(f.slug, &doc.slug);
        out.add_text(f.status, &doc.status);
        out.add_i64(f.breaking, i64::from(doc.breaking));
        out.add_text(f.analyzer, doc.analyzer.code());
        out.add_text(f.headline, &doc.headline);
        out.add_text(f.lead, &doc.lead);
        out.add_text(f.body, &doc.body);
        let text = f.text[&doc.analyzer];
        out.add_text(text.headline, &doc.headline);
        for part in [&doc.headline, &doc.lead, &doc.extra, &doc.body] {
            out.add_text(text.all, part);
        }
        out
    }
}

/// Where an index lives.
#[derive(Debug, Clone)]
pub enum Place {
    /// Generations under this directory.
    Dir(PathBuf),
    /// In memory only (tests, tools): rebuilt at every start.
    Memory,
}

/// How opening went.
#[derive(Debug)]
pub enum Opened {
    /// Resume following changes after this one.
    Ready { watermark: i64, documents: u64 },
    /// There is nothing usable: build one (the reason is for the log).
    Rebuild(String),
}

/// A node's search index; cheap to share.
#[derive(Debug)]
pub struct SearchIndex {
    place: Place,
    current: RwLock<Option<Arc<Generation>>>,
    /// Answers given since the index last changed.
    cache: ResultsCache,
}

/// Answers a node remembers by default ([`SearchIndex::with_cache`]).
pub const CACHED_ANSWERS: usize = 1_000;

impl SearchIndex {
    /// An index at `place`, not opened yet (nothing is read), remembering
    /// up to [`CACHED_ANSWERS`] answers.
    pub fn new(place: Place) -> Self {
        Self { place, current: RwLock::new(None), cache: ResultsCache::new(CACHED_ANSWERS) }
    }

    /// The same, remembering up to `answers` answers until the index
    /// changes (0: none).
    pub fn with_cache(mut self, answers: usize) -> Self {
        self.cache = ResultsCache::new(answers);
        self
    }

    fn current(&self) -> Option<Arc<Generation>> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn install(&self, generation: Arc<Generation>) {
        let old = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner).replace(generation);
        // After the switch: a search that saw the old generation began
        // before this, and does not store its answer.
        self.cache.forget();
        if let (Place::Dir(root), Some(old)) = (&self.place, old) {
            let dir = root.join(&old.name);
            drop(old);
            if let Err(error) = std::fs::remove_dir_all(&dir) {
                tracing::warn!(%error, dir = %dir.display(), "could not remove the previous search index");
            }
        }
    }

    /// Whether searches can be answered.
    pub fn is_ready(&self) -> bool {
        self.current().is_some()
    }

    /// The last change the index reflects, if it is open.
    pub fn watermark(&self) -> Option<i64> {
        self.current().map(|g| g.watermark.load(Ordering::Acquire))
    }

    /// How many articles the index holds.
    pub fn documents(&self) -> u64 {
        self.current().map_or(0, |g| g.reader.searcher().num_docs())
    }

    /// Deletes generations a rebuild left behind (an hour old, not current).
    pub fn remove_abandoned(&self) {
        if let Place::Dir(root) = &self.place {
            remove_abandoned(root);
        }
    }

    /// Opens the generation `CURRENT` names, checking its files.
    pub fn open(&self) -> Opened {
        let Place::Dir(root) = &self.place else {
            return Opened::Rebuild("the index is kept in memory".into());
        };
        remove_abandoned(root);
        let name = match std::fs::read_to_string(root.join("CURRENT")) {
            Ok(name) => name.trim().to_owned(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Opened::Rebuild("there is no index yet".into());
            }
            Err(error) => return Opened::Rebuild(format!("CURRENT could not be read: {error}")),
        };
        match open_generation(root, &name) {
            Ok(generation) => {
                let watermark = generation.watermark.load(Ordering::Acquire);
                let documents = generation.reader.searcher().num_docs();
                self.install_without_removing(Arc::new(generation));
                Opened::Ready { watermark, documents }
            }
            Err(reason) => Opened::Rebuild(reason),
        }
    }

    fn install_without_removing(&self, generation: Arc<Generation>) {
        *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(generation);
        self.cache.forget();
    }

    /// Switches to the generation `CURRENT` names if another process (a
    /// `dateline reindex`) made a newer one; returns its watermark.
    pub fn follow_current(&self) -> Option<i64> {
        let Place::Dir(root) = &self.place else { return None };
        let name = std::fs::read_to_string(root.join("CURRENT")).ok()?.trim().to_owned();
        if self.current().is_some_and(|g| g.name == name) || name.is_empty() {
            return None;
        }
        match open_generation(root, &name) {
            Ok(generation) => {
                let watermark = generation.watermark.load(Ordering::Acquire);
                tracing::info!(generation = %name, "switched to a rebuilt search index");
                self.install(Arc::new(generation));
                Some(watermark)
            }
            Err(reason) => {
                tracing::warn!(generation = %name, %reason, "a rebuilt search index could not be opened");
                None
            }
        }
    }

    /// Writes these changes and makes them searchable: `upserts` replace
    /// (or add) their articles, `removals` go; the index then reflects the
    /// change stream up to `watermark`.
    pub fn apply(&self, upserts: &[Doc], removals: &[i64], watermark: i64) -> Result<(), SearchError> {
        let generation = self.current().ok_or(SearchError::NotReady)?;
        let mut guard = generation.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if upserts.is_empty() && removals.is_empty() {
            generation.watermark.fetch_max(watermark, Ordering::AcqRel);
            return Ok(());
        }
        if guard.is_none() {
            *guard = Some(generation.index.writer_with_num_threads(1, SERVING_WRITER_BYTES)?);
        }
        let Some(writer) = guard.as_mut() else { return Err(SearchError::NotReady) };
        for id in removals.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_i64(generation.fields.id, *id));
        }
        for doc in upserts {
            writer.add_document(generation.document(doc))?;
        }
        let watermark = watermark.max(generation.watermark.load(Ordering::Acquire));
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(watermark));
        prepared.commit()?;
        generation.watermark.store(watermark, Ordering::Release);
        generation.reader.reload()?;
        self.cache.forget();
        Ok(())
    }

    /// The answer given to this search since the index last changed, if
    /// any: cheap enough for an async thread (a lock and a copy).
    pub fn remembered(&self, request: &Request) -> Option<Results> {
        self.cache.remembered(request)
    }

    /// Answers a search: from the answers given since the index last
    /// changed when it was asked before, else from the index.
    pub fn search(&self, request: &Request) -> Result<Results, SearchError> {
        // The cache's version is read before the index: an answer made
        // from an index that changed since is then never stored.
        let version = self.cache.version();
        let generation = self.current().ok_or(SearchError::NotReady)?;
        self.cache.answer(request, version, || run_search(&generation, request))
    }
}

/// Removes generations that are not current and an hour old or more: left
/// by a crashed rebuild, or replaced by `dateline reindex` while no server
/// ran (a rebuild still running elsewhere is younger, and left alone).
fn remove_abandoned(root: &Path) {
    let current = std::fs::read_to_string(root.join("CURRENT")).unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if name.starts_with("gen-") && name != current.trim() && old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn open_generation(root: &Path, name: &str) -> Result<Generation, String> {
    if !name.starts_with("gen-") || name.contains(['/', '\\']) {
        return Err(format!("CURRENT names {name:?}, which is not an index"));
    }
    let dir = root.join(name);
    let index = Index::open_in_dir(&dir).map_err(|e| format!("the index could not be opened: {e}"))?;
    let metas = index.load_metas().map_err(|e| format!("the index could not be read: {e}"))?;
    let payload: Option<Payload> = metas.payload.as_deref().and_then(|p| serde_json::from_str(p).ok());
    let Some(payload) = payload.filter(|p| p.version == SCHEMA_VERSION) else {
        return Err("the index was made by another version of Dateline".into());
    };
    let corrupt = index.validate_checksum().map_err(|e| format!("the index could not be checked: {e}"))?;
    if !corrupt.is_empty() {
        return Err(format!("{} index files are damaged", corrupt.len()));
    }
    let (_, fields) = schema();
    Generation::new(name.to_owned(), index, fields, payload.watermark).map_err(|e| e.to_string())
}

/// A rebuild: a whole new generation, written beside the one in use and
/// switched to by [`Builder::finish`].
pub struct Builder {
    generation: Generation,
    writer: IndexWriter,
    root: Option<PathBuf>,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder").field("generation", &self.generation).finish_non_exhaustive()
    }
}

impl Builder {
    /// Starts a new generation for `index`'s place.
    pub fn new(index: &SearchIndex) -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        let name = format!("gen-{}", uuid::Uuid::now_v7().simple());
        let (built, root) = match &index.place {
            Place::Dir(root) => {
                let dir = root.join(&name);
                std::fs::create_dir_all(&dir)?;
                (Index::create_in_dir(&dir, schema)?, Some(root.clone()))
            }
            Place::Memory => (Index::create_in_ram(schema), None),
        };
        let generation = Generation::new(name, built, fields, 0)?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let writer = generation.index.writer_with_num_threads(threads, REBUILD_WRITER_BYTES * threads)?;
        Ok(Self { generation, writer, root })
    }

    pub fn add(&mut self, docs: &[Doc]) -> Result<(), SearchError> {
        for doc in docs {
            self.writer.add_document(self.generation.document(doc))?;
        }
        Ok(())
    }

    /// Commits the generation as reflecting the change stream up to
    /// `watermark`, names it in `CURRENT` and makes `index` use it.
    pub fn finish(mut self, index: &SearchIndex, watermark: i64) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload(watermark));
        prepared.commit()?;
        self.writer.wait_merging_threads()?;
        self.generation.watermark.store(watermark, Ordering::Release);
        self.generation.reader.reload()?;
        if let Some(root) = &self.root {
            let temporary = root.join("CURRENT.new");
            std::fs::write(&temporary, &self.generation.name)?;
            std::fs::rename(&temporary, root.join("CURRENT"))?;
        }
        index.install(Arc::new(self.generation));
        Ok(())
    }
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// A filter: matches like `query`, adds nothing to the score.
fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// One clause in the fields of one analyzer: required in `all`, counted
/// more in the headline.
fn clause_query(fields: TextFields, analyzer: Analyzer, clause: &Clause) -> Option<Box<dyn Query>> {
    let (text, prefix) = match clause {
        Clause::Word(text) | Clause::Phrase(text) => (text, false),
        Clause::Prefix(text) => (text, true),
    };
    let terms = if prefix { analyzer.prefix_terms(text) } else { analyzer.positioned_terms(text) };
    let first = terms.first().map(|(position, _)| *position)?;
    let in_field = |field: Field| -> Box<dyn Query> {
        let mut terms: Vec<(usize, Term)> =
            terms.iter().map(|(position, t)| (position - first, Term::from_field_text(field, t))).collect();
        if prefix {
            let mut query = PhrasePrefixQuery::new_with_offset(terms);
            query.set_max_expansions(200);
            Box::new(query)
        } else if terms.len() == 1 {
            let (_, term) = terms.remove(0);
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
        } else {
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    };
    Some(Box::new(BooleanQuery::new(vec![
        (Occur::Must, in_field(fields.all)),
        (Occur::Should, Box::new(BoostQuery::new(in_field(fields.headline), HEADLINE_BOOST))),
    ])))
}

/// A clause across the searched analyzers (an article has the fields of
/// its own edition's analyzer only).
fn any_analyzer(fields: &Fields, analyzers: &[Analyzer], clause: &Clause) -> Option<Box<dyn Query>> {
    let parts: Vec<(Occur, Box<dyn Query>)> = analyzers
        .iter()
        .filter_map(|a| clause_query(fields.text[a], *a, clause))
        .map(|q| (Occur::Should, q))
        .collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(parts))),
    }
}

fn build_query(fields: &Fields, request: &Request, parsed: &query::Parsed) -> (Box<dyn Query>, bool) {
    let mut analyzers = request.analyzers.clone();
    analyzers.sort();
    analyzers.dedup();
    if analyzers.is_empty() {
        analyzers = analysis::ALL.to_vec();
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut has_text = false;
    for clause in &parsed.required {
        // A word that analyses to nothing (a lone stop sign of punctuation)
        // is dropped, not a reason to find nothing.
        if let Some(q) = any_analyzer(fields, &analyzers, clause) {
            clauses.push((Occur::Must, q));
            has_text = true;
        }
    }
    if !parsed.is_empty() && !has_text {
        return (Box::new(EmptyQuery), false);
    }
    for clause in &parsed.excluded {
        if let Some(q) = any_analyzer(fields, &analyzers, clause) {
            clauses.push((Occur::MustNot, q));
        }
    }
    if !request.include_unpublished {
        clauses.push((Occur::Must, filter(term_query(Term::from_field_i64(fields.visible, 1)))));
    }
    if !request.editions.is_empty() {
        let editions = request
            .editions
            .iter()
            .map(|e| (Occur::Should, term_query(Term::from_field_i64(fields.edition, *e))))
            .collect();
        clauses.push((Occur::Must, filter(Box::new(BooleanQuery::new(editions)))));
    }
    if let Some(section) = request.section {
        clauses.push((Occur::Must, filter(term_query(Term::from_field_i64(fields.section, section)))));
    }
    if let Some(tag) = request.tag {
        clauses.push((Occur::Must, filter(term_query(Term::from_field_i64(fields.tags, tag)))));
    }
    if request.since.is_some() || request.until.is_some() {
        let lower = request
            .since
            .map_or(Bound::Unbounded, |s| Bound::Included(Term::from_field_i64(fields.published, s)));
        let upper = request
            .until
            .map_or(Bound::Unbounded, |u| Bound::Excluded(Term::from_field_i64(fields.published, u)));
        clauses.push((Occur::Must, filter(Box::new(RangeQuery::new(lower, upper)))));
    }
    if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    (Box::new(BooleanQuery::new(clauses)), has_text)
}

fn run_search(generation: &Generation, request: &Request) -> Result<Results, SearchError> {
    let fields = &generation.fields;
    let searcher = generation.reader.searcher();
    let parsed = query::parse(&request.text);
    let (query, has_text) = build_query(fields, request, &parsed);
    let prefixes: Vec<String> = parsed
        .required
        .into_iter()
        .filter_map(|c| match c {
            Clause::Prefix(p) => Some(p),
            _ => None,
        })
        .collect();
    let limit = request.limit.clamp(1, MAX_LIMIT);
    let offset = request.offset.min(MAX_DEPTH.saturating_sub(limit));
    // One pass feeds the count, the facets and the best results. (Two
    // passes, the top results alone and then counting without scores, were
    // measured slower: the filters every search has keep tantivy from
    // skipping blocks, so the first pass scores every match anyway.) Sorted
    // by date nothing needs a score, and facets are read a block at a time.
    let facets = collect::Facets::new(request.now);
    let top = TopDocs::with_limit(limit).and_offset(offset);
    let (total, counts, addresses): (usize, collect::FacetCounts, Vec<DocAddress>) =
        if request.sort == Sort::Relevance && has_text {
            let (total, counts, top) = searcher.search(&*query, &(Count, facets, top.order_by_score()))?;
            (total, counts, top.into_iter().map(|(_, a)| a).collect())
        } else {
            let by_date = top.order_by_fast_field::<i64>("published", Order::Desc);
            let (total, counts, top) = searcher.search(&*query, &(Count, facets, by_date))?;
            (total, counts, top.into_iter().map(|(_, a)| a).collect())
        };
    let mut snippets =
        Snippets { searcher: &searcher, query: &*query, fields, prefixes: &prefixes, made: BTreeMap::new() };
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        hits.push(snippets.hit(&doc)?);
    }
    Ok(Results {
        total,
        hits,
        sections: collect::largest_first(counts.sections),
        tags: collect::largest_first(counts.tags),
        dates: counts.dates,
    })
}

/// Snippet generators, made once per analyzer a page of results needs.
struct Snippets<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    fields: &'a Fields,
    /// Typed prefixes (`harb*`), whose words the query does not list.
    prefixes: &'a [String],
    made: BTreeMap<Analyzer, [SnippetGenerator; 2]>,
}

fn str_of(doc: &TantivyDocument, field: Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default()
}

fn i64_of(doc: &TantivyDocument, field: Field) -> i64 {
    doc.get_first(field).and_then(|v| v.as_i64()).unwrap_or_default()
}

impl Snippets<'_> {
    /// The words to mark in `analyzer`'s texts, each with its weight (rarer
    /// words weigh more): the query's, and what each typed prefix stands
    /// for in the index (up to [`PREFIX_WORDS_MARKED`] words per segment).
    fn marked_words(&self, field: Field, analyzer: Analyzer) -> Result<BTreeMap<String, f32>, SearchError> {
        let mut terms = Vec::new();
        self.query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.push(term.clone());
            }
        });
        let mut words = BTreeMap::new();
        for term in terms {
            let Some(text) = term.value().as_str().map(str::to_owned) else { continue };
            let frequency = self.searcher.doc_freq(&term)?;
            if frequency > 0 {
                words.insert(text, 1.0 / (1.0 + frequency as f32));
            }
        }
        for prefix in self.prefixes {
            let Some((_, last)) = analyzer.prefix_terms(prefix).pop() else { continue };
            for segment in self.searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().range().ge(last.as_bytes()).into_stream()?;
                let mut taken = 0;
                while taken < PREFIX_WORDS_MARKED && stream.advance() {
                    let Ok(word) = std::str::from_utf8(stream.key()) else { continue };
                    if !word.starts_with(&last) {
                        break;
                    }
                    words.entry(word.to_owned()).or_insert(0.5);
                    taken += 1;
                }
            }
        }
        Ok(words)
    }

    fn generators(&mut self, analyzer: Analyzer) -> Result<&[SnippetGenerator; 2], SearchError> {
        if !self.made.contains_key(&analyzer) {
            // Every text is in `all`, so its words serve every passage.
            let field = self.fields.text[&analyzer].all;
            let words = self.marked_words(field, analyzer)?;
            let tokenizer = match analyzer.marking_analyzer(words.keys().map(String::as_str)) {
                Some(marking) => marking,
                None => self.searcher.index().tokenizer_for_field(field)?,
            };
            let made = [
                SnippetGenerator::new(words.clone(), tokenizer.clone(), field, 1_000),
                SnippetGenerator::new(words, tokenizer, field, 240),
            ];
            self.made.insert(analyzer, made);
        }
        self.made.get(&analyzer).ok_or(SearchError::NotReady)
    }

    fn hit(&mut self, doc: &TantivyDocument) -> Result<Hit, SearchError> {
        let fields = self.fields;
        let analyzer = Analyzer::from_code(str_of(doc, fields.analyzer)).unwrap_or(Analyzer::Plain);
        let headline = str_of(doc, fields.headline);
        let lead = str_of(doc, fields.lead);
        // Passages come from the opening of long texts: cutting the whole
        // of every result's text into words would cost more than the search.
        let body = cut(str_of(doc, fields.body), SNIPPET_SOURCE_BYTES);
        let [for_headline, for_passage] = self.generators(analyzer)?;
        let mut headline_snippet = for_headline.snippet(headline);
        headline_snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
        let headline_html = if headline_snippet.fragment().len() == headline.len() {
            headline_snippet.to_html()
        } else {
            escape(headline)
        };
        let mut snippet = for_passage.snippet(body);
        if snippet.highlighted().is_empty() {
            let from_lead = for_passage.snippet(lead);
            if !from_lead.highlighted().is_empty() || !lead.is_empty() {
                snippet = from_lead;
            }
        }
        snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
        let snippet_html = if snippet.fragment().is_empty() {
            escape(&lead.chars().take(240).collect::<String>())
        } else {
            snippet.to_html()
        };
        Ok(Hit {
            id: i64_of(doc, fields.id),
            edition_id: i64_of(doc, fields.edition),
            section_id: i64_of(doc, fields.section),
            slug: str_of(doc, fields.slug).to_owned(),
            status: str_of(doc, fields.status).to_owned(),
            breaking: i64_of(doc, fields.breaking) == 1,
            published_at: i64_of(doc, fields.published),
            headline: headline.to_owned(),
            headline_html,
            snippet_html,
        })
    }
}

/// How many index words one typed prefix marks in passages, per segment.
const PREFIX_WORDS_MARKED: usize = 50;

/// How much of a story's text its passage is chosen from.
const SNIPPET_SOURCE_BYTES: usize = 4_000;

/// `text` cut to at most `bytes`, at a character boundary.
fn cut(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
