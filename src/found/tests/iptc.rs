//! IPTC-IIM datasets and Photoshop image resources.

use super::*;
use crate::found::{iptc, photoshop_irb};
use crate::report::Found;

#[test]
fn application_record_datasets() {
    let cases: &[(u8, Found)] = &[
        (55, Found::CAPTURE_TIME),
        (60, Found::CAPTURE_TIME),
        (62, Found::CAPTURE_TIME),
        (63, Found::CAPTURE_TIME),
        (80, Found::PERSON),
        (110, Found::PERSON),
        (116, Found::PERSON),
        (122, Found::PERSON),
        (90, Found::LOCATION_TEXT),
        (92, Found::LOCATION_TEXT),
        (95, Found::LOCATION_TEXT),
        (100, Found::LOCATION_TEXT),
        (101, Found::LOCATION_TEXT),
        (120, Found::COMMENT),
        (65, Found::SOFTWARE),
        // Record version, keywords, headline: nothing of ours.
        (0, Found::empty()),
        (25, Found::empty()),
        (105, Found::empty()),
    ];
    for &(number, expected) in cases {
        let block = [dataset(1, 90, b"\x1B%G"), dataset(2, number, b"value")].concat();
        assert_eq!(iptc(&block), expected, "2:{number}");
    }
    // The same numbers in the envelope record (1:90 is the coded character set).
    assert_eq!(iptc(&dataset(1, 80, b"Eve")), Found::empty());
    assert_eq!(iptc(&dataset(2, 80, b"")), Found::empty());
    assert_eq!(iptc(&dataset(2, 80, b"   ")), Found::empty());
}

#[test]
fn several_datasets_and_nul_padding() {
    let mut block = [
        dataset(2, 0, b"\0\x04"),
        dataset(2, 80, b"Eve"),
        dataset(2, 90, b"Paris"),
        dataset(2, 55, b"20240501"),
    ]
    .concat();
    block.extend_from_slice(&[0; 7]);
    block.extend_from_slice(&dataset(2, 120, b"after the padding"));
    assert_eq!(
        iptc(&block),
        Found::PERSON | Found::LOCATION_TEXT | Found::CAPTURE_TIME
    );
}

#[test]
fn extended_length_datasets_are_stepped_over() {
    // 2:202 object data with a 4-byte extended length of 6, then a By-line.
    let mut block = vec![0x1C, 2, 202, 0x80, 0x04, 0, 0, 0, 6];
    block.extend_from_slice(b"\xFF\xD8\xFF\xD9..");
    block.extend_from_slice(&dataset(2, 80, b"Eve"));
    assert_eq!(iptc(&block), Found::PERSON);
    // An extended caption is read too.
    let mut caption = vec![0x1C, 2, 120, 0x80, 0x02, 0, 5];
    caption.extend_from_slice(b"hello");
    assert_eq!(iptc(&caption), Found::COMMENT);
    // A length of 0 or more than 4 bytes ends the block; so does one cut short.
    for bad in [
        vec![0x1C, 2, 80, 0x80, 0x00, b'E', b'v', b'e'],
        vec![0x1C, 2, 80, 0x80, 0x05, 0, 0, 0, 0, 3, b'E', b'v', b'e'],
        vec![0x1C, 2, 80, 0xFF, 0xFF, 0, 0],
        vec![0x1C, 2, 80, 0x80, 0x04, 0xFF, 0xFF],
    ] {
        assert_eq!(iptc(&bad), Found::empty(), "{bad:?}");
    }
    // A length past the end: the part that is there counts.
    assert_eq!(iptc(&[0x1C, 2, 80, 0x7F, 0xFF, b'E', b'v']), Found::PERSON);
    assert_eq!(iptc(&[0x1C, 2, 80, 0x00]), Found::empty());
}

#[test]
fn photoshop_resources() {
    let iim = [dataset(2, 80, b"Eve"), dataset(2, 101, b"France")].concat();
    let body = [
        b"Photoshop 3.0\0".to_vec(),
        resource(0x03ED, b"", &[0; 16]), // resolution info
        resource(0x0404, b"", &iim),
        resource(0x040C, b"thumb", b"\0\0\0\x01jpeg"),
    ]
    .concat();
    assert_eq!(
        photoshop_irb(&body),
        Found::PERSON | Found::LOCATION_TEXT | Found::THUMBNAIL
    );
    // Without the signature; the Photoshop 4 thumbnail; an empty thumbnail; XMP.
    assert_eq!(
        photoshop_irb(&resource(0x0409, b"", b"jpeg")),
        Found::THUMBNAIL
    );
    assert_eq!(photoshop_irb(&resource(0x040C, b"", b"")), Found::empty());
    let xmp_packet = packet(r#"photoshop:City="Paris""#, "");
    assert_eq!(
        photoshop_irb(&resource(0x0424, b"", &xmp_packet)),
        Found::LOCATION_TEXT
    );
    // Odd-length names and data are padded; other signatures are stepped over.
    let mut other = resource(0x0404, b"abc", b"x");
    other[..4].copy_from_slice(b"MeSa");
    let body = [other, resource(0x0404, b"ab", &dataset(2, 90, b"Paris"))].concat();
    assert_eq!(photoshop_irb(&body), Found::LOCATION_TEXT);
}

#[test]
fn hostile_resources_end() {
    let good = resource(0x0404, b"", &dataset(2, 80, b"Eve"));
    // Cut anywhere: no panic; cut in the IPTC data, what is there counts.
    for len in 0..good.len() {
        let _ = photoshop_irb(&good[..len]);
    }
    assert_eq!(photoshop_irb(&good[..good.len() - 1]), Found::PERSON);
    // A size of 4 GiB − 1 in a short block; a name longer than the block.
    let mut huge = good.clone();
    huge[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(photoshop_irb(&huge), Found::PERSON);
    let mut name = good.clone();
    name[6] = 0xFF;
    assert_eq!(photoshop_irb(&name), Found::empty());
    assert_eq!(photoshop_irb(b"8BIX\x04\x04\0\0\0\0\0\0"), Found::empty());
}
