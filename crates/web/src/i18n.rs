//! Interface strings, one Fluent file per locale (`locales/<lang>/main.ftl`),
//! compiled into the binary.
//!
//! Templates hold a [`Locale`] and ask it for strings by key. Content —
//! headlines, section names, edition names — never lives here. Bidi isolation
//! marks are turned off: pages set `dir` on their root, and the marks would
//! otherwise end up in every crawler's text.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use time::OffsetDateTime;
use unic_langid::LanguageIdentifier;

/// Every locale Dateline ships, as `(language, Fluent source)`.
pub const LOCALE_SOURCES: &[(&str, &str)] =
    &[("en", include_str!("../locales/en/main.ftl")), ("ru", include_str!("../locales/ru/main.ftl"))];

/// The locale used for editions whose language has no Fluent file.
pub const FALLBACK_LANGUAGE: &str = "en";

/// The interface strings of one language.
pub struct Locale {
    language: String,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locale").field("language", &self.language).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LocaleError {
    #[error("locale {0}: bad language tag")]
    Language(String),
    #[error("locale {language}: Fluent syntax errors: {errors}")]
    Syntax { language: String, errors: String },
}

impl Locale {
    pub fn parse(language: &str, source: &str) -> Result<Self, LocaleError> {
        let langid: LanguageIdentifier =
            language.parse().map_err(|_| LocaleError::Language(language.to_owned()))?;
        let resource =
            FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| LocaleError::Syntax {
                language: language.to_owned(),
                errors: errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join("; "),
            })?;
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).map_err(|errors| LocaleError::Syntax {
            language: language.to_owned(),
            errors: errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join("; "),
        })?;
        Ok(Self { language: language.to_owned(), bundle })
    }

    pub fn language(&self) -> &str {
        &self.language
    }

    /// The string for `key`. A missing key (which the locale test forbids)
    /// shows the key itself rather than failing the page.
    pub fn get(&self, key: &str) -> Cow<'_, str> {
        self.format(key, None)
    }

    /// The string for `key` with one named argument.
    pub fn arg(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value));
        self.format(key, Some(&args)).into_owned()
    }

    /// The string for `key` with a `$count` argument, for plural forms.
    pub fn count(&self, key: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        self.format(key, Some(&args)).into_owned()
    }

    pub fn format<'a>(&'a self, key: &str, args: Option<&FluentArgs<'_>>) -> Cow<'a, str> {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, language = %self.language, "missing interface string");
            return Cow::Owned(key.to_owned());
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, language = %self.language, ?errors, "interface string did not format cleanly");
        }
        text
    }

    /// "November 28, 2026" / "28 ноября 2026".
    pub fn long_date(&self, at: OffsetDateTime) -> String {
        let mut args = FluentArgs::new();
        args.set("month", FluentValue::from(self.month(at).into_owned()));
        args.set("day", FluentValue::from(at.day().to_string()));
        args.set("year", FluentValue::from(at.year().to_string()));
        self.format("date-long", Some(&args)).into_owned()
    }

    /// "November 28, 2026, 14:05 UTC".
    pub fn date_time(&self, at: OffsetDateTime) -> String {
        format!("{}, {}", self.long_date(at), self.time_of_day(at))
    }

    /// "14:05 UTC".
    pub fn time_of_day(&self, at: OffsetDateTime) -> String {
        let time = format!("{:02}:{:02}", at.hour(), at.minute());
        self.arg("time-utc", "time", &time)
    }

    /// The dateline that opens an article's body: "GENEVA, November 28 (Meridian) -".
    /// The place is in capitals, as agencies write it; the date and the
    /// agency as written ("MOSCOW, June 26 (RIA Novosti) -").
    pub fn dateline(&self, place: &str, agency: &str, at: OffsetDateTime) -> String {
        let mut args = FluentArgs::new();
        args.set("place", FluentValue::from(place.trim().to_uppercase()));
        args.set("agency", FluentValue::from(agency));
        args.set("month", FluentValue::from(self.month(at).into_owned()));
        args.set("day", FluentValue::from(at.day().to_string()));
        self.format("dateline", Some(&args)).into_owned()
    }

    fn month(&self, at: OffsetDateTime) -> Cow<'_, str> {
        let key = format!("month-{}", u8::from(at.month()));
        match self.bundle.get_message(&key).and_then(|m| m.value()) {
            Some(pattern) => {
                let mut errors = Vec::new();
                Cow::Owned(self.bundle.format_pattern(pattern, None, &mut errors).into_owned())
            }
            None => Cow::Owned(key),
        }
    }
}

/// All shipped locales, by language.
#[derive(Debug)]
pub struct Locales {
    by_language: HashMap<String, Locale>,
}

impl Locales {
    pub fn load() -> Result<Self, LocaleError> {
        let by_language = LOCALE_SOURCES
            .iter()
            .map(|(language, source)| Ok(((*language).to_owned(), Locale::parse(language, source)?)))
            .collect::<Result<_, LocaleError>>()?;
        Ok(Self { by_language })
    }

    /// The locale for a language tag (`en`, `ru`, `pt-BR` → `pt`), falling
    /// back to English.
    pub fn for_language(&self, language: &str) -> &Locale {
        let primary = language.split(['-', '_']).next().unwrap_or(language).to_ascii_lowercase();
        self.by_language
            .get(language)
            .or_else(|| self.by_language.get(&primary))
            .or_else(|| self.by_language.get(FALLBACK_LANGUAGE))
            .unwrap_or_else(|| {
                // LOCALE_SOURCES always holds the fallback; `load` fails otherwise.
                self.by_language.values().next().expect("at least one locale is compiled in")
            })
    }

    pub fn has(&self, language: &str) -> bool {
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        self.by_language.contains_key(language) || self.by_language.contains_key(primary)
    }
}

/// The keys a Fluent source defines (messages only, not terms).
pub fn message_keys(source: &str) -> Vec<String> {
    match FluentResource::try_new(source.to_owned()) {
        Ok(resource) | Err((resource, _)) => resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_locale_parses_and_has_every_key() {
        let locales = Locales::load().expect("locales parse");
        let all: BTreeSet<String> = LOCALE_SOURCES.iter().flat_map(|(_, src)| message_keys(src)).collect();
        for (language, source) in LOCALE_SOURCES {
            let keys: BTreeSet<String> = message_keys(source).into_iter().collect();
            let missing: Vec<_> = all.difference(&keys).collect();
            assert!(missing.is_empty(), "locale {language} lacks keys {missing:?}");
            assert!(locales.has(language));
        }
    }

    #[test]
    fn every_key_the_templates_use_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let en: BTreeSet<String> = message_keys(LOCALE_SOURCES[0].1).into_iter().collect();
        let mut used = BTreeSet::new();
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("templates dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("template text");
                for call in [".get(\"", ".arg(\"", ".count(\""] {
                    for piece in text.split(call).skip(1) {
                        if let Some(key) = piece.split('"').next() {
                            used.insert(key.to_owned());
                        }
                    }
                }
            }
        }
        assert!(used.len() > 20, "found only {} keys in templates", used.len());
        let missing: Vec<_> = used.difference(&en).collect();
        assert!(missing.is_empty(), "templates use keys no locale defines: {missing:?}");
    }

    #[test]
    fn plurals_and_dates_follow_the_language() {
        let locales = Locales::load().expect("locales parse");
        let ru = locales.for_language("ru");
        assert_eq!(ru.count("comments-count", 1), "1 комментарий");
        assert_eq!(ru.count("comments-count", 3), "3 комментария");
        assert_eq!(ru.count("comments-count", 5), "5 комментариев");
        assert_eq!(locales.for_language("en").count("comments-count", 0), "No comments yet");
        let at = time::macros::datetime!(2026-11-28 14:05 UTC);
        assert_eq!(
            locales.for_language("en").dateline("GENEVA", "Meridian", at),
            "GENEVA, November 28 (Meridian) -"
        );
        assert_eq!(ru.dateline("ЖЕНЕВА", "Meridian", at), "ЖЕНЕВА, 28 ноября (Meridian) -");
        assert_eq!(
            locales.for_language("en").dateline("Moscow", "RIA Novosti", at),
            "MOSCOW, November 28 (RIA Novosti) -",
            "the place in capitals, the agency as written"
        );
        assert_eq!(ru.date_time(at), "28 ноября 2026, 14:05 UTC");
        assert_eq!(locales.for_language("pt-BR").language(), "en");
    }
}
