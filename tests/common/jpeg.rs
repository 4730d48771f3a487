//! The tests' own view of JPEG (ITU T.81 Annex B): builders and an independent re-walker.

use super::{is_allowed_exif, is_credit_xmp, is_headroom_exif, rewalk, Allow, Unit};

pub const SOI: [u8; 2] = [0xFF, 0xD8];
pub const EOI: [u8; 2] = [0xFF, 0xD9];

/// `FF marker length body`, with the correct length.
pub fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 2).expect("JPEG segment body over 65533 bytes");
    segment_with_len(marker, len, body)
}

/// `FF marker length body` with any declared length, to build broken files on purpose.
pub fn segment_with_len(marker: u8, declared: u16, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&declared.to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// An APPn segment whose body is `signature` then `payload`.
pub fn app(n: u8, signature: &[u8], payload: &[u8]) -> Vec<u8> {
    assert!(n <= 15);
    segment(0xE0 + n, &[signature, payload].concat())
}

/// A COM segment.
pub fn com(text: &[u8]) -> Vec<u8> {
    segment(0xFE, text)
}

/// The entropy-coded data of [`ultra_hdr`]'s gain map.
pub const GAIN_MAP_SCAN: &[u8] = &[0x55, 0x66, 0xFF, 0x00, 0x77];

/// A small Ultra HDR JPEG: a primary (`primary_meta` right after SOI, then XMP with
/// `hdrgm:Version` and a GContainer directory, and an MPF of two images) and a gain map
/// (`gain_map_meta` right after SOI, then `hdrgm:` XMP) whose scan data is
/// [`GAIN_MAP_SCAN`], then `trailer`; built from T.81 and the Ultra HDR layout.
pub fn ultra_hdr(primary_meta: &[u8], gain_map_meta: &[u8], trailer: &[u8]) -> Vec<u8> {
    let xmp = |props: &str| {
        format!(
            r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" {props}/></rdf:RDF></x:xmpmeta>"#
        )
    };
    let fields = r#"hdrgm:Version="1.0" hdrgm:GainMapMax="2" hdrgm:HDRCapacityMax="2""#;
    two_images(
        primary_meta,
        Some(&xmp(r#"hdrgm:Version="1.0""#)),
        gain_map_meta,
        &xmp(fields),
        trailer,
    )
}

/// The XMP of an iPhone's HDR gain map (Apple's `apdi` and `HDRGainMap` namespaces, and the
/// toolkit line Apple writes: the fresh packet that replaces it must fit in its place).
pub const APPLE_GAIN_MAP_XMP: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 6.0.0"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:apdi="http://ns.apple.com/pixeldatainfo/1.0/" xmlns:HDRGainMap="http://ns.apple.com/HDRGainMap/1.0/"><apdi:AuxiliaryImageType>urn:com:apple:photo:2020:aux:hdrgainmap</apdi:AuxiliaryImageType><HDRGainMap:HDRGainMapVersion>131072</HDRGainMap:HDRGainMapVersion><HDRGainMap:HDRGainMapHeadroom>4.5</HDRGainMap:HDRGainMapHeadroom></rdf:Description></rdf:RDF></x:xmpmeta>"#;

/// A small Apple HDR JPEG: a primary (`primary_meta` right after SOI, then an MPF of two
/// images) and a gain map (`gain_map_meta` right after SOI, then [`APPLE_GAIN_MAP_XMP`])
/// whose scan data is [`GAIN_MAP_SCAN`], then `trailer`.
pub fn apple_hdr(primary_meta: &[u8], gain_map_meta: &[u8], trailer: &[u8]) -> Vec<u8> {
    two_images(
        primary_meta,
        None,
        gain_map_meta,
        APPLE_GAIN_MAP_XMP,
        trailer,
    )
}

fn two_images(
    primary_meta: &[u8],
    primary_xmp: Option<&str>,
    gain_map_meta: &[u8],
    gain_map_xmp: &str,
    trailer: &[u8],
) -> Vec<u8> {
    let image = |entropy: &[u8]| {
        let mut v = segment(0xDB, &[0; 65]);
        v.extend(segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
        v.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        v.extend_from_slice(entropy);
        v.extend_from_slice(&EOI);
        v
    };
    let sig = b"http://ns.adobe.com/xap/1.0/\0";
    let mut gain_map = SOI.to_vec();
    gain_map.extend_from_slice(gain_map_meta);
    gain_map.extend(app(1, sig, gain_map_xmp.as_bytes()));
    gain_map.extend(image(GAIN_MAP_SCAN));
    let mpf = |primary: u32, offset: u32| {
        let mut t = b"MM\0\x2A\0\0\0\x08\0\x02".to_vec();
        t.extend_from_slice(&[0xB0, 0x01, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2]);
        t.extend_from_slice(&[0xB0, 0x02, 0, 7, 0, 0, 0, 32, 0, 0, 0, 38]);
        t.extend_from_slice(&[0; 4]);
        for (attribute, size, offset) in [
            (0x0003_0000u32, primary, 0u32),
            (0, gain_map.len() as u32, offset),
        ] {
            for v in [attribute, size, offset, 0] {
                t.extend_from_slice(&v.to_be_bytes());
            }
        }
        app(2, b"MPF\0", &t)
    };
    let build = |mpf: Vec<u8>| {
        let mut v = SOI.to_vec();
        v.extend_from_slice(primary_meta);
        if let Some(xmp) = primary_xmp {
            v.extend(app(1, sig, xmp.as_bytes()));
        }
        v.extend(mpf);
        v.extend(image(&[0x11, 0x22]));
        v
    };
    let len = build(mpf(0, 0)).len() as u32;
    let xmp_len = primary_xmp.map_or(0, |x| 4 + sig.len() + x.len());
    let tiff_at = (2 + primary_meta.len() + xmp_len + 8) as u32;
    let mut file = build(mpf(len, len - tiff_at));
    file.extend(gain_map);
    file.extend_from_slice(trailer);
    file
}

/// One item of a walk, as ranges into the walked bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `FF marker length body`: `start..end` covers it all, `body` only the body.
    Segment {
        marker: u8,
        start: usize,
        end: usize,
        body: std::ops::Range<usize>,
    },
    /// A marker without a length (RSTn, TEM, a second SOI) outside entropy-coded data.
    Standalone { marker: u8, start: usize },
    /// Entropy-coded data after an SOS header, RSTn and stuffed `FF 00` included.
    Entropy { start: usize, end: usize },
    /// Bytes between segments that are not a marker: fill bytes or garbage.
    Stray { start: usize, end: usize },
    /// Everything after the first EOI.
    Trailer { start: usize, end: usize },
}

/// A whole walk: the items up to the first EOI, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub items: Vec<Item>,
    /// Offset of the first EOI, if any.
    pub eoi: Option<usize>,
    /// Why the walk stopped early (truncation, a broken length), if it did.
    pub problem: Option<String>,
    /// The data ends inside a scan's entropy-coded data, with no EOI: a truncated image, not a
    /// broken structure (imgstrip closes such a scan with EOI only when that fits).
    pub ends_in_scan: bool,
}

/// Walks `data` marker by marker, and every scan's entropy-coded data byte by byte.
pub fn walk(data: &[u8]) -> Walk {
    if data.get(..2) != Some(&SOI[..]) {
        return Walk {
            problem: Some("no SOI at byte 0".into()),
            ..Walk::default()
        };
    }
    let (mut eoi, mut ends_in_scan) = (None, false);
    let walked = rewalk::walk(Vec::new(), 2, |pos, items| {
        // The next marker: an FF (after any run of FF fill bytes) followed by a byte other
        // than 00. Everything before that run's last FF is stray.
        let Some((ff, marker)) = next_marker(data, pos) else {
            if pos == data.len() && matches!(items.last(), Some(Item::Entropy { .. })) {
                ends_in_scan = true;
                return Ok(None);
            }
            if pos < data.len() {
                items.push(Item::Stray {
                    start: pos,
                    end: data.len(),
                });
            }
            return Err(format!("no EOI (input ends at {})", data.len()));
        };
        if ff > pos {
            items.push(Item::Stray {
                start: pos,
                end: ff,
            });
        }
        match marker {
            0xD9 => {
                eoi = Some(ff);
                if ff + 2 < data.len() {
                    items.push(Item::Trailer {
                        start: ff + 2,
                        end: data.len(),
                    });
                }
                Ok(None)
            }
            0xD0..=0xD8 | 0x01 => {
                items.push(Item::Standalone { marker, start: ff });
                Ok(Some(ff + 2))
            }
            _ => {
                let Some(len) = data
                    .get(ff + 2..ff + 4)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
                else {
                    return Err(format!("segment FF{marker:02X} at {ff} cut in its length"));
                };
                if len < 2 {
                    return Err(format!("segment FF{marker:02X} at {ff} has length {len}"));
                }
                let end = ff + 2 + len;
                if end > data.len() {
                    return Err(format!("segment FF{marker:02X} at {ff} runs past the end"));
                }
                items.push(Item::Segment {
                    marker,
                    start: ff,
                    end,
                    body: ff + 4..end,
                });
                if marker != 0xDA {
                    return Ok(Some(end));
                }
                let stop = entropy_end(data, end);
                items.push(Item::Entropy {
                    start: end,
                    end: stop,
                });
                Ok(Some(stop))
            }
        }
    });
    Walk {
        items: walked.items,
        eoi,
        problem: walked.problem,
        ends_in_scan,
    }
}

/// `(offset of the marker's FF, marker byte)` of the next marker at or after `from`.
fn next_marker(data: &[u8], from: usize) -> Option<(usize, u8)> {
    let mut i = from;
    while i < data.len() {
        if data[i] != 0xFF {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < data.len() && data[j] == 0xFF {
            j += 1;
        }
        match data.get(j) {
            None => return None,
            Some(0x00) => i = j + 1,
            Some(&m) => return Some((j - 1, m)),
        }
    }
    None
}

/// Where the entropy-coded data starting at `from` ends: at the first FF of the run that
/// leads to a marker other than RSTn, TEM or RES (T.81 B.1.1.5; stuffed `FF 00` stays in the data), or
/// at the end of the input (a dangling run of FF at the very end is not data).
fn entropy_end(data: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < data.len() {
        if data[i] != 0xFF {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < data.len() && data[j] == 0xFF {
            j += 1;
        }
        match data.get(j) {
            // Stuffing, RSTn, and TEM/RES (T.81 B.1.1.3: nothing ends a scan with them;
            // JPEG-LS bit-stuffs FF 00–7F, and in JPEG they are damage libjpeg reads past).
            Some(0x00..=0xBF | 0xD0..=0xD7) => i = j + 1,
            _ => return i,
        }
    }
    data.len()
}

/// Markers of segments that carry the image: SOFn (not C4 DHT, C8 JPG, CC DAC, which are
/// listed on their own), DHT, DAC, DQT, DRI, SOS, DNL, DHP, EXP, JPEG-LS SOF55 and LSE.
pub fn is_image_marker(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xC7 | 0xC9..=0xCF | 0xDA..=0xDF | 0xF7 | 0xF8)
}

fn starts(data: &[u8], body: &std::ops::Range<usize>, prefix: &[u8]) -> bool {
    data[body.clone()].starts_with(prefix)
}

/// The image-carrying units of `data`, normalized: every image segment and every scan's
/// entropy-coded data byte for byte; a JFIF APP0 and an Adobe APP14 by their defined fields
/// (JFIF's first 12 body bytes, Adobe's 12), since the library rewrites those; with
/// `allow.icc`, the `ICC_PROFILE` APP2 segments too.
pub fn image_units(data: &[u8], allow: Allow) -> Result<Vec<Unit>, String> {
    let w = walk(data);
    rewalk::image_units(&w.items, w.problem.as_deref(), |item| match item {
        Item::Segment {
            marker,
            start,
            end,
            body,
        } => {
            let jfif = *marker == 0xE0 && starts(data, body, b"JFIF\0") && body.len() >= 14;
            let adobe = *marker == 0xEE && starts(data, body, b"Adobe") && body.len() >= 12;
            let icc = allow.icc && *marker == 0xE2 && starts(data, body, b"ICC_PROFILE\0");
            let bytes = if is_image_marker(*marker) || icc {
                data[*start..*end].to_vec()
            } else if jfif || adobe {
                data[body.start..body.start + 12].to_vec()
            } else {
                return None;
            };
            Some(Unit {
                kind: format!("FF{marker:02X} segment"),
                at: *start,
                bytes,
            })
        }
        Item::Entropy { start, end } => Some(Unit {
            kind: "entropy-coded data".into(),
            at: *start,
            bytes: data[*start..*end].to_vec(),
        }),
        _ => None,
    })
}

/// Every metadata unit (and structural fault) left in a stripped output, one line each.
/// With `allow.gain_map`, an Ultra HDR structure is clean: in the primary an MPF APP2, an
/// XMP holding only gain-map properties ([`is_gain_map_xmp`]) and an ISO 21496-1 APP2, and
/// after its EOI exactly the one JPEG its MPF's second entry points at, clean itself with the
/// same XMP and ISO segments allowed but no MPF and nothing after its EOI.
pub fn leftovers(data: &[u8], allow: Allow) -> Vec<String> {
    leftovers_in(data, allow, false)
}

const MPF_SIG: &[u8] = b"MPF\0";
const ISO_SIG: &[u8] = b"urn:iso:std:iso:ts:21496:-1\0";
const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// Whether an XMP packet uses no namespace prefix but those of a gain map's description:
/// `x`, `rdf`, `hdrgm` and the GContainer's `Container` and `Item` (quoted values aside).
pub fn is_gain_map_xmp(packet: &[u8]) -> bool {
    let text = String::from_utf8_lossy(packet);
    let allowed = ["x", "rdf", "hdrgm", "Container", "Item", "xmlns"];
    let names = text
        .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '/' | '='))
        .filter(|t| !t.starts_with('"') && !t.starts_with('\''));
    let mut prefixes = names.filter_map(|t| t.split_once(':').map(|(p, _)| p.to_owned()));
    let xmlns_ok = text.match_indices("xmlns:").all(|(i, _)| {
        ["x=", "rdf=", "hdrgm=", "Container=", "Item="]
            .iter()
            .any(|a| text[i + 6..].starts_with(a))
    });
    text.contains("hdrgm:") && xmlns_ok && prefixes.all(|p| allowed.contains(&p.as_str()))
}

/// Whether an XMP packet is an Apple gain map's: it names the image an HDR gain map and uses
/// no namespace prefix but `x`, `rdf`, and Apple's `apdi` and `HDRGainMap` (quoted values and
/// element text aside).
pub fn is_apple_gain_map_xmp(packet: &[u8]) -> bool {
    is_apple_gain_map_fields(packet, true)
}

/// [`is_apple_gain_map_xmp`], where the packet need not name the image an HDR gain map
/// (`needs_aux_type` false): a HEIF gain-map item's `auxC` says it, and iPhones write its
/// XMP with `HDRGainMapVersion` alone.
pub fn is_apple_gain_map_fields(packet: &[u8], needs_aux_type: bool) -> bool {
    let text = String::from_utf8_lossy(packet);
    let allowed = ["x", "rdf", "apdi", "HDRGainMap", "xmlns"];
    let tags = text.replace(">urn:com:apple:photo:2020:aux:hdrgainmap<", "><");
    let names = tags
        .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '/' | '='))
        .filter(|t| !t.starts_with('"') && !t.starts_with('\''));
    let mut prefixes = names.filter_map(|t| t.split_once(':').map(|(p, _)| p.to_owned()));
    let xmlns_ok = text.match_indices("xmlns:").all(|(i, _)| {
        ["x=", "rdf=", "apdi=", "HDRGainMap="]
            .iter()
            .any(|a| text[i + 6..].starts_with(a))
    });
    // Element text may only be the auxiliary type or a number.
    let texts_ok = text.split('>').skip(1).all(|t| {
        let t = t.split('<').next().unwrap_or("").trim();
        t.is_empty()
            || t == "urn:com:apple:photo:2020:aux:hdrgainmap"
            || t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    });
    let aux_type =
        text.contains("<apdi:AuxiliaryImageType>urn:com:apple:photo:2020:aux:hdrgainmap<");
    (aux_type || !needs_aux_type)
        && text.contains("<HDRGainMap:HDRGainMapVersion>")
        && xmlns_ok
        && texts_ok
        && prefixes.all(|p| allowed.contains(&p.as_str()))
}

/// The second MP Entry (size, offset from the TIFF header) of the first MPF APP2 in `items`,
/// and where that TIFF header is. Big-endian only: the layout imgstrip writes.
fn mpf_second_entry(data: &[u8], items: &[Item]) -> Option<(usize, usize, usize)> {
    let body = items.iter().find_map(|item| match item {
        Item::Segment {
            marker: 0xE2, body, ..
        } if data[body.clone()].starts_with(MPF_SIG) => Some(body.clone()),
        _ => None,
    })?;
    let tiff_at = body.start + 4;
    let tiff = data.get(tiff_at..body.end)?;
    let be32 = |at: usize| {
        tiff.get(at..at + 4)
            .map(|b| u32::from_be_bytes(b.try_into().unwrap()) as usize)
    };
    if !tiff.starts_with(b"MM\0*") {
        return None;
    }
    let ifd = be32(4)?;
    let count = usize::from(u16::from_be_bytes(
        tiff.get(ifd..ifd + 2)?.try_into().unwrap(),
    ));
    let entries = (0..count).find_map(|i| {
        let e = ifd + 2 + 12 * i;
        (tiff.get(e..e + 2)? == [0xB0, 0x02])
            .then(|| be32(e + 8))
            .flatten()
    })?;
    Some((tiff_at, be32(entries + 16 + 4)?, be32(entries + 16 + 8)?))
}

/// Whether the bytes from `tail` to the end are the clean gain map the primary's MPF names.
fn is_kept_gain_map(data: &[u8], items: &[Item], tail: usize, allow: Allow) -> bool {
    let Some((tiff_at, size, offset)) = mpf_second_entry(data, items) else {
        return false;
    };
    tiff_at + offset == tail
        && tail + size == data.len()
        && leftovers_in(&data[tail..], allow, true).is_empty()
}

fn leftovers_in(data: &[u8], allow: Allow, in_gain_map: bool) -> Vec<String> {
    let w = walk(data);
    let gain_map_tail = match w.items.last() {
        Some(Item::Trailer { start, .. }) if allow.gain_map && !in_gain_map => {
            is_kept_gain_map(data, &w.items, *start, allow)
        }
        _ => false,
    };
    rewalk::leftovers(&w.items, w.problem.as_deref(), |item, left| match item {
        Item::Segment {
            marker,
            start,
            body,
            ..
        } => {
            let b = &data[body.clone()];
            let name = match marker {
                m if is_image_marker(*m) => return,
                0xE0 if b.starts_with(b"JFIF\0") && b.len() == 14 && b[12] == 0 && b[13] == 0 => {
                    return
                }
                0xE0 if b.starts_with(b"JFIF\0") => "APP0 JFIF with a thumbnail or extra bytes",
                0xEE if b.starts_with(b"Adobe") && b.len() == 12 => return,
                0xEE if b.starts_with(b"Adobe") => "APP14 Adobe with extra bytes",
                0xE2 if allow.icc && b.starts_with(b"ICC_PROFILE\0") => return,
                0xE2 if allow.gain_map && !in_gain_map && b.starts_with(MPF_SIG) => return,
                0xE2 if allow.gain_map && b.starts_with(ISO_SIG) => return,
                0xE1 if allow.gain_map
                    && b.starts_with(XMP_SIG)
                    && is_gain_map_xmp(&b[XMP_SIG.len()..]) =>
                {
                    return
                }
                0xE1 if allow.gain_map
                    && in_gain_map
                    && b.starts_with(XMP_SIG)
                    && is_apple_gain_map_xmp(&b[XMP_SIG.len()..]) =>
                {
                    return
                }
                0xE1 if b.starts_with(b"Exif\0\0") && is_allowed_exif(&b[6..], allow) => return,
                // A kept Apple gain map's headroom, in the primary only.
                0xE1 if allow.gain_map
                    && !in_gain_map
                    && b.starts_with(b"Exif\0\0")
                    && is_headroom_exif(&b[6..], allow) =>
                {
                    return
                }
                0xE1 if allow.copyright
                    && b.starts_with(XMP_SIG)
                    && is_credit_xmp(&b[XMP_SIG.len()..]) =>
                {
                    return
                }
                0xE0..=0xEF => "APPn segment",
                0xFE => "COM segment",
                _ => "non-image segment",
            };
            let sig: String = b
                .iter()
                .take(12)
                .map(|&c| if c.is_ascii_graphic() { c as char } else { '.' })
                .collect();
            left.push(format!(
                "{name} FF{marker:02X} at {start} ({} bytes, \"{sig}\")",
                b.len() + 4
            ));
        }
        Item::Standalone { marker, start } => {
            left.push(format!("stray marker FF{marker:02X} at {start}"))
        }
        Item::Stray { start, end } => left.push(format!("{} stray bytes at {start}", end - start)),
        Item::Trailer { .. } if gain_map_tail => {}
        Item::Trailer { start, end } => {
            left.push(format!("{} bytes after EOI at {start}", end - start))
        }
        Item::Entropy { .. } => {}
    })
}
