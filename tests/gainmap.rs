//! `Keep::GAIN_MAP` on the Ultra HDR and Apple HDR JPEGs of `../shared/corpus`, checked with
//! readers that share no code with imgstrip: exiftool extracts each gain map (`-b -MPImage2`,
//! which follows the MPF offsets) and reads its `hdrgm:` (or Apple `apdi:` and `HDRGainMap:`)
//! fields, and Pillow decodes it.
//!
//! A corpus JPEG has a gain map when exiftool finds a second MPF image carrying
//! `hdrgm:Version`, an ISO 21496-1 APP2 or Apple's `apdi:AuxiliaryImageType` of an HDR gain
//! map. Under `Keep::DISPLAY` its output must keep that gain map with the same pixels and
//! the same gain-map fields, and `exiftool -a -G1 -s`
//! must show nothing but the picture's description (no GPS, camera, serial, dates, software,
//! names); an Apple HDR JPEG's primary keeps, of its maker note, exactly the HDRHeadroom and
//! HDRGain it had (`exiftool -a -G1 -n -u -Apple:all`). Without the corpus, exiftool or
//! Pillow the test is skipped, or fails under `CI=true`.

mod common;

use std::path::Path;

use imgstrip::{Keep, Stripper};

fn exiftool(args: &[&str], file: &[u8]) -> Vec<u8> {
    let mut all = vec!["-m", "-q"];
    all.extend_from_slice(args);
    all.push("-");
    common::run_with_input("exiftool", &all, file).unwrap_or_default()
}

/// The second MPF image, as exiftool extracts it.
fn mp_image2(file: &[u8]) -> Vec<u8> {
    exiftool(&["-b", "-MPImage2"], file)
}

/// The `hdrgm:` fields exiftool reads, one `Name: value` line each, sorted.
fn hdrgm_fields(jpeg: &[u8]) -> Vec<String> {
    fields(jpeg, &["-XMP-hdrgm:all"])
}

/// Apple's gain-map fields exiftool reads (`apdi:` and `HDRGainMap:`), as [`hdrgm_fields`].
fn apple_fields(jpeg: &[u8]) -> Vec<String> {
    fields(jpeg, &["-XMP-apdi:all", "-XMP-HDRGainMap:all"])
}

fn fields(jpeg: &[u8], groups: &[&str]) -> Vec<String> {
    let mut args = vec!["-s"];
    args.extend_from_slice(groups);
    let text = String::from_utf8_lossy(&exiftool(&args, jpeg)).into_owned();
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    lines.sort();
    lines
}

const DECODE: &str = "import sys, io, hashlib\n\
from PIL import Image\n\
im = Image.open(io.BytesIO(sys.stdin.buffer.read()))\n\
im.load()\n\
print(im.mode, im.size, hashlib.sha256(im.tobytes()).hexdigest())";

/// Pillow's decoding of `jpeg`: mode, size and a hash of the pixels.
fn pillow_pixels(jpeg: &[u8]) -> Option<String> {
    common::run_with_input("python3", &["-c", DECODE], jpeg)
        .map(|o| String::from_utf8_lossy(&o).trim().to_owned())
}

/// Whether the corpus and the outside readers are here; `None` skips (or fails under CI).
fn ready() -> Option<std::path::PathBuf> {
    let dir = common::corpus_dir()?;
    let tools = common::run_with_input("exiftool", &["-ver"], b"").is_some()
        && common::run_with_input("python3", &["-c", "import PIL"], b"").is_some();
    common::tool_available(
        tools,
        "exiftool and Pillow (python3)",
        "gain-map corpus test",
    )
    .then_some(dir)
}

/// Groups `exiftool -a -G1 -s` may show for a kept gain map's output: the file's own
/// properties, JFIF, Adobe APP14, the ICC profile, MPF, and the gain map's XMP (Ultra HDR or
/// Apple).
const ALLOWED_GROUPS: &[&str] = &[
    "[ExifTool]",
    "[System]",
    "[File]",
    "[JFIF]",
    "[Adobe]",
    "[ICC-header]",
    "[ICC_Profile]",
    "[ICC-view]",
    "[ICC-meas]",
    "[ICC-chrm]",
    "[MPF0]",
    "[MPImage1]",
    "[MPImage2]",
    "[XMP-hdrgm]",
    "[XMP-Container]",
    "[XMP-apdi]",
    "[XMP-HDRGainMap]",
    "[Composite]",
];

/// Every line of `exiftool -a -G1 -s` of `file` outside [`ALLOWED_GROUPS`] (an EXIF IFD0
/// holding only the Orientation, as `Keep::ORIENTATION` writes it, and an Apple maker note's
/// HDRHeadroom and HDRGain, which a kept Apple gain map needs, are allowed too), and every
/// line naming GPS, a camera, a serial number or software whatever its group.
fn residue(file: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(&exiftool(&["-a", "-G1", "-s"], file)).into_owned();
    let identifying = [
        "GPS", "Make", "Model", "Serial", "Software", "Artist", "Owner",
    ];
    text.lines()
        .filter(|line| {
            let group = line.split_whitespace().next().unwrap_or("");
            let tag = line.split_whitespace().nth(1).unwrap_or("");
            let allowed = ALLOWED_GROUPS.contains(&group)
                || (group == "[IFD0]" && tag == "Orientation")
                || (group == "[Apple]" && HEADROOM_TAGS.contains(&tag));
            let profile = group.starts_with("[ICC");
            !allowed || (!profile && identifying.iter().any(|w| tag.contains(w)))
        })
        .map(str::to_owned)
        .collect()
}

/// The Apple maker-note tags a kept Apple gain map keeps, by exiftool's names (0x0021 and
/// 0x0030).
const HEADROOM_TAGS: [&str; 2] = ["HDRHeadroom", "HDRGain"];

/// Every Apple maker-note tag exiftool reads in `jpeg`, unknown ones too, as numbers: one
/// `Name: value` line each, in the file's order.
fn apple_maker_note(jpeg: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(&exiftool(&["-a", "-s", "-n", "-u", "-Apple:all"], jpeg))
        .into_owned();
    text.lines()
        .map(|l| l.split_whitespace().collect())
        .collect()
}

/// What an Apple HDR JPEG's output must show of its maker note: the input's HDRHeadroom and
/// HDRGain, nothing else (an input without both keeps none).
fn headroom_problems(input: &[u8], out: &[u8]) -> Vec<String> {
    let kept: Vec<String> = apple_maker_note(input)
        .into_iter()
        .filter(|l| {
            HEADROOM_TAGS
                .iter()
                .any(|t| l.starts_with(&format!("{t}:")))
        })
        .collect();
    let expected = if kept.len() == 2 { kept } else { Vec::new() };
    let shown = apple_maker_note(out);
    if shown == expected {
        return Vec::new();
    }
    vec![format!(
        "Apple maker note: expected {expected:?}, the output shows {shown:?}"
    )]
}

/// Whether exiftool sees a gain map in `input`: a second MPF image with `hdrgm:` XMP, an
/// ISO 21496-1 APP2, or Apple's auxiliary type of an HDR gain map.
fn has_gain_map(input: &[u8]) -> bool {
    let gm = mp_image2(input);
    let iso = b"urn:iso:std:iso:ts:21496:-1\0";
    !gm.is_empty()
        && (!hdrgm_fields(&gm).is_empty()
            || gm.windows(iso.len()).any(|w| w == iso)
            || is_apple(&gm))
}

fn is_apple(gain_map: &[u8]) -> bool {
    apple_fields(gain_map)
        .iter()
        .any(|l| l == "AuxiliaryImageType:urn:com:apple:photo:2020:aux:hdrgainmap")
}

fn jpeg_files(dir: &Path) -> Vec<std::path::PathBuf> {
    common::image_files(&dir.join("jpeg"))
        .into_iter()
        .filter(|p| common::format_from_extension(p) == Some(imgstrip::Format::Jpeg))
        .collect()
}

/// Every problem with the kept gain map of one input.
fn check(input: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let display = Stripper::new().keep(Keep::DISPLAY);
    let out = match display.strip(input) {
        Ok(stripped) => stripped.data,
        Err(e) => return vec![format!("strip failed: {e}")],
    };
    let (gm_in, gm_out) = (mp_image2(input), mp_image2(&out));
    if gm_out.is_empty() {
        return vec!["the output has no gain map exiftool can extract".into()];
    }
    if !out.ends_with(&gm_out) {
        problems.push("the extracted gain map is not the end of the output".into());
    }
    match (pillow_pixels(&gm_in), pillow_pixels(&gm_out)) {
        (Some(a), Some(b)) if a == b => {}
        (a, b) => problems.push(format!("gain-map pixels differ: {a:?} → {b:?}")),
    }
    let (fields_in, fields_out) = (hdrgm_fields(&gm_in), hdrgm_fields(&gm_out));
    if fields_in != fields_out {
        problems.push(format!(
            "hdrgm fields differ: {fields_in:?} → {fields_out:?}"
        ));
    }
    let (apple_in, apple_out) = (apple_fields(&gm_in), apple_fields(&gm_out));
    if apple_in != apple_out {
        problems.push(format!(
            "Apple gain-map fields differ: {apple_in:?} → {apple_out:?}"
        ));
    }
    if is_apple(&gm_in) {
        problems.extend(headroom_problems(input, &out));
    }
    for (what, file) in [("output", &out), ("gain map", &gm_out)] {
        for line in residue(file) {
            problems.push(format!("{what} still shows: {line}"));
        }
    }
    // The default strip keeps no gain map.
    match imgstrip::strip(input, imgstrip::Limits::default()) {
        Ok(plain) if mp_image2(&plain).is_empty() => {}
        Ok(_) => problems.push("the default strip kept a second image".into()),
        Err(e) => problems.push(format!("default strip failed: {e}")),
    }
    problems
}

#[test]
fn corpus_gain_maps_survive_display_with_their_pixels_and_fields_only() {
    let Some(dir) = ready() else {
        return;
    };
    let mut failures = Vec::new();
    let mut checked = Vec::new();
    for path in jpeg_files(&dir) {
        let input = std::fs::read(&path).unwrap();
        if !has_gain_map(&input) {
            continue;
        }
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        for problem in check(&input) {
            failures.push(format!("{name}: {problem}"));
        }
        checked.push(name);
    }
    common::say(&format!(
        "gain maps: {} corpus files checked ({})",
        checked.len(),
        checked.join(", ")
    ));
    assert!(
        !checked.is_empty(),
        "no corpus JPEG with a gain map in {}",
        dir.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The corpus's iPhone files, version 2.0 and 1.0: under `Keep::DISPLAY` each keeps its
/// HDRHeadroom and HDRGain and no other maker-note tag; without the gain map, none.
#[test]
fn corpus_apple_gain_maps_keep_exactly_their_headroom() {
    let Some(dir) = ready() else {
        return;
    };
    for (name, version) in [
        ("jpeg/ultrahdr_apple_gainmap_new.jpg", "131072"),
        ("jpeg/hdr/ultrahdr_apple_gainmap_old.jpg", "65536"),
    ] {
        let path = dir.join(name);
        let input = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let gain_map = apple_fields(&mp_image2(&input));
        assert!(
            gain_map.contains(&format!("HDRGainMapVersion:{version}")),
            "{name}: {gain_map:?}"
        );
        let before = apple_maker_note(&input);
        assert!(before.len() > 2, "{name}: {before:?}");
        let headroom: Vec<&String> = HEADROOM_TAGS
            .iter()
            .map(|t| {
                before
                    .iter()
                    .find(|l| l.starts_with(&format!("{t}:")))
                    .unwrap_or_else(|| panic!("{name}: no {t} in {before:?}"))
            })
            .collect();
        let out = Stripper::new()
            .keep(Keep::DISPLAY)
            .strip(&input)
            .unwrap()
            .data;
        let after = apple_maker_note(&out);
        assert_eq!(after.iter().collect::<Vec<_>>(), headroom, "{name}");
        assert!(!mp_image2(&out).is_empty(), "{name}: the gain map went");
        // The re-walker takes exactly this EXIF: not with a third maker-note tag, a
        // changed signature, or a headroom left over after its gain map went.
        use common::jpeg::leftovers;
        use common::Allow;
        assert_eq!(
            leftovers(&out, Allow::DISPLAY),
            Vec::<String>::new(),
            "{name}"
        );
        let note = out.windows(9).position(|w| w == b"Apple iOS").unwrap();
        for (at, byte) in [(note + 29, 0x31), (note + 4, b'E'), (note + 19, 3)] {
            let mut bad = out.clone();
            bad[at] = byte;
            assert!(
                !leftovers(&bad, Allow::DISPLAY).is_empty(),
                "{name} at {at}"
            );
        }
        let primary_only = Allow {
            gain_map: false,
            ..Allow::DISPLAY
        };
        let primary_len = out.len() - mp_image2(&out).len();
        let left = leftovers(&out[..primary_len], primary_only);
        assert!(left.iter().any(|l| l.contains("Exif")), "{name}: {left:?}");
        for keep in [Keep::empty(), Keep::ORIENTATION | Keep::COPYRIGHT] {
            let out = Stripper::new().keep(keep).strip(&input).unwrap().data;
            assert_eq!(
                apple_maker_note(&out),
                Vec::<String>::new(),
                "{name} {keep:?}"
            );
        }
    }
}

#[test]
fn rewalker_accepts_exactly_the_kept_gain_map_structure() {
    use common::jpeg::leftovers;
    use common::Allow;
    let input = common::jpeg::ultra_hdr(&[], &[], b"");
    let out = Stripper::new()
        .keep(Keep::DISPLAY)
        .strip(&input)
        .unwrap()
        .data;
    assert!(out.len() > 400, "the gain map was not kept");
    assert_eq!(leftovers(&out, Allow::DISPLAY), Vec::<String>::new());
    assert!(!leftovers(&out, Allow::NONE).is_empty());

    let mpf = out.windows(4).position(|w| w == b"MPF\0").unwrap() + 4;
    let patched = |at: usize, delta: i64| {
        let mut o = out.clone();
        let v = u32::from_be_bytes(o[at..at + 4].try_into().unwrap()) as i64 + delta;
        o[at..at + 4].copy_from_slice(&(v as u32).to_be_bytes());
        o
    };
    let mut trailer = out.clone();
    trailer.extend_from_slice(b"more");
    let renamed = String::from_utf8_lossy(&out).contains("hdrgm:Version=");
    assert!(renamed);
    let mut creator = out.clone();
    let at = creator
        .windows(14)
        .position(|w| w == b"hdrgm:Version=")
        .unwrap();
    creator[at..at + 5].copy_from_slice(b"dccrx");
    // A comment inside the gain map, its MP Entry size grown to match.
    let gm_at = out.len()
        - u32::from_be_bytes(out[mpf + 54 + 16..mpf + 58 + 16].try_into().unwrap()) as usize;
    let mut comment = patched(mpf + 50 + 16 + 4, 8);
    comment.splice(gm_at + 2..gm_at + 2, common::jpeg::com(b"note"));
    for (what, bad) in [
        ("bytes after the gain map", trailer),
        (
            "MP Entry offset one byte off",
            patched(mpf + 50 + 16 + 8, 1),
        ),
        (
            "MP Entry size one byte short",
            patched(mpf + 50 + 16 + 4, -1),
        ),
        ("a property outside the gain-map namespaces", creator),
        ("a comment in the gain map", comment),
    ] {
        assert!(!leftovers(&bad, Allow::DISPLAY).is_empty(), "{what}");
    }
}

#[test]
fn rewalker_accepts_exactly_the_kept_apple_gain_map_structure() {
    use common::jpeg::{app, apple_hdr, leftovers, APPLE_GAIN_MAP_XMP};
    use common::Allow;
    let xmp_sig = b"http://ns.adobe.com/xap/1.0/\0";
    let input = apple_hdr(
        &common::jpeg::com(b"PRIMARY"),
        &common::jpeg::com(b"AUX"),
        b"tail",
    );
    let out = Stripper::new()
        .keep(Keep::DISPLAY)
        .strip(&input)
        .unwrap()
        .data;
    assert!(
        String::from_utf8_lossy(&out).contains("aux:hdrgainmap"),
        "not kept"
    );
    assert_eq!(leftovers(&out, Allow::DISPLAY), Vec::<String>::new());
    assert!(!leftovers(&out, Allow::NONE).is_empty());

    // Apple's XMP belongs in the gain map only.
    let apple_xmp = app(1, xmp_sig, APPLE_GAIN_MAP_XMP.as_bytes());
    let mut in_primary = out.clone();
    in_primary.splice(2..2, apple_xmp);
    // Same-length edits, so the MPF still points at the whole gain map.
    let with = |from: &str, to: &str| {
        assert_eq!(from.len(), to.len());
        let text = out
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .unwrap();
        let mut o = out.clone();
        o.splice(text..text + from.len(), to.bytes());
        o
    };
    for (what, bad) in [
        ("Apple XMP in the primary", in_primary),
        (
            "another namespace in the gain map's XMP",
            with("xmlns:HDRGainMap=", "xmlns:dcterms12x="),
        ),
        ("text that is not a number", with(">131072<", ">iOS17a<")),
    ] {
        assert!(!leftovers(&bad, Allow::DISPLAY).is_empty(), "{what}");
    }
}

/// Mutated real gain-map files (bytes flipped in the MPF, the XMP and elsewhere) strip to a
/// typed error or an output that fits [`imgstrip::max_output_len`], re-walks with nothing
/// but a kept gain map's structure, and strips to itself.
#[test]
fn mutated_corpus_gain_maps_strip_cleanly_or_fail_typed() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let display = Stripper::new().keep(Keep::DISPLAY);
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below as u64) as usize
    };
    let mut files = 0;
    for path in jpeg_files(&dir) {
        let input = std::fs::read(&path).unwrap();
        let kept = display.strip(&input).map(|s| s.data).unwrap_or_default();
        if input.len() > 200_000 || !kept.windows(4).any(|w| w == b"MPF\0") {
            continue;
        }
        files += 1;
        let mpf = input.windows(4).position(|w| w == b"MPF\0").unwrap();
        for i in 0..300 {
            let at = if i % 2 == 0 {
                mpf + next(100)
            } else {
                next(input.len())
            };
            let mut bytes = input.clone();
            bytes[at] ^= 1 << next(8);
            let mut buf = vec![0; imgstrip::max_output_len(bytes.len())];
            let Ok((len, _)) = display.strip_to_slice(&bytes, &mut buf) else {
                continue;
            };
            let out = &buf[..len];
            let name = format!("{} flipped at {at}", path.display());
            assert_eq!(
                common::jpeg::leftovers(out, common::Allow::DISPLAY),
                Vec::<String>::new(),
                "{name}"
            );
            assert_eq!(display.strip(out).unwrap().data, out, "{name}");
        }
    }
    assert!(files > 0, "no small corpus JPEG with a gain map");
}
