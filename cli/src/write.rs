//! Putting one output in place, safely with any path.
//!
//! - The target's folder is opened once; folders below it (an `--out-dir` tree) are opened
//!   one by one without following a symbolic link, and every later step (create, link,
//!   rename, remove) is relative to the open folder, so a link swapped in meanwhile is not
//!   followed either.
//! - A regular file (new or replaced) is written to a temporary file in the same folder:
//!   unnamed (`O_TMPFILE`, mode 0600) where the file system allows, else
//!   `.NAME.PID-N.imgstrip-tmp` created 0600 and listed for removal on a signal. It gets its
//!   final mode (and, in place, the original's owner) before it is given the target's name,
//!   so no reader ever sees a partial output or one open to others.
//! - A target that is not a regular file (a device, a named pipe) is written to as it is,
//!   never removed or replaced; a folder or socket fails.
//! - `-o LINK` writes to the file the link names; under `--out-dir` a link fails.

use std::ffi::{OsStr, OsString};
use std::fs::{File, Metadata};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustix::fs::{
    fchmod, fchown, linkat, mkdirat, openat, renameat, statat, unlinkat, AtFlags, FileType, Mode,
    OFlags, CWD,
};
use rustix::io::Errno;
use rustix::process::{Gid, Uid};

use crate::cleanup;
use crate::plan::{dir_of, FileTarget, Target};

/// The suffix of named temporary files; a folder walk leaves such files alone.
pub const TEMP_SUFFIX: &str = ".imgstrip-tmp";

/// What the process learns once, before any thread starts.
struct Setup {
    /// The mode a new output gets: `0666` less the umask, as for any file a program creates.
    new_mode: u32,
    /// Whether unnamed temporary files can be linked into place (Linux with `/proc`).
    unnamed: bool,
}

static SETUP: OnceLock<Setup> = OnceLock::new();

/// Reads the umask (setting it back at once) and whether `/proc/self/fd` exists. Call
/// before starting threads: the umask is the process's, and changes for an instant.
pub fn init() {
    let umask = rustix::process::umask(Mode::from_raw_mode(0o022));
    rustix::process::umask(umask);
    // IMGSTRIP_NAMED_TEMP=1 forces named temporary files, as on a file system without
    // O_TMPFILE: the tests use it to check that path too.
    let forced = std::env::var_os("IMGSTRIP_NAMED_TEMP").is_some_and(|v| v == "1");
    let unnamed = cfg!(target_os = "linux") && !forced && Path::new("/proc/self/fd").is_dir();
    let new_mode = 0o666 & !umask.as_raw_mode() as u32;
    let _ = SETUP.set(Setup { new_mode, unnamed });
}

fn setup() -> &'static Setup {
    SETUP.get_or_init(|| Setup {
        new_mode: 0o644,
        unnamed: false,
    })
}

/// Writes an output: `body` writes its bytes. `original` is the input's metadata when the
/// output replaces it (`--in-place`): its mode and owner are kept and the bytes flushed to
/// disk before the rename.
pub fn write(
    target: &Target,
    original: Option<&Metadata>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match target {
        Target::Stdout => {
            let mut out = io::stdout().lock();
            body(&mut out)?;
            out.flush()
        }
        Target::File(file) => write_file(file, original, body),
    }
}

fn write_file(
    target: &FileTarget,
    original: Option<&Metadata>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = Arc::new(open_folders(target)?);
    let name = target.name.as_os_str();
    let kind = match statat(&*dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => Some(FileType::from_raw_mode(stat.st_mode)),
        Err(Errno::NOENT) => None,
        Err(e) => return Err(e.into()),
    };
    match kind {
        None => replace(&dir, name, false, original, body),
        Some(FileType::RegularFile) => replace(&dir, name, true, original, body),
        Some(FileType::Symlink) if target.follow_link => follow(target, original, body),
        Some(FileType::Symlink) => Err(refused("is a symbolic link (not followed)")),
        Some(FileType::Directory) => Err(refused("is a folder")),
        Some(FileType::Socket) => Err(refused("is a socket")),
        // A device or a named pipe: write to it; it stays what it is.
        Some(_) => {
            let flags = OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::NOCTTY | OFlags::CLOEXEC;
            let mut file = File::from(openat(&*dir, name, flags, Mode::empty())?);
            body(&mut file)?;
            file.flush()
        }
    }
}

/// `-o LINK`: the file the link names, resolved from the link's folder.
fn follow(
    target: &FileTarget,
    original: Option<&Metadata>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let link = target.dir.join(&target.name);
    let real = match std::fs::canonicalize(&link) {
        Ok(real) => real,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(refused("is a symbolic link to nothing (not followed)"))
        }
        Err(e) => return Err(e),
    };
    let name = real.file_name().ok_or_else(|| refused("names no file"))?;
    let resolved = FileTarget {
        dir: dir_of(&real).to_path_buf(),
        below: Vec::new(),
        name: name.to_os_string(),
        follow_link: false,
        create_dir: false,
        shown: target.shown.clone(),
    };
    write_file(&resolved, original, body)
}

/// Opens the target's folder, then each folder below it without following a link,
/// creating those that are missing.
fn open_folders(target: &FileTarget) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut dir = match openat(CWD, &target.dir, flags, Mode::empty()) {
        Err(Errno::NOENT) if target.create_dir => {
            std::fs::create_dir_all(&target.dir)?;
            openat(CWD, &target.dir, flags, Mode::empty())?
        }
        opened => opened?,
    };
    let mut shown = target.dir.clone();
    for part in &target.below {
        shown.push(part);
        let open = |dir: &OwnedFd| {
            openat(
                dir,
                part.as_os_str(),
                flags | OFlags::NOFOLLOW,
                Mode::empty(),
            )
        };
        dir = match open(&dir) {
            Ok(next) => next,
            Err(Errno::NOENT) => {
                match mkdirat(&dir, part.as_os_str(), Mode::from_raw_mode(0o777)) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => return Err(e.into()),
                }
                open(&dir)?
            }
            Err(Errno::LOOP | Errno::NOTDIR) => {
                let what = match statat(&dir, part.as_os_str(), AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(s) if FileType::from_raw_mode(s.st_mode) == FileType::Symlink => {
                        "is a symbolic link (not followed)"
                    }
                    _ => "is not a folder",
                };
                return Err(io::Error::other(format!("{} {what}", shown.display())));
            }
            Err(e) => return Err(e.into()),
        };
    }
    Ok(dir)
}

/// Writes a new regular file `name` in `dir` through a temporary file; `exists` when one
/// is there to replace.
fn replace(
    dir: &Arc<OwnedFd>,
    name: &OsStr,
    exists: bool,
    original: Option<&Metadata>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut temp = Temp::create(dir, name)?;
    body(&mut temp.file)?;
    temp.file.flush()?;
    match original {
        Some(meta) => {
            keep_owner(&temp.file, meta);
            fchmod(&temp.file, Mode::from_raw_mode(meta.mode() & 0o7777))?;
            // The rename replaces the only copy of the original: the new bytes must be on
            // disk first, or a crash could leave neither.
            temp.file.sync_all()?;
        }
        None => fchmod(&temp.file, Mode::from_raw_mode(setup().new_mode))?,
    }
    temp.place(dir, name, exists, original.is_some())
}

/// Gives `file` the original's owner and group, or failing that (a user may not give a
/// file away) its group, or leaves both as they are.
fn keep_owner(file: &File, meta: &Metadata) {
    let (uid, gid) = (Uid::from_raw(meta.uid()), Gid::from_raw(meta.gid()));
    if fchown(file, Some(uid), Some(gid)).is_err() {
        let _ = fchown(file, None, Some(gid));
    }
}

/// A temporary file in the target's folder, removed if it is not put in place.
struct Temp {
    file: File,
    /// `None`: unnamed (`O_TMPFILE`); else its name, listed for removal on a signal.
    named: Option<(OsString, cleanup::Listed)>,
    dir: Arc<OwnedFd>,
}

impl Temp {
    fn create(dir: &Arc<OwnedFd>, name: &OsStr) -> io::Result<Temp> {
        let mode = Mode::from_raw_mode(0o600);
        if setup().unnamed {
            let flags = OFlags::WRONLY | OFlags::CLOEXEC | tmpfile_flag();
            match openat(&**dir, ".", flags, mode) {
                Ok(fd) => {
                    let file = File::from(fd);
                    let dir = Arc::clone(dir);
                    return Ok(Temp {
                        file,
                        named: None,
                        dir,
                    });
                }
                // The file system cannot make unnamed files: fall back to a named one.
                Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOSYS) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        for n in 0..1000 {
            let temp = temp_name(name, n);
            let mut temps = cleanup::lock();
            match openat(&**dir, &temp, flags, mode) {
                Ok(fd) => {
                    let listed = cleanup::list(&mut temps, dir, &temp);
                    drop(temps);
                    let named = Some((temp, listed));
                    return Ok(Temp {
                        file: File::from(fd),
                        named,
                        dir: Arc::clone(dir),
                    });
                }
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary file name",
        ))
    }

    /// Gives the finished file the name `name`. A new output takes the name at once; an
    /// output over an old one (not in place) removes the old one first, since renaming over
    /// it made ext4 flush the new data first (`auto_da_alloc`), doubling a one-file run: a
    /// reader may see no file for a moment, never a partial one. In place, the new file is
    /// renamed over the original, atomically.
    fn place(
        mut self,
        dir: &OwnedFd,
        name: &OsStr,
        exists: bool,
        in_place: bool,
    ) -> io::Result<()> {
        if exists && !in_place {
            match unlinkat(dir, name, AtFlags::empty()) {
                Ok(()) | Err(Errno::NOENT) => {}
                Err(e) => return Err(e.into()),
            }
        }
        match self.named.take() {
            Some((temp, listed)) => {
                let renamed = renameat(dir, &temp, dir, name);
                if renamed.is_err() {
                    let _ = unlinkat(dir, &temp, AtFlags::empty());
                }
                drop(listed);
                Ok(renamed?)
            }
            None if in_place => self.link_and_rename(dir, name),
            None => Ok(link_unnamed(&self.file, dir, name)?),
        }
    }

    /// Links the unnamed file under a temporary name, then renames it over `name`; the lock
    /// keeps a signal's cleanup from running between the two.
    fn link_and_rename(&self, dir: &OwnedFd, name: &OsStr) -> io::Result<()> {
        let mut temps = cleanup::lock();
        for n in 0..1000 {
            let temp = temp_name(name, n);
            match link_unnamed(&self.file, dir, &temp) {
                Ok(()) => {}
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
            let listed = cleanup::list(&mut temps, &self.dir, &temp);
            let renamed = renameat(dir, &temp, dir, name);
            if renamed.is_err() {
                let _ = unlinkat(dir, &temp, AtFlags::empty());
            }
            drop(temps);
            drop(listed);
            return Ok(renamed?);
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary file name",
        ))
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        // Still named here: it was never put in place (an error on the way).
        if let Some((temp, _listed)) = self.named.take() {
            let _ = unlinkat(&*self.dir, &temp, AtFlags::empty());
        }
    }
}

/// Gives an unnamed (`O_TMPFILE`) file the name `name` in `dir`.
fn link_unnamed(file: &File, dir: &OwnedFd, name: &OsStr) -> Result<(), Errno> {
    let fd_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    linkat(CWD, fd_path.as_str(), dir, name, AtFlags::SYMLINK_FOLLOW)
}

/// `.NAME.PID-N.imgstrip-tmp`
fn temp_name(name: &OsStr, n: u32) -> OsString {
    let mut temp = OsString::from(".");
    temp.push(name);
    temp.push(format!(".{}-{n}{TEMP_SUFFIX}", std::process::id()));
    temp
}

#[cfg(target_os = "linux")]
fn tmpfile_flag() -> OFlags {
    OFlags::TMPFILE
}

#[cfg(not(target_os = "linux"))]
fn tmpfile_flag() -> OFlags {
    OFlags::empty()
}

fn refused(what: &str) -> io::Error {
    io::Error::other(what.to_owned())
}
