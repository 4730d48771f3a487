//! AVIF/HEIF gain maps (`tmap` derived items, ISO 21496-1): the `tmap` item and the gain-map
//! image stay under every keep set (they are image items), while the file's `Exif` and XMP
//! items go.

mod common;

use imgstrip::{Keep, Stripper};

/// The `item_type` of every `infe` of version 2 or 3 in `data`.
fn item_types(data: &[u8]) -> Vec<[u8; 4]> {
    let mut types = Vec::new();
    let mut at = 0;
    while let Some(i) = common::find(&data[at..], b"infe") {
        let start = at + i + 4; // version, flags
        if let Some(fields) = data.get(start..start + 12) {
            let wide = fields[0] == 3;
            let t = if wide {
                data.get(start + 10..start + 14)
            } else {
                fields.get(8..12)
            };
            if fields[0] >= 2 {
                types.push(t.unwrap().try_into().unwrap());
            }
        }
        at = start;
    }
    types
}

#[test]
fn a_tmap_gain_map_stays_and_the_metadata_items_go() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let input = std::fs::read(corpus.join("avif/libavif_seine_sdr_gainmap_srgb_icc.avif")).unwrap();
    let before = item_types(&input);
    assert!(
        before.contains(b"tmap") && before.contains(b"Exif") && before.contains(b"mime"),
        "{before:?}"
    );
    for keep in [Keep::empty(), Keep::DISPLAY] {
        let out = Stripper::new().keep(keep).strip(&input).unwrap().data;
        let after = item_types(&out);
        assert!(after.contains(b"tmap"), "{keep:?}: {after:?}");
        assert_eq!(
            after.iter().filter(|t| *t == b"av01").count(),
            before.iter().filter(|t| *t == b"av01").count(),
            "{keep:?}: an image item went"
        );
        assert!(
            !after.contains(b"Exif") && !after.contains(b"mime"),
            "{keep:?}: {after:?}"
        );
    }
}

/// An iPhone HEIC (item 52 its HDR gain map, described by XMP item 53; item 54 a disparity
/// map with XMP item 55), read back by exiftool: under `Keep::DISPLAY` the gain map's
/// `HDRGainMapVersion` is there in a fresh XMP, and nothing of the disparity map's XMP nor of
/// any other XMP, and the primary's maker-note headroom in a fresh Exif item, nothing else
/// of the maker note; a default strip leaves neither.
#[test]
fn an_apple_hdr_heic_keeps_its_gain_map_version_in_exiftool() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let path = dir.join("heif/hdr/pillowheif_pug.heic");
    let Ok(input) = std::fs::read(&path) else {
        assert!(
            !common::is_ci(),
            "{} is required under CI=true",
            path.display()
        );
        common::say("skipping: pillowheif_pug.heic not in the corpus");
        return;
    };
    let exiftool = common::exiftool_lines(&input).is_some();
    if !common::tool_available(exiftool, "exiftool", "Apple HEIC exiftool test") {
        return;
    }
    let xmp = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .filter(|l| l.starts_with("[XMP"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    let before = xmp(common::exiftool_lines(&input).unwrap());
    assert!(before.iter().any(|l| l.contains("depthData")), "{before:?}");
    let display = Stripper::new().keep(Keep::DISPLAY).strip(&input).unwrap();
    assert_eq!(display.report.not_kept, Keep::empty());
    let after = xmp(common::exiftool_lines(&display.data).unwrap());
    assert_eq!(after, ["[XMP-HDRGainMap] HDRGainMapVersion : 65536"]);
    assert!(display.data.len() <= input.len());
    let plain = Stripper::new().strip(&input).unwrap();
    assert_eq!(
        xmp(common::exiftool_lines(&plain.data).unwrap()),
        Vec::<String>::new()
    );
    assert_eq!(
        item_types(&display.data).len(),
        item_types(&plain.data).len() + 2,
        "two items more: the gain map's XMP and the primary's headroom Exif"
    );
    // Of the primary's maker note, exactly its HDRHeadroom (this iPhone wrote no HDRGain).
    let apple = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .filter(|l| l.starts_with("[Apple]") || l.starts_with("[ExifIFD]"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    let kept = apple(common::exiftool_lines(&display.data).unwrap());
    assert_eq!(kept, ["[Apple] HDRHeadroom : 0.8786434536"]);
    assert!(apple(common::exiftool_lines(&input).unwrap()).contains(&kept[0]));
    assert!(apple(common::exiftool_lines(&plain.data).unwrap()).is_empty());
}
