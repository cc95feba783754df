//! The file store: bytes of the files the product keeps, under `<data dir>/files`.
//!
//! Keys are generated here (`ab/<uuid>.<ext>`), never taken from user input, so no path can
//! escape the root. Metadata lives in `stored_files`; a file is written before its row commits
//! and deleted after its row's deletion commits, so a crash can orphan bytes but never lose them.

use std::path::{Path, PathBuf};

use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: PathBuf) -> FileStore {
        FileStore { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes the bytes under a fresh key and returns it.
    pub async fn put(&self, bytes: &[u8], extension: &str) -> std::io::Result<String> {
        let id = Uuid::new_v4().simple().to_string();
        let ext: String = extension
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let key = format!("{}/{id}.{ext}", &id[..2]);
        let path = self.root.join(&key);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = path.with_extension("partial");
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(key)
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path(key)?).await
    }

    /// Deletes the bytes; a key already gone is not an error.
    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn path(&self, key: &str) -> std::io::Result<PathBuf> {
        let safe = key
            .split('/')
            .all(|part| !part.is_empty() && part != ".." && part != "." && !part.contains('\\'));
        if !safe {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "bad file key",
            ));
        }
        Ok(self.root.join(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_get_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().to_owned());
        let key = store.put(b"%PDF-1.7", "pdf").await.unwrap();
        assert!(key.ends_with(".pdf"));
        assert_eq!(store.get(&key).await.unwrap(), b"%PDF-1.7");
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert!(store.get(&key).await.is_err());
        assert!(store.get("../etc/passwd").await.is_err());
    }
}
