//! The tests' own view of PNG (PNG 3rd edition § 5): builders and an independent re-walker.

use super::{crc32, is_allowed_exif, is_credit_xmp, rewalk, zlib_stored, Allow, Unit};

pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Ancillary chunks that carry how the image looks, and so stay (SPEC.md § PNG).
pub const KEPT_ANCILLARY: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"cICP", b"mDCV", b"mDCv", b"cLLI", b"cLLi", b"sBIT",
    b"bKGD", b"hIST", b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

/// `length type data crc`, with the correct length and CRC.
pub fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    chunk_with(kind, u32::try_from(body.len()).unwrap(), body, None)
}

/// A chunk with any declared length and, when given, any CRC: broken files on purpose.
pub fn chunk_with(kind: &[u8; 4], declared: u32, body: &[u8], crc: Option<u32>) -> Vec<u8> {
    let mut out = declared.to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out.extend_from_slice(&crc.unwrap_or_else(|| crc32(&[kind, body])).to_be_bytes());
    out
}

/// `keyword NUL text` (tEXt, Latin-1).
pub fn text(keyword: &[u8], text: &[u8]) -> Vec<u8> {
    chunk(b"tEXt", &[keyword, b"\0", text].concat())
}

/// `keyword NUL method zlib(text)` (zTXt), stored so the text stays readable in the file.
pub fn ztxt(keyword: &[u8], text: &[u8]) -> Vec<u8> {
    chunk(b"zTXt", &[keyword, b"\0\0", &zlib_stored(text)].concat())
}

/// `keyword NUL flag method language NUL translated NUL text` (iTXt), uncompressed.
pub fn itxt(keyword: &[u8], language: &[u8], translated: &[u8], text: &[u8]) -> Vec<u8> {
    chunk(
        b"iTXt",
        &[keyword, b"\0\0\0", language, b"\0", translated, b"\0", text].concat(),
    )
}

/// `name NUL method zlib(profile)` (iCCP), stored.
pub fn iccp(name: &[u8], profile: &[u8]) -> Vec<u8> {
    chunk(b"iCCP", &[name, b"\0\0", &zlib_stored(profile)].concat())
}

/// A tIME chunk.
pub fn time(year: u16, rest: [u8; 5]) -> Vec<u8> {
    chunk(b"tIME", &[&year.to_be_bytes()[..], &rest].concat())
}

/// Whether a chunk type is critical (bit 5 of its first byte clear, PNG § 5.4).
pub fn is_critical(kind: &[u8; 4]) -> bool {
    kind[0].is_ascii_uppercase()
}

/// One chunk of a walk, as offsets into the walked bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub kind: [u8; 4],
    pub start: usize,
    /// The data field.
    pub body: std::ops::Range<usize>,
    /// Just past the CRC.
    pub end: usize,
}

impl Chunk {
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// A whole walk: the chunks up to IEND, the bytes after it, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub chunks: Vec<Chunk>,
    /// Bytes after IEND.
    pub trailer: usize,
    pub saw_iend: bool,
    /// Why the walk stopped early, if it did.
    pub problem: Option<String>,
}

/// Walks `data` chunk by chunk. CRCs are not checked here.
pub fn walk(data: &[u8]) -> Walk {
    let mut w = Walk::default();
    if data.get(..8) != Some(&SIGNATURE[..]) {
        w.problem = Some("no PNG signature".into());
        return w;
    }
    let walked = rewalk::walk(Vec::new(), 8, |pos, chunks| {
        if pos >= data.len() {
            return Err("no IEND".into());
        }
        let head = data
            .get(pos..pos + 8)
            .ok_or_else(|| format!("chunk header at {pos} cut off"))?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind = [head[4], head[5], head[6], head[7]];
        if len > 0x7FFF_FFFF {
            return Err(format!("chunk at {pos} has length {len} over 2^31-1"));
        }
        let end = pos + 12 + len as usize;
        if end > data.len() {
            return Err(format!(
                "chunk {} at {pos} runs past the end",
                String::from_utf8_lossy(&kind)
            ));
        }
        chunks.push(Chunk {
            kind,
            start: pos,
            body: pos + 8..end - 4,
            end,
        });
        if &kind != b"IEND" {
            return Ok(Some(end));
        }
        w.saw_iend = true;
        w.trailer = data.len() - end;
        Ok(None)
    });
    w.chunks = walked.items;
    w.problem = walked.problem;
    w
}

/// Whether a chunk's stored CRC matches its type and data.
pub fn crc_ok(data: &[u8], c: &Chunk) -> bool {
    let stored = u32::from_be_bytes(data[c.end - 4..c.end].try_into().unwrap());
    stored == crc32(&[&c.kind, &data[c.body.clone()]])
}

/// IHDR's colour type and bit depth (0, 0 when there is no IHDR of 13 bytes).
fn format_of(data: &[u8], w: &Walk) -> (u8, u8) {
    match w.chunks.iter().find(|c| &c.kind == b"IHDR") {
        Some(c) if c.body.len() == 13 => (data[c.body.start + 9], data[c.body.start + 8]),
        _ => (0, 0),
    }
}

/// How libpng reads each chunk of a walk (PNG 3rd edition § 5.6 and § 11; libpng 1.6
/// `pngrutil.c`): for a kept ancillary chunk or PLTE, how many data bytes a decoder uses,
/// `None` when it skips the chunk (wrong length, out of place, a second copy). Critical
/// chunks other than PLTE read whole. Written from the specification, not from `src/`.
pub fn decoder_view(data: &[u8]) -> Vec<(Chunk, Option<usize>)> {
    let w = walk(data);
    let (colour, depth) = format_of(data, &w);
    let mut palette: Option<usize> = None;
    let mut after_idat = false;
    let mut seen: Vec<[u8; 4]> = Vec::new();
    let mut view = Vec::new();
    for c in w.chunks {
        let len = c.body.len();
        let read = match &c.kind {
            b"IDAT" => {
                after_idat = true;
                Some(len)
            }
            b"PLTE" => {
                let max = if colour == 3 { 3 << depth } else { 768 };
                let ok = palette.is_none() && !after_idat && len > 0 && len <= 768 && len % 3 == 0;
                if ok && colour != 0 && colour != 4 {
                    palette = Some(len.min(max) / 3);
                    Some(len.min(max))
                } else {
                    None
                }
            }
            k if KEPT_ANCILLARY.contains(&k) => {
                let once = !matches!(k, b"fcTL" | b"fdAT");
                let before_plte = matches!(
                    k,
                    b"cHRM"
                        | b"gAMA"
                        | b"sBIT"
                        | b"sRGB"
                        | b"cICP"
                        | b"mDCV"
                        | b"mDCv"
                        | b"cLLI"
                        | b"cLLi"
                );
                let placed = !(once && seen.contains(k))
                    && (k == b"fcTL" || k == b"fdAT" || !after_idat)
                    && !(before_plte && palette.is_some())
                    && !(matches!(k, b"tRNS" | b"bKGD") && colour == 3 && palette.is_none())
                    && !(k == b"hIST" && palette.is_none());
                let channels = [1, 0, 3, 3, 2, 0, 4][usize::from(colour.min(6))];
                let defined: Option<usize> = match k {
                    b"gAMA" | b"cICP" => Some(4),
                    b"cHRM" => Some(32),
                    b"sRGB" => Some(1),
                    b"pHYs" => Some(9),
                    b"cLLI" | b"cLLi" | b"acTL" => Some(8),
                    b"mDCV" | b"mDCv" => Some(24),
                    b"fcTL" => Some(26),
                    b"sBIT" => Some(channels),
                    b"bKGD" => Some(match colour {
                        3 => 1,
                        0 | 4 => 2,
                        _ => 6,
                    }),
                    b"hIST" => palette.map(|n| 2 * n),
                    _ => None,
                };
                let read = match k {
                    _ if !placed => None,
                    b"fdAT" => Some(len),
                    // Grey and truecolour tRNS: the first 2 or 6 bytes (image-png, Pillow).
                    b"tRNS" if colour == 0 || colour == 2 => {
                        let n = if colour == 0 { 2 } else { 6 };
                        (len >= n).then_some(n)
                    }
                    b"tRNS" if colour == 3 => {
                        (len >= 1 && len <= palette.unwrap_or(0)).then_some(len)
                    }
                    b"tRNS" => None,
                    _ => defined.filter(|&n| n == len),
                };
                if read.is_some() && once {
                    seen.push(*k);
                }
                read
            }
            _ => Some(len),
        };
        view.push((c, read));
    }
    view
}

/// The image-carrying units: every critical chunk and every kept ancillary chunk as a
/// decoder reads it ([`decoder_view`]: skipped ones left out, a cut one rebuilt from the
/// bytes read, IEND without data), byte for byte; with `allow.icc`, the first iCCP (PNG §
/// 11.3.3.3 allows one) by what follows its free-text name.
pub fn image_units(data: &[u8], allow: Allow) -> Result<Vec<Unit>, String> {
    let problem = walk(data).problem;
    let mut icc_seen = false;
    rewalk::image_units(&decoder_view(data), problem.as_deref(), |(c, read)| {
        let bytes = if &c.kind == b"IEND" {
            chunk(b"IEND", &[])
        } else if is_critical(&c.kind) || KEPT_ANCILLARY.contains(&&c.kind) {
            match read {
                None => return None,
                Some(n) if *n == c.body.len() => data[c.start..c.end].to_vec(),
                Some(n) => chunk(&c.kind, &data[c.body.start..c.body.start + n]),
            }
        } else if allow.icc && &c.kind == b"iCCP" && !std::mem::replace(&mut icc_seen, true) {
            let body = &data[c.body.clone()];
            body[body.iter().position(|&b| b == 0)?..].to_vec()
        } else {
            return None;
        };
        Some(Unit {
            kind: format!("{} chunk", c.name()),
            at: c.start,
            bytes,
        })
    })
}

/// Every metadata unit (and structural fault) left in a stripped output, one line each.
pub fn leftovers(data: &[u8], allow: Allow) -> Vec<String> {
    let w = walk(data);
    let mut icc_seen = 0;
    let mut left = rewalk::leftovers(
        &decoder_view(data),
        w.problem.as_deref(),
        |(c, read), left| {
            let body = &data[c.body.clone()];
            let known_critical = matches!(&c.kind, b"IHDR" | b"PLTE" | b"IDAT" | b"IEND")
                || (c.start == 8 && &c.kind == b"CgBI" && body.len() == 4);
            if is_critical(&c.kind) && !known_critical {
                left.push(format!(
                    "unknown critical chunk {} at {}",
                    c.name(),
                    c.start
                ));
                return;
            }
            if &c.kind == b"IEND" && !body.is_empty() {
                left.push(format!("IEND at {} holds {} bytes", c.start, body.len()));
            }
            if is_critical(&c.kind) || KEPT_ANCILLARY.contains(&&c.kind) {
                match read {
                    Some(n) if *n == body.len() => {}
                    Some(n) => left.push(format!(
                        "{} chunk at {} holds {} bytes past the {n} decoders read",
                        c.name(),
                        c.start,
                        body.len() - *n
                    )),
                    None => left.push(format!(
                        "{} chunk at {} ({} bytes) that decoders skip",
                        c.name(),
                        c.start,
                        body.len()
                    )),
                }
                return;
            }
            match &c.kind {
                b"iCCP" if allow.icc => {
                    icc_seen += 1;
                    if icc_seen > 1 {
                        left.push(format!("second iCCP chunk at {}", c.start));
                    } else if !body.starts_with(b"ICC profile\0") {
                        let name = body
                            .iter()
                            .take_while(|&&b| b != 0)
                            .take(40)
                            .map(|&b| b as char)
                            .collect::<String>();
                        left.push(format!("iCCP at {} keeps its name \"{name}\"", c.start));
                    }
                }
                b"eXIf" if is_allowed_exif(body, allow) => {}
                b"iTXt"
                    if allow.copyright
                        && body
                            .strip_prefix(b"XML:com.adobe.xmp\0\0\0\0\0".as_slice())
                            .is_some_and(is_credit_xmp) => {}
                b"tEXt" | b"iTXt" if allow.copyright && is_credit_text(&c.kind, body) => {}
                _ => left.push(format!(
                    "{} chunk at {} ({} bytes)",
                    c.name(),
                    c.start,
                    c.end - c.start
                )),
            }
        },
    );
    let first = |kind: &[u8; 4]| w.chunks.first().is_some_and(|c| &c.kind == kind);
    let cgbi = first(b"CgBI") && w.chunks.get(1).is_some_and(|c| &c.kind == b"IHDR");
    if !first(b"IHDR") && !cgbi {
        left.push("first chunk is not IHDR".into());
    }
    if w.trailer > 0 {
        left.push(format!("{} bytes after IEND", w.trailer));
    }
    left
}

/// Chunks of `output` whose CRC is wrong and that were not copied verbatim from `input`
/// (a chunk the library wrote itself must get a correct CRC-32).
pub fn bad_written_crcs(input: &[u8], output: &[u8]) -> Vec<String> {
    let w = walk(output);
    w.chunks
        .iter()
        .filter(|c| !crc_ok(output, c) && super::find(input, &output[c.start..c.end]).is_none())
        .map(|c| {
            format!(
                "{} chunk at {} was written with a wrong CRC",
                c.name(),
                c.start
            )
        })
        .collect()
}

/// A fresh credit text chunk as the library writes one: `Author` or `Copyright`, then (an
/// iTXt's empty flags, language tag and translated keyword) a text without NUL, not blank.
fn is_credit_text(kind: &[u8; 4], body: &[u8]) -> bool {
    let text = ["Author", "Copyright"].iter().find_map(|k| {
        let rest = body.strip_prefix(k.as_bytes())?;
        match kind {
            b"iTXt" => rest.strip_prefix(b"\0\0\0\0\0".as_slice()),
            _ => rest.strip_prefix(b"\0".as_slice()),
        }
    });
    text.is_some_and(|t| !t.contains(&0) && !t.iter().all(u8::is_ascii_whitespace))
}
