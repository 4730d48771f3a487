//! XMP: the property names of a packet (XMP part 1 § 7, RDF/XML), in element form
//! (`<exif:GPSLatitude>…`) and attribute form (`exif:GPSLatitude="…"`), mapped to [`Found`].
//!
//! One forward pass of a small tag lexer: each byte is looked at a bounded number of times
//! (the scan, plus look-aheads of at most [`LOOKAHEAD`] bytes), so the work is linear, and
//! nothing is allocated. A property is matched by its namespace: a prefix declared in the
//! packet (`xmlns:p="URI"`) before its use is resolved to that URI; any other prefix is taken
//! to be the one conventionally used for the namespace ([`Ns::from_prefix`]). Declarations
//! are not scoped to their element: the last one of a prefix wins, which is what real
//! packets (one namespace per prefix) need.
//!
//! Packets in UTF-16 or UTF-32 (which XMP part 3 allows outside JPEG; exiftool writes one
//! as a test) are not read: their ASCII bytes are interleaved with NULs, so no name
//! matches, and reading them would mean decoding into a buffer. They give nothing.

use super::credit::{decode_text, XmpCredit, MAX_CREATORS};
use crate::report::Found;
use crate::work;

/// Most bytes looked at past a tag: an element's text, for empty-content checks and values.
const LOOKAHEAD: usize = 64;
/// Prefix declarations remembered, and the longest prefix kept.
const MAX_BINDINGS: usize = 32;
const MAX_PREFIX: usize = 24;

/// The namespaces whose properties name something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Exif,
    ExifEx,
    Tiff,
    Aux,
    Photoshop,
    IptcCore,
    IptcExt,
    Xmp,
    Dc,
    XmpRights,
    XmpMM,
    CameraRaw,
    MwgRegions,
    MsPhoto,
    MsRegionInfo,
    MsRegion,
    GCamera,
    GContainer,
    GContainerItem,
    GDepth,
    GImage,
    Pdf,
}

/// A namespace, its URI, and the prefixes conventionally bound to it.
type Namespace = (Ns, &'static [u8], &'static [&'static [u8]]);

/// Each namespace's URI and the prefixes conventionally bound to it (as exiftool and
/// Adobe's XMP toolkit write them; Google's motion photos use two sets).
const NAMESPACES: [Namespace; 22] = [
    (Ns::Exif, b"http://ns.adobe.com/exif/1.0/", &[b"exif"]),
    (Ns::ExifEx, b"http://cipa.jp/exif/1.0/", &[b"exifEX"]),
    (Ns::Tiff, b"http://ns.adobe.com/tiff/1.0/", &[b"tiff"]),
    (Ns::Aux, b"http://ns.adobe.com/exif/1.0/aux/", &[b"aux"]),
    (
        Ns::Photoshop,
        b"http://ns.adobe.com/photoshop/1.0/",
        &[b"photoshop"],
    ),
    (
        Ns::IptcCore,
        b"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
        &[b"Iptc4xmpCore"],
    ),
    (
        Ns::IptcExt,
        b"http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
        &[b"Iptc4xmpExt"],
    ),
    (Ns::Xmp, b"http://ns.adobe.com/xap/1.0/", &[b"xmp", b"xap"]),
    (Ns::Dc, b"http://purl.org/dc/elements/1.1/", &[b"dc"]),
    (
        Ns::XmpRights,
        b"http://ns.adobe.com/xap/1.0/rights/",
        &[b"xmpRights", b"xapRights"],
    ),
    (
        Ns::XmpMM,
        b"http://ns.adobe.com/xap/1.0/mm/",
        &[b"xmpMM", b"xapMM"],
    ),
    (
        Ns::CameraRaw,
        b"http://ns.adobe.com/camera-raw-settings/1.0/",
        &[b"crs"],
    ),
    (
        Ns::MwgRegions,
        b"http://www.metadataworkinggroup.com/schemas/regions/",
        &[b"mwg-rs"],
    ),
    (Ns::MsPhoto, b"http://ns.microsoft.com/photo/1.2/", &[b"MP"]),
    (
        Ns::MsRegionInfo,
        b"http://ns.microsoft.com/photo/1.2/t/RegionInfo#",
        &[b"MPRI"],
    ),
    (
        Ns::MsRegion,
        b"http://ns.microsoft.com/photo/1.2/t/Region#",
        &[b"MPReg"],
    ),
    (
        Ns::GCamera,
        b"http://ns.google.com/photos/1.0/camera/",
        &[b"GCamera", b"Camera"],
    ),
    (
        Ns::GContainer,
        b"http://ns.google.com/photos/1.0/container/",
        &[b"GContainer", b"Container"],
    ),
    (
        Ns::GContainerItem,
        b"http://ns.google.com/photos/1.0/container/item/",
        &[b"Item", b"GContainerItem"],
    ),
    (
        Ns::GDepth,
        b"http://ns.google.com/photos/1.0/depthmap/",
        &[b"GDepth"],
    ),
    (
        Ns::GImage,
        b"http://ns.google.com/photos/1.0/image/",
        &[b"GImage"],
    ),
    (Ns::Pdf, b"http://ns.adobe.com/pdf/1.3/", &[b"pdf"]),
];

impl Ns {
    fn from_uri(uri: &[u8]) -> Option<Ns> {
        NAMESPACES
            .iter()
            .find(|(_, u, _)| *u == uri)
            .map(|(ns, _, _)| *ns)
    }

    fn from_prefix(prefix: &[u8]) -> Option<Ns> {
        NAMESPACES
            .iter()
            .find(|(_, _, prefixes)| prefixes.contains(&prefix))
            .map(|(ns, _, _)| *ns)
    }
}

/// What the XMP packet `packet` holds (the bytes after a JPEG APP1's XMP signature, a PNG
/// iTXt's text, a WebP `XMP ` chunk, a HEIF `mime` item). A packet cut short gives what its
/// first part names; so a JPEG extended-XMP chunk (the bytes after its signature and the
/// 40 bytes of GUID, full length and offset) can be read on its own, missing only a
/// property cut at the chunk's edge.
pub(crate) fn xmp(packet: &[u8]) -> Found {
    let mut scan = Scan::new(packet, None);
    scan.run();
    scan.found
}

/// The author's credit in the XMP packet `packet` (`dc:creator`, `dc:rights`), read by the
/// same lexer: the text of each `rdf:li` item inside the property (or the property's own
/// text or attribute value, as some writers give it), decoded by [`decode_text`].
pub(crate) fn xmp_credit(packet: &[u8]) -> XmpCredit {
    let mut scan = Scan::new(packet, Some(Collect::default()));
    scan.run();
    scan.credit.map(|c| c.credit).unwrap_or_default()
}

/// The credit properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credit {
    Creator,
    Rights,
}

/// What [`xmp_credit`] has read, and the credit property whose items come next.
#[derive(Default)]
struct Collect {
    credit: XmpCredit,
    open: Option<Credit>,
    rights_is_default: bool,
}

/// A prefix declared in the packet: its bytes, their length, its namespace (`None` for a URI
/// that is none of ours, which then hides the conventional meaning of the prefix).
type Binding = ([u8; MAX_PREFIX], usize, Option<Ns>);

struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
    bindings: [Binding; MAX_BINDINGS],
    bound: usize,
    found: Found,
    /// Set when reading the credit ([`xmp_credit`]) rather than what the packet names.
    credit: Option<Collect>,
}

impl<'a> Scan<'a> {
    /// A scan of `packet` from its start, collecting the credit when `credit` is given.
    fn new(packet: &'a [u8], credit: Option<Collect>) -> Self {
        Scan {
            bytes: packet,
            pos: 0,
            bindings: [([0; MAX_PREFIX], 0, None); MAX_BINDINGS],
            bound: 0,
            found: Found::empty(),
            credit,
        }
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    fn advance(&mut self, n: usize) {
        work::add(n);
        self.pos = self.pos.saturating_add(n).min(self.bytes.len());
    }

    /// Moves past the next `byte`; false (at the end) when there is none.
    fn skip_past_byte(&mut self, byte: u8) -> bool {
        match find_byte(self.rest(), byte) {
            Some(i) => {
                self.advance(i.saturating_add(1));
                true
            }
            None => {
                self.advance(self.rest().len());
                false
            }
        }
    }

    /// Moves past the next `end` (`-->`, `?>`, `]]>`): each step moves to its last byte, so
    /// every byte is looked at once.
    fn skip_past(&mut self, end: &[u8]) {
        let Some(&last) = end.last() else { return };
        while self.skip_past_byte(last) {
            if self.bytes.get(..self.pos).is_some_and(|b| b.ends_with(end)) {
                return;
            }
        }
    }

    fn skip_space(&mut self) {
        let n = self
            .rest()
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        self.advance(n);
    }

    /// An XML name (with its prefix), possibly empty.
    fn name(&mut self) -> &'a [u8] {
        let rest = self.rest();
        let n = rest.iter().take_while(|&&b| is_name_byte(b)).count();
        self.advance(n);
        rest.get(..n).unwrap_or_default()
    }

    fn run(&mut self) {
        while self.skip_past_byte(b'<') {
            match self.peek() {
                Some(b'/') => {
                    self.advance(1);
                    let name = self.name();
                    if self.credit_of(name).is_some() {
                        if let Some(collect) = &mut self.credit {
                            collect.open = None;
                        }
                    }
                    self.skip_past_byte(b'>');
                }
                Some(b'?') => self.skip_past(b"?>"),
                Some(b'!') if self.rest().starts_with(b"!--") => self.skip_past(b"-->"),
                Some(b'!') if self.rest().starts_with(b"![CDATA[") => self.skip_past(b"]]>"),
                Some(b'!') => {
                    self.skip_past_byte(b'>');
                }
                _ => self.start_tag(),
            }
        }
    }

    /// A start tag after its `<`: the element's name, its attributes, and its text.
    fn start_tag(&mut self) {
        let element = self.name();
        let mut attributes_with_values = false;
        let mut default_lang = false;
        loop {
            self.skip_space();
            match self.peek() {
                None => return,
                Some(b'>') => {
                    self.advance(1);
                    if self.credit.is_some() {
                        self.collect_element(element, default_lang);
                    }
                    let text = self.text_ahead();
                    if !is_blank(text) {
                        self.property(element, text);
                    }
                    return;
                }
                Some(b'/') => {
                    // An empty element holds a value only through its attributes (a struct
                    // written as `<p:s q:f="…"/>`), which are read as properties too.
                    self.advance(1);
                    if self.peek() == Some(b'>') {
                        self.advance(1);
                    }
                    if attributes_with_values {
                        self.property(element, b"");
                    }
                    return;
                }
                Some(_) => {
                    if let Some((name, value)) = self.attribute() {
                        default_lang |= name == b"xml:lang" && value == b"x-default";
                        if !is_blank(value) {
                            attributes_with_values = true;
                            self.attribute_found(name, value);
                        }
                    }
                }
            }
        }
    }

    /// `name = "value"` (or with `'`), or `None` past what is not one.
    fn attribute(&mut self) -> Option<(&'a [u8], &'a [u8])> {
        let name = self.name();
        if name.is_empty() {
            self.advance(1); // not a name: step over it
            return None;
        }
        self.skip_space();
        if self.peek() != Some(b'=') {
            return None;
        }
        self.advance(1);
        self.skip_space();
        let quote = self.peek().filter(|q| matches!(q, b'"' | b'\''))?;
        self.advance(1);
        let start = self.pos;
        // An unclosed value runs to the end of the packet.
        let closed = self.skip_past_byte(quote);
        let end = if closed {
            self.pos.saturating_sub(1)
        } else {
            self.pos
        };
        Some((name, self.bytes.get(start..end).unwrap_or_default()))
    }

    fn attribute_found(&mut self, name: &[u8], value: &[u8]) {
        match name.strip_prefix(b"xmlns:") {
            Some(prefix) => self.bind(prefix, Ns::from_uri(value)),
            None => {
                if let Some(which) = self.credit_of(name) {
                    self.collect_value(which, value, false);
                }
                self.property(name, value);
            }
        }
    }

    /// Which credit property `name` is, when reading the credit.
    fn credit_of(&self, name: &[u8]) -> Option<Credit> {
        self.credit.as_ref()?;
        let colon = name.iter().position(|&b| b == b':')?;
        let (prefix, local) = name.split_at(colon);
        if self.namespace(prefix) != Some(Ns::Dc) {
            return None;
        }
        match local {
            b":creator" => Some(Credit::Creator),
            b":rights" => Some(Credit::Rights),
            _ => None,
        }
    }

    /// After the start tag of `element`: a credit property opens (its own text is a value,
    /// as some writers give it), an item of an open one is a value, and any other property
    /// closes an open one (a packet missing its end tag lends no other items).
    fn collect_element(&mut self, element: &[u8], default_lang: bool) {
        let local = element
            .iter()
            .position(|&b| b == b':')
            .and_then(|colon| element.get(colon.saturating_add(1)..))
            .unwrap_or(element);
        let rest = self.rest();
        let end = rest.iter().position(|&b| b == b'<').unwrap_or(rest.len());
        let text = rest.get(..end).unwrap_or_default();
        work::add(end);
        let open = self.credit.as_ref().and_then(|c| c.open);
        if let Some(which) = self.credit_of(element) {
            if let Some(collect) = &mut self.credit {
                collect.open = Some(which);
            }
            self.collect_value(which, text, false);
        } else if let (b"li", Some(which)) = (local, open) {
            self.collect_value(which, text, default_lang);
        } else if !matches!(local, b"Seq" | b"Bag" | b"Alt") {
            if let Some(collect) = &mut self.credit {
                collect.open = None;
            }
        }
    }

    fn collect_value(&mut self, which: Credit, raw: &[u8], default_lang: bool) {
        let Some(collect) = &mut self.credit else {
            return;
        };
        let Some(text) = decode_text(raw) else {
            return;
        };
        let credit = &mut collect.credit;
        match which {
            Credit::Creator if credit.creators.len() < MAX_CREATORS => credit.creators.push(text),
            Credit::Creator => {}
            Credit::Rights
                if credit.rights.is_none() || (default_lang && !collect.rights_is_default) =>
            {
                credit.rights = Some(text);
                collect.rights_is_default = default_lang;
            }
            Credit::Rights => {}
        }
    }

    /// The start of an element's text (up to [`LOOKAHEAD`] bytes, up to the next tag).
    fn text_ahead(&self) -> &'a [u8] {
        let ahead = self.rest().get(..LOOKAHEAD).unwrap_or(self.rest());
        work::add(ahead.len());
        let end = find_byte(ahead, b'<');
        match end {
            // Text then a tag: the text, unless there is none, when the tag is what the
            // element holds (an end tag: nothing; a start tag: a struct or an array).
            Some(0) if ahead.get(1) == Some(&b'/') => b"",
            Some(0) => ahead,
            Some(i) if is_blank(ahead.get(..i).unwrap_or_default()) => {
                if ahead.get(i.saturating_add(1)) == Some(&b'/') {
                    b""
                } else {
                    ahead
                }
            }
            Some(i) => ahead.get(..i).unwrap_or_default(),
            None => ahead,
        }
    }

    fn bind(&mut self, prefix: &[u8], ns: Option<Ns>) {
        let mut key = [0; MAX_PREFIX];
        let Some(slot) = key.get_mut(..prefix.len()) else {
            return; // a prefix longer than any we match
        };
        slot.copy_from_slice(prefix);
        let bound = self.bindings.get(..self.bound).unwrap_or_default();
        let index = bound
            .iter()
            .position(|(k, len, _)| k.get(..*len) == Some(prefix))
            .unwrap_or(self.bound);
        if let Some(binding) = self.bindings.get_mut(index) {
            *binding = (key, prefix.len(), ns);
            self.bound = self.bound.max(index.saturating_add(1));
        }
    }

    fn namespace(&self, prefix: &[u8]) -> Option<Ns> {
        let bound = self.bindings.get(..self.bound).unwrap_or_default();
        match bound
            .iter()
            .find(|(k, len, _)| k.get(..*len) == Some(prefix))
        {
            Some((_, _, ns)) => *ns,
            None => Ns::from_prefix(prefix),
        }
    }

    /// Records what the property `name` (`prefix:local`) with `value` names.
    fn property(&mut self, name: &[u8], value: &[u8]) {
        let Some(colon) = name.iter().position(|&b| b == b':') else {
            return;
        };
        let (prefix, local) = name.split_at(colon);
        let local = local.get(1..).unwrap_or_default();
        if let Some(ns) = self.namespace(prefix) {
            self.found |= property_found(ns, local, value.trim_ascii());
        }
    }
}

/// Whether `b` can be part of an XML name (ASCII letters, digits, `_-.:`, and any byte of
/// a UTF-8 sequence): a table lookup, as every byte of every name is tested.
fn is_name_byte(b: u8) -> bool {
    NAME_BYTES.get(usize::from(b)).copied().unwrap_or(false)
}

// Built at compile time: an index out of range would fail the build, not a strip.
#[allow(clippy::indexing_slicing)]
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0u8;
    loop {
        table[c as usize] =
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':') || c >= 0x80;
        if c == u8::MAX {
            break table;
        }
        c += 1;
    }
};

/// The first `byte` in `hay`. Most searches in a packet end within a few bytes (the next
/// quote or bracket), some run over kilobytes of padding or long values, which a byte-by-byte
/// search made cost as much as copying a whole small photo (75 KB JPEG: 3.0× memcpy against
/// 1.9× without). So the first [`NEAR`] bytes are tested 8 at a time in a `u64` (a zero
/// byte of `word ^ pattern` is a match), and the rest 32 at a time with a fold the compiler
/// vectorises.
fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    const NEAR: usize = 64;
    let near = hay.get(..NEAR).unwrap_or(hay);
    if let Some(i) = find_byte_in_words(near, byte) {
        return Some(i);
    }
    let far = hay.get(near.len()..).unwrap_or_default();
    find_byte_in_blocks(far, byte).map(|i| i.saturating_add(near.len()))
}

/// [`find_byte`] 8 bytes at a time: in `word ^ pattern`, `(v - 0x01…) & !v & 0x80…` flags
/// each zero byte, and can flag a byte wrongly only above a true zero (a borrow), so the
/// lowest flag (the first byte, in little-endian order) is always a match.
fn find_byte_in_words(hay: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES.wrapping_mul(u64::from(byte));
    let mut words = hay.chunks_exact(8);
    let mut at = 0usize;
    for word in &mut words {
        let Ok(bytes) = <[u8; 8]>::try_from(word) else {
            break;
        };
        let v = u64::from_le_bytes(bytes) ^ pattern;
        let zeros = v.wrapping_sub(ONES) & !v & HIGHS;
        if zeros != 0 {
            let index = usize::try_from(zeros.trailing_zeros() / 8).unwrap_or(0);
            return Some(at.saturating_add(index));
        }
        at = at.saturating_add(8);
    }
    let tail = words.remainder();
    tail.iter()
        .position(|&b| b == byte)
        .map(|i| at.saturating_add(i))
}

/// [`find_byte`] 32 bytes at a time: a block is tested with a fold the compiler
/// vectorises, and only the block that has the byte is searched byte by byte.
fn find_byte_in_blocks(hay: &[u8], byte: u8) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut chunks = hay.chunks_exact(BLOCK);
    let mut at = 0usize;
    for block in &mut chunks {
        if block.iter().fold(false, |any, &b| any | (b == byte)) {
            return block
                .iter()
                .position(|&b| b == byte)
                .map(|i| at.saturating_add(i));
        }
        at = at.saturating_add(BLOCK);
    }
    let tail = chunks.remainder();
    tail.iter()
        .position(|&b| b == byte)
        .map(|i| at.saturating_add(i))
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

/// What a property names (the XMP specification parts 1–2, IPTC Photo Metadata 2023.1,
/// MWG 2.0 regions, Microsoft Photo 1.2, Google's camera, container and depth-map schemas).
/// `value` is the attribute's value, or the start of the element's text (which begins with
/// `<` for a struct or an array).
fn property_found(ns: Ns, local: &[u8], value: &[u8]) -> Found {
    match (ns, local) {
        (Ns::Exif, b"GPSVersionID") => Found::empty(),
        (Ns::Exif, l) if l.starts_with(b"GPS") => Found::GPS,
        (Ns::Exif, b"DateTimeOriginal" | b"DateTimeDigitized")
        | (Ns::Tiff, b"DateTime")
        | (Ns::Xmp, b"CreateDate")
        | (Ns::Photoshop, b"DateCreated") => Found::CAPTURE_TIME,
        (Ns::Tiff, b"Make" | b"Model")
        | (Ns::ExifEx, b"LensMake" | b"LensModel")
        | (Ns::Aux, b"Lens") => Found::DEVICE,
        (Ns::ExifEx, b"BodySerialNumber" | b"LensSerialNumber")
        | (Ns::Aux, b"SerialNumber" | b"LensSerialNumber") => Found::SERIAL_NUMBER,
        (Ns::Tiff, b"Artist" | b"Copyright")
        | (Ns::ExifEx, b"CameraOwnerName")
        | (Ns::Aux, b"OwnerName")
        | (Ns::Dc, b"creator" | b"rights")
        | (Ns::XmpRights, b"Owner")
        | (Ns::Photoshop, b"Credit" | b"AuthorsPosition" | b"CaptionWriter")
        | (Ns::IptcCore, b"CreatorContactInfo")
        | (Ns::IptcExt, b"PersonInImage")
        | (Ns::MwgRegions, b"Name")
        | (Ns::MsRegion, b"PersonDisplayName")
        | (Ns::Pdf, b"Author") => Found::PERSON,
        (Ns::Photoshop, b"City" | b"State" | b"Country")
        | (Ns::IptcCore, b"Location" | b"CountryCode")
        | (
            Ns::IptcExt,
            b"LocationCreated" | b"LocationShown" | b"City" | b"CountryName" | b"CountryCode"
            | b"ProvinceState" | b"Sublocation",
        ) => Found::LOCATION_TEXT,
        (Ns::MwgRegions, b"Regions")
        | (Ns::MsPhoto, b"RegionInfo")
        | (Ns::MsRegionInfo, b"Regions") => Found::FACES,
        (Ns::MwgRegions, b"Type") if value == b"Face" => Found::FACES,
        (Ns::XmpMM, b"History") | (Ns::Photoshop, b"History") | (Ns::CameraRaw, _) => {
            Found::EDIT_HISTORY
        }
        (Ns::Xmp, b"CreatorTool")
        | (Ns::Tiff, b"Software")
        | (Ns::Pdf, b"Producer" | b"Creator") => Found::SOFTWARE,
        (Ns::Dc, b"description") | (Ns::Exif, b"UserComment") | (Ns::Tiff, b"ImageDescription") => {
            Found::COMMENT
        }
        // Motion photos: `0` says the file has no video.
        (Ns::GCamera, b"MicroVideo" | b"MotionPhoto") if value != b"0" => Found::EMBEDDED_MEDIA,
        (Ns::GCamera, b"MicroVideoOffset") | (Ns::GDepth | Ns::GImage, b"Data") => {
            Found::EMBEDDED_MEDIA
        }
        // A container directory lists the primary image first, then each appended one
        // (motion-photo video, gain map, depth map).
        (Ns::GContainerItem, b"Semantic") if value != b"Primary" => Found::EMBEDDED_MEDIA,
        _ => Found::empty(),
    }
}

#[cfg(test)]
mod find_byte_tests {
    use super::{find_byte, is_name_byte};

    #[test]
    fn name_bytes_are_xml_name_characters() {
        let names: Vec<u8> = (0..=255u8).filter(|&b| is_name_byte(b)).collect();
        let expected: Vec<u8> = (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain([b'_', b'-', b'.', b':'])
            .chain(0x80..=0xFF)
            .collect();
        let mut sorted = expected.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    /// Against a plain search, for every place of the byte (and none) in haystacks around
    /// the word and block sizes, with bytes that differ from it by one bit (0x3C and 0x3D,
    /// 0xBC) and with a borrow from a zero byte (0x01 after a match).
    #[test]
    fn finds_the_first_byte_where_a_plain_search_does() {
        for len in [0usize, 1, 7, 8, 9, 63, 64, 65, 95, 96, 97, 200] {
            for fill in [b' ', 0x3D, 0xBC, 0x00, 0x01] {
                let mut hay = vec![fill; len];
                assert_eq!(find_byte(&hay, b'<'), None, "{len} {fill}");
                for at in 0..len {
                    hay.fill(fill);
                    hay[at] = b'<';
                    if let Some(next) = hay.get_mut(at + 1) {
                        *next = b'<' ^ 0x01;
                    }
                    let plain = hay.iter().position(|&b| b == b'<');
                    assert_eq!(find_byte(&hay, b'<'), plain, "{len} {fill} {at}");
                }
            }
        }
    }
}
