//! Where media files live, behind one interface: a local directory by
//! default, or an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…) by
//! configuration. Both go through the `object_store` crate, so the media
//! code never knows which. Keys are relative paths such as
//! `photos/7f3a…-1b2c/960.jpg`; a key with an empty, `.` or `..` segment or a
//! leading `/` is refused before it reaches either store.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use object_store::ObjectStore;
use object_store::path::Path;

#[async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug + 'static {
    async fn put(&self, key: &str, bytes: Bytes) -> std::io::Result<()>;
    /// `Ok(None)` when no object has this key.
    async fn get(&self, key: &str) -> std::io::Result<Option<Bytes>>;
    /// Removes an object; removing a missing one is not an error.
    async fn delete(&self, key: &str) -> std::io::Result<()>;
    /// `local` or `s3`, for logs and `/readyz`.
    fn kind(&self) -> &'static str;
}

/// How to reach an S3-compatible bucket.
#[derive(Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    /// Empty for AWS itself; `http://127.0.0.1:9000` for a local server.
    pub endpoint: String,
    pub region: String,
    /// Empty to take credentials from the usual `AWS_*` environment.
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Settings {
    /// Never shows the secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// A [`BlobStore`] over any `object_store` backend.
#[derive(Debug, Clone)]
pub struct ObjectBlobStore {
    inner: Arc<dyn ObjectStore>,
    kind: &'static str,
}

fn io_error(error: object_store::Error) -> std::io::Error {
    match error {
        object_store::Error::NotFound { .. } => std::io::Error::new(std::io::ErrorKind::NotFound, error),
        other => std::io::Error::other(other),
    }
}

impl ObjectBlobStore {
    /// Files under `root` (created when missing), written atomically.
    pub fn local(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(&root)
            .map_err(io_error)?
            .with_automatic_cleanup(true);
        Ok(Self { inner: Arc::new(store), kind: "local" })
    }

    /// A bucket on an S3-compatible server.
    pub fn s3(settings: &S3Settings) -> std::io::Result<Self> {
        let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&settings.bucket);
        if !settings.region.is_empty() {
            builder = builder.with_region(&settings.region);
        }
        if !settings.endpoint.is_empty() {
            builder = builder
                .with_endpoint(&settings.endpoint)
                .with_allow_http(settings.endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if !settings.access_key_id.is_empty() {
            builder = builder
                .with_access_key_id(&settings.access_key_id)
                .with_secret_access_key(&settings.secret_access_key);
        }
        let store = builder.build().map_err(io_error)?;
        Ok(Self { inner: Arc::new(store), kind: "s3" })
    }
}

/// The object path for a key, or `None` for a key that is not a plain
/// relative path.
fn path_of(key: &str) -> Option<Path> {
    let plain = !key.is_empty()
        && !key.starts_with('/')
        && key.split('/').all(|segment| !matches!(segment, "" | "." | ".."));
    if plain { Path::parse(key).ok() } else { None }
}

fn bad_key(key: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("invalid media key {key:?}"))
}

#[async_trait]
impl BlobStore for ObjectBlobStore {
    async fn put(&self, key: &str, bytes: Bytes) -> std::io::Result<()> {
        let path = path_of(key).ok_or_else(|| bad_key(key))?;
        self.inner.put(&path, bytes.into()).await.map(|_| ()).map_err(io_error)
    }

    async fn get(&self, key: &str) -> std::io::Result<Option<Bytes>> {
        let Some(path) = path_of(key) else { return Ok(None) };
        match self.inner.get(&path).await {
            Ok(found) => found.bytes().await.map(Some).map_err(io_error),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(other) => Err(io_error(other)),
        }
    }

    async fn delete(&self, key: &str) -> std::io::Result<()> {
        let path = path_of(key).ok_or_else(|| bad_key(key))?;
        match self.inner.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(io_error(other)),
        }
    }

    fn kind(&self) -> &'static str {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_root() {
        assert_eq!(path_of("photos/1/480.jpg").map(|p| p.to_string()), Some("photos/1/480.jpg".to_owned()));
        for bad in ["", "../etc/passwd", "/etc/passwd", "photos/../../x", "./x", "a//b", "a/"] {
            assert_eq!(path_of(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn a_local_store_round_trips_and_deletes() {
        let dir = std::env::temp_dir().join(format!("dateline-blob-test-{}", std::process::id()));
        let store = ObjectBlobStore::local(&dir).expect("store");
        store.put("photos/a/1.jpg", Bytes::from_static(b"abc")).await.expect("put");
        assert_eq!(store.get("photos/a/1.jpg").await.expect("get"), Some(Bytes::from_static(b"abc")));
        assert_eq!(store.get("photos/a/2.jpg").await.expect("get"), None);
        store.delete("photos/a/1.jpg").await.expect("delete");
        store.delete("photos/a/1.jpg").await.expect("deleting twice is fine");
        assert_eq!(store.get("photos/a/1.jpg").await.expect("get"), None);
        assert!(store.put("../escape.jpg", Bytes::new()).await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
