//! Interface strings: no page of one edition shows another's.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{Backend, TestServer, article_links, visible_text};

/// `key = value` pairs of a Fluent file (single-line messages; multi-line
/// ones contribute their variant lines).
fn strings(language: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../web/locales/{language}/main.ftl"));
    let source = std::fs::read_to_string(&path).expect("locale file");
    let mut map = BTreeMap::new();
    let mut current = String::new();
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ')
            && let Some((key, value)) = line.split_once(" = ")
        {
            current = key.trim().to_owned();
            map.insert(current.clone(), value.to_owned());
            continue;
        }
        if let Some(value) = map.get_mut(&current) {
            value.push('\n');
            value.push_str(line);
        }
    }
    map
}

/// The literal pieces of a message worth looking for: placeholders and
/// selector syntax removed, at least six characters long.
fn fragments(value: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    for line in value.lines() {
        let line = line.trim().trim_start_matches('*');
        let line =
            if line.starts_with('[') { line.split_once(']').map_or("", |(_, rest)| rest) } else { line };
        for piece in line.split(['{', '}']) {
            let piece = piece.trim();
            if piece.chars().count() >= 6 && !piece.starts_with('$') && !piece.contains("->") {
                pieces.push(piece.to_owned());
            }
        }
    }
    pieces
}

pub async fn no_interface_string_of_another_edition(backend: Backend) {
    let server = TestServer::start(backend).await;
    let en = strings("en");
    let ru = strings("ru");
    assert_eq!(
        en.keys().collect::<Vec<_>>(),
        ru.keys().collect::<Vec<_>>(),
        "both locales have the same keys"
    );
    for (edition, own, other) in [("en", &en, &ru), ("ru", &ru, &en)] {
        let home = server.page(&format!("/{edition}/")).await;
        let story = article_links(&home, edition).into_iter().next().expect("a story");
        let mut pages =
            vec![format!("/{edition}/"), format!("/{edition}/world"), format!("/{edition}/latest"), story];
        pages.push(format!("/{edition}/chats"));
        for path in &pages {
            let text = visible_text(&server.page(path).await);
            for (key, value) in other.iter() {
                if own.get(key) == Some(value) {
                    continue; // the same in both languages ("X", "Telegram")
                }
                for fragment in fragments(value) {
                    assert!(
                        !text.contains(&fragment),
                        "{path} shows {fragment:?} ({key}) of the other locale"
                    );
                }
            }
        }
        // And the page's own strings are there.
        let text = visible_text(&server.page(&format!("/{edition}/")).await);
        assert!(text.contains(own["newsfeed"].as_str()), "{edition} shows its own newsfeed title");
        let missing = server.get(&format!("/{edition}/no-such-page")).await.text().await.expect("body");
        assert!(visible_text(&missing).contains(own["not-found"].as_str()));
    }
}
