//! Apple HDR gain maps in JPEG (iPhone, iOS 14.1 and later), for `Keep::GAIN_MAP`: reading
//! the fields of a gain-map image's XMP that readers need to apply it, and writing them back
//! as a fresh packet. What readers need, and why of the primary's maker note only the
//! headroom stays ([`crate::exif::AppleHeadroom`], written in the primary's fresh EXIF), is
//! written down in [`crate::formats`] ("Apple HDR JPEG").
//!
//! Apple's layout: the primary carries an MPF APP2 whose second MP Entry (type 0, "undefined")
//! is the gain map, a greyscale JPEG after the primary's EOI, whose XMP (namespaces `apdi`,
//! `http://ns.apple.com/pixeldatainfo/1.0/`, and `HDRGainMap`,
//! `http://ns.apple.com/HDRGainMap/1.0/`) names it `apdi:AuxiliaryImageType` =
//! `urn:com:apple:photo:2020:aux:hdrgainmap`, gives `HDRGainMap:HDRGainMapVersion` and, from
//! version 2.0 (131072) on, `HDRGainMap:HDRGainMapHeadroom`.

use super::hdrgm::{self, XMP_SIG};
use crate::sink::Sink;

const APDI_NS: &[u8] = b"xmlns:apdi=\"http://ns.apple.com/pixeldatainfo/1.0/\"";
const GAIN_MAP_NS: &[u8] = b"xmlns:HDRGainMap=\"http://ns.apple.com/HDRGainMap/1.0/\"";
/// The auxiliary image type of an Apple HDR gain map (`kCGImageAuxiliaryDataTypeHDRGainMap`).
const GAIN_MAP_TYPE: &[u8] = b"urn:com:apple:photo:2020:aux:hdrgainmap";
/// The longest integer copied: `HDRGainMapVersion` and the pixel formats are 32-bit.
const MAX_DIGITS: usize = 10;

/// The fields of an Apple gain map's XMP that are kept, each checked to be a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fields<'a> {
    /// Whether the packet names the image an HDR gain map (`apdi:AuxiliaryImageType`):
    /// always in a JPEG gain map's, where nothing else says it; not in a HEIF gain-map
    /// item's, whose `auxC` property says it (see [`Fields::read_described`]).
    aux_type: bool,
    /// `HDRGainMap:HDRGainMapVersion`, an integer (65536 is 1.0, 131072 is 2.0).
    version: &'a [u8],
    /// `HDRGainMap:HDRGainMapHeadroom`, a real: the headroom readers take from the gain map
    /// itself instead of the primary's maker note (version 2.0 on).
    headroom: Option<&'a [u8]>,
    /// `apdi:NativeFormat`, an integer: a Core Video pixel format (`L008`).
    native_format: Option<&'a [u8]>,
    /// `apdi:StoredFormat`, an integer, the same.
    stored_format: Option<&'a [u8]>,
}

impl<'a> Fields<'a> {
    /// The fields of `xmp` (a packet without its signature), when it binds `apdi` and
    /// `HDRGainMap` to Apple's namespaces, names the image an HDR gain map and gives an
    /// integer `HDRGainMapVersion`. `None` too when a kept field present is not a plain
    /// number: such a packet is not one to take values from.
    pub(crate) fn read(xmp: &'a [u8]) -> Option<Self> {
        hdrgm::find(xmp, APDI_NS)?;
        let kind = hdrgm::prefixed_property(xmp, b"apdi", "AuxiliaryImageType")?;
        if hdrgm::trim(kind) != GAIN_MAP_TYPE {
            return None;
        }
        Self::read_described(xmp)
    }

    /// The fields of `xmp` for an image its container already names an HDR gain map (a HEIF
    /// auxiliary image whose `auxC` type is `urn:com:apple:photo:2020:aux:hdrgainmap`, whose
    /// XMP iPhones write with `HDRGainMapVersion` alone): `HDRGainMap` bound to Apple's
    /// namespace and an integer `HDRGainMapVersion`; `apdi` fields read only when `apdi` is
    /// bound to Apple's namespace, and an `apdi:AuxiliaryImageType` there must name a gain map.
    pub(crate) fn read_described(xmp: &'a [u8]) -> Option<Self> {
        hdrgm::find(xmp, GAIN_MAP_NS)?;
        let apdi = hdrgm::find(xmp, APDI_NS).is_some();
        let kind = hdrgm::prefixed_property(xmp, b"apdi", "AuxiliaryImageType").filter(|_| apdi);
        if kind.is_some_and(|k| hdrgm::trim(k) != GAIN_MAP_TYPE) {
            return None;
        }
        let version = integer(hdrgm::prefixed_property(
            xmp,
            b"HDRGainMap",
            "HDRGainMapVersion",
        )?)?;
        let optional = |prefix: &[u8], name: &str, check: fn(&[u8]) -> Option<&[u8]>| {
            let bound = prefix != b"apdi" || apdi;
            match hdrgm::prefixed_property(xmp, prefix, name).filter(|_| bound) {
                None => Some(None),
                Some(raw) => check(raw).map(Some),
            }
        };
        Some(Fields {
            aux_type: kind.is_some(),
            version,
            headroom: optional(b"HDRGainMap", "HDRGainMapHeadroom", real)?,
            native_format: optional(b"apdi", "NativeFormat", integer)?,
            stored_format: optional(b"apdi", "StoredFormat", integer)?,
        })
    }
}

fn integer(raw: &[u8]) -> Option<&[u8]> {
    let text = hdrgm::trim(raw);
    let ok = !text.is_empty() && text.len() <= MAX_DIGITS && text.iter().all(u8::is_ascii_digit);
    ok.then_some(text)
}

fn real(raw: &[u8]) -> Option<&[u8]> {
    let text = hdrgm::trim(raw);
    hdrgm::is_number(text).then_some(text)
}

/// Writes the XMP APP1 body of an Apple gain map: the signature and a fresh packet holding
/// only `fields` ([`write_packet`]).
pub(super) fn write_xmp(fields: &Fields<'_>, out: &mut impl Sink) {
    out.extend_from_slice(XMP_SIG);
    write_packet(fields, out);
}

/// Writes a fresh XMP packet holding only `fields`, as elements of `rdf:Description` (the
/// form Apple writes, and the only one libultrahdr's reader takes: it reads
/// `HDRGainMapVersion` and `HDRGainMapHeadroom` from element content). A JPEG gain map
/// carries it in an APP1 ([`write_xmp`]), a HEIF gain-map item in a `mime` item.
pub(crate) fn write_packet(fields: &Fields<'_>, out: &mut impl Sink) {
    out.extend_from_slice(b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" ");
    let any_apdi =
        fields.aux_type || fields.native_format.is_some() || fields.stored_format.is_some();
    if any_apdi {
        out.extend_from_slice(APDI_NS);
        out.extend_from_slice(b" ");
    }
    out.extend_from_slice(GAIN_MAP_NS);
    out.extend_from_slice(b">");
    let elements: [(&[u8], Option<&[u8]>); 5] = [
        (
            b"apdi:AuxiliaryImageType",
            fields.aux_type.then_some(GAIN_MAP_TYPE),
        ),
        (b"apdi:NativeFormat", fields.native_format),
        (b"apdi:StoredFormat", fields.stored_format),
        (b"HDRGainMap:HDRGainMapVersion", Some(fields.version)),
        (b"HDRGainMap:HDRGainMapHeadroom", fields.headroom),
    ];
    for (name, value) in elements {
        if let Some(value) = value {
            for part in [&b"<"[..], name, b">", value, b"</", name, b">"] {
                out.extend_from_slice(part);
            }
        }
    }
    out.extend_from_slice(b"</rdf:Description></rdf:RDF></x:xmpmeta>");
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 6.0.0">
   <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about=""
            xmlns:apdi="http://ns.apple.com/pixeldatainfo/1.0/"
            xmlns:HDRGainMap="http://ns.apple.com/HDRGainMap/1.0/">
         <apdi:NativeFormat>1278226488</apdi:NativeFormat>
         <apdi:AuxiliaryImageType>urn:com:apple:photo:2020:aux:hdrgainmap</apdi:AuxiliaryImageType>
         <apdi:StoredFormat>1278226488</apdi:StoredFormat>
         <HDRGainMap:HDRGainMapVersion>131072</HDRGainMap:HDRGainMapVersion>
         <HDRGainMap:HDRGainMapHeadroom>4.532783</HDRGainMap:HDRGainMapHeadroom>
      </rdf:Description>
   </rdf:RDF>
</x:xmpmeta>"#;

    fn written(fields: &Fields<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        write_xmp(fields, &mut out);
        out
    }

    #[test]
    fn reads_an_iphone_gain_map_packet() {
        let fields = Fields::read(NEW.as_bytes()).unwrap();
        assert_eq!(fields.version, b"131072");
        assert_eq!(fields.headroom, Some(&b"4.532783"[..]));
        assert_eq!(fields.native_format, Some(&b"1278226488"[..]));
        assert_eq!(fields.stored_format, Some(&b"1278226488"[..]));
    }

    #[test]
    fn rewritten_packet_reads_back_the_same_and_holds_nothing_else() {
        let fields = Fields::read(NEW.as_bytes()).unwrap();
        let out = written(&fields);
        let packet = &out[XMP_SIG.len()..];
        assert_eq!(Fields::read(packet), Some(fields));
        assert!(!String::from_utf8_lossy(packet).contains("xmptk"));
        // Idempotent: the fresh packet rewrites to itself.
        assert_eq!(written(&Fields::read(packet).unwrap()), out);
    }

    #[test]
    fn version_one_without_headroom_is_read() {
        let old = NEW.replace("131072", "65536").replace(
            "<HDRGainMap:HDRGainMapHeadroom>4.532783</HDRGainMap:HDRGainMapHeadroom>",
            "",
        );
        let fields = Fields::read(old.as_bytes()).unwrap();
        assert_eq!((fields.version, fields.headroom), (&b"65536"[..], None));
    }

    #[test]
    fn a_heif_gain_map_packet_is_read_without_an_aux_type_and_written_as_it_was() {
        let heic = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 6.0.0">
   <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about=""
            xmlns:HDRGainMap="http://ns.apple.com/HDRGainMap/1.0/">
         <HDRGainMap:HDRGainMapVersion>65536</HDRGainMap:HDRGainMapVersion>
      </rdf:Description>
   </rdf:RDF>
</x:xmpmeta>"#;
        assert_eq!(Fields::read(heic.as_bytes()), None);
        let fields = Fields::read_described(heic.as_bytes()).unwrap();
        let mut packet = Vec::new();
        write_packet(&fields, &mut packet);
        assert_eq!(
            String::from_utf8(packet.clone()).unwrap(),
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:HDRGainMap=\"http://ns.apple.com/HDRGainMap/1.0/\"><HDRGainMap:HDRGainMapVersion>65536</HDRGainMap:HDRGainMapVersion></rdf:Description></rdf:RDF></x:xmpmeta>"
        );
        assert_eq!(Fields::read_described(&packet), Some(fields));
        // A JPEG gain map's packet reads the same either way.
        let jpeg = Fields::read(NEW.as_bytes()).unwrap();
        assert_eq!(Fields::read_described(NEW.as_bytes()), Some(jpeg));
        // An apdi type that names something else is not a gain map's.
        let depth = NEW.replace("aux:hdrgainmap", "aux:depth");
        assert_eq!(Fields::read_described(depth.as_bytes()), None);
    }

    #[test]
    fn other_packets_are_not_apple_gain_maps() {
        for bad in [
            NEW.replace("aux:hdrgainmap", "aux:depth"),
            NEW.replace("131072", "1.5"),
            NEW.replace("4.532783", "4.5 <x/>"),
            NEW.replace("1278226488</apdi:Native", "L008</apdi:Native"),
            NEW.replace("xmlns:apdi", "xmlns:other"),
            NEW.replace("HDRGainMap/1.0/", "HDRGainMap/2.0/"),
            NEW.replace(
                "<HDRGainMap:HDRGainMapVersion>131072</HDRGainMap:HDRGainMapVersion>",
                "",
            ),
        ] {
            assert_eq!(Fields::read(bad.as_bytes()), None, "{bad}");
        }
    }
}
