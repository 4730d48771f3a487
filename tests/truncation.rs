//! Every corpus file (and every JPEG XL file of `../shared/corpus-jxl`) cut short and
//! mutated byte by byte: `Ok` or a typed `Err`, never a panic; an `Ok` output strips to
//! itself and is no larger than its input (SPEC.md "stable"), but under keep flags, where a
//! rewritten unit may add up to [`imgstrip::max_output_len`].
//!
//! Small files get every prefix. Large files get every prefix of their first 4 KiB (where
//! the headers and most unit boundaries are) and evenly spread prefixes after that, bounded
//! so that the debug build stays fast. Each file also gets 24 single-byte mutations at
//! seeded positions, half of them in its first 4 KiB.

mod common;

use imgstrip::{Error, Keep, Limits, Stripper};

/// Prefix lengths to try for an input of `len` bytes.
fn prefixes(len: usize) -> Vec<usize> {
    const HEAD: usize = 4096;
    const BUDGET: usize = 16 << 20; // bytes stripped per file, over all sampled prefixes
    if len <= HEAD {
        return (0..len).collect();
    }
    let samples = (BUDGET / len).clamp(16, 512);
    let mut cuts: Vec<usize> = (0..HEAD).collect();
    cuts.extend((1..=samples).map(|i| HEAD + (len - HEAD) * i / (samples + 1)));
    cuts.push(len - 1);
    cuts
}

/// A seeded xorshift, so a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Strips `input` both ways and checks the invariants of an `Ok`; returns a failure text.
fn check(input: &[u8]) -> Option<String> {
    // Without keep flags the output never grows (SPEC.md "stable": a truncated scan gets its
    // EOI only where bytes were removed); with them, a rewritten unit may add up to
    // `max_output_len`.
    for (name, stripper, max_len) in [
        ("no keep flag", Stripper::new(), input.len()),
        (
            "Keep::DISPLAY",
            Stripper::new().keep(Keep::DISPLAY).limits(Limits::none()),
            imgstrip::max_output_len(input.len()),
        ),
    ] {
        match stripper.strip(input) {
            Err(e) => {
                // Typed by construction; the offset must still point into (or at the end of)
                // the input.
                // Every error of a detected format names its byte.
                let Some(offset) = e.offset() else {
                    return imgstrip::detect(input)
                        .map(|_| format!("an error without an offset: {e}"));
                };
                if offset > input.len() && !matches!(e, Error::Truncated { .. }) {
                    return Some(format!("error offset {offset} past the input: {e}"));
                }
            }
            Ok(out) => {
                if out.report.untouched {
                    continue;
                }
                if out.data.len() > max_len {
                    return Some(format!(
                        "grew {} -> {} with {name}",
                        input.len(),
                        out.data.len()
                    ));
                }
                match stripper.strip(&out.data) {
                    Ok(again) if again.data == out.data => {}
                    Ok(_) => return Some("not idempotent".into()),
                    Err(e) => return Some(format!("output does not strip again: {e}")),
                }
            }
        }
    }
    None
}

#[test]
fn every_prefix_and_mutation_gives_ok_or_a_typed_error() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    // JPEG XL files sit apart, in ../shared/corpus-jxl.
    let jxl = common::corpus_jxl_dir();
    let all = common::image_files(&dir)
        .into_iter()
        .map(|p| (dir.clone(), p));
    let jxl_files = jxl.iter().flat_map(|d| {
        common::image_files(d)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "jxl"))
            .map(move |p| (d.clone(), p))
    });
    let mut failures = Vec::new();
    let (mut files, mut cases) = (0, 0);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for (dir, path) in all.chain(jxl_files) {
        let data = std::fs::read(&path).expect("read corpus file");
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        files += 1;
        for cut in prefixes(data.len()) {
            cases += 1;
            if let Some(why) = check(&data[..cut]) {
                failures.push(format!("{name} cut at {cut}: {why}"));
            }
        }
        if data.is_empty() {
            continue;
        }
        let mut mutated = data.clone();
        for i in 0..24 {
            let span = if i % 2 == 0 {
                data.len().min(4096)
            } else {
                data.len()
            };
            let at = (rng.next() % span as u64) as usize;
            let byte = rng.next() as u8;
            mutated[at] = byte;
            cases += 1;
            if let Some(why) = check(&mutated) {
                failures.push(format!("{name} with byte {at} set to {byte:#04x}: {why}"));
            }
            mutated[at] = data[at];
        }
    }
    common::say(&format!("truncation sweep: {files} files, {cases} cases"));
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
