//! Language-aware analysis: how an edition's text becomes index terms.
//!
//! Every edition's language maps to one [`Analyzer`]. Languages with a
//! Snowball stemmer get it ("defenses" finds "defense", "обороны" finds
//! "оборона"), and lose their stop words ("the", "и") where a list exists:
//! they would match nearly every story, at a high cost and no use; languages written without spaces between words (Chinese,
//! Japanese, Korean, Thai, …) are cut into overlapping pairs of characters,
//! so any word of two or more characters is found without a dictionary;
//! every other language is split on punctuation, lower-cased and folded
//! to ASCII where it has accents.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Tokens longer than this (in bytes) are dropped: they are never words.
const LONGEST_TOKEN: usize = 60;

/// One way of analysing text; each has its own fields in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Analyzer {
    Stemmed(Language),
    /// Overlapping character pairs, for scripts without spaces.
    Unspaced,
    /// Words, lower-cased and folded to ASCII.
    Plain,
}

impl Ord for Analyzer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for Analyzer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Every analyzer, in the order their fields are made.
pub const ALL: [Analyzer; 20] = [
    Analyzer::Stemmed(Language::English),
    Analyzer::Stemmed(Language::Russian),
    Analyzer::Stemmed(Language::German),
    Analyzer::Stemmed(Language::French),
    Analyzer::Stemmed(Language::Spanish),
    Analyzer::Stemmed(Language::Italian),
    Analyzer::Stemmed(Language::Portuguese),
    Analyzer::Stemmed(Language::Dutch),
    Analyzer::Stemmed(Language::Swedish),
    Analyzer::Stemmed(Language::Danish),
    Analyzer::Stemmed(Language::Norwegian),
    Analyzer::Stemmed(Language::Finnish),
    Analyzer::Stemmed(Language::Hungarian),
    Analyzer::Stemmed(Language::Romanian),
    Analyzer::Stemmed(Language::Turkish),
    Analyzer::Stemmed(Language::Arabic),
    Analyzer::Stemmed(Language::Greek),
    Analyzer::Stemmed(Language::Tamil),
    Analyzer::Unspaced,
    Analyzer::Plain,
];

impl Analyzer {
    /// The analyzer for a BCP 47 language tag (`en`, `ru`, `pt-BR`, `zh-Hant`).
    pub fn for_language(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        let stemmed = |language| Self::Stemmed(language);
        match primary.as_str() {
            "en" => stemmed(Language::English),
            "ru" => stemmed(Language::Russian),
            "de" => stemmed(Language::German),
            "fr" => stemmed(Language::French),
            "es" => stemmed(Language::Spanish),
            "it" => stemmed(Language::Italian),
            "pt" => stemmed(Language::Portuguese),
            "nl" => stemmed(Language::Dutch),
            "sv" => stemmed(Language::Swedish),
            "da" => stemmed(Language::Danish),
            "no" | "nb" | "nn" => stemmed(Language::Norwegian),
            "fi" => stemmed(Language::Finnish),
            "hu" => stemmed(Language::Hungarian),
            "ro" => stemmed(Language::Romanian),
            "tr" => stemmed(Language::Turkish),
            "ar" => stemmed(Language::Arabic),
            "el" => stemmed(Language::Greek),
            "ta" => stemmed(Language::Tamil),
            "zh" | "ja" | "ko" | "th" | "lo" | "km" | "my" | "bo" => Self::Unspaced,
            _ => Self::Plain,
        }
    }

    /// A short name, used in field and tokenizer names and stored with each
    /// document (`en`, `ru`, `unspaced`, `plain`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Stemmed(language) => match language {
                Language::English => "en",
                Language::Russian => "ru",
                Language::German => "de",
                Language::French => "fr",
                Language::Spanish => "es",
                Language::Italian => "it",
                Language::Portuguese => "pt",
                Language::Dutch => "nl",
                Language::Swedish => "sv",
                Language::Danish => "da",
                Language::Norwegian => "no",
                Language::Finnish => "fi",
                Language::Hungarian => "hu",
                Language::Romanian => "ro",
                Language::Turkish => "tr",
                Language::Arabic => "ar",
                Language::Greek => "el",
                Language::Tamil => "ta",
            },
            Self::Unspaced => "unspaced",
            Self::Plain => "plain",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        ALL.into_iter().find(|a| a.code() == code)
    }

    pub(crate) fn tokenizer_name(self) -> String {
        format!("dateline_{}", self.code())
    }

    pub(crate) fn text_analyzer(self) -> TextAnalyzer {
        match self {
            Self::Stemmed(language) => {
                words_but_stop_words(language).filter_dynamic(Stemmer::new(language)).build()
            }
            Self::Unspaced => TextAnalyzer::builder(BigramTokenizer)
                .filter(RemoveLongFilter::limit(LONGEST_TOKEN))
                .filter(LowerCaser)
                .build(),
            Self::Plain => TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(LONGEST_TOKEN))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        }
    }

    /// The analyzer that finds `marked` words (index terms) in a result's
    /// text for highlighting, when it can be cheaper than
    /// [`Analyzer::text_analyzer`]: for English and Russian, whose Snowball
    /// stems always begin with their word's first letter, a word whose
    /// first letter begins no marked word is left unstemmed, since its stem
    /// could not be marked anyway. Stemming every word of ten results'
    /// texts was a sixth of a search's time. `None`: use the index's own.
    pub(crate) fn marking_analyzer<'a>(self, marked: impl Iterator<Item = &'a str>) -> Option<TextAnalyzer> {
        let Self::Stemmed(language @ (Language::English | Language::Russian)) = self else { return None };
        let mut firsts: Vec<char> = marked.filter_map(|word| word.chars().next().map(first_letter)).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let stemmer = TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(language)).build();
        Some(words_but_stop_words(language).filter_dynamic(StemWhereMarkable { firsts, stemmer }).build())
    }

    /// The terms `text` becomes, in order.
    pub fn terms(self, text: &str) -> Vec<String> {
        self.positioned_terms(text).into_iter().map(|(_, t)| t).collect()
    }

    /// The terms `text` becomes with their positions (stop words leave
    /// gaps, which phrases must keep).
    pub fn positioned_terms(self, text: &str) -> Vec<(usize, String)> {
        collect_terms(self.text_analyzer(), text)
    }

    /// The terms of a typed prefix: like [`Analyzer::terms`] but unstemmed,
    /// since the stemmer would cut a word's beginning as if it were whole.
    pub fn prefix_terms(self, text: &str) -> Vec<(usize, String)> {
        match self {
            Self::Stemmed(_) => collect_terms(
                TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(RemoveLongFilter::limit(LONGEST_TOKEN))
                    .filter(LowerCaser)
                    .build(),
                text,
            ),
            _ => self.positioned_terms(text),
        }
    }
}

fn collect_terms(mut analyzer: TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        let token = stream.token();
        terms.push((token.position, token.text.clone()));
    }
    terms
}

/// Is this character from a script written without spaces between words?
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x0F00..=0x0FFF    // Tibetan
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions B–F
}

/// A stemmed language's words, lower-cased, without its stop words (the
/// stemmer comes next).
fn words_but_stop_words(language: Language) -> TextAnalyzerBuilder {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_TOKEN))
        .filter(LowerCaser)
        .dynamic();
    match StopWordFilter::new(language) {
        Some(stop_words) => builder.filter_dynamic(stop_words),
        None => builder,
    }
}

/// A word's first letter as its stem begins: the Russian stemmer writes ё
/// as е.
fn first_letter(letter: char) -> char {
    if letter == 'ё' { 'е' } else { letter }
}

/// Stems only the words whose first letter is in `firsts`
/// ([`Analyzer::marking_analyzer`]).
#[derive(Clone)]
struct StemWhereMarkable {
    firsts: Vec<char>,
    /// Tantivy's Snowball stemmer, over one word at a time.
    stemmer: TextAnalyzer,
}

impl TokenFilter for StemWhereMarkable {
    type Tokenizer<T: Tokenizer> = StemWhereMarkableFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> Self::Tokenizer<T> {
        StemWhereMarkableFilter { firsts: self.firsts, stemmer: self.stemmer, inner }
    }
}

#[derive(Clone)]
struct StemWhereMarkableFilter<T> {
    firsts: Vec<char>,
    stemmer: TextAnalyzer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemWhereMarkableFilter<T> {
    type TokenStream<'a> = StemWhereMarkableStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemWhereMarkableStream {
            firsts: &self.firsts,
            stemmer: &mut self.stemmer,
            tail: self.inner.token_stream(text),
        }
    }
}

struct StemWhereMarkableStream<'a, T> {
    firsts: &'a [char],
    stemmer: &'a mut TextAnalyzer,
    tail: T,
}

impl<T: TokenStream> TokenStream for StemWhereMarkableStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.chars().next().is_some_and(|first| self.firsts.contains(&first_letter(first))) {
            let stem = {
                let mut stream = self.stemmer.token_stream(&token.text);
                stream.advance().then(|| stream.token().text.clone())
            };
            if let Some(stem) = stem {
                token.text = stem;
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Splits on anything that is not a letter or digit, like
/// [`SimpleTokenizer`], and cuts runs of unspaced scripts into overlapping
/// character pairs ("東京都" → "東京", "京都"); a lone character stays one
/// token.
#[derive(Clone, Debug, Default)]
pub struct BigramTokenizer;

#[derive(Debug)]
pub struct BigramStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream {
        let mut tokens = Vec::new();
        let mut push = |from: usize, to: usize| {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position: tokens.len(),
                text: text[from..to].to_owned(),
                position_length: 1,
            });
        };
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let end_of = |i: usize| chars.get(i + 1).map_or(text.len(), |(o, _)| *o);
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if !c.is_alphanumeric() {
                i += 1;
                continue;
            }
            let is_unspaced = unspaced(c);
            let mut j = i;
            while j + 1 < chars.len()
                && chars[j + 1].1.is_alphanumeric()
                && unspaced(chars[j + 1].1) == is_unspaced
            {
                j += 1;
            }
            if !is_unspaced || i == j {
                push(start, end_of(j));
            } else {
                for (k, (offset, _)) in chars.iter().enumerate().take(j).skip(i) {
                    push(*offset, end_of(k + 1));
                }
            }
            i = j + 1;
        }
        BigramStream { tokens: tokens.into_iter(), current: Token::default() }
    }
}

impl TokenStream for BigramStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_finds_what_full_analysis_finds() {
        let texts = [
            (
                "en",
                "Defenses defended: the defenders' dying lines held early, skies clearing over Yorktown; \
                 skis, lying, tying, idly, gently, ugly, only, singly, news, howe, atlas, cosmos, bias, \
                 andes, succeeding, exceeding, proceeding, inning, outing, canning, herring, earring, \
                 generously, generate, communism, arsenal, universe, yearly, Yemen's yachts, you're",
            ),
            ("ru", "Противоракетная оборона: обороны и оборонительные рубежи держались, Ёлкин ушёл"),
        ];
        for (language, text) in texts {
            let analyzer = Analyzer::for_language(language);
            let full = analyzer.positioned_terms(text);
            // Each word's stem, marked alone, is found where full analysis
            // finds it (positions included), and nothing else is.
            for (_, word) in &full {
                let marking = analyzer.marking_analyzer(std::iter::once(word.as_str())).expect("gated");
                let found: Vec<(usize, String)> =
                    collect_terms(marking, text).into_iter().filter(|(_, t)| t == word).collect();
                let expected: Vec<(usize, String)> =
                    full.iter().filter(|(_, t)| t == word).cloned().collect();
                assert_eq!(found, expected, "{language}: {word}");
            }
        }
        assert!(Analyzer::for_language("de").marking_analyzer(std::iter::once("x")).is_none());
    }

    #[test]
    fn english_and_russian_are_stemmed() {
        let en = Analyzer::for_language("en-GB");
        assert_eq!(en.terms("Missile defenses"), en.terms("missile defense"));
        let ru = Analyzer::for_language("ru");
        assert_eq!(ru.terms("противоракетной обороны"), ru.terms("противоракетная оборона"));
    }

    #[test]
    fn stop_words_go_and_leave_their_place() {
        let en = Analyzer::for_language("en");
        assert_eq!(
            en.positioned_terms("Bank of the North"),
            [(0, "bank".to_owned()), (3, "north".to_owned())]
        );
        assert!(Analyzer::for_language("ru").terms("и в на").is_empty());
    }

    #[test]
    fn unspaced_scripts_become_pairs() {
        let zh = Analyzer::for_language("zh-Hans");
        assert_eq!(zh.terms("東京都 Tokyo"), ["東京", "京都", "tokyo"]);
        assert_eq!(zh.terms("東"), ["東"]);
    }

    #[test]
    fn unknown_languages_fold_accents() {
        let plain = Analyzer::for_language("pl");
        assert_eq!(plain, Analyzer::Plain);
        assert_eq!(plain.terms("Łódź, Kraków"), ["lodz", "krakow"]);
    }

    #[test]
    fn codes_round_trip() {
        for analyzer in ALL {
            assert_eq!(Analyzer::from_code(analyzer.code()), Some(analyzer));
        }
    }
}
