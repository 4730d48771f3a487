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
