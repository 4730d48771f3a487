//! Strip one file with the defaults: everything goes, COS limits apply.
//!
//! ```text
//! cargo run --example strip_file -- examples/data/sample.jpg /tmp/clean.jpg
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = &args[..] else {
        eprintln!("usage: strip_file IN OUT");
        return ExitCode::from(2);
    };
    match strip_file(input, output) {
        Ok((before, after)) => {
            println!("{input}: {before} bytes -> {output}: {after} bytes");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{input}: {message}");
            ExitCode::FAILURE
        }
    }
}

fn strip_file(input: &str, output: &str) -> Result<(usize, usize), String> {
    let bytes = std::fs::read(input).map_err(|e| format!("cannot read: {e}"))?;
    // An `imgstrip::Error` says what is wrong and where: "truncated JPEG at byte 1234: …".
    let clean = imgstrip::strip(&bytes, imgstrip::Limits::default()).map_err(|e| e.to_string())?;
    std::fs::write(output, &clean).map_err(|e| format!("cannot write {output}: {e}"))?;
    Ok((bytes.len(), clean.len()))
}
