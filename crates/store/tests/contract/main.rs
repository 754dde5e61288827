//! The store's own tests, run straight against SQLite and PostgreSQL: no
//! HTTP, no spawned binary. One story per domain calls every method of
//! its trait (`AccountStore`, `ChatStore`, `DirectoryStore`,
//! `DiscussionStore`, `JobStore`, `LiveStore`, `NewsletterStore`) and of
//! its transaction (`AccountTx`, `ChatTx`, `DirectoryTx`, …).
//!
//! PostgreSQL comes from `DATELINE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`, which `scripts/test` makes
//! sure of); each test makes a database of its own and drops it.

mod accounts;
mod articles;
mod chats;
mod directory;
mod discussion;
mod fixtures;
mod jobs_live;
mod media;
mod newsletters;
mod newsroom;
mod schema;
mod transactions;
