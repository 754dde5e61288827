//! What each backend crate instantiates by macro: the [`crate::Store`]
//! methods that are the backend's own (its name, its migrations, a round
//! trip, a write transaction). Every domain is ordinary generic Rust,
//! implemented once for every [`crate::SqlPool`] (see
//! `docs/ARCHITECTURE.md`, "The store by domain").
//!
//! The expansion names `sqlx` and `async_trait`: the calling crate must
//! depend on both.

/// Implements [`crate::Store`] for `$store`, a struct with a
/// `pool: sqlx::Pool<$db>` field and a `MIGRATOR: sqlx::migrate::Migrator`
/// static in scope at the call site.
#[macro_export]
macro_rules! sql_store_impl {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use $crate::StoreError;

            type Db = $db;

            fn db_err(e: ::sqlx::Error) -> StoreError {
                $crate::backend::db_error(e)
            }

            #[::async_trait::async_trait]
            impl $crate::Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn migrate(&self) -> Result<(), StoreError> {
                    MIGRATOR.run(&self.pool).await.map_err(|e| StoreError::Migration(Box::new(e)))
                }

                async fn ping(&self) -> Result<(), StoreError> {
                    ::sqlx::query::<Db>("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
                    Ok(())
                }

                async fn begin_write(&self) -> Result<Box<dyn $crate::WriteTx>, StoreError> {
                    Ok(Box::new($crate::SqlTx::<Db>::begin(&self.pool).await?))
                }
            }
        };
    };
}
