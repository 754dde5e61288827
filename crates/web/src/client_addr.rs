//! The reader's network address, for login throttling and rate limits.
//!
//! Behind a reverse proxy or a load balancer every connection comes from
//! the proxy, which names the real client in `X-Forwarded-For`. That header
//! is believed only when the connection comes from an address listed in
//! `trusted_proxies`: then the list is read from the right, skipping the
//! trusted hops, and the first address not trusted is the client. Anyone
//! else's header is ignored, so a client cannot pick its own address to
//! dodge throttling.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

/// The client's address as far as it can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Parses one `trusted_proxies` entry: a network (`10.0.0.0/8`) or a
/// single address (`127.0.0.1`).
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a network such as 10.0.0.0/8"))
}

/// The client behind `peer`, given the `X-Forwarded-For` values in order.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|value| value.split(',')).map(str::trim);
    let mut client = peer;
    for hop in hops.rev() {
        // A hop that is not an address means the chain cannot be read
        // further; the last good one stands.
        let Ok(ip) = hop.parse::<IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let forwarded: Vec<&str> =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        Ok(Self(client_address(peer, &forwarded, &state.config.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted =
            vec![parse_trusted_proxy("10.0.0.0/8").expect("net"), parse_trusted_proxy("::1").expect("net")];
        // Straight from a client: its own header is ignored.
        assert_eq!(client_address(ip("203.0.113.5"), &["198.51.100.1"], &trusted), ip("203.0.113.5"));
        // Through the proxy: the right-most untrusted hop is the client.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1, 203.0.113.9, 10.0.0.7"], &trusted),
            ip("203.0.113.9")
        );
        // Several header lines read as one list.
        assert_eq!(client_address(ip("::1"), &["203.0.113.9", "10.1.1.1"], &trusted), ip("203.0.113.9"));
        // Garbage stops the walk at the last good address.
        assert_eq!(client_address(ip("10.0.0.2"), &["203.0.113.9, bogus"], &trusted), ip("10.0.0.2"));
        // No header: the proxy itself.
        assert_eq!(client_address(ip("10.0.0.2"), &[], &trusted), ip("10.0.0.2"));
        // Nothing trusted: the peer, always.
        assert_eq!(client_address(ip("10.0.0.2"), &["203.0.113.9"], &[]), ip("10.0.0.2"));
    }

    #[test]
    fn trusted_proxies_parse_addresses_and_networks() {
        assert!(parse_trusted_proxy("127.0.0.1").is_ok());
        assert!(parse_trusted_proxy("fd00::/8").is_ok());
        assert!(parse_trusted_proxy("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxy("proxy.local").is_err());
    }
}
