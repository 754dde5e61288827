//! The store's own tests, run straight against SQLite and PostgreSQL: no
//! HTTP, no spawned binary.
//!
//! PostgreSQL comes from `DATELINE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`, which `scripts/test` makes
//! sure of); each test makes a database of its own and drops it.

mod schema;
mod transactions;
