//! The media bank as a photo editor and a reader meet it: uploads checked
//! by content and cleaned, credits read from the file, renditions made in
//! the background, the photo used in an article and its credit leading to
//! the photo's page; and every kind of bad file refused with a message,
//! leaving nothing behind.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

use crate::accounts::{csrf_of, get, location};
use crate::newsroom::{resubmit, staff};
use crate::support::{Backend, S3Server, TestServer, python_with, testdata, visible_text};

/// A JPEG with a photo desk's IPTC block (caption, credit, copyright) and
/// an EXIF-like segment holding private data that must not survive.
pub fn credited_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1400, 900, |x, y| image::Rgb([(x / 6) as u8, (y / 4) as u8, 120]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 85).encode_image(&img).expect("encode");
    let mut iptc = Vec::new();
    for (dataset, value) in [
        (120u8, "Fishing boats return to Ribeira harbour at dawn"),
        (110, "Meridian/Ana Costa"),
        (116, "© Meridian 2026"),
    ] {
        iptc.extend_from_slice(&[0x1c, 2, dataset]);
        iptc.extend_from_slice(&u16::try_from(value.len()).expect("short").to_be_bytes());
        iptc.extend_from_slice(value.as_bytes());
    }
    let mut resource = b"Photoshop 3.0\0".to_vec();
    resource.extend_from_slice(b"8BIM\x04\x04\0\0");
    resource.extend_from_slice(&u32::try_from(iptc.len()).expect("short").to_be_bytes());
    resource.extend_from_slice(&iptc);
    let segment = |marker: u8, body: &[u8]| {
        let mut out = vec![0xff, marker];
        out.extend_from_slice(&u16::try_from(body.len() + 2).expect("short").to_be_bytes());
        out.extend_from_slice(body);
        out
    };
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xe1, b"Exif\0\0GPS 38.7071N 9.1355W CAMERA-SERIAL-0042"));
    out.extend(segment(0xed, &resource));
    out.extend_from_slice(&plain[2..]);
    out
}

async fn upload(
    server: &TestServer,
    client: &Client,
    csrf: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = Form::new()
        .text("csrf", csrf.to_owned())
        .part("files", Part::bytes(bytes).file_name(name.to_owned()));
    let response = client
        .post(server.url("/newsroom/media"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

/// Where a test server keeps its media: the data directory, or a bucket.
pub enum Storage {
    Local,
    Bucket(Box<S3Server>),
}

impl Storage {
    /// Starts a server over the demo store with this storage; `None` when
    /// the S3 server's tool is missing (the test then says it skipped).
    async fn server(backend: Backend, s3: bool, test: &str) -> Option<(TestServer, Self)> {
        if !s3 {
            return Some((TestServer::start(backend).await, Self::Local));
        }
        let python = python_with("moto", test)?;
        let bucket = S3Server::start(&python).await;
        let flags = bucket.flags();
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        // An empty store: the demo's photos go into the bucket at start.
        let server = TestServer::start_empty(backend, &flags).await;
        assert_eq!(std::fs::read_dir(server.dir.path().join("media")).map_or(0, Iterator::count), 0);
        Some((server, Self::Bucket(Box::new(bucket))))
    }

    /// How many media files are stored.
    async fn files(&self, server: &TestServer) -> usize {
        match self {
            Self::Local => walk(&server.dir.path().join("media")),
            Self::Bucket(bucket) => bucket.object_count().await,
        }
    }

    /// The number of stored files once renditions that earlier page views
    /// asked for are all written (two reads 300 ms apart agree).
    async fn settled_files(&self, server: &TestServer) -> usize {
        let mut last = self.files(server).await;
        for _ in 0..50 {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let now = self.files(server).await;
            if now == last {
                return now;
            }
            last = now;
        }
        last
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries.filter_map(Result::ok).map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum()
    })
}

pub async fn upload_use_and_credit_a_photo(backend: Backend) {
    upload_use_and_credit(backend, false).await;
}

/// The same flow with media in an S3-compatible bucket.
pub async fn upload_use_and_credit_a_photo_in_s3(backend: Backend) {
    upload_use_and_credit(backend, true).await;
}

pub async fn bad_files_are_refused_and_leave_nothing(backend: Backend) {
    bad_files(backend, false).await;
}

/// The same refusals with media in an S3-compatible bucket.
pub async fn bad_files_leave_nothing_in_s3(backend: Backend) {
    bad_files(backend, true).await;
}

async fn upload_use_and_credit(backend: Backend, s3: bool) {
    let Some((server, storage)) = Storage::server(backend, s3, "upload_use_and_credit_a_photo_in_s3").await
    else {
        return;
    };
    let editor = staff(&server, "photo@example.com", "editor", &[]).await;
    let page = get(&editor, &server, "/newsroom/media").await.text().await.expect("bank");
    let csrf = csrf_of(&page);

    let (status, results) = upload(&server, &editor, &csrf, "ribeira.JPG", credited_jpeg()).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let id = results[0]["id"].as_i64().expect("an id");
    assert_eq!(results[0]["caption"], "Fishing boats return to Ribeira harbour at dawn");
    assert_eq!(results[0]["credit"], "Meridian/Ana Costa");

    // The record is pre-filled; the stored file carries no metadata.
    let record = get(&editor, &server, &format!("/newsroom/media/{id}")).await.text().await.expect("record");
    assert!(record.contains("© Meridian 2026"), "copyright read from the file");
    let original = record
        .split("src=\"/media/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a preview image")
        .to_owned();
    let bytes = server.get(&format!("/media/{original}")).await.bytes().await.expect("file");
    let private = |b: &[u8], needle: &[u8]| b.windows(needle.len()).any(|w| w == needle);
    assert!(!private(&bytes, b"CAMERA-SERIAL") && !private(&bytes, b"38.7071N"), "private EXIF is gone");
    assert!(!private(&bytes, b"Ribeira"), "the stored original is re-encoded without metadata");

    // Not used by a published story yet: not public.
    assert_eq!(server.get(&format!("/en/media/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert!(!server.page("/en/media").await.contains(&format!("href=\"/en/media/{id}\"")));

    // The editor corrects the record and gives a licence.
    let saved = editor
        .post(server.url(&format!("/newsroom/media/{id}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "save"),
            ("caption", "Fishing boats return to Ribeira harbour, Porto, at dawn"),
            ("credit", "Meridian/Ana Costa"),
            ("copyright", "© Meridian 2026"),
            ("licence", "Editorial use only; not for advertising."),
            ("alt_text", "Blue fishing boats moored at a stone quay"),
            ("keywords", "Porto, fishing, harbour"),
        ])
        .send()
        .await
        .expect("save");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let found = get(&editor, &server, "/newsroom/media?q=porto").await.text().await.expect("search");
    assert!(found.contains(&format!("href=\"/newsroom/media/{id}\"")), "found by a keyword");
    let none = get(&editor, &server, "/newsroom/media?q=no-such-thing").await.text().await.expect("search");
    assert!(!none.contains(&format!("href=\"/newsroom/media/{id}\"")));

    // An article uses it; the credit under the photo leads to its page.
    let demo = get(&editor, &server, "/newsroom").await.text().await.expect("list");
    let article = demo
        .split("href=\"/newsroom/articles/")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .find(|id| id.bytes().all(|b| b.is_ascii_digit()))
        .map(|id| format!("/newsroom/articles/{id}"))
        .expect("an article");
    let published = resubmit(
        &server,
        &editor,
        &article,
        "publish",
        &[("main_media", &id.to_string()), ("caption", "Boats at dawn."), ("credit", "Meridian/Ana Costa")],
    )
    .await;
    let status = published.status();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        visible_text(&published.text().await.unwrap_or_default())
    );
    let editor_page = get(&editor, &server, &article).await.text().await.expect("editor");
    let public = editor_page
        .split("class=\"editor__status\"")
        .nth(1)
        .and_then(|r| r.split("href=\"").nth(1))
        .and_then(|r| r.split('"').next())
        .expect("public link")
        .to_owned();
    let story = server.page(&public).await;
    let edition = public.split('/').nth(1).expect("edition");
    let bank_page = format!("/{edition}/media/{id}");
    assert!(story.contains(&format!("href=\"{bank_page}\"")), "the credit links to the bank: {public}");
    // The renditions job makes the sizes pages choose from.
    let mut photo_page = String::new();
    for _ in 0..150 {
        photo_page = server.page(&bank_page).await;
        if photo_page.contains(" 320w") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        photo_page.contains(" 320w") && photo_page.contains(" 1280w"),
        "renditions in srcset: {photo_page}"
    );
    assert!(
        photo_page.contains("type=\"image/webp\"") && photo_page.contains(".webp 640w"),
        "WebP offered first"
    );
    let webp = photo_page.split("srcset=\"").nth(1).and_then(|r| r.split(' ').next()).expect("a webp file");
    let file = server.get(webp).await;
    assert_eq!(file.headers()["content-type"], "image/webp");
    assert!(file.bytes().await.expect("webp").starts_with(b"RIFF"), "a real WebP file");

    let text = visible_text(&photo_page);
    assert!(text.contains("Editorial use only; not for advertising."), "{text}");
    assert!(photo_page.contains(&format!("href=\"{public}\"")), "the page lists the article using it");
    let index = server.page(&format!("/{edition}/media?q=RIBEIRA")).await;
    assert!(
        index.contains(&format!("href=\"{bank_page}\"")),
        "found in the public bank by a word of its caption"
    );
    let elsewhere = server.page(&format!("/{edition}/media?q=no-such-photo")).await;
    assert!(!elsewhere.contains(&format!("href=\"{bank_page}\"")));
    assert_eq!(server.get(&format!("/{edition}/media?before=x")).await.status(), StatusCode::BAD_REQUEST);

    // In use: it cannot be deleted. A contributor may not delete at all.
    let delete = |client: Client| {
        let url = server.url(&format!("/newsroom/media/{id}"));
        let csrf = csrf.clone();
        async move {
            client
                .post(url)
                .form(&[("csrf", csrf.as_str()), ("action", "delete")])
                .send()
                .await
                .expect("POST")
        }
    };
    assert_eq!(delete(editor.clone()).await.status(), StatusCode::CONFLICT);
    let contributor = staff(&server, "c@example.com", "contributor", &[]).await;
    let their_page = get(&contributor, &server, "/newsroom/media").await.text().await.expect("bank");
    let their_csrf = csrf_of(&their_page);
    let refused = contributor
        .post(server.url(&format!("/newsroom/media/{id}")))
        .form(&[("csrf", their_csrf.as_str()), ("action", "delete")])
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Filters by the day it was added.
    let today = get(&editor, &server, "/newsroom/media").await.text().await.expect("bank");
    assert!(today.contains(&format!("href=\"/newsroom/media/{id}\"")));
    let long_ago = get(&editor, &server, "/newsroom/media?from=2001-01-01&to=2001-12-31").await;
    assert!(!long_ago.text().await.expect("bank").contains(&format!("href=\"/newsroom/media/{id}\"")));
    let bad_day = get(&editor, &server, "/newsroom/media?from=yesterday").await;
    assert_eq!(bad_day.status(), StatusCode::BAD_REQUEST);

    // An unused photo is deleted with its files.
    let before = storage.settled_files(&server).await;
    let mut png = Vec::new();
    image::RgbaImage::from_pixel(50, 40, image::Rgba([10, 200, 10, 128]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let (status, results) = upload(&server, &editor, &csrf, "mark.png", png).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let spare = results[0]["id"].as_i64().expect("id");
    assert_eq!(storage.files(&server).await, before + 1);
    let gone = editor
        .post(server.url(&format!("/newsroom/media/{spare}")))
        .form(&[("csrf", csrf.as_str()), ("action", "delete")])
        .send()
        .await
        .expect("POST");
    assert_eq!(gone.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&gone), "/newsroom/media");
    assert_eq!(server.get(&format!("/en/media/{spare}")).await.status(), StatusCode::NOT_FOUND);
    // Its rendition job may still run once, finding nothing to do.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(storage.files(&server).await, before, "its files are gone");

    // A photo in use is replaced everywhere in one step, then deleted.
    let (_, results) = upload(&server, &editor, &csrf, "better.jpg", credited_jpeg()).await;
    let better = results[0]["id"].as_i64().expect("id");
    let unknown = editor
        .post(server.url(&format!("/newsroom/media/{id}")))
        .form(&[("csrf", csrf.as_str()), ("action", "replace"), ("replacement", "999999")])
        .send()
        .await
        .expect("POST");
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let replaced = editor
        .post(server.url(&format!("/newsroom/media/{id}")))
        .form(&[("csrf", csrf.as_str()), ("action", "replace"), ("replacement", &better.to_string())])
        .send()
        .await
        .expect("POST");
    assert_eq!(replaced.status(), StatusCode::SEE_OTHER);
    let story = server.page(&public).await;
    assert!(
        story.contains(&format!("href=\"/{edition}/media/{better}\"")),
        "the article shows the replacement"
    );
    assert_eq!(get(&editor, &server, &format!("/newsroom/media/{id}")).await.status(), StatusCode::NOT_FOUND);
}

async fn bad_files(backend: Backend, s3: bool) {
    let Some((server, storage)) = Storage::server(backend, s3, "bad_files_leave_nothing_in_s3").await else {
        return;
    };
    let editor = staff(&server, "photo@example.com", "editor", &[]).await;
    let page = get(&editor, &server, "/newsroom/media").await.text().await.expect("bank");
    let csrf = csrf_of(&page);
    let files_before = storage.files(&server).await;

    let jpeg = credited_jpeg();
    let mut png_bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png_bomb.extend_from_slice(&200_000u32.to_be_bytes());
    png_bomb.extend_from_slice(&200_000u32.to_be_bytes());
    png_bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let mut cases: Vec<(String, Vec<u8>, &str)> = vec![
        ("empty.jpg".into(), Vec::new(), "empty"),
        ("cut-off.jpg".into(), jpeg[..jpeg.len() / 2].to_vec(), "cut off or damaged"),
        ("bomb.png".into(), png_bomb, "could not be read"),
        ("polyglot.gif".into(), b"GIF89a/*\x00\x00*/=alert(document.domain)//".to_vec(), "could not be read"),
        ("photo.jpg".into(), b"%PDF-1.7\n1 0 obj<<>>endobj".to_vec(), "PDF files are not accepted"),
    ];
    match testdata() {
        Some(dir) => {
            for entry in
                std::fs::read_dir(dir.join("security/uploads")).expect("uploads").filter_map(Result::ok)
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                cases.push((name, std::fs::read(entry.path()).expect("read"), "are not accepted"));
            }
        }
        None => {
            eprintln!("SKIPPED the shared malicious uploads: ../shared/testdata is absent in this checkout")
        }
    }
    for (name, bytes, message) in &cases {
        let (status, results) = upload(&server, &editor, &csrf, name, bytes.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {results}");
        let error = results[0]["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{name}: {error}");
    }
    // The bomb's size is named when its header is whole.
    let (status, results) = upload(&server, &editor, &csrf, "huge.png", oversized_png()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(results[0]["error"].as_str().unwrap_or_default().contains("megapixels"), "{results}");

    // Without JavaScript: the page answers with the messages.
    let form = Form::new()
        .text("csrf", csrf.clone())
        .part("files", Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("x.svg"));
    let page = editor.post(server.url("/newsroom/media")).multipart(form).send().await.expect("upload");
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&page.text().await.expect("body")).contains("SVG files are not accepted"));

    // A forged form (no token) is refused before any file is read.
    let form = Form::new().part("files", Part::bytes(jpeg.clone()).file_name("a.jpg"));
    let forged = editor.post(server.url("/newsroom/media")).multipart(form).send().await.expect("upload");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // An upload cut off mid-way stores nothing.
    let boundary = "dateline-test-boundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    );
    let mut body = head.into_bytes();
    let (cookie, raw_csrf) = raw_login(&server, "photo@example.com", "staff passphrase").await;
    body = String::from_utf8(body).expect("ascii").replace(&csrf, &raw_csrf).into_bytes();
    body.extend_from_slice(&jpeg[..jpeg.len() / 3]);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let request = format!(
        "POST /newsroom/media HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n\
         Content-Length: {}\r\nCookie: {cookie}\r\nSec-Fetch-Site: same-origin\r\n\r\n",
        body.len() + jpeg.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    stream.write_all(&body).await.expect("write");
    drop(stream); // the connection drops mid-upload

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(storage.files(&server).await, files_before, "nothing was stored");
    let bank = get(&editor, &server, "/newsroom/media").await.text().await.expect("bank");
    assert!(!bank.contains("a.jpg"), "no record was made");
    assert!(server.get("/healthz").await.status().is_success(), "the server is fine");
}

/// A whole, valid PNG claiming 200000 × 200000 pixels.
fn oversized_png() -> Vec<u8> {
    let crc = |bytes: &[u8]| {
        let mut crc = 0xffff_ffffu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&u32::try_from(data.len()).expect("short").to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc(&body).to_be_bytes());
    };
    let mut header = 200_000u32.to_be_bytes().to_vec();
    header.extend_from_slice(&200_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", b"\x78\x9c\x63\x00\x00\x00\x01\x00\x01");
    chunk(b"IEND", b"");
    png
}

/// Logs in without a cookie store and returns the `Cookie` header value
/// (session and form token) for hand-made requests, and the form token.
async fn raw_login(server: &TestServer, email: &str, password: &str) -> (String, String) {
    let client = server.client.clone();
    let cookies_of = |response: &reqwest::Response| -> Vec<String> {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next().map(str::to_owned))
            .collect()
    };
    let form_page = client.get(server.url("/en/login")).send().await.expect("login page");
    let csrf_cookie =
        cookies_of(&form_page).into_iter().find(|c| c.starts_with("dateline_csrf=")).expect("csrf");
    let token = csrf_cookie.trim_start_matches("dateline_csrf=").to_owned();
    let login = client
        .post(server.url("/en/login"))
        .header("cookie", &csrf_cookie)
        .form(&[("csrf", token.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::SEE_OTHER, "logged in");
    let cookies = cookies_of(&login).into_iter().filter(|c| !c.ends_with('=')).collect::<Vec<_>>();
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("dateline_csrf=")).map_or(token, str::to_owned);
    let session = cookies.iter().find(|c| c.starts_with("dateline_session=")).expect("session").clone();
    (format!("{session}; dateline_csrf={csrf}"), csrf)
}

/// The media bank through the JSON API: uploads and edits with a staff
/// token, public reads without one.
pub async fn api_uploads_edits_and_reads_photos(backend: Backend) {
    use serde_json::json;
    let server = TestServer::start(backend).await;
    let token = |email: &'static str, role: &'static str| {
        let server = &server;
        async move {
            let (ok, _, err) = crate::accounts::cli(
                server,
                &["user", "add", "--email", email, "--role", role],
                "a passphrase\n",
            )
            .await;
            assert!(ok, "{err}");
            let (ok, token, err) =
                crate::accounts::cli(server, &["token", "create", "--email", email], "").await;
            assert!(ok, "{err}");
            token.trim().to_owned()
        }
    };
    let editor = token("desk@example.com", "editor").await;
    let reader = token("reader@example.com", "reader").await;
    // A refusal can come before the body is read, and the server then
    // closes that connection: uploads use fresh connections, as a client
    // that sees `Connection: close` would.
    let uploader = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client");
    let post = |token: Option<&str>, bytes: Vec<u8>| {
        let mut request = uploader.post(server.url("/api/v1/media?name=ribeira.jpg")).body(bytes);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };

    assert_eq!(post(None, credited_jpeg()).await.expect("POST").status(), StatusCode::UNAUTHORIZED);
    assert_eq!(post(Some(&reader), credited_jpeg()).await.expect("POST").status(), StatusCode::FORBIDDEN);
    let refused = post(Some(&editor), b"<svg><script>alert(1)</script></svg>".to_vec()).await.expect("POST");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.expect("json");
    assert!(body["fields"]["file"].as_str().unwrap_or_default().contains("SVG"), "{body}");
    let huge = post(Some(&editor), vec![0u8; 26 * 1024 * 1024]).await.expect("POST");
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.json::<Value>().await.expect("json")["error"], "too_large");

    let created = post(Some(&editor), credited_jpeg()).await.expect("POST");
    assert_eq!(created.status(), StatusCode::CREATED);
    let photo: Value = created.json().await.expect("json");
    let id = photo["id"].as_i64().expect("id");
    assert_eq!(photo["credit"], "Meridian/Ana Costa");
    assert_eq!(photo["width"], 1400);
    let path = format!("/api/v1/media/{id}");
    assert_eq!(server.get(&path).await.status(), StatusCode::NOT_FOUND, "not public before a story uses it");
    // Neither is its original file: staff only, and never cached.
    let original = photo["renditions"]
        .as_array()
        .expect("renditions")
        .iter()
        .filter_map(|r| r["url"].as_str())
        .find(|url| url.contains("/original."))
        .map(|url| url[url.find("/media/").expect("a /media/ address")..].to_owned())
        .expect("the original among the sizes");
    assert_eq!(server.get(&original).await.status(), StatusCode::NOT_FOUND, "hidden from readers");
    let (ok, _, err) = crate::accounts::cli(
        &server,
        &["user", "add", "--email", "photo-desk@example.com", "--role", "contributor"],
        "a passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let (cookie, _) = raw_login(&server, "photo-desk@example.com", "a passphrase").await;
    let staff_view =
        server.client.get(server.url(&original)).header("cookie", &cookie).send().await.expect("GET");
    assert_eq!(staff_view.status(), StatusCode::OK, "staff see it in the newsroom");
    assert_eq!(staff_view.headers()["cache-control"], "private, no-store");

    let patch = |body: Value| server.client.patch(server.url(&path)).bearer_auth(&editor).json(&body).send();
    let changed = patch(json!({"licence": "Editorial use only.", "keywords": ["Porto", "harbour"]}))
        .await
        .expect("PATCH");
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["licence"], "Editorial use only.");
    assert_eq!(changed["keywords"], json!(["Porto", "harbour"]));
    assert_eq!(changed["caption"], "Fishing boats return to Ribeira harbour at dawn", "absent fields stay");
    assert_eq!(patch(json!({"colour": "red"})).await.expect("PATCH").status(), StatusCode::BAD_REQUEST);
    let long = patch(json!({"credit": "x".repeat(201)})).await.expect("PATCH");
    assert_eq!(long.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A published story uses it: now it is public.
    let story = json!({
        "edition": "en", "section": "business", "headline": "Port traffic recovers",
        "lead": "Filed through the API.", "dateline_place": "PORTO", "body": "Text.",
        "authors": ["marcus-okafor"], "main_media": id,
        "image_caption": "Boats at dawn.", "image_credit": "Meridian/Ana Costa"
    });
    let article: Value = server
        .client
        .post(server.url("/api/v1/articles"))
        .bearer_auth(&editor)
        .json(&story)
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let transitions = format!("/api/v1/articles/{}/transitions", article["id"]);
    let published = server
        .client
        .post(server.url(&transitions))
        .bearer_auth(&editor)
        .json(&json!({"action": "publish"}))
        .send()
        .await
        .expect("publish");
    assert_eq!(published.status(), StatusCode::OK);
    let original_now = server.get(&original).await;
    assert_eq!(original_now.status(), StatusCode::OK, "public once a published story uses it");
    assert_eq!(original_now.headers()["cache-control"], "public, max-age=31536000, immutable");
    // Its record now changes a published story: only those who may edit
    // that story may change it.
    let contributor = token("stringer@example.com", "contributor").await;
    let (ok, _, err) = crate::accounts::cli(
        &server,
        &["user", "add", "--email", "ru-desk@example.com", "--role", "editor", "--edition", "ru"],
        "a passphrase\n",
    )
    .await;
    assert!(ok, "{err}");
    let (ok, ru_editor, err) =
        crate::accounts::cli(&server, &["token", "create", "--email", "ru-desk@example.com"], "").await;
    assert!(ok, "{err}");
    for (who, token) in [("a contributor", contributor.as_str()), ("an editor of ru only", ru_editor.trim())]
    {
        let refused = server
            .client
            .patch(server.url(&path))
            .bearer_auth(token)
            .json(&json!({"credit": "© Someone else"}))
            .send()
            .await
            .expect("PATCH");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{who}");
        assert!(
            refused.json::<Value>().await.expect("json")["message"]
                .as_str()
                .unwrap_or_default()
                .contains("published stories")
        );
    }
    let page = server
        .client
        .get(server.url(&format!("/newsroom/media/{id}")))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("GET");
    let html = page.text().await.expect("body");
    assert!(html.contains("fieldset class=\"media-record\" disabled"), "read-only for a contributor");
    let csrf = crate::accounts::csrf_of(&html);
    let save = server
        .client
        .post(server.url(&format!("/newsroom/media/{id}")))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("action", "save"), ("caption", "Changed"), ("credit", "x")])
        .send()
        .await
        .expect("POST");
    assert_eq!(save.status(), StatusCode::FORBIDDEN, "the form is refused too");
    let public: Value = server.get(&path).await.json().await.expect("json");
    assert_eq!(public["licence"], "Editorial use only.");
    assert!(public["page_url"].as_str().unwrap_or_default().ends_with(&format!("/en/media/{id}")));
    let listed: Value = server.get("/api/v1/media?q=porto&limit=5").await.json().await.expect("json");
    assert_eq!(listed["items"][0]["id"], id, "{listed}");
    assert_eq!(server.get("/api/v1/media?limit=0").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(server.get("/api/v1/media/abc").await.status(), StatusCode::NOT_FOUND);
}

/// A 2400 × 800 panorama, dark on the left half and light on the right.
fn panorama() -> Vec<u8> {
    let img = image::GrayImage::from_fn(2400, 800, |x, _| image::Luma([if x < 1200 { 30 } else { 230 }]));
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).expect("encode");
    png
}

/// Waits for the photo's record page to show a card crop whose file name
/// contains `marker`, and gives that crop's address.
async fn crop_shown(server: &TestServer, editor: &Client, id: i64, marker: &str) -> String {
    let mut record = String::new();
    for _ in 0..300 {
        record = get(editor, server, &format!("/newsroom/media/{id}")).await.text().await.expect("record");
        if let Some(src) = record
            .split("src=\"")
            .filter_map(|r| r.split('"').next())
            .find(|src| src.contains("/crop-") && src.contains(marker))
        {
            return src.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no crop {marker} on the record: {}", visible_text(&record));
}

async fn mean_brightness(server: &TestServer, src: &str) -> f64 {
    let response = server.get(src).await;
    assert_eq!(response.status(), StatusCode::OK, "{src}");
    let bytes = response.bytes().await.expect("crop");
    let crop = image::load_from_memory(&bytes).expect("a crop decodes").to_luma8();
    assert_eq!(crop.width() * 9, crop.height() * 16, "a 16:9 crop");
    crop.pixels().map(|p| f64::from(p.0[0])).sum::<f64>() / f64::from(crop.width() * crop.height())
}

/// The focal point an editor sets decides where card thumbnails are cut,
/// and the cards of the site use those crops.
pub async fn focal_point_drives_card_crops(backend: Backend) {
    use serde_json::json;
    let server = TestServer::start(backend).await;
    let editor = staff(&server, "photo@example.com", "editor", &[]).await;
    let page = get(&editor, &server, "/newsroom/media").await.text().await.expect("bank");
    let csrf = csrf_of(&page);
    let (status, results) = upload(&server, &editor, &csrf, "panorama.png", panorama()).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let id = results[0]["id"].as_i64().expect("an id");

    // By default the crop is centred: half dark, half light.
    let centred = crop_shown(&server, &editor, id, "crop-500-500-320.jpg").await;
    let brightness = mean_brightness(&server, &centred).await;
    assert!((100.0..160.0).contains(&brightness), "a centred crop mixes both halves: {brightness}");

    let save = |focal_x: &'static str, focal_y: &'static str| {
        editor
            .post(server.url(&format!("/newsroom/media/{id}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "save"),
                ("caption", "The harbour wall at noon"),
                ("credit", "Meridian/Ana Costa"),
                ("focal_x", focal_x),
                ("focal_y", focal_y),
            ])
            .send()
    };
    // Outside the photo, or not a number: refused, nothing changed.
    for (x, y) in [("150", "50"), ("-1", "50"), ("left", "50"), ("50", "NaN")] {
        let refused = save(x, y).await.expect("save");
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{x},{y}");
        let text = visible_text(&refused.text().await.expect("page"));
        assert!(text.contains("The focal point must be two numbers from 0 to 100"), "{text}");
    }
    let record = get(&editor, &server, &format!("/newsroom/media/{id}")).await.text().await.expect("record");
    assert!(
        record.contains("name=\"focal_x\" type=\"number\" min=\"0\" max=\"100\" step=\"1\" value=\"50\"")
    );

    // The subject is on the right: the crop moves there, and the old
    // crop's files are removed.
    assert_eq!(save("90", "50").await.expect("save").status(), StatusCode::SEE_OTHER);
    let right = crop_shown(&server, &editor, id, "crop-900-500-320.jpg").await;
    let brightness = mean_brightness(&server, &right).await;
    assert!(brightness > 180.0, "the crop follows the focal point to the light half: {brightness}");
    assert_eq!(server.get(&centred).await.status(), StatusCode::NOT_FOUND, "the old crop is gone");

    // The API shows the point and the crops, and moves the point too.
    let (ok, token, err) =
        crate::accounts::cli(&server, &["token", "create", "--email", "photo@example.com"], "").await;
    assert!(ok, "{err}");
    let token = token.trim();
    let path = format!("/api/v1/media/{id}");
    let patch = |body: Value| server.client.patch(server.url(&path)).bearer_auth(token).json(&body).send();
    let bad = patch(json!({"focal_point": {"x": 1.5, "y": 0.5}})).await.expect("PATCH");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let moved: Value =
        patch(json!({"focal_point": {"x": 0.1, "y": 0.5}})).await.expect("PATCH").json().await.expect("json");
    assert_eq!(moved["focal_point"], json!({"x": 0.1, "y": 0.5}));
    let left = crop_shown(&server, &editor, id, "crop-100-500-320.jpg").await;
    let brightness = mean_brightness(&server, &left).await;
    assert!(brightness < 80.0, "the crop follows the focal point to the dark half: {brightness}");

    // A new story with the photo leads the front page, its card cut
    // around the focal point (WebP first, JPEG as the fallback).
    let story = json!({
        "edition": "en", "section": "business", "headline": "The harbour wall is rebuilt",
        "lead": "Filed through the API.", "dateline_place": "PORTO", "body": "Text.",
        "authors": ["marcus-okafor"], "main_media": id,
        "image_caption": "The harbour wall.", "image_credit": "Meridian/Ana Costa"
    });
    let created = server
        .client
        .post(server.url("/api/v1/articles"))
        .bearer_auth(token)
        .json(&story)
        .send()
        .await
        .expect("POST");
    assert_eq!(created.status(), StatusCode::CREATED);
    let article: Value = created.json().await.expect("json");
    let publish = server
        .client
        .post(server.url(&format!("/api/v1/articles/{}/transitions", article["id"])))
        .bearer_auth(token)
        .json(&json!({"action": "publish"}))
        .send()
        .await
        .expect("publish");
    assert_eq!(publish.status(), StatusCode::OK);
    let mut front = String::new();
    for _ in 0..50 {
        front = server.page("/en/").await;
        if front.contains("The harbour wall is rebuilt") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(front.contains("The harbour wall is rebuilt"), "the story is on the front page");
    assert!(
        front.contains("crop-100-500-320.jpg 320w") && front.contains("crop-100-500-640.jpg 640w"),
        "the card uses the crops: {front}"
    );
    let api: Value =
        server.client.get(server.url(&path)).send().await.expect("GET").json().await.expect("json");
    let crops =
        api["renditions"].as_array().expect("renditions").iter().filter(|r| r["crop"] == true).count();
    assert_eq!(crops, 6, "three widths of crop in two formats: {api}");
}
