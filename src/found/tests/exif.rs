//! EXIF: each tag's mapping, each IFD, both byte orders, and hostile blobs.

use super::*;
use crate::found::exif;
use crate::report::Found;

/// IFD0 with `entries`, in both byte orders: both must give `expected`.
fn assert_ifd0(entries: Vec<E>, expected: Found) {
    for big in [false, true] {
        let blob = tiff(big, &[ifd(entries.clone())]);
        assert_eq!(exif(&blob), expected, "big-endian: {big}, {entries:?}");
    }
}

/// IFD0 pointing at an Exif IFD with `entries`, in both byte orders.
fn assert_exif_ifd(entries: Vec<E>, expected: Found) {
    for big in [false, true] {
        let blob = tiff(big, &[ifd(vec![ifd_ptr(0x8769, 1)]), ifd(entries.clone())]);
        assert_eq!(exif(&blob), expected, "big-endian: {big}, {entries:?}");
    }
}

/// IFD0 pointing at a GPS IFD with `entries`.
fn gps(entries: Vec<E>) -> Found {
    let big = exif(&tiff(
        true,
        &[ifd(vec![ifd_ptr(0x8825, 1)]), ifd(entries.clone())],
    ));
    let little = exif(&tiff(false, &[ifd(vec![ifd_ptr(0x8825, 1)]), ifd(entries)]));
    assert_eq!(big, little);
    big
}

#[test]
fn ifd0_text_tags() {
    assert_ifd0(vec![ascii(0x010F, "Canon")], Found::DEVICE);
    assert_ifd0(vec![ascii(0x0110, "Canon EOS 7D")], Found::DEVICE);
    assert_ifd0(
        vec![ascii(0x0132, "2024:05:01 10:00:00")],
        Found::CAPTURE_TIME,
    );
    assert_ifd0(vec![ascii(0x013B, "Eve Example")], Found::PERSON);
    assert_ifd0(vec![ascii(0x8298, "(c) Eve")], Found::PERSON);
    assert_ifd0(vec![ascii(0x0131, "GIMP 2.10")], Found::SOFTWARE);
    assert_ifd0(vec![ascii(0x000B, "Lightroom")], Found::SOFTWARE);
    assert_ifd0(vec![ascii(0x010E, "at the beach")], Found::COMMENT);
    assert_ifd0(vec![ascii(0xC62F, "123456")], Found::SERIAL_NUMBER);
    // XPComment and XPAuthor: UTF-16LE in BYTE values.
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<_>>()
    };
    let xp = |tag, s| E {
        tag,
        val: Val::Raw(1, utf16(s)),
    };
    assert_ifd0(vec![xp(0x9C9C, "hello")], Found::COMMENT);
    assert_ifd0(vec![xp(0x9C9D, "Eve")], Found::PERSON);
}

#[test]
fn exif_ifd_text_tags() {
    assert_exif_ifd(
        vec![ascii(0x9003, "2024:05:01 10:00:00")],
        Found::CAPTURE_TIME,
    );
    assert_exif_ifd(
        vec![ascii(0x9004, "2024:05:01 10:00:00")],
        Found::CAPTURE_TIME,
    );
    assert_exif_ifd(vec![ascii(0x9011, "+02:00")], Found::CAPTURE_TIME);
    assert_exif_ifd(vec![ascii(0x9291, "123")], Found::CAPTURE_TIME);
    assert_exif_ifd(vec![ascii(0xA430, "Eve")], Found::PERSON);
    assert_exif_ifd(vec![ascii(0xA431, "0123456789")], Found::SERIAL_NUMBER);
    assert_exif_ifd(vec![ascii(0xA435, "0000c0ffee")], Found::SERIAL_NUMBER);
    assert_exif_ifd(vec![ascii(0xA433, "Canon")], Found::DEVICE);
    assert_exif_ifd(vec![ascii(0xA434, "EF-S 18-55mm")], Found::DEVICE);
    assert_exif_ifd(vec![undefined(0x927C, b"Nikon\0\x02\x10")], Found::DEVICE);
    assert_exif_ifd(
        vec![undefined(0x9286, b"ASCII\0\0\0hi there")],
        Found::COMMENT,
    );
    // Tags that name nothing: ExposureTime, ImageUniqueID, ExifVersion.
    assert_exif_ifd(
        vec![
            rationals(0x829A, &[(1, 250)]),
            ascii(0xA420, "a1b2c3"),
            undefined(0x9000, b"0232"),
        ],
        Found::empty(),
    );
}

#[test]
fn blank_values_name_nothing() {
    // Canon's UserComment: a character code, then NULs; a description of spaces.
    let mut comment = b"\0\0\0\0\0\0\0\0".to_vec();
    comment.extend_from_slice(&[0; 256]);
    assert_exif_ifd(vec![undefined(0x9286, &comment)], Found::empty());
    assert_exif_ifd(vec![undefined(0x9286, b"UNICODE\0")], Found::empty());
    assert_ifd0(vec![ascii(0x010E, "          ")], Found::empty());
    assert_ifd0(vec![ascii(0x013B, "")], Found::empty());
    assert_ifd0(
        vec![E {
            tag: 0x8298,
            val: Val::Raw(2, vec![]),
        }],
        Found::empty(),
    );
    assert_exif_ifd(vec![undefined(0x927C, b"")], Found::empty());
}

#[test]
fn gps_ifd_tags_are_a_position_but_the_version_and_map_datum_alone_are_not() {
    assert_eq!(
        gps(vec![E {
            tag: 0,
            val: Val::Raw(1, vec![2, 3, 0, 0])
        }]),
        Found::empty()
    );
    let latitude = rationals(2, &[(48, 1), (51, 1), (2964, 100)]);
    assert_eq!(gps(vec![latitude.clone()]), Found::GPS);
    assert_eq!(gps(vec![ascii(1, "N")]), Found::GPS);
    assert_eq!(gps(vec![rationals(6, &[(35, 1)])]), Found::GPS);
    assert_eq!(gps(vec![ascii(0x1D, "2024:05:01")]), Found::GPS);
    // The map datum says which geodetic system, not where: phones write it with no fix.
    assert_eq!(gps(vec![ascii(0x12, "WGS-84")]), Found::empty());
    // A receiver that had no fix writes zeros.
    assert_eq!(
        gps(vec![rationals(2, &[(0, 0), (0, 0), (0, 0)])]),
        Found::empty()
    );
    // GPS tag numbers mean something else outside the GPS IFD: 0x000B is
    // GPSDOP there, ProcessingSoftware in IFD0.
    assert_eq!(gps(vec![rationals(0x0B, &[(2, 1)])]), Found::GPS);
    assert_ifd0(vec![latitude], Found::empty());
}

#[test]
fn interop_ifd_is_read_and_names_nothing() {
    let blob = tiff(
        false,
        &[
            ifd(vec![ifd_ptr(0x8769, 1)]),
            ifd(vec![
                ifd_ptr(0xA005, 2),
                ascii(0x9003, "2024:05:01 10:00:00"),
            ]),
            ifd(vec![ascii(0x0001, "R98"), undefined(0x0002, b"0100")]),
        ],
    );
    assert_eq!(exif(&blob), Found::CAPTURE_TIME);
}

#[test]
fn ifd1_image_data_is_a_thumbnail() {
    for big in [false, true] {
        let chain = |ifd1: Vec<E>| {
            let mut ifd0 = ifd(vec![ascii(0x010F, "Canon")]);
            ifd0.next = Some(1);
            tiff(big, &[ifd0, ifd(ifd1)])
        };
        let jpeg = chain(vec![long(0x0201, 8), long(0x0202, 100)]);
        assert_eq!(exif(&jpeg), Found::DEVICE | Found::THUMBNAIL);
        let strips = chain(vec![short(0x0111, 8)]);
        assert_eq!(exif(&strips), Found::DEVICE | Found::THUMBNAIL);
        // Offset 0 or past the blob: no thumbnail bytes here.
        assert_eq!(exif(&chain(vec![long(0x0201, 0)])), Found::DEVICE);
        assert_eq!(exif(&chain(vec![long(0x0201, 1 << 30)])), Found::DEVICE);
    }
    // IFD0's StripOffsets is a TIFF's own picture, not a thumbnail.
    assert_ifd0(vec![short(0x0111, 8)], Found::empty());
}

#[test]
fn everything_at_once() {
    let mut ifd0 = ifd(vec![
        ascii(0x010F, "Canon"),
        ascii(0x0131, "Firmware 1.0"),
        ascii(0x013B, "Eve"),
        ifd_ptr(0x8769, 2),
        ifd_ptr(0x8825, 3),
    ]);
    ifd0.next = Some(1);
    let blob = tiff(
        true,
        &[
            ifd0,
            ifd(vec![long(0x0201, 8), long(0x0202, 4)]),
            ifd(vec![
                ascii(0x9003, "2024:05:01 10:00:00"),
                ascii(0xA431, "42"),
            ]),
            ifd(vec![rationals(4, &[(2, 1), (21, 1), (0, 1)])]),
        ],
    );
    assert_eq!(
        exif(&blob),
        Found::DEVICE
            | Found::SOFTWARE
            | Found::PERSON
            | Found::THUMBNAIL
            | Found::CAPTURE_TIME
            | Found::SERIAL_NUMBER
            | Found::GPS
    );
}

#[test]
fn embedded_xmp_iptc_and_photoshop_blocks_are_read() {
    let xmp_packet = packet(r#"exif:GPSLatitude="48,51.5N""#, "");
    assert_ifd0(
        vec![E {
            tag: 0x02BC,
            val: Val::Raw(1, xmp_packet),
        }],
        Found::GPS,
    );
    let iim = dataset(2, 90, b"Paris");
    assert_ifd0(vec![undefined(0x83BB, &iim)], Found::LOCATION_TEXT);
    let irb = resource(0x040C, b"", b"\xFF\xD8thumb");
    assert_ifd0(vec![undefined(0x8649, &irb)], Found::THUMBNAIL);
}

#[test]
fn an_exif_signature_in_front_is_stepped_over() {
    let blob = tiff(true, &[ifd(vec![ascii(0x010F, "Canon")])]);
    for prefix in [&b"Exif\0\0"[..], b"Exif\0\xFF", b""] {
        assert_eq!(exif(&[prefix, &blob].concat()), Found::DEVICE);
    }
    assert_eq!(exif(b"Exif\0"), Found::empty());
}

#[test]
fn not_a_tiff_blob_names_nothing() {
    assert_eq!(exif(b""), Found::empty());
    assert_eq!(exif(b"Exif\0\0MM\0\x2A"), Found::empty());
    assert_eq!(exif(b"Exif\0\0II"), Found::empty());
    // A right byte-order mark with a wrong magic number.
    let mut blob = tiff(true, &[ifd(vec![ascii(0x010F, "Canon")])]);
    blob[3] = 43;
    assert_eq!(exif(&blob), Found::empty());
}

#[test]
fn self_pointing_ifd_ends() {
    for big in [false, true] {
        let mut ifd0 = ifd(vec![ascii(0x010F, "Canon"), ifd_ptr(0x8769, 0)]);
        ifd0.next = Some(0);
        assert_eq!(exif(&tiff(big, &[ifd0])), Found::DEVICE);
    }
}

#[test]
fn ifds_pointing_at_each_other_end() {
    for big in [false, true] {
        // IFD0 → IFD1 → IFD0 in the chain; Exif → Interop → (as Interop) Exif.
        let mut ifd0 = ifd(vec![ascii(0x013B, "Eve"), ifd_ptr(0x8769, 2)]);
        ifd0.next = Some(1);
        let mut ifd1 = ifd(vec![long(0x0201, 8)]);
        ifd1.next = Some(0);
        let mut exif_ifd = ifd(vec![ifd_ptr(0xA005, 3), ascii(0x9003, "2024")]);
        exif_ifd.next = Some(3);
        let mut interop = ifd(vec![ifd_ptr(0xA005, 2), ifd_ptr(0x8769, 2)]);
        interop.next = Some(2);
        let blob = tiff(big, &[ifd0, ifd1, exif_ifd, interop]);
        assert_eq!(
            exif(&blob),
            Found::PERSON | Found::THUMBNAIL | Found::CAPTURE_TIME
        );
    }
}

#[test]
fn a_long_chain_ends_after_a_few_ifds() {
    // 40 IFDs in a chain; only the 40th holds a Make, and the walk stops before it.
    let ifds: Vec<Ifd> = (0..40)
        .map(|i| Ifd {
            entries: if i == 39 {
                vec![ascii(0x010F, "Canon")]
            } else {
                vec![]
            },
            next: (i < 39).then_some(i + 1),
        })
        .collect();
    assert_eq!(exif(&tiff(false, &ifds)), Found::empty());
    let mut short = ifds[32..].to_vec();
    for (i, d) in short.iter_mut().enumerate() {
        d.next = (i < 7).then_some(i + 1);
    }
    assert_eq!(exif(&tiff(false, &short)), Found::DEVICE);
}

#[test]
fn huge_entry_count_in_a_short_blob_reads_what_is_there() {
    // 22 bytes: header, a count of 65,535, one whole entry (Make, "Abc" inline).
    let mut blob = b"MM\0\x2A\0\0\0\x08\xFF\xFF".to_vec();
    blob.extend_from_slice(&[0x01, 0x0F, 0, 2, 0, 0, 0, 4, b'A', b'b', b'c', 0]);
    assert_eq!(blob.len(), 22);
    assert_eq!(exif(&blob), Found::DEVICE);
    // 20 bytes: the entry cut short names nothing.
    assert_eq!(exif(&blob[..20]), Found::empty());
    let mut le = b"II\x2A\0\x08\0\0\0\xFF\xFF".to_vec();
    le.extend_from_slice(&[0; 10]);
    assert_eq!(exif(&le), Found::empty());
}

#[test]
fn offsets_past_the_end_name_nothing() {
    for big in [false, true] {
        // IFD0 itself past the end.
        let mut blob = tiff(big, &[ifd(vec![ascii(0x010F, "Canon")])]);
        let far = if big { [0xFF; 4] } else { [0xF0; 4] };
        blob[4..8].copy_from_slice(&far);
        assert_eq!(exif(&blob), Found::empty());
        // A Make whose value lies past the end, and pointers past the end.
        let mut blob = tiff(
            big,
            &[ifd(vec![
                ascii(0x013B, "Eve Example"),
                long(0x8769, u32::MAX),
                long(0x8825, 1 << 20),
            ])],
        );
        let len = blob.len();
        let offset_field = 8 + 2 + 8; // first entry's value offset
        let past = u32::try_from(len).unwrap();
        blob[offset_field..offset_field + 4].copy_from_slice(&if big {
            past.to_be_bytes()
        } else {
            past.to_le_bytes()
        });
        assert_eq!(exif(&blob), Found::empty());
    }
    // A count whose values would take 32 GiB, past the end: nothing; inside the blob: the
    // part that is there, as for a value cut short.
    let mut blob = b"MM\0\x2A\0\0\0\x08\0\x01".to_vec();
    blob.extend_from_slice(&[0x01, 0x3B, 0, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 22]);
    assert_eq!(exif(&blob), Found::empty());
    blob.extend_from_slice(b"Eve");
    assert_eq!(exif(&blob), Found::PERSON);
    // An unknown type cannot be sized.
    let mut blob = b"MM\0\x2A\0\0\0\x08\0\x01".to_vec();
    blob.extend_from_slice(&[0x01, 0x3B, 0, 99, 0, 0, 0, 1, b'E', 0, 0, 0]);
    assert_eq!(exif(&blob), Found::empty());
}

#[test]
fn a_value_cut_by_the_end_of_the_blob_gives_its_part() {
    // Pillow's test file: "firstsecond" split over two APP1 segments; the first blob ends
    // after "first".
    let mut blob = tiff(true, &[ifd(vec![ascii(0x010E, "firstsecond")])]);
    blob.truncate(blob.len() - 7);
    assert!(blob.ends_with(b"first"));
    assert_eq!(exif(&blob), Found::COMMENT);
    blob.truncate(blob.len() - 5);
    assert_eq!(exif(&blob), Found::empty());
}

#[test]
fn a_blank_value_many_entries_point_at_is_probed_not_rescanned() {
    // Many Artist entries all pointing at one long run of spaces: each looks at most
    // PROBE bytes (the linear-time test in `bounds` measures the growth).
    let blank = vec![b' '; 4096];
    let mut blob = tiff(false, &[ifd(vec![undefined(0x013B, &blank)])]);
    assert_eq!(exif(&blob), Found::empty());
    blob.push(b'x');
    assert_eq!(exif(&blob), Found::empty());
}

/// An Exif IFD whose MakerNote is `note`, after IFD0 with `make`. `note` may hold
/// `[0x40, 0x40, 0x40, 0x40 + k]` where the offset of its byte `k` in the blob belongs
/// (filled in, in the blob's byte order).
fn with_maker_note(big: bool, make: &str, note: &[u8]) -> Vec<u8> {
    let blob = tiff(
        big,
        &[
            ifd(vec![ascii(0x010F, make), ifd_ptr(0x8769, 1)]),
            ifd(vec![undefined(0x927C, note)]),
        ],
    );
    // The note is the last value in the blob.
    let at = blob.len() - note.len() - note.len() % 2;
    let mut blob = blob;
    let note_part = &mut blob[at..at + note.len()];
    for i in 0..note.len().saturating_sub(3) {
        if note_part[i..i + 3] == [0x40; 3] && note_part[i + 3] >= 0x40 {
            let to = u32::try_from(at).unwrap() + u32::from(note_part[i + 3] - 0x40);
            let to = if big {
                to.to_be_bytes()
            } else {
                to.to_le_bytes()
            };
            note_part[i..i + 4].copy_from_slice(&to);
        }
    }
    blob
}

/// One IFD with `entries` (all values inline), in byte order `big`, whose out-of-line
/// values would be relative to wherever the caller puts its base.
fn inline_ifd(big: bool, entries: &[(u16, u16, u32, [u8; 4])]) -> Vec<u8> {
    let mut out = Vec::new();
    put16(&mut out, big, u16::try_from(entries.len()).unwrap());
    for &(tag, kind, count, field) in entries {
        put16(&mut out, big, tag);
        put16(&mut out, big, kind);
        put32(&mut out, big, count);
        out.extend_from_slice(&field);
    }
    put32(&mut out, big, 0);
    out
}

#[test]
fn maker_note_serial_numbers_of_known_layouts() {
    let device = Found::DEVICE;
    let serial = Found::DEVICE | Found::SERIAL_NUMBER;
    for big in [false, true] {
        // Panasonic: header, then an IFD; InternalSerialNumber (0x0025) inline.
        let mut note = b"Panasonic\0\0\0".to_vec();
        note.extend_from_slice(&inline_ifd(big, &[(0x0025, 7, 4, *b"K02 ")]));
        assert_eq!(exif(&with_maker_note(big, "Panasonic", &note)), serial);
        let mut blank = b"Panasonic\0\0\0".to_vec();
        blank.extend_from_slice(&inline_ifd(big, &[(0x0025, 7, 4, [0; 4])]));
        assert_eq!(exif(&with_maker_note(big, "Panasonic", &blank)), device);
        // Canon: an IFD at the note's start; SerialNumber (0x000C) a LONG.
        let note = inline_ifd(
            big,
            &[
                (0x0001, 3, 1, [0, 1, 0, 0]),
                (0x000C, 4, 1, [0, 0, 0x30, 0x39]),
            ],
        );
        assert_eq!(exif(&with_maker_note(big, "Canon", &note)), serial);
        // The same IFD under another make is not read as Canon's.
        assert_eq!(exif(&with_maker_note(big, "Nikkon", &note)), device);
    }
    // Nikon type 3: its own TIFF header, offsets from it; SerialNumber (0x001D) ASCII,
    // out of line.
    for (order, big) in [
        (&b"MM\0\x2A\0\0\0\x08"[..], true),
        (&b"II\x2A\0\x08\0\0\0"[..], false),
    ] {
        let mut inner = order.to_vec();
        let value_at = 8 + 2 + 12 + 4;
        let mut field = [0; 4];
        field.copy_from_slice(&if big {
            26u32.to_be_bytes()
        } else {
            26u32.to_le_bytes()
        });
        inner.extend_from_slice(&inline_ifd(big, &[(0x001D, 2, 8, field)]));
        assert_eq!(inner.len(), value_at);
        inner.extend_from_slice(b"1234567\0");
        let note = [&b"Nikon\0\x02\x10\0\0"[..], &inner].concat();
        assert_eq!(exif(&with_maker_note(!big, "NIKON", &note)), serial);
        let cut = &note[..note.len() - 8];
        assert_eq!(exif(&with_maker_note(big, "NIKON", cut)), device);
    }
    // Fujifilm: little-endian, the IFD's offset from the note's start after the header.
    let mut note = b"FUJIFILM\x0C\0\0\0".to_vec();
    note.extend_from_slice(&inline_ifd(false, &[(0x0010, 2, 4, *b"FF0\0")]));
    assert_eq!(exif(&with_maker_note(true, "FUJIFILM", &note)), serial);
    note[8] = 0xF0; // the IFD past the note's end
    assert_eq!(exif(&with_maker_note(true, "FUJIFILM", &note)), device);
    // Sony's enciphered notes and unknown layouts: DEVICE only.
    let sony = [
        &b"SONY DSC \0\0\0"[..],
        &inline_ifd(false, &[(0x0025, 7, 4, *b"K02 ")]),
    ]
    .concat();
    assert_eq!(exif(&with_maker_note(false, "SONY", &sony)), device);
}

/// `inline_ifd`'s entry pointing `kind`/`count` at `to` (in byte order `big`).
fn pointing(big: bool, tag: u16, kind: u16, count: u32, to: u32) -> (u16, u16, u32, [u8; 4]) {
    (
        tag,
        kind,
        count,
        if big {
            to.to_be_bytes()
        } else {
            to.to_le_bytes()
        },
    )
}

/// Olympus and OM System, three headers: the IFD's place, its byte order (from the header
/// where it has one) and its offsets' base; serial numbers in the main IFD and in the
/// Equipment IFD, pointed at or held in the entry's value.
#[test]
fn olympus_maker_notes_name_serial_numbers_in_the_main_and_equipment_ifds() {
    let device = Found::DEVICE;
    let serial = Found::DEVICE | Found::SERIAL_NUMBER;
    for tiff_big in [false, true] {
        for (header, note_big) in [
            (&b"OLYMPUS\0II\x03\0"[..], false),
            (&b"OLYMPUS\0MM\x03\0"[..], true),
            (&b"OM SYSTEM\0\0\0II\x04\0"[..], false),
        ] {
            // Main IFD: Equipment as an IFD entry pointing (from the note's start) at a
            // sub-IFD with InternalSerialNumber inline.
            let main_len = 2 + 12 + 4;
            let sub_at = u32::try_from(header.len() + main_len).unwrap();
            let equipment = |field: [u8; 4]| {
                [
                    header,
                    &inline_ifd(note_big, &[pointing(note_big, 0x2010, 13, 1, sub_at)]),
                    &inline_ifd(note_big, &[(0x0102, 2, 4, field)]),
                ]
                .concat()
            };
            let make = "OLYMPUS CORPORATION";
            let note = equipment(*b"41A\0");
            assert_eq!(exif(&with_maker_note(tiff_big, make, &note)), serial);
            let blank = equipment(*b"   \0");
            assert_eq!(exif(&with_maker_note(tiff_big, make, &blank)), device);
            // SerialNumber 0x101A in the main IFD.
            let note = [header, &inline_ifd(note_big, &[(0x101A, 2, 4, *b"B12\0")])].concat();
            assert_eq!(exif(&with_maker_note(tiff_big, make, &note)), serial);
        }
        // Before 2003: the IFD after an 8-byte header, in the blob's order, offsets from
        // the blob's TIFF header; Equipment held in its UNDEFINED value (at note byte 26).
        let sub = inline_ifd(tiff_big, &[(0x0202, 2, 4, *b"L77\0")]);
        let count = u32::try_from(sub.len()).unwrap();
        let mut note = b"OLYMP\0\x01\0".to_vec();
        note.extend_from_slice(&inline_ifd(
            tiff_big,
            &[(0x2010, 7, count, [0x40, 0x40, 0x40, 0x40 + 26])],
        ));
        assert_eq!(note.len(), 26);
        note.extend_from_slice(&sub);
        assert_eq!(
            exif(&with_maker_note(tiff_big, "OLYMPUS OPTICAL", &note)),
            serial
        );
        // The same note with the Equipment pointer past the blob: nothing read.
        let cut = &note[..26];
        assert_eq!(
            exif(&with_maker_note(tiff_big, "OLYMPUS OPTICAL", cut)),
            device
        );
    }
}

/// Pentax/Ricoh, Sigma, Motorola, Nintendo: each layout's header (or Make), IFD start,
/// base and tag; a blank value names nothing.
#[test]
fn pentax_ricoh_sigma_motorola_and_nintendo_maker_notes_name_serial_numbers() {
    let device = Found::DEVICE;
    let serial = Found::DEVICE | Found::SERIAL_NUMBER;
    for big in [false, true] {
        let mark: &[u8] = if big { b"MM" } else { b"II" };
        // Pentax "AOC\0": CameraInfo (five LONGs, offsets from the TIFF header, at note
        // byte 24), whose fifth is InternalSerialNumber.
        let camera_info = |serial: u32| {
            let mut note = [&b"AOC\0"[..], mark].concat();
            note.extend_from_slice(&inline_ifd(
                big,
                &[(0x0215, 4, 5, [0x40, 0x40, 0x40, 0x40 + 24])],
            ));
            assert_eq!(note.len(), 24);
            for word in [0x12C1E, 0x1324201, 2, 1, serial] {
                put32(&mut note, big, word);
            }
            note
        };
        assert_eq!(
            exif(&with_maker_note(big, "PENTAX", &camera_info(132_352))),
            serial
        );
        assert_eq!(
            exif(&with_maker_note(big, "PENTAX", &camera_info(0))),
            device
        );
        // Pentax "PENTAX \0": the IFD's order from the header, whatever the blob's, and
        // offsets from the note's start (SerialNumber at note byte 28).
        let pentax = |value: &[u8; 8]| {
            let mut note = [&b"PENTAX \0"[..], if big { b"II" } else { b"MM" }].concat();
            note.extend_from_slice(&inline_ifd(!big, &[pointing(!big, 0x0229, 2, 8, 28)]));
            assert_eq!(note.len(), 28);
            note.extend_from_slice(value);
            note
        };
        assert_eq!(
            exif(&with_maker_note(big, "PENTAX", &pentax(b"4981276\0"))),
            serial
        );
        assert_eq!(
            exif(&with_maker_note(big, "PENTAX", &pentax(b"       \0"))),
            device
        );
        // Ricoh: 0x0005 (UNDEFINED), binary.
        let note = [
            &b"Ricoh\0\0\0"[..],
            &inline_ifd(big, &[(0x0005, 7, 4, [0, 0, 0x22, 0x07])]),
        ]
        .concat();
        assert_eq!(exif(&with_maker_note(big, "RICOH", &note)), serial);
        let note = [
            &b"Ricoh\0\0\0"[..],
            &inline_ifd(big, &[(0x0005, 7, 4, [0; 4])]),
        ]
        .concat();
        assert_eq!(exif(&with_maker_note(big, "RICOH", &note)), device);
        // Sigma and Foveon: a 10-byte header.
        for header in [&b"SIGMA\0\0\0\x01\0"[..], b"FOVEON\0\0\x01\0"] {
            let note = [header, &inline_ifd(big, &[(0x0002, 2, 4, *b"019\0")])].concat();
            assert_eq!(exif(&with_maker_note(big, "SIGMA", &note)), serial);
        }
        // Motorola: offsets from the note's start (SerialNumber at note byte 26).
        let mut note = b"MOT\0\x01\x01\x01\x01".to_vec();
        note.extend_from_slice(&inline_ifd(big, &[pointing(big, 0x5501, 2, 11, 26)]));
        note.extend_from_slice(b"ZY2238TJ4V\0");
        assert_eq!(exif(&with_maker_note(big, "motorola", &note)), serial);
        // Nintendo: no header, by Make; CameraInfo's bytes 0x18..0x1C (at note byte 18).
        let info = |serial: [u8; 4]| {
            let mut note = inline_ifd(big, &[(0x1101, 7, 0x30, [0x40, 0x40, 0x40, 0x40 + 18])]);
            let mut record = vec![0u8; 0x30];
            record[0x18..0x1C].copy_from_slice(&serial);
            note.extend_from_slice(&record);
            note
        };
        assert_eq!(
            exif(&with_maker_note(
                big,
                "Nintendo",
                &info([0x57, 0x5B, 0xBD, 0xF3])
            )),
            serial
        );
        assert_eq!(
            exif(&with_maker_note(big, "Nintendo", &info([0; 4]))),
            device
        );
        assert_eq!(exif(&with_maker_note(big, "Nikkon", &info([1; 4]))), device);
    }
}

#[test]
fn a_canon_maker_note_names_its_owner() {
    for big in [false, true] {
        let note = inline_ifd(big, &[(0x0009, 2, 4, *b"Eve\0")]);
        assert_eq!(
            exif(&with_maker_note(big, "Canon", &note)),
            Found::DEVICE | Found::PERSON
        );
        // Cameras write the field blank when no owner was set.
        let note = inline_ifd(big, &[(0x0009, 2, 4, [0; 4])]);
        assert_eq!(exif(&with_maker_note(big, "Canon", &note)), Found::DEVICE);
    }
}

#[test]
fn a_maker_note_pointing_at_itself_ends() {
    // A Canon note whose IFD is the Exif IFD itself (the note's offset written as its own
    // IFD's): one IFD read, no loop.
    for big in [false, true] {
        let blob = tiff(
            big,
            &[
                ifd(vec![ascii(0x010F, "Canon"), ifd_ptr(0x8769, 1)]),
                ifd(vec![E {
                    tag: 0x927C,
                    val: Val::Ifd(1),
                }]),
            ],
        );
        // The LONG count 1 sits inline, so it is not a note with an offset: DEVICE only.
        assert_eq!(exif(&blob), Found::DEVICE);
    }
    let at = [0x40; 4];
    let mut note = inline_ifd(true, &[(0x927C, 7, 64, at), (0x000C, 4, 1, [0, 0, 0, 1])]);
    note.resize(64, 0);
    assert_eq!(
        exif(&with_maker_note(true, "Canon", &note)),
        Found::DEVICE | Found::SERIAL_NUMBER
    );
}
