//! Tests of the metadata finder: each mapping on a block built here, hostile blocks, and
//! the bounds (no panic on any bytes, linear work).
//!
//! The builders write what the tests say, right or wrong: wrong offsets, counts and lengths
//! are how the hostile tests are made.

mod bounds;
mod credit;
mod exif;
mod iptc;
mod xmp;

/// A TIFF value, encoded in the blob's byte order when it is built.
#[derive(Debug, Clone)]
pub(super) enum Val {
    /// A type and its bytes as they are (ASCII, BYTE, UNDEFINED).
    Raw(u16, Vec<u8>),
    Shorts(Vec<u16>),
    Longs(Vec<u32>),
    Rationals(Vec<(u32, u32)>),
    /// A LONG holding the offset of the IFD with this index in [`tiff`]'s list.
    Ifd(usize),
}

/// One IFD entry.
#[derive(Debug, Clone)]
pub(super) struct E {
    pub(super) tag: u16,
    pub(super) val: Val,
}

pub(super) fn ascii(tag: u16, text: &str) -> E {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    E {
        tag,
        val: Val::Raw(2, bytes),
    }
}

pub(super) fn undefined(tag: u16, bytes: &[u8]) -> E {
    E {
        tag,
        val: Val::Raw(7, bytes.to_vec()),
    }
}

pub(super) fn short(tag: u16, v: u16) -> E {
    E {
        tag,
        val: Val::Shorts(vec![v]),
    }
}

pub(super) fn long(tag: u16, v: u32) -> E {
    E {
        tag,
        val: Val::Longs(vec![v]),
    }
}

pub(super) fn rationals(tag: u16, v: &[(u32, u32)]) -> E {
    E {
        tag,
        val: Val::Rationals(v.to_vec()),
    }
}

pub(super) fn ifd_ptr(tag: u16, index: usize) -> E {
    E {
        tag,
        val: Val::Ifd(index),
    }
}

/// One IFD: its entries (written in this order) and the index of the next IFD.
#[derive(Debug, Clone, Default)]
pub(super) struct Ifd {
    pub(super) entries: Vec<E>,
    pub(super) next: Option<usize>,
}

pub(super) fn ifd(entries: Vec<E>) -> Ifd {
    Ifd {
        entries,
        next: None,
    }
}

pub(super) fn put16(out: &mut Vec<u8>, big: bool, v: u16) {
    out.extend_from_slice(&if big {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    });
}

pub(super) fn put32(out: &mut Vec<u8>, big: bool, v: u32) {
    out.extend_from_slice(&if big {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    });
}

/// The kind, count and bytes of a value; IFD pointers take the offsets in `at`.
fn encode(val: &Val, big: bool, at: &[usize]) -> (u16, u32, Vec<u8>) {
    let mut b = Vec::new();
    let (kind, count) = match val {
        Val::Raw(kind, bytes) => {
            b.extend_from_slice(bytes);
            (*kind, bytes.len())
        }
        Val::Shorts(v) => {
            v.iter().for_each(|&x| put16(&mut b, big, x));
            (3, v.len())
        }
        Val::Longs(v) => {
            v.iter().for_each(|&x| put32(&mut b, big, x));
            (4, v.len())
        }
        Val::Rationals(v) => {
            for &(n, d) in v {
                put32(&mut b, big, n);
                put32(&mut b, big, d);
            }
            (5, v.len())
        }
        Val::Ifd(i) => {
            put32(&mut b, big, u32::try_from(at[*i]).unwrap());
            (4, 1)
        }
    };
    (kind, u32::try_from(count).unwrap(), b)
}

fn ifd_len(ifd: &Ifd) -> usize {
    let data: usize = ifd
        .entries
        .iter()
        .map(|e| encode(&e.val, false, &[0; 64]).2.len())
        .filter(|&n| n > 4)
        .map(|n| n.next_multiple_of(2))
        .sum();
    2 + 12 * ifd.entries.len() + 4 + data
}

/// A TIFF blob (`MM` when `big`, else `II`): the header pointing at the first IFD, then each
/// IFD followed by its out-of-line values.
pub(super) fn tiff(big: bool, ifds: &[Ifd]) -> Vec<u8> {
    let mut at = Vec::new();
    let mut pos = 8;
    for i in ifds {
        at.push(pos);
        pos += ifd_len(i);
    }
    let mut out = if big {
        b"MM\0\x2A".to_vec()
    } else {
        b"II\x2A\0".to_vec()
    };
    put32(&mut out, big, 8);
    for (index, i) in ifds.iter().enumerate() {
        let data_at = at[index] + 2 + 12 * i.entries.len() + 4;
        let mut data = Vec::new();
        put16(&mut out, big, u16::try_from(i.entries.len()).unwrap());
        for e in &i.entries {
            let (kind, count, bytes) = encode(&e.val, big, &at);
            put16(&mut out, big, e.tag);
            put16(&mut out, big, kind);
            put32(&mut out, big, count);
            if bytes.len() <= 4 {
                let mut field = bytes.clone();
                field.resize(4, 0);
                out.extend_from_slice(&field);
            } else {
                put32(&mut out, big, u32::try_from(data_at + data.len()).unwrap());
                data.extend_from_slice(&bytes);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        put32(
            &mut out,
            big,
            i.next.map_or(0, |n| u32::try_from(at[n]).unwrap()),
        );
        out.extend_from_slice(&data);
    }
    out
}

/// An XMP packet whose `rdf:Description` has these attributes and this content, with the
/// usual namespace declarations.
pub(super) fn packet(attributes: &str, content: &str) -> Vec<u8> {
    format!(
        concat!(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n",
            " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n",
            "  <rdf:Description rdf:about=\"\"\n",
            "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n",
            "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n",
            "    {}>\n",
            "   {}\n",
            "  </rdf:Description>\n",
            " </rdf:RDF>\n",
            "</x:xmpmeta>\n",
            "<?xpacket end=\"w\"?>"
        ),
        attributes, content
    )
    .into_bytes()
}

/// One IPTC-IIM dataset with a standard (short) length.
pub(super) fn dataset(record: u8, number: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1C, record, number];
    out.extend_from_slice(&u16::try_from(value.len()).unwrap().to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// One Photoshop image resource: `8BIM`, id, Pascal name padded to even, size, padded data.
pub(super) fn resource(id: u16, name: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = b"8BIM".to_vec();
    out.extend_from_slice(&id.to_be_bytes());
    out.push(u8::try_from(name.len()).unwrap());
    out.extend_from_slice(name);
    if (name.len() + 1) % 2 == 1 {
        out.push(0);
    }
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}
