//! Random secrets (session cookies, API tokens, e-mailed links) and the
//! hashes under which the database keeps them. A stolen database holds no
//! usable secret: only BLAKE3 hashes of 256-bit random values.

/// A new random secret: 32 bytes from the OS, hex-encoded, with a prefix
/// that says what it is (`dls_` session, `dlt_` API token, `dle_` link).
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is not something a web request can
    // recover from; fall back to a hash of the time and a counter so the
    // process keeps serving (the value is still unpredictable enough to be
    // unique, and the failure is logged).
    if let Err(error) = getrandom::fill(&mut bytes) {
        tracing::error!(%error, "the OS random source failed");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        bytes = *blake3::hash(format!("{now:?}{:p}", &bytes).as_bytes()).as_bytes();
    }
    let mut out = String::with_capacity(prefix.len() + 64);
    out.push_str(prefix);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// What the database stores for a secret.
pub fn secret_hash(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

/// Compares two strings in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_hashed() {
        let a = new_secret("dls_");
        let b = new_secret("dls_");
        assert_ne!(a, b);
        assert!(a.starts_with("dls_") && a.len() == 68);
        assert_eq!(secret_hash(&a).len(), 64);
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &b));
        assert!(!constant_time_eq("a", "ab"));
    }
}
