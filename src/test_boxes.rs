//! ISO BMFF boxes for unit tests (HEIF/AVIF and the JPEG XL container share the framing,
//! ISO/IEC 14496-12 § 4.2).

/// A box: 32-bit size, type, body.
pub(crate) fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(body.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// A box with a 64-bit `largesize` (size field 1).
pub(crate) fn bx64(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = 1u32.to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(&u64::try_from(body.len() + 16).unwrap().to_be_bytes());
    v.extend_from_slice(body);
    v
}
