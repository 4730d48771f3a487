//! Every file of `../shared/corpus`: strip succeeds (or, in `malformed/`, fails with a typed
//! error), no metadata unit is left, the pixels are the same, strip is idempotent and never
//! grows the file; the same with `Keep::DISPLAY`.
//!
//! A format joins with one line in [`corpus_folders!`] below (plus its re-walker in
//! `common::walker`). All failures of a folder are collected and reported together.

mod common;

use std::path::Path;

use common::oracle::{self, Decoded};
use common::{Allow, Walker};
use imgstrip::{Error, Format, Keep, Limits, Stripper};

/// Defines [`SUPPORTED`] (the corpus folders whose format the library strips) and one test
/// per folder, so the folders run in parallel.
macro_rules! corpus_folders {
    ($($folder:ident => $format:expr),* $(,)?) => {
        const SUPPORTED: &[(&str, Format)] = &[$((stringify!($folder), $format)),*];
        $(
            #[test]
            fn $folder() {
                check_folder(stringify!($folder), false);
            }
        )*
    };
}

corpus_folders! {
    jpeg => Format::Jpeg,
    png => Format::Png,
    gif => Format::Gif,
    bmp => Format::Bmp,
    webp => Format::WebP,
    heif => Format::Heif,
    avif => Format::Avif,
}

/// How many bytes an output kept under `Keep::DISPLAY` may grow by: a rewritten unit (a
/// renamed iCCP, a minimal EXIF) can be larger than what it replaced (SPEC.md "stable").
const KEEP_SLACK: usize = 64;

fn is_supported(format: Format) -> bool {
    SUPPORTED.iter().any(|&(_, f)| f == format)
}

/// Runs every check on one folder and fails once, listing every failing file.
fn check_folder(folder: &str, malformed: bool) {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let dir = corpus.join(folder);
    let files = common::image_files(&dir);
    assert!(!files.is_empty(), "no files in {}", dir.display());
    let mut failures = Vec::new();
    let (mut pixel_checked, mut structure_only, mut errors) = (0, 0, 0);
    for path in &files {
        let name = path
            .strip_prefix(&corpus)
            .unwrap_or(path)
            .display()
            .to_string();
        let input = std::fs::read(path).unwrap_or_else(|e| panic!("reading {name}: {e}"));
        let outcome = check_file(path, &name, &input, malformed);
        match outcome {
            Ok(Checked::Pixels) => pixel_checked += 1,
            Ok(Checked::Structure(why)) => {
                structure_only += 1;
                println!(
                    "{name}: the oracle cannot decode the input ({why}); compared structure only"
                );
            }
            Ok(Checked::Rejected(err)) => {
                errors += 1;
                println!("{name}: rejected as expected: {err}");
            }
            Err(problems) => {
                for p in problems {
                    failures.push(format!("{name}: {p}"));
                }
            }
        }
    }
    common::say(&format!(
        "corpus {folder}: {} files, {pixel_checked} pixel-compared, {structure_only} structure-only, \
         {errors} rejected with a typed error, {} failures",
        files.len(),
        failures.len()
    ));
    assert!(
        failures.is_empty(),
        "{} failure(s) in corpus/{folder}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

enum Checked {
    /// Every check ran, pixels included.
    Pixels,
    /// The oracle could not decode the input (the reason); structure was compared instead.
    Structure(String),
    /// A malformed file rejected with a typed error (the error).
    Rejected(Error),
}

fn check_file(
    path: &Path,
    name: &str,
    input: &[u8],
    malformed: bool,
) -> Result<Checked, Vec<String>> {
    let expected = common::format_from_extension(path);
    let stripped = imgstrip::strip(input, Limits::default());
    let out = match stripped {
        Ok(out) => out,
        Err(err) => {
            // An unsupported format must say so; a supported one may fail only when malformed.
            let ok = match expected {
                Some(f) if !is_supported(f) => {
                    matches!(err, Error::Unsupported { format, .. } if format == f)
                }
                _ => malformed,
            };
            return if ok {
                Ok(Checked::Rejected(err))
            } else {
                Err(vec![format!("strip failed: {err}")])
            };
        }
    };
    let mut problems = Vec::new();
    if let Some(f) = expected.filter(|&f| !is_supported(f)) {
        problems.push(format!("{f} is not in SUPPORTED, yet strip returned Ok"));
    }
    let Some(format) = imgstrip::detect(input) else {
        return Err(vec![
            "strip returned Ok for an input detect() does not know".into(),
        ]);
    };
    if imgstrip::detect(&out) != Some(format) {
        problems.push(format!("output is no longer detected as {format}"));
    }
    let Some(walker) = common::walker(format) else {
        problems.push(format!("no test walker for {format}"));
        return Err(problems);
    };

    // Never larger, also for a JPEG cut before its EOI: it gets one only when that fits.
    let max_len = input.len();
    if format == Format::Jpeg
        && common::jpeg::walk(&out).ends_in_scan
        && common::jpeg::walk(input).eoi.is_some()
    {
        problems.push("output lost the EOI the input had".into());
    }

    // Default strip.
    if out.len() > max_len {
        problems.push(format!(
            "output ({} bytes) is larger than the input ({} bytes)",
            out.len(),
            input.len()
        ));
    }
    check_output(walker, input, &out, Allow::NONE, "", &mut problems);
    for sig in common::metadata_signatures(&out) {
        problems.push(format!("dead bytes in output: {sig}"));
    }
    match imgstrip::strip(&out, Limits::default()) {
        Ok(again) if again == out => {}
        Ok(again) => problems.push(format!(
            "not idempotent: stripping the output gives {} bytes, not {}",
            again.len(),
            out.len()
        )),
        Err(e) => problems.push(format!("stripping the output fails: {e}")),
    }

    // Keep::DISPLAY.
    let display = Stripper::new().keep(Keep::DISPLAY);
    match display.strip(input) {
        Ok(kept) => {
            let kept = kept.data;
            if kept.len() > input.len() + KEEP_SLACK {
                problems.push(format!(
                    "Keep::DISPLAY output ({} bytes) grew past the input + {KEEP_SLACK}",
                    kept.len()
                ));
            }
            check_output(
                walker,
                input,
                &kept,
                Allow::DISPLAY,
                "Keep::DISPLAY: ",
                &mut problems,
            );
            match display.strip(&kept) {
                Ok(again) if again.data == kept => {}
                Ok(_) => problems.push("Keep::DISPLAY: not idempotent".into()),
                Err(e) => problems.push(format!("Keep::DISPLAY: stripping the output fails: {e}")),
            }
        }
        Err(e) => problems.push(format!(
            "Keep::DISPLAY: strip failed where the default succeeded: {e}"
        )),
    }

    // The oracle, on the default output (Keep::DISPLAY keeps the same image units, checked
    // above, and the image crate applies neither ICC nor orientation).
    let closed = format == Format::Jpeg
        && common::jpeg::walk(input).eoi.is_none()
        && common::jpeg::walk(&out).eoi.is_some();
    // For a JPEG without EOI the reference is the input closed with one, as the output is:
    // decoders treat the end of the data and an EOI differently in the last MCU rows.
    let reference = if closed {
        [input, &common::jpeg::EOI[..]].concat()
    } else {
        input.to_vec()
    };
    // A GIF without trailer: the image crate decodes it as a still image only, so both sides
    // are compared closed, as a viewer shows them: their complete blocks and a trailer.
    let gif_open = format == Format::Gif && common::gif::walk(input).trailer.is_none();
    let (reference, out_closed) = if gif_open {
        (gif_closed(&reference), gif_closed(&out))
    } else {
        (reference, out.clone())
    };
    let checked = match oracle::decode(&reference) {
        Ok(before) => {
            match oracle::decode(&out_closed) {
                Ok(after) => {
                    if let Some(diff) = oracle::compare(&before, &after) {
                        problems.push(format!("pixels changed: {diff}"));
                    }
                }
                Err(e) => problems.push(format!("the input decodes but the output does not: {e}")),
            }
            if let Decoded::Animation { frames } = &before {
                println!("{name}: {} animation frames compared", frames.len());
            }
            if closed {
                println!("{name}: no EOI; pixels compared against the input closed with EOI");
            }
            if gif_open {
                println!("{name}: no trailer; pixels compared with input and output closed");
            }
            Checked::Pixels
        }
        Err(why) => Checked::Structure(why),
    };
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

/// A GIF cut to its complete blocks and closed with a trailer, unless it has one.
fn gif_closed(data: &[u8]) -> Vec<u8> {
    let w = common::gif::walk(data);
    match (w.trailer, w.blocks.last()) {
        (None, Some(last)) => [&data[..last.end], &[common::gif::TRAILER][..]].concat(),
        _ => data.to_vec(),
    }
}

/// The re-walk checks of one output: no metadata unit left, and the same image units in the
/// same order, byte for byte (all entropy-coded data and every image segment or chunk).
fn check_output(
    walker: Walker,
    input: &[u8],
    out: &[u8],
    allow: Allow,
    label: &str,
    problems: &mut Vec<String>,
) {
    for left in (walker.leftovers)(out, allow) {
        problems.push(format!("{label}left in output: {left}"));
    }
    match (
        (walker.image_units)(input, allow),
        (walker.image_units)(out, allow),
    ) {
        (Ok(before), Ok(after)) => {
            if let Some(diff) = common::diff_units(&before, &after) {
                problems.push(format!("{label}{diff}"));
            }
        }
        (Err(e), _) => problems.push(format!("{label}the test walker cannot read the input: {e}")),
        (_, Err(e)) => problems.push(format!(
            "{label}the test walker cannot read the output: {e}"
        )),
    }
    if imgstrip::detect(out) == Some(Format::Png) {
        for bad in common::png::bad_written_crcs(input, out) {
            problems.push(format!("{label}{bad}"));
        }
    }
}

/// Hostile files: a typed error is fine (and printed); an `Ok` output gets every check.
/// Files of a format not in [`SUPPORTED`] must give `Error::Unsupported`.
#[test]
fn malformed() {
    check_folder("malformed", true);
}
