use super::*;

const NOW: i64 = 1_790_000_000;

fn doc(id: i64, language: &str, headline: &str, body: &str) -> Doc {
    Doc {
        id,
        edition_id: if language == "ru" { 2 } else { 1 },
        section_id: 10 + id % 2,
        slug: format!("story-{id}"),
        status: "published".into(),
        visible: true,
        breaking: false,
        published_at: NOW - id * 86_400 - 60,
        analyzer: Analyzer::for_language(language),
        headline: headline.into(),
        lead: String::new(),
        body: body.into(),
        extra: String::new(),
        tag_ids: vec![100 + id % 3],
    }
}

fn corpus() -> Vec<Doc> {
    vec![
        doc(1, "en", "Missile defense system tested", "The new missile defenses intercepted two targets."),
        doc(2, "en", "Harbour reopens after storm", "Ships returned to the harbour on Monday."),
        doc(
            3,
            "en",
            "Air defense drill over the capital",
            "An air defense exercise <script>alert(1)</script> took place.",
        ),
        doc(
            4,
            "ru",
            "Испытана система противоракетной обороны",
            "Новая противоракетная оборона перехватила две цели.",
        ),
        doc(5, "ru", "Порт снова открыт после шторма", "Суда вернулись в порт в понедельник."),
    ]
}

fn built(place: Place) -> SearchIndex {
    let index = SearchIndex::new(place);
    let mut builder = Builder::new(&index).expect("builder");
    builder.add(&corpus()).expect("add");
    builder.finish(&index, 7).expect("finish");
    index
}

fn ask(index: &SearchIndex, text: &str, edition: i64) -> Results {
    let language = if edition == 2 { "ru" } else { "en" };
    index
        .search(&Request {
            text: text.into(),
            editions: vec![edition],
            analyzers: vec![Analyzer::for_language(language)],
            limit: 10,
            now: NOW,
            ..Request::default()
        })
        .expect("search")
}

fn ids(results: &Results) -> Vec<i64> {
    results.hits.iter().map(|h| h.id).collect()
}

#[test]
fn finds_stemmed_words_in_both_languages() {
    let index = built(Place::Memory);
    let en = ask(&index, "missile defenses", 1);
    assert_eq!(ids(&en), [1]);
    assert!(en.hits[0].headline_html.contains("<mark>Missile</mark> <mark>defense</mark>"), "{en:?}");
    assert!(en.hits[0].snippet_html.contains("<mark>defenses</mark>"), "{en:?}");
    let ru = ask(&index, "противоракетная оборона", 2);
    assert_eq!(ids(&ru), [4]);
    assert!(ru.hits[0].snippet_html.contains("<mark>оборона</mark>"), "{ru:?}");
    // Editions do not leak into each other.
    assert!(ask(&index, "missile", 2).hits.is_empty());
}

#[test]
fn phrases_prefixes_exclusions_and_sorting() {
    let index = built(Place::Memory);
    assert_eq!(ids(&ask(&index, "defense", 1)).len(), 2);
    assert_eq!(ids(&ask(&index, "\"air defense\"", 1)), [3]);
    assert_eq!(ids(&ask(&index, "\"defense air\"", 1)), Vec::<i64>::new());
    // A stop word keeps its place in a phrase.
    assert_eq!(ids(&ask(&index, "\"drill over the capital\"", 1)), [3]);
    assert_eq!(ids(&ask(&index, "\"drill over capital\"", 1)), Vec::<i64>::new());
    // Only stop words: nothing to look for, so nothing found.
    assert_eq!(ids(&ask(&index, "the", 1)), Vec::<i64>::new());
    let prefixed = ask(&index, "harb*", 1);
    assert_eq!(ids(&prefixed), [2]);
    assert!(prefixed.hits[0].headline_html.contains("<mark>Harbour</mark>"), "{prefixed:?}");
    assert_eq!(ids(&ask(&index, "defense -drill", 1)), [1]);
    let mut newest = Request {
        text: "defense".into(),
        editions: vec![1],
        analyzers: vec![Analyzer::for_language("en")],
        sort: Sort::Newest,
        limit: 10,
        now: NOW,
        ..Request::default()
    };
    assert_eq!(ids(&index.search(&newest).expect("search")), [1, 3]);
    newest.offset = 1;
    assert_eq!(ids(&index.search(&newest).expect("search")), [3]);
}

#[test]
fn snippets_escape_the_text() {
    let index = built(Place::Memory);
    let results = ask(&index, "exercise", 1);
    assert!(results.hits[0].snippet_html.contains("&lt;script&gt;"), "{results:?}");
    assert!(!results.hits[0].snippet_html.contains("<script"), "{results:?}");
    // A headline without a matched word is still the whole headline (a
    // snippet of it would be empty, and so would the result's link).
    assert_eq!(results.hits[0].headline_html, "Air defense drill over the capital");
}

#[test]
fn facets_count_what_matched() {
    let index = built(Place::Memory);
    let results = ask(&index, "defense", 1);
    assert_eq!(results.total, 2);
    assert_eq!(results.sections, [(11, 2)]);
    assert_eq!(results.tags, [(100, 1), (101, 1)]);
    // Published 1 and 3 days ago: neither within the day, both the week.
    assert_eq!(results.dates, [0, 2, 2, 2]);
    let mut narrowed = Request {
        text: "defense".into(),
        editions: vec![1],
        analyzers: vec![Analyzer::for_language("en")],
        tag: Some(100),
        limit: 10,
        now: NOW,
        ..Request::default()
    };
    assert_eq!(ids(&index.search(&narrowed).expect("search")), [3]);
    narrowed.tag = None;
    narrowed.since = Some(NOW - 2 * 86_400);
    assert_eq!(ids(&index.search(&narrowed).expect("search")), [1]);
}

#[test]
fn any_input_is_a_query() {
    let index = built(Place::Memory);
    for text in ["", "\"", "*", "-", "title:(", "\u{0}\u{1}", "))((", "-missile", &"x".repeat(10_000)] {
        ask(&index, text, 1);
    }
    // Only exclusions: everything else in the edition.
    assert_eq!(ask(&index, "-missile", 1).total, 2);
    // Punctuation only is no query: like an empty one, it only filters.
    assert!(query::parse("?!").is_empty());
    assert_eq!(ask(&index, "?!", 1).total, 3);
    // Words that analyse to nothing find nothing.
    assert_eq!(ask(&index, &"x".repeat(100), 1).total, 0);
}

#[test]
fn updates_and_removals_show_at_once() {
    let index = built(Place::Memory);
    let mut changed = doc(2, "en", "Harbour stays closed", "Ships wait.");
    changed.visible = true;
    index.apply(&[changed], &[1], 9).expect("apply");
    assert_eq!(ids(&ask(&index, "closed", 1)), [2]);
    assert!(ask(&index, "reopens", 1).hits.is_empty());
    assert!(ask(&index, "missile", 1).hits.is_empty());
    assert_eq!(index.watermark(), Some(9));
    let mut draft = doc(6, "en", "Secret draft about harbours", "");
    draft.visible = false;
    draft.status = "draft".into();
    index.apply(&[draft], &[], 10).expect("apply");
    assert!(ask(&index, "secret", 1).hits.is_empty());
    let staff = index
        .search(&Request {
            text: "secret".into(),
            include_unpublished: true,
            limit: 10,
            now: NOW,
            ..Request::default()
        })
        .expect("search");
    assert_eq!(ids(&staff), [6]);
    assert_eq!(staff.hits[0].status, "draft");
}

#[test]
fn a_directory_index_reopens_and_a_damaged_one_is_rebuilt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("search");
    {
        let index = built(Place::Dir(root.clone()));
        index.apply(&[doc(8, "en", "Late story", "")], &[], 12).expect("apply");
    }
    let index = SearchIndex::new(Place::Dir(root.clone()));
    match index.open() {
        Opened::Ready { watermark, documents } => assert_eq!((watermark, documents), (12, 6)),
        Opened::Rebuild(reason) => panic!("did not reopen: {reason}"),
    }
    assert_eq!(ids(&ask(&index, "late", 1)), [8]);

    // A rebuild beside it is picked up by a follower, and the old one removed.
    let other = SearchIndex::new(Place::Dir(root.clone()));
    let builder = Builder::new(&other).expect("builder");
    builder.finish(&other, 20).expect("finish");
    assert_eq!(index.follow_current(), Some(20));
    assert_eq!(index.documents(), 0);
    assert_eq!(std::fs::read_dir(&root).expect("dir").count(), 2, "CURRENT and one generation");
    drop((index, other));

    // Damage every segment file.
    let name = std::fs::read_to_string(root.join("CURRENT")).expect("CURRENT");
    std::fs::write(root.join(name.trim()).join("meta.json"), "{not json").expect("damage");
    assert!(matches!(SearchIndex::new(Place::Dir(root.clone())).open(), Opened::Rebuild(_)));
    std::fs::write(root.join("CURRENT"), "../etc").expect("damage");
    assert!(matches!(SearchIndex::new(Place::Dir(root)).open(), Opened::Rebuild(_)));
}
