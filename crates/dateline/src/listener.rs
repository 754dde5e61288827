//! The server's listener: TCP, with a write timeout on every connection,
//! and live streams taken aside.
//!
//! Each new connection's first bytes are looked at (without reading
//! them): a connection that opens with a live-stream request is served by
//! [`crate::live_connection`], which costs a fraction of a hyper
//! connection; every other goes to `axum::serve`. A connection that sends
//! nothing for a minute is closed.
//!
//! A client that stops reading (a phone that lost its network, a stalled
//! proxy) would otherwise keep its connection, and a live stream's state,
//! forever: writes to it just wait. Here a write that makes no progress
//! for [`WRITE_TIMEOUT`] fails, and hyper closes the connection. The timer
//! exists only while a write waits, so idle connections cost nothing more.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Sleep;

/// How long a write may wait for the client to take bytes.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections the kernel queues for accepting (capped by
/// `net.core.somaxconn`). After a deploy or a network blip, every open page
/// reconnects its live stream at once; with a short queue the kernel drops
/// their handshakes and each client waits a second or more to retry.
const BACKLOG: u32 = 4096;

/// Binds the server's socket with a long accept queue ([`BACKLOG`]).
pub fn bind(address: SocketAddr) -> io::Result<TcpListener> {
    let socket =
        if address.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    // As std's and tokio's own bind do on Unix: a restarted server can
    // listen again while old connections linger in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(BACKLOG)
}

/// How long a new connection may stay silent before it is closed.
const FIRST_BYTES_TIMEOUT: Duration = Duration::from_secs(60);

/// The listener `axum::serve` takes connections from. A task accepts
/// them, looks at each one's first bytes, serves those that ask for a live
/// stream itself ([`crate::live_connection`]) and hands the others on.
#[derive(Debug)]
pub struct SiteListener {
    connections: mpsc::Receiver<(WriteTimeout<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl SiteListener {
    /// Starts accepting on `inner`; `router` serves the live streams.
    pub fn new(inner: TcpListener, router: axum::Router, timeout: Duration) -> io::Result<Self> {
        let local = inner.local_addr()?;
        let (sender, connections) = mpsc::channel(1024);
        tokio::spawn(accept(inner, router, timeout, sender));
        Ok(Self { connections, local })
    }
}

/// Accepts until the server stops taking connections (it drops the
/// receiver).
async fn accept(
    mut inner: TcpListener,
    router: axum::Router,
    timeout: Duration,
    sender: mpsc::Sender<(WriteTimeout<TcpStream>, SocketAddr)>,
) {
    loop {
        // TcpListener's own accept logs and retries errors (such as running
        // out of file descriptors) with a pause.
        let (stream, address) = tokio::select! {
            accepted = axum::serve::Listener::accept(&mut inner) => accepted,
            () = sender.closed() => return,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let sender = sender.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let mut first = [0u8; 64];
            match tokio::time::timeout(FIRST_BYTES_TIMEOUT, stream.peek(&mut first)).await {
                Ok(Ok(read)) if read > 0 => {
                    if crate::live_connection::asks_for_live_stream(&first[..read]) {
                        crate::live_connection::serve(stream, address, router, timeout).await;
                    } else {
                        let io = WriteTimeout { inner: stream, timeout, waiting: None };
                        let _ = sender.send((io, address)).await;
                    }
                }
                // Closed, broken or silent: nothing to serve.
                _ => {}
            }
        });
    }
}

impl axum::serve::Listener for SiteListener {
    type Io = WriteTimeout<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The accepting task ended: no more connections.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// An IO whose writes fail after waiting `timeout` without progress.
#[derive(Debug)]
pub struct WriteTimeout<T> {
    inner: T,
    timeout: Duration,
    /// Armed while a write is pending.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<T> WriteTimeout<T> {
    #[cfg(test)]
    fn new(inner: T, timeout: Duration) -> Self {
        Self { inner, timeout, waiting: None }
    }

    /// Turns a pending write into an error once the timer runs out.
    fn check<R>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<R>>) -> Poll<io::Result<R>> {
        if poll.is_ready() {
            self.waiting = None;
            return poll;
        }
        let timeout = self.timeout;
        let timer = self.waiting.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if timer.as_mut().poll(cx).is_ready() {
            self.waiting = None;
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")));
        }
        Poll::Pending
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteTimeout<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.check(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.check(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.check(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Makes the per-connection service: the router, with each request
/// carrying the peer's address as `ConnectInfo<SocketAddr>` (what
/// `into_make_service_with_connect_info` does for a plain `TcpListener`).
#[derive(Debug, Clone)]
pub struct WithPeerAddress(pub axum::Router);

impl<'a> tower::Service<axum::serve::IncomingStream<'a, SiteListener>> for WithPeerAddress {
    type Response = PeerRouter;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<PeerRouter, std::convert::Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, incoming: axum::serve::IncomingStream<'a, SiteListener>) -> Self::Future {
        std::future::ready(Ok(PeerRouter { router: self.0.clone(), address: *incoming.remote_addr() }))
    }
}

/// One connection's service.
#[derive(Debug, Clone)]
pub struct PeerRouter {
    router: axum::Router,
    address: SocketAddr,
}

impl tower::Service<axum::extract::Request> for PeerRouter {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = <axum::Router as tower::Service<axum::extract::Request>>::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        tower::Service::<axum::extract::Request>::poll_ready(&mut self.router, cx)
    }

    fn call(&mut self, mut request: axum::extract::Request) -> Self::Future {
        request.extensions_mut().insert(axum::extract::ConnectInfo(self.address));
        self.router.call(request)
    }
}

/// Raises this process's open-file limit to the hard limit, so one node
/// can hold tens of thousands of live streams (each is a socket). Returns
/// the limit now in force.
pub fn raise_open_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "could not raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(0, |(soft, _)| soft)
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_reader_that_stops_reading_is_cut_off() {
        let (near, far) = tokio::io::duplex(64);
        let mut writer = WriteTimeout::new(near, Duration::from_secs(30));
        // Fills the pipe; the far end reads nothing.
        let error = writer.write_all(&[b'x'; 1024]).await.expect_err("the write times out");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        // A reader that keeps up is never cut off, however long it takes.
        let (near, mut far2) = tokio::io::duplex(64);
        let mut writer = WriteTimeout::new(near, Duration::from_secs(30));
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut chunk = [0u8; 16];
            while got.len() < 1024 {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let n = far2.read(&mut chunk).await.expect("read");
                got.extend_from_slice(&chunk[..n]);
            }
            got.len()
        });
        writer.write_all(&[b'y'; 1024]).await.expect("a slow but steady reader is fine");
        assert_eq!(reader.await.expect("reader"), 1024);
        drop(far);
    }
}
