//! Bounds: any bytes, and mutations of built blocks, give an answer without a panic; and the
//! work every reader does grows linearly with its input (counted by [`crate::work`], as
//! `src/linear_tests.rs` counts the walkers).

use proptest::prelude::*;

use super::*;
use crate::found::{exif, flir, iptc, photoshop_irb, xmp};
use crate::report::Found;
use crate::work;

/// The smaller input size, in bytes, and the most work(4N) / work(N) may be.
const N: usize = 64 * 1024;
const MAX_RATIO: f64 = 4.5;

fn all_readers(bytes: &[u8]) {
    let _ = exif(bytes);
    let _ = xmp(bytes);
    let _ = iptc(bytes);
    let _ = photoshop_irb(bytes);
    let _ = flir(bytes);
}

/// A block of each kind, holding one of everything its reader maps.
fn samples() -> Vec<Vec<u8>> {
    let mut ifd0 = ifd(vec![
        ascii(0x010F, "Canon"),
        ascii(0x013B, "Eve"),
        ifd_ptr(0x8769, 2),
        ifd_ptr(0x8825, 3),
    ]);
    ifd0.next = Some(1);
    let blocks = [
        ifd(vec![long(0x0201, 8), long(0x0202, 16)]),
        ifd(vec![ascii(0x9003, "2024:05:01"), ifd_ptr(0xA005, 4)]),
        ifd(vec![rationals(2, &[(48, 1), (51, 1), (0, 1)])]),
        ifd(vec![ascii(1, "R98")]),
    ];
    let tiff_le = tiff(false, &[&[ifd0.clone()], &blocks[..]].concat());
    let tiff_be = tiff(true, &[&[ifd0], &blocks[..]].concat());
    let packet = packet(
        r#"tiff:Make="Canon" exif:GPSLatitude="1""#,
        "<dc:creator><rdf:Seq><rdf:li>Eve</rdf:li></rdf:Seq></dc:creator><!-- c --><mwg-rs:Regions>x</mwg-rs:Regions>",
    );
    let iim = [dataset(2, 80, b"Eve"), dataset(2, 90, b"Paris")].concat();
    let irb = [resource(0x0404, b"", &iim), resource(0x040C, b"t", b"jpeg")].concat();
    vec![tiff_le, tiff_be, packet, iim, irb]
}

proptest! {
    #[test]
    fn any_bytes_give_an_answer(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        all_readers(&bytes);
        // The same bytes behind each reader's signature reach past its first check.
        let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&bytes);
        let mut le = b"II\x2A\0\x08\0\0\0".to_vec();
        le.extend_from_slice(&bytes);
        let mut irb = b"8BIM\x04\x04\0\0".to_vec();
        irb.extend_from_slice(&bytes);
        let mut fff = b"FLIR\0\x01\0\x01FFF\0".to_vec();
        fff.extend_from_slice(&bytes);
        all_readers(&tiff);
        all_readers(&le);
        all_readers(&irb);
        all_readers(&fff);
    }

    #[test]
    fn mutated_blocks_give_an_answer(
        which in 0usize..5,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut block = samples().swap_remove(which);
        for (at, byte) in edits {
            let i = at.index(block.len());
            block[i] = byte;
        }
        all_readers(&block);
        all_readers(&block[..cut.index(block.len() + 1)]);
    }
}

#[test]
fn samples_hold_what_they_were_built_with() {
    let s = samples();
    let tiff = Found::DEVICE | Found::PERSON | Found::THUMBNAIL | Found::CAPTURE_TIME | Found::GPS;
    assert_eq!(exif(&s[0]), tiff);
    assert_eq!(exif(&s[1]), tiff);
    assert_eq!(
        xmp(&s[2]),
        Found::DEVICE | Found::GPS | Found::PERSON | Found::FACES
    );
    assert_eq!(iptc(&s[3]), Found::PERSON | Found::LOCATION_TEXT);
    assert_eq!(
        photoshop_irb(&s[4]),
        Found::PERSON | Found::LOCATION_TEXT | Found::THUMBNAIL
    );
}

/// `unit` repeated to about `n` bytes after `head`.
fn repeat(head: &[u8], unit: &[u8], n: usize) -> Vec<u8> {
    let mut out = head.to_vec();
    while out.len() + unit.len() <= n {
        out.extend_from_slice(unit);
    }
    out
}

/// A little-endian TIFF whose IFD0 has as many entries as fit in about `n` bytes (at most
/// 65,535), each pointing at the same long blank value after them.
fn tiff_entries_at_one_blank_value(n: usize) -> Vec<u8> {
    let blank = 2048;
    let count = ((n - 8 - 6 - blank) / 12).min(usize::from(u16::MAX));
    let value_at = u32::try_from(8 + 2 + 12 * count + 4).unwrap();
    let mut out = b"II\x2A\0\x08\0\0\0".to_vec();
    out.extend_from_slice(&u16::try_from(count).unwrap().to_le_bytes());
    for _ in 0..count {
        out.extend_from_slice(&0x013Bu16.to_le_bytes()); // Artist
        out.extend_from_slice(&7u16.to_le_bytes());
        out.extend_from_slice(&u32::try_from(blank).unwrap().to_le_bytes());
        out.extend_from_slice(&value_at.to_le_bytes());
    }
    out.extend_from_slice(&[0; 4]);
    out.resize(out.len() + blank, b' ');
    out.resize(n, 0);
    out
}

/// A TIFF whose IFD0 points (as its Exif IFD and its next IFD) at an IFD of `n / 12` Make
/// entries, with the GPS, Interop and next pointers aimed back at IFD0 and each other.
fn tiff_looping_ifds(n: usize) -> Vec<u8> {
    let count = ((n - 40) / 12).min(usize::from(u16::MAX));
    let entries: Vec<E> = (0..count).map(|_| ascii(0x010F, "Abc")).collect();
    let mut ifd0 = ifd(vec![ifd_ptr(0x8769, 1), ifd_ptr(0x8825, 0)]);
    ifd0.next = Some(1);
    let mut big = ifd(entries);
    big.entries.push(ifd_ptr(0xA005, 0));
    big.next = Some(0);
    tiff(true, &[ifd0, big])
}

/// A Canon EXIF whose Exif IFD holds as many MakerNote entries as fit in about `n` bytes,
/// each a note at the Exif IFD itself: read as Canon's IFD, each note is the whole table.
fn tiff_maker_notes_at_one_big_ifd(n: usize) -> Vec<u8> {
    let exif_at = 8 + 2 + 2 * 12 + 4 + 6;
    let count = ((n - exif_at - 6) / 12).min(usize::from(u16::MAX));
    let le32 = |v: usize| u32::try_from(v).unwrap().to_le_bytes();
    let mut out = b"II\x2A\0\x08\0\0\0\x02\0".to_vec();
    out.extend_from_slice(&[0x0F, 0x01, 2, 0, 6, 0, 0, 0]); // Make, ASCII, 6 bytes at…
    out.extend_from_slice(&le32(exif_at - 6));
    out.extend_from_slice(&[0x69, 0x87, 4, 0, 1, 0, 0, 0]); // Exif IFD pointer
    out.extend_from_slice(&le32(exif_at));
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(b"Canon\0");
    assert_eq!(out.len(), exif_at);
    out.extend_from_slice(&u16::try_from(count).unwrap().to_le_bytes());
    for _ in 0..count {
        out.extend_from_slice(&[0x7C, 0x92, 7, 0, 64, 0, 0, 0]); // MakerNote, 64 bytes at…
        out.extend_from_slice(&le32(exif_at));
    }
    out.extend_from_slice(&[0; 4]);
    out
}

/// An Olympus maker note whose IFD is as many Equipment entries as fit in about `n` bytes,
/// each pointing at that IFD itself: read as an Equipment IFD, each is the whole table.
fn olympus_equipment_entries_at_one_big_ifd(n: usize) -> Vec<u8> {
    const HEAD: &[u8; 12] = b"OLYMPUS\0II\x03\0";
    let note_at = 8 + 2 + 12 + 4 + 2 + 12 + 4;
    let count = ((n - note_at - HEAD.len() - 6) / 12).min(usize::from(u16::MAX));
    let note_len = HEAD.len() + 2 + 12 * count + 4;
    let le32 = |v: usize| u32::try_from(v).unwrap().to_le_bytes();
    let mut out = b"II\x2A\0\x08\0\0\0\x01\0".to_vec();
    out.extend_from_slice(&[0x69, 0x87, 4, 0, 1, 0, 0, 0]); // Exif IFD pointer
    out.extend_from_slice(&le32(8 + 2 + 12 + 4));
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&[1, 0, 0x7C, 0x92, 7, 0]); // one entry: MakerNote, UNDEFINED
    out.extend_from_slice(&le32(note_len));
    out.extend_from_slice(&le32(note_at));
    out.extend_from_slice(&[0; 4]);
    assert_eq!(out.len(), note_at);
    out.extend_from_slice(HEAD);
    out.extend_from_slice(&u16::try_from(count).unwrap().to_le_bytes());
    for _ in 0..count {
        out.extend_from_slice(&[0x10, 0x20, 13, 0, 1, 0, 0, 0]); // Equipment, IFD, at…
        out.extend_from_slice(&le32(HEAD.len()));
    }
    out.extend_from_slice(&[0; 4]);
    out
}

/// Builds an input of about the given size.
type Build = fn(usize) -> Vec<u8>;

/// The growing inputs: name, builder.
fn growing() -> Vec<(&'static str, Build)> {
    vec![
        ("xmp: attribute properties", |n| {
            repeat(
                b"<rdf:Description ",
                b"exif:GPSLatitude=\"48,51.5N\" tiff:Make=\"Canon\" ",
                n,
            )
        }),
        ("xmp: element properties", |n| {
            repeat(
                b"",
                b"<dc:creator><rdf:Seq><rdf:li>Eve</rdf:li></rdf:Seq></dc:creator>\n",
                n,
            )
        }),
        ("xmp: unclosed tags and comments", |n| {
            repeat(b"", b"<<!--<?<![CDATA[<a:b c:d='", n)
        }),
        ("xmp: whitespace after start tags", |n| {
            repeat(
                b"",
                b"<tiff:Make>                                                                    ",
                n,
            )
        }),
        ("xmp: many prefix declarations", |n| {
            repeat(b"<x ", b"xmlns:abcdefghijklmnopqrstuvw=\"http://ns.adobe.com/exif/1.0/\" abcdefghijklmnopqrstuvw:GPSLatitude=\"1\" ", n)
        }),
        (
            "exif: many entries at one blank value",
            tiff_entries_at_one_blank_value,
        ),
        ("exif: looping IFDs with many entries", tiff_looping_ifds),
        (
            "exif: maker notes at one big IFD",
            tiff_maker_notes_at_one_big_ifd,
        ),
        (
            "exif: Olympus Equipment entries at one big IFD",
            olympus_equipment_entries_at_one_big_ifd,
        ),
        ("iptc: many datasets", |n| {
            repeat(b"", &dataset(2, 80, b"Eve Example"), n)
        }),
        ("photoshop: many resources", |n| {
            repeat(
                b"Photoshop 3.0\0",
                &resource(0x0404, b"", &dataset(2, 90, b"Paris")),
                n,
            )
        }),
    ]
}

fn work_of(f: impl FnOnce() -> Found) -> u64 {
    work::take();
    let _ = f();
    work::take()
}

#[test]
fn work_grows_linearly_with_the_input() {
    let mut failures = Vec::new();
    for (name, build) in growing() {
        let (small, large) = (build(N), build(4 * N));
        let (w1, w4) = (
            work_of(|| exif(&small) | xmp(&small) | iptc(&small) | photoshop_irb(&small)),
            work_of(|| exif(&large) | xmp(&large) | iptc(&large) | photoshop_irb(&large)),
        );
        let ratio = w4 as f64 / w1.max(1) as f64;
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!(
                "  {name:<42} {:>7} / {:>7} bytes  work {w1:>8} / {w4:>8}  ratio {ratio:.2}\n",
                small.len(),
                large.len()
            ),
        );
        assert!(
            w1 as usize >= small.len() / 2,
            "{name}: work {w1} is not counted"
        );
        if ratio > MAX_RATIO {
            failures.push(format!("{name}: work(4N) / work(N) = {ratio:.2}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn looping_ifds_read_what_they_hold() {
    assert_eq!(exif(&tiff_looping_ifds(4096)), Found::DEVICE);
    assert_eq!(exif(&tiff_entries_at_one_blank_value(8192)), Found::empty());
    assert_eq!(exif(&tiff_maker_notes_at_one_big_ifd(8192)), Found::DEVICE);
    assert_eq!(
        exif(&olympus_equipment_entries_at_one_big_ifd(8192)),
        Found::DEVICE
    );
}
