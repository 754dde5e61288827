//! Where media files live: a local directory now, an S3-compatible bucket
//! with the media-bank work. Keys are relative paths such as
//! `photos/7/960.jpg`; they never contain `..` or a leading `/`.

use std::path::{Component, Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;

#[async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug + 'static {
    async fn put(&self, key: &str, bytes: Bytes) -> std::io::Result<()>;
    /// `Ok(None)` when no object has this key.
    async fn get(&self, key: &str) -> std::io::Result<Option<Bytes>>;
    /// Removes an object; removing a missing one is not an error.
    async fn delete(&self, key: &str) -> std::io::Result<()>;
}

/// Files under one directory (by default `<data dir>/media`).
#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The file a key maps to, or `None` for a key that would leave the root.
    fn path_of(&self, key: &str) -> Option<PathBuf> {
        let relative = Path::new(key);
        let safe = !key.is_empty() && relative.components().all(|c| matches!(c, Component::Normal(_)));
        safe.then(|| self.root.join(relative))
    }
}

fn bad_key(key: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("invalid media key {key:?}"))
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn put(&self, key: &str, bytes: Bytes) -> std::io::Result<()> {
        let path = self.path_of(key).ok_or_else(|| bad_key(key))?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Write aside and rename, so a reader never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, &bytes).await?;
        tokio::fs::rename(&partial, &path).await
    }

    async fn get(&self, key: &str) -> std::io::Result<Option<Bytes>> {
        let Some(path) = self.path_of(key) else { return Ok(None) };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, key: &str) -> std::io::Result<()> {
        let path = self.path_of(key).ok_or_else(|| bad_key(key))?;
        match tokio::fs::remove_file(&path).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_root() {
        let store = LocalBlobStore::new("/srv/media");
        assert_eq!(store.path_of("photos/1/480.jpg"), Some(PathBuf::from("/srv/media/photos/1/480.jpg")));
        for bad in ["", "../etc/passwd", "/etc/passwd", "photos/../../x", "./x"] {
            assert_eq!(store.path_of(bad), None, "{bad}");
        }
    }
}
