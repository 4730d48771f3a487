//! `Stripper::verify` over the corpus: every input a strip changes is reported with what it
//! holds and where the first change is, every output verifies clean under the options that
//! made it, and a file that cannot be walked is `Unreadable`, never clean.

mod common;

use imgstrip::{Keep, Leftovers, Stripper};

#[test]
fn inputs_with_metadata_fail_and_every_output_verifies_clean() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = common::image_files(&corpus);
    assert!(files.len() > 100, "only {} corpus files", files.len());
    let (mut dirty, mut clean, mut unreadable) = (0, 0, 0);
    let mut problems = Vec::new();
    for path in &files {
        let input = std::fs::read(path).unwrap();
        for keep in [Keep::empty(), Keep::DISPLAY] {
            let stripper = Stripper::new().keep(keep);
            let name = format!("{} ({keep:?})", path.display());
            match (stripper.strip(&input), stripper.verify(&input)) {
                (Ok(out), Ok(())) if out.data == input => clean += 1,
                (
                    Ok(out),
                    Err(Leftovers::Metadata {
                        report,
                        first_difference,
                    }),
                ) => {
                    dirty += 1;
                    if report != out.report {
                        problems.push(format!("{name}: verify's report differs from strip's"));
                    }
                    let agree = input.get(..first_difference) == out.data.get(..first_difference)
                        && input.get(first_difference) != out.data.get(first_difference);
                    if !agree {
                        problems.push(format!(
                            "{name}: first difference {first_difference} is wrong"
                        ));
                    }
                    if let Err(left) = stripper.verify(&out.data) {
                        problems.push(format!("{name}: the output does not verify: {left}"));
                    }
                }
                (Err(e), Err(Leftovers::Unreadable(v))) if e == v => unreadable += 1,
                (strip, verify) => {
                    problems.push(format!("{name}: strip {strip:?} but verify {verify:?}"))
                }
            }
        }
    }
    common::say(&format!(
        "verify: {dirty} inputs hold metadata, {clean} are clean, {unreadable} unreadable; {} problems",
        problems.len()
    ));
    assert!(dirty > 200, "only {dirty} inputs held metadata");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn what_is_left_is_named() {
    let jpeg = common::sample_jpeg(8, 8, 1);
    let mut input = jpeg[..2].to_vec();
    input.extend(common::jpeg::com(b"a comment"));
    input.extend_from_slice(&jpeg[2..]);
    let left = Stripper::new().verify(&input).unwrap_err();
    assert!(
        left.to_string()
            .starts_with("JPEG still holds comment (13 bytes, the first at byte 3): comment"),
        "{left}"
    );
    assert_eq!(
        Stripper::new().verify(b"not an image"),
        Err(Leftovers::Unreadable(imgstrip::Error::UnknownFormat))
    );
}
