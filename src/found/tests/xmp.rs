//! XMP: each property's mapping in attribute and element form, namespaces, and hostile
//! packets.

use super::*;
use crate::found::xmp;
use crate::report::Found;

/// `property` with `value`, as an attribute and as an element: both give `expected`.
fn assert_property(property: &str, value: &str, expected: Found) {
    let attribute = packet(&format!("{property}=\"{value}\""), "");
    assert_eq!(
        xmp(&attribute),
        expected,
        "attribute {property}=\"{value}\""
    );
    let element = packet("", &format!("<{property}>{value}</{property}>"));
    assert_eq!(xmp(&element), expected, "element <{property}>{value}");
}

#[test]
fn simple_properties() {
    let cases: &[(&str, &str, Found)] = &[
        ("exif:GPSLatitude", "48,51.5N", Found::GPS),
        ("exif:GPSLongitude", "2,21.1E", Found::GPS),
        ("exif:GPSAltitude", "35/1", Found::GPS),
        ("exif:GPSVersionID", "2.3.0.0", Found::empty()),
        (
            "exif:DateTimeOriginal",
            "2024-05-01T10:00:00",
            Found::CAPTURE_TIME,
        ),
        (
            "exif:DateTimeDigitized",
            "2024-05-01T10:00:00",
            Found::CAPTURE_TIME,
        ),
        ("xmp:CreateDate", "2024-05-01T10:00:00", Found::CAPTURE_TIME),
        ("photoshop:DateCreated", "2024-05-01", Found::CAPTURE_TIME),
        ("tiff:DateTime", "2024-05-01T10:00:00", Found::CAPTURE_TIME),
        ("xmp:ModifyDate", "2024-05-01T10:00:00", Found::empty()),
        ("tiff:Make", "Canon", Found::DEVICE),
        ("tiff:Model", "Canon EOS 7D", Found::DEVICE),
        ("aux:Lens", "EF-S 18-55mm", Found::DEVICE),
        ("exifEX:LensModel", "EF-S 18-55mm", Found::DEVICE),
        ("aux:SerialNumber", "0123456789", Found::SERIAL_NUMBER),
        ("aux:LensSerialNumber", "0000c0ffee", Found::SERIAL_NUMBER),
        (
            "exifEX:BodySerialNumber",
            "0123456789",
            Found::SERIAL_NUMBER,
        ),
        (
            "exifEX:LensSerialNumber",
            "0000c0ffee",
            Found::SERIAL_NUMBER,
        ),
        ("exifEX:CameraOwnerName", "Eve", Found::PERSON),
        ("tiff:Artist", "Eve", Found::PERSON),
        ("tiff:Copyright", "(c) Eve", Found::PERSON),
        ("xmpRights:Owner", "Eve", Found::PERSON),
        ("photoshop:Credit", "Eve / Agency", Found::PERSON),
        ("photoshop:City", "Paris", Found::LOCATION_TEXT),
        ("photoshop:State", "Île-de-France", Found::LOCATION_TEXT),
        ("photoshop:Country", "France", Found::LOCATION_TEXT),
        ("Iptc4xmpCore:Location", "Montmartre", Found::LOCATION_TEXT),
        ("Iptc4xmpCore:CountryCode", "FR", Found::LOCATION_TEXT),
        ("photoshop:History", "cropped", Found::EDIT_HISTORY),
        ("crs:Exposure2012", "+0.50", Found::EDIT_HISTORY),
        ("xmp:CreatorTool", "Adobe Photoshop 25.0", Found::SOFTWARE),
        ("tiff:Software", "GIMP", Found::SOFTWARE),
        ("pdf:Producer", "ExifTool", Found::SOFTWARE),
        ("pdf:Author", "Eve", Found::PERSON),
        ("exif:UserComment", "hi", Found::COMMENT),
        ("tiff:ImageDescription", "at the beach", Found::COMMENT),
        ("GCamera:MicroVideo", "1", Found::EMBEDDED_MEDIA),
        ("GCamera:MicroVideo", "0", Found::empty()),
        ("Camera:MotionPhoto", "1", Found::EMBEDDED_MEDIA),
        ("GCamera:MicroVideoOffset", "1234567", Found::EMBEDDED_MEDIA),
        ("GDepth:Data", "iVBORw0KGgo", Found::EMBEDDED_MEDIA),
        ("GImage:Data", "/9j/4AAQ", Found::EMBEDDED_MEDIA),
        ("mwg-rs:Type", "Face", Found::FACES),
        ("mwg-rs:Type", "Pet", Found::empty()),
        ("Item:Semantic", "Primary", Found::empty()),
        ("Item:Semantic", "GainMap", Found::EMBEDDED_MEDIA),
        (
            "GContainerItem:Semantic",
            "MotionPhoto",
            Found::EMBEDDED_MEDIA,
        ),
        ("hdrgm:Version", "1.0", Found::empty()),
        ("xmpMM:DocumentID", "xmp.did:1234", Found::empty()),
    ];
    for &(property, value, expected) in cases {
        assert_property(property, value, expected);
    }
}

#[test]
fn structured_properties() {
    let seq = |p: &str, items: &str| {
        packet(
            "",
            &format!("<{p}><rdf:Seq><rdf:li>{items}</rdf:li></rdf:Seq></{p}>"),
        )
    };
    assert_eq!(xmp(&seq("dc:creator", "Eve Example")), Found::PERSON);
    assert_eq!(xmp(&seq("xmpMM:History", "")), Found::EDIT_HISTORY);
    let alt = packet(
        "",
        "<dc:rights>\n <rdf:Alt>\n  <rdf:li xml:lang=\"x-default\">(c) Eve</rdf:li>\n </rdf:Alt>\n</dc:rights>\n<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">a caption</rdf:li></rdf:Alt></dc:description>",
    );
    assert_eq!(xmp(&alt), Found::PERSON | Found::COMMENT);
    let regions = packet(
        "",
        r#"<mwg-rs:Regions rdf:parseType="Resource">
            <mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description mwg-rs:Name="Eve" mwg-rs:Type="Face"/></rdf:li></rdf:Bag></mwg-rs:RegionList>
           </mwg-rs:Regions>"#,
    );
    assert_eq!(xmp(&regions), Found::FACES | Found::PERSON);
    let microsoft = packet(
        "",
        r#"<MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag><rdf:li MPReg:PersonDisplayName="Eve" MPReg:Rectangle="0.1, 0.1, 0.2, 0.2"/></rdf:Bag></MPRI:Regions></MP:RegionInfo>"#,
    );
    assert_eq!(xmp(&microsoft), Found::FACES | Found::PERSON);
    // A struct written as an empty element with attributes.
    let contact = packet(
        "",
        r#"<Iptc4xmpCore:CreatorContactInfo Iptc4xmpCore:CiEmailWork="eve@example.com"/>"#,
    );
    assert_eq!(xmp(&contact), Found::PERSON);
    let location = packet(
        "",
        r#"<Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li Iptc4xmpExt:City="Paris"/></rdf:Bag></Iptc4xmpExt:LocationShown>"#,
    );
    assert_eq!(xmp(&location), Found::LOCATION_TEXT);
}

#[test]
fn google_container_directory_with_a_secondary_item() {
    let directory = |second: &str| {
        packet(
            r#"xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/""#,
            &format!(
                r#"<Container:Directory><rdf:Seq>
                 <rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="Primary" Item:Mime="image/jpeg"/></rdf:li>
                 {second}
                </rdf:Seq></Container:Directory>"#
            ),
        )
    };
    assert_eq!(xmp(&directory("")), Found::empty());
    let gain_map = r#"<rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="GainMap" Item:Mime="image/jpeg" Item:Length="1234"/></rdf:li>"#;
    assert_eq!(xmp(&directory(gain_map)), Found::EMBEDDED_MEDIA);
}

#[test]
fn empty_values_name_nothing() {
    assert_eq!(xmp(&packet(r#"exif:GPSLatitude="""#, "")), Found::empty());
    assert_eq!(xmp(&packet(r#"tiff:Make="   ""#, "")), Found::empty());
    assert_eq!(xmp(&packet("", "<tiff:Make/>")), Found::empty());
    assert_eq!(xmp(&packet("", "<tiff:Make></tiff:Make>")), Found::empty());
    assert_eq!(
        xmp(&packet("", "<tiff:Make>\n   </tiff:Make>")),
        Found::empty()
    );
    assert_eq!(
        xmp(&packet("", "<dc:creator><rdf:Seq/></dc:creator>")),
        Found::PERSON
    );
}

#[test]
fn declared_prefixes_are_resolved_to_their_namespace() {
    // Any prefix bound to the EXIF namespace.
    let renamed = packet(
        r#"xmlns:e="http://ns.adobe.com/exif/1.0/" e:GPSLatitude="48,51.5N""#,
        "",
    );
    assert_eq!(xmp(&renamed), Found::GPS);
    // The conventional prefix bound to another namespace means that other one.
    let other = packet(
        "",
        r#"<rdf:Description xmlns:tiff="http://example.com/not-tiff/" tiff:Make="Canon"/>"#,
    );
    assert_eq!(xmp(&other), Found::empty());
    // Single quotes, spaces around `=`.
    let quotes = packet("tiff:Model = 'EOS'", "");
    assert_eq!(xmp(&quotes), Found::DEVICE);
}

#[test]
fn names_in_text_comments_and_cdata_are_not_properties() {
    let text = packet(
        "",
        "<dc:title><rdf:Alt><rdf:li>exif:GPSLatitude=\"1\" &lt;tiff:Make&gt;x</rdf:li></rdf:Alt></dc:title>\n<!-- <tiff:Make>Canon</tiff:Make> -->\n<x:y><![CDATA[<aux:SerialNumber>1</aux:SerialNumber>]]></x:y>",
    );
    assert_eq!(xmp(&text), Found::empty());
    // A property after them still counts: the comment and the CDATA section ended.
    let after = [&text[..], b"<tiff:Make>Canon</tiff:Make>"].concat();
    assert_eq!(xmp(&after), Found::DEVICE);
}

#[test]
fn truncated_packets_give_what_their_first_part_names() {
    let full = packet(
        r#"tiff:Make="Canon" exif:GPSLatitude="48,51.5N""#,
        "<dc:creator><rdf:Seq><rdf:li>Eve</rdf:li></rdf:Seq></dc:creator>",
    );
    assert_eq!(xmp(&full), Found::DEVICE | Found::GPS | Found::PERSON);
    let cut = |marker: &[u8]| {
        let at = full
            .windows(marker.len())
            .position(|w| w == marker)
            .unwrap();
        xmp(&full[..at])
    };
    assert_eq!(cut(b"exif:GPSLatitude"), Found::DEVICE);
    assert_eq!(cut(b"<dc:creator>"), Found::DEVICE | Found::GPS);
    // Cut inside an attribute's value: the part that is there counts.
    assert_eq!(cut(b"anon\""), Found::DEVICE);
    assert_eq!(cut(b"Canon\""), Found::empty());
    for len in 0..full.len() {
        let _ = xmp(&full[..len]);
    }
    // Unclosed comment, processing instruction, CDATA, attribute quote, tag.
    for hostile in [
        &b"<!-- <tiff:Make>Canon</tiff:Make>"[..],
        b"<?xpacket <tiff:Make>Canon</tiff:Make>",
        b"<![CDATA[ <tiff:Make>Canon</tiff:Make>",
        b"<rdf:Description dc:x=\"<tiff:Make>Canon</tiff:Make>",
        b"<<<<<<<<<<<<<",
        b"<tiff:Make",
        b"<tiff:Make ====\"'",
        b"",
    ] {
        assert_eq!(
            xmp(hostile),
            Found::empty(),
            "{}",
            String::from_utf8_lossy(hostile)
        );
    }
}
