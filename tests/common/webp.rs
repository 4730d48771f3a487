//! The tests' own view of WebP (the WebP Container Specification, RIFF): builders and an
//! independent re-walker.

use super::rewalk::{self, Walked};
use super::{is_allowed_exif, is_credit_xmp, Allow, Unit};

/// VP8X flag bits (container spec, "Extended File Format").
pub const ANIMATION: u8 = 0x02;
pub const XMP: u8 = 0x04;
pub const EXIF: u8 = 0x08;
pub const ALPHA: u8 = 0x10;
pub const ICC: u8 = 0x20;

/// `FourCC size payload [pad]`, with the correct size and a zero pad byte.
pub fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    out.extend_from_slice(body);
    if body.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// `RIFF size WEBP` around `chunks`, with the right RIFF size.
pub fn riff(chunks: &[&[u8]]) -> Vec<u8> {
    let body = chunks.concat();
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len() + 4).unwrap().to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend(body);
    out
}

fn le24(v: u32) -> [u8; 3] {
    let b = v.to_le_bytes();
    [b[0], b[1], b[2]]
}

/// A VP8X chunk for a `width` × `height` canvas.
pub fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
    let mut body = vec![flags, 0, 0, 0];
    body.extend_from_slice(&le24(width - 1));
    body.extend_from_slice(&le24(height - 1));
    chunk(b"VP8X", &body)
}

/// A VP8 chunk whose key-frame header (RFC 6386 § 9.1) says `width` × `height`, followed by
/// `data` standing for the partitions (not decodable: for structure tests only).
pub fn vp8(width: u16, height: u16, data: &[u8]) -> Vec<u8> {
    let mut body = vec![0x10, 0x00, 0x00, 0x9D, 0x01, 0x2A];
    body.extend_from_slice(&width.to_le_bytes());
    body.extend_from_slice(&height.to_le_bytes());
    body.extend_from_slice(data);
    chunk(b"VP8 ", &body)
}

/// An ANMF chunk: frame header at (0, 0), `width` × `height`, 100 ms, then `nested`.
pub fn anmf(width: u32, height: u32, flags: u8, nested: &[&[u8]]) -> Vec<u8> {
    let mut body = vec![0; 6];
    body.extend_from_slice(&le24(width - 1));
    body.extend_from_slice(&le24(height - 1));
    body.extend_from_slice(&le24(100));
    body.push(flags);
    body.extend(nested.concat());
    chunk(b"ANMF", &body)
}

/// An ANIM chunk: white background, endless loop.
pub fn anim() -> Vec<u8> {
    chunk(b"ANIM", &[0xFF, 0xFF, 0xFF, 0xFF, 0, 0])
}

/// One chunk of a walk, as offsets into the walked bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub kind: [u8; 4],
    pub start: usize,
    /// The payload, without the pad byte.
    pub body: std::ops::Range<usize>,
    /// Just past the pad byte.
    pub end: usize,
    /// The chunks inside an ANMF frame's payload (after its 16-byte header).
    pub nested: Vec<Chunk>,
}

impl Chunk {
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.kind)
            .escape_debug()
            .to_string()
    }
}

/// A whole walk: the chunks inside the RIFF payload, the bytes after it, and faults.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub chunks: Vec<Chunk>,
    /// The RIFF size field.
    pub riff_size: u32,
    /// Bytes past the RIFF payload.
    pub trailer: usize,
    /// Why the walk stopped early, if it did.
    pub problem: Option<String>,
    /// Pad bytes that are not zero (offsets).
    pub dirty_pads: Vec<usize>,
}

/// Walks `data[from..to]` chunk by chunk (and ANMF frames' chunks inside them): the whole
/// chunks, and why it stopped early. Non-zero pad bytes go to `w.dirty_pads`, and a fault
/// inside a frame to `w.problem`.
fn walk_range(data: &[u8], from: usize, to: usize, w: &mut Walk) -> Walked<Chunk> {
    rewalk::walk(Vec::new(), from, |pos, chunks| {
        if pos >= to {
            return Ok(None);
        }
        if pos + 8 > to {
            return Err(format!("chunk header at {pos} cut off"));
        }
        let kind: [u8; 4] = data[pos..pos + 4].try_into().unwrap();
        let len = u32::from_le_bytes(data[pos + 4..pos + 8].try_into().unwrap()) as usize;
        let body = pos + 8..pos + 8 + len;
        let end = body.end + (len & 1);
        if end > to {
            let name = String::from_utf8_lossy(&kind).escape_debug().to_string();
            return Err(format!("chunk {name} at {pos} runs past its container"));
        }
        if len & 1 == 1 && data[body.end] != 0 {
            w.dirty_pads.push(body.end);
        }
        let mut nested = Vec::new();
        if &kind == b"ANMF" && len >= 16 {
            let inner = walk_range(data, body.start + 16, body.end, w);
            nested = inner.items;
            if inner.problem.is_some() {
                w.problem = inner.problem;
            }
        }
        chunks.push(Chunk {
            kind,
            start: pos,
            body,
            end,
            nested,
        });
        Ok(Some(end))
    })
}

/// Walks a WebP file: chunks within the RIFF payload (or the data, if shorter).
pub fn walk(data: &[u8]) -> Walk {
    let mut w = Walk::default();
    if data.len() < 12 || &data[0..4] != b"RIFF" || &data[8..12] != b"WEBP" {
        w.problem = Some("no RIFF WEBP header".into());
        return w;
    }
    w.riff_size = u32::from_le_bytes(data[4..8].try_into().unwrap());
    let riff_end = (w.riff_size as usize).saturating_add(8);
    w.trailer = data.len().saturating_sub(riff_end);
    let walked = walk_range(data, 12, riff_end.min(data.len()), &mut w);
    w.chunks = walked.items;
    if walked.problem.is_some() {
        w.problem = walked.problem;
    }
    w
}

fn u24(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], 0])
}

/// Canvas width, height and alpha as a viewer sees them: VP8X canvas and alpha bit for an
/// extended file; the bitstream header for a simple one.
fn canvas(data: &[u8], first: &Chunk) -> Option<(u32, u32, bool)> {
    let body = &data[first.body.clone()];
    match &first.kind {
        b"VP8X" if body.len() >= 10 => Some((
            u24(&body[4..7]) + 1,
            u24(&body[7..10]) + 1,
            body[0] & ALPHA != 0,
        )),
        b"VP8 " if body.len() >= 10 => Some((
            u32::from(u16::from_le_bytes([body[6], body[7]]) & 0x3FFF),
            u32::from(u16::from_le_bytes([body[8], body[9]]) & 0x3FFF),
            false,
        )),
        b"VP8L" if body.len() >= 5 => {
            let bits = u32::from_le_bytes(body[1..5].try_into().unwrap());
            Some((
                (bits & 0x3FFF) + 1,
                ((bits >> 14) & 0x3FFF) + 1,
                (bits >> 28) & 1 == 1,
            ))
        }
        _ => None,
    }
}

fn is_image(kind: &[u8; 4]) -> bool {
    matches!(kind, b"VP8 " | b"VP8L" | b"ALPH")
}

/// The image chunks of an ANMF frame that decoders read: libwebp's demuxer stops at the
/// frame's first VP8/VP8L (WebP Container Specification, "Assembling the Canvas").
fn frame_image(nested: &[Chunk]) -> impl Iterator<Item = &Chunk> {
    let end = nested
        .iter()
        .position(|n| matches!(&n.kind, b"VP8 " | b"VP8L"))
        .map_or(nested.len(), |i| i + 1);
    nested[..end].iter().filter(|n| is_image(&n.kind))
}

/// The image-carrying units, in order: the canvas (size and alpha as a viewer sees them),
/// the kept ICC profile (first, wherever it was), the image chunks (header and payload; for a
/// simple file only its first chunk), the first ANIM's 6 bytes, and each ANMF frame's header
/// (defined flag bits only) followed by its image chunks.
pub fn image_units(data: &[u8], allow: Allow) -> Result<Vec<Unit>, String> {
    let w = walk(data);
    let Some(first) = w.chunks.first() else {
        return Err(w.problem.unwrap_or_else(|| "no chunks".into()));
    };
    let (width, height, alpha) = canvas(data, first).ok_or("no canvas")?;
    let mut units = vec![Unit {
        kind: "canvas".into(),
        at: first.start,
        bytes: [
            &width.to_le_bytes()[..],
            &height.to_le_bytes(),
            &[u8::from(alpha)],
        ]
        .concat(),
    }];
    let raw = |c: &Chunk| Unit {
        kind: format!("{} chunk", c.name()),
        at: c.start,
        bytes: data[c.start..c.body.end].to_vec(),
    };
    if &first.kind != b"VP8X" {
        if allow.icc {
            if let Some(icc) = w.chunks.iter().skip(1).find(|c| &c.kind == b"ICCP") {
                units.push(raw(icc));
            }
        }
        units.push(raw(first));
        return Ok(units);
    }
    let mut icc_seen = false;
    let mut anim_seen = false;
    let mut image_seen = false;
    for c in &w.chunks[1..] {
        match &c.kind {
            // One image: decoders read the first VP8/VP8L (ALPH chunks stay as they are).
            b"VP8 " | b"VP8L" if std::mem::replace(&mut image_seen, true) => {}
            k if is_image(k) => units.push(raw(c)),
            b"ICCP" if allow.icc && !std::mem::replace(&mut icc_seen, true) => {
                units.insert(1, raw(c));
            }
            b"ANIM" if !std::mem::replace(&mut anim_seen, true) => units.push(Unit {
                kind: "ANIM chunk".into(),
                at: c.start,
                bytes: data[c.body.clone()].iter().take(6).copied().collect(),
            }),
            b"ANMF" => {
                let mut header = data[c.body.clone()]
                    .iter()
                    .take(16)
                    .copied()
                    .collect::<Vec<_>>();
                if let Some(flags) = header.get_mut(15) {
                    *flags &= 0x03;
                }
                units.push(Unit {
                    kind: "ANMF frame header".into(),
                    at: c.start,
                    bytes: header,
                });
                units.extend(frame_image(&c.nested).map(raw));
                image_seen = true;
            }
            _ => {}
        }
    }
    Ok(units)
}

/// Every metadata unit (and structural fault) left in a stripped output, one line each.
pub fn leftovers(data: &[u8], allow: Allow) -> Vec<String> {
    let w = walk(data);
    let mut left = rewalk::fault(w.problem.as_deref());
    if w.trailer > 0 {
        left.push(format!("{} bytes past the RIFF payload", w.trailer));
    }
    if w.riff_size as usize + 8 != data.len() {
        left.push(format!(
            "RIFF size {} does not match the {} bytes of the file",
            w.riff_size,
            data.len()
        ));
    }
    for at in &w.dirty_pads {
        left.push(format!("pad byte at {at} is not zero"));
    }
    let Some(first) = w.chunks.first() else {
        left.push("no chunks".into());
        return left;
    };
    match &first.kind {
        b"VP8 " | b"VP8L" => {
            for c in &w.chunks[1..] {
                left.push(format!(
                    "{} chunk at {} after the image of a simple file",
                    c.name(),
                    c.start
                ));
            }
            return left;
        }
        b"VP8X" => {}
        _ => {
            left.push(format!("first chunk is {}", first.name()));
            return left;
        }
    }
    let vp8x = &data[first.body.clone()];
    if vp8x.len() != 10 {
        left.push(format!("VP8X payload is {} bytes, not 10", vp8x.len()));
    }
    let flags = vp8x.first().copied().unwrap_or(0);
    if flags & 0xC1 != 0 || vp8x.get(1..4).is_some_and(|r| r != [0, 0, 0]) {
        left.push("VP8X reserved bits are set".into());
    }
    let has = |kind: &[u8; 4]| w.chunks.iter().any(|c| &c.kind == kind);
    if flags & XMP != 0 && !allow.copyright {
        left.push("VP8X XMP flag is set".into());
    }
    let flag_checks = [
        (ICC, "ICC", has(b"ICCP")),
        (XMP, "XMP", has(b"XMP ") && allow.copyright),
        (EXIF, "EXIF", has(b"EXIF")),
        (ANIMATION, "animation", has(b"ANIM") || has(b"ANMF")),
    ];
    for (bit, name, present) in flag_checks {
        if (flags & bit != 0) != present {
            left.push(format!(
                "VP8X {name} flag is {} but its chunks are {}",
                if flags & bit != 0 { "set" } else { "clear" },
                if present { "there" } else { "absent" }
            ));
        }
    }
    let (mut icc_seen, mut exif_seen, mut anim_seen) = (false, false, false);
    let mut xmp_seen = false;
    let mut image_seen = false;
    for c in &w.chunks[1..] {
        let body = &data[c.body.clone()];
        match &c.kind {
            b"VP8 " | b"VP8L" if std::mem::replace(&mut image_seen, true) => left.push(format!(
                "{} chunk at {} after the file's image",
                c.name(),
                c.start
            )),
            k if is_image(k) => {}
            b"ANIM" if !std::mem::replace(&mut anim_seen, true) => {
                if body.len() != 6 {
                    left.push(format!(
                        "ANIM at {} holds {} bytes, not 6",
                        c.start,
                        body.len()
                    ));
                }
            }
            b"ANMF" => {
                if body.get(15).is_some_and(|f| f & !0x03 != 0) {
                    left.push(format!("ANMF at {} has reserved flag bits set", c.start));
                }
                image_seen = true;
                let read = frame_image(&c.nested).count();
                let image_chunks = c.nested.iter().filter(|n| is_image(&n.kind)).count();
                for n in c.nested.iter().filter(|n| !is_image(&n.kind)) {
                    left.push(format!(
                        "{} chunk at {} inside the ANMF frame at {}",
                        n.name(),
                        n.start,
                        c.start
                    ));
                }
                if image_chunks > read {
                    left.push(format!(
                        "{} image chunks after the image of the ANMF frame at {}",
                        image_chunks - read,
                        c.start
                    ));
                }
            }
            b"ICCP" if allow.icc && !std::mem::replace(&mut icc_seen, true) => {}
            b"EXIF" if is_allowed_exif(body, allow) && !std::mem::replace(&mut exif_seen, true) => {
            }
            b"XMP "
                if allow.copyright
                    && is_credit_xmp(body)
                    && !std::mem::replace(&mut xmp_seen, true) => {}
            _ => left.push(format!(
                "{} chunk at {} ({} bytes)",
                c.name(),
                c.start,
                c.end - c.start
            )),
        }
    }
    left
}

/// A simple lossless WebP (`RIFF WEBP VP8L`) of the tests' RGB pattern, from the image
/// crate's encoder: real pixels the oracle decodes.
pub fn sample_webp(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let mut out = Vec::new();
    super::pattern(width, height, seed)
        .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out))
        .unwrap();
    out
}

/// The first chunk of a WebP, whole (header, payload, pad byte): the VP8L chunk of
/// [`sample_webp`].
pub fn first_chunk(webp: &[u8]) -> Vec<u8> {
    let w = walk(webp);
    let c = &w.chunks[0];
    webp[c.start..c.end].to_vec()
}
