//! Property tests of the parsers that take raw request input: whatever a
//! client sends, they return a value or an error, never panic, and what
//! they accept round-trips.

use dateline_core::{ArticleCursor, EditionCode, PageSize, Slug, slugify};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn slugify_always_gives_a_valid_slug(text in "\\PC*") {
        let slug = slugify(&text);
        prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
        prop_assert!(slug.as_str().len() <= Slug::MAX_LEN);
    }

    #[test]
    fn slug_parse_accepts_only_what_it_can_print(text in "\\PC*") {
        if let Ok(slug) = Slug::parse(&text) {
            prop_assert_eq!(slug.as_str(), text.as_str());
            prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
    }

    #[test]
    fn cursors_never_panic_and_round_trip(text in "\\PC*", secs in 0i64..4_000_000_000, id in 0i64..i64::MAX) {
        let _ = ArticleCursor::parse(&text);
        let written = format!("{secs}-{id}");
        let cursor = ArticleCursor::parse(&written).expect("well-formed cursor parses");
        prop_assert_eq!(cursor.to_string(), written);
    }

    #[test]
    fn edition_codes_and_page_sizes_never_panic(text in "\\PC*") {
        let _ = EditionCode::parse(&text);
        if let Ok(size) = PageSize::parse(&text) {
            prop_assert!((1..=PageSize::MAX).contains(&size.get()));
        }
    }
}
