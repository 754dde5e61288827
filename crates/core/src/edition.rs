//! Editions: one per language the outlet publishes in.

use std::fmt;

/// The short code that names an edition and prefixes its URLs (`en`, `ru`,
/// `pt-br`): 2–8 lowercase ASCII letters, optionally followed by `-` and
/// 2–4 more letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct EditionCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an edition code is a language code such as `en`, `ru` or `pt-br`")]
pub struct EditionCodeError;

impl EditionCode {
    pub fn parse(input: &str) -> Result<Self, EditionCodeError> {
        let (lang, region) = match input.split_once('-') {
            Some((lang, region)) => (lang, Some(region)),
            None => (input, None),
        };
        let lang_ok = (2..=8).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
        let region_ok = region.is_none_or(|r| {
            (2..=4).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if lang_ok && region_ok { Ok(Self(input.to_owned())) } else { Err(EditionCodeError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EditionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which way an edition's script runs; Arabic or Hebrew editions are `Rtl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDirection {
    Ltr,
    Rtl,
}

impl TextDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ltr => "ltr",
            Self::Rtl => "rtl",
        }
    }

    /// Reads the stored form; anything but `rtl` is left-to-right.
    pub fn from_stored(value: &str) -> Self {
        if value == "rtl" { Self::Rtl } else { Self::Ltr }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edition_codes() {
        for good in ["en", "ru", "pt-br", "zh-hans", "ast"] {
            assert!(EditionCode::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "EN", "en_", "en-", "-en", "toolonglang", "en-abcde", "../x"] {
            assert!(EditionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
