//! URL slugs: the readable last segment of section, tag, author and article URLs.

use std::fmt;

/// Section slugs that would collide with the fixed routes of an edition
/// (`/en/tag/…`, `/en/chats` …).
pub const RESERVED_SECTION_SLUGS: &[&str] = &[
    "tag",
    "author",
    "media",
    "latest",
    "chats",
    "subscribe",
    "login",
    "register",
    "newsfeed",
    "search",
    "api",
    "static",
    "feed",
    "feeds",
];

/// A URL segment of 1–120 characters: lowercase ASCII letters, digits and
/// single hyphens between them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug is at most 120 characters long")]
    TooLong,
    #[error("a slug holds only lowercase letters a–z, digits and single hyphens between them")]
    BadCharacter,
}

impl Slug {
    pub const MAX_LEN: usize = 120;

    pub fn parse(input: &str) -> Result<Self, SlugError> {
        if input.is_empty() {
            return Err(SlugError::Empty);
        }
        if input.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong);
        }
        let well_formed = input.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !input.starts_with('-')
            && !input.ends_with('-')
            && !input.contains("--");
        if !well_formed {
            return Err(SlugError::BadCharacter);
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This slug with `-n` after it (`morning-briefing-2`), shortened first
    /// when the whole would be too long: the next address to try when this
    /// one is taken.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.as_str();
        if base.len() + suffix.len() > Self::MAX_LEN {
            base = &base[..Self::MAX_LEN - suffix.len()];
            base = base.trim_end_matches('-');
        }
        Self(format!("{base}{suffix}"))
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Makes a slug from any text: Latin letters are lower-cased and stripped of
/// common diacritics, Cyrillic is transliterated, everything else becomes a
/// hyphen. Text with nothing usable gives `"item"`.
pub fn slugify(text: &str) -> Slug {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let piece: &str = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' | 'č' | 'ć' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ě' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' | 'ń' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'ů' => "u",
            'ý' | 'ÿ' => "y",
            'š' | 'ś' => "s",
            'ž' | 'ź' | 'ż' => "z",
            'ß' => "ss",
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'ю' => "iu",
            'я' => "ia",
            'ъ' | 'ь' => "",
            _ => "-",
        };
        out.push_str(piece);
    }
    let mut collapsed = String::with_capacity(out.len());
    for part in out.split('-').filter(|p| !p.is_empty()) {
        if !collapsed.is_empty() {
            if collapsed.len() + 1 + part.len() > Slug::MAX_LEN {
                break;
            }
            collapsed.push('-');
        }
        collapsed.push_str(&part[..part.len().min(Slug::MAX_LEN)]);
    }
    if collapsed.is_empty() {
        collapsed.push_str("item");
    }
    Slug(collapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_stay_valid_slugs() {
        let base = Slug::parse("morning-briefing").expect("slug");
        assert_eq!(base.with_suffix(2).as_str(), "morning-briefing-2");
        let long = Slug::parse(&format!("{}-b", "a".repeat(117))).expect("slug");
        for n in [2, 10, 100, 12345] {
            let suffixed = long.with_suffix(n);
            assert!(Slug::parse(suffixed.as_str()).is_ok(), "{suffixed}");
            assert!(suffixed.as_str().ends_with(&format!("-{n}")));
        }
    }

    #[test]
    fn parses_good_slugs_and_refuses_bad_ones() {
        assert!(Slug::parse("harbour-strike-ends").is_ok());
        assert!(Slug::parse("2026-budget").is_ok());
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("Upper"), Err(SlugError::BadCharacter));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::BadCharacter));
        assert_eq!(Slug::parse("-a"), Err(SlugError::BadCharacter));
        assert_eq!(Slug::parse("<script>"), Err(SlugError::BadCharacter));
        assert_eq!(Slug::parse(&"a".repeat(121)), Err(SlugError::TooLong));
    }

    #[test]
    fn slugify_transliterates_and_always_parses() {
        assert_eq!(slugify("Harbour Strike Ends!").as_str(), "harbour-strike-ends");
        assert_eq!(slugify("Порты").as_str(), "porty");
        assert_eq!(slugify("Выборы 2026").as_str(), "vybory-2026");
        assert_eq!(slugify("Zürich café").as_str(), "zurich-cafe");
        assert_eq!(slugify("!!!").as_str(), "item");
        for text in ["", "--", "a b  c", &"долгий ".repeat(60), "東京"] {
            let slug = slugify(text);
            assert_eq!(Slug::parse(slug.as_str()), Ok(slug));
        }
    }
}
