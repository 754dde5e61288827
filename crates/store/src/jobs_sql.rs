//! Background jobs on SQL: [`JobStore`] for every backend store
//! ([`SqlPool`]), and the jobs an action queues in its own transaction
//! ([`JobTx`] on [`SqlTx`]). The dialects do not differ here.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{SqlPool, db_error, failpoint, whole_seconds};
use crate::{Job, JobId, JobStore, SqlTx, StoreError};

/// The jobs an action queues or drops inside its transaction
/// ([`crate::WriteTx`]): they run if and only if the action committed.
#[async_trait]
pub trait JobTx: Send {
    /// Drops the pending (not yet done) jobs of this kind and payload.
    async fn cancel_jobs(&mut self, kind: &str, payload: &str) -> Result<(), StoreError>;
    async fn enqueue_job(
        &mut self,
        kind: &str,
        payload: &str,
        run_at: OffsetDateTime,
    ) -> Result<JobId, StoreError>;
}

#[async_trait]
impl<DB> JobTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn cancel_jobs(&mut self, kind: &str, payload: &str) -> Result<(), StoreError> {
        failpoint!("store.cancel_jobs");
        sqlx::query::<DB>("DELETE FROM jobs WHERE kind = $1 AND payload = $2 AND done_at IS NULL")
            .bind(kind.to_owned())
            .bind(payload.to_owned())
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn enqueue_job(
        &mut self,
        kind: &str,
        payload: &str,
        run_at: OffsetDateTime,
    ) -> Result<JobId, StoreError> {
        failpoint!("store.enqueue_job");
        sqlx::query_scalar::<DB, JobId>(
            "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(kind.to_owned())
        .bind(payload.to_owned())
        .bind(whole_seconds(run_at))
        .bind(whole_seconds(OffsetDateTime::now_utc()))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error)
    }
}

#[async_trait]
impl<S> JobStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> Job: FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn enqueue_job(
        &self,
        kind: &str,
        payload: &str,
        run_at: OffsetDateTime,
    ) -> Result<JobId, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let id = tx.enqueue_job(kind, payload, run_at).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn cancel_jobs(&self, kind: &str, payload: &str) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        tx.cancel_jobs(kind, payload).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn claim_job(
        &self,
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<Job>, StoreError> {
        // The outer WHERE repeats the lease check: on PostgreSQL a second
        // node racing for the same row re-reads it after the first commits
        // and then finds it taken.
        sqlx::query_as::<S::Db, Job>(
            "UPDATE jobs SET locked_until = $1, locked_by = $2, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $3 \
             AND (locked_until IS NULL OR locked_until < $3) ORDER BY run_at, id LIMIT 1) \
             AND done_at IS NULL AND (locked_until IS NULL OR locked_until < $3) \
             RETURNING id, kind, payload, attempts",
        )
        .bind(whole_seconds(lease_until))
        .bind(worker.to_owned())
        .bind(whole_seconds(now))
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)
    }

    async fn complete_job(&self, id: JobId, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("UPDATE jobs SET done_at = $1, locked_until = NULL WHERE id = $2")
            .bind(whole_seconds(now))
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn clear_job_payload(&self, id: JobId) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("UPDATE jobs SET payload = '' WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn fail_job(&self, id: JobId, error: &str, retry_at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "UPDATE jobs SET last_error = $1, run_at = $2, locked_until = NULL, locked_by = NULL WHERE id = $3",
        )
        .bind(error.to_owned())
        .bind(whole_seconds(retry_at))
        .bind(id)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }
}
