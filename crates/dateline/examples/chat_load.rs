//! Load client for the chat benchmark (`bench/chat.sh`).
//!
//! `chat_load setup --url http://IP:PORT --email E --password P --rooms N`
//!   logs in as an editor and opens rooms `bench-1` … `bench-N` (plus
//!   `bench-big`) in the English edition through the newsroom's form.
//! `chat_load login --url … --email E --password P`
//!   prints the session cookie (`dateline_session=…`) of an account.
//! `chat_load run --url … --cookie C --rooms N|big --clients K --senders S
//!   --rate M --seconds T --out FILE --go FILE [--first-source A]`
//!   opens K WebSockets spread evenly over the rooms (from source
//!   addresses 127.0.0.A, A+1, … so one address's ephemeral ports are not a
//!   ceiling), prints `connected K`, waits for the `--go` file to appear
//!   (the script reads the server's memory meanwhile), then lets S of the sockets
//!   (spread over the rooms) send M messages a second in all for T
//!   seconds, each stamped with the wall-clock time it was sent. Every
//!   socket notes, for every message it receives, the time since its stamp;
//!   the latencies (microseconds) go to FILE, one per line, and a summary
//!   (sent, acknowledged, refused, deliveries expected and received) to
//!   stdout.
//! `chat_load report FILE…` prints count, p50, p99 and max.
//!
//! Everything is loopback; every loop ends by itself.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const MARKER: &str = "bench-t0=";
/// Connections per source address (of ~28k ephemeral ports each).
const PER_SOURCE: usize = 20_000;

fn now_micros() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64)
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn number(args: &[String], name: &str, default: u64) -> u64 {
    arg(args, name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("setup") => setup(&args).await,
        Some("login") => println!("{}", login(&args).await.1),
        Some("run") => run(&args).await,
        Some("report") => report(&args[2..]),
        _ => eprintln!("usage: chat_load setup|login|run|report …"),
    }
}

/// Logs in; the client (with its cookies) and the session cookie.
async fn login(args: &[String]) -> (reqwest::Client, String) {
    let url = arg(args, "--url").expect("--url");
    let email = arg(args, "--email").expect("--email");
    let password = arg(args, "--password").expect("--password");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page =
        client.get(format!("{url}/en/login")).send().await.expect("login page").text().await.expect("body");
    let csrf = csrf_of(&page);
    let answer = client
        .post(format!("{url}/en/login"))
        .form(&[("csrf", csrf.as_str()), ("email", &email), ("password", &password)])
        .send()
        .await
        .expect("log in");
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("dateline_session="))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("{email} could not log in ({})", answer.status()))
        .to_owned();
    (client, cookie)
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form token")
        .to_owned()
}

async fn setup(args: &[String]) {
    let url = arg(args, "--url").expect("--url");
    let rooms = number(args, "--rooms", 100);
    let (client, _) = login(args).await;
    let page =
        client.get(format!("{url}/newsroom/chats")).send().await.expect("page").text().await.expect("body");
    let csrf = csrf_of(&page);
    let edition = page
        .split("<option value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an edition")
        .to_owned();
    let names = (1..=rooms).map(|n| format!("bench-{n}")).chain(std::iter::once("bench-big".to_owned()));
    for name in names {
        let answer = client
            .post(format!("{url}/newsroom/chats"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("what", "create"),
                ("edition", edition.as_str()),
                ("title", name.as_str()),
                ("slug", name.as_str()),
                ("retention_days", "1"),
            ])
            .send()
            .await
            .expect("open a room");
        assert_eq!(answer.status(), 303, "room {name}: {}", answer.text().await.unwrap_or_default());
    }
    println!("opened {} rooms", rooms + 1);
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn open(source: IpAddr, server: SocketAddr, url: &str, cookie: &str) -> Result<Socket, String> {
    let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.bind(SocketAddr::new(source, 0)).map_err(|e| e.to_string())?;
    let stream = socket.connect(server).await.map_err(|e| e.to_string())?;
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    request.headers_mut().insert("cookie", cookie.parse().map_err(|_| "bad cookie".to_owned())?);
    let (socket, _) = tokio_tungstenite::client_async(request, stream).await.map_err(|e| e.to_string())?;
    Ok(socket)
}

#[derive(Default)]
struct Counts {
    sent: AtomicU64,
    acked: AtomicU64,
    refused: AtomicU64,
    received: AtomicU64,
}

async fn run(args: &[String]) {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0);
    let url = arg(args, "--url").expect("--url");
    let server: SocketAddr =
        url.trim_start_matches("http://").trim_end_matches('/').parse().expect("--url http://IP:PORT");
    let cookie = arg(args, "--cookie").expect("--cookie");
    let rooms_arg = arg(args, "--rooms").unwrap_or_else(|| "100".into());
    let rooms: Vec<String> = if rooms_arg == "big" {
        vec!["bench-big".into()]
    } else {
        (1..=rooms_arg.parse::<usize>().expect("--rooms N|big")).map(|n| format!("bench-{n}")).collect()
    };
    let clients = number(args, "--clients", 1000) as usize;
    let senders = (number(args, "--senders", 100) as usize).min(clients);
    let rate = number(args, "--rate", 100);
    let seconds = number(args, "--seconds", 10);
    let out = arg(args, "--out").expect("--out FILE");
    let first_source = number(args, "--first-source", 1) as u8;
    let ws_base = url.replacen("http://", "ws://", 1);
    eprintln!("open-file limit {limit}; opening {clients} sockets over {} rooms", rooms.len());

    let connected = Arc::new(AtomicUsize::new(0));
    let counts = Arc::new(Counts::default());
    let start = Arc::new(tokio::sync::Notify::new());
    let started = Arc::new(tokio::sync::Semaphore::new(0));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let gate = Arc::new(tokio::sync::Semaphore::new(200));
    let interval = Duration::from_micros((1_000_000 * senders as u64 / rate.max(1)).max(1));
    let mut tasks = Vec::with_capacity(clients);
    for i in 0..clients {
        let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, first_source + (i / PER_SOURCE) as u8));
        let room = rooms[i % rooms.len()].clone();
        let url = format!("{ws_base}/en/chats/{room}/socket");
        let cookie = cookie.clone();
        let (connected, counts, start, started, gate) = (
            Arc::clone(&connected),
            Arc::clone(&counts),
            Arc::clone(&start),
            Arc::clone(&started),
            Arc::clone(&gate),
        );
        let mut stopped = stopped.clone();
        let sender = i < senders;
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.expect("gate");
            let socket = match open(source, server, &url, &cookie).await {
                Ok(socket) => socket,
                Err(error) => {
                    eprintln!("socket {i}: {error}");
                    return Vec::new();
                }
            };
            drop(permit);
            connected.fetch_add(1, Ordering::Relaxed);
            let (mut write, mut read) = socket.split();
            let mut latencies = Vec::new();
            let reading = async {
                loop {
                    let message = tokio::select! {
                        message = read.next() => message,
                        _ = stopped.changed() => break,
                    };
                    let Some(Ok(message)) = message else { break };
                    let Message::Text(text) = message else { continue };
                    let text = text.as_str();
                    if text.contains("\"type\":\"ack\"") {
                        counts.acked.fetch_add(1, Ordering::Relaxed);
                    } else if text.contains("\"type\":\"error\"") {
                        if counts.refused.fetch_add(1, Ordering::Relaxed) < 3 {
                            eprintln!("refused: {text}");
                        }
                    } else if text.contains("\"type\":\"message\"")
                        && let Some(stamp) = text.split(MARKER).nth(1)
                    {
                        let digits: String = stamp.chars().take_while(char::is_ascii_digit).collect();
                        if let Ok(t0) = digits.parse::<u64>() {
                            latencies.push(now_micros().saturating_sub(t0));
                            counts.received.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                latencies
            };
            let writing = async {
                if !sender {
                    return std::future::pending::<()>().await;
                }
                start.notified().await;
                started.add_permits(1);
                // Spread the senders' ticks over the interval.
                tokio::time::sleep(interval.mul_f64((i as f64 * 0.618_034) % 1.0)).await;
                let mut tick = tokio::time::interval(interval);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                let until = Instant::now() + Duration::from_secs(seconds);
                let mut n = 0u64;
                while Instant::now() < until {
                    tick.tick().await;
                    n += 1;
                    let frame = format!(
                        r#"{{"type":"send","text":"load {i}-{n} {MARKER}{}","nonce":{n}}}"#,
                        now_micros()
                    );
                    counts.sent.fetch_add(1, Ordering::Relaxed);
                    if write.send(Message::text(frame)).await.is_err() {
                        break;
                    }
                }
                std::future::pending::<()>().await
            };
            tokio::select! {
                latencies = reading => latencies,
                () = writing => Vec::new(),
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(600);
    while connected.load(Ordering::Relaxed) < clients && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if tasks.iter().filter(|t| t.is_finished()).count() + connected.load(Ordering::Relaxed) >= clients {
            break;
        }
    }
    println!("connected {}", connected.load(Ordering::Relaxed));
    // The script reads the server's memory, then says go (the file appears).
    let go = arg(args, "--go").expect("--go FILE");
    while !std::path::Path::new(&go).exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    start.notify_waiters();
    tokio::time::sleep(Duration::from_secs(seconds + 5)).await;
    let _ = stop.send(true);
    let mut all = Vec::new();
    for task in tasks {
        if let Ok(Ok(latencies)) = tokio::time::timeout(Duration::from_secs(10), task).await {
            all.extend(latencies);
        }
    }
    let text: String = all.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&out, text).expect("write latencies");
    let per_room = clients.div_ceil(rooms.len());
    println!(
        "sent {} acked {} refused {} deliveries {} (about {} expected: acked × {per_room} sockets per room)",
        counts.sent.load(Ordering::Relaxed),
        counts.acked.load(Ordering::Relaxed),
        counts.refused.load(Ordering::Relaxed),
        counts.received.load(Ordering::Relaxed),
        counts.acked.load(Ordering::Relaxed) * per_room as u64,
    );
    println!("done");
}

fn report(files: &[String]) {
    let mut all: Vec<u64> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        all.extend(text.lines().filter_map(|l| l.trim().parse::<u64>().ok()));
    }
    if all.is_empty() {
        println!("no deliveries recorded");
        return;
    }
    all.sort_unstable();
    let at = |q: f64| all[((all.len() as f64 - 1.0) * q).round() as usize] as f64 / 1000.0;
    println!(
        "deliveries {}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        at(0.5),
        at(0.99),
        *all.last().unwrap_or(&0) as f64 / 1000.0
    );
}
