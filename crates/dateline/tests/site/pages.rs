//! Reader-facing pages, checked for what a reader sees.

use crate::support::{Backend, TestServer, article_links, hrefs, visible_text};

pub async fn front_page_shows_the_edition(backend: Backend) {
    let server = TestServer::start(backend).await;
    let html = server.page("/en/").await;
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"), "{html}");
    assert_eq!(html.matches("<h1").count(), 1, "one <h1>");
    for section in ["World", "Politics", "Business", "Science", "Sport", "Culture"] {
        assert!(html.contains(&format!(">{section}</a>")), "section {section} in the navigation");
    }
    // Section blocks carry their one-line descriptions.
    assert!(html.contains("Markets, companies, trade, energy and the global economy."));
    assert!(html.contains("class=\"top-story\""));
    assert!(html.contains("data-newsfeed"), "the newsfeed widget");
    assert!(article_links(&html, "en").len() >= 10, "front page links many stories");
    assert!(html.contains("hreflang=\"ru\""), "edition switcher links the Russian edition");

    let ru = server.page("/ru/").await;
    assert!(ru.contains("<html lang=\"ru\""));
    assert!(ru.contains(">Экономика</a>"));
    assert!(visible_text(&ru).contains("Лента новостей"));
}

pub async fn root_redirects_by_accept_language(backend: Backend) {
    let server = TestServer::start(backend).await;
    for (accept, expected) in [
        ("ru-RU,ru;q=0.9,en;q=0.8", "/ru/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("fr-FR,fr;q=0.9", "/en/"),
        ("de;q=0.5, ru;q=0.7", "/ru/"),
        ("", "/en/"),
        ("*;q=garbage,,,", "/en/"),
    ] {
        let response =
            server.client.get(server.url("/")).header("accept-language", accept).send().await.expect("GET /");
        assert!(response.status().is_redirection(), "{accept:?}: {}", response.status());
        assert_eq!(response.headers()["location"], expected, "Accept-Language {accept:?}");
        assert_eq!(response.headers()["vary"], "Accept-Language");
    }
    let response = server.get("/en").await;
    assert_eq!(response.status(), 301);
    assert_eq!(response.headers()["location"], "/en/");
}

pub async fn article_page_has_every_element(backend: Backend) {
    let server = TestServer::start(backend).await;
    let list = server.page("/en/world").await;
    let story = article_links(&list, "en")
        .into_iter()
        .find(|p| p.contains("rotterdam-dock-workers"))
        .expect("the Rotterdam story is listed in World");
    let html = server.page(&story).await;
    let text = visible_text(&html);

    // 1. brand, edition switcher, section navigation.
    assert!(html.contains("class=\"brand\""));
    assert!(html.contains("class=\"editions\""));
    assert!(html.contains("aria-current=\"page\">World</a>"), "World is the current section");
    // 2. the section's name and description.
    assert!(text.contains("International news, diplomacy, conflicts and disasters"));
    // 3. one <h1> with the headline, then the lead.
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains(
        "<h1 class=\"article__headline\">Rotterdam dock workers end nine-day strike after wage deal</h1>"
    ));
    assert!(text.contains("Dock workers at Europe's largest port returned to work"));
    // 4. the photo: figure, responsive img, caption and credit linking to the media bank.
    let figure =
        html.split("<figure").nth(1).expect("a <figure>").split("</figure>").next().expect("figure end");
    assert!(
        figure.contains("srcset=\"") && figure.contains(" 480w") && figure.contains(" 1600w"),
        "{figure}"
    );
    assert!(
        figure.contains("width=\"")
            && figure.contains("height=\"")
            && figure.contains("alt=\"Cranes loading")
    );
    assert!(figure.contains("<figcaption>Container cranes resume operations"));
    let credit = hrefs(figure, "/en/media/").into_iter().next().expect("credit links to the media bank");
    // The credit as given (no "©" added to it), the bank's copyright apart.
    assert!(figure.contains(">Meridian / Tomas Reyes</a>"), "{figure}");
    assert!(!figure.contains("© Meridian / Tomas Reyes"), "a credit is not a copyright notice");
    // 5. byline and times.
    assert!(text.contains("By Elena Varga"));
    assert!(html.contains("<time datetime=\""));
    // 6. the body opens with the dateline.
    let body = html.split("class=\"article__body\">").nth(1).expect("body");
    let first_paragraph = body.split("</p>").next().expect("first paragraph");
    let dateline = first_paragraph.split("<span class=\"dateline\">").nth(1).expect("dateline span");
    assert!(dateline.starts_with("ROTTERDAM, "), "{dateline}");
    assert!(dateline.contains(" (Meridian) -</span> Dock workers in Rotterdam"), "{dateline}");
    // 7. tags, share links, subscribe.
    assert!(hrefs(&html, "/en/tag/").contains(&"/en/tag/ports".to_owned()));
    assert!(html.contains("class=\"share\""));
    assert!(!hrefs(&html, "/en/subscribe").is_empty());
    // 8. newsfeed.
    assert!(html.contains("data-newsfeed"));
    // 9. discussion: count and the guest invitation with links back here.
    assert!(text.contains("Discussion (3 comments)") && text.contains("Maria Jansen"), "{text}");
    assert!(text.contains("in reply to") || text.contains("Pieter de Wit"), "{text}");
    assert!(text.contains("Log in or register to join the discussion."));
    let next = format!("{}%23discussion", story.replace('/', "%2F"));
    assert!(hrefs(&html, "/en/login?next=").contains(&format!("/en/login?next={next}")));
    assert!(hrefs(&html, "/en/register?next=").contains(&format!("/en/register?next={next}")));
    // 10. chats.
    assert!(!hrefs(&html, "/en/chats").is_empty());
    // 11. more stories with a plain "older stories" link.
    assert!(html.contains("class=\"more-stories\""));
    assert!(hrefs(&html, "/en/latest?before=").len() == 1, "older stories link");

    // <head>: canonical, hreflang, JSON-LD, Open Graph, Twitter.
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{}{story}\">", server.base)));
    assert!(html.contains("<link rel=\"alternate\" hreflang=\"en\""));
    assert!(html.contains("<link rel=\"alternate\" hreflang=\"ru\" href=\""), "translation linked");
    let json_ld = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("JSON-LD");
    let json: serde_json::Value = serde_json::from_str(json_ld).expect("JSON-LD parses");
    assert_eq!(json["@type"], "NewsArticle");
    assert_eq!(json["headline"], "Rotterdam dock workers end nine-day strike after wage deal");
    assert_eq!(json["author"][0]["name"], "Elena Varga");
    assert!(json["image"][0].as_str().expect("image url").starts_with("http"));
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(html.contains("<meta property=\"og:image\" content=\"http"));
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));

    // The image files exist.
    let src = figure.split("src=\"").nth(1).and_then(|s| s.split('"').next()).expect("img src");
    let image = server.get(src).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/jpeg");

    // The credit leads to the photo's page, which lists this story.
    let media = server.page(&credit).await;
    assert!(media.contains("Container cranes resume operations"));
    assert!(visible_text(&media).contains("Meridian / Tomas Reyes"));
    assert!(hrefs(&media, "/en/20").contains(&story), "the photo page links back to the story");
}

pub async fn updated_and_corrected_article(backend: Backend) {
    let server = TestServer::start(backend).await;
    let latest = server.page("/en/latest").await;
    let story = article_links(&latest, "en").into_iter().find(|p| p.contains("rotterdam")).expect("story");
    let html = server.page(&story).await;
    let text = visible_text(&html);
    assert!(text.contains("Updated"), "updated time shown");
    assert!(html.matches("<time datetime=").count() >= 2);
    assert!(text.contains("Correction: An earlier version of this story misstated"), "{text}");
    // An article that was never updated shows no "Updated".
    let other = article_links(&latest, "en").into_iter().find(|p| p.contains("glacial-lake")).expect("story");
    assert!(!visible_text(&server.page(&other).await).contains("Updated"));
}

pub async fn renamed_article_redirects(backend: Backend) {
    let server = TestServer::start(backend).await;
    let latest = server.page("/en/latest").await;
    let canonical = article_links(&latest, "en")
        .into_iter()
        .find(|p| p.ends_with("/nepal-evacuates-himalayan-villages-as-glacial-lake-rises"))
        .expect("the renamed story under its new slug");
    let old = server.get("/en/2025/01/01/nepal-orders-evacuation-below-glacial-lake").await;
    assert_eq!(old.status(), 301, "old slug answers 301");
    assert_eq!(old.headers()["location"], canonical.as_str());
    // A right slug with a wrong date also goes to the canonical URL.
    let slug = canonical.rsplit('/').next().expect("slug");
    let wrong_date = server.get(&format!("/en/1999/12/31/{slug}")).await;
    assert_eq!(wrong_date.status(), 301);
    assert_eq!(wrong_date.headers()["location"], canonical.as_str());
    server.page(&canonical).await;
}

pub async fn withdrawn_article_is_gone(backend: Backend) {
    let server = TestServer::start(backend).await;
    let response = server.get("/en/2026/01/01/ferry-service-suspended-on-baltic-route").await;
    assert_eq!(response.status(), 410);
    let text = visible_text(&response.text().await.expect("body"));
    assert!(text.contains("This story has been withdrawn"), "{text}");
    let latest = server.page("/en/latest").await;
    assert!(!latest.contains("ferry-service-suspended"), "withdrawn stories are not listed");
}

pub async fn latest_list_pages_by_cursor(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut path = "/en/latest".to_owned();
    let mut seen: Vec<String> = Vec::new();
    let mut pages = 0;
    loop {
        let html = server.page(&path).await;
        pages += 1;
        let list = html
            .split("data-story-list")
            .nth(1)
            .and_then(|l| l.split("layout__side").next())
            .expect("story list");
        let links = article_links(list, "en");
        assert!(!links.is_empty() && links.len() <= 10, "page {pages} has {} stories", links.len());
        for link in links {
            assert!(!seen.contains(&link), "{link} shown twice");
            seen.push(link);
        }
        if pages > 1 {
            assert!(visible_text(&html).contains("Back to the latest stories"));
        }
        match hrefs(&html, "/en/latest?before=").into_iter().next() {
            Some(next) => path = next,
            None => break,
        }
        assert!(pages < 10, "paging never ends");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 24, "every published English story once");
}

pub async fn tag_and_author_pages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let tag = server.page("/en/tag/ports").await;
    assert!(tag.contains("<h1>Ports</h1>"), "{tag}");
    assert!(article_links(&tag, "en").iter().any(|p| p.contains("rotterdam")));
    let author = server.page("/en/author/elena-varga").await;
    assert!(author.contains("<h1>Elena Varga</h1>"));
    assert!(visible_text(&author).contains("Senior world affairs correspondent"));
    assert!(article_links(&author, "en").iter().any(|p| p.contains("rotterdam")));
    let ru_tag = server.page("/ru/tag/porty").await;
    assert!(ru_tag.contains("<h1>Порты</h1>"));
}

pub async fn unknown_addresses_get_a_localized_404(backend: Backend) {
    let server = TestServer::start(backend).await;
    for (path, heading) in [
        ("/en/no-such-section", "Page not found"),
        ("/ru/no-such-section", "Страница не найдена"),
        ("/en/tag/no-such-tag", "Page not found"),
        ("/en/author/nobody", "Page not found"),
        ("/en/2026/11/28/no-such-story", "Page not found"),
        ("/en/2026/11/28/Bad%20Slug!", "Page not found"),
        ("/en/media/999999", "Page not found"),
        ("/en/media/not-a-number", "Page not found"),
        ("/en/world/too/many/segments/here/really", "Page not found"),
        ("/ru/tag/%3Cscript%3E", "Страница не найдена"),
        ("/static/app.nope.css", "Page not found"),
        ("/media/photos/none.jpg", "Page not found"),
        ("/media/../../etc/passwd.jpg", "Page not found"),
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.expect("body");
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{path}: {html}");
    }
    // No edition in the path: the reader's language decides.
    let response = server
        .client
        .get(server.url("/xx/whatever"))
        .header("accept-language", "ru")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 404);
    assert!(response.text().await.expect("body").contains("<h1>Страница не найдена</h1>"));
}

pub async fn malformed_query_gets_a_400_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    for (path, expected) in [
        ("/en/world?before=yesterday", "This request could not be understood"),
        ("/en/latest?before=1-x", "This request could not be understood"),
        ("/ru/latest?before=%27%20OR%201%3D1", "Не удалось разобрать запрос"),
        ("/en/latest?before=%FF", "This request could not be understood"),
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 400, "{path}");
        let text = visible_text(&response.text().await.expect("body"));
        assert!(text.contains(expected), "{path}: {text}");
    }
    let text = visible_text(&server.get("/en/world?before=yesterday").await.text().await.expect("body"));
    assert!(text.contains("`before` must look like"), "the message says what is wrong: {text}");
    // Unknown parameters are ignored, not refused.
    server.page("/en/world?utm_source=newsletter").await;
}
