//! A chat message's text: what may be sent, and its HTML.
//!
//! Chat is plain text. Everything a reader types is shown as typed
//! (escaped); the only markup is links, found by `linkify` in `http(s)`
//! addresses and given `rel="nofollow ugc noopener"`, and line breaks.

use linkify::{LinkFinder, LinkKind};

use crate::markdown::escape_html;

/// Longest message, in characters.
pub const MAX_CHARS: usize = 2000;

/// Why a text cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Empty,
    /// The text has this many characters.
    TooLong(usize),
}

/// Trims the text and each line, drops control characters (but line
/// breaks and tabs) and invisible direction overrides, keeps at most one
/// empty line in a row, and checks the length.
pub fn clean(input: &str) -> Result<String, TextError> {
    let mut lines: Vec<String> = Vec::new();
    let mut blank = 0;
    for line in input.lines() {
        let kept: String = line
            .chars()
            .filter(|c| !(c.is_control() && *c != '\t'))
            // Invisible direction overrides could disguise a link.
            .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
            .collect();
        let kept = kept.trim();
        if kept.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        lines.push(kept.to_owned());
    }
    let text = lines.join("\n").trim().to_owned();
    let count = text.chars().count();
    if count == 0 {
        Err(TextError::Empty)
    } else if count > MAX_CHARS {
        Err(TextError::TooLong(count))
    } else {
        Ok(text)
    }
}

/// The HTML of a (cleaned) message.
pub fn html(text: &str) -> String {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    let mut html = String::with_capacity(text.len() + 16);
    for span in finder.spans(text) {
        let part = span.as_str();
        match span.kind() {
            Some(LinkKind::Url) if part.starts_with("https://") || part.starts_with("http://") => {
                let escaped = escape_html(part);
                html.push_str("<a href=\"");
                html.push_str(&escaped);
                html.push_str("\" rel=\"nofollow ugc noopener\">");
                html.push_str(&escaped);
                html.push_str("</a>");
            }
            _ => html.push_str(&escape_html(part).replace('\n', "<br>")),
        }
    }
    html
}

/// The start of a message, for a reply's quote: one line, at most `max`
/// characters.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_and_measured() {
        assert_eq!(clean("  hello \r\n\n\n\n there  "), Ok("hello\n\nthere".into()));
        assert_eq!(clean(" \u{0}\u{7} "), Err(TextError::Empty));
        assert_eq!(clean("a\u{202e}b"), Ok("ab".into()));
        assert_eq!(clean(&"я".repeat(MAX_CHARS)).map(|t| t.chars().count()), Ok(MAX_CHARS));
        assert_eq!(clean(&"я".repeat(MAX_CHARS + 1)), Err(TextError::TooLong(MAX_CHARS + 1)));
    }

    #[test]
    fn only_web_links_become_markup() {
        let html = html("see https://example.com/a?b=1&c=2 <b>bold</b>\nnext");
        assert_eq!(
            html,
            "see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">\
             https://example.com/a?b=1&amp;c=2</a> &lt;b&gt;bold&lt;/b&gt;<br>next"
        );
        let hostile = super::html("javascript:alert(1) <script>x</script> \"><img src=x onerror=y>");
        assert!(
            !hostile.contains("<script") && !hostile.contains("<img") && !hostile.contains("<a"),
            "{hostile}"
        );
        assert_eq!(super::html("ftp://example.com/x"), "ftp://example.com/x");
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("one\ntwo", 20), "one two");
        assert_eq!(excerpt("abcdefghij", 5), "abcd…");
    }
}
