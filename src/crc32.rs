//! CRC-32 (ISO 3309, as PNG § 5.5 uses it) for the chunks imgstrip writes.

const TABLE: [u32; 256] = build_table();

// Runs at compile time only: an out-of-range index or overflow here fails the build.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]
const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// A running CRC-32.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Crc32(u32);

impl Crc32 {
    pub(crate) fn new() -> Self {
        Crc32(u32::MAX)
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        for &b in data {
            let i = usize::from(self.0.to_le_bytes()[0] ^ b);
            self.0 = TABLE.get(i).copied().unwrap_or(0) ^ (self.0 >> 8);
        }
    }

    pub(crate) fn finish(self) -> u32 {
        !self.0
    }
}

/// The CRC-32 of the concatenation of `parts`.
#[cfg(test)]
pub(crate) fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = Crc32::new();
    for part in parts {
        c.update(part);
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_known_values() {
        assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
        // The CRC of an IEND chunk, found at the end of every PNG.
        assert_eq!(crc32(&[b"IEND"]), 0xAE42_6082);
        assert_eq!(crc32(&[b"IE", b"ND"]), 0xAE42_6082);
    }
}
