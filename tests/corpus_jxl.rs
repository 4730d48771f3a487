//! Every JPEG XL file of `../shared/corpus-jxl` (kept apart from `../shared/corpus`): the
//! strip succeeds (or, under `malformed/`, fails with a typed error), the output holds only
//! the boxes the policy keeps, its codestream is the input's byte for byte, it strips to
//! itself and verifies clean; with `djxl` (libjxl-tools) at hand, input and output decode to
//! the same pixels. The box walk here is the test's own, not the library's.

mod common;

use std::path::Path;
use std::process::Command;

use imgstrip::{Error, Format, Keep, Limits, Stripper};

/// The top-level boxes of a container: (type, body). `None` when a box runs past the data.
fn boxes(data: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let size = u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?) as u64;
        let kind: [u8; 4] = data.get(at + 4..at + 8)?.try_into().ok()?;
        let (header, size) = match size {
            0 => (8, (data.len() - at) as u64),
            1 => (
                16,
                u64::from_be_bytes(data.get(at + 8..at + 16)?.try_into().ok()?),
            ),
            n => (8, n),
        };
        let end = at.checked_add(usize::try_from(size).ok()?)?;
        out.push((kind, data.get(at + header..end)?));
        at = end;
    }
    Some(out)
}

/// The codestream: a bare one as it is, or the `jxlc` body / the `jxlp` payloads joined.
fn codestream(data: &[u8]) -> Option<Vec<u8>> {
    if data.starts_with(&[0xFF, 0x0A]) {
        return Some(data.to_vec());
    }
    let mut cs = Vec::new();
    for (kind, body) in boxes(data)? {
        match &kind {
            b"jxlc" => cs.extend_from_slice(body),
            b"jxlp" => cs.extend_from_slice(body.get(4..)?),
            _ => {}
        }
    }
    Some(cs)
}

/// Boxes a strip with `keep` may leave.
fn allowed(kind: &[u8; 4], keep: Keep) -> bool {
    matches!(
        kind,
        b"JXL " | b"ftyp" | b"jxll" | b"jxlc" | b"jxlp" | b"jxli"
    ) || (kind == b"jhgm" && keep.contains(Keep::GAIN_MAP))
}

/// `djxl` decodes `data` to a PPM of its pixels (colour channels, at the bit depth the PPM
/// can hold); `None` without djxl or when it fails.
fn djxl(data: &[u8], dir: &Path, name: &str) -> Option<Vec<u8>> {
    let input = dir.join(format!("{name}.jxl"));
    let output = dir.join(format!("{name}.ppm"));
    std::fs::write(&input, data).ok()?;
    let ok = Command::new("djxl")
        .arg(&input)
        .arg(&output)
        .output()
        .ok()?
        .status
        .success();
    ok.then(|| std::fs::read(&output).ok()).flatten()
}

#[test]
fn every_corpus_jxl_file_strips_to_its_codestream() {
    let Some(dir) = common::corpus_jxl_dir() else {
        return;
    };
    let tmp = std::env::temp_dir().join(format!("imgstrip-jxl-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let have_djxl = Command::new("djxl").arg("--version").output().is_ok();
    assert!(
        have_djxl || !common::is_ci(),
        "djxl is required under CI=true"
    );
    let mut problems = Vec::new();
    let (mut files, mut pixels, mut rejected) = (0, 0, 0);
    let jxl_files = common::image_files(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jxl"));
    for path in jxl_files {
        files += 1;
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        let input = std::fs::read(&path).unwrap();
        let malformed = name.starts_with("malformed");
        assert_eq!(imgstrip::detect(&input), Some(Format::Jxl), "{name}");
        for keep in [Keep::empty(), Keep::DISPLAY, Keep::all()] {
            let stripper = Stripper::new().keep(keep);
            let out = match stripper.strip(&input) {
                Ok(out) => out.data,
                Err(e) if malformed => {
                    assert!(
                        matches!(e, Error::Truncated { .. } | Error::Malformed { .. }),
                        "{name}: {e}"
                    );
                    assert_eq!(e.format(), Some(Format::Jxl));
                    rejected += usize::from(keep.is_empty());
                    continue;
                }
                Err(e) => {
                    problems.push(format!("{name} {keep:?}: {e}"));
                    continue;
                }
            };
            if !out.starts_with(&[0xFF, 0x0A]) {
                match boxes(&out) {
                    Some(list) => {
                        for (kind, _) in list.iter().filter(|(k, _)| !allowed(k, keep)) {
                            problems
                                .push(format!("{name} {keep:?}: box {} left", kind.escape_ascii()));
                        }
                    }
                    None => problems.push(format!("{name} {keep:?}: output boxes unreadable")),
                }
            }
            if codestream(&out) != codestream(&input) {
                problems.push(format!("{name} {keep:?}: the codestream changed"));
            }
            if out.len() > input.len() {
                problems.push(format!("{name} {keep:?}: grew"));
            }
            match stripper.strip(&out) {
                Ok(again) if again.data == out => {}
                _ => problems.push(format!("{name} {keep:?}: not idempotent")),
            }
            if stripper.verify(&out).is_err() {
                problems.push(format!("{name} {keep:?}: output does not verify"));
            }
            if keep.is_empty() && have_djxl && !malformed {
                let stem = name.replace('/', "_");
                match (
                    djxl(&input, &tmp, &format!("{stem}-in")),
                    djxl(&out, &tmp, &format!("{stem}-out")),
                ) {
                    (Some(a), Some(b)) if a == b => pixels += 1,
                    (Some(_), Some(_)) => problems.push(format!("{name}: djxl pixels differ")),
                    (Some(_), None) => problems.push(format!("{name}: the output does not decode")),
                    (None, _) => println!("{name}: djxl cannot decode the input"),
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    common::say(&format!(
        "corpus-jxl: {files} files, {pixels} pixel-compared with djxl, {rejected} rejected with a typed error, {} problems",
        problems.len()
    ));
    assert!(files > 20, "only {files} files");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Over the limits, a JPEG XL comes back unchanged with `ignore_limit_errors`.
#[test]
fn over_the_limits_jxl_comes_back_unchanged_when_asked() {
    let Some(dir) = common::corpus_jxl_dir() else {
        return;
    };
    let input = std::fs::read(dir.join("jxl/jxlrs_progressive_ac.jxl")).unwrap();
    let mut limits = Limits::default();
    limits.max_pixels = 1000;
    let e = Stripper::new().limits(limits).strip(&input).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded { .. }), "{e}");
    let out = Stripper::new()
        .limits(limits)
        .ignore_limit_errors(true)
        .strip(&input)
        .unwrap();
    assert!(out.report.untouched && out.data == input);
}
