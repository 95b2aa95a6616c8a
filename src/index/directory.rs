//! The index's folder as vestnik opens it: for searching, where it may be readable only (a
//! read-only mount, another user's archive), and for writing, so that others can read it.
//!
//! **Reading.** tantivy's reader takes `.tantivy-meta.lock` while it opens the segments of a commit, so
//! that a writer's garbage collection, which takes it too, cannot delete their files midway.
//! `MmapDirectory` takes a lock by opening its file for writing (creating it when missing),
//! which fails where the reader may not write, though it needs no write at all: an exclusive
//! `flock` works on a file opened only for reading, on a read-only mount too. So where the lock
//! file cannot be opened for writing it is opened for reading and locked the same way; a
//! writer elsewhere (the same folder mounted writable in another place) is still kept out.
//! Where the file does not exist and cannot be created, no writer has ever collected garbage
//! here, and the segments are opened without it.
//!
//! **Writing.** tantivy writes `meta.json` and `.managed.json` through a temporary file, which
//! is created readable by its owner only, while every other file of the index is created with
//! the user's umask (usually readable by all). Another user could then list the segments'
//! files but not open the index. Each file so written takes the permissions of the marker
//! vestnik writes when it creates the index, which are the umask's.

use std::fs::{self, File, Permissions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// An index folder opened for searching. Everything is `MmapDirectory`'s but locks, which
/// do without write access.
#[derive(Clone, Debug)]
pub struct ReadingDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl ReadingDirectory {
    pub fn open(root: &Path) -> tantivy::Result<ReadingDirectory> {
        Ok(ReadingDirectory {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }
}

/// Whether an error opening a file says the folder may not be written here.
fn is_unwritable(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

impl Directory for ReadingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        let unwritable = match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e)) if is_unwritable(&e) => e,
            other => return other,
        };
        let path = self.root.join(&lock.filepath);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(DirectoryLock::from(Box::new(())));
            }
            Err(_) => return Err(LockError::IoError(unwritable)),
        };
        if lock.is_blocking {
            file.lock().map_err(LockError::wrap_io_error)?;
        } else if let Err(e) = file.try_lock() {
            return Err(match e {
                std::fs::TryLockError::WouldBlock => LockError::LockBusy,
                std::fs::TryLockError::Error(e) => LockError::wrap_io_error(e),
            });
        }
        // Dropping the file releases the lock.
        Ok(DirectoryLock::from(Box::new(file)))
    }
}

/// An index folder opened for writing: `MmapDirectory`, whose atomically written files are
/// given the permissions of the index's other files.
#[derive(Clone, Debug)]
pub struct WritingDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    /// Those of the marker file, or `None` when it cannot be read (then tantivy's stay).
    permissions: Option<Permissions>,
}

impl WritingDirectory {
    /// Opens `root`, whose file `like` has the permissions the index's files should have;
    /// the files tantivy wrote before are given them too where this user may (an index
    /// written before this was done is so repaired by its next update).
    pub fn open(root: &Path, like: &Path) -> tantivy::Result<WritingDirectory> {
        let directory = WritingDirectory {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
            permissions: fs::metadata(root.join(like)).ok().map(|m| m.permissions()),
        };
        for name in ["meta.json", ".managed.json"] {
            let path = root.join(name);
            if path.is_file() {
                // Another user's index: writing it fails later, with a clearer message.
                let _ = directory.share(&path);
            }
        }
        Ok(directory)
    }

    fn share(&self, path: &Path) -> io::Result<()> {
        match &self.permissions {
            Some(p) => fs::set_permissions(path, p.clone()),
            None => Ok(()),
        }
    }
}

impl Directory for WritingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)?;
        self.share(&self.root.join(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }
}
