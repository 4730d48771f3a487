//! The native side of `wasm/bench/throughput.mjs`: strip throughput of the library over the
//! corpus files it strips without an error, with the same default options as the wasm
//! package's `strip`.
//!
//! `cargo run --release -p imgstrip-wasm --example throughput -- ../shared/corpus [seconds]`

use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: throughput CORPUS [SECONDS]")?);
    let seconds: f64 = args.next().map_or(Ok(3.0), |s| s.parse())?;
    let mut paths = Vec::new();
    files(&dir, &mut paths)?;
    let stripper = imgstrip::Stripper::new();
    let mut inputs = Vec::new();
    for path in paths {
        let data = std::fs::read(&path)?;
        if stripper.strip(&data).is_ok() {
            inputs.push(data);
        }
    }
    let total: usize = inputs.iter().map(Vec::len).sum();
    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed().as_secs_f64() < seconds || rounds < 3 {
        for data in &inputs {
            let out = stripper.strip(data)?;
            std::hint::black_box(out);
        }
        rounds += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mbs = total as f64 * f64::from(rounds) / elapsed / 1e6;
    println!(
        "native: {} files, {:.2} MB x {rounds} rounds in {elapsed:.2} s = {mbs:.0} MB/s",
        inputs.len(),
        total as f64 / 1e6
    );
    Ok(())
}
