//! Background jobs: a table every node's runner claims from with a lease,
//! so each job runs once however many nodes share the database. Jobs
//! written inside an action's transaction ([`crate::JobTx`]) are its
//! outbox: they exist if and only if the action committed.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{Job, JobId, StoreError};

#[async_trait]
pub trait JobStore: Send + Sync {
    async fn enqueue_job(
        &self,
        kind: &str,
        payload: &str,
        run_at: OffsetDateTime,
    ) -> Result<JobId, StoreError>;
    /// Drops pending (not yet done) jobs of this kind and payload.
    async fn cancel_jobs(&self, kind: &str, payload: &str) -> Result<(), StoreError>;
    /// Claims the most overdue job whose lease is free, leasing it to
    /// `worker` until `lease_until`. Safe with several nodes on one database.
    async fn claim_job(
        &self,
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<Job>, StoreError>;
    async fn complete_job(&self, id: JobId, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Blanks a job's payload (a sent mail's text, which held a secret link).
    async fn clear_job_payload(&self, id: JobId) -> Result<(), StoreError>;
    /// Releases a failed job to run again at `retry_at`.
    async fn fail_job(&self, id: JobId, error: &str, retry_at: OffsetDateTime) -> Result<(), StoreError>;
}
