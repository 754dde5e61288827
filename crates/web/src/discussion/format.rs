//! A comment's text to HTML: a small, safe subset.
//!
//! Readers get paragraphs, line breaks, *emphasis*, **strong**, links and
//! `> quotes`; everything else they type — headings, lists, code, images,
//! raw HTML — is shown as the text they typed, not interpreted. The text is
//! parsed with pulldown-cmark and only the allowed events become markup;
//! any other construct is written back from its source range, escaped.
//! ammonia then cleans the result once more with an allow-list of exactly
//! those elements, and gives every link `rel="nofollow ugc noopener"`.
//!
//! Links count only with an `http(s)` address. (A new account's comment
//! with a link waits for a moderator: see `rules.rs`.)

use std::collections::HashSet;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::markdown::escape_html;

/// Renders a comment.
pub fn comment_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 4 + 16);
    // Raw text that falls outside any block (it should not) still shows.
    let mut depth_skipped: usize = 0;
    let mut in_paragraph = false;
    let mut links_open: usize = 0;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        if depth_skipped > 0 {
            match event {
                Event::Start(_) => depth_skipped += 1,
                Event::End(_) => depth_skipped -= 1,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Paragraph) => {
                html.push_str("<p>");
                in_paragraph = true;
            }
            Event::End(TagEnd::Paragraph) => {
                html.push_str("</p>\n");
                in_paragraph = false;
            }
            Event::Start(Tag::BlockQuote(_)) => html.push_str("<blockquote>\n"),
            Event::End(TagEnd::BlockQuote(_)) => html.push_str("</blockquote>\n"),
            Event::Start(Tag::Emphasis) => html.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => html.push_str("</em>"),
            Event::Start(Tag::Strong) => html.push_str("<strong>"),
            Event::End(TagEnd::Strong) => html.push_str("</strong>"),
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                let web = dest_url.starts_with("https://") || dest_url.starts_with("http://");
                let kind_ok = matches!(link_type, LinkType::Inline | LinkType::Autolink);
                if web && kind_ok {
                    html.push_str("<a href=\"");
                    html.push_str(&escape_html(&dest_url));
                    html.push_str("\">");
                    links_open += 1;
                } else {
                    // Not a link we allow: the typed text, as typed.
                    push_text(&mut html, &text[range], in_paragraph);
                    depth_skipped = 1;
                }
            }
            Event::End(TagEnd::Link) => {
                if links_open > 0 {
                    links_open -= 1;
                    html.push_str("</a>");
                }
            }
            Event::Text(t) => html.push_str(&escape_html(&t)),
            Event::SoftBreak | Event::HardBreak => html.push_str("<br>\n"),
            // Inline constructs outside the subset: their source, as text.
            Event::Code(_) | Event::InlineHtml(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                html.push_str(&escape_html(&text[range]));
            }
            Event::Start(Tag::Image { .. }) => {
                html.push_str(&escape_html(&text[range]));
                depth_skipped = 1;
            }
            // Block constructs outside the subset (headings, lists, code
            // blocks, HTML blocks, rules, tables): their source as paragraphs.
            Event::Start(_) => {
                push_text(&mut html, &text[range], in_paragraph);
                depth_skipped = 1;
            }
            Event::Html(raw) => push_text(&mut html, &raw, in_paragraph),
            Event::Rule => push_text(&mut html, &text[range], in_paragraph),
            Event::End(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
    clean(&html)
}

/// Typed text shown as text: inside a paragraph as is, otherwise as its
/// own paragraphs, lines kept.
fn push_text(html: &mut String, source: &str, in_paragraph: bool) {
    let source = source.trim_end_matches('\n');
    if in_paragraph {
        html.push_str(&escape_html(source));
        return;
    }
    for block in source.split("\n\n").filter(|b| !b.trim().is_empty()) {
        html.push_str("<p>");
        html.push_str(&escape_html(block).replace('\n', "<br>\n"));
        html.push_str("</p>\n");
    }
}

/// A stored comment's HTML: made when it was written (rendered now for a
/// row written without it).
pub fn html_of(comment: &dateline_store::Comment) -> String {
    if comment.html.is_empty() && !comment.body.is_empty() {
        comment_html(&comment.body)
    } else {
        comment.html.clone()
    }
}

/// The last word: only the subset survives, links get their `rel`.
fn clean(html: &str) -> String {
    let tags: HashSet<&str> = ["p", "br", "em", "strong", "a", "blockquote"].into();
    let schemes: HashSet<&str> = ["http", "https"].into();
    ammonia::Builder::empty()
        .tags(tags)
        .add_tag_attributes("a", ["href"])
        .url_schemes(schemes)
        .link_rel(Some("nofollow ugc noopener"))
        .clean(html)
        .to_string()
}

/// True when the text holds a web address (which a new account may not post).
pub fn has_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("http://") || lower.contains("https://") || lower.contains("www.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_is_kept() {
        let html = comment_html(
            "Hello *there* and **you**.\nNext line.\n\n> quoted\n\nSee [this](https://example.com/a?b=1&c=2).",
        );
        assert_eq!(
            html,
            "<p>Hello <em>there</em> and <strong>you</strong>.<br>\nNext line.</p>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n\
             <p>See <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">this</a>.</p>\n"
        );
        assert!(
            comment_html("<https://example.com>")
                .contains("<a href=\"https://example.com\" rel=\"nofollow ugc noopener\">")
        );
    }

    #[test]
    fn everything_else_is_text() {
        let html = comment_html("# Big\n\n- one\n- two\n\n`code` <b>bold</b> ![x](https://e.com/i.png)");
        assert!(html.contains("<p># Big</p>"), "{html}");
        assert!(html.contains("- one<br>\n- two"), "{html}");
        assert!(html.contains("`code` &lt;b&gt;bold&lt;/b&gt; ![x](https://e.com/i.png)"), "{html}");
        assert!(
            !html.contains("<h1")
                && !html.contains("<li")
                && !html.contains("<img")
                && !html.contains("<code"),
            "{html}"
        );
    }

    #[test]
    fn hostile_input_is_inert() {
        for hostile in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "<a href=\"https://e.com\" onclick=\"alert(1)\">x</a>",
            "[x](https://e.com\" onmouseover=\"alert(1))",
            "```\n<script>alert(1)</script>\n```",
            "<details open ontoggle=alert(1)>",
            "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        ] {
            let html = comment_html(hostile);
            for tag in html.split('<').skip(1) {
                let tag = &tag[..tag.find('>').expect("closed tag")];
                let name: String =
                    tag.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
                assert!(
                    ["p", "br", "em", "strong", "a", "blockquote"].contains(&name.as_str()),
                    "{hostile}: {html}"
                );
                assert!(
                    !tag.contains(" on") && !tag.contains("javascript") && !tag.contains("data:"),
                    "{hostile}: {html}"
                );
            }
        }
    }

    #[test]
    fn links_are_found() {
        assert_eq!(comment_html("[x](ftp://e.com/f)"), "<p>[x](ftp://e.com/f)</p>\n");
        assert!(has_link("go to HTTPS://x.y") && has_link("www.spam.example") && !has_link("no links"));
    }
}
