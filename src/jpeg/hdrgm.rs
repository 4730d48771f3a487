//! The XMP of an Ultra HDR JPEG, read and written as text: the `hdrgm:` gain-map fields
//! (Adobe, "Gain Map Specification" 1.0, namespace `http://ns.adobe.com/hdr-gain-map/1.0/`)
//! and the GContainer directory of the primary image (Android "Ultra HDR image format"
//! v1.0, `Container:Directory` of `Container:Item`s). A leaf of the JPEG walker.
//!
//! This is not an XML parser. It finds the few properties a gain map needs in the forms
//! their writers use (libultrahdr, Adobe Camera Raw, GIMP and libavif write them as
//! attributes of `rdf:Description`, or as elements holding a value or an `rdf:Seq` of three),
//! and copies a value only when it is a plain number or boolean: nothing else of the input's
//! packet reaches the output.

use crate::sink::{Sink, SliceSink};
use crate::work;

/// The signature of a standard XMP APP1 (XMP Specification Part 3, § 1.1.3).
pub(super) const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const HDRGM_NS: &[u8] = b"xmlns:hdrgm=\"http://ns.adobe.com/hdr-gain-map/1.0/\"";
const CONTAINER_NS: &[u8] = b"xmlns:Container=\"http://ns.google.com/photos/1.0/container/\"";
/// A value longer than this is not a number a writer would print.
const MAX_VALUE: usize = 32;

/// The `hdrgm:` fields a decoder reads to apply a gain map, in the order they are written.
const FIELDS: [(&str, Kind); 9] = [
    ("Version", Kind::Number),
    ("BaseRenditionIsHDR", Kind::Boolean),
    ("HDRCapacityMin", Kind::Number),
    ("HDRCapacityMax", Kind::Number),
    ("GainMapMin", Kind::PerChannel),
    ("GainMapMax", Kind::PerChannel),
    ("Gamma", Kind::PerChannel),
    ("OffsetSDR", Kind::PerChannel),
    ("OffsetHDR", Kind::PerChannel),
];

/// The [`FIELDS`] the Adobe specification requires: Version, HDRCapacityMax, GainMapMax.
const REQUIRED: [usize; 3] = [0, 3, 5];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Boolean,
    /// One number, or an `rdf:Seq` of three (red, green, blue).
    PerChannel,
}

/// One field's value, as the input wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value<'a> {
    One(&'a [u8]),
    Three([&'a [u8]; 3]),
}

/// The `hdrgm:` fields of a gain map image's XMP, by [`FIELDS`] index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Fields<'a> {
    values: [Option<Value<'a>>; 9],
}

impl<'a> Fields<'a> {
    /// The fields of `xmp` (a packet without its signature), when it binds `hdrgm` to the
    /// gain-map namespace and holds the fields the Adobe specification requires (Version,
    /// GainMapMax, HDRCapacityMax). `None` too when any field present is not a plain
    /// number or boolean: such a packet is not one to take values from.
    pub(super) fn read(xmp: &'a [u8]) -> Option<Self> {
        find(xmp, HDRGM_NS)?;
        let mut fields = Fields::default();
        for ((name, kind), slot) in FIELDS.iter().zip(fields.values.iter_mut()) {
            *slot = match property(xmp, name) {
                Some(raw) => Some(value(raw, *kind)?),
                None => None,
            };
        }
        let required = REQUIRED
            .iter()
            .all(|&i| fields.values.get(i).is_some_and(Option::is_some));
        required.then_some(fields)
    }

    /// The Version value (a number, as read).
    pub(super) fn version(&self) -> Option<&'a [u8]> {
        match self.values.first() {
            Some(Some(Value::One(v))) => Some(v),
            _ => None,
        }
    }
}

/// The `hdrgm:Version` of a primary image's XMP, when it binds `hdrgm` and the value is a
/// plain number.
pub(super) fn primary_version(xmp: &[u8]) -> Option<&[u8]> {
    find(xmp, HDRGM_NS)?;
    property(xmp, "Version").and_then(|raw| match value(raw, Kind::Number) {
        Some(Value::One(v)) => Some(v),
        _ => None,
    })
}

/// What a primary image's GContainer directory says of its gain map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Directory {
    /// No directory, or none naming a `GainMap` item.
    None,
    /// A `GainMap` item, with its `Item:Length` when it has one.
    GainMap(Option<u64>),
    /// A `GainMap` item whose length is not a number: the file contradicts itself.
    Broken,
}

/// Reads the `GainMap` item of the GContainer directory in `xmp`. Items are read in the
/// attribute form every writer uses (`<Container:Item Item:Semantic="GainMap" …/>`).
pub(super) fn directory(xmp: &[u8]) -> Directory {
    if find(xmp, CONTAINER_NS).is_none() {
        return Directory::None;
    }
    let mut rest = xmp;
    while let Some(at) = find(rest, b"<Container:Item") {
        let item = rest.get(at..).unwrap_or_default();
        let end = find(item, b">").unwrap_or(item.len());
        let tag = item.get(..end).unwrap_or_default();
        if attribute(tag, b"Item:Semantic") == Some(&b"GainMap"[..]) {
            return match attribute(tag, b"Item:Length") {
                None => Directory::GainMap(None),
                Some(len) => {
                    parse_length(len).map_or(Directory::Broken, |n| Directory::GainMap(Some(n)))
                }
            };
        }
        rest = item.get(end..).unwrap_or_default();
    }
    Directory::None
}

fn parse_length(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?
            .checked_add(u64::from(d.wrapping_sub(b'0')))
    })
}

/// The raw text of `hdrgm:name`: an attribute's value, or an element's content.
fn property<'a>(xmp: &'a [u8], name: &str) -> Option<&'a [u8]> {
    prefixed_property(xmp, b"hdrgm", name)
}

/// The raw text of `prefix:name`: an attribute's value, or an element's content. Only the
/// first use of the name counts: reading on after one that does not parse would read the
/// rest of the packet once per use, quadratic in a hostile packet.
pub(super) fn prefixed_property<'a>(xmp: &'a [u8], prefix: &[u8], name: &str) -> Option<&'a [u8]> {
    let mut rest = xmp;
    while let Some(at) = find_qualified(rest, prefix) {
        let before = at.checked_sub(1).and_then(|i| rest.get(i)).copied();
        let after_prefix = rest
            .get(at.saturating_add(prefix.len()).saturating_add(1)..)
            .unwrap_or_default();
        rest = after_prefix;
        let Some(tail) = after_prefix.strip_prefix(name.as_bytes()) else {
            continue;
        };
        // `hdrgm:Gamma` is not `hdrgm:GammaX`.
        let next = tail.first().copied();
        if next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            continue;
        }
        return match before {
            Some(b'<') => element_content(tail, prefix, name),
            Some(b) if b.is_ascii_whitespace() => attribute_value(tail),
            _ => None,
        };
    }
    None
}

/// Where `prefix:` first occurs in `hay`.
fn find_qualified(hay: &[u8], prefix: &[u8]) -> Option<usize> {
    let mut from = 0usize;
    loop {
        let at = from.saturating_add(find(hay.get(from..)?, prefix)?);
        let colon = hay.get(at.saturating_add(prefix.len())).copied();
        if colon == Some(b':') {
            return Some(at);
        }
        from = at.saturating_add(1);
    }
}

/// `="value"` (or `'value'`, with blanks around `=`) at the start of `tail`.
fn attribute_value(tail: &[u8]) -> Option<&[u8]> {
    let tail = trim_start(tail).strip_prefix(b"=")?;
    let tail = trim_start(tail);
    let quote = *tail.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let inner = tail.get(1..)?;
    let end = inner.iter().position(|&b| b == quote)?;
    inner.get(..end)
}

/// The value of the attribute `name` in one tag's text.
fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut rest = tag;
    while let Some(at) = find(rest, name) {
        let before = at.checked_sub(1).and_then(|i| rest.get(i)).copied();
        let tail = rest
            .get(at.saturating_add(name.len())..)
            .unwrap_or_default();
        if before.is_some_and(|b| b.is_ascii_whitespace()) {
            if let Some(v) = attribute_value(tail) {
                return Some(v);
            }
        }
        rest = tail;
    }
    None
}

/// The content of `<prefix:name>…</prefix:name>`, `tail` starting just after the name.
fn element_content<'a>(tail: &'a [u8], prefix: &[u8], name: &str) -> Option<&'a [u8]> {
    let content = trim_start(tail).strip_prefix(b">")?;
    let mut from = 0usize;
    loop {
        let at = from.saturating_add(find(content.get(from..)?, b"</")?);
        let after = content.get(at.saturating_add(2)..)?;
        let closes = after
            .strip_prefix(prefix)
            .and_then(|t| t.strip_prefix(b":"))
            .and_then(|t| t.strip_prefix(name.as_bytes()));
        if closes.is_some_and(|t| t.starts_with(b">")) {
            return content.get(..at);
        }
        from = at.saturating_add(1);
    }
}

/// Checks the raw text of a field and returns its value, `None` when it is not of its kind.
fn value(raw: &[u8], kind: Kind) -> Option<Value<'_>> {
    let text = trim(raw);
    match kind {
        Kind::Number => is_number(text).then_some(Value::One(text)),
        Kind::Boolean => is_boolean(text).then_some(Value::One(text)),
        Kind::PerChannel if is_number(text) => Some(Value::One(text)),
        Kind::PerChannel => sequence(text),
    }
}

/// `<rdf:Seq><rdf:li>n</rdf:li>…</rdf:Seq>` of one or three numbers, and nothing else.
fn sequence(text: &[u8]) -> Option<Value<'_>> {
    let mut rest = trim(text)
        .strip_prefix(b"<rdf:Seq>")?
        .strip_suffix(b"</rdf:Seq>")?;
    let mut items: [&[u8]; 3] = [b""; 3];
    let mut count = 0usize;
    loop {
        rest = trim(rest);
        if rest.is_empty() {
            break;
        }
        let item = rest.strip_prefix(b"<rdf:li>")?;
        let end = find(item, b"</rdf:li>")?;
        let number = trim(item.get(..end)?);
        if !is_number(number) {
            return None;
        }
        *items.get_mut(count)? = number;
        count = count.saturating_add(1);
        rest = item.get(end.saturating_add(9)..)?;
    }
    let [first, _, _] = items;
    match count {
        1 => Some(Value::One(first)),
        3 => Some(Value::Three(items)),
        _ => None,
    }
}

/// A decimal number as XMP writes a real: sign, digits, point, digits, exponent.
pub(super) fn is_number(text: &[u8]) -> bool {
    if text.is_empty() || text.len() > MAX_VALUE {
        return false;
    }
    let body = text
        .strip_prefix(b"-")
        .or_else(|| text.strip_prefix(b"+"))
        .unwrap_or(text);
    let (mantissa, exponent) = match body.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => (
            body.get(..at).unwrap_or_default(),
            body.get(at.saturating_add(1)..),
        ),
        None => (body, None),
    };
    let digits = mantissa.iter().filter(|b| b.is_ascii_digit()).count();
    let points = mantissa.iter().filter(|&&b| b == b'.').count();
    let mantissa_ok = digits > 0 && points <= 1 && digits.saturating_add(points) == mantissa.len();
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e
            .strip_prefix(b"-")
            .or_else(|| e.strip_prefix(b"+"))
            .unwrap_or(e);
        !e.is_empty() && e.iter().all(u8::is_ascii_digit)
    });
    mantissa_ok && exponent_ok
}

fn is_boolean(text: &[u8]) -> bool {
    matches!(text, b"True" | b"False" | b"true" | b"false")
}

fn trim_start(text: &[u8]) -> &[u8] {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    text.get(start..).unwrap_or_default()
}

pub(super) fn trim(text: &[u8]) -> &[u8] {
    let text = trim_start(text);
    let end = text
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i.saturating_add(1));
    text.get(..end).unwrap_or_default()
}

/// Where `needle` first occurs in `hay`.
pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0usize;
    loop {
        let rest = hay.get(from..)?;
        let at = from.saturating_add(rest.iter().position(|&b| b == first)?);
        work::add(at.saturating_sub(from).saturating_add(needle.len()));
        if hay.get(at..)?.starts_with(needle) {
            return Some(at);
        }
        from = at.saturating_add(1);
    }
}

const PACKET_OPEN: &[u8] = b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:hdrgm=\"http://ns.adobe.com/hdr-gain-map/1.0/\"";
const PACKET_CLOSE: &[u8] = b"</rdf:Description></rdf:RDF></x:xmpmeta>";

/// Writes the XMP APP1 body of a gain-map image: the signature and a fresh packet holding
/// only `fields`, scalars as attributes and per-channel triples as `rdf:Seq` elements (the
/// forms libultrahdr and Adobe write).
pub(super) fn write_gain_map_xmp(fields: &Fields<'_>, out: &mut impl Sink) {
    out.extend_from_slice(XMP_SIG);
    out.extend_from_slice(PACKET_OPEN);
    for ((name, _), value) in FIELDS.iter().zip(fields.values.iter()) {
        if let Some(Value::One(v)) = value {
            write_attribute(name, v, out);
        }
    }
    out.push(b'>');
    for ((name, _), value) in FIELDS.iter().zip(fields.values.iter()) {
        if let Some(Value::Three(vs)) = value {
            for part in [b"<hdrgm:", name.as_bytes(), b"><rdf:Seq>"] {
                out.extend_from_slice(part);
            }
            for v in vs {
                for part in [&b"<rdf:li>"[..], v, b"</rdf:li>"] {
                    out.extend_from_slice(part);
                }
            }
            for part in [b"</rdf:Seq></hdrgm:", name.as_bytes(), b">"] {
                out.extend_from_slice(part);
            }
        }
    }
    out.extend_from_slice(PACKET_CLOSE);
}

/// Writes the XMP APP1 body of a primary image: the signature and a fresh packet holding
/// `hdrgm:Version` and, given the gain map's length, a GContainer directory of the primary
/// and its gain map (Ultra HDR v1.0, "XMP attributes for the primary image").
pub(super) fn write_primary_xmp(version: &[u8], gain_map_len: Option<usize>, out: &mut impl Sink) {
    out.extend_from_slice(XMP_SIG);
    out.extend_from_slice(PACKET_OPEN);
    let Some(len) = gain_map_len else {
        write_attribute("Version", version, out);
        out.extend_from_slice(b"/></rdf:RDF></x:xmpmeta>");
        return;
    };
    out.extend_from_slice(
        b" xmlns:Container=\"http://ns.google.com/photos/1.0/container/\" xmlns:Item=\"http://ns.google.com/photos/1.0/container/item/\"",
    );
    write_attribute("Version", version, out);
    out.extend_from_slice(
        b"><Container:Directory><rdf:Seq><rdf:li rdf:parseType=\"Resource\"><Container:Item Item:Semantic=\"Primary\" Item:Mime=\"image/jpeg\"/></rdf:li><rdf:li rdf:parseType=\"Resource\"><Container:Item Item:Semantic=\"GainMap\" Item:Mime=\"image/jpeg\" Item:Length=\"",
    );
    write_decimal(len, out);
    out.extend_from_slice(b"\"/></rdf:li></rdf:Seq></Container:Directory>");
    out.extend_from_slice(PACKET_CLOSE);
}

fn write_attribute(name: &str, value: &[u8], out: &mut impl Sink) {
    for part in [&b" hdrgm:"[..], name.as_bytes(), b"=\"", value, b"\""] {
        out.extend_from_slice(part);
    }
}

pub(super) fn write_decimal(n: usize, out: &mut impl Sink) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at = at.saturating_sub(1);
        let digit = rest.checked_rem(10).and_then(|d| u8::try_from(d).ok());
        if let Some(d) = digits.get_mut(at) {
            *d = b'0'.saturating_add(digit.unwrap_or(0));
        }
        rest = rest.checked_div(10).unwrap_or(0);
        if rest == 0 || at == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// How many bytes `write` writes: it runs once into a sink that only counts.
pub(super) fn measure(write: impl FnOnce(&mut SliceSink<'_>)) -> usize {
    let mut counter = SliceSink::new(&mut []);
    write(&mut counter);
    counter.len()
}
