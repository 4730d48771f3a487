//! `strip`: remove metadata from image files without touching their pixels.
//!
//! ```text
//! strip IN -o OUT                 strip one file into OUT
//! strip IN... --out-dir DIR       strip each file into DIR/<its file name>
//! strip --in-place IN...          replace each file by its stripped version
//!
//! --keep LIST      keep what LIST names: orientation, icc, display (= orientation,icc)
//! --ignore-limits  copy a file over a size limit unchanged instead of failing (it keeps
//!                  its metadata; a warning on stderr says so)
//! --report         print one JSON line per file on stdout
//! --dry-run        print the report lines and write nothing (-o/--out-dir optional)
//! ```
//!
//! Run it with `cargo run --release --example strip -- IN -o OUT`.
//!
//! Errors go to stderr as `PATH: message`. The exit status is 0 when every file was stripped,
//! 1 when any file failed, and 2 on bad usage. Each output is written to a temporary file
//! beside the target and renamed over it, so a failure never leaves a half-written output
//! (the temporary file is removed); with `--in-place` it is flushed to disk before the rename,
//! so a crash cannot lose both versions. An input is never overwritten unless `--in-place` is
//! given; `--in-place` follows symbolic links and keeps the file's permissions (other hard
//! links to the file keep the old bytes, as with any rename-based tool). A second input that
//! would land on an output path already written in the same run fails. A failed file gets a
//! `{"path":…,"error":…}` report line, so every input has exactly one line.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use imgstrip::{Keep, Report, Stripper};

const USAGE: &str = "usage: strip IN -o OUT
       strip IN... --out-dir DIR
       strip --in-place IN...
options: --keep orientation,icc,display  --ignore-limits  --report  --dry-run  --help";

/// Where the outputs go.
#[derive(Debug, PartialEq)]
enum Dest {
    Output(PathBuf),
    OutDir(PathBuf),
    InPlace,
    /// `--dry-run` without a destination: report only.
    Nowhere,
}

#[derive(Debug)]
struct Args {
    inputs: Vec<PathBuf>,
    dest: Dest,
    keep: Keep,
    ignore_limits: bool,
    report: bool,
    dry_run: bool,
}

fn main() -> ExitCode {
    let args = match parse_args(lexopt::Parser::from_env()) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("strip: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stripper = Stripper::new()
        .keep(args.keep)
        .ignore_limit_errors(args.ignore_limits);
    let mut written = HashSet::new();
    let mut failed = false;
    for input in &args.inputs {
        let line = strip_file(&stripper, &args, input, &mut written).unwrap_or_else(|msg| {
            eprintln!("{}: {msg}", input.display());
            failed = true;
            format!(
                "{{\"path\":{},\"error\":{}}}",
                json_path(input),
                json_string(&msg)
            )
        });
        if args.report {
            println!("{line}");
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Parses the command line; `Ok(None)` means `--help`.
fn parse_args(mut parser: lexopt::Parser) -> Result<Option<Args>, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut inputs, mut output, mut out_dir) = (Vec::new(), None, None);
    let (mut in_place, mut keep, mut ignore_limits) = (false, Keep::empty(), false);
    let (mut report, mut dry_run) = (false, false);
    while let Some(arg) = parser.next()? {
        match arg {
            Short('o') | Long("output") => output = Some(PathBuf::from(parser.value()?)),
            Long("out-dir") => out_dir = Some(PathBuf::from(parser.value()?)),
            Long("in-place") => in_place = true,
            Long("keep") => keep |= parse_keep(&parser.value()?.string()?)?,
            Long("ignore-limits") => ignore_limits = true,
            Long("report") => report = true,
            Long("dry-run") => dry_run = true,
            Short('h') | Long("help") => return Ok(None),
            Value(v) => inputs.push(PathBuf::from(v)),
            _ => return Err(arg.unexpected()),
        }
    }
    if inputs.is_empty() {
        return Err("no input files".into());
    }
    let dest = match (output, out_dir, in_place) {
        (Some(_), _, _) if inputs.len() > 1 => {
            return Err("-o takes one input; use --out-dir for several".into())
        }
        (Some(o), None, false) => Dest::Output(o),
        (None, Some(d), false) => Dest::OutDir(d),
        (None, None, true) => Dest::InPlace,
        (None, None, false) if dry_run => Dest::Nowhere,
        (None, None, false) => return Err("say where to write: -o, --out-dir or --in-place".into()),
        _ => return Err("-o, --out-dir and --in-place exclude each other".into()),
    };
    // A dry run exists to show what would happen, so it always reports.
    let report = report || dry_run;
    let args = Args {
        inputs,
        dest,
        keep,
        ignore_limits,
        report,
        dry_run,
    };
    Ok(Some(args))
}

/// `orientation,icc` → flags; `display` is both.
fn parse_keep(list: &str) -> Result<Keep, String> {
    let mut keep = Keep::empty();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        keep |= match name.to_ascii_lowercase().as_str() {
            "orientation" => Keep::ORIENTATION,
            "icc" => Keep::ICC,
            "display" => Keep::DISPLAY,
            _ => {
                return Err(format!(
                    "--keep: unknown {name:?} (orientation, icc, display)"
                ))
            }
        };
    }
    Ok(keep)
}

/// Strips one file and returns its report line; the error is the message after `PATH: `.
fn strip_file(
    stripper: &Stripper,
    args: &Args,
    input: &Path,
    written: &mut HashSet<PathBuf>,
) -> Result<String, String> {
    let data = fs::read(input).map_err(|e| format!("cannot read: {e}"))?;
    let stripped = stripper.strip(&data).map_err(|e| e.to_string())?;
    if stripped.report.untouched {
        let path = input.display();
        eprintln!("{path}: over a limit, copied unchanged (its metadata was NOT removed)");
    }
    let target = target_for(&args.dest, input)?;
    if let Some(target) = &target {
        check_target(args, target, written)?;
        if !args.dry_run {
            let perms_from = (args.dest == Dest::InPlace).then_some(input);
            write_atomically(target, &stripped.data, perms_from)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        }
    }
    let out = target.filter(|_| !args.dry_run);
    let sizes = (data.len(), stripped.data.len());
    Ok(report_json(input, out.as_deref(), &stripped.report, sizes))
}

/// The path the output goes to, `None` for a report-only dry run.
fn target_for(dest: &Dest, input: &Path) -> Result<Option<PathBuf>, String> {
    Ok(match dest {
        Dest::Output(o) => Some(o.clone()),
        Dest::OutDir(dir) => Some(dir.join(input.file_name().ok_or("input has no file name")?)),
        // Follow a symbolic link, so the link stays and the file it names is stripped.
        Dest::InPlace => Some(fs::canonicalize(input).map_err(|e| format!("cannot resolve: {e}"))?),
        Dest::Nowhere => None,
    })
}

/// Refuses to overwrite an input (unless in place) or an output written earlier in this run.
/// Paths are compared after resolving links; a hard link to an input is safe to replace,
/// since the rename gives the target path a new file and leaves the input's bytes alone.
fn check_target(args: &Args, target: &Path, written: &mut HashSet<PathBuf>) -> Result<(), String> {
    let resolved = resolve(target);
    let shown = target.display();
    if args.dest != Dest::InPlace
        && args
            .inputs
            .iter()
            .any(|i| fs::canonicalize(i).is_ok_and(|i| i == resolved))
    {
        return Err(format!(
            "refusing to overwrite input file {shown} (use --in-place)"
        ));
    }
    if !written.insert(resolved) {
        return Err(format!("{shown} was already written for an earlier input"));
    }
    Ok(())
}

/// `path` with links resolved; for a file yet to be written, its folder's resolved path.
fn resolve(path: &Path) -> PathBuf {
    let in_dir = || Some(fs::canonicalize(dir_of(path)).ok()?.join(path.file_name()?));
    fs::canonicalize(path)
        .ok()
        .or_else(in_dir)
        .unwrap_or_else(|| path.to_path_buf())
}

/// The folder `path` is in (`.` for a bare file name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file that is removed when dropped, unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes `data` to a new file beside `target`, then renames it over `target`.
fn write_atomically(target: &Path, data: &[u8], perms_from: Option<&Path>) -> io::Result<()> {
    let (mut file, mut temp) = create_temp(target)?;
    file.write_all(data)?;
    if let Some(input) = perms_from {
        file.set_permissions(fs::metadata(input)?.permissions())?;
        // In place, the rename replaces the only copy of the original: the new bytes must be
        // on disk first, or a crash could leave neither. A new output risks nothing that
        // was there before, and skipping the flush keeps the tool as fast as `cp`.
        file.sync_all()?;
    }
    drop(file);
    fs::rename(&temp.path, target)?;
    temp.armed = false;
    Ok(())
}

/// Creates `.NAME.PID-N.strip-tmp` in the target's directory, with a fresh N if taken.
fn create_temp(target: &Path) -> io::Result<(File, TempFile)> {
    let dir = dir_of(target);
    let name = target
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    let pid = std::process::id();
    for n in 0..1000 {
        let path = dir.join(format!(".{name}.{pid}-{n}.strip-tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, TempFile { path, armed: true })),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    ))
}

/// `{"path":…,"output":…,"format":…,"removed":[…],"bytes_before":…,…}`; `output` is null
/// when nothing was written.
fn report_json(input: &Path, out: Option<&Path>, r: &Report, sizes: (usize, usize)) -> String {
    let output = out.map_or("null".into(), json_path);
    let kinds: Vec<String> = r
        .removed
        .iter_names()
        .map(|(name, _)| json_string(&name.to_ascii_lowercase()))
        .collect();
    format!(
        "{{\"path\":{},\"output\":{output},\"format\":{},\"removed\":[{}],\
         \"bytes_before\":{},\"bytes_after\":{},\"bytes_removed\":{},\"width\":{},\
         \"height\":{},\"frames\":{},\"untouched\":{},\"truncated\":{}}}",
        json_path(input),
        json_string(r.format.name()),
        kinds.join(","),
        sizes.0,
        sizes.1,
        r.bytes_removed,
        r.width,
        r.height,
        r.frames,
        r.untouched,
        r.truncated,
    )
}

/// A path as a JSON string; bytes that are not UTF-8 become U+FFFD.
fn json_path(path: &Path) -> String {
    json_string(&path.to_string_lossy())
}

/// A JSON string literal (RFC 8259 § 7): quotes, backslashes and control characters escaped.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
