//! Article bodies: Markdown in, sanitised HTML out, with the dateline
//! opening the first paragraph.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
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

/// Renders an article body. Headings are demoted below the page's single
/// `<h1>`; raw HTML in the Markdown is removed by the sanitiser; the
/// dateline (plain text) opens the first paragraph.
pub fn render_body(markdown: &str, dateline: &str) -> String {
    let parser =
        Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES).map(|event| {
            match event {
                Event::Start(Tag::Heading { level: HeadingLevel::H1, id, classes, attrs }) => {
                    Event::Start(Tag::Heading { level: HeadingLevel::H2, id, classes, attrs })
                }
                Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                    Event::End(TagEnd::Heading(HeadingLevel::H2))
                }
                other => other,
            }
        });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    let clean =
        ammonia::Builder::default().link_rel(Some("noopener noreferrer nofollow")).clean(&html).to_string();
    if dateline.is_empty() {
        return clean;
    }
    let opening = format!("<span class=\"dateline\">{}</span> ", escape_html(dateline));
    match clean.strip_prefix("<p>") {
        Some(rest) => format!("<p>{opening}{rest}"),
        None => format!("<p>{opening}</p>\n{clean}"),
    }
}

/// The words of a body without its markup (for the search index): text,
/// code and link text; raw HTML is dropped; blocks end with a line break.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => text.push('\n'),
            _ => {}
        }
    }
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_words_only() {
        let text =
            plain_text("# Title\n\nSome *bold* [link](http://x) `code`\n\n<div>hidden</div>\n\n- one\n- two");
        assert_eq!(text, "Title\nSome bold link code\none\ntwo");
    }

    #[test]
    fn dateline_opens_the_first_paragraph() {
        let html = render_body("The port reopened.\n\nSecond.", "ROTTERDAM, November 28 (Meridian) -");
        assert!(html.starts_with("<p><span class=\"dateline\">ROTTERDAM, November 28 (Meridian) -</span> The port reopened.</p>"), "{html}");
    }

    #[test]
    fn hostile_markdown_is_neutralised() {
        let html = render_body(
            "# Big\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\nSee [x](javascript:alert(1)).",
            "A & <B>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("See <a rel=\"noopener noreferrer nofollow\">x</a>."), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("A &amp; &lt;B&gt;"), "{html}");
    }
}
