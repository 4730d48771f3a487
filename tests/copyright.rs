//! `Keep::COPYRIGHT`: a JPEG, PNG or WebP keeps the author's credit (EXIF Artist and
//! Copyright, XMP `dc:creator` and `dc:rights`) in fresh minimal blocks and nothing else of
//! the blocks they came from; formats that cannot carry it say so in `Report::not_kept`;
//! the credit never grows the output past `max_output_len`. Generated inputs with a canary in
//! every other field; the re-walkers of `tests/common` accept exactly the minimal blocks.

mod common;

use common::{tiff_le, walker, Allow, Entry};
use imgstrip::{max_output_len, Format, Keep, Stripper};

const ARTIST: &str = "Ann Author";
const COPYRIGHT: &str = "(c) 2024 Ann Author & Co";

/// IFD0 with the credit, an orientation, and canaries in the device, serial, time and
/// software fields; a GPS-looking tag too.
fn camera_tiff() -> Vec<u8> {
    tiff_le(
        &[
            Entry::ascii(0x010F, "CANARY-MAKE"),
            Entry::ascii(0x0110, "CANARY-MODEL"),
            Entry::short(0x0112, 6),
            Entry::ascii(0x0131, "CANARY-SOFTWARE"),
            Entry::ascii(0x0132, "2024:05:06 CANARY"),
            Entry::ascii(0x013B, ARTIST),
            Entry::ascii(0x8298, COPYRIGHT),
            Entry::ascii(0xA431, "CANARY-SERIAL"),
        ],
        &[Entry::ascii(0x0002, "CANARY-GPS")],
        None,
    )
}

/// An XMP packet with the credit among other properties, each a canary.
const XMP: &[u8] = br#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
  exif:GPSLatitude="CANARY-LAT" photoshop:City="CANARY-CITY">
 <dc:creator><rdf:Seq><rdf:li>Ann Author</rdf:li><rdf:li>Bo &amp; Co</rdf:li></rdf:Seq></dc:creator>
 <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">&#169; Ann Author</rdf:li></rdf:Alt></dc:rights>
 <dc:subject><rdf:Bag><rdf:li>CANARY-KEYWORD</rdf:li></rdf:Bag></dc:subject>
 <dc:description><rdf:Alt><rdf:li xml:lang="x-default">CANARY-DESC</rdf:li></rdf:Alt></dc:description>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;

const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

fn allow(keep: Keep) -> Allow {
    Allow {
        orientation: keep.contains(Keep::ORIENTATION),
        icc: keep.contains(Keep::ICC),
        gain_map: keep.contains(Keep::GAIN_MAP),
        copyright: keep.contains(Keep::COPYRIGHT),
    }
}

/// Strips with `keep` and checks what every credit strip promises: no canary, the credit
/// there, a clean re-walk, idempotence, the output within `max_output_len`.
fn strip_credit(format: Format, input: &[u8], keep: Keep) -> Vec<u8> {
    let out = Stripper::new().keep(keep).strip(input).unwrap();
    assert!(
        common::find(&out.data, b"CANARY").is_none(),
        "a canary survived"
    );
    for text in [
        ARTIST,
        "(c) 2024 Ann Author &",
        "Bo &amp; Co",
        "© Ann Author",
    ] {
        assert!(
            common::find(&out.data, text.as_bytes()).is_some(),
            "{text} is gone"
        );
    }
    assert_eq!(out.report.not_kept, Keep::empty());
    assert!(out.data.len() <= max_output_len(input.len()));
    let w = walker(format).unwrap();
    assert_eq!((w.leftovers)(&out.data, allow(keep)), Vec::<String>::new());
    assert!(!(w.leftovers)(&out.data, Allow::NONE).is_empty());
    let again = Stripper::new().keep(keep).strip(&out.data).unwrap();
    assert_eq!(again.data, out.data, "not idempotent");
    // The same walk into a slice of max_output_len bytes.
    let mut buf = vec![0; max_output_len(input.len())];
    let (len, _) = Stripper::new()
        .keep(keep)
        .strip_to_slice(input, &mut buf)
        .unwrap();
    assert_eq!(&buf[..len], &out.data[..]);
    // The orientation rides in the same minimal EXIF only when asked for.
    let oriented = Stripper::new()
        .keep(Keep::ORIENTATION)
        .strip(&out.data)
        .unwrap();
    let has_orientation =
        oriented.data.len() > Stripper::new().strip(&out.data).unwrap().data.len();
    assert_eq!(has_orientation, keep.contains(Keep::ORIENTATION));
    out.data
}

fn jpeg_with(segments: &[Vec<u8>]) -> Vec<u8> {
    let plain = common::sample_jpeg(8, 8, 3);
    let mut v = plain[..2].to_vec();
    for s in segments {
        v.extend_from_slice(s);
    }
    v.extend_from_slice(&plain[2..]);
    v
}

fn jpeg_input() -> Vec<u8> {
    use common::jpeg::{app, com};
    jpeg_with(&[
        app(1, b"Exif\0\0", &camera_tiff()),
        app(1, XMP_SIG, XMP),
        app(
            1,
            b"http://ns.adobe.com/xmp/extension/\0",
            b"CANARY-EXTENDED",
        ),
        com(b"CANARY comment"),
    ])
}

#[test]
fn jpeg_keeps_exactly_the_credit() {
    let input = jpeg_input();
    for keep in [Keep::COPYRIGHT, Keep::COPYRIGHT | Keep::DISPLAY] {
        strip_credit(Format::Jpeg, &input, keep);
    }
    // Without the flag, nothing of it stays; ORIENTATION alone writes what it always did.
    let plain = Stripper::new().strip(&input).unwrap().data;
    assert!(common::find(&plain, ARTIST.as_bytes()).is_none());
    let oriented = Stripper::new()
        .keep(Keep::ORIENTATION)
        .strip(&input)
        .unwrap();
    assert!(common::find(&oriented.data, ARTIST.as_bytes()).is_none());
    assert_eq!(oriented.data.len(), plain.len() + 4 + 32);
}

#[test]
fn jpeg_with_only_exif_or_only_xmp_credit() {
    use common::jpeg::app;
    let exif_only = jpeg_with(&[app(1, b"Exif\0\0", &camera_tiff())]);
    let out = Stripper::new()
        .keep(Keep::COPYRIGHT)
        .strip(&exif_only)
        .unwrap();
    assert!(common::find(&out.data, COPYRIGHT.as_bytes()).is_some());
    assert!(common::find(&out.data, b"dc:creator").is_none());
    let xmp_only = jpeg_with(&[app(1, XMP_SIG, XMP)]);
    let out = Stripper::new()
        .keep(Keep::COPYRIGHT)
        .strip(&xmp_only)
        .unwrap();
    assert!(common::find(&out.data, b"Exif").is_none());
    assert!(common::find(&out.data, b"Bo &amp; Co").is_some());
    // No credit at all: nothing written.
    let bare = jpeg_with(&[app(
        1,
        b"Exif\0\0",
        &tiff_le(&[Entry::ascii(0x010F, "CANARY")], &[], None),
    )]);
    let out = Stripper::new().keep(Keep::COPYRIGHT).strip(&bare).unwrap();
    assert_eq!(out.data, Stripper::new().strip(&bare).unwrap().data);
}

fn png_input(xmp_chunk: Vec<u8>) -> Vec<u8> {
    use common::png::{chunk, text};
    let plain = common::sample_png(8, 8, 3);
    let mut v = plain[..33].to_vec(); // signature, IHDR
    v.extend(chunk(b"eXIf", &camera_tiff()));
    v.extend(xmp_chunk);
    v.extend(text(b"Comment", b"CANARY-TEXT"));
    v.extend_from_slice(&plain[33..]);
    v
}

#[test]
fn png_keeps_exactly_the_credit() {
    let input = png_input(common::png::itxt(b"XML:com.adobe.xmp", b"", b"", XMP));
    for keep in [Keep::COPYRIGHT, Keep::COPYRIGHT | Keep::DISPLAY] {
        strip_credit(Format::Png, &input, keep);
    }
}

#[test]
fn png_compressed_xmp_cannot_be_read_and_the_report_says_so() {
    let mut body = b"XML:com.adobe.xmp\0\x01\x00\0\0".to_vec();
    body.extend(common::zlib_stored(XMP));
    let input = png_input(common::png::chunk(b"iTXt", &body));
    let out = Stripper::new().keep(Keep::COPYRIGHT).strip(&input).unwrap();
    assert_eq!(out.report.not_kept, Keep::COPYRIGHT);
    assert!(common::find(&out.data, b"CANARY").is_none());
    assert!(
        common::find(&out.data, ARTIST.as_bytes()).is_some(),
        "EXIF credit stays"
    );
}

#[test]
fn webp_keeps_exactly_the_credit_simple_and_extended() {
    use common::webp::{chunk, first_chunk, riff, sample_webp, vp8x, EXIF, XMP as XMP_FLAG};
    let image = first_chunk(&sample_webp(8, 8, 3));
    let exif = chunk(b"EXIF", &camera_tiff());
    let xmp = chunk(b"XMP ", XMP);
    let simple = riff(&[&image, &exif, &xmp, &chunk(b"ICMT", b"CANARY")]);
    let extended = riff(&[&vp8x(EXIF | XMP_FLAG, 8, 8), &image, &exif, &xmp]);
    for input in [simple, extended] {
        for keep in [Keep::COPYRIGHT, Keep::COPYRIGHT | Keep::DISPLAY] {
            let out = strip_credit(Format::WebP, &input, keep);
            assert_eq!(&out[12..16], b"VP8X");
            assert_eq!(out[20] & (EXIF | XMP_FLAG), EXIF | XMP_FLAG);
        }
    }
}

#[test]
fn formats_that_cannot_carry_the_credit_say_so() {
    let gif = common::sample_gif(4, 4, 1);
    let mut input = gif[..gif.len() - 1].to_vec();
    input.extend(common::gif::xmp(XMP));
    input.push(0x3B);
    let out = Stripper::new().keep(Keep::COPYRIGHT).strip(&input).unwrap();
    assert_eq!(out.report.not_kept, Keep::COPYRIGHT);
    assert_eq!(out.data, Stripper::new().strip(&input).unwrap().data);
    // Nothing named: nothing to report.
    let out = Stripper::new().keep(Keep::COPYRIGHT).strip(&gif).unwrap();
    assert_eq!(out.report.not_kept, Keep::empty());
    let out = Stripper::new().keep(Keep::DISPLAY).strip(&input).unwrap();
    assert_eq!(out.report.not_kept, Keep::empty());
}

#[test]
fn credit_that_would_grow_the_output_too_much_goes_and_the_report_says_so() {
    use common::jpeg::app;
    // A terse packet whose text escapes to five times its length.
    let terse = format!(
        "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' dc:creator='{}'/>",
        "&".repeat(200)
    );
    let input = jpeg_with(&[app(1, XMP_SIG, terse.as_bytes())]);
    let out = Stripper::new().keep(Keep::COPYRIGHT).strip(&input).unwrap();
    assert_eq!(out.report.not_kept, Keep::COPYRIGHT);
    assert_eq!(out.data, Stripper::new().strip(&input).unwrap().data);
    let mut buf = vec![0; max_output_len(input.len())];
    let (len, report) = Stripper::new()
        .keep(Keep::COPYRIGHT)
        .strip_to_slice(&input, &mut buf)
        .unwrap();
    assert_eq!(&buf[..len], &out.data[..]);
    assert_eq!(report.not_kept, Keep::COPYRIGHT);
    // Growth within the 64 bytes of the promise: the credit stays.
    let short = format!(
        "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' dc:creator='Al'/>{}",
        " ".repeat(170)
    );
    let input = jpeg_with(&[app(1, XMP_SIG, short.as_bytes())]);
    let out = Stripper::new().keep(Keep::COPYRIGHT).strip(&input).unwrap();
    assert_eq!(out.report.not_kept, Keep::empty());
    assert!(
        out.data.len() > input.len(),
        "{} {}",
        out.data.len(),
        input.len()
    );
    assert!(common::find(&out.data, b"<rdf:li>Al</rdf:li>").is_some());
}

// ---------------------------------------------------------------------------------------
// The corpus, read by exiftool
// ---------------------------------------------------------------------------------------

/// The credit lines exiftool shows where `Keep::COPYRIGHT` reads it: IFD0 Artist and
/// Copyright, XMP-dc Creator and Rights.
fn credit_lines(lines: &[String]) -> Vec<String> {
    let mut credit: Vec<String> = lines
        .iter()
        .filter(|line| {
            let mut w = line.split_whitespace();
            matches!(
                (w.next(), w.next()),
                (Some("[IFD0]"), Some("Artist" | "Copyright"))
                    | (Some("[XMP-dc]"), Some("Creator" | "Rights"))
            )
        })
        .cloned()
        .collect();
    credit.sort_unstable();
    credit
}

/// Lines of an output that are neither its credit nor the file's own description.
fn residue(lines: &[String]) -> Vec<String> {
    const PLAIN: &[&str] = &[
        "[QuickTime]",
        "[Meta]",
        "[ExifTool]",
        "[System]",
        "[File]",
        "[JFIF]",
        "[Adobe]",
        "[Composite]",
        "[RIFF]",
    ];
    const IDENTIFYING: &[&str] = &[
        "GPS", "Make", "Model", "Serial", "Software", "Owner", "Date", "Time", "Comment", "Text",
    ];
    let credit = credit_lines(lines);
    lines
        .iter()
        .filter(|line| {
            let mut w = line.split_whitespace();
            let (group, tag) = (w.next().unwrap_or(""), w.next().unwrap_or(""));
            if credit.contains(line) || group.starts_with("[ICC") {
                return false;
            }
            let file_group = matches!(group, "[ExifTool]" | "[System]" | "[File]");
            let plain = PLAIN.contains(&group) || group.starts_with("[PNG");
            !plain || (!file_group && IDENTIFYING.iter().any(|i| tag.contains(i)))
        })
        .cloned()
        .collect()
}

/// The primary image of a HEIF or AVIF file as Pillow decodes it (pillow-heif for HEIF,
/// Pillow's own AVIF plugin): mode, size and a SHA-256 of the pixels; `None` when Python,
/// Pillow or pillow-heif is missing or cannot decode it.
fn pillow_pixels(file: &[u8]) -> Option<String> {
    const SCRIPT: &str = "import sys, io, hashlib\n\
import pillow_heif\n\
pillow_heif.register_heif_opener()\n\
from PIL import Image\n\
im = Image.open(io.BytesIO(sys.stdin.buffer.read()))\n\
im.load()\n\
print(im.mode, im.size, hashlib.sha256(im.tobytes()).hexdigest())\n";
    let out = common::run_with_input("python3", &["-c", SCRIPT], file)?;
    Some(String::from_utf8_lossy(&out).trim().to_owned())
}

/// Every corpus JPEG, PNG, WebP, HEIF and AVIF whose credit exiftool reads keeps exactly
/// that credit under `Keep::COPYRIGHT`, as exiftool reads the output, and nothing that
/// identifies else; a HEIF or AVIF output decodes (Pillow, pillow-heif) to the same pixels.
#[test]
fn corpus_credit_reads_back_in_exiftool() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let exiftool = common::exiftool_lines(&common::sample_png(1, 1, 0)).is_some();
    if !common::tool_available(exiftool, "exiftool", "copyright corpus test") {
        return;
    }
    let (mut checked, mut not_kept, mut problems) = (0, Vec::new(), Vec::new());
    let mut heif_pixels = 0;
    for path in common::image_files(&dir) {
        let input = std::fs::read(&path).unwrap();
        let format = imgstrip::detect(&input);
        if matches!(format, Some(Format::Gif)) {
            // Formats the flag does not write: the credit goes, and the report says so.
            let Ok(out) = Stripper::new().keep(Keep::COPYRIGHT).strip(&input) else {
                continue;
            };
            let before = credit_lines(&common::exiftool_lines(&input).unwrap_or_default());
            let name = path.strip_prefix(&dir).unwrap().display().to_string();
            // A blank Artist or Copyright (cameras write empty ones) is no credit to keep.
            let named = before
                .iter()
                .any(|l| !l.split_once(": ").map_or("", |(_, v)| v).trim().is_empty());
            if named && out.report.not_kept != Keep::COPYRIGHT {
                problems.push(format!("{name}: credit {before:?} went unreported"));
            }
            continue;
        }
        if !matches!(
            format,
            Some(Format::Jpeg | Format::Png | Format::WebP | Format::Heif | Format::Avif)
        ) {
            continue;
        }
        let Ok(out) = Stripper::new().keep(Keep::COPYRIGHT).strip(&input) else {
            continue;
        };
        let mut before = credit_lines(&common::exiftool_lines(&input).unwrap_or_default());
        // A blank Artist or Copyright (cameras write empty ones) is no credit to keep.
        before.retain(|l| !l.split_once(": ").map_or("", |(_, v)| v).trim().is_empty());
        let lines = common::exiftool_lines(&out.data).unwrap_or_default();
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        let after = credit_lines(&lines);
        if before.is_empty() && after.is_empty() {
            continue;
        }
        checked += 1;
        if !out.report.not_kept.is_empty() {
            not_kept.push(name.clone());
        }
        // exiftool may not see a credit the walker reads (a packet whose `dc` prefix is not
        // bound as exiftool wants it: it shows the values under another group); the values
        // kept must then be the input's.
        let value = |l: &String| l.split_once(": ").map(|(_, v)| v.to_owned());
        let input_values: Vec<String> = common::exiftool_lines(&input)
            .unwrap_or_default()
            .iter()
            .filter_map(value)
            .collect();
        let unseen_but_kept = before.is_empty()
            && after
                .iter()
                .filter_map(value)
                .all(|v| input_values.contains(&v));
        if before != after && out.report.not_kept.is_empty() && !unseen_but_kept {
            problems.push(format!("{name}: credit {before:?} became {after:?}"));
        }
        for line in residue(&lines) {
            problems.push(format!("{name}: left {line}"));
        }
        if matches!(format, Some(Format::Heif | Format::Avif)) {
            match (pillow_pixels(&input), pillow_pixels(&out.data)) {
                (Some(a), Some(b)) if a == b => heif_pixels += 1,
                (Some(a), b) => problems.push(format!("{name}: pixels {a} became {b:?}")),
                (None, _) => {}
            }
        }
    }
    common::say(&format!(
        "copyright corpus: {checked} files with credit checked ({heif_pixels} HEIF/AVIF \
         decoded to the same pixels by Pillow/pillow-heif); reported not kept (an XMP in \
         UTF-16 or compressed): {not_kept:?}"
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every corpus file strips under `Keep::COPYRIGHT` (alone and with `Keep::DISPLAY`) as it
/// does without it, into an output that re-walks clean with only the minimal credit blocks
/// allowed, fits `max_output_len`, and strips to itself. Needs no exiftool.
#[test]
fn corpus_outputs_rewalk_clean_and_strip_to_themselves() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let mut problems = Vec::new();
    for path in common::image_files(&dir) {
        let input = std::fs::read(&path).unwrap();
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        for (base, base_allow) in [
            (Keep::empty(), Allow::NONE),
            (Keep::DISPLAY, Allow::DISPLAY),
        ] {
            let keep = base | Keep::COPYRIGHT;
            let plain = Stripper::new().keep(base).strip(&input);
            let Ok(out) = Stripper::new().keep(keep).strip(&input) else {
                if plain.is_ok() {
                    problems.push(format!("{name}: fails only with {keep:?}"));
                }
                continue;
            };
            let Some(w) = imgstrip::detect(&input).and_then(walker) else {
                continue;
            };
            let allow = Allow {
                copyright: true,
                ..base_allow
            };
            for line in (w.leftovers)(&out.data, allow) {
                problems.push(format!("{name} {keep:?}: {line}"));
            }
            if out.data.len() > max_output_len(input.len()) {
                problems.push(format!("{name} {keep:?}: output too long"));
            }
            match Stripper::new().keep(keep).strip(&out.data) {
                Ok(again) if again.data == out.data => {}
                _ => problems.push(format!("{name} {keep:?}: not idempotent")),
            }
            // Outside the credit blocks the output is the strip without the flag.
            let plain = plain.unwrap().data;
            let nothing_kept =
                out.report.not_kept.contains(Keep::COPYRIGHT) && !has_credit_blocks(&out.data);
            if nothing_kept && out.data != plain {
                problems.push(format!("{name} {keep:?}: credit not kept, output differs"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether an output holds a credit block imgstrip wrote.
fn has_credit_blocks(data: &[u8]) -> bool {
    common::find(data, b"purl.org/dc/elements").is_some()
        || common::find(data, &[0x01, 0x3B, 0, 2]).is_some()
        || common::find(data, &[0x82, 0x98, 0, 2]).is_some()
        || [
            &b"tEXtAuthor\0"[..],
            b"tEXtCopyright\0",
            b"iTXtAuthor\0",
            b"iTXtCopyright\0",
        ]
        .iter()
        .any(|chunk| common::find(data, chunk).is_some())
}
