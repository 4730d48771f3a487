//! Say what a strip would remove, without writing anything.
//!
//! ```text
//! cargo run --example inspect -- examples/data/sample.jpg
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut failed = false;
    for input in std::env::args().skip(1) {
        let result = std::fs::read(&input)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|bytes| {
                imgstrip::Stripper::new()
                    .inspect(&bytes)
                    .map_err(|e| e.to_string())
            });
        match result {
            Ok(r) => println!(
                "{input}: {} {}x{}, {} frame(s); would remove {:?} ({} bytes)",
                r.format, r.width, r.height, r.frames, r.removed, r.bytes_removed
            ),
            Err(message) => {
                eprintln!("{input}: {message}");
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
