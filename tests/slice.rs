//! `Stripper::strip_to_slice` writes what `Stripper::strip` returns, byte for byte, with the
//! same report or the same error, over every corpus file and every option set; a buffer one
//! byte short gives `Error::OutputTooSmall` saying how much is needed; no byte past the
//! output is touched.

mod common;

use imgstrip::{max_output_len, Error, Keep, Limits, Stripper};

/// Fills the buffers, so that a byte written past the output shows.
const POISON: u8 = 0xA5;

/// Limits every image is over: the ignore-error path copies the input.
fn one_pixel() -> Limits {
    let mut limits = Limits::default();
    limits.max_pixels = 1;
    limits
}

fn option_sets() -> Vec<(&'static str, Stripper)> {
    vec![
        ("default", Stripper::new()),
        ("DISPLAY", Stripper::new().keep(Keep::DISPLAY)),
        (
            "DISPLAY, no limits",
            Stripper::new().keep(Keep::DISPLAY).limits(Limits::none()),
        ),
        (
            "1-pixel limit, ignore-error",
            Stripper::new()
                .limits(one_pixel())
                .ignore_limit_errors(true),
        ),
    ]
}

/// Strips `input` both ways and returns what differs, if anything.
fn disagreement(stripper: &Stripper, input: &[u8]) -> Option<String> {
    let mut buf = vec![POISON; max_output_len(input.len()) + 16];
    let room = max_output_len(input.len());
    let by_slice = stripper.strip_to_slice(input, &mut buf[..room]);
    let by_vec = stripper.strip(input);
    let (len, report, out) = match (by_slice, by_vec) {
        (Err(a), Err(b)) if a == b => return None,
        (Ok((len, report)), Ok(out)) => (len, report, out),
        (a, b) => return Some(format!("slice {a:?}, vec {:?}", b.map(|s| s.report))),
    };
    if buf[..len] != out.data[..] || report != out.report {
        return Some(format!(
            "slice wrote {len} bytes, vec {}; reports equal: {}",
            out.data.len(),
            report == out.report
        ));
    }
    if buf[len..].iter().any(|&b| b != POISON) {
        return Some("a byte past the output was written".into());
    }
    short_buffers(stripper, input, &out.data)
}

/// A buffer exactly as long as the output holds it; one byte shorter does not.
fn short_buffers(stripper: &Stripper, input: &[u8], expected: &[u8]) -> Option<String> {
    let mut exact = vec![POISON; expected.len()];
    match stripper.strip_to_slice(input, &mut exact) {
        Ok((len, _)) if len == expected.len() && exact == expected => {}
        other => return Some(format!("exact-length buffer: {other:?}")),
    }
    // An empty output fits in any buffer.
    let short = expected.len().checked_sub(1)?;
    let mut buf = vec![POISON; short];
    match stripper.strip_to_slice(input, &mut buf) {
        Err(Error::OutputTooSmall {
            format,
            len,
            needed,
        }) if Some(format) == imgstrip::detect(input)
            && len == short
            && needed >= expected.len()
            && needed <= max_output_len(input.len()) =>
        {
            None
        }
        other => Some(format!("buffer one byte short: {other:?}")),
    }
}

#[test]
fn every_corpus_file_strips_the_same_into_a_slice() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = common::image_files(&corpus);
    assert!(files.len() > 200, "only {} corpus files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let input = std::fs::read(path).unwrap();
        for (name, stripper) in option_sets() {
            if let Some(why) = disagreement(&stripper, &input) {
                failures.push(format!("{} ({name}): {why}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_over_limit_input_under_ignore_error_is_copied_whole() {
    let input = common::sample_png(4, 4, 1);
    let stripper = Stripper::new()
        .limits(one_pixel())
        .ignore_limit_errors(true);
    let mut buf = vec![0; input.len()];
    let (len, report) = stripper.strip_to_slice(&input, &mut buf).unwrap();
    assert!(report.untouched);
    assert_eq!(&buf[..len], &input[..]);
    let mut short = vec![POISON; input.len() - 1];
    let err = stripper.strip_to_slice(&input, &mut short).unwrap_err();
    assert!(matches!(err, Error::OutputTooSmall { needed, .. } if needed == input.len()));
}

#[test]
fn an_unknown_format_is_reported_whatever_the_buffer() {
    let mut buf = [];
    assert_eq!(
        Stripper::new().strip_to_slice(b"not an image", &mut buf),
        Err(Error::UnknownFormat)
    );
}
