//! The author's credit in an XMP packet, for `Keep::COPYRIGHT`: `dc:creator` and `dc:rights`
//! as the lexer of [`super::xmp`] reads them ([`super::xmp_credit`]) into [`XmpCredit`], and
//! the fresh packet holding only them that a strip writes back ([`XmpCredit::packet`]). The
//! EXIF side is [`crate::exif::Ifd0`].

use crate::exif::MAX_CREDIT;
use crate::work;

/// Most `dc:creator` names kept: a photo has a few authors, not thousands.
pub(crate) const MAX_CREATORS: usize = 16;

const PACKET_OPEN: &[u8] = b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">";
const PACKET_CLOSE: &[u8] = b"</rdf:Description></rdf:RDF></x:xmpmeta>";

/// The credit an XMP packet holds: its text decoded (entities resolved, valid UTF-8, no
/// control characters), each value at most [`MAX_CREDIT`] bytes and not blank.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct XmpCredit {
    /// `dc:creator`: the names of its `rdf:Seq`, in order, at most [`MAX_CREATORS`].
    pub(crate) creators: Vec<Vec<u8>>,
    /// `dc:rights`: the `x-default` item of its `rdf:Alt`, else its first.
    pub(crate) rights: Option<Vec<u8>>,
}

impl XmpCredit {
    /// Whether there is nothing to write.
    pub(crate) fn is_empty(&self) -> bool {
        self.creators.is_empty() && self.rights.is_none()
    }

    /// A fresh XMP packet holding only the credit (XMP part 1 § 7.9: `dc:creator` an ordered
    /// array, `dc:rights` a language alternative), its text escaped for XML; `None` when
    /// there is no credit.
    pub(crate) fn packet(&self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let mut p = Vec::new();
        p.extend_from_slice(PACKET_OPEN);
        if !self.creators.is_empty() {
            p.extend_from_slice(b"<dc:creator><rdf:Seq>");
            for name in &self.creators {
                p.extend_from_slice(b"<rdf:li>");
                escape(name, &mut p);
                p.extend_from_slice(b"</rdf:li>");
            }
            p.extend_from_slice(b"</rdf:Seq></dc:creator>");
        }
        if let Some(rights) = &self.rights {
            p.extend_from_slice(b"<dc:rights><rdf:Alt><rdf:li xml:lang=\"x-default\">");
            escape(rights, &mut p);
            p.extend_from_slice(b"</rdf:li></rdf:Alt></dc:rights>");
        }
        p.extend_from_slice(PACKET_CLOSE);
        Some(p)
    }
}

/// Whether an XMP packet is in UTF-16 or UTF-32 (XMP part 3 allows them outside JPEG;
/// exiftool writes one as a test): a NUL among its first bytes. The lexer reads UTF-8 only
/// (see [`super::xmp`]), so such a packet's credit cannot be kept, and the report says so.
pub(crate) fn is_unreadable(packet: &[u8]) -> bool {
    packet.iter().take(4).any(|&b| b == 0)
}

/// `text` with `&`, `<` and `>` escaped (XML 1.0 § 2.4).
fn escape(text: &[u8], out: &mut Vec<u8>) {
    work::add(text.len());
    for &b in text {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            _ => out.push(b),
        }
    }
}

/// An element's raw text as a value: the predefined entities and character references
/// resolved (XML 1.0 § 4.1, § 4.6; an `&` that starts none is taken as it stands), control
/// characters other than tab and line ends left out, cut to [`MAX_CREDIT`] bytes at a
/// character boundary. `None` when blank or not UTF-8 from its start.
pub(crate) fn decode_text(raw: &[u8]) -> Option<Vec<u8>> {
    work::add(raw.len());
    let mut text = Vec::new();
    let mut rest = raw;
    while let Some((&b, tail)) = rest.split_first() {
        let (ch, used): (Option<char>, &[u8]) = match b {
            b'&' => match reference(tail) {
                Some((c, after)) => (Some(c), after),
                None => (Some('&'), tail),
            },
            b'\t' | b'\n' | b'\r' => (Some(char::from(b)), tail),
            0..=0x1F | 0x7F => (None, tail),
            _ => {
                // Raw bytes are copied; UTF-8 is checked once at the end.
                if text.len() >= MAX_CREDIT {
                    break;
                }
                text.push(b);
                rest = tail;
                continue;
            }
        };
        if let Some(c) = ch {
            let mut buf = [0u8; 4];
            let encoded = c.encode_utf8(&mut buf).as_bytes();
            if text.len().saturating_add(encoded.len()) > MAX_CREDIT {
                break;
            }
            text.extend_from_slice(encoded);
        }
        rest = used;
    }
    let valid = match std::str::from_utf8(&text) {
        Ok(_) => text.len(),
        Err(e) => e.valid_up_to(),
    };
    text.truncate(valid);
    let blank = text.iter().all(|b| b.is_ascii_whitespace());
    (!blank).then_some(text)
}

/// The character of an entity or character reference whose name and `;` start `tail` (the
/// bytes after `&`), and the bytes after it.
fn reference(tail: &[u8]) -> Option<(char, &[u8])> {
    let semi = tail.iter().take(12).position(|&b| b == b';')?;
    let (name, after) = (tail.get(..semi)?, tail.get(semi.checked_add(1)?..)?);
    let c = match name {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        _ => {
            let digits = name.strip_prefix(b"#")?;
            let text = std::str::from_utf8(digits).ok()?;
            let code = match text.strip_prefix('x').or_else(|| text.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => text.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))?
        }
    };
    Some((c, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_entities_and_escapes_again() {
        let text = decode_text(b"Ann &amp; Bo &lt;x&gt; &#169;&#xE9; &bogus; a\x01b").unwrap();
        assert_eq!(text, "Ann & Bo <x> ©é &bogus; ab".as_bytes());
        let mut out = Vec::new();
        escape(&text, &mut out);
        assert_eq!(out, "Ann &amp; Bo &lt;x&gt; ©é &amp;bogus; ab".as_bytes());
        assert_eq!(decode_text(&out).unwrap(), text);
        assert_eq!(decode_text(b"  \n "), None);
        assert_eq!(decode_text(b"&#0;"), Some(b"&#0;".to_vec()));
    }

    #[test]
    fn cuts_at_a_character_boundary() {
        let long = "é".repeat(MAX_CREDIT);
        let text = decode_text(long.as_bytes()).unwrap();
        assert_eq!(text.len(), MAX_CREDIT);
        let odd = format!("a{long}");
        let text = decode_text(odd.as_bytes()).unwrap();
        assert_eq!(text.len(), MAX_CREDIT - 1);
        assert!(std::str::from_utf8(&text).is_ok());
    }
}
