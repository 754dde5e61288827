//! Hostile input from the shared test data (XSS and SQL-injection lists):
//! every answer is a 4xx or a page, never a 5xx, and nothing is reflected
//! unescaped.

use crate::support::{Backend, TestServer, testdata};

fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

pub async fn hostile_inputs_never_break_a_page(backend: Backend) {
    let Some(dir) = testdata() else {
        eprintln!("SKIPPED hostile_inputs_never_break_a_page: ../shared/testdata is absent in this checkout");
        return;
    };
    let server = TestServer::start(backend).await;
    let mut payloads = Vec::new();
    for file in [
        "security/xss/xss_payloads_quick.txt",
        "security/xss/XSS_Polyglots.txt",
        "security/sqli/Generic_Fuzz.txt",
        "security/sqli/SQLi_Polyglots.txt",
    ] {
        let text = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        payloads.extend(
            String::from_utf8_lossy(&text).lines().filter(|l| !l.trim().is_empty()).map(str::to_owned),
        );
    }
    assert!(payloads.len() > 50, "payload lists are loaded");
    for payload in payloads.iter().take(400) {
        let encoded = encode(payload);
        for path in [
            format!("/en/tag/{encoded}"),
            format!("/en/{encoded}"),
            format!("/en/2026/11/28/{encoded}"),
            format!("/en/latest?before={encoded}"),
            format!("/api/v1/articles?edition=en&tag={encoded}"),
            format!("/api/v1/articles?cursor={encoded}"),
        ] {
            let response = server.get(&path).await;
            let status = response.status();
            assert!(status.is_client_error() || status == 200, "{path} answered {status}");
            let body = response.text().await.expect("body");
            if payload.contains('<') {
                assert!(!body.contains(payload.as_str()), "{path} reflects the payload unescaped");
            }
        }
    }
    let health = server.get("/readyz").await;
    assert_eq!(health.status(), 200, "the server is still well");
}
