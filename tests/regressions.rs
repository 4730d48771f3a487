//! Inputs the fuzz targets found to break an invariant, minimized, each asserting the exact
//! `Err` or output it must give now. The fuzz target and the run that found each are named
//! in its doc comment; fuzz/README.md says how to add one.

mod common;

use common::heif::{bx, full};
use imgstrip::{strip, Error, Format, Keep, Limits, Stripper};

/// `heif` target (whose first 4 fuzz bytes landed on `FF D8`, so the input is a JPEG): an
/// SOF2 whose length is 2, at the very end of the input. The error pointed at the height
/// field, byte 13 of a 12-byte input; it now points at the segment's length field.
#[test]
fn empty_frame_header_at_the_end_is_malformed_at_its_length() {
    let input = [
        0xFF, 0xD8, // SOI
        0x00, 0x46, b'f', b't', b'y', b'p', // bytes between segments
        0xFF, 0xC2, 0x00, 0x02, // SOF2, length 2: no precision, height or width
    ];
    let err = strip(&input, Limits::default()).unwrap_err();
    assert_eq!(
        err,
        Error::Malformed {
            format: Format::Jpeg,
            offset: 10,
            what: "frame header shorter than 5 bytes".into()
        }
    );
    assert!(err.offset().is_some_and(|o| o <= input.len()));
}

/// `bmp` target: a V5 bitmap whose embedded profile (`bV5ProfileData` 4, 128 bytes) overlaps
/// the DIB header and the pixel array. Under `Keep::ICC` the profile, moved after the pixel
/// array, was written a second time: the output grew by the overlap (the fuzzer's input grew
/// from 18,745 to 19,970 bytes; `cargo fuzz tmin` left 12,894 bytes with a 12,876-byte
/// profile at the same offset over an RLE8 bitmap; here it is hand-minimized to a 1×1
/// bitmap). A profile can cover the whole file, so the output, and the heap, could double.
/// It is now malformed under `Keep::ICC`; without it the profile goes, as before.
#[test]
fn profile_overlapping_the_headers_and_pixels_is_not_copied_twice() {
    #[rustfmt::skip]
    let input: [u8; 142] = [
        0x42, 0x4D, 0x8E, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8A, 0x00,
        0x00, 0x00, 0x7C, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x44, 0x45,
        0x42, 0x4D, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x80, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x00,
    ];
    for keep in [Keep::ICC, Keep::DISPLAY] {
        assert_eq!(
            Stripper::new().keep(keep).strip(&input).unwrap_err(),
            Error::Malformed {
                format: Format::Bmp,
                offset: 14 + 112,
                what: "the embedded profile overlaps the headers, palette or pixel array".into()
            }
        );
    }
    // Without Keep::ICC: the colour space becomes LCS_sRGB and the profile fields zero.
    let mut expected = input;
    expected[14 + 56..14 + 60].copy_from_slice(b"BGRs");
    expected[14 + 112..14 + 120].fill(0);
    assert_eq!(strip(&input, Limits::default()).unwrap(), expected);
}

/// `strip` target, on a mutated libavif image sequence: the `mdat` header was broken (a box
/// of type `00000000` whose size ran past the end, so the walk ended there as a trailer)
/// while the item's extent pointed into those bytes and a track's chunk pointed at offset 0,
/// over `ftyp`, `meta` and `moov`. The rebuilt `mdat` then held the old boxes a second time:
/// the output grew from 2,879 to 3,202 bytes and carried the original `hdlr` name and every
/// other byte of the old `meta`. Here the same shape is built by hand with one item whose
/// extent covers `ftyp` and `meta` from byte 0. Data outside every `mdat` is now unsupported.
#[test]
fn item_data_over_the_file_s_own_boxes_is_unsupported() {
    let file = |extent_len: u32| {
        let pixels_at_end = [0, 0, 0, 0xFF, 0, 0, 0, 0, b'a', b'v', b'1'];
        let iloc = [
            &[0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1][..],
            &0u32.to_be_bytes(),
            &extent_len.to_be_bytes(),
        ]
        .concat();
        let ipco = [
            bx(b"av1C", &[0x81, 0, 0, 0]),
            full(b"ispe", 0, 0, &[0, 0, 0, 1, 0, 0, 0, 1]),
        ]
        .concat();
        let meta = full(
            b"meta",
            0,
            0,
            &[
                full(
                    b"hdlr",
                    0,
                    0,
                    &[&[0; 4][..], b"pict", &[0; 12], b"CANARY-libavif\0"].concat(),
                ),
                full(b"pitm", 0, 0, &[0, 1]),
                full(b"iloc", 0, 0, &iloc),
                full(
                    b"iinf",
                    0,
                    0,
                    &[&[0, 1][..], &full(b"infe", 2, 0, b"\0\x01\0\0av01\0")].concat(),
                ),
                bx(
                    b"iprp",
                    &[
                        bx(b"ipco", &ipco),
                        full(b"ipma", 0, 0, &[0, 0, 0, 1, 0, 1, 2, 0x81, 0x02]),
                    ]
                    .concat(),
                ),
            ]
            .concat(),
        );
        [
            bx(b"ftyp", b"avif\0\0\0\0avifmif1miaf"),
            meta,
            pixels_at_end.to_vec(),
        ]
        .concat()
    };
    let head = file(0).len() - 11;
    let input = file(u32::try_from(head).unwrap());
    assert_eq!(
        strip(&input, Limits::default()),
        Err(Error::Unsupported {
            format: Format::Avif,
            offset: 0,
            what: "item or sample data outside every mdat box".into()
        })
    );
}

/// `stripper` target (ignore-limit flag on, no Keep flags): a sequence whose `moov` holds an
/// `hdlr` box that ends right after its reserved fields, with no name byte at all. The rewrite
/// that empties handler names wrote one `\0` terminator, so the output grew by a byte
/// (315 → 316). A missing name now stays missing; `infe` item names are treated the same.
/// An `hdlr` directly in `moov` is not where ISO 14496-12 puts one, so it now goes whole
/// (the allow-list of issue 14); one in `mdia` without a name byte stays without one.
#[test]
fn a_handler_without_a_name_byte_is_not_given_one() {
    let hdlr = full(b"hdlr", 0, 0, &[&[0; 4][..], b"pict", &[0; 12]].concat());
    assert_eq!(hdlr.len(), 32);
    let input = [bx(b"ftyp", b"avis\0\0\0\0avismsf1"), bx(b"moov", &hdlr)].concat();
    let expected = [bx(b"ftyp", b"avis\0\0\0\0avismsf1"), bx(b"moov", &[])].concat();
    assert_eq!(strip(&input, Limits::default()).unwrap(), expected);
}

/// Millions of empty top-level `mdat` boxes would make the walker's table of them twice the
/// file's size: more than 4,096 is refused, at the first box past the bound.
#[test]
fn a_heif_with_thousands_of_mdat_boxes_is_unsupported() {
    let tiles = common::heif::tile_grid(100);
    let ok = [tiles.clone(), common::heif::bx(b"mdat", &[]).repeat(4000)].concat();
    assert!(imgstrip::strip(&ok, imgstrip::Limits::default()).is_ok());
    let too_many = [tiles.clone(), common::heif::bx(b"mdat", &[]).repeat(4097)].concat();
    let err = imgstrip::strip(&too_many, imgstrip::Limits::default()).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what, .. } if what.contains("mdat")),
        "{err}"
    );
    // The grid file has an mdat of its own: the 4,096th empty one is the 4,097th.
    assert_eq!(err.offset(), Some(tiles.len() + 8 * 4095));
}
