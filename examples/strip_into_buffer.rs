//! Strip many files through one reused output buffer, keeping what a viewer needs
//! (orientation and colour profile), and say what each one held.
//!
//! ```text
//! cargo run --example strip_into_buffer -- OUT_DIR examples/data/sample.jpg [MORE...]
//! ```

use std::path::Path;
use std::process::ExitCode;

use imgstrip::{Keep, Stripper};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out_dir, inputs)) = args.split_first().filter(|(_, i)| !i.is_empty()) else {
        eprintln!("usage: strip_into_buffer OUT_DIR IN...");
        return ExitCode::from(2);
    };
    let stripper = Stripper::new().keep(Keep::DISPLAY);
    // One buffer for every file: `strip_into` clears it and keeps its capacity.
    let mut out = Vec::new();
    let mut failed = false;
    for input in inputs {
        let result = std::fs::read(input)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|bytes| {
                stripper
                    .strip_into(&bytes, &mut out)
                    .map_err(|e| e.to_string())
            });
        let report = match result {
            Ok(report) => report,
            Err(message) => {
                eprintln!("{input}: {message}");
                failed = true;
                continue;
            }
        };
        let name = Path::new(input).file_name().unwrap_or_default();
        let target = Path::new(out_dir).join(name);
        if let Err(e) = std::fs::write(&target, &out) {
            eprintln!("{input}: cannot write {}: {e}", target.display());
            failed = true;
            continue;
        }
        println!(
            "{input}: {} {}x{}, removed {:?} ({} bytes)",
            report.format, report.width, report.height, report.removed, report.bytes_removed
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
