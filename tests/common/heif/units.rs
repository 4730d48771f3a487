//! The units a stripped file must keep: image items and the samples of every kept track.

use super::super::{Allow, Unit};
use super::boxes::{boxes, children, first, get, idx, name, uint, Bx, R};
use super::items::{is_image_item, item_data, kept_property, read_meta};
use super::leftovers::kept_track;

/// The units a stripped file must keep: every image item's type, data, properties and
/// references, the primary item, and every sample of every track but timed metadata.
pub fn image_units(data: &[u8], allow: Allow) -> R<Vec<Unit>> {
    let top = boxes(data, 0, data.len()).or_else(|_| lenient_top(data))?;
    let mut units = Vec::new();
    if let Some(mini) = first(&top, b"mini") {
        units.push(Unit {
            kind: "mini main item data".into(),
            at: mini.start,
            bytes: mini_main_data(data, &mini)?,
        });
    }
    if let Some(m) = first(&top, b"meta") {
        let meta = read_meta(data, &m)?;
        let kept = |id: u32| meta.items.iter().any(|i| i.id == id && is_image_item(i));
        units.push(Unit {
            kind: "primary item".into(),
            at: m.start,
            bytes: meta.primary.unwrap_or(0).to_be_bytes().to_vec(),
        });
        for item in meta.items.iter().filter(|i| is_image_item(i)) {
            let kind = name(&item.kind);
            let bytes = item_data(data, &meta, item.id)?;
            // A JPEG-coded item is a whole JPEG: its own metadata goes, its image units stay.
            let jpeg = (&item.kind == b"jpeg")
                .then(|| super::super::jpeg::image_units(&bytes, allow).ok())
                .flatten();
            match jpeg {
                Some(inner) => units.extend(inner.into_iter().map(|u| Unit {
                    kind: format!("item {} (jpeg) {}", item.id, u.kind),
                    ..u
                })),
                None => units.push(Unit {
                    kind: format!("item {} ({kind}) data", item.id),
                    at: m.start,
                    bytes,
                }),
            }
            for (item_id, list) in meta.assoc.iter().filter(|a| a.0 == item.id) {
                for &(essential, index) in list {
                    let Some((b, raw)) = usize::from(index)
                        .checked_sub(1)
                        .and_then(|i| meta.props.get(i))
                    else {
                        continue;
                    };
                    let Some(mut bytes) = kept_property(b, raw, allow) else {
                        continue;
                    };
                    bytes.push(u8::from(essential));
                    units.push(Unit {
                        kind: format!("item {item_id} property {}", name(&b.kind)),
                        at: b.start,
                        bytes,
                    });
                }
            }
        }
        for (kind, from, to) in &meta.refs {
            let to: Vec<u32> = to.iter().copied().filter(|&t| kept(t)).collect();
            if kept(*from) && !to.is_empty() {
                let bytes = [
                    &kind[..],
                    &from.to_be_bytes(),
                    &to.iter().flat_map(|t| t.to_be_bytes()).collect::<Vec<_>>(),
                ]
                .concat();
                units.push(Unit {
                    kind: format!("iref {}", name(kind)),
                    at: m.start,
                    bytes,
                });
            }
        }
    }
    if let Some(moov) = first(&top, b"moov") {
        for (t, trak) in children(data, &moov, 0)?
            .iter()
            .filter(|b| &b.kind == b"trak")
            .enumerate()
        {
            if !kept_track(data, trak)? {
                continue;
            }
            for (s, bytes) in samples(data, trak)?.into_iter().enumerate() {
                units.push(Unit {
                    kind: format!("track {t} sample {s}"),
                    at: trak.start,
                    bytes,
                });
            }
        }
    }
    Ok(units)
}

/// The top level up to the first box that does not fit (a cut `mdat` or a trailer).
fn lenient_top(data: &[u8]) -> R<Vec<Bx>> {
    let mut v = Vec::new();
    let mut at = 0;
    while at + 8 <= data.len() {
        match boxes(data, at, data.len()).or_else(|_| {
            let size = idx(uint(data, at, 4)?)?;
            boxes(data, at, (at + size).min(data.len()))
        }) {
            Ok(list) if !list.is_empty() => {
                let b = list[0];
                v.push(b);
                at = b.end;
            }
            _ => break,
        }
    }
    Ok(v)
}

/// The handler type of a track; `????` when it has none (such a track cannot be decoded).
pub(super) fn handler(data: &[u8], trak: &Bx) -> R<[u8; 4]> {
    let Some(mdia) = first(&children(data, trak, 0)?, b"mdia") else {
        return Ok(*b"????");
    };
    let Some(hdlr) = first(&children(data, &mdia, 0)?, b"hdlr") else {
        return Ok(*b"????");
    };
    Ok(get(data, hdlr.body + 8, 4)?.try_into().unwrap())
}

/// Every sample of a track, through stsc, stsz and stco/co64.
fn samples(data: &[u8], trak: &Bx) -> R<Vec<Vec<u8>>> {
    let mut stbl = *trak;
    for kind in [b"mdia", b"minf", b"stbl"] {
        match first(&children(data, &stbl, 0)?, kind) {
            Some(b) => stbl = b,
            None => return Ok(Vec::new()),
        }
    }
    let list = children(data, &stbl, 0)?;
    let (offsets, width) = match (first(&list, b"stco"), first(&list, b"co64")) {
        (Some(b), _) => (b, 4),
        (_, Some(b)) => (b, 8),
        _ => return Ok(Vec::new()),
    };
    let stsc = first(&list, b"stsc").ok_or("no stsc")?;
    let stsz = first(&list, b"stsz").ok_or("no stsz (stz2 is not used in the corpus)")?;
    let constant = uint(data, stsz.body + 4, 4)?;
    let count = idx(uint(data, stsz.body + 8, 4)?)?;
    let size = |i: usize| {
        if constant != 0 {
            Ok(constant)
        } else {
            uint(data, stsz.body + 12 + 4 * i, 4)
        }
    };
    let runs = idx(uint(data, stsc.body + 4, 4)?)?;
    let chunks = idx(uint(data, offsets.body + 4, 4)?)?;
    let mut out = Vec::new();
    let mut sample = 0;
    for c in 0..chunks {
        let mut per = 0;
        for r in 0..runs {
            if uint(data, stsc.body + 8 + 12 * r, 4)? <= c as u64 + 1 {
                per = idx(uint(data, stsc.body + 12 + 12 * r, 4)?)?;
            }
        }
        let mut at = idx(uint(data, offsets.body + 8 + width * c, width)?)?;
        for _ in 0..per {
            if sample >= count {
                return Err("chunks hold more samples than stsz".into());
            }
            let len = idx(size(sample)?)?;
            out.push(get(data, at, len)?.to_vec());
            at += len;
            sample += 1;
        }
    }
    Ok(out)
}

/// The main item data of a `mini` box without HDR (ISO 23008-12 Amd 2): the last bytes
/// before the Exif and XMP chunks.
fn mini_main_data(data: &[u8], mini: &Bx) -> R<Vec<u8>> {
    let body = &data[mini.body..mini.end];
    let mut pos = 0usize;
    let mut read = |n: usize| -> R<u64> {
        let mut v = 0;
        for _ in 0..n {
            let byte = body.get(pos / 8).ok_or("mini header past the end")?;
            v = v << 1 | u64::from(byte >> (7 - pos % 8) & 1);
            pos += 1;
        }
        Ok(v)
    };
    read(2)?;
    let f: Vec<u64> = (0..9).map(|_| read(1)).collect::<R<_>>()?;
    let (codec_types, float, alpha, cicp, hdr, icc, exif, xmp) =
        (f[0], f[1], f[3], f[4], f[5], f[6], f[7], f[8]);
    if hdr == 1 || alpha == 1 {
        return Err("the test walker reads mini boxes without HDR or alpha only".into());
    }
    let chroma = read(2)?;
    read(3)?;
    let dims = if read(1)? == 1 { 15 } else { 7 };
    read(2 * dims)?;
    if chroma == 1 || chroma == 2 {
        read(1)?;
    }
    if chroma == 1 {
        read(1)?;
    }
    if float == 1 {
        read(2)?;
    } else if read(1)? == 1 {
        read(3)?;
    }
    if cicp == 1 {
        read(if chroma != 0 { 24 } else { 16 })?;
    }
    if codec_types == 1 {
        read(64)?;
    }
    let large_meta = if icc + exif + xmp > 0 { read(1)? } else { 0 };
    let (large_cfg, large_item) = (read(1)?, read(1)?);
    let mbits = if large_meta == 1 { 20 } else { 10 };
    let icc_size = if icc == 1 { read(mbits)? + 1 } else { 0 };
    let cfg = read(if large_cfg == 1 { 12 } else { 3 })?;
    let main = read(if large_item == 1 { 28 } else { 15 })? + 1;
    if exif + xmp > 0 {
        read(1 + mbits * usize::try_from(exif + xmp).unwrap())?;
    }
    let start = pos.div_ceil(8) + idx(cfg)? + idx(icc_size)?;
    Ok(get(body, start, idx(main)?)?.to_vec())
}
