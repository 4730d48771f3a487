//! Reading and writing boxes: bounds-checked field reads, the box lister, the box builders.

pub(super) type R<T> = Result<T, String>;

pub(super) fn get(data: &[u8], at: usize, len: usize) -> R<&[u8]> {
    at.checked_add(len)
        .and_then(|end| data.get(at..end))
        .ok_or_else(|| format!("{len} bytes at {at} are past the end"))
}

pub(super) fn uint(data: &[u8], at: usize, len: usize) -> R<u64> {
    Ok(get(data, at, len)?
        .iter()
        .fold(0, |a, &b| a << 8 | u64::from(b)))
}

pub(super) fn idx(v: u64) -> R<usize> {
    usize::try_from(v).map_err(|_| format!("{v} does not fit usize"))
}

/// A box: type, where it starts, where its body starts, where it ends.
#[derive(Debug, Clone, Copy)]
pub struct Bx {
    pub kind: [u8; 4],
    pub start: usize,
    pub body: usize,
    pub end: usize,
}

/// The boxes in `data[start..end]`.
pub fn boxes(data: &[u8], start: usize, end: usize) -> R<Vec<Bx>> {
    let mut v = Vec::new();
    let mut at = start;
    while at < end {
        if end - at < 8 && data[at..end].iter().all(|&b| b == 0) {
            break;
        }
        let size = uint(data, at, 4)?;
        let kind: [u8; 4] = get(data, at + 4, 4)?.try_into().unwrap();
        let (size, mut head) = match size {
            0 => ((end - at) as u64, 8),
            1 => (uint(data, at + 8, 8)?, 16),
            s => (s, 8),
        };
        if &kind == b"uuid" {
            head += 16;
        }
        let size = idx(size)?;
        if size < head || at + size > end {
            return Err(format!("box {} at {at} has a bad size {size}", name(&kind)));
        }
        v.push(Bx {
            kind,
            start: at,
            body: at + head,
            end: at + size,
        });
        at += size;
    }
    Ok(v)
}

pub fn name(kind: &[u8; 4]) -> String {
    String::from_utf8_lossy(kind).into_owned()
}

pub(super) fn children(data: &[u8], b: &Bx, skip: usize) -> R<Vec<Bx>> {
    boxes(data, b.body + skip, b.end)
}

pub(super) fn first(list: &[Bx], kind: &[u8; 4]) -> Option<Bx> {
    list.iter().find(|b| &b.kind == kind).copied()
}

/// `size type body`.
pub fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(body.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// A full box: version, 24-bit flags, body.
pub fn full(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    bx(
        kind,
        &[&[version][..], &flags.to_be_bytes()[1..], body].concat(),
    )
}
