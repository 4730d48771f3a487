//! The tests' own view of GIF (GIF89a §§ 15–27): builders and an independent re-walker.

use std::ops::Range;

use super::{rewalk, Allow, Unit};

pub const TRAILER: u8 = 0x3B;

/// The application identifiers + authentication codes of the loop extension (kept).
pub const LOOP_IDS: [&[u8; 11]; 2] = [b"NETSCAPE2.0", b"ANIMEXTS1.0"];
/// The ICC profile's application identifier (kept under `Keep::ICC`).
pub const ICC_ID: &[u8; 11] = b"ICCRGBG1012";

/// `payload` cut into data sub-blocks of at most 255 bytes, then the terminator.
pub fn sub_blocks(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for block in payload.chunks(255) {
        out.push(u8::try_from(block.len()).unwrap());
        out.extend_from_slice(block);
    }
    out.push(0);
    out
}

/// `21 label`, then each block as one sub-block, then the terminator.
pub fn extension(label: u8, blocks: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![0x21, label];
    for b in blocks {
        out.push(u8::try_from(b.len()).unwrap());
        out.extend_from_slice(b);
    }
    out.push(0);
    out
}

/// An application extension: the 11-byte identifier, then `payload` in sub-blocks.
pub fn application(id: &[u8; 11], payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x21, 0xFF, 11];
    out.extend_from_slice(id);
    out.extend(sub_blocks(payload));
    out
}

/// A comment extension holding `text`.
pub fn comment(text: &[u8]) -> Vec<u8> {
    let mut out = vec![0x21, 0xFE];
    out.extend(sub_blocks(text));
    out
}

/// XMP as Adobe's XMP Specification Part 3 has it in GIF: the raw packet (its bytes read
/// as sub-block lengths), then the 257-byte magic trailer `01 FF FE … 01 00`, then `00`.
pub fn xmp(packet: &[u8]) -> Vec<u8> {
    let mut out = vec![0x21, 0xFF, 11];
    out.extend_from_slice(b"XMP DataXMP");
    out.extend_from_slice(packet);
    out.push(1);
    out.extend((0..=255u8).rev());
    out.push(0);
    out
}

/// What one block of a walk is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Header, logical screen descriptor and global colour table.
    Screen,
    Extension {
        label: u8,
    },
    /// Descriptor, local colour table, LZW minimum code size and data.
    Image,
}

/// One block, as offsets into the walked bytes.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// The data sub-blocks (without their length bytes), for extensions and images.
    pub subs: Vec<Range<usize>>,
}

impl Block {
    pub fn name(&self) -> String {
        match self.kind {
            Kind::Screen => "screen".into(),
            Kind::Image => "image".into(),
            Kind::Extension { label } => format!("extension 0x{label:02X}"),
        }
    }
}

/// A whole walk: the complete blocks, where the trailer was, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub blocks: Vec<Block>,
    /// Offset of the trailer byte.
    pub trailer: Option<usize>,
    /// Bytes after the trailer.
    pub after_trailer: usize,
    /// Why the walk stopped inside a block or at a byte that starts none.
    pub problem: Option<String>,
}

impl Walk {
    pub fn images(&self) -> usize {
        self.blocks.iter().filter(|b| b.kind == Kind::Image).count()
    }
}

/// Reads a sub-block chain at `pos`; `Err` when it runs past the end.
fn chain(data: &[u8], mut pos: usize) -> Result<(Vec<Range<usize>>, usize), ()> {
    let mut subs = Vec::new();
    loop {
        let len = usize::from(*data.get(pos).ok_or(())?);
        if len == 0 {
            return Ok((subs, pos + 1));
        }
        if pos + 1 + len > data.len() {
            return Err(());
        }
        subs.push(pos + 1..pos + 1 + len);
        pos += 1 + len;
    }
}

fn table_len(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 * (1 << ((packed & 7) + 1))
    }
}

/// Walks `data` block by block.
pub fn walk(data: &[u8]) -> Walk {
    let mut w = Walk::default();
    if !(data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a")) {
        w.problem = Some("no GIF signature".into());
        return w;
    }
    let Some(&packed) = data.get(10) else {
        w.problem = Some("logical screen descriptor cut off".into());
        return w;
    };
    let screen_end = 13 + table_len(packed);
    if screen_end > data.len() {
        w.problem = Some("global colour table cut off".into());
        return w;
    }
    let screen = Block {
        kind: Kind::Screen,
        start: 0,
        end: screen_end,
        subs: Vec::new(),
    };
    let walked = rewalk::walk(vec![screen], screen_end, |pos, blocks| {
        let Some(&introducer) = data.get(pos) else {
            return Ok(None); // no trailer, but not inside a block
        };
        let read = match introducer {
            TRAILER => {
                w.trailer = Some(pos);
                w.after_trailer = data.len() - pos - 1;
                return Ok(None);
            }
            0x21 => data
                .get(pos + 1)
                .ok_or(())
                .and_then(|&label| Ok((Kind::Extension { label }, chain(data, pos + 2)?))),
            0x2C => match data.get(pos + 9) {
                Some(&packed) => {
                    let lzw = pos + 10 + table_len(packed);
                    if lzw >= data.len() {
                        Err(())
                    } else {
                        chain(data, lzw + 1).map(|c| (Kind::Image, c))
                    }
                }
                None => Err(()),
            },
            other => return Err(format!("byte 0x{other:02X} at {pos} starts no block")),
        };
        let (kind, (subs, end)) = read.map_err(|()| format!("block at {pos} runs past the end"))?;
        blocks.push(Block {
            kind,
            start: pos,
            end,
            subs,
        });
        Ok(Some(end))
    });
    w.blocks = walked.items;
    w.problem = walked.problem;
    w
}

/// The first data sub-block of a block (empty when there is none).
fn first<'a>(data: &'a [u8], b: &Block) -> &'a [u8] {
    b.subs.first().map_or(&[][..], |r| &data[r.clone()])
}

/// The loop count of a loop extension: sub-block id 1 (NETSCAPE2.0 § "Application
/// Extension"), the first such sub-block after the identifier.
fn loop_count(data: &[u8], b: &Block) -> Option<[u8; 2]> {
    b.subs
        .iter()
        .skip(1)
        .map(|r| &data[r.clone()])
        .find(|s| s.len() >= 3 && s[0] == 1)
        .map(|s| [s[1], s[2]])
}

/// The image-carrying units: the screen, every image byte for byte, the 4 data bytes of each
/// graphic control extension, the loop count, and with `allow.icc` the ICC extension whole.
/// Only complete blocks count (a cut input loses the block it ends in).
pub fn image_units(data: &[u8], allow: Allow) -> Result<Vec<Unit>, String> {
    let w = walk(data);
    rewalk::image_units(&w.blocks, w.problem.as_deref(), |b| {
        let (kind, bytes) = match b.kind {
            Kind::Screen | Kind::Image => (b.name(), data[b.start..b.end].to_vec()),
            Kind::Extension { label: 0xF9 } => {
                let f = first(data, b);
                ("graphic control".into(), f[..f.len().min(4)].to_vec())
            }
            Kind::Extension { label: 0xFF } if LOOP_IDS.iter().any(|id| first(data, b) == *id) => {
                ("loop count".into(), loop_count(data, b)?.to_vec())
            }
            Kind::Extension { label: 0xFF } if allow.icc && first(data, b) == ICC_ID => {
                ("ICC extension".into(), data[b.start..b.end].to_vec())
            }
            Kind::Extension { .. } => return None,
        };
        Some(Unit {
            kind,
            at: b.start,
            bytes,
        })
    })
}

/// Every metadata unit (and structural fault) left in a stripped output, one line each.
/// An output may end without a trailer (when its input had none and nothing was removed to
/// make room), but never inside a block.
pub fn leftovers(data: &[u8], allow: Allow) -> Vec<String> {
    let w = walk(data);
    let mut left = rewalk::leftovers(&w.blocks, w.problem.as_deref(), |b, left| {
        let Kind::Extension { label } = b.kind else {
            return;
        };
        let f = first(data, b);
        let at = b.start;
        match label {
            0xF9 if b.subs.len() == 1 && f.len() == 4 => {}
            0xF9 => left.push(format!(
                "graphic control extension at {at} with more than its 4 bytes ({} sub-blocks, first {} bytes)",
                b.subs.len(),
                f.len()
            )),
            0xFF if LOOP_IDS.iter().any(|id| f == *id) => {
                let rest: Vec<&[u8]> = b.subs[1..].iter().map(|r| &data[r.clone()]).collect();
                if !(rest.len() == 1 && rest[0].len() == 3 && rest[0][0] == 1) {
                    left.push(format!(
                        "loop extension at {at} with more than its loop sub-block: {rest:?}"
                    ));
                }
            }
            0xFF if allow.icc && f == ICC_ID => {}
            0xFF => left.push(format!(
                "application extension {:?} at {at} ({} bytes)",
                String::from_utf8_lossy(f),
                b.end - b.start
            )),
            0xFE => left.push(format!("comment extension at {at}")),
            0x01 => left.push(format!("plain-text extension at {at}")),
            other => left.push(format!("unknown extension 0x{other:02X} at {at}")),
        }
    });
    if w.after_trailer > 0 {
        left.push(format!("{} bytes after the trailer", w.after_trailer));
    }
    left
}
