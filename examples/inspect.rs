//! `inspect`: show what `strip` would remove from image files, writing nothing.
//!
//! ```text
//! inspect [--keep LIST] [--ignore-limits] FILE...
//! ```
//!
//! Run it with `cargo run --example inspect -- FILE...`. For each file it prints one line:
//!
//! ```text
//! photo.jpg: JPEG 4032x3024, 1 frame; removes exif, xmp, icc (81234 bytes)
//! ```
//!
//! `--keep` takes the same names as `strip` (orientation, icc, display) and shows what would
//! be removed with them kept. Errors go to stderr as `PATH: message`; the exit status is 0
//! when every file could be read, 1 when any failed, and 2 on bad usage.

#[path = "common/keep.rs"]
mod keep;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use imgstrip::{Keep, Report, Stripper};
use keep::parse_keep;

const USAGE: &str = "usage: inspect [--keep orientation,icc,display] [--ignore-limits] FILE...";

fn main() -> ExitCode {
    let (files, stripper) = match parse_args(lexopt::Parser::from_env()) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("inspect: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for file in &files {
        match inspect_file(&stripper, file) {
            Ok(line) => println!("{}: {line}", file.display()),
            Err(msg) => {
                eprintln!("{}: {msg}", file.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Parses the command line; `Ok(None)` means `--help`.
fn parse_args(mut parser: lexopt::Parser) -> Result<Option<(Vec<PathBuf>, Stripper)>, String> {
    use lexopt::prelude::*;
    let (mut files, mut keep, mut ignore_limits) = (Vec::new(), Keep::empty(), false);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("keep") => {
                let v: OsString = parser.value().map_err(|e| e.to_string())?;
                keep |= parse_keep(&v.to_string_lossy())?;
            }
            Long("ignore-limits") => ignore_limits = true,
            Short('h') | Long("help") => return Ok(None),
            Value(v) => files.push(PathBuf::from(v)),
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    if files.is_empty() {
        return Err("no input files".into());
    }
    let stripper = Stripper::new()
        .keep(keep)
        .ignore_limit_errors(ignore_limits);
    Ok(Some((files, stripper)))
}

fn inspect_file(stripper: &Stripper, file: &Path) -> Result<String, String> {
    let data = fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let report = stripper.inspect(&data).map_err(|e| e.to_string())?;
    Ok(describe(&report))
}

/// `JPEG 640x480, 1 frame; removes exif, comment (1234 bytes)`.
fn describe(r: &Report) -> String {
    let frames = if r.frames == 1 {
        "1 frame".to_string()
    } else {
        format!("{} frames", r.frames)
    };
    let mut line = format!("{} {}x{}, {frames}; ", r.format, r.width, r.height);
    if r.untouched {
        line.push_str("over a limit, would be copied unchanged");
    } else if r.removed.is_empty() {
        line.push_str("no metadata");
    } else {
        let kinds: Vec<String> = r
            .removed
            .iter_names()
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect();
        line.push_str(&format!(
            "removes {} ({} bytes)",
            kinds.join(", "),
            r.bytes_removed
        ));
    }
    if r.truncated {
        line.push_str("; input was truncated");
    }
    line
}
