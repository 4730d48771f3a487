//! Ultra HDR (Android "Ultra HDR image format" v1.0) and ISO 21496-1 gain maps in JPEG, for
//! `Keep::GAIN_MAP`: finding the gain-map image a primary declares, and writing the fresh
//! segments that point the output's primary at the output's gain map. A leaf of the JPEG
//! walker, which strips both images.
//!
//! The layout read and written: the primary carries an MPF APP2 (CIPA DC-007: `MPF\0`, a
//! TIFF header, the MP Index IFD whose MP Entries give each image's size and its offset from
//! that TIFF header), XMP with `hdrgm:Version` and a GContainer directory, and may carry a
//! version-only ISO 21496-1 APP2; the gain map, a whole JPEG after the primary's EOI, carries
//! its `hdrgm:` XMP fields and/or its ISO 21496-1 APP2 metadata. An Apple HDR JPEG's primary
//! carries the MPF and the headroom in its EXIF's Apple maker note, and its gain map the
//! Apple XMP of [`super::apple`].

use byteorder::{BigEndian, ByteOrder, LittleEndian};

use super::apple;
use super::entropy::entropy_len;
use super::hdrgm::{self, Directory, Fields, XMP_SIG};
use super::segment::{next_marker, read_segment, write_segment, APP1, APP2, EOI, SOI, SOS, TEM};
use crate::exif::{AppleHeadroom, Ifd0, Tiff};
use crate::format::Format;
use crate::options::Keep;
use crate::out;
use crate::reader::Reader;
use crate::sink::Sink;

/// The signature of an MPF APP2 (CIPA DC-007 § 5.2).
pub(super) const MPF_SIG: &[u8] = b"MPF\0";
/// The signature of an ISO 21496-1 gain-map metadata APP2.
pub(super) const ISO_SIG: &[u8] = b"urn:iso:std:iso:ts:21496:-1\0";
/// Extended XMP APP1 (XMP Specification Part 3, § 1.1.3.1).
const XMP_EXT_SIG: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// The MPF APP2 body written: `MPF\0`, then a big-endian TIFF header (8), an IFD of three
/// entries (2 + 36 + 4: MPFVersion, NumberOfImages, MPEntry) and two 16-byte MP Entries.
const MPF_LEN: usize = 4 + 8 + 2 + 36 + 4 + 32;
/// Where the MP Entries start, from the TIFF header.
const MP_ENTRIES: u32 = 8 + 2 + 36 + 4;
/// MP Entry attribute of a baseline primary JPEG (CIPA DC-007 § 5.2.3.3.1: type 0x030000,
/// image data format 0 = JPEG); the gain map's is 0 (JPEG, undefined type), as libultrahdr
/// writes them.
const PRIMARY_ATTRIBUTE: u32 = 0x0003_0000;

/// A primary image's declared gain map, checked and ready to keep.
#[derive(Debug, Clone, Copy)]
pub(super) struct GainMap<'a> {
    /// The gain-map JPEG in the input: where its MP Entry says, for the size it gives.
    pub(super) image: &'a [u8],
    /// Where `image` starts in the input.
    pub(super) at: usize,
    /// Its `hdrgm:` fields, when its XMP has them: then it gets a fresh XMP.
    fields: Option<Fields<'a>>,
    /// Whether the primary gets a fresh XMP: when the gain map has `hdrgm:` fields and the
    /// primary declared it in XMP, or the gain map has no ISO 21496-1 APP2 (a primary that
    /// declared it only by ISO 21496-1, with a gain map that has one, gets none).
    primary_xmp: bool,
    /// Whether that XMP holds a GContainer directory: when the input's did. (An Adobe-style
    /// primary declares its gain map by `hdrgm:Version` alone; adding a directory it did not
    /// have could make the fresh XMP longer than the one it replaces.)
    directory: bool,
    /// `hdrgm:Version` for the primary's XMP.
    version: &'a [u8],
    /// The primary's ISO 21496-1 APP2 body, kept when the gain map has one too.
    primary_iso: Option<&'a [u8]>,
    /// The gain map's ISO 21496-1 APP2 body.
    gain_map_iso: Option<&'a [u8]>,
    /// The fields of an Apple gain map's XMP: then it gets a fresh Apple XMP, and the
    /// primary only the MPF.
    apple: Option<apple::Fields<'a>>,
    /// For an Apple gain map whose primary's first EXIF has the headroom in its maker note:
    /// the primary's fresh EXIF, the headroom beside the IFD0 fields the keep flags keep,
    /// written where that EXIF stood.
    primary_exif: Option<Ifd0<'a>>,
    /// Bytes of the input's XMP and MPF segments (both images), and of the primary's first
    /// EXIF when `primary_exif` replaces it: what the fresh segments replace.
    replaced: usize,
    /// The stripped gain map's length, once measured ([`GainMap::measured`]).
    out_len: usize,
}

/// What a walk over one JPEG image finds of the segments a gain map concerns.
#[derive(Debug, Default)]
struct Headers<'a> {
    /// The first standard XMP packet, without its signature.
    xmp: Option<&'a [u8]>,
    /// The first MPF: where its TIFF header starts in the walked bytes, and the TIFF bytes.
    mpf: Option<(usize, &'a [u8])>,
    /// The first ISO 21496-1 APP2 body (signature included) whose metadata is well formed.
    iso: Option<&'a [u8]>,
    /// The first Exif APP1: its TIFF blob and the whole segment's length.
    exif: Option<(&'a [u8], usize)>,
    /// Bytes of the XMP (standard and extended) and MPF segments.
    replaced: usize,
    /// Just past the EOI.
    end: usize,
}

/// The gain map `input`'s primary image declares, or `None` when there is none to keep
/// (the caller then strips as without `Keep::GAIN_MAP`). A gain map is declared by an MPF
/// index with a second image plus `hdrgm:Version` or a GContainer `GainMap` item in the
/// primary's XMP, or an ISO 21496-1 APP2 in the primary; or, by Apple, by the MPF alone, the
/// second image's own XMP naming it an HDR gain map ([`apple::Fields::read`]). It is kept
/// only when every description agrees: the second MP Entry is a JPEG lying after the
/// primary's EOI and inside the input, a GContainer length equals its MP Entry size, and the
/// image carries gain-map metadata (`hdrgm:` XMP fields, ISO 21496-1 or Apple's XMP fields)
/// that can be copied as plain numbers. `keep` says which IFD0 fields an Apple primary's
/// fresh EXIF holds beside the headroom.
pub(super) fn find(input: &[u8], keep: Keep) -> Option<GainMap<'_>> {
    let primary = scan(input)?;
    let (tiff_at, tiff) = primary.mpf?;
    let (offset, size) = second_image(tiff)?;
    let start = tiff_at.checked_add(offset)?;
    let image = input.get(start..start.checked_add(size)?)?;
    if start < primary.end || !image.starts_with(&[0xFF, SOI]) {
        return None;
    }
    let own = scan(image)?;
    let xmp = primary.xmp.unwrap_or_default();
    let version = hdrgm::primary_version(xmp);
    let directory = hdrgm::directory(xmp);
    let replaced = primary.replaced.saturating_add(own.replaced);
    // An Apple gain map is declared by the MPF alone and described by its own XMP; a primary
    // that also declares an Ultra HDR or ISO 21496-1 gain map is read as that.
    if version.is_none() && directory == Directory::None && primary.iso.is_none() {
        let apple = own.xmp.and_then(apple::Fields::read)?;
        let exif = primary
            .exif
            .and_then(|(tiff, len)| Some((headroom_exif(tiff, keep)?, len)));
        let replaced = exif.map_or(Some(replaced), |(_, len)| replaced.checked_add(len))?;
        return Some(GainMap {
            image,
            at: start,
            fields: None,
            primary_xmp: false,
            directory: false,
            version: b"",
            primary_iso: None,
            gain_map_iso: None,
            apple: Some(apple),
            primary_exif: exif.map(|(fresh, _)| fresh),
            replaced,
            out_len: 0,
        });
    }
    match directory {
        Directory::Broken => return None,
        Directory::GainMap(Some(len)) if u64::try_from(size).ok() != Some(len) => return None,
        _ => {}
    }
    let fields = own.xmp.and_then(Fields::read);
    // The gain map's ISO APP2 must hold the metadata, not only the versions a primary has.
    let gain_map_iso = own
        .iso
        .filter(|iso| iso.len() > ISO_SIG.len().saturating_add(4));
    let declared_in_xmp = version.is_some() || directory != Directory::None;
    // [`Fields::read`] requires a version, so there is one whenever an XMP is written.
    let version = version
        .or_else(|| fields.as_ref().and_then(Fields::version))
        .unwrap_or_default();
    if fields.is_none() && gain_map_iso.is_none() {
        return None;
    }
    Some(GainMap {
        image,
        at: start,
        // Without the ISO APP2 pair, only an XMP can declare the gain map.
        primary_xmp: fields.is_some() && (declared_in_xmp || gain_map_iso.is_none()),
        directory: matches!(directory, Directory::GainMap(_)),
        fields,
        version,
        primary_iso: primary.iso.filter(|_| gain_map_iso.is_some()),
        gain_map_iso,
        apple: None,
        primary_exif: None,
        replaced,
        out_len: 0,
    })
}

/// An Apple primary's fresh EXIF: the headroom of the maker note in the TIFF blob `tiff`
/// and the IFD0 fields `keep` keeps, read as [`super::write_exif`] reads them; `None` when
/// the note has no headroom (then the EXIF is stripped as without a gain map).
fn headroom_exif(tiff: &[u8], keep: Keep) -> Option<Ifd0<'_>> {
    let apple = AppleHeadroom::read(tiff)?;
    let ifd0 = Ifd0::read(
        tiff,
        keep.contains(Keep::ORIENTATION),
        keep.contains(Keep::COPYRIGHT),
    );
    Some(Ifd0 {
        apple: Some(apple),
        ..ifd0
    })
}

impl GainMap<'_> {
    /// This gain map, its stripped length being `out_len`, when the fresh segments are no
    /// longer than the input's XMP, MPF (and replaced EXIF) segments: so keeping a gain map never
    /// makes an output longer than stripping without it would allow
    /// ([`max_output_len`](crate::max_output_len)).
    pub(super) fn measured(mut self, out_len: usize) -> Option<Self> {
        self.out_len = out_len;
        let written = [
            self.primary_exif_len(),
            self.primary_xmp_len(),
            Some(MPF_LEN),
            self.gain_map_xmp_len(),
        ]
        .into_iter()
        .try_fold(0usize, |sum, len| sum.checked_add(segment_len(len?)?))?;
        (written <= self.replaced).then_some(self)
    }

    /// The primary's fresh EXIF APP1 (body), when it carries an Apple headroom.
    pub(super) fn primary_exif(&self) -> Option<Tiff> {
        self.primary_exif.as_ref().and_then(Ifd0::tiff)
    }

    fn primary_exif_len(&self) -> Option<usize> {
        match &self.primary_exif {
            None => Some(0),
            Some(_) => Some(self.primary_exif()?.with_exif_header().len()),
        }
    }

    fn primary_xmp_len(&self) -> Option<usize> {
        if !self.primary_xmp {
            return Some(0);
        }
        Some(hdrgm::measure(|s| {
            hdrgm::write_primary_xmp(self.version, self.directory_len(), s);
        }))
    }

    /// The gain map's length for the GContainer directory, when there is one.
    fn directory_len(&self) -> Option<usize> {
        self.directory.then_some(self.out_len)
    }

    fn gain_map_xmp_len(&self) -> Option<usize> {
        if let Some(fields) = &self.apple {
            return Some(hdrgm::measure(|s| apple::write_xmp(fields, s)));
        }
        match &self.fields {
            None => Some(0),
            Some(fields) => Some(hdrgm::measure(|s| hdrgm::write_gain_map_xmp(fields, s))),
        }
    }

    /// Writes the primary's fresh XMP, its ISO 21496-1 APP2 and a new MPF, and returns where
    /// the MPF's TIFF header is in `out` (its MP Entries are completed by
    /// [`GainMap::patch_mpf`] once the primary's length is known).
    pub(super) fn write_primary_segments(&self, out: &mut impl Sink) -> usize {
        if self.primary_xmp {
            if let Some(len) = self.primary_xmp_len() {
                write_header(APP1, len, out);
                hdrgm::write_primary_xmp(self.version, self.directory_len(), out);
            }
        }
        if let Some(iso) = self.primary_iso {
            write_segment(APP2, iso, out);
        }
        write_header(APP2, MPF_LEN, out);
        out.extend_from_slice(MPF_SIG);
        let tiff_at = out.len();
        self.write_mpf_tiff(out);
        tiff_at
    }

    /// The MPF's TIFF part, with the primary's size and the gain map's offset left 0.
    fn write_mpf_tiff(&self, out: &mut impl Sink) {
        out.extend_from_slice(b"MM\0\x2A\0\0\0\x08");
        out.extend_from_slice(&3u16.to_be_bytes());
        // MPFVersion "0100", NumberOfImages 2, MPEntry: 32 bytes at MP_ENTRIES.
        let ifd: [(u16, u16, u32, u32); 3] = [
            (0xB000, 7, 4, u32::from_be_bytes(*b"0100")),
            (0xB001, 4, 1, 2),
            (0xB002, 7, 32, MP_ENTRIES),
        ];
        for (tag, kind, count, value) in ifd {
            out.extend_from_slice(&tag.to_be_bytes());
            out.extend_from_slice(&kind.to_be_bytes());
            out.extend_from_slice(&count.to_be_bytes());
            out.extend_from_slice(&value.to_be_bytes());
        }
        out.zeros(4); // no MP Attribute IFD
        let gain_map_len = u32::try_from(self.out_len).unwrap_or(0);
        for (attribute, size) in [(PRIMARY_ATTRIBUTE, 0), (0, gain_map_len)] {
            out.extend_from_slice(&attribute.to_be_bytes());
            out.extend_from_slice(&size.to_be_bytes());
            out.zeros(8); // offset (patched for the gain map), two dependent-image entries
        }
    }

    /// Fills in the MP Entries of the MPF written at `tiff_at`, the primary having been
    /// written from `start` to the end of `out`, where the gain map goes next. `false` when
    /// a value does not fit in 32 bits (the output is then over 4 GiB, which the input limits
    /// rule out) or `out` does not hold the MPF (a slice too small, already an error).
    #[must_use]
    pub(super) fn patch_mpf(&self, start: usize, tiff_at: usize, out: &mut impl Sink) -> bool {
        let end = out.len();
        let entries = usize::try_from(MP_ENTRIES)
            .ok()
            .and_then(|e| tiff_at.checked_add(e));
        let (Some(entries), Some(primary), Some(offset)) =
            (entries, end.checked_sub(start), end.checked_sub(tiff_at))
        else {
            return false;
        };
        let fields = [(4, primary), (16 + 8, offset)];
        fields.iter().all(|&(at, value)| {
            let value = u64::try_from(value).unwrap_or(u64::MAX);
            entries
                .checked_add(at)
                .is_some_and(|at| out::patch_uint(out, at, value, 4))
        })
    }

    /// Writes the gain map's fresh XMP and its ISO 21496-1 APP2, before its frame header.
    pub(super) fn write_gain_map_segments(&self, out: &mut impl Sink) {
        if let (Some(fields), Some(len)) = (&self.apple, self.gain_map_xmp_len()) {
            write_header(APP1, len, out);
            apple::write_xmp(fields, out);
        }
        if let (Some(fields), Some(len)) = (&self.fields, self.gain_map_xmp_len()) {
            write_header(APP1, len, out);
            hdrgm::write_gain_map_xmp(fields, out);
        }
        if let Some(iso) = self.gain_map_iso {
            write_segment(APP2, iso, out);
        }
    }
}

/// The longest segment body: its length field counts itself too.
const MAX_BODY: usize = 65533;

/// The length of a segment with a body of `body` bytes, `None` when it cannot be one.
fn segment_len(body: usize) -> Option<usize> {
    if body == 0 {
        return Some(0);
    }
    (body <= MAX_BODY).then(|| body.saturating_add(4))
}

/// Writes `FF marker length` for a body of `body` bytes that follows.
fn write_header(marker: u8, body: usize, out: &mut impl Sink) {
    let len = u16::try_from(body.saturating_add(2)).unwrap_or(u16::MAX);
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
}

/// Walks one JPEG image from its SOI to its EOI by the main walk's marker rules, noting the
/// segments a gain map concerns. `None` when the image does not reach an EOI.
fn scan(data: &[u8]) -> Option<Headers<'_>> {
    let mut r = Reader::new(data, Format::Jpeg);
    if r.bytes(2).ok()? != [0xFF, SOI] {
        return None;
    }
    let mut headers = Headers::default();
    while let Some(found) = next_marker(&mut r) {
        match found.marker {
            EOI => {
                headers.end = r.pos();
                return Some(headers);
            }
            SOI => return None,
            0xD0..=0xD7 | TEM => {}
            marker => {
                let seg = read_segment(&mut r, marker, found.offset).ok()?;
                headers.note(marker, seg.body, seg.raw.len(), found.offset);
                if marker == SOS {
                    r.skip(entropy_len(r.rest())).ok()?;
                }
            }
        }
    }
    None
}

impl<'a> Headers<'a> {
    fn note(&mut self, marker: u8, body: &'a [u8], raw_len: usize, offset: usize) {
        let replaced = match marker {
            APP1 if body.starts_with(XMP_SIG) => {
                self.xmp = self.xmp.or(body.get(XMP_SIG.len()..));
                true
            }
            // As the walker tells an EXIF, whose TIFF follows `Exif\0` and a pad byte.
            APP1 if body.starts_with(b"Exif\0") => {
                if self.exif.is_none() {
                    self.exif = Some((body.get(6..).unwrap_or_default(), raw_len));
                }
                false
            }
            APP1 => body.starts_with(XMP_EXT_SIG),
            APP2 if body.starts_with(MPF_SIG) => {
                // The TIFF header follows the signature, after `FF E2`, the length and `MPF\0`.
                let at = offset.checked_add(8);
                let tiff = body.get(MPF_SIG.len()..);
                if self.mpf.is_none() {
                    self.mpf = at.zip(tiff);
                }
                true
            }
            APP2 if body.starts_with(ISO_SIG) => {
                let metadata = body.get(ISO_SIG.len()..).unwrap_or_default();
                if self.iso.is_none() && is_iso_metadata(metadata) {
                    self.iso = Some(body);
                }
                false
            }
            _ => false,
        };
        if replaced {
            self.replaced = self.replaced.saturating_add(raw_len);
        }
    }
}

/// Whether `data` is exactly an ISO 21496-1 metadata payload as libultrahdr reads it
/// (`gainmapmetadata.cpp`): minimum version 0 and a writer version, alone (the primary's
/// version-only form) or followed by the flags and the headroom and per-channel fractions
/// they announce (one or three channels; a common denominator or one per fraction). Only
/// numbers: copied byte for byte once their length is exactly this.
fn is_iso_metadata(data: &[u8]) -> bool {
    if data.get(..2) != Some(&[0, 0]) {
        return false;
    }
    let Some(&flags) = data.get(4) else {
        return data.len() == 4;
    };
    // Versions and flags (5 bytes), then the headrooms (3 or 4 numbers of 4 bytes) and, per
    // channel, five fractions (5 or 10 numbers).
    let len = match (flags & 0x08 != 0, flags & 0x80 != 0) {
        (true, false) => 5 + 12 + 20,
        (true, true) => 5 + 12 + 3 * 20,
        (false, false) => 5 + 16 + 40,
        (false, true) => 5 + 16 + 3 * 40,
    };
    data.len() == len
}

/// The offset (from the TIFF header) and size of the second image of an MPF's MP Index IFD
/// (CIPA DC-007 § 5.2.3), when that image is a JPEG at a non-zero offset.
fn second_image(tiff: &[u8]) -> Option<(usize, usize)> {
    match tiff.get(..4)? {
        b"II*\0" => second_image_in::<LittleEndian>(tiff),
        b"MM\0*" => second_image_in::<BigEndian>(tiff),
        _ => None,
    }
}

fn second_image_in<O: ByteOrder>(tiff: &[u8]) -> Option<(usize, usize)> {
    let u32_at = |at: usize| -> Option<u32> {
        let bytes: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(O::read_u32(&bytes))
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count: [u8; 2] = tiff.get(ifd..ifd.checked_add(2)?)?.try_into().ok()?;
    let entries = tiff.get(ifd.checked_add(2)?..)?.chunks_exact(12);
    let mut mp_entries = None;
    for entry in entries.take(usize::from(O::read_u16(&count))) {
        let entry: [u8; 12] = entry.try_into().ok()?;
        let (tag, kind) = (O::read_u16(&entry[0..2]), O::read_u16(&entry[2..4]));
        let (n, value) = (O::read_u32(&entry[4..8]), O::read_u32(&entry[8..12]));
        match tag {
            0xB001 if kind != 4 || n != 1 || value < 2 => return None,
            0xB002 if kind == 7 && n >= 32 && n.checked_rem(16) == Some(0) => {
                mp_entries = Some(value)
            }
            _ => {}
        }
    }
    let second = usize::try_from(mp_entries?).ok()?.checked_add(16)?;
    let attribute = u32_at(second)?;
    let size = usize::try_from(u32_at(second.checked_add(4)?)?).ok()?;
    let offset = usize::try_from(u32_at(second.checked_add(8)?)?).ok()?;
    // Bits 24–26 give the image data format; 0 is JPEG.
    let is_jpeg = attribute.checked_shr(24).map(|f| f & 0x7) == Some(0);
    (is_jpeg && offset != 0 && size != 0).then_some((offset, size))
}
