//! The allow-lists (SPEC.md "Allow-list, everywhere"): which item types, item properties,
//! entity groups and image-sequence boxes stay, and how long a fixed-size unit is by its
//! definition (a longer one is cut to it). Pure policy over types and a few leading bytes;
//! nothing here writes output, so each table can be tested line by line.
//!
//! Section numbers: ISO/IEC 14496-12:2022 (ISOBMFF), ISO/IEC 23008-12:2022 (HEIF) and its
//! amendments, ISO/IEC 14496-15 (NAL-unit codec configurations), ISO/IEC 23001-17
//! (uncompressed images), AV1-ISOBMFF 1.3 and AVIF 1.2.

use super::boxes::Bmff;
use crate::options::Keep;
use crate::report::Kinds;

/// Image items, kept with every byte of their data. Coded images: `hvc1` (HEIF Annex B),
/// `hvt1` (HEVC tile items, Annex B), `lhv1` (layered HEVC, Annex F), `avc1` (Annex E),
/// `jpeg` (Annex H), `vvc1` (Annex L), `mski` (mask items, HEIF § 6.10), `j2k1` (ISO/IEC
/// 15444-16), `unci` (ISO/IEC 23001-17), `av01` (AVIF § 2.1). Derived images: `grid`,
/// `iovl`, `iden` (HEIF § 6.6.2), `tmap` (tone-map derived item, HEIF Amd 1; the gain map of
/// ISO 21496-1), `sato` (sample transform, AVIF 1.2 § 4.2.3). Every other item type goes.
pub(super) fn is_image_item(kind: &[u8; 4]) -> bool {
    matches!(
        kind,
        b"hvc1"
            | b"hvt1"
            | b"lhv1"
            | b"avc1"
            | b"jpeg"
            | b"vvc1"
            | b"mski"
            | b"j2k1"
            | b"unci"
            | b"av01"
            | b"grid"
            | b"iovl"
            | b"iden"
            | b"tmap"
            | b"sato"
    )
}

/// Reference types through which a kept item needs the target to be decoded: derivation
/// inputs (`dimg`, HEIF § 6.6.1), predictively coded images' references (`pred`, HEIF
/// § 6.6.3), tile and layer bases (`tbas`, `sbas`, ISO/IEC 14496-15). A kept item whose
/// target goes would decode to another picture, so the file is refused instead.
pub(super) fn is_decoding_reference(kind: &[u8; 4]) -> bool {
    matches!(kind, b"dimg" | b"pred" | b"tbas" | b"sbas")
}

/// What happens to an item property used by a kept item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PropVerdict {
    /// It describes the decoded picture and stays; `Some(n)`: only the first `n` bytes of its
    /// body (version and flags included) are its definition, and the rest is cut.
    Keep(Option<usize>),
    /// A known property that does not describe the picture, or an ICC profile not kept.
    Drop(Kinds),
    /// A type this list does not name. It goes; a kept item that marks it essential makes
    /// the file [`Error::Unsupported`](crate::error::Error::Unsupported).
    Unknown,
}

/// The policy for item properties (HEIF § 6.5 and the codec configurations). Kept:
/// `ispe`, `pasp`, `colr` (nclx; an ICC profile with `Keep::ICC`), `pixi`, `rloc`, `auxC`,
/// `clap`, `irot`, `lsel`, `imir`, `iscl`, `rref`; the HDR properties `clli`, `mdcv`,
/// `cclv`, `amve`, `reve`, `ndwt`; codec configurations `hvcC`, `lhvC`, `avcC`, `vvcC`
/// (14496-15), `av1C`, `a1op`, `a1lx` (AV1-ISOBMFF § 2.3, AVIF § 2.3), `jpgC` (Annex H),
/// `j2kH` (15444-16), `uncC`, `cmpd`, `cmpC`, `icef`, `cpat`, `cpal`, `splz`, `sbpm`,
/// `snuc`, `cloc` (23001-17), `mskC` (§ 6.10), `oinf`, `tols` (14496-15 layered HEVC).
/// Dropped by name: `udes`, `altt` (text), `crtt`, `mdft`, `itai`, `taic` (time), `cmin`,
/// `cmex` (camera intrinsics and pose), `elng`, `free`, `skip`. Anything else is unknown.
pub(super) fn property_verdict(prop: &Bmff<'_>, keep: Keep) -> PropVerdict {
    let body = prop.body.rest();
    let kept = || PropVerdict::Keep(cut_to(defined_property_len(&prop.kind, body), body));
    match &prop.kind {
        b"colr" => match body.get(..4) {
            Some(b"nclx") => kept(),
            Some(b"prof" | b"rICC") if keep.contains(Keep::ICC) => PropVerdict::Keep(None),
            Some(b"prof" | b"rICC") => PropVerdict::Drop(Kinds::ICC),
            _ => PropVerdict::Unknown,
        },
        b"ispe" | b"pasp" | b"pixi" | b"rloc" | b"auxC" | b"clap" | b"irot" | b"lsel" | b"imir"
        | b"iscl" | b"rref" | b"clli" | b"mdcv" | b"cclv" | b"amve" | b"reve" | b"ndwt"
        | b"hvcC" | b"lhvC" | b"avcC" | b"vvcC" | b"av1C" | b"a1op" | b"a1lx" | b"jpgC"
        | b"j2kH" | b"uncC" | b"cmpd" | b"cmpC" | b"icef" | b"cpat" | b"cpal" | b"splz"
        | b"sbpm" | b"snuc" | b"cloc" | b"mskC" | b"oinf" | b"tols" => kept(),
        b"udes" | b"altt" => PropVerdict::Drop(Kinds::TEXT),
        b"crtt" | b"mdft" | b"itai" | b"taic" => PropVerdict::Drop(Kinds::TIMESTAMP),
        b"cmin" | b"cmex" | b"elng" | b"free" | b"skip" => PropVerdict::Drop(Kinds::OTHER),
        _ => PropVerdict::Unknown,
    }
}

/// `Some(n)` when the definition `n` is shorter than the body.
fn cut_to(defined: Option<usize>, body: &[u8]) -> Option<usize> {
    defined.filter(|&n| n < body.len())
}

fn be32(body: &[u8], at: usize) -> Option<usize> {
    let bytes: [u8; 4] = body.get(at..)?.get(..4)?.try_into().ok()?;
    usize::try_from(u32::from_be_bytes(bytes)).ok()
}

/// The defined length of a fixed-size property body (version and flags included), for the
/// versions whose layout is known: `ispe`, `rloc`, `iscl` (12), `ndwt` (8), `pixi` (5 + one
/// byte per channel), `pasp`, `amve` (8), `irot`, `imir`, `a1op` (1), `clap` (32), `lsel`
/// (2), `clli` (4), `mdcv` (24), `a1lx` (1 + three 16- or 32-bit sizes), `cclv` (1 + the
/// fields its flags announce), nclx `colr` (11).
pub(super) fn defined_property_len(kind: &[u8; 4], body: &[u8]) -> Option<usize> {
    let version0 = body.first() == Some(&0);
    match kind {
        b"ispe" | b"rloc" | b"iscl" if version0 => Some(12),
        b"ndwt" if version0 => Some(8),
        b"pixi" if version0 => body.get(4).map(|&n| usize::from(n).saturating_add(5)),
        b"pasp" | b"amve" => Some(8),
        b"irot" | b"imir" | b"a1op" => Some(1),
        b"clap" => Some(32),
        b"lsel" => Some(2),
        b"clli" => Some(4),
        b"mdcv" => Some(24),
        b"a1lx" => body.first().map(|&f| if f & 1 == 1 { 13 } else { 7 }),
        b"cclv" => body.first().map(|&f| {
            let primaries = if f & 0x20 != 0 { 24 } else { 0 };
            let words = [0x10u8, 0x08, 0x04].iter().filter(|&&m| f & m != 0).count();
            words
                .saturating_mul(4)
                .saturating_add(primaries)
                .saturating_add(1)
        }),
        b"colr" if body.get(..4) == Some(b"nclx") => Some(11),
        _ => None,
    }
}

/// Entity groups that stay (ISO 14496-12 § 8.18.3, HEIF § 6.8): `altr` (alternatives),
/// `ster` (stereo pair) and `pymd` (image pyramid). Others (bursts, brackets, panoramas,
/// albums, favourites, slideshows, …) group pictures without changing any, and go.
/// `Some(extra)`: the group's fields after its entity ids, as `(fixed, per entity)` bytes.
pub(super) fn group_fields(kind: &[u8; 4]) -> Option<(usize, usize)> {
    match kind {
        b"altr" | b"ster" => Some((0, 0)),
        // tile_size_x, tile_size_y; per layer binning, rows-1, columns-1.
        b"pymd" => Some((4, 6)),
        _ => None,
    }
}

/// The canonical self-contained `dinf` (ISO 14496-12 § 8.7.1, 8.7.2): one `dref` holding
/// one `url ` entry with flags 1 ("the data is in this file") and no location string.
pub(super) const SELF_CONTAINED_DINF: [u8; 36] = [
    0, 0, 0, 36, b'd', b'i', b'n', b'f', 0, 0, 0, 28, b'd', b'r', b'e', b'f', 0, 0, 0, 0, 0, 0, 0,
    1, 0, 0, 0, 12, b'u', b'r', b'l', b' ', 0, 0, 0, 1,
];

/// Visual sample entries (ISO 14496-12 § 12.1.3) of the codings HEIF sequences use: AV1,
/// HEVC, AVC, VVC, VP8/9, MPEG-4 Visual, JPEG (`jpeg`, `mjpg`), uncompressed (`uncv`),
/// JPEG 2000 (`j2ki`).
pub(super) fn is_visual_entry(kind: &[u8; 4]) -> bool {
    matches!(
        kind,
        b"av01"
            | b"hvc1"
            | b"hev1"
            | b"avc1"
            | b"avc3"
            | b"vvc1"
            | b"vvi1"
            | b"vp08"
            | b"vp09"
            | b"mp4v"
            | b"jpeg"
            | b"mjpg"
            | b"uncv"
            | b"j2ki"
    )
}

/// Audio sample entries (§ 12.2.3) kept in a sound track: AAC/MPEG-4 audio, Opus, FLAC, PCM.
pub(super) fn is_audio_entry(kind: &[u8; 4]) -> bool {
    matches!(kind, b"mp4a" | b"Opus" | b"fLaC" | b"ipcm" | b"fpcm")
}

/// Boxes a visual sample entry may hold: its decoder configuration, the colour, aspect,
/// aperture, bit-rate and HDR boxes of § 12.1.4 to 12.1.6, HEIF's `ccst` and `auxi` (§ 7).
pub(super) fn is_visual_entry_box(kind: &[u8; 4]) -> bool {
    matches!(
        kind,
        b"av1C"
            | b"hvcC"
            | b"avcC"
            | b"vvcC"
            | b"lhvC"
            | b"vpcC"
            | b"esds"
            | b"jpgC"
            | b"uncC"
            | b"cmpd"
            | b"j2kH"
            | b"colr"
            | b"pasp"
            | b"clap"
            | b"btrt"
            | b"ccst"
            | b"auxi"
            | b"clli"
            | b"mdcv"
            | b"cclv"
            | b"amve"
            | b"CoLL"
            | b"SmDm"
    )
}

/// Boxes an audio sample entry may hold: its decoder configuration, channel layout, rate.
pub(super) fn is_audio_entry_box(kind: &[u8; 4]) -> bool {
    matches!(
        kind,
        b"esds" | b"dOps" | b"dfLa" | b"pcmC" | b"chnl" | b"btrt" | b"srat"
    )
}

/// Track reference types that stay (§ 8.3.3; HEIF § 7; 14496-15): auxiliary images,
/// premultiplied alpha, thumbnails, tile, layer and scalability bases, depth, parallax.
pub(super) fn is_track_reference(kind: &[u8; 4]) -> bool {
    matches!(
        kind,
        b"auxl" | b"prem" | b"thmb" | b"tbas" | b"sbas" | b"scal" | b"vdep" | b"vplx"
    )
}

/// The defined length of a box of a track, version and flags included, where its fields fix
/// it: `mvhd`, `tkhd`, `mdhd`, `vmhd`, `smhd`, `cslg` (§ 8.2.2, 8.3.2, 8.4.2, 8.4.5,
/// 8.6.1.4) and the tables `elst`, `stts`, `ctts`, `stss`, `stsc`, `stsz`, `stz2` (§ 8.6.6,
/// 8.6.1.2, 8.6.1.3, 8.6.2, 8.7.4, 8.7.3) by their entry counts. Version 1 where it
/// exists, version 0 otherwise.
pub(super) fn defined_track_box_len(kind: &[u8; 4], body: &[u8]) -> Option<usize> {
    let v1 = body.first() == Some(&1);
    let count = || be32(body, 4);
    let table = |entry: usize| count()?.checked_mul(entry)?.checked_add(8);
    match kind {
        b"mvhd" => Some(if v1 { 112 } else { 100 }),
        b"tkhd" => Some(if v1 { 96 } else { 84 }),
        b"mdhd" => Some(if v1 { 36 } else { 24 }),
        b"vmhd" => Some(12),
        b"smhd" => Some(8),
        b"cslg" => Some(if v1 { 44 } else { 24 }),
        b"elst" => table(if v1 { 20 } else { 12 }),
        b"stts" | b"ctts" => table(8),
        b"stss" => table(4),
        b"stsc" => table(12),
        b"stsz" => {
            let samples = be32(body, 8)?;
            let table = if count()? == 0 {
                samples.checked_mul(4)?
            } else {
                0
            };
            table.checked_add(12)
        }
        b"stz2" => {
            let bits = usize::from(*body.get(7)?);
            be32(body, 8)?
                .checked_mul(bits)?
                .div_ceil(8)
                .checked_add(12)
        }
        _ => None,
    }
}
