//! Load client for the live-newsfeed benchmark (`bench/sse.sh`).
//!
//! `sse_load listen --url http://127.0.0.1:PORT --clients N --events R --out FILE`
//!   opens N Server-Sent Events streams on `/en/newsfeed/events` (spread
//!   over source addresses 127.0.0.1, .2, … so one address's ~28k
//!   ephemeral ports are not a ceiling), prints `connected N` once all are
//!   open, then records, for each of R benchmark stories, the time from the
//!   moment the story was sent (stamped in its headline) to its arrival on
//!   each stream. Writes `story latency` (microseconds) per line to FILE.
//! `sse_load publish --url … --token T --events R --interval-ms 1000`
//!   publishes R stories through the API, each headline stamped with the
//!   wall-clock time just before its create call.
//! `sse_load report FILE…` prints count, p50, p99 and max of the latencies,
//!   and of the fan-out delay: each delivery's lateness behind the first
//!   delivery of the same story (what the number of streams costs, apart
//!   from the publishing request itself).
//!
//! Everything is loopback; every loop ends by itself (R events or a
//! timeout).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const MARKER: &str = "bench-t0=";
/// Connections per source address (of ~28k ephemeral ports each).
const PER_SOURCE: usize = 20_000;

fn now_micros() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros())
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn socket_address(url: &str) -> SocketAddr {
    url.trim_start_matches("http://").trim_end_matches('/').parse().expect("--url http://IP:PORT")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("listen") => listen(&args).await,
        Some("publish") => publish(&args).await,
        Some("report") => report(&args[2..]),
        _ => eprintln!("usage: sse_load listen|publish|report …"),
    }
}

async fn listen(args: &[String]) {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0);
    let address = socket_address(&arg(args, "--url").expect("--url"));
    let clients: usize = arg(args, "--clients").and_then(|v| v.parse().ok()).unwrap_or(1000);
    let events: usize = arg(args, "--events").and_then(|v| v.parse().ok()).unwrap_or(10);
    let out = arg(args, "--out").expect("--out FILE");
    let first_source: u8 = arg(args, "--first-source").and_then(|v| v.parse().ok()).unwrap_or(1);
    eprintln!("open-file limit {limit}; opening {clients} streams");
    let connected = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(500));
    let mut tasks = Vec::with_capacity(clients);
    for i in 0..clients {
        let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, first_source + (i / PER_SOURCE) as u8));
        let connected = Arc::clone(&connected);
        let failed = Arc::clone(&failed);
        let gate = Arc::clone(&gate);
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.expect("gate");
            let mut stream = match open(source, address).await {
                Ok(stream) => stream,
                Err(error) => {
                    if failed.fetch_add(1, Ordering::Relaxed) < 5 {
                        eprintln!("stream {i}: {error}");
                    }
                    return (Vec::new(), None);
                }
            };
            drop(permit);
            connected.fetch_add(1, Ordering::Relaxed);
            let latencies = read_events(&mut stream, events).await;
            // The stream stays open until every stream has its events: a
            // reader leaving mid-way would load the server while it still
            // delivers to the others.
            (latencies, Some(stream))
        }));
    }
    let started = std::time::Instant::now();
    while connected.load(Ordering::Relaxed) + failed.load(Ordering::Relaxed) < clients
        && started.elapsed() < Duration::from_secs(300)
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "connected {} failed {} in {:.1} s",
        connected.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    let mut latencies = Vec::new();
    let mut streams = Vec::with_capacity(clients);
    for task in tasks {
        let (got, stream) = task.await.unwrap_or_default();
        latencies.extend(got);
        streams.extend(stream);
    }
    drop(streams);
    let text: String = latencies.iter().map(|(story, latency)| format!("{story} {latency}\n")).collect();
    std::fs::write(&out, text).expect("write results");
    println!("done {}", latencies.len());
}

async fn open(source: IpAddr, address: SocketAddr) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    let mut stream = socket.connect(address).await?;
    stream
        .write_all(b"GET /en/newsfeed/events HTTP/1.1\r\nhost: bench\r\naccept: text/event-stream\r\n\r\n")
        .await?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).await?;
    if &head != b"HTTP/1.1 200" {
        return Err(std::io::Error::other(String::from_utf8_lossy(&head).into_owned()));
    }
    Ok(stream)
}

/// Reads until `events` stamped stories arrived (or 120 s of silence);
/// returns their latencies in microseconds.
async fn read_events(stream: &mut tokio::net::TcpStream, events: usize) -> Vec<(u64, u64)> {
    let mut latencies = Vec::with_capacity(events);
    let mut buffer = vec![0u8; 2048];
    let mut carry = String::new();
    while latencies.len() < events {
        let read = match tokio::time::timeout(Duration::from_secs(120), stream.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => break,
        };
        let arrived = now_micros();
        carry.push_str(&String::from_utf8_lossy(&buffer[..read]));
        // Each stamped headline is counted once: at its "published" event.
        while let Some(at) = carry.find("event: published") {
            let rest = &carry[at..];
            let Some(end) = rest.find("\n\n") else { break };
            if let Some(stamp) = rest[..end].split(MARKER).nth(1) {
                let digits: String = stamp.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(sent) = digits.parse::<u64>() {
                    latencies.push((sent, (arrived as u64).saturating_sub(sent)));
                }
            }
            carry = rest[end + 2..].to_owned();
        }
        if carry.len() > 8192 {
            carry.drain(..carry.len() - 1024);
        }
    }
    latencies
}

async fn publish(args: &[String]) {
    let url = arg(args, "--url").expect("--url");
    let token = arg(args, "--token").expect("--token");
    let events: usize = arg(args, "--events").and_then(|v| v.parse().ok()).unwrap_or(10);
    let interval: u64 = arg(args, "--interval-ms").and_then(|v| v.parse().ok()).unwrap_or(1000);
    let client = reqwest::Client::new();
    for n in 0..events {
        let sent = now_micros();
        let story = serde_json::json!({
            "edition": "en", "section": "world", "headline": format!("Benchmark story {n} {MARKER}{sent}"),
            "lead": "A benchmark story.", "dateline_place": "LOOPBACK", "body": "Text.",
            "authors": ["marcus-okafor"]
        });
        let created: serde_json::Value = client
            .post(format!("{url}/api/v1/articles"))
            .bearer_auth(&token)
            .json(&story)
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json");
        let id = created["id"].as_i64().unwrap_or_else(|| panic!("no id in {created}"));
        let published = client
            .post(format!("{url}/api/v1/articles/{id}/transitions"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"action": "publish"}))
            .send()
            .await
            .expect("publish");
        assert!(published.status().is_success(), "publish answered {}", published.status());
        eprintln!("published {n}: the API calls took {} µs", now_micros() - sent);
        tokio::time::sleep(Duration::from_millis(interval)).await;
    }
}

fn report(files: &[String]) {
    let mut deliveries: Vec<(u64, u64)> = Vec::new();
    for file in files {
        for line in std::fs::read_to_string(file).unwrap_or_default().lines() {
            let mut parts = line.split(' ');
            if let (Some(Ok(story)), Some(Ok(latency))) =
                (parts.next().map(str::parse::<u64>), parts.next().map(str::parse::<u64>))
            {
                deliveries.push((story, latency));
            }
        }
    }
    if deliveries.is_empty() {
        println!("no deliveries recorded");
        return;
    }
    let mut first = std::collections::HashMap::<u64, u64>::new();
    for (story, latency) in &deliveries {
        let entry = first.entry(*story).or_insert(*latency);
        *entry = (*entry).min(*latency);
    }
    let mut latencies: Vec<u64> = deliveries.iter().map(|(_, l)| *l).collect();
    let mut fan_out: Vec<u64> = deliveries.iter().map(|(s, l)| l - first[s]).collect();
    let mut firsts: Vec<u64> = first.values().copied().collect();
    for (name, values) in [
        ("publish → delivery", &mut latencies),
        ("fan-out delay", &mut fan_out),
        ("first delivery", &mut firsts),
    ] {
        values.sort_unstable();
        let at = |q: f64| values[((values.len() as f64 * q).ceil() as usize).clamp(1, values.len()) - 1];
        println!(
            "{name}: n {}  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            values.len(),
            at(0.50) as f64 / 1000.0,
            at(0.99) as f64 / 1000.0,
            values[values.len() - 1] as f64 / 1000.0
        );
    }
}
