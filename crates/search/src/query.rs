//! What readers type, understood leniently: every input is a valid query.
//!
//! - words must all match (in any searched field);
//! - `"quoted words"` must match as a phrase; an unclosed quote runs to the end;
//! - `word*` matches words starting with `word` (two characters at least);
//! - `-word` and `-"a phrase"` exclude stories that have them.
//!
//! Nothing else is syntax: colons, brackets and the like are punctuation.

/// Longest query taken, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most clauses taken from one query.
pub const MAX_CLAUSES: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word (it may still analyse into several terms: "e-mail").
    Word(String),
    Phrase(String),
    Prefix(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub required: Vec<Clause>,
    pub excluded: Vec<Clause>,
}

impl Parsed {
    pub fn is_empty(&self) -> bool {
        self.required.is_empty()
    }
}

/// Cuts a query to [`MAX_QUERY_CHARS`] and drops control characters.
pub fn clean(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| *c != '\u{FFFD}')
        .take(MAX_QUERY_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

pub fn parse(raw: &str) -> Parsed {
    let text = clean(raw);
    let mut parsed = Parsed::default();
    let mut rest = text.as_str();
    while parsed.required.len() + parsed.excluded.len() < MAX_CLAUSES {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let negated = rest.starts_with('-') && rest.len() > 1;
        if negated {
            rest = &rest[1..];
        }
        let clause = if let Some(quoted) = rest.strip_prefix('"') {
            let (inner, after) = quoted.split_once('"').unwrap_or((quoted, ""));
            rest = after;
            let inner = inner.trim();
            (!inner.is_empty()).then(|| Clause::Phrase(inner.to_owned()))
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
            let word = &rest[..end];
            rest = &rest[end..];
            word_clause(word)
        };
        match clause {
            Some(clause) if negated => parsed.excluded.push(clause),
            Some(clause) => parsed.required.push(clause),
            None => {}
        }
    }
    parsed
}

fn word_clause(word: &str) -> Option<Clause> {
    let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '*');
    if let Some(stem) = trimmed.strip_suffix('*') {
        let stem = stem.trim_end_matches('*');
        if stem.chars().filter(|c| c.is_alphanumeric()).count() >= 2 && !stem.contains('*') {
            return Some(Clause::Prefix(stem.to_owned()));
        }
    }
    let word = trimmed.trim_matches('*');
    word.chars().any(char::is_alphanumeric).then(|| Clause::Word(word.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<Clause> {
        list.iter().map(|w| Clause::Word((*w).to_owned())).collect()
    }

    #[test]
    fn words_phrases_prefixes_and_exclusions() {
        let parsed = parse(r#"missile "air defense" intercept* -drill"#);
        assert_eq!(
            parsed.required,
            vec![
                Clause::Word("missile".into()),
                Clause::Phrase("air defense".into()),
                Clause::Prefix("intercept".into())
            ]
        );
        assert_eq!(parsed.excluded, words(&["drill"]));
    }

    #[test]
    fn syntax_errors_are_plain_words() {
        assert_eq!(
            parse(r#"title:(foo AND "bar"#).required,
            vec![Clause::Word("title:(foo".into()), Clause::Word("AND".into()), Clause::Phrase("bar".into())]
        );
        assert_eq!(parse("*").required, vec![]);
        assert_eq!(parse("a*").required, words(&["a"]));
        assert_eq!(parse("-").required, vec![]);
        assert_eq!(parse("\"\"\"").required, vec![]);
        assert_eq!(parse("\u{0}\u{7}  ").required, vec![]);
    }

    #[test]
    fn long_queries_are_cut() {
        let long = "слово ".repeat(500);
        let parsed = parse(&long);
        assert_eq!(parsed.required.len(), MAX_CLAUSES);
        assert!(clean(&long).chars().count() <= MAX_QUERY_CHARS);
    }
}
