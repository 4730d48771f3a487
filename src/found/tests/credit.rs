//! The credit of `Keep::COPYRIGHT`: what the lexer reads of `dc:creator` and `dc:rights`,
//! and the fresh packet reading back to the same credit.

use crate::found::credit::{XmpCredit, MAX_CREATORS};
use crate::found::xmp_credit;

#[test]
fn the_packet_reads_back() {
    let credit = XmpCredit {
        creators: vec![b"Ann & Bo".to_vec(), "Zoë".as_bytes().to_vec()],
        rights: Some(b"(c) 2024 <Ann>".to_vec()),
    };
    let packet = credit.packet().unwrap();
    assert_eq!(xmp_credit(&packet), credit);
    assert_eq!(XmpCredit::default().packet(), None);
    let only_rights = XmpCredit {
        rights: Some(b"R".to_vec()),
        ..XmpCredit::default()
    };
    assert_eq!(xmp_credit(&only_rights.packet().unwrap()), only_rights);
}

#[test]
fn reads_credit_and_nothing_else() {
    let packet = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="1,2N">
 <d:subject><rdf:Bag><rdf:li>KEYWORD-CANARY</rdf:li></rdf:Bag></d:subject>
 <d:creator>
  <rdf:Seq>
   <rdf:li>Ann</rdf:li>
   <rdf:li>  </rdf:li>
   <rdf:li>Bo &amp; Co</rdf:li>
  </rdf:Seq>
 </d:creator>
 <d:rights><rdf:Alt><rdf:li xml:lang="fr">Droits</rdf:li><rdf:li xml:lang="x-default">Rights</rdf:li></rdf:Alt></d:rights>
 <d:description><rdf:Alt><rdf:li xml:lang="x-default">DESC-CANARY</rdf:li></rdf:Alt></d:description>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;
    let credit = xmp_credit(packet);
    assert_eq!(credit.creators, [b"Ann".to_vec(), b"Bo & Co".to_vec()]);
    assert_eq!(credit.rights.as_deref(), Some(&b"Rights"[..]));
    // Attribute form, and a property left open does not swallow the next one's items.
    let packet = br#"<rdf:Description dc:creator="Cy"><dc:rights><rdf:Alt><rdf:li>R</rdf:li></rdf:Alt><dc:subject><rdf:Bag><rdf:li>K</rdf:li></rdf:Bag></dc:subject>"#;
    let credit = xmp_credit(packet);
    assert_eq!(credit.creators, [b"Cy".to_vec()]);
    assert_eq!(credit.rights.as_deref(), Some(&b"R"[..]));
    assert!(xmp_credit(b"<dc:creator><rdf:Seq><rdf:li>").is_empty());
    let many = "<dc:creator><rdf:Seq>".to_owned() + &"<rdf:li>n</rdf:li>".repeat(100);
    assert_eq!(xmp_credit(many.as_bytes()).creators.len(), MAX_CREATORS);
}
