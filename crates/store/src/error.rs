//! The one error type of the storage layer.

/// What can go wrong in a store. The web layer maps `Conflict` and
/// `Invalid` to 4xx answers and everything else to a logged 503/500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached, or a query failed for a reason
    /// that is not the caller's fault.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// What the write names does not exist (any more).
    #[error("{0} does not exist")]
    NotFound(String),
    /// A unique constraint was violated (a slug that is taken, say).
    #[error("{0} already exists")]
    Conflict(String),
    /// A write named the version it started from, and the row has moved
    /// on to this one meanwhile (someone else saved).
    #[error("changed meanwhile: now at version {0}")]
    Stale(i64),
    /// A row held a value the domain cannot read (hand-edited database).
    #[error("stored data is invalid: {0}")]
    Invalid(String),
    /// A migration failed or the schema is newer than this binary.
    #[error("migration failed: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A media file could not be read or written.
    #[error("media storage error: {0}")]
    Blob(#[from] std::io::Error),
}
