//! A connection whose first request asks for a live stream
//! (`GET /{edition}/newsfeed/events`), served without hyper.
//!
//! A Server-Sent Events stream is one request that never ends: after its
//! head, the server only writes events. Served by hyper, each stream keeps
//! a whole HTTP/1.1 connection's machinery for hours — a read buffer that
//! grows to 16 KiB, an 8 KiB buffer for response heads, a dispatcher —
//! and every event passes through it. Tens of thousands of readers keep a
//! page open, so that is most of what a node's memory and fan-out cost.
//!
//! Here the request head is read into a buffer freed once parsed, goes
//! through the same router as every other request (routing, filters,
//! `Last-Event-ID`, errors, security headers, metrics: nothing is decided
//! here), and the response is written straight to the socket: the head,
//! then each event's shared bytes as one chunk in one `writev`. What a
//! stream keeps is the socket and the router's response body. The
//! connection closes when the response ends (`Connection: close`), so the
//! next request of that client opens a connection hyper serves.
//!
//! Only a connection's *first* request comes here (`listener` looks at its
//! first bytes); a stream asked for on a kept-alive connection is served by
//! hyper, with the same result at a higher cost.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, Version, header};
use axum::response::Response;
use http_body_util::BodyExt as _;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;
use tower::ServiceExt as _;

/// The largest request head read; hyper's default allows more, but a
/// stream's request carries a few headers and perhaps cookies.
const MAX_HEAD: usize = 64 * 1024;
/// Headers a request may have (as hyper's default).
const MAX_HEADERS: usize = 100;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a connection's first bytes ask for a live stream: `GET
/// /{segment}/newsfeed/events` then a query or the end of the target. The
/// router decides the rest (an unknown edition still gets its 404).
pub fn asks_for_live_stream(first_bytes: &[u8]) -> bool {
    let Some(rest) = first_bytes.strip_prefix(b"GET /") else { return false };
    let Some(end) = rest.iter().position(|&b| b == b'/') else { return false };
    let segment = &rest[..end];
    let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'%');
    if segment.is_empty() || segment.len() > 32 || !segment.iter().all(plain) {
        return false;
    }
    rest[end..]
        .strip_prefix(b"/newsfeed/events")
        .is_some_and(|tail| matches!(tail.first(), Some(b' ' | b'?')))
}

/// Serves the connection's one request and closes it. `write_timeout`
/// bounds how long a write may wait for the client to take bytes.
pub async fn serve(mut stream: TcpStream, peer: SocketAddr, router: axum::Router, write_timeout: Duration) {
    let request = match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(Some(request))) => request,
        Ok(Ok(None)) | Ok(Err(_)) => return,
        Err(_) => {
            let _ = write_plain(&mut stream, StatusCode::REQUEST_TIMEOUT, "the request head took too long\n")
                .await;
            return;
        }
    };
    let mut request = match request {
        Ok(request) => request,
        Err((status, message)) => {
            let _ = write_plain(&mut stream, status, message).await;
            return;
        }
    };
    request.extensions_mut().insert(ConnectInfo(peer));
    let http10 = request.version() == Version::HTTP_10;
    let Ok(response) = router.oneshot(request).await;
    if let Err(error) = write_response(&mut stream, response, http10, write_timeout).await {
        tracing::debug!(%error, "a live stream's connection ended");
    }
}

/// A request head refused before it reaches the router: the status and
/// the message the client reads.
type Refusal = (StatusCode, &'static str);

/// A parsed request head, or why it was refused.
type Head = Result<Request<Body>, Refusal>;

/// Reads and parses the request head; `None` when the client left first.
async fn read_head(stream: &mut TcpStream) -> io::Result<Option<Head>> {
    let mut buffer: Vec<u8> = Vec::with_capacity(1024);
    loop {
        if buffer.len() == buffer.capacity() {
            if buffer.len() >= MAX_HEAD {
                return Ok(Some(Err((
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request head is too large\n",
                ))));
            }
            buffer.reserve(buffer.len().min(MAX_HEAD - buffer.len()));
        }
        stream.readable().await?;
        match stream.try_read_buf(&mut buffer) {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            Err(error) => return Err(error),
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buffer) {
            Ok(httparse::Status::Partial) => continue,
            Ok(httparse::Status::Complete(_)) => return Ok(Some(to_request(&parsed))),
            Err(httparse::Error::TooManyHeaders) => {
                return Ok(Some(Err((
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request has too many headers\n",
                ))));
            }
            Err(_) => {
                return Ok(Some(Err((StatusCode::BAD_REQUEST, "the request head is malformed\n"))));
            }
        }
    }
}

fn to_request(parsed: &httparse::Request<'_, '_>) -> Head {
    let refused = Err((StatusCode::BAD_REQUEST, "the request head is malformed\n"));
    let version = match parsed.version {
        Some(0) => Version::HTTP_10,
        Some(1) => Version::HTTP_11,
        _ => return refused,
    };
    let mut builder = Request::builder()
        .method(parsed.method.unwrap_or("GET"))
        .uri(parsed.path.unwrap_or("/"))
        .version(version);
    for found in parsed.headers.iter() {
        let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(found.name.as_bytes()), HeaderValue::from_bytes(found.value))
        else {
            return refused;
        };
        builder = builder.header(name, value);
    }
    match builder.body(Body::empty()) {
        Ok(request) => Ok(request),
        Err(_) => refused,
    }
}

/// Writes a short plain-text answer and nothing more.
async fn write_plain(stream: &mut TcpStream, status: StatusCode, message: &str) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{message}",
        message.len()
    );
    stream.write_all(head.as_bytes()).await
}

/// Writes the router's response: with `Content-Length` when the body's
/// size is known (error pages), chunked otherwise (the stream), or until
/// the connection closes for an HTTP/1.0 client.
async fn write_response(
    stream: &mut TcpStream,
    response: Response,
    http10: bool,
    write_timeout: Duration,
) -> io::Result<()> {
    let (parts, mut body) = response.into_parts();
    let length = axum::body::HttpBody::size_hint(&body).exact();
    let chunked = length.is_none() && !http10;
    let mut head = Vec::with_capacity(512);
    let reason = parts.status.canonical_reason().unwrap_or("");
    head.extend_from_slice(format!("HTTP/1.1 {} {reason}\r\n", parts.status.as_u16()).as_bytes());
    for (name, value) in &parts.headers {
        if [header::CONNECTION, header::TRANSFER_ENCODING, header::CONTENT_LENGTH].contains(name) {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    if !parts.headers.contains_key(header::DATE) {
        head.extend_from_slice(
            format!("date: {}\r\n", httpdate::fmt_http_date(SystemTime::now())).as_bytes(),
        );
    }
    match length {
        Some(length) => head.extend_from_slice(format!("content-length: {length}\r\n").as_bytes()),
        None if chunked => head.extend_from_slice(b"transfer-encoding: chunked\r\n"),
        None => {}
    }
    head.extend_from_slice(b"connection: close\r\n\r\n");
    timed(write_timeout, stream.write_all(&head)).await?;
    drop(head);
    loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            left = client_left(stream) => return left,
        };
        let data = match frame {
            None => break,
            Some(Err(error)) => return Err(io::Error::other(error)),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) if !data.is_empty() => data,
                _ => continue,
            },
        };
        if chunked {
            let mut line = [0u8; 18];
            let size = chunk_size_line(data.len(), &mut line);
            timed(write_timeout, write_all_vectored(stream, [size, &data, b"\r\n"])).await?;
        } else {
            timed(write_timeout, stream.write_all(&data)).await?;
        }
    }
    if chunked {
        timed(write_timeout, stream.write_all(b"0\r\n\r\n")).await?;
    }
    stream.shutdown().await
}

/// Resolves when the client closed its side (or broke the connection); a
/// client that sends more bytes (it should not) has them read and dropped,
/// up to a limit.
async fn client_left(stream: &TcpStream) -> io::Result<()> {
    let mut ignored = 0usize;
    let mut scratch = [0u8; 256];
    loop {
        stream.readable().await?;
        match stream.try_read(&mut scratch) {
            Ok(0) => return Ok(()),
            Ok(read) => {
                ignored += read;
                if ignored > MAX_HEAD {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "the client keeps sending"));
                }
            }
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(error) => return Err(error),
        }
    }
}

/// Fails a write that makes no progress for `limit` (a client that stopped
/// reading). The timer is only armed when the write has to wait.
async fn timed<F: Future<Output = io::Result<()>>>(limit: Duration, write: F) -> io::Result<()> {
    match tokio::time::timeout(limit, write).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")),
    }
}

/// A chunk's size line (`1a2\r\n`), written into `line`.
fn chunk_size_line(length: usize, line: &mut [u8; 18]) -> &[u8] {
    let digits = (usize::BITS - length.leading_zeros()).div_ceil(4).max(1) as usize;
    for (i, slot) in line[..digits].iter_mut().enumerate() {
        let nibble = (length >> (4 * (digits - 1 - i))) & 0xf;
        *slot = b"0123456789abcdef"[nibble];
    }
    line[digits..digits + 2].copy_from_slice(b"\r\n");
    &line[..digits + 2]
}

/// Writes every slice, in one system call when the socket takes them all.
async fn write_all_vectored(stream: &mut TcpStream, parts: [&[u8]; 3]) -> io::Result<()> {
    let total: usize = parts.iter().map(|part| part.len()).sum();
    let slices = parts.map(IoSlice::new);
    let written = stream.write_vectored(&slices).await?;
    if written == total {
        return Ok(());
    }
    // The socket took part of it: write the rest in order.
    let rest: Vec<u8> = parts.concat().split_off(written);
    stream.write_all(&rest).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_are_hexadecimal() {
        let mut line = [0u8; 18];
        for length in [0usize, 1, 15, 16, 255, 4096, 123_456, usize::MAX] {
            assert_eq!(chunk_size_line(length, &mut line), format!("{length:x}\r\n").as_bytes());
        }
    }

    #[test]
    fn only_a_live_stream_request_is_taken() {
        for yes in [
            &b"GET /en/newsfeed/events HTTP/1.1\r\n"[..],
            b"GET /pt-br/newsfeed/events?section=world HTTP/1.1\r\n",
            b"GET /xx/newsfeed/events?breaking=1",
        ] {
            assert!(asks_for_live_stream(yes), "{}", String::from_utf8_lossy(yes));
        }
        for no in [
            &b"GET /en/newsfeed HTTP/1.1\r\n"[..],
            b"GET /en/newsfeed/events/more HTTP/1.1\r\n",
            b"GET /en/newsfeed/eventsx HTTP/1.1\r\n",
            b"POST /en/newsfeed/events HTTP/1.1\r\n",
            b"HEAD /en/newsfeed/events HTTP/1.1\r\n",
            b"GET //newsfeed/events HTTP/1.1\r\n",
            b"GET /a/b/newsfeed/events HTTP/1.1\r\n",
            b"GET /en/newsfeed/events",
            b"GET /en/news",
            b"",
            b"\x16\x03\x01\x02\x00",
        ] {
            assert!(!asks_for_live_stream(no), "{}", String::from_utf8_lossy(no));
        }
    }
}
