//! Metadata left in a stripped output: items, properties and `moov` boxes off the allow-list.

use super::super::Allow;
use super::boxes::{boxes, children, first, name, Bx, R};
use super::items::{
    is_icc_colr, is_image_item, item_data, kept_property, normalized, read_meta, Item, Meta,
    SELF_CONTAINED_DINF,
};
use super::units::handler;

/// Metadata left in a stripped output, one line each.
pub fn leftovers(data: &[u8], allow: Allow) -> Vec<String> {
    let mut left = Vec::new();
    let top = match boxes(data, 0, data.len()) {
        Ok(t) => t,
        Err(e) => return vec![format!("output does not walk: {e}")],
    };
    for b in &top {
        if !matches!(&b.kind, b"ftyp" | b"meta" | b"moov" | b"mdat" | b"mini") {
            left.push(format!("top-level {} box at {}", name(&b.kind), b.start));
        }
    }
    if let Some(m) = first(&top, b"meta") {
        match read_meta(data, &m) {
            Ok(meta) => {
                meta_leftovers(data, &meta, allow, &mut left);
                for item in meta.items.iter().filter(|i| &i.kind == b"jpeg") {
                    if let Ok(bytes) = item_data(data, &meta, item.id) {
                        for l in super::super::jpeg::leftovers(&bytes, allow) {
                            left.push(format!("in jpeg item {}: {l}", item.id));
                        }
                    }
                }
            }
            Err(e) => left.push(format!("meta does not walk: {e}")),
        }
    }
    if let Some(moov) = first(&top, b"moov") {
        if let Err(e) = moov_leftovers(data, &moov, allow, &mut left) {
            left.push(format!("moov does not walk: {e}"));
        }
    }
    if let Some(mini) = first(&top, b"mini") {
        let flags = data.get(mini.body + 1).copied().unwrap_or(0);
        if flags & 0x40 != 0 || flags & 0x20 != 0 {
            left.push("mini keeps its Exif or XMP flag".into());
        }
        if flags & 0x80 != 0 && !allow.icc {
            left.push("mini keeps its ICC flag".into());
        }
    }
    left
}

/// The content type of an XMP `mime` item, as the `infe` holds it.
const XMP_TYPE: &[u8] = b"application/rdf+xml\0";

/// Whether `item` is a metadata item a strip with `allow` writes: with `allow.copyright`, an
/// `Exif` item (offset 0, then the minimal credit TIFF) or an XMP item holding only the
/// credit, describing the primary; with `allow.gain_map`, an XMP item holding only Apple's
/// gain-map fields, describing an auxiliary image whose `auxC` names an Apple HDR gain map,
/// and, when the file has one, the primary's `Exif` item holding the maker-note headroom
/// (beside the credit with `allow.copyright`).
fn is_fresh_metadata_item(data: &[u8], meta: &Meta, item: &Item, allow: Allow) -> bool {
    let described: Vec<u32> = meta
        .refs
        .iter()
        .filter(|r| &r.0 == b"cdsc" && r.1 == item.id)
        .flat_map(|r| r.2.iter().copied())
        .collect();
    let Ok(bytes) = item_data(data, meta, item.id) else {
        return false;
    };
    let primary_only = !described.is_empty() && described.iter().all(|&d| Some(d) == meta.primary);
    match &item.kind {
        b"Exif" if (allow.copyright || allow.gain_map) && primary_only => {
            // Orientation stays in `irot`/`imir`: a HEIF's fresh EXIF never holds it.
            let allow = Allow {
                orientation: false,
                ..allow
            };
            bytes.get(..4) == Some(&[0, 0, 0, 0][..])
                && (super::super::is_allowed_exif(&bytes[4..], allow)
                    || (allow.gain_map
                        && has_apple_gain_map(meta)
                        && super::super::is_headroom_exif(&bytes[4..], allow)))
        }
        b"mime" if item.tail == XMP_TYPE => {
            let credit = allow.copyright && primary_only && super::super::is_credit_xmp(&bytes);
            let gain_map = allow.gain_map
                && described.len() == 1
                && is_apple_gain_map_item(meta, described[0])
                && super::super::jpeg::is_apple_gain_map_fields(&bytes, false);
            credit || gain_map
        }
        _ => false,
    }
}

/// Whether some item is an Apple HDR gain map ([`is_apple_gain_map_item`]).
fn has_apple_gain_map(meta: &Meta) -> bool {
    meta.assoc.iter().any(|a| is_apple_gain_map_item(meta, a.0))
}

/// Whether item `id` has an `auxC` property naming an Apple HDR gain map.
fn is_apple_gain_map_item(meta: &Meta, id: u32) -> bool {
    meta.assoc
        .iter()
        .filter(|a| a.0 == id)
        .flat_map(|a| a.1.iter())
        .filter_map(|&(_, index)| meta.props.get(usize::from(index).checked_sub(1)?))
        .any(|(_, raw)| {
            raw.get(4..8) == Some(b"auxC")
                && raw
                    .get(12..)
                    .is_some_and(|t| t.starts_with(b"urn:com:apple:photo:2020:aux:hdrgainmap\0"))
        })
}

fn meta_leftovers(data: &[u8], meta: &Meta, allow: Allow, left: &mut Vec<String>) {
    if meta.hdlr_name.iter().any(|&b| b != 0) {
        left.push(format!(
            "hdlr name {:?}",
            String::from_utf8_lossy(&meta.hdlr_name)
        ));
    }
    for kind in &meta.children {
        if !matches!(
            kind,
            b"hdlr" | b"pitm" | b"iinf" | b"iloc" | b"iref" | b"iprp" | b"idat" | b"dinf" | b"grpl"
        ) {
            left.push(format!("{} box in meta", name(kind)));
        }
    }
    if !meta.pitm.is_empty() && meta.pitm.len() != if meta.pitm[8] == 0 { 14 } else { 16 } {
        left.push(format!("pitm of {} bytes", meta.pitm.len()));
    }
    for dinf in &meta.dinf {
        if dinf != SELF_CONTAINED_DINF {
            left.push(format!(
                "dinf in meta is not the self-contained form: {dinf:02x?}"
            ));
        }
    }
    for g in &meta.groups {
        let n = g
            .get(16..20)
            .map_or(0, |c| u32::from_be_bytes(c.try_into().unwrap()));
        let defined = match g.get(4..8) {
            Some(b"altr" | b"ster") => 20 + 4 * n as usize,
            Some(b"pymd") => 24 + 10 * n as usize,
            _ => 0,
        };
        if g.len() != defined {
            let kind = String::from_utf8_lossy(&g[4..8]);
            left.push(format!("entity group {kind} of {} bytes", g.len()));
        }
    }
    for item in &meta.items {
        let fresh = is_fresh_metadata_item(data, meta, item, allow);
        if !is_image_item(item) && !fresh {
            left.push(format!("item {} of type {}", item.id, name(&item.kind)));
        }
        if !item.name.is_empty() {
            left.push(format!(
                "item {} named {:?}",
                item.id,
                String::from_utf8_lossy(&item.name)
            ));
        }
        let fresh_xmp_type = fresh && item.tail == XMP_TYPE;
        if !item.tail.is_empty() && !fresh_xmp_type {
            left.push(format!(
                "item {} has {} bytes after its name",
                item.id,
                item.tail.len()
            ));
        }
    }
    for (b, raw) in &meta.props {
        match kept_property(b, raw, allow) {
            None => left.push(format!("property {} at {}", name(&b.kind), b.start)),
            Some(n) if n.len() < raw.len() - (b.body - b.start - 8) => left.push(format!(
                "property {} at {} is longer than its definition",
                name(&b.kind),
                b.start
            )),
            Some(_) => {}
        }
    }
}

/// The boxes ISO/IEC 14496-12 needs in each container of an image sequence to decode and
/// present its samples (§ 8.2 to 8.7; `tref` types of ISO/IEC 23008-12 § 7 and 14496-15).
fn allowed_in(parent: &[u8; 4], kind: &[u8; 4]) -> bool {
    match parent {
        b"moov" => matches!(kind, b"mvhd" | b"trak"),
        b"trak" => matches!(kind, b"tkhd" | b"tref" | b"edts" | b"mdia"),
        b"edts" => kind == b"elst",
        b"mdia" => matches!(kind, b"mdhd" | b"hdlr" | b"minf"),
        b"minf" => matches!(kind, b"vmhd" | b"smhd" | b"dinf" | b"stbl"),
        b"stbl" => matches!(
            kind,
            b"stsd"
                | b"stts"
                | b"ctts"
                | b"cslg"
                | b"stsc"
                | b"stsz"
                | b"stz2"
                | b"stco"
                | b"co64"
                | b"stss"
        ),
        b"tref" => matches!(
            kind,
            b"auxl" | b"prem" | b"thmb" | b"tbas" | b"sbas" | b"scal" | b"vdep" | b"vplx"
        ),
        _ => false,
    }
}

/// Visual sample entries (ISO/IEC 14496-12 § 12.1.3) of the codings an image sequence uses,
/// and the boxes they may hold.
const VISUAL_ENTRIES: &[&[u8; 4]] = &[
    b"av01", b"hvc1", b"hev1", b"avc1", b"avc3", b"vvc1", b"vvi1", b"vp08", b"vp09", b"mp4v",
    b"jpeg", b"mjpg", b"uncv", b"j2ki",
];
const VISUAL_ENTRY_BOXES: &[&[u8; 4]] = &[
    b"av1C", b"hvcC", b"avcC", b"vvcC", b"lhvC", b"vpcC", b"esds", b"jpgC", b"uncC", b"cmpd",
    b"j2kH", b"colr", b"pasp", b"clap", b"btrt", b"ccst", b"auxi", b"clli", b"mdcv", b"cclv",
    b"amve", b"CoLL", b"SmDm",
];
/// Audio sample entries (§ 12.2.3) and their boxes.
const AUDIO_ENTRIES: &[&[u8; 4]] = &[b"mp4a", b"Opus", b"fLaC", b"ipcm", b"fpcm"];
const AUDIO_ENTRY_BOXES: &[&[u8; 4]] = &[
    b"esds", b"dOps", b"dfLa", b"pcmC", b"chnl", b"btrt", b"srat",
];

/// The sample entries of a track (none when it has no sample table).
fn sample_entries(data: &[u8], trak: &Bx) -> R<Vec<Bx>> {
    let mut at = *trak;
    for kind in [b"mdia", b"minf", b"stbl", b"stsd"] {
        match first(&children(data, &at, 0)?, kind) {
            Some(b) => at = b,
            None => return Ok(Vec::new()),
        }
    }
    children(data, &at, 8)
}

/// Whether a track's samples stay: visual tracks (handler `pict`, `vide`, `auxv`) and sound
/// tracks whose every entry is a known audio coding. Timed metadata and the rest go.
pub(super) fn kept_track(data: &[u8], trak: &Bx) -> R<bool> {
    Ok(match &handler(data, trak)? {
        b"pict" | b"vide" | b"auxv" => true,
        b"soun" => sample_entries(data, trak)?
            .iter()
            .all(|e| AUDIO_ENTRIES.contains(&&e.kind)),
        _ => false,
    })
}

/// The length a box of a track has by its definition (full-box header included), for those
/// whose length follows from their fields: § 8.2.2, 8.3.2, 8.4.2, 8.4.5, 8.6.1 to 8.7.5.
fn track_box_len(kind: &[u8; 4], body: &[u8]) -> Option<usize> {
    let v1 = body.first() == Some(&1);
    let n = || {
        body.get(4..8)
            .map(|c| u32::from_be_bytes(c.try_into().unwrap()) as usize)
    };
    Some(match kind {
        b"mvhd" => {
            if v1 {
                112
            } else {
                100
            }
        }
        b"tkhd" => {
            if v1 {
                96
            } else {
                84
            }
        }
        b"mdhd" => {
            if v1 {
                36
            } else {
                24
            }
        }
        b"vmhd" => 12,
        b"smhd" => 8,
        b"cslg" => {
            if v1 {
                44
            } else {
                24
            }
        }
        b"elst" => 8 + n()? * if v1 { 20 } else { 12 },
        b"stts" | b"ctts" => 8 + 8 * n()?,
        b"stss" | b"stco" => 8 + 4 * n()?,
        b"co64" => 8 + 8 * n()?,
        b"stsc" => 8 + 12 * n()?,
        b"stsz" => {
            let count = body
                .get(8..12)
                .map(|c| u32::from_be_bytes(c.try_into().unwrap()))?;
            12 + if n()? == 0 { 4 * count as usize } else { 0 }
        }
        _ => return None,
    })
}

fn moov_leftovers(data: &[u8], moov: &Bx, allow: Allow, left: &mut Vec<String>) -> R<()> {
    walk_track_boxes(data, moov, left)?;
    for b in children(data, moov, 0)? {
        if &b.kind != b"trak" {
            continue;
        }
        if !kept_track(data, &b)? {
            left.push(format!(
                "track of handler {} at {}",
                name(&handler(data, &b)?),
                b.start
            ));
        }
        let hdlr = first(&children(data, &b, 0)?, b"mdia")
            .map(|mdia| children(data, &mdia, 0))
            .transpose()?
            .and_then(|list| first(&list, b"hdlr"));
        if let Some(hdlr) = hdlr {
            if data[(hdlr.body + 24).min(hdlr.end)..hdlr.end]
                .iter()
                .any(|&c| c != 0)
            {
                left.push("track handler name".into());
            }
        }
        for entry in sample_entries(data, &b)? {
            let (fields, allowed) = if VISUAL_ENTRIES.contains(&&entry.kind) {
                (78, VISUAL_ENTRY_BOXES)
            } else if AUDIO_ENTRIES.contains(&&entry.kind) {
                (28, AUDIO_ENTRY_BOXES)
            } else {
                left.push(format!(
                    "sample entry {} at {}",
                    name(&entry.kind),
                    entry.start
                ));
                continue;
            };
            if entry.end - entry.body < fields {
                continue;
            }
            if fields == 78
                && data[entry.body + 42..entry.body + 74]
                    .iter()
                    .any(|&c| c != 0)
            {
                left.push("compressorname".into());
            }
            for c in boxes(data, entry.body + fields, entry.end).unwrap_or_default() {
                let raw = &data[c.start..c.end];
                if !allowed.contains(&&c.kind) {
                    left.push(format!("{} in sample entry at {}", name(&c.kind), c.start));
                } else if is_icc_colr(raw) && !allow.icc {
                    left.push("ICC colr in a sample entry".into());
                } else if &c.kind == b"colr" && !is_icc_colr(raw) && normalized(raw, 8) != raw {
                    left.push("colr in a sample entry that is not nclx of 11 bytes".into());
                }
            }
        }
    }
    Ok(())
}

/// Every box below `parent` (moov and the containers it holds): on the allow-list, no longer
/// than its definition, times zeroed, `dinf` in its self-contained form.
fn walk_track_boxes(data: &[u8], parent: &Bx, left: &mut Vec<String>) -> R<()> {
    for b in children(data, parent, 0)? {
        let at = format!("{} in {} at {}", name(&b.kind), name(&parent.kind), b.start);
        if &b.kind == b"hdlr" && &parent.kind != b"tref" {
            // A handler box outside `mdia` is kept by the library in its defined form (the
            // handler type, an empty name); the name is checked like any other.
            let name_at = (b.body + 24).min(b.end);
            if data[name_at..b.end].iter().any(|&c| c != 0) {
                left.push(format!("{at}: handler name"));
            }
            continue;
        }
        if !allowed_in(&parent.kind, &b.kind) {
            left.push(at);
            continue;
        }
        let body = &data[b.body..b.end];
        if let Some(n) = track_box_len(&b.kind, body) {
            if body.len() > n {
                left.push(format!(
                    "{at}: {} bytes past its definition",
                    body.len() - n
                ));
            }
        }
        if matches!(&b.kind, b"mvhd" | b"tkhd" | b"mdhd") {
            let times = if body.first() == Some(&1) {
                4..20
            } else {
                4..12
            };
            if body.get(times).is_some_and(|t| t.iter().any(|&c| c != 0)) {
                left.push(format!("{at}: creation or modification time"));
            }
        }
        match &b.kind {
            b"trak" if !kept_track(data, &b)? => {}
            b"trak" | b"edts" | b"mdia" | b"minf" | b"stbl" | b"tref" => {
                walk_track_boxes(data, &b, left)?;
            }
            b"dinf" if data[b.start..b.end] != *SELF_CONTAINED_DINF => {
                left.push(format!("{at}: not the self-contained form"));
            }
            _ => {}
        }
    }
    Ok(())
}
