//! Runs the `imgstrip` binary on small files built here from byte literals, in a scratch
//! folder under `CARGO_TARGET_TMPDIR`, and checks exit codes, outputs, stderr messages and
//! the `--report` lines.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

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
        r#"{{"path":"a.jpg","output":"out/a.jpg","format":"JPEG","removed":["exif","comment"],"found":["comment"],"bytes_before":{before},"bytes_after":{after},"bytes_removed":{removed},"width":1,"height":1,"frames":1,"untouched":false,"truncated":false,"not_kept":[]}}"#
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
        assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
    }
    assert_eq!(listing(&dir), ["a.jpg"]);
    let help = strip(&dir, &["--help"]);
    assert!(help.status.success(), "{}", stderr(&help));
    for part in [
        "Usage: imgstrip",
        "--no-limits",
        "--max-frames",
        "Exit status:",
        "  2  usage error",
    ] {
        assert!(stdout(&help).contains(part), "{part:?} not in --help");
    }
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
        "gain-map",
        "Gain_Map,icc",
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
    let o = inspect(&dir, &["a.jpg", "b.png", "--keep", "display"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let removed = jpeg().len() - stripped_jpeg().len();
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    let jpeg_line =
        format!("a.jpg: JPEG 1x1, 1 frame; removes exif, comment ({removed} bytes): comment");
    assert_eq!(lines[0], jpeg_line);
    assert!(
        lines[1].starts_with("b.png: PNG 1x1, 1 frame; removes text ("),
        "{text}"
    );
    let o = inspect(&dir, &["c.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("c.txt: unknown format"),
        "{}",
        stderr(&o)
    );
    assert_eq!(inspect(&dir, &[]).status.code(), Some(2));
    assert_eq!(listing(&dir), ["a.jpg", "b.png", "c.txt"]);
}

// ---------------------------------------------------------------------------------------
// Batches: folders, parallel work, summary
// ---------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn recursive_keeps_the_tree_and_never_follows_links() {
    let dir = scratch("recursive");
    tree(&dir);
    let o = strip(&dir, &["-r", "in", "--out-dir", "out", "--report"]);
    assert_eq!(o.status.code(), Some(1), "bad.jpg fails: {}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("in/bad.jpg: truncated JPEG at byte "),
        "{err}"
    );
    assert_eq!(
        err.lines().count(),
        1,
        "not a terminal: no progress, no summary: {err}"
    );
    assert_eq!(listing(&dir.join("out")), ["a.jpg", "sub"]);
    assert_eq!(listing(&dir.join("out/sub")), ["b.png", "deeper"]);
    assert_eq!(read(&dir, "out/a.jpg"), stripped_jpeg());
    assert_eq!(read(&dir, "out/sub/b.png"), png().1);
    assert_eq!(read(&dir, "out/sub/deeper/c.jpg"), stripped_jpeg());
    // One line per entry, in name order, whatever order the threads finished in.
    let text = stdout(&o);
    let paths: Vec<&str> = text
        .lines()
        .map(|l| l.split('"').nth(3).unwrap_or(""))
        .collect();
    let expected = [
        "in/a.jpg",
        "in/alias.jpg",
        "in/bad.jpg",
        "in/linkdir",
        "in/notes.txt",
        "in/sub/b.png",
        "in/sub/deeper/c.jpg",
        "in/sub/link.jpg",
    ];
    assert_eq!(paths, expected, "{text}");
    let line = |path: &str| text.lines().find(|l| l.contains(path)).unwrap();
    assert!(line("alias").contains(r#""skipped":"symbolic link, not followed""#));
    assert!(line("linkdir").contains(r#""skipped":"symbolic link"#));
    assert!(line("notes").contains(r#""skipped":"not an image (unknown format)""#));
    assert!(line("bad.jpg").contains(r#""error":"truncated JPEG"#));
    assert!(line("c.jpg").contains(r#""output":"out/sub/deeper/c.jpg""#));
    assert_eq!(
        read(&dir, "outside.jpg"),
        jpeg(),
        "a link's target is left alone"
    );
}

#[cfg(unix)]
#[test]
fn recursive_in_place_strips_the_tree_only() {
    let dir = scratch("recursive_in_place");
    tree(&dir);
    let o = strip(&dir, &["--recursive", "--in-place", "in"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(read(&dir, "in/a.jpg"), stripped_jpeg());
    assert_eq!(read(&dir, "in/sub/b.png"), png().1);
    assert_eq!(read(&dir, "in/sub/deeper/c.jpg"), stripped_jpeg());
    assert_eq!(read(&dir, "in/bad.jpg"), BAD_JPEG);
    assert_eq!(read(&dir, "in/notes.txt"), b"hello");
    assert_eq!(read(&dir, "outside.jpg"), jpeg());
    assert_eq!(read(&dir, "outdir/d.jpg"), jpeg());
    let links = ["in/alias.jpg", "in/linkdir", "in/sub/link.jpg"];
    assert!(
        links.iter().all(|l| dir.join(l).is_symlink()),
        "links stay links"
    );
}

#[test]
fn a_folder_needs_recursive() {
    let dir = scratch("folder");
    put(&dir, &[("in/a.jpg", &jpeg()), ("out/x", b"")]);
    let o = strip(&dir, &["in", "--out-dir", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "in: is a folder (use --recursive)\n");
    let o = strip(&dir, &["-r", "in", "-o", "one.jpg"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "-o takes one file: {}",
        stderr(&o)
    );
    assert_eq!(listing(&dir), ["in", "out"]);
}

#[test]
fn many_files_in_parallel_keep_input_order() {
    let dir = scratch("parallel");
    let names: Vec<String> = (0..120).map(|i| format!("in/f{i:03}.jpg")).collect();
    let files: Vec<(&str, Vec<u8>)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.as_str(),
                if i % 7 == 3 {
                    BAD_JPEG.to_vec()
                } else {
                    jpeg()
                },
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, &b[..])).collect();
    put(&dir, &refs);
    fs::create_dir(dir.join("out")).unwrap();
    let o = strip(
        &dir,
        &["-r", "in", "--out-dir", "out", "--report", "--jobs", "4"],
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), names.len());
    let bad: Vec<&String> = names.iter().skip(3).step_by(7).collect();
    for (line, name) in lines.iter().zip(&names) {
        assert!(
            line.starts_with(&format!("{{\"path\":\"{name}\"")),
            "{line}"
        );
        assert_eq!(line.contains("\"error\""), bad.contains(&name), "{line}");
    }
    let err = stderr(&o);
    let failed: Vec<&str> = err.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(failed, bad, "failures in input order");
    assert_eq!(listing(&dir.join("out")).len(), names.len() - bad.len());
}

#[test]
fn summary_counts_files_bytes_kinds_and_failures() {
    let dir = scratch("summary");
    put(
        &dir,
        &[
            ("in/a.jpg", &jpeg()),
            ("in/b.png", &png().0),
            ("in/bad.jpg", BAD_JPEG),
            ("in/notes.txt", b"hello"),
        ],
    );
    let o = strip(&dir, &["-r", "in", "--dry-run", "--summary"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let removed = jpeg().len() - stripped_jpeg().len() + png().0.len() - png().1.len();
    for part in [
        "imgstrip: 4 files in ",
        ": 2 stripped, 1 skipped, 1 failed\n",
        &format!(" {removed} B removed ("),
        "  formats: JPEG 1, PNG 1\n",
        "  removed (files): exif 1, comment 1, text 1\n",
        "  skipped: 1 not images, 0 symbolic links\n",
        "  failed: 1 (listed above)\n",
    ] {
        assert!(err.contains(part), "{part:?} not in:\n{err}");
    }
    let quiet = strip(&dir, &["-r", "in", "--dry-run", "--summary", "--quiet"]);
    assert!(stderr(&quiet).starts_with("in/bad.jpg: ") && stderr(&quiet).lines().count() == 1);
}

/// On a terminal (a pseudo-terminal from util-linux `script`, when installed), stderr shows
/// the progress line, cleared before the summary.
#[cfg(unix)]
#[test]
fn progress_and_summary_on_a_terminal() {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("skipped: no /usr/bin/script to make a terminal");
        return;
    }
    let dir = scratch("terminal");
    put(&dir, &[("in/a.jpg", &jpeg()), ("in/b.png", &png().0)]);
    let command = format!("{} -r in --dry-run --jobs 1", bin().display());
    let o = Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // `script` merges the streams of the terminal into its stdout.
    let screen = String::from_utf8_lossy(&o.stdout);
    // The bar is drawn at least once (how often depends on indicatif's rate limit).
    assert!(screen.contains("/2 files  "), "{screen:?}");
    assert!(screen.contains("\x1b[2K"), "the bar is cleared: {screen:?}");
    assert!(screen.contains("imgstrip: 2 files in "), "{screen:?}");
    assert_eq!(screen.matches("{\"path\"").count(), 2, "{screen:?}");
    for (at, _) in screen.match_indices("{\"path\"") {
        let before = &screen[..at];
        let clean = before.is_empty() || before.ends_with('\n') || before.ends_with("\x1b[1A");
        assert!(
            clean,
            "a report line starts on a line of its own: {screen:?}"
        );
    }
}

/// A named pipe reports size 0 and holds more: the input is read to its end, not cut at
/// the size its metadata gave. An existing output is replaced.
#[cfg(unix)]
#[test]
fn reads_an_input_longer_than_its_size_to_the_end() {
    let dir = scratch("fifo");
    let fifo = dir.join("in.jpg");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    put(&dir, &[("out.jpg", b"old output")]);
    let writer = std::thread::spawn(move || fs::write(fifo, jpeg()).unwrap());
    let o = strip(&dir, &["in.jpg", "-o", "out.jpg"]);
    writer.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&dir, "out.jpg"), stripped_jpeg());
    assert_eq!(listing(&dir), ["in.jpg", "out.jpg"]);
}

/// Inputs from 2 MiB on are read into memory that asks for huge pages, aligned to 2 MiB;
/// several of them in one run share the worker's buffers, largest last and first.
#[test]
fn large_inputs_strip_whole_through_reused_buffers() {
    let dir = scratch("large");
    let big = |mib: usize| {
        let scan = JPEG_IMAGE.len() - 2;
        let mut image = JPEG_IMAGE[..scan].to_vec();
        image.extend((0..mib << 20).map(|i| (i % 251) as u8 & 0x7F));
        image.extend_from_slice(&JPEG_IMAGE[scan..]);
        let mut input = jpeg();
        input.truncate(input.len() - JPEG_IMAGE.len());
        input.extend_from_slice(&image);
        ([&[0xFF, 0xD8][..], &image].concat(), input)
    };
    let cases = [("a.jpg", 5), ("b.jpg", 1), ("c.jpg", 3), ("d.jpg", 7)];
    for (name, mib) in cases {
        put(&dir, &[(name, &big(mib).1)]);
    }
    fs::create_dir(dir.join("out")).unwrap();
    let o = strip(
        &dir,
        &[
            "a.jpg",
            "b.jpg",
            "c.jpg",
            "d.jpg",
            "--out-dir",
            "out",
            "-j",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for (name, mib) in cases {
        let out = read(&dir.join("out"), name);
        assert!(out == big(mib).0, "{name}: {} bytes", out.len());
    }
}

/// The README's first command prints what the README shows (run with `--summary`, as a
/// terminal would see it), and its output holds none of the sample's metadata.
#[test]
fn the_readmes_first_command_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let dir = scratch("readme");
    let out = dir.join("clean.jpg");
    let o = Command::new(bin())
        .args(["examples/data/sample.jpg", "-o"])
        .arg(&out)
        .arg("--summary")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stderr(&o).replace(out.to_str().unwrap(), "/tmp/clean.jpg");
    let line = shown.trim_end();
    assert!(
        readme.contains(&format!("\n{line}\n")),
        "README does not show: {line}"
    );
    let clean = fs::read(&out).unwrap();
    for secret in ["Jane Example", "SN-0042-SAMPLE", "Paris", "GPS"] {
        assert!(!contains(&clean, secret.as_bytes()), "{secret}");
    }
}

#[test]
fn verify_exits_1_while_metadata_is_left_and_0_on_the_outputs() {
    let dir = scratch("verify");
    put(&dir, &[("a.jpg", &jpeg()), ("b.png", &png().0)]);
    let verify = |args: &[&str]| {
        Command::new(bin())
            .arg("verify")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let o = verify(&["a.jpg", "b.png"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("a.jpg: JPEG still holds exif, comment ("),
        "{text}"
    );
    assert!(text.contains("\nb.png: PNG still holds text ("), "{text}");

    let o = strip(&dir, &["a.jpg", "b.png", "--out-dir", "out", "--verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = verify(&["out/a.jpg", "out/b.png"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "out/a.jpg: clean\nout/b.png: clean\n");
    // Not an image: it cannot be called clean.
    put(&dir, &[("c.txt", b"text")]);
    let o = verify(&["out/a.jpg", "c.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("c.txt: cannot verify: unknown format"),
        "{}",
        stdout(&o)
    );
}
