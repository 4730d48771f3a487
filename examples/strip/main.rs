//! `strip`: remove metadata from image files without touching their pixels.
//!
//! ```text
//! strip IN -o OUT                 strip one file into OUT
//! strip IN... --out-dir DIR       strip each file into DIR/<its file name>
//! strip --in-place IN...          replace each file by its stripped version
//! strip -r FOLDER... --out-dir DIR    strip a whole tree into DIR/<path inside FOLDER>
//!
//! -r, --recursive  walk folders given as inputs
//! --keep LIST      keep what LIST names: orientation, icc, display (= orientation,icc)
//! --ignore-limits  copy a file over a size limit unchanged instead of failing (it keeps
//!                  its metadata; a warning on stderr says so)
//! --report         print one JSON line per file on stdout
//! --dry-run        print the report lines and write nothing (-o/--out-dir optional)
//! --jobs N         strip N files at a time (default: one per core)
//! --summary        print the closing summary even when stderr is not a terminal
//! --quiet          no progress line and no summary, even on a terminal
//! ```
//!
//! Run it with `cargo run --release --example strip -- IN -o OUT`.
//!
//! Errors go to stderr as `PATH: message`, in the order of the inputs. The exit status is 0
//! when every file was stripped, 1 when any file failed, and 2 on bad usage. Files are
//! stripped in parallel, one per core; a failure on one file does not stop the others. On a
//! terminal, stderr shows a progress line (files, bytes, rate) and a closing summary (files,
//! bytes removed, formats, kinds removed, skips, failures); when stderr is not a terminal both
//! are left out (`--summary` asks for the summary anyway).
//!
//! Each output is written to a temporary file beside the target and renamed into place, so a
//! failure never leaves a half-written output (the temporary file is removed). An existing
//! output that is not the input is removed just before the rename (renaming over it made
//! ext4 write the new data out first, doubling the time of a one-file run): a reader may see
//! no file for a moment, never a half-written one. With `--in-place` the new bytes are
//! flushed to disk and renamed over the original. An input is
//! never overwritten unless `--in-place` is given; `--in-place` follows symbolic links given
//! on the command line and keeps the file's permissions (other hard links to the file keep
//! the old bytes, as with any rename-based tool). Two inputs that would land on the same
//! output path: the later one fails (decided before any file is written, so the outcome does
//! not depend on timing). Every input has exactly one report line: a failed file gets
//! `{"path":…,"error":…}`.
//!
//! Walking a folder (`-r`): entries are taken in name order; symbolic links inside the tree
//! are never followed (not to files, not to folders, whether they point in or out of the
//! tree) and are reported as skipped; so are files that are not images (unknown format:
//! sidecars, notes), which do not count as failures, since a photo folder holds them. With
//! `--out-dir` the tree's layout is kept below DIR, folders created as needed. A folder given
//! without `-r` fails.

mod buffers;
#[path = "../common/keep.rs"]
mod keep;
mod output;
mod plan;
mod run;

use std::path::PathBuf;
use std::process::ExitCode;

use imgstrip::{Keep, Stripper};
use keep::parse_keep;

const USAGE: &str = "usage: strip IN -o OUT
       strip IN... --out-dir DIR
       strip --in-place IN...
options: -r/--recursive  --keep orientation,icc,display  --ignore-limits  --report  --dry-run
         --jobs N  --summary  --quiet  --help";

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
    recursive: bool,
    jobs: usize,
    /// `Some(true)`: summary even off a terminal; `Some(false)`: never (`--quiet`).
    summary: Option<bool>,
}

fn main() -> ExitCode {
    let args = match parse_args(lexopt::Parser::from_env()) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(&e.to_string()),
    };
    let jobs = plan::plan(&args);
    if let Dest::Output(_) = args.dest {
        if jobs.len() != 1 || jobs.iter().any(|j| j.root.is_some()) {
            return usage_error("-o takes one input file; use --out-dir for several");
        }
    }
    let stripper = Stripper::new()
        .keep(args.keep)
        .ignore_limit_errors(args.ignore_limits);
    let tally = run::run(&args, &stripper, jobs);
    if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("strip: {message}\n{USAGE}");
    ExitCode::from(2)
}

/// Parses the command line; `Ok(None)` means `--help`.
fn parse_args(mut parser: lexopt::Parser) -> Result<Option<Args>, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut inputs, mut output, mut out_dir) = (Vec::new(), None, None);
    let (mut in_place, mut keep, mut ignore_limits) = (false, Keep::empty(), false);
    let (mut report, mut dry_run, mut recursive) = (false, false, false);
    let (mut jobs, mut summary) = (0, None);
    while let Some(arg) = parser.next()? {
        match arg {
            Short('o') | Long("output") => output = Some(PathBuf::from(parser.value()?)),
            Long("out-dir") => out_dir = Some(PathBuf::from(parser.value()?)),
            Long("in-place") => in_place = true,
            Long("keep") => keep |= parse_keep(&parser.value()?.string()?)?,
            Long("ignore-limits") => ignore_limits = true,
            Long("report") => report = true,
            Long("dry-run") => dry_run = true,
            Short('r') | Long("recursive") => recursive = true,
            Short('j') | Long("jobs") => jobs = parser.value()?.parse()?,
            Long("summary") => summary = Some(true),
            Short('q') | Long("quiet") => summary = Some(false),
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
    if jobs == 0 {
        jobs = std::thread::available_parallelism().map_or(1, usize::from);
    }
    // A dry run exists to show what would happen, so it always reports.
    let report = report || dry_run;
    let args = Args {
        inputs,
        dest,
        keep,
        ignore_limits,
        report,
        dry_run,
        recursive,
        jobs,
        summary,
    };
    Ok(Some(args))
}
