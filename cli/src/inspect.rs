//! `imgstrip inspect IN...`: what a strip would remove from each file, writing nothing;
//! `imgstrip verify IN...`: whether each file is clean.
//!
//! One line per file on stdout:
//!
//! ```text
//! photo.jpg: JPEG 4032x3024, 1 frame; removes exif, xmp, icc (81234 bytes)
//! ```
//!
//! Errors go to stderr as `PATH: message`; the exit status is 0 when every file could be
//! read, 1 when any failed, and 2 on bad usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use imgstrip::{Error, Report};

use crate::input::{Input, InputBuffer, Source};
use crate::report::describe;
use crate::StripOptions;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Image files to inspect (`-` reads standard input).
    #[arg(value_name = "IN", required = true)]
    inputs: Vec<PathBuf>,

    #[command(flatten)]
    options: StripOptions,
}

pub fn run(args: &InspectArgs) -> ExitCode {
    let mut failed = false;
    let mut buffer = InputBuffer::default();
    for path in &args.inputs {
        match inspect_file(args, path, &mut buffer) {
            Ok(line) => println!("{}: {line}", path.display()),
            Err(message) => {
                eprintln!("{}: {message}", path.display());
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

/// `imgstrip verify`: 0 when every file is clean, 1 when any holds metadata or cannot be
/// read (a file over a limit is not walked, so it is not called clean).
pub fn verify(args: &InspectArgs) -> ExitCode {
    let mut clean = true;
    let mut buffer = InputBuffer::default();
    for path in &args.inputs {
        match verify_file(args, path, &mut buffer) {
            Ok(()) => println!("{}: clean", path.display()),
            Err(message) => {
                println!("{}: {message}", path.display());
                clean = false;
            }
        }
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn verify_file(args: &InspectArgs, path: &Path, buffer: &mut InputBuffer) -> Result<(), String> {
    let (mut source, meta) = Source::open(path, false).map_err(|e| format!("cannot read: {e}"))?;
    let limit = args.options.limits.limits().max_input_bytes;
    let size = meta.filter(|m| m.is_file()).map(|m| m.len());
    let read = buffer.read(&mut source, size, limit);
    match read.map_err(|e| format!("cannot read: {e}"))? {
        Input::Whole(data) => args
            .options
            .stripper()
            .verify(data)
            .map_err(|left| left.to_string()),
        Input::NotImage => Err(format!("cannot verify: {}", Error::UnknownFormat)),
        Input::Over { format, size, .. } => Err(format!(
            "cannot verify: {}",
            crate::run::over_limit(format, size, limit)
        )),
    }
}

fn inspect_file(
    args: &InspectArgs,
    path: &Path,
    buffer: &mut InputBuffer,
) -> Result<String, String> {
    let (mut source, meta) = Source::open(path, false).map_err(|e| format!("cannot read: {e}"))?;
    let stripper = args.options.stripper();
    let limit = args.options.limits.limits().max_input_bytes;
    let size = meta.filter(|m| m.is_file()).map(|m| m.len());
    let read = buffer.read(&mut source, size, limit);
    let report = match read.map_err(|e| format!("cannot read: {e}"))? {
        Input::Whole(data) => stripper.inspect(data).map_err(|e| e.to_string())?,
        Input::NotImage => return Err(Error::UnknownFormat.to_string()),
        Input::Over { format, .. } if args.options.ignore_limits => Report::untouched(format),
        Input::Over { format, size, .. } => {
            return Err(crate::run::over_limit(format, size, limit).to_string())
        }
    };
    Ok(describe(&report, false))
}
