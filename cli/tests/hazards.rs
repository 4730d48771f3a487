//! The command with hostile or unusual paths: outputs that are devices, named pipes or
//! symbolic links; inputs that never end or are far too large; links inside an output tree;
//! temporary files (their mode, and what a signal or `kill -9` leaves); in-place mode and
//! owner. Every wait on a child process is bounded, so a hang fails instead of blocking.

#![cfg(unix)]

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::*;

/// How many 10 ms polls a child gets before the test gives up on it: a hang detector (at
/// least a minute of polling), not a measure of speed.
const POLLS: u32 = 6000;
const POLL: Duration = Duration::from_millis(10);

fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs `script` with `sh -c` in `dir`, `$BIN` being the binary.
fn shell(dir: &Path, script: &str) -> Output {
    let child = Command::new("sh")
        .args(["-c", script])
        .env("BIN", bin())
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child)
}

/// Waits for `child` for at most `POLLS` polls, killing it past that.
fn finish(mut child: Child) -> Output {
    let mut polls = 0;
    while child.try_wait().unwrap().is_none() {
        polls += 1;
        if polls > POLLS {
            let _ = child.kill();
            panic!("the child did not end: it hangs");
        }
        std::thread::sleep(POLL);
    }
    child.wait_with_output().unwrap()
}

/// Polls `found` until it gives something, at most `POLLS` times.
fn wait_for<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    for _ in 0..POLLS {
        if let Some(t) = found() {
            return t;
        }
        std::thread::sleep(POLL);
    }
    panic!("gave up waiting for {what}");
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

// ---------------------------------------------------------------------------------------
// Outputs that are not regular files
// ---------------------------------------------------------------------------------------

/// A FIFO given as `-o` is written to (a reader gets the stripped bytes) and stays a FIFO.
#[test]
fn a_named_pipe_output_is_written_to_and_stays_a_pipe() {
    let dir = scratch("out_fifo");
    put(&dir, &[("in.jpg", &jpeg())]);
    let fifo = dir.join("out.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    let o = strip(&dir, &["in.jpg", "-o", "out.fifo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(reader.join().unwrap(), stripped_jpeg());
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(listing(&dir), ["in.jpg", "out.fifo"]);
}

/// A character device given as `-o` (our own node for /dev/null, made with mknod, which
/// needs root) is written to and stays the same device: `-o /dev/null` as root used to
/// delete /dev/null and leave a regular file there.
#[test]
fn a_device_output_is_written_to_and_never_replaced() {
    if !is_root() {
        eprintln!("skipped: making a device node needs root");
        return;
    }
    let dir = scratch("out_device");
    put(&dir, &[("in.jpg", &jpeg())]);
    let made = Command::new("mknod")
        .args(["null", "c", "1", "3"])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(made.success());
    let before = fs::symlink_metadata(dir.join("null")).unwrap();
    let o = strip(&dir, &["in.jpg", "-o", "null"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = fs::symlink_metadata(dir.join("null")).unwrap();
    assert!(after.file_type().is_char_device());
    assert_eq!((after.ino(), after.rdev()), (before.ino(), before.rdev()));
    assert_eq!(listing(&dir), ["in.jpg", "null"]);
}

/// `-o LINK` writes to the file the link names and the link stays; a link to nothing is
/// refused.
#[test]
fn a_symlink_output_is_followed_and_stays_a_link() {
    use std::os::unix::fs::symlink;
    let dir = scratch("out_symlink");
    put(&dir, &[("in.jpg", &jpeg()), ("real/old.jpg", b"old")]);
    symlink("real/old.jpg", dir.join("link.jpg")).unwrap();
    symlink("real/none.jpg", dir.join("dangling.jpg")).unwrap();
    let o = strip(&dir, &["in.jpg", "-o", "link.jpg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("link.jpg").is_symlink());
    assert_eq!(read(&dir, "real/old.jpg"), stripped_jpeg());
    let o = strip(&dir, &["in.jpg", "-o", "dangling.jpg"]);
    assert_eq!(o.status.code(), Some(1));
    let expected = "in.jpg: cannot write dangling.jpg: is a symbolic link to nothing";
    assert!(stderr(&o).starts_with(expected), "{}", stderr(&o));
    assert_eq!(listing(&dir.join("real")), ["old.jpg"]);
}

/// `-o -` writes standard output and `-` reads standard input.
#[test]
fn stdin_to_stdout() {
    let dir = scratch("stdio");
    let mut child = Command::new(bin())
        .args(["-", "-o", "-"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&jpeg()).unwrap();
    let o = finish(child);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(o.stdout, stripped_jpeg());
    assert!(listing(&dir).is_empty());
}

// ---------------------------------------------------------------------------------------
// Inputs that never end or are too large
// ---------------------------------------------------------------------------------------

/// The shell's virtual-memory cap (1 GB): a tool that read a whole endless or 2 GB input
/// would fail under it instead of giving the expected message.
const MEMORY_CAP: &str = "ulimit -v 1000000";

/// `/dev/zero` has no image signature: it is refused after its first bytes.
#[test]
fn dev_zero_is_refused_from_its_first_bytes() {
    let dir = scratch("dev_zero");
    let o = shell(&dir, &format!("{MEMORY_CAP}; exec \"$BIN\" /dev/zero -o z"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "/dev/zero: unknown format: no supported signature at byte 0\n"
    );
    assert!(listing(&dir).is_empty());
}

/// An endless stream that starts like a JPEG is read up to the 32 MiB limit + 1 byte, then
/// refused: bounded memory (under the cap) and time (the test's patience).
#[test]
fn an_endless_jpeg_stream_stops_at_the_byte_limit() {
    let dir = scratch("endless");
    let script = format!(
        "{MEMORY_CAP}; (printf '\\377\\330\\377'; exec cat /dev/zero) | \"$BIN\" - -o z; echo \"rc=$?\" >&2"
    );
    let o = shell(&dir, &script);
    let err = stderr(&o);
    assert!(
        err.starts_with("-: JPEG input size is 33554433, over the maximum 33554432"),
        "{err}"
    );
    assert!(err.ends_with("rc=1\n"), "{err}");
    assert!(listing(&dir).is_empty());
}

/// Two sparse 2 GiB files in a walked folder: one without a signature is skipped as not an
/// image, one that starts like a JPEG is refused by its size; neither is read (the memory
/// cap would stop a tool that read them).
#[test]
fn huge_files_in_a_walked_folder_are_decided_without_reading_them() {
    let dir = scratch("huge");
    put(&dir, &[("in/a.jpg", &jpeg())]);
    let sparse = |name: &str, head: &[u8]| {
        let mut f = fs::File::create(dir.join("in").join(name)).unwrap();
        f.write_all(head).unwrap();
        f.set_len(2 << 30).unwrap();
    };
    sparse("video.mp4", b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom");
    sparse("huge.jpg", &[0xFF, 0xD8, 0xFF]);
    let script = format!("{MEMORY_CAP}; exec \"$BIN\" -r in --out-dir out --report --jobs 2");
    let o = shell(&dir, &script);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "in/huge.jpg: JPEG input size is 2147483648, over the maximum 33554432 (at byte 0)\n"
    );
    let text = stdout(&o);
    let video = text.lines().find(|l| l.contains("video.mp4")).unwrap();
    assert!(
        video.contains(r#""skipped":"not an image (unknown format)""#),
        "{video}"
    );
    assert_eq!(listing(&dir.join("out")), ["a.jpg"]);
}

/// `--ignore-limits` copies an input over the byte limit unchanged, streaming it, and says
/// plainly that its metadata was kept.
#[test]
fn ignore_limits_copies_an_over_size_input_and_warns() {
    let dir = scratch("ignore_size");
    put(&dir, &[("in.jpg", &jpeg())]);
    let o = strip(
        &dir,
        &[
            "in.jpg",
            "-o",
            "out.jpg",
            "--max-bytes",
            "20",
            "--ignore-limits",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&dir, "out.jpg"), jpeg());
    assert!(contains(&read(&dir, "out.jpg"), CANARY));
    assert_eq!(
        stderr(&o),
        "in.jpg: over a limit, copied unchanged: its metadata was NOT removed (--ignore-limits)\n"
    );
    let o = strip(&dir, &["in.jpg", "-o", "out2.jpg", "--max-bytes", "20"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("input size is 79, over the maximum 20"),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(&dir), ["in.jpg", "out.jpg"]);
}

// ---------------------------------------------------------------------------------------
// Output trees
// ---------------------------------------------------------------------------------------

/// With `out/sub -> ../outside`, a walk writes nothing through the link: that file fails,
/// the others are written. A link in the place of an output file is not followed either.
#[test]
fn links_inside_the_output_folder_are_never_followed() {
    use std::os::unix::fs::symlink;
    let dir = scratch("out_links");
    put(
        &dir,
        &[
            ("in/a.jpg", &jpeg()),
            ("in/b.jpg", &jpeg()),
            ("in/sub/c.jpg", &jpeg()),
            ("outside/b.jpg", b"not to be touched"),
        ],
    );
    fs::create_dir(dir.join("out")).unwrap();
    symlink("../outside", dir.join("out/sub")).unwrap();
    symlink("../outside/b.jpg", dir.join("out/b.jpg")).unwrap();
    let o = strip(&dir, &["-r", "in", "--out-dir", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "in/b.jpg: cannot write out/b.jpg: is a symbolic link (not followed)\n\
         in/sub/c.jpg: cannot write out/sub/c.jpg: out/sub is a symbolic link (not followed)\n"
    );
    assert_eq!(listing(&dir.join("outside")), ["b.jpg"]);
    assert_eq!(read(&dir, "outside/b.jpg"), b"not to be touched");
    assert_eq!(read(&dir, "out/a.jpg"), stripped_jpeg());
    assert!(dir.join("out/sub").is_symlink() && dir.join("out/b.jpg").is_symlink());
}

// ---------------------------------------------------------------------------------------
// Temporary files and modes
// ---------------------------------------------------------------------------------------

/// Starts `imgstrip - -o out.jpg --ignore-limits --max-bytes 16` under umask 027, feeding
/// it 5000 bytes that start like a JPEG and keeping its stdin open: it has then created its
/// temporary output and is blocked copying the rest of the input into it.
fn start_blocked_copy(dir: &Path, named: bool) -> Child {
    let mut child = Command::new("sh")
        .args([
            "-c",
            "umask 027; exec \"$BIN\" - -o out.jpg --ignore-limits --max-bytes 16",
        ])
        .env("BIN", bin())
        .env("IMGSTRIP_NAMED_TEMP", if named { "1" } else { "0" })
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = vec![0xFF, 0xD8, 0xFF];
    head.resize(5000, 0);
    child.stdin.as_mut().unwrap().write_all(&head).unwrap();
    child
}

/// The open files of process `pid` that are unnamed files in `dir` (`O_TMPFILE`): their
/// `/proc/PID/fd` links read `DIR/#INODE (deleted)`.
fn unnamed_files(pid: u32, dir: &Path) -> Vec<PathBuf> {
    let dir = fs::canonicalize(dir).unwrap();
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.filter_map(|fd| {
        let fd = fd.ok()?.path();
        let target = fs::read_link(&fd).ok()?;
        let name = target
            .strip_prefix(&dir)
            .ok()?
            .to_string_lossy()
            .into_owned();
        (name.starts_with('#') && name.ends_with("(deleted)")).then_some(fd)
    })
    .collect()
}

/// A named temporary file is created 0600 in the output's folder, and removed on SIGTERM;
/// the output then does not exist.
#[test]
fn a_named_temporary_file_is_0600_and_removed_on_sigterm() {
    let dir = scratch("temp_named");
    let child = start_blocked_copy(&dir, true);
    let temp = wait_for("the temporary file", || {
        let names = listing(&dir);
        names.into_iter().find(|n| n.ends_with(".imgstrip-tmp"))
    });
    assert!(temp.starts_with(".out.jpg."), "{temp}");
    assert_eq!(mode(&dir.join(&temp)), 0o600);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = finish(child);
    assert!(!o.status.success());
    assert!(listing(&dir).is_empty(), "{:?}", listing(&dir));
}

/// An unnamed temporary file (the default on Linux) is 0600 and has no name while it is
/// written: `kill -9` leaves nothing behind. Let run to its end, the output gets the mode a
/// new file gets under the umask (0640 under 027).
#[test]
fn an_unnamed_temporary_file_is_0600_and_leaves_nothing_on_kill_9() {
    if !Path::new("/proc/self/fd").is_dir() {
        eprintln!("skipped: no /proc, so no unnamed temporary files");
        return;
    }
    let dir = scratch("temp_unnamed");
    let mut child = start_blocked_copy(&dir, false);
    let fd = wait_for("the unnamed file", || unnamed_files(child.id(), &dir).pop());
    assert_eq!(fs::metadata(&fd).unwrap().mode() & 0o7777, 0o600);
    assert!(listing(&dir).is_empty(), "no name while written");
    child.kill().unwrap();
    let _ = finish(child);
    assert!(listing(&dir).is_empty(), "{:?}", listing(&dir));

    let mut child = start_blocked_copy(&dir, false);
    wait_for("the unnamed file", || unnamed_files(child.id(), &dir).pop());
    drop(child.stdin.take());
    let o = finish(child);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(listing(&dir), ["out.jpg"]);
    assert_eq!(mode(&dir.join("out.jpg")), 0o640);
    assert_eq!(fs::metadata(dir.join("out.jpg")).unwrap().len(), 5000);
}

/// `--in-place` keeps the original's mode, and its owner and group when the process may
/// set them (as root: a file owned by another user stays theirs).
#[test]
fn in_place_keeps_mode_and_owner() {
    let dir = scratch("in_place_owner");
    put(&dir, &[("a.jpg", &jpeg()), ("b.jpg", &jpeg())]);
    fs::set_permissions(dir.join("a.jpg"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(dir.join("b.jpg"), fs::Permissions::from_mode(0o754)).unwrap();
    let owner = if is_root() {
        std::os::unix::fs::chown(dir.join("b.jpg"), Some(4242), Some(4343)).unwrap();
        (4242, 4343)
    } else {
        let m = fs::metadata(dir.join("b.jpg")).unwrap();
        (m.uid(), m.gid())
    };
    let o = strip(&dir, &["--in-place", "a.jpg", "b.jpg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&dir, "a.jpg"), stripped_jpeg());
    assert_eq!(read(&dir, "b.jpg"), stripped_jpeg());
    assert_eq!(mode(&dir.join("a.jpg")), 0o600);
    assert_eq!(mode(&dir.join("b.jpg")), 0o754);
    let m = fs::metadata(dir.join("b.jpg")).unwrap();
    assert_eq!((m.uid(), m.gid()), owner);
    assert_eq!(listing(&dir), ["a.jpg", "b.jpg"]);
}

// ---------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------

/// A 1×1 GIF of `frames` frames, with an XMP application extension and a comment holding
/// the canary.
fn gif(frames: usize) -> Vec<u8> {
    let mut v = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff".to_vec();
    v.extend_from_slice(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00");
    v.extend_from_slice(b"\x21\xff\x0bXMP DataXMP");
    v.push(u8::try_from(CANARY.len()).unwrap());
    v.extend_from_slice(CANARY);
    v.push(0);
    v.extend_from_slice(b"\x21\xfe");
    v.push(u8::try_from(CANARY.len()).unwrap());
    v.extend_from_slice(CANARY);
    v.push(0);
    for _ in 0..frames {
        v.extend_from_slice(b"\x21\xf9\x04\x00\x0a\x00\x00\x00"); // graphic control
        v.extend_from_slice(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00"); // image descriptor
        v.extend_from_slice(b"\x02\x02\x44\x01\x00"); // LZW: clear, 0, end
    }
    v.push(0x3B);
    v
}

/// A 380-frame GIF full of metadata: refused by default (COS allows 300 frames), copied
/// unchanged with `--ignore-limits`, stripped with `--no-limits` or `--max-frames 400`.
#[test]
fn no_limits_strips_a_gif_over_300_frames() {
    let dir = scratch("gif_frames");
    put(&dir, &[("anim.gif", &gif(380))]);
    let o = strip(&dir, &["anim.gif", "-o", "refused.gif"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("anim.gif: GIF frame count is 301, over the maximum 300"),
        "{}",
        stderr(&o)
    );

    let o = strip(&dir, &["anim.gif", "-o", "kept.gif", "--ignore-limits"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("its metadata was NOT removed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&dir, "kept.gif"), gif(380));

    for (out, flags) in [
        ("a.gif", &["--no-limits"][..]),
        ("b.gif", &["--max-frames", "400"]),
    ] {
        let args = [&["anim.gif", "-o", out, "--report"][..], flags].concat();
        let o = strip(&dir, &args);
        assert!(o.status.success(), "{flags:?}: {}", stderr(&o));
        let stripped = read(&dir, out);
        assert!(!contains(&stripped, CANARY), "{flags:?}");
        assert!(!contains(&stripped, b"XMP DataXMP"), "{flags:?}");
        assert_eq!(stripped.len(), gif(380).len() - 2 * (CANARY.len() + 3) - 14);
        assert!(stdout(&o).contains(r#""frames":380"#), "{}", stdout(&o));
    }
    let o = strip(&dir, &["anim.gif", "-o", "c.gif", "--max-frames", "379"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(listing(&dir), ["a.gif", "anim.gif", "b.gif", "kept.gif"]);
}
