//! Growing delays after failed logins.
//!
//! Each failure is counted per account (`account:<email>`) and per client
//! address (`address:<ip>`). Past a free allowance, the next attempt must
//! wait 30 s, then 60 s, 120 s … up to 15 minutes after the last failure.
//! A successful login clears the account's count. Counts live in the
//! database, so every node enforces the same delays.

use dateline_store::{Store, StoreError};
use time::{Duration, OffsetDateTime};

/// Failures allowed on one account before delays start.
pub const FREE_ACCOUNT_FAILURES: i64 = 5;
/// Failures allowed from one client address before delays start.
pub const FREE_ADDRESS_FAILURES: i64 = 20;
const FIRST_DELAY_SECS: i64 = 30;
const MAX_DELAY_SECS: i64 = 15 * 60;

pub fn delay_after(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = (failures - free).min(10) as u32;
    Duration::seconds((FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS))
}

pub fn account_subject(email: &str) -> String {
    format!("account:{email}")
}

pub fn address_subject(ip: std::net::IpAddr) -> String {
    format!("address:{ip}")
}

/// `Some(seconds to wait)` when any subject is still in its delay.
pub async fn wait_needed(
    store: &dyn Store,
    subjects: &[(String, i64)],
    now: OffsetDateTime,
) -> Result<Option<i64>, StoreError> {
    let mut wait = 0;
    for (subject, free) in subjects {
        if let Some((failures, last)) = store.login_failures(subject).await? {
            let until = last + delay_after(failures, *free);
            if until > now {
                wait = wait.max((until - now).whole_seconds().max(1));
            }
        }
    }
    Ok((wait > 0).then_some(wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_cap() {
        assert_eq!(delay_after(4, 5), Duration::ZERO);
        assert_eq!(delay_after(5, 5), Duration::seconds(30));
        assert_eq!(delay_after(6, 5), Duration::seconds(60));
        assert_eq!(delay_after(8, 5), Duration::seconds(240));
        assert_eq!(delay_after(50, 5), Duration::seconds(900));
    }
}
