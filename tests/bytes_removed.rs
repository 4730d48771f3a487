//! `Report::bytes_removed` is one figure with one meaning: how much shorter the output is
//! than the input. Checked for every corpus file (the malformed ones that strip included),
//! every keep flag, and every way to strip (`strip`, `strip_into`, `strip_to_slice`,
//! `inspect`). Without keep flags the output is never longer than the input.

mod common;

use imgstrip::{max_output_len, Keep, Report, Stripper};

/// Nothing, each flag alone, and all of them.
fn keep_sets() -> Vec<Keep> {
    let mut sets = vec![Keep::empty()];
    sets.extend(Keep::all().iter());
    sets.push(Keep::all());
    sets
}

fn expected(input: &[u8], output: &[u8]) -> u64 {
    (input.len().saturating_sub(output.len())) as u64
}

/// Every problem with the reports of one input stripped with `keep`.
fn check(input: &[u8], keep: Keep) -> Vec<String> {
    let stripper = Stripper::new().keep(keep);
    let Ok(stripped) = stripper.strip(input) else {
        return Vec::new(); // a malformed file: its error is the corpus test's business
    };
    let out = &stripped.data;
    let mut problems = Vec::new();
    let mut expect = |how: &str, report: &Report, len: usize| {
        if report.bytes_removed != expected(input, &out[..len.min(out.len())]) || len != out.len() {
            problems.push(format!(
                "{keep:?} {how}: bytes_removed {} for {} → {} bytes ({} written)",
                report.bytes_removed,
                input.len(),
                out.len(),
                len
            ));
        }
    };
    expect("strip", &stripped.report, out.len());
    let mut reused = vec![0xAA; 7];
    let report = stripper.strip_into(input, &mut reused).unwrap();
    expect("strip_into", &report, reused.len());
    let mut slice = vec![0; max_output_len(input.len())];
    let (len, report) = stripper.strip_to_slice(input, &mut slice).unwrap();
    expect("strip_to_slice", &report, len);
    expect("inspect", &stripper.inspect(input).unwrap(), out.len());
    if keep.is_empty() && out.len() > input.len() {
        problems.push(format!(
            "grew {} → {} without keep flags",
            input.len(),
            out.len()
        ));
    }
    problems
}

#[test]
fn bytes_removed_is_input_minus_output_for_every_corpus_file_and_keep_flag() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = common::image_files(&corpus);
    assert!(files.len() > 100, "only {} corpus files", files.len());
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in &files {
        let input = std::fs::read(path).unwrap();
        for keep in keep_sets() {
            checked += 1;
            for p in check(&input, keep) {
                problems.push(format!("{}: {p}", path.display()));
            }
        }
    }
    common::say(&format!(
        "bytes_removed: {} files × {} keep sets, {} problems",
        files.len(),
        keep_sets().len(),
        problems.len()
    ));
    assert!(checked > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The figure is that of the output, also when a walker adds bytes the input lacked: a
/// JPEG cut in its scan gets an EOI, a GIF cut after an image its trailer (which the walkers'
/// own byte counts once left out).
#[test]
fn truncated_files_count_what_was_added() {
    let jpeg = common::sample_jpeg(16, 16, 1);
    let gif = common::sample_gif(4, 4, 2);
    let mut closed = 0;
    for whole in [&jpeg, &gif] {
        for cut in 1..24 {
            let input = &whole[..whole.len() - cut];
            let Ok(out) = Stripper::new().strip(input) else {
                continue;
            };
            assert!(out.report.truncated, "cut {cut}");
            assert!(out.data.len() <= input.len(), "cut {cut} grew");
            assert_eq!(out.report.bytes_removed, expected(input, &out.data));
            closed += usize::from(!input.ends_with(&out.data[out.data.len() - 1..]));
        }
    }
    assert!(
        closed > 10,
        "only {closed} cuts were closed with an added EOI/trailer"
    );
}
