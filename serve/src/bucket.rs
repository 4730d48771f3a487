//! The bucket: a local folder whose files are the objects, and the rules that keep every key
//! inside it.
//!
//! A key is the decoded request path without its leading `/`. It is refused (400) when it is
//! empty, longer than 850 bytes (the COS maximum), holds NUL or `\`, starts with `/` (an
//! absolute path), or has an empty, `.` or `..` segment: nothing is normalised, so no
//! spelling of `..` (`%2e%2e`, `..%2f`) reaches the file system. Every folder on the way and
//! the object itself must be real: a symbolic link anywhere is refused (403), whether it
//! points in or out of the bucket, and the resolved path is checked once more to lie under
//! the bucket's resolved root. (Someone who can change the bucket folder between the check
//! and the open could still swap a link in; the folder is the operator's own.)

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::cos::CosError;
use crate::digest::{Digests, Sums};

/// The server's own folder in the bucket.
pub const STATE_DIR: &str = ".imgstrip-serve";

/// The longest key COS accepts, in bytes.
const MAX_KEY_BYTES: usize = 850;

/// Checks a key and returns its segments.
pub fn segments(key: &str) -> Result<Vec<&str>, CosError> {
    let bad = |why: &str| CosError::new(400, "InvalidURI", format!("key {key:?}: {why}"));
    if key.is_empty() {
        return Err(bad("no object key"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(bad("longer than 850 bytes"));
    }
    if key.contains(['\0', '\\']) {
        return Err(bad("NUL and backslash are not allowed"));
    }
    if key.starts_with('/') {
        return Err(bad("absolute paths are not allowed"));
    }
    let parts: Vec<&str> = key.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err(bad("empty, . and .. segments are not allowed"));
    }
    if parts.first() == Some(&STATE_DIR) {
        return Err(CosError::denied(format!(
            "key {key:?}: {STATE_DIR}/ is the server's own"
        )));
    }
    Ok(parts)
}

/// The key a rule's `fileid` names: from the bucket root when it starts with `/`, else
/// beside the source object (in the source key's folder).
pub fn fileid_key(source_key: &str, fileid: &str) -> String {
    match fileid.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => match source_key.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/{fileid}"),
            None => fileid.to_owned(),
        },
    }
}

fn symlink_refused(key: &str) -> CosError {
    CosError::denied(format!(
        "key {key:?} passes through a symbolic link; links are not served"
    ))
}

fn io_error(e: &io::Error) -> CosError {
    CosError::new(500, "InternalError", e.to_string())
}

/// Checks that `path` resolves to a place under `root` (already canonical).
fn check_inside(root: &Path, path: &Path, key: &str) -> Result<(), CosError> {
    let resolved = fs::canonicalize(path).map_err(|e| io_error(&e))?;
    if resolved.starts_with(root) {
        Ok(())
    } else {
        Err(CosError::denied(format!("key {key:?} leaves the bucket")))
    }
}

/// The file holding an existing object: 404 when there is none (or it is a folder).
pub fn existing(root: &Path, key: &str) -> Result<PathBuf, CosError> {
    let parts = segments(key)?;
    let mut path = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(CosError::no_such_key()),
            Err(e) => return Err(io_error(&e)),
        };
        if meta.file_type().is_symlink() {
            return Err(symlink_refused(key));
        }
        let last = i + 1 == parts.len();
        if (last && !meta.is_file()) || (!last && !meta.is_dir()) {
            return Err(CosError::no_such_key());
        }
    }
    check_inside(root, &path, key)?;
    Ok(path)
}

/// The file an object is to be written to, creating its folders. The target may exist (it
/// is replaced) but must be a regular file.
pub fn writable(root: &Path, key: &str) -> Result<PathBuf, CosError> {
    let parts = segments(key)?;
    let mut path = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let last = i + 1 == parts.len();
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return Err(symlink_refused(key)),
            Ok(m) if last && !m.is_file() => {
                return Err(CosError::bad(format!("key {key:?} names a folder")))
            }
            Ok(m) if !last && !m.is_dir() => {
                return Err(CosError::bad(format!(
                    "key {key:?}: {part:?} is an object, not a folder"
                )))
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound && !last => {
                match fs::create_dir(&path) {
                    Ok(()) => {}
                    // Another request made it in the meantime: check it again.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        let m = fs::symlink_metadata(&path).map_err(|e| io_error(&e))?;
                        if !m.is_dir() {
                            return Err(symlink_refused(key));
                        }
                    }
                    Err(e) => return Err(io_error(&e)),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&e)),
        }
    }
    check_inside(root, path.parent().unwrap_or(root), key)?;
    Ok(path)
}

/// Creates the server's folders and empties `tmp/` (what a stopped server left there).
pub fn prepare(root: &Path) -> io::Result<()> {
    let tmp = root.join(STATE_DIR).join("tmp");
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp)?;
    fs::create_dir_all(root.join(STATE_DIR).join("uploads"))
}

/// A file the server is writing, removed when dropped unless [`Temp::place`]d.
#[derive(Debug)]
pub struct Temp {
    pub path: PathBuf,
    placed: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.placed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl Temp {
    /// A new empty file, mode 0600 where the system has modes, in `dir`.
    pub fn create(dir: &Path) -> io::Result<(File, Temp)> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{}-{n}.serve-tmp", std::process::id()));
            let mut options = OpenOptions::new();
            options.read(true).write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(file) => {
                    return Ok((
                        file,
                        Temp {
                            path,
                            placed: false,
                        },
                    ))
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// A new file in the server's `tmp/` folder.
    pub fn in_tmp(root: &Path) -> io::Result<(File, Temp)> {
        Self::create(&root.join(STATE_DIR).join("tmp"))
    }

    /// Renames the file to `target` (replacing what is there), giving it the mode a new
    /// object gets; across file systems it is copied.
    pub fn place(mut self, target: &Path) -> Result<(), CosError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(&self.path, fs::Permissions::from_mode(0o644));
        }
        match fs::rename(&self.path, target) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(18) => {
                // EXDEV: another file system below the bucket; copy beside the target.
                let (mut out, beside) = Temp::create(target.parent().unwrap_or(Path::new(".")))
                    .map_err(|e| CosError::internal(&e))?;
                let mut from = File::open(&self.path).map_err(|e| CosError::internal(&e))?;
                io::copy(&mut from, &mut out).map_err(|e| CosError::internal(&e))?;
                out.sync_all().map_err(|e| CosError::internal(&e))?;
                return beside.place(target);
            }
            Err(e) => return Err(CosError::internal(&e)),
        }
        self.placed = true;
        Ok(())
    }
}

/// Writes `data` to a new file in the server's `tmp/` folder and syncs it; [`Temp::place`]
/// then puts it in place, so that a reader sees the old object or the new one, never half
/// of one.
pub fn stage(root: &Path, data: &[u8]) -> Result<Temp, CosError> {
    let (mut file, temp) = Temp::in_tmp(root).map_err(|e| io_error(&e))?;
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(&e))?;
    Ok(temp)
}

/// The digests (MD5 for the ETag, CRC-64) of stored objects, computed once per version of
/// a file: a HEAD, a GET and a listing give the same ETag without reading the object each
/// time.
#[derive(Debug, Default)]
pub struct Etags {
    known: std::sync::Mutex<std::collections::HashMap<Version, Sums>>,
}

/// What tells one version of a file from another: device, inode, length, modification time
/// (seconds, nanoseconds).
type Version = (u64, u64, u64, i64, i64);

fn version(meta: &fs::Metadata) -> Version {
    use std::os::unix::fs::MetadataExt;
    (
        meta.dev(),
        meta.ino(),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
    )
}

impl Etags {
    /// Most versions remembered; past that the memory starts afresh.
    const MAX: usize = 100_000;

    /// The digests of the file at `path`, whose metadata is `meta`.
    pub fn of(&self, path: &Path, meta: &fs::Metadata) -> Result<Sums, CosError> {
        if let Some(sums) = self.lock().get(&version(meta)) {
            return Ok(sums.clone());
        }
        let mut file = File::open(path).map_err(|e| io_error(&e))?;
        let mut digests = Digests::default();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = io::Read::read(&mut file, &mut buf).map_err(|e| io_error(&e))?;
            if n == 0 {
                break;
            }
            digests.update(&buf[..n]);
        }
        let sums = digests.finish();
        self.insert(version(meta), sums.clone());
        Ok(sums)
    }

    /// Records the digests of a file the server has just written, whose bytes it digested
    /// as they went by, so that the first HEAD or GET does not read it again.
    pub fn remember(&self, path: &Path, sums: &Sums) {
        if let Ok(meta) = fs::symlink_metadata(path) {
            self.insert(version(&meta), sums.clone());
        }
    }

    fn insert(&self, version: Version, sums: Sums) {
        let mut known = self.lock();
        if known.len() >= Self::MAX {
            known.clear();
        }
        known.insert(version, sums);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<Version, Sums>> {
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
