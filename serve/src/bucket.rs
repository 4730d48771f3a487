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

/// Writes `data` to a new file beside `target`, syncs it and renames it over `target`, so a
/// reader sees the old object or the new one, never half of one.
pub fn write_atomically(target: &Path, data: &[u8]) -> Result<(), CosError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = target.parent().ok_or_else(|| CosError::bad("no folder"))?;
    let name = target
        .file_name()
        .map_or("object".into(), |n| n.to_string_lossy());
    let temp = loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{n}.serve-tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => break (file, temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&e)),
        }
    };
    let (mut file, temp): (File, PathBuf) = temp;
    let result = file
        .write_all(data)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temp, target));
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(io_error(&e));
    }
    Ok(())
}
