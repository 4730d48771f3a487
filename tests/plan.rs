//! `Stripper::plan` gives the output `strip` gives: for every corpus file (the malformed ones
//! too) and every keep set, the plan written out is the stripped bytes, its report is the
//! strip's report, and an error is the same error. The generators' cases are checked the
//! same way in `tests/properties`.

mod common;

use imgstrip::{Keep, Piece, Stripper};

/// Nothing, each flag alone, and all of them.
fn keep_sets() -> Vec<Keep> {
    let mut sets = vec![Keep::empty()];
    sets.extend(Keep::all().iter());
    sets.push(Keep::all());
    sets
}

/// Every way the plan of `input` under `stripper` differs from its strip.
fn differences(input: &[u8], stripper: &Stripper) -> Vec<String> {
    let mut problems = Vec::new();
    match (stripper.strip(input), stripper.plan(input)) {
        (Ok(stripped), Ok(plan)) => {
            let written = plan.to_vec(input).unwrap();
            if written != stripped.data {
                let at = written
                    .iter()
                    .zip(&stripped.data)
                    .take_while(|(a, b)| a == b)
                    .count();
                problems.push(format!(
                    "plan writes {} bytes, strip {}; first difference at {at}",
                    written.len(),
                    stripped.data.len()
                ));
            }
            if plan.report() != &stripped.report {
                problems.push(format!(
                    "reports differ: {:?} / {:?}",
                    plan.report(),
                    stripped.report
                ));
            }
            let total: usize = plan.pieces().map(|p| p.len()).sum();
            if total != plan.len() || plan.len() != stripped.data.len() {
                problems.push(format!("len {} but pieces add to {total}", plan.len()));
            }
            if plan.pieces().any(|p| p.is_empty()) {
                problems.push("an empty piece".into());
            }
            if plan
                .pieces()
                .any(|p| matches!(p, Piece::Input(r) if r.end > input.len()))
            {
                problems.push("a range past the input".into());
            }
        }
        (Err(a), Err(b)) if a == b => {}
        (a, b) => problems.push(format!(
            "strip {:?}, plan {:?}",
            a.map(|s| s.data.len()),
            b.map(|p| p.len())
        )),
    }
    problems
}

#[test]
fn a_plan_written_out_is_the_strip_for_every_corpus_file_and_keep_set() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = common::image_files(&corpus);
    assert!(files.len() > 100, "only {} corpus files", files.len());
    let mut problems = Vec::new();
    let mut planned = 0;
    for path in &files {
        let input = std::fs::read(path).unwrap();
        for keep in keep_sets() {
            for ignore in [false, true] {
                let stripper = Stripper::new().keep(keep).ignore_limit_errors(ignore);
                planned += 1;
                for p in differences(&input, &stripper) {
                    problems.push(format!("{} {keep:?}: {p}", path.display()));
                }
            }
        }
        // Over a limit, ignored: the plan is the whole input, one piece.
        let mut limits = imgstrip::Limits::default();
        limits.max_input_bytes = 1;
        let tight = Stripper::new().limits(limits).ignore_limit_errors(true);
        if let Ok(plan) = tight.plan(&input) {
            if plan.pieces().collect::<Vec<_>>() != [Piece::Input(0..input.len())] {
                problems.push(format!("{}: over a limit, not the input", path.display()));
            }
        }
    }
    common::say(&format!(
        "plan: {} files, {planned} plans, {} problems",
        files.len(),
        problems.len()
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What a plan owns is the part of the output the strip wrote anew: for a JPEG with
/// metadata segments, the kept segments and scans are ranges of the input.
#[test]
fn kept_bytes_are_input_ranges_not_copies() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let input = std::fs::read(corpus.join("jpeg/mei_Canon_EOS_7D.jpg")).unwrap();
    let plan = Stripper::new().plan(&input).unwrap();
    let written: usize = plan
        .pieces()
        .filter(|p| matches!(p, Piece::Written(_)))
        .map(|p| p.len())
        .sum();
    assert!(written < 64, "{written} bytes written anew");
    assert!(plan.len() > 100_000);
}
