//! The server's listener: TCP, with a write timeout on every connection.
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
use tokio::time::Sleep;

/// How long a write may wait for the client to take bytes.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct TimeoutListener {
    inner: TcpListener,
    timeout: Duration,
}

impl TimeoutListener {
    pub fn new(inner: TcpListener, timeout: Duration) -> Self {
        Self { inner, timeout }
    }
}

impl axum::serve::Listener for TimeoutListener {
    type Io = WriteTimeout<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // TcpListener's own accept logs and retries errors (such as running
        // out of file descriptors) with a pause.
        let (stream, address) = axum::serve::Listener::accept(&mut self.inner).await;
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        (WriteTimeout { inner: stream, timeout: self.timeout, waiting: None }, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
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

impl<'a> tower::Service<axum::serve::IncomingStream<'a, TimeoutListener>> for WithPeerAddress {
    type Response = PeerRouter;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<PeerRouter, std::convert::Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, incoming: axum::serve::IncomingStream<'a, TimeoutListener>) -> Self::Future {
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
