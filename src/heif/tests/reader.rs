//! An independent reader: top-level boxes, then item data through iloc (and idat).

use super::*;

pub(super) fn be(b: &[u8]) -> u64 {
    b.iter().fold(0, |a, &x| a << 8 | u64::from(x))
}

/// `(type, start of body, end)` of each box in `data[start..end]`.
pub(super) fn boxes(data: &[u8], mut at: usize, end: usize) -> Vec<([u8; 4], usize, usize)> {
    let mut v = Vec::new();
    while at + 8 <= end {
        let size = be(&data[at..at + 4]) as usize;
        let kind: [u8; 4] = data[at + 4..at + 8].try_into().unwrap();
        let (size, head) = match size {
            0 => (end - at, 8),
            1 => (be(&data[at + 8..at + 16]) as usize, 16),
            s => (s, 8),
        };
        v.push((kind, at + head, at + size));
        at += size;
    }
    v
}

pub(super) fn child(
    data: &[u8],
    start: usize,
    end: usize,
    kind: &[u8; 4],
) -> Option<(usize, usize)> {
    boxes(data, start, end)
        .into_iter()
        .find(|b| &b.0 == kind)
        .map(|b| (b.1, b.2))
}

/// The meta box's `(body start after version/flags, end)`.
fn meta_of(data: &[u8]) -> (usize, usize) {
    let (s, e) = child(data, 0, data.len(), b"meta").expect("meta");
    (s + 4, e)
}

/// Every item's data, by id, as a reader would resolve it.
pub(super) fn resolve(data: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let (ms, me) = meta_of(data);
    let (ls, le) = child(data, ms, me, b"iloc").expect("iloc");
    let idat = child(data, ms, me, b"idat")
        .map(|(s, e)| &data[s..e])
        .unwrap_or_default();
    let b = &data[ls..le];
    let version = b[0];
    let (os, ln, bs, is) = (
        usize::from(b[4] >> 4),
        usize::from(b[4] & 15),
        usize::from(b[5] >> 4),
        usize::from(b[5] & 15),
    );
    let is = if version == 0 { 0 } else { is };
    let ids = if version == 2 { 4 } else { 2 };
    let mut p = 6;
    let count = be(&b[p..p + ids]);
    p += ids;
    let mut items = Vec::new();
    for _ in 0..count {
        let id = be(&b[p..p + ids]) as u32;
        p += ids;
        let method = if version > 0 {
            p += 2;
            be(&b[p - 2..p]) & 15
        } else {
            0
        };
        p += 2;
        let base = be(&b[p..p + bs]);
        p += bs;
        let n = be(&b[p..p + 2]);
        p += 2;
        let mut bytes = Vec::new();
        for _ in 0..n {
            p += is;
            let off = (base + be(&b[p..p + os])) as usize;
            let len = be(&b[p + os..p + os + ln]) as usize;
            p += os + ln;
            let src = if method == 1 { idat } else { data };
            bytes.extend_from_slice(&src[off..off + len]);
        }
        items.push((id, bytes));
    }
    items
}

pub(super) fn item(data: &[u8], id: u32) -> Option<Vec<u8>> {
    resolve(data).into_iter().find(|i| i.0 == id).map(|i| i.1)
}

/// The raw bytes of a meta child, header included.
pub(super) fn meta_child(data: &[u8], kind: &[u8; 4]) -> Option<Vec<u8>> {
    let (ms, me) = meta_of(data);
    boxes(data, ms, me)
        .into_iter()
        .find(|b| &b.0 == kind)
        .map(|(_, s, e)| {
            let head = if data[s - 4..s] == *kind { 8 } else { 16 };
            data[s - head..e].to_vec()
        })
}

pub(super) fn top_kinds(data: &[u8]) -> Vec<[u8; 4]> {
    boxes(data, 0, data.len())
        .into_iter()
        .map(|b| b.0)
        .collect()
}

/// Strips, checks the promises every output keeps, and returns the output.
pub(super) fn stripped(input: &[u8]) -> Vec<u8> {
    let out = strip(input).unwrap();
    assert!(
        out.len() <= input.len(),
        "grew {} -> {}",
        input.len(),
        out.len()
    );
    assert_eq!(strip(&out).unwrap(), out, "not idempotent");
    assert_eq!(crate::detect(&out), crate::detect(input));
    out
}
