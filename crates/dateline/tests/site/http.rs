//! HTTP behaviour: validators, 304s, compression, security headers, assets.

use std::io::Read as _;

use crate::support::{Backend, TestServer, article_links};

pub async fn pages_carry_validators_and_answer_304(backend: Backend) {
    let server = TestServer::start(backend).await;
    let home = server.page("/en/").await;
    let story = article_links(&home, "en").into_iter().next().expect("a story");
    for path in ["/en/", "/en/world", story.as_str()] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        let etag = headers["etag"].to_str().expect("etag").to_owned();
        let last_modified = headers["last-modified"].to_str().expect("last-modified").to_owned();
        let cache_control = headers["cache-control"].to_str().expect("cache-control");
        assert!(cache_control.starts_with("public, max-age="), "{cache_control}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        let body = response.text().await.expect("body");

        let revalidated =
            server.client.get(server.url(path)).header("if-none-match", &etag).send().await.expect("GET");
        assert_eq!(revalidated.status(), 304, "{path} with If-None-Match");
        assert_eq!(revalidated.headers()["etag"].to_str().expect("etag"), etag);
        assert!(revalidated.text().await.expect("body").is_empty());

        let since = server
            .client
            .get(server.url(path))
            .header("if-modified-since", &last_modified)
            .send()
            .await
            .expect("GET");
        assert_eq!(since.status(), 304, "{path} with If-Modified-Since");

        let stale = server
            .client
            .get(server.url(path))
            .header("if-none-match", "\"other\"")
            .send()
            .await
            .expect("GET");
        assert_eq!(stale.status(), 200);

        let gzipped =
            server.client.get(server.url(path)).header("accept-encoding", "gzip").send().await.expect("GET");
        assert_eq!(gzipped.headers()["content-encoding"], "gzip");
        assert_ne!(gzipped.headers()["etag"].to_str().expect("etag"), etag, "each encoding has its own ETag");
        let compressed = gzipped.bytes().await.expect("body");
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&compressed[..]).read_to_string(&mut unzipped).expect("valid gzip");
        assert_eq!(unzipped, body, "{path}: the gzip body is the same page");
        assert!(compressed.len() * 2 < body.len(), "compression pays");
    }
    let head = server.client.head(server.url("/en/")).send().await.expect("HEAD");
    assert_eq!(head.status(), 200);
    assert!(head.text().await.expect("body").is_empty());
}

pub async fn responses_carry_security_headers(backend: Backend) {
    let server = TestServer::start(backend).await;
    for path in ["/en/", "/en/no-such-page", "/api/v1/editions", "/healthz"] {
        let response = server.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
    }
    // No inline script anywhere: the CSP would block it.
    let home = server.page("/en/").await;
    for script in home.split("<script").skip(1) {
        let tag = script.split('>').next().expect("tag");
        assert!(
            tag.contains("src=\"/static/") || tag.contains("application/ld+json"),
            "inline script: <script{tag}>"
        );
    }
}

pub async fn static_assets_are_fingerprinted_and_immutable(backend: Backend) {
    let server = TestServer::start(backend).await;
    let home = server.page("/en/").await;
    let assets = crate::support::hrefs(&home, "/static/");
    let css = assets.iter().find(|h| h.ends_with(".css")).expect("stylesheet link");
    let js = home.split("<script src=\"").nth(1).and_then(|s| s.split('"').next()).expect("script src");
    for (path, content_type) in
        [(css.as_str(), "text/css; charset=utf-8"), (js, "text/javascript; charset=utf-8")]
    {
        let response = server.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], content_type);
        assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(response.text().await.expect("body").len() > 100, "{path} has content");
    }
    let favicon = server.get("/favicon.ico").await;
    assert_eq!(favicon.status(), 301);
    let robots = server.page("/robots.txt").await;
    assert!(robots.contains("User-agent: *"));
}
