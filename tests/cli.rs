//! Runs the `strip` and `inspect` example binaries on small files built here from byte
//! literals, in a scratch folder under `CARGO_TARGET_TMPDIR`, and checks exit codes, outputs,
//! stderr messages and the `--report` lines.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const CANARY: &[u8] = b"CANARY-7f3a";

/// Builds the examples once (a plain `cargo test --test cli` would not) and returns the path
/// of one: `<target>/<profile>/examples/NAME`, beside this test's `deps` folder.
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    BUILT.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args("build --quiet --example strip --example inspect".split(' '));
        cargo.arg("--manifest-path").arg(manifest);
        if profile_dir.ends_with("release") {
            cargo.arg("--release");
        }
        let out = cargo.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    let bin = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --examples`",
        bin.display()
    );
    bin
}

/// A fresh empty folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs an example in `dir` (paths in `args` are relative to it).
fn run(bin: &str, dir: &Path, args: &[&str]) -> Output {
    let o = Command::new(example(bin))
        .args(args)
        .current_dir(dir)
        .output();
    o.unwrap()
}

fn strip(dir: &Path, args: &[&str]) -> Output {
    run("strip", dir, args)
}

/// Writes each `(name, bytes)` into `dir`, creating folders on the way.
fn put(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    fs::read(dir.join(name)).unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The image units of the test JPEG: SOF0 1×1, SOS, entropy-coded data, EOI.
const JPEG_IMAGE: &[u8] = &[
    0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, // SOF0
    0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, // SOS
    0x12, 0x34, // entropy-coded data
    0xFF, 0xD9, // EOI
];

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 2).unwrap();
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(body);
    s
}

/// SOI, APP1 Exif (an empty little-endian IFD followed by the canary), COM canary, image.
fn jpeg() -> Vec<u8> {
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(CANARY);
    let mut v = vec![0xFF, 0xD8];
    v.extend(segment(0xE1, &exif));
    v.extend(segment(0xFE, CANARY));
    v.extend_from_slice(JPEG_IMAGE);
    v
}

fn stripped_jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    v.extend_from_slice(JPEG_IMAGE);
    v
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(body);
    c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
    c
}

/// A 1×1 grey PNG with a tEXt chunk holding the canary; also returns the stripped form.
fn png() -> (Vec<u8>, Vec<u8>) {
    let sig = b"\x89PNG\r\n\x1a\n".to_vec();
    let ihdr = chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    // zlib: one stored block holding filter byte 0 and pixel 0, then the Adler-32.
    let idat = chunk(
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0, 0, 0, 2, 0, 1],
    );
    let iend = chunk(b"IEND", &[]);
    let mut text = b"Author\0".to_vec();
    text.extend_from_slice(CANARY);
    let full = [&sig[..], &ihdr, &chunk(b"tEXt", &text), &idat, &iend].concat();
    let stripped = [sig, ihdr, idat, iend].concat();
    (full, stripped)
}

#[test]
fn strips_jpeg_to_output() {
    let dir = scratch("jpeg_output");
    put(&dir, &[("in.jpg", &jpeg())]);
    let o = strip(&dir, &["in.jpg", "-o", "out.jpg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&dir, "out.jpg"), stripped_jpeg());
    assert_eq!(read(&dir, "in.jpg"), jpeg(), "input untouched");
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    assert_eq!(
        listing(&dir),
        ["in.jpg", "out.jpg"],
        "no temporary file left"
    );
}

#[test]
fn strips_png_text() {
    let dir = scratch("png_output");
    put(&dir, &[("in.png", &png().0)]);
    let o = strip(&dir, &["in.png", "-o", "sub/../out.png"]);
    assert_eq!(o.status.code(), Some(1), "sub/ does not exist");
    fs::create_dir(dir.join("sub")).unwrap();
    let o = strip(&dir, &["in.png", "-o", "sub/../out.png"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!contains(&read(&dir, "out.png"), CANARY));
    assert_eq!(read(&dir, "out.png"), png().1);
}

#[test]
fn out_dir_writes_each_input_by_name() {
    let dir = scratch("out_dir");
    put(
        &dir,
        &[("a.jpg", &jpeg()), ("in/b.png", &png().0), ("out/x", b"")],
    );
    let o = strip(&dir, &["a.jpg", "in/b.png", "--out-dir", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(listing(&dir.join("out")), ["a.jpg", "b.png", "x"]);
    assert_eq!(read(&dir, "out/a.jpg"), stripped_jpeg());
    assert_eq!(read(&dir, "out/b.png"), png().1);
}

#[test]
fn in_place_replaces_inputs_and_leaves_no_temp() {
    let dir = scratch("in_place");
    put(&dir, &[("a.jpg", &jpeg()), ("b.png", &png().0)]);
    let o = strip(&dir, &["--in-place", "a.jpg", "b.png"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&dir, "a.jpg"), stripped_jpeg());
    assert_eq!(read(&dir, "b.png"), png().1);
    assert_eq!(listing(&dir), ["a.jpg", "b.png"]);
}

#[test]
fn dry_run_writes_nothing_and_reports() {
    let dir = scratch("dry_run");
    put(&dir, &[("in.jpg", &jpeg()), ("out/x", b"")]);
    for args in [
        &["--dry-run", "in.jpg", "-o", "out.jpg"][..],
        &["--dry-run", "in.jpg", "--out-dir", "out"],
        &["--dry-run", "--in-place", "in.jpg"],
        &["--dry-run", "in.jpg"],
    ] {
        let o = strip(&dir, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let text = stdout(&o);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains(r#""output":null"#), "{text}");
        assert!(text.contains(r#""removed":["exif","comment"]"#), "{text}");
    }
    assert_eq!(listing(&dir), ["in.jpg", "out"]);
    assert_eq!(listing(&dir.join("out")), ["x"]);
    assert_eq!(read(&dir, "in.jpg"), jpeg());
}

#[test]
fn report_prints_one_json_line_per_file() {
    let dir = scratch("report");
    put(
        &dir,
        &[("a.jpg", &jpeg()), ("b.png", &png().0), ("out/x", b"")],
    );
    let o = strip(&dir, &["--report", "a.jpg", "b.png", "--out-dir", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let (before, after) = (jpeg().len(), stripped_jpeg().len());
    let removed = before - after;
    let expected = format!(
        r#"{{"path":"a.jpg","output":"out/a.jpg","format":"JPEG","removed":["exif","comment"],"bytes_before":{before},"bytes_after":{after},"bytes_removed":{removed},"width":1,"height":1,"frames":1,"untouched":false,"truncated":false}}"#
    );
    assert_eq!(lines[0], expected);
    let png_fields = r#""output":"out/b.png","format":"PNG","removed":["text"]"#;
    assert!(lines[1].contains(png_fields), "{}", lines[1]);
}

#[cfg(unix)]
#[test]
fn report_escapes_paths() {
    let dir = scratch("escape");
    put(&dir, &[("q\"b\\s\tt\u{1}é.jpg", &jpeg())]);
    let o = strip(&dir, &["--dry-run", "q\"b\\s\tt\u{1}é.jpg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with(r#"{"path":"q\"b\\s\tt\u0001é.jpg","#),
        "{text}"
    );
}

#[test]
fn bad_file_fails_with_path_message_and_no_output() {
    let dir = scratch("bad_file");
    let truncated: &[u8] = &[0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x40, b'x'];
    put(&dir, &[("bad.jpg", truncated), ("good.jpg", &jpeg())]);
    put(&dir, &[("notes.txt", b"hello"), ("out/x", b"")]);
    let args = ["--report", "bad.jpg", "good.jpg", "notes.txt", "gone.jpg"];
    let o = strip(&dir, &[&args[..], &["--out-dir", "out"]].concat());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("bad.jpg: truncated JPEG at byte "),
        "{err}"
    );
    assert!(lines[1].starts_with("notes.txt: unknown format"), "{err}");
    assert!(lines[2].starts_with("gone.jpg: cannot read"), "{err}");
    assert_eq!(lines.len(), 3);
    assert_eq!(listing(&dir.join("out")), ["good.jpg", "x"]);
    let out = stdout(&o);
    assert!(
        out.starts_with(r#"{"path":"bad.jpg","error":"truncated JPEG"#),
        "{out}"
    );
    assert_eq!(out.lines().count(), 4);
}

#[test]
fn failed_rename_leaves_no_temp_file() {
    let dir = scratch("rename_fails");
    put(&dir, &[("in.jpg", &jpeg()), ("out.jpg/keep", b"x")]);
    let o = strip(&dir, &["in.jpg", "-o", "out.jpg"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("in.jpg: cannot write out.jpg: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(&dir), ["in.jpg", "out.jpg"]);
    assert_eq!(listing(&dir.join("out.jpg")), ["keep"]);
}

#[test]
fn refuses_to_overwrite_an_input_or_an_earlier_output() {
    let dir = scratch("overwrite");
    put(
        &dir,
        &[
            ("a.jpg", &jpeg()),
            ("x/c.jpg", &jpeg()),
            ("y/c.jpg", &jpeg()),
        ],
    );
    for args in [
        &["a.jpg", "-o", "./a.jpg"][..],
        &["a.jpg", "--out-dir", "."],
    ] {
        let o = strip(&dir, args);
        assert_eq!(o.status.code(), Some(1));
        let expected = "a.jpg: refusing to overwrite input file";
        assert!(stderr(&o).starts_with(expected), "{}", stderr(&o));
    }
    assert_eq!(read(&dir, "a.jpg"), jpeg());
    fs::create_dir(dir.join("out")).unwrap();
    let o = strip(&dir, &["x/c.jpg", "y/c.jpg", "--out-dir", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("y/c.jpg: out/c.jpg was already written"));
    assert_eq!(listing(&dir), ["a.jpg", "out", "x", "y"]);
    assert_eq!(listing(&dir.join("out")), ["c.jpg"]);
}

#[test]
fn bad_usage_exits_2_with_usage() {
    let dir = scratch("usage");
    put(&dir, &[("a.jpg", &jpeg())]);
    for args in [
        &[][..],
        &["a.jpg"],
        &["a.jpg", "a.jpg", "-o", "out.jpg"],
        &["a.jpg", "-o", "out.jpg", "--in-place"],
        &["a.jpg", "--out-dir", "d", "--in-place"],
        &["a.jpg", "-o", "out.jpg", "--keep", "gps"],
        &["a.jpg", "-o", "out.jpg", "--frobnicate"],
        &["a.jpg", "-o"],
    ] {
        let o = strip(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("usage: strip"), "{}", stderr(&o));
    }
    assert_eq!(listing(&dir), ["a.jpg"]);
    let help = strip(&dir, &["--help"]);
    assert!(help.status.success() && stdout(&help).starts_with("usage: strip"));
}

#[test]
fn keep_names_are_accepted() {
    let dir = scratch("keep");
    put(&dir, &[("a.jpg", &jpeg())]);
    for keep in [
        "orientation,icc",
        "display",
        "ICC",
        "orientation",
        "icc,display",
    ] {
        let o = strip(&dir, &["a.jpg", "-o", "out.jpg", "--keep", keep]);
        assert!(o.status.success(), "{keep}: {}", stderr(&o));
        assert_eq!(read(&dir, "out.jpg"), stripped_jpeg(), "{keep}");
    }
}

#[test]
fn inspect_prints_report_and_writes_nothing() {
    let dir = scratch("inspect");
    put(
        &dir,
        &[("a.jpg", &jpeg()), ("b.png", &png().0), ("c.txt", b"text")],
    );
    let o = run("inspect", &dir, &["a.jpg", "b.png", "--keep", "display"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let removed = jpeg().len() - stripped_jpeg().len();
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    let jpeg_line = format!("a.jpg: JPEG 1x1, 1 frame; removes exif, comment ({removed} bytes)");
    assert_eq!(lines[0], jpeg_line);
    assert!(
        lines[1].starts_with("b.png: PNG 1x1, 1 frame; removes text ("),
        "{text}"
    );
    let o = run("inspect", &dir, &["c.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("c.txt: unknown format"),
        "{}",
        stderr(&o)
    );
    assert_eq!(run("inspect", &dir, &[]).status.code(), Some(2));
    assert_eq!(listing(&dir), ["a.jpg", "b.png", "c.txt"]);
}
