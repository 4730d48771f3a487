//! The tests' own view of JPEG XL (ISO/IEC 18181-2, the container; 18181-1 § A.3.1, the
//! codestream's size header): builders of container files and bare codestreams, and an
//! independent re-walker of the top-level boxes.
//!
//! The walker decodes no pixel, so a built codestream is `FF 0A`, a size header and any
//! bytes: enough for the strip to read the image size, nothing a decoder could show. What a
//! strip must keep is the container's frame and the codestream boxes, byte for byte and in
//! order; every other box is metadata (SPEC.md § JPEG XL).

pub use super::heif::bx;
use super::rewalk::{self, Walked};
use super::{Allow, Unit};

/// The signature box (18181-2 § 9.1): size 12, type `JXL `, `0D 0A 87 0A`.
pub const SIGNATURE_BOX: [u8; 12] = [
    0, 0, 0, 0x0C, b'J', b'X', b'L', b' ', 0x0D, 0x0A, 0x87, 0x0A,
];
/// The bare codestream's signature (18181-1 § 9.1).
pub const CODESTREAM_SIGNATURE: [u8; 2] = [0xFF, 0x0A];
/// The top bit of a `jxlp` index: the last piece of the codestream.
pub const LAST_PART: u32 = 1 << 31;

/// `ftyp` with major brand `jxl `, minor version 0, compatible brand `jxl `.
pub fn ftyp() -> Vec<u8> {
    bx(b"ftyp", b"jxl \0\0\0\0jxl ")
}

/// `jxll`: the codestream level (5 or 10).
pub fn jxll(level: u8) -> Vec<u8> {
    bx(b"jxll", &[level])
}

/// How a box writes its size (ISO/IEC 14496-12 § 4.2, as 18181-2 § 9 takes it over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A 32-bit size.
    Normal,
    /// Size 0: the box runs to the end of the file (only the last box may).
    ToEnd,
    /// Size 1 and a 64-bit size after the type.
    Large,
}

/// A box of `kind` holding `body`, its size written as `size` says.
pub fn sized(kind: &[u8; 4], body: &[u8], size: Size) -> Vec<u8> {
    match size {
        Size::Normal => bx(kind, body),
        Size::ToEnd => [&[0, 0, 0, 0][..], kind, body].concat(),
        Size::Large => {
            let len = u64::try_from(body.len() + 16).unwrap();
            [&[0, 0, 0, 1][..], kind, &len.to_be_bytes(), body].concat()
        }
    }
}

/// An `Exif` box: the 4-byte offset of the TIFF header (here 0), then the TIFF.
pub fn exif(tiff: &[u8]) -> Vec<u8> {
    bx(b"Exif", &[&[0, 0, 0, 0][..], tiff].concat())
}

/// A `brob` box: the type of the box it compresses, then (standing for the Brotli stream)
/// `bytes`.
pub fn brob(inner: &[u8; 4], bytes: &[u8]) -> Vec<u8> {
    bx(b"brob", &[&inner[..], bytes].concat())
}

/// A `jumb` superbox (ISO/IEC 19566-5): a `jumd` description box labelled `c2pa`, then a
/// `json` content box holding `content`.
pub fn jumb(content: &[u8]) -> Vec<u8> {
    let jumd = bx(
        b"jumd",
        &[&[0x6A, 0x73, 0x6F, 0x6E][..], &[0; 12], &[0x03], b"c2pa\0"].concat(),
    );
    bx(b"jumb", &[jumd, bx(b"json", content)].concat())
}

/// The image size a [`SizeHeader`] gives, and how it writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeHeader {
    /// `div8`: both sides are multiples of 8 up to 256, written in 5 bits each.
    pub small: bool,
    pub height: u32,
    /// 0: the width is written; 1–7: a fixed ratio of the height (18181-1 Table A.2).
    pub ratio: u8,
    /// The written width (for `ratio` 0; ignored otherwise).
    pub width: u32,
    /// Added to the smallest `U32` selector that fits a side (capped at 3): the same size,
    /// written in more bits.
    pub wider: u8,
}

impl SizeHeader {
    /// The width a decoder derives: the written one, or the height times the ratio.
    pub fn derived_width(&self) -> u32 {
        // 18181-1 Table A.2, written again here rather than taken from src/jxl: a wrong
        // ratio must not hide in a table the library and its tests share.
        let (num, den) = match self.ratio {
            0 => return self.width,
            1 => (1, 1),
            2 => (12, 10),
            3 => (4, 3),
            4 => (3, 2),
            5 => (16, 9),
            6 => (5, 4),
            _ => (2, 1),
        };
        u32::try_from(u64::from(self.height) * num / den).unwrap()
    }

    /// The header's bits, least significant first (18181-1 § 4.4), padded to whole bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut bits = BitWriter::default();
        bits.put(u64::from(self.small), 1);
        self.side(&mut bits, self.height);
        bits.put(u64::from(self.ratio), 3);
        if self.ratio == 0 {
            self.side(&mut bits, self.width);
        }
        bits.bytes
    }

    /// One side: `(n / 8 - 1)` in 5 bits (`div8`), or `n - 1` as `U32(u(9), u(13), u(18),
    /// u(30))`: a 2-bit selector, then that many bits.
    fn side(&self, bits: &mut BitWriter, n: u32) {
        assert!(n >= 1, "test bug: a side of 0");
        if self.small {
            assert!(n % 8 == 0 && n <= 256, "test bug: {n} is no div8 side");
            bits.put(u64::from(n / 8 - 1), 5);
            return;
        }
        let widths = [9u32, 13, 18, 30];
        let v = u64::from(n - 1);
        let fits = widths.iter().position(|&w| v < 1 << w).unwrap();
        let selector = (fits + usize::from(self.wider)).min(3);
        bits.put(selector as u64, 2);
        bits.put(v, widths[selector]);
    }
}

#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    used: u32,
}

impl BitWriter {
    fn put(&mut self, value: u64, n: u32) {
        for i in 0..n {
            if self.used % 8 == 0 {
                self.bytes.push(0);
            }
            let bit = u8::try_from((value >> i) & 1).unwrap();
            *self.bytes.last_mut().unwrap() |= bit << (self.used % 8);
            self.used += 1;
        }
    }
}

/// A codestream: `FF 0A`, the size header, then `rest` (standing for the image header and
/// the frames).
pub fn codestream(size: &SizeHeader, rest: &[u8]) -> Vec<u8> {
    [&CODESTREAM_SIGNATURE[..], &size.encode(), rest].concat()
}

/// `jxlp` boxes holding `codestream` cut at `cuts` (ascending offsets), indices 0, 1, …, the
/// last with the top bit set.
pub fn jxlp_parts(codestream: &[u8], cuts: &[usize], size: Size) -> Vec<Vec<u8>> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(codestream.len());
    let count = bounds.len() - 1;
    (0..count)
        .map(|i| {
            let index = u32::try_from(i).unwrap() | if i + 1 == count { LAST_PART } else { 0 };
            let body = [
                &index.to_be_bytes()[..],
                &codestream[bounds[i]..bounds[i + 1]],
            ]
            .concat();
            sized(b"jxlp", &body, size)
        })
        .collect()
}

/// A container file of `boxes` after the signature box and `ftyp`.
pub fn container(boxes: &[&[u8]]) -> Vec<u8> {
    [&SIGNATURE_BOX[..], &ftyp(), &boxes.concat()].concat()
}

// ---------------------------------------------------------------------------------------
// The re-walker
// ---------------------------------------------------------------------------------------

/// One top-level box: its type, where it starts, where its body starts and where it ends.
#[derive(Debug, Clone, Copy)]
pub struct JxlBox {
    pub kind: [u8; 4],
    pub start: usize,
    pub body: usize,
    pub end: usize,
}

impl JxlBox {
    fn name(&self) -> String {
        self.kind.escape_ascii().to_string()
    }
}

/// The top-level boxes of a container, and why the walk stopped early, if it did.
pub fn walk(data: &[u8]) -> Walked<JxlBox> {
    rewalk::walk(Vec::new(), 0, |at, boxes| {
        if at == data.len() {
            return Ok(None);
        }
        let field = |from: usize, len: usize| {
            data.get(from..from + len)
                .map(|b| b.iter().fold(0u64, |a, &x| a << 8 | u64::from(x)))
                .ok_or_else(|| format!("box header at {at} cut off"))
        };
        let kind: [u8; 4] = data
            .get(at + 4..at + 8)
            .ok_or_else(|| format!("box header at {at} cut off"))?
            .try_into()
            .unwrap();
        let (header, size) = match field(at, 4)? {
            0 => (8, (data.len() - at) as u64),
            1 => (16, field(at + 8, 8)?),
            n => (8, n),
        };
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| at.checked_add(s))
            .filter(|&end| size >= header && end <= data.len())
            .ok_or_else(|| format!("box {} at {at} has a bad size {size}", kind.escape_ascii()))?;
        boxes.push(JxlBox {
            kind,
            start: at,
            body: at + header as usize,
            end,
        });
        Ok(Some(end))
    })
}

fn is_codestream(kind: &[u8; 4]) -> bool {
    matches!(kind, b"jxlc" | b"jxlp")
}

/// The units a strip must keep, in order: for a bare codestream the whole file; in a
/// container the signature box, `ftyp`, every `jxll`, every codestream box whole (header
/// included, as written), the first `jxli`, and with `allow.gain_map` every `jhgm`.
pub fn image_units(data: &[u8], allow: Allow) -> Result<Vec<Unit>, String> {
    if data.starts_with(&CODESTREAM_SIGNATURE) {
        return Ok(vec![Unit {
            kind: "bare codestream data".into(),
            at: 0,
            bytes: data.to_vec(),
        }]);
    }
    let w = walk(data);
    let mut index_seen = false;
    rewalk::image_units(&w.items, w.problem.as_deref(), |b| {
        let kept = match &b.kind {
            b"JXL " | b"ftyp" | b"jxll" => true,
            k if is_codestream(k) => true,
            b"jxli" => !std::mem::replace(&mut index_seen, true),
            b"jhgm" => allow.gain_map,
            _ => false,
        };
        let kind = if is_codestream(&b.kind) {
            format!("{} codestream data", b.name())
        } else {
            format!("{} box", b.name())
        };
        kept.then(|| Unit {
            kind,
            at: b.start,
            bytes: data[b.start..b.end].to_vec(),
        })
    })
}

/// Every box (and structural fault) a stripped container must not hold, one line each: a
/// walk that fails, a first box other than the signature box or a second other than `ftyp`,
/// a codestream in both `jxlc` and `jxlp` or with `jxlp` indices out of order, a second
/// `jxli`, and every box of a type the policy does not keep. A bare codestream holds no box.
pub fn leftovers(data: &[u8], allow: Allow) -> Vec<String> {
    if data.starts_with(&CODESTREAM_SIGNATURE) {
        return Vec::new();
    }
    let w = walk(data);
    if data.get(..12) != Some(&SIGNATURE_BOX[..]) {
        return vec!["no JPEG XL signature box at byte 0".into()];
    }
    let (mut parts, mut whole, mut index_seen) = (0u32, false, false);
    rewalk::leftovers(&w.items, w.problem.as_deref(), |b, left| {
        let i = w.items.iter().position(|x| x.start == b.start).unwrap();
        match (&b.kind, i) {
            (b"JXL ", 0) | (b"ftyp", 1) => {}
            (_, 1) => left.push(format!("the second box is {}, not ftyp", b.name())),
            (b"jxll", _) => {}
            (b"jxlc", _) => {
                if whole || parts > 0 {
                    left.push(format!("jxlc at {} beside another codestream box", b.start));
                }
                whole = true;
            }
            (b"jxlp", _) => {
                let index = data
                    .get(b.body..b.body + 4)
                    .map(|x| u32::from_be_bytes(x.try_into().unwrap()) & !LAST_PART);
                if whole || index != Some(parts) {
                    left.push(format!(
                        "jxlp at {} with index {index:?}, not {parts}",
                        b.start
                    ));
                }
                parts += 1;
            }
            (b"jxli", _) if !std::mem::replace(&mut index_seen, true) => {}
            (b"jhgm", _) if allow.gain_map => {}
            _ => left.push(format!(
                "{} box at {} ({} bytes)",
                b.name(),
                b.start,
                b.end - b.start
            )),
        }
    })
}
