//! The two digests COS gives an object: its MD5 (the ETag) and its CRC-64/XZ
//! (`x-cos-hash-crc64ecma`, which the SDKs compare after a download).

use md5::{Digest as _, Md5};

/// CRC-64/XZ (ECMA-182 polynomial, reflected, initial value and final XOR all ones), one
/// byte at a time from a table built at compile time.
const CRC64_TABLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xC96C_5795_D787_0F42
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// Both digests, fed piece by piece.
#[derive(Debug, Clone)]
pub struct Digests {
    md5: Md5,
    crc: u64,
}

/// An object's digests: MD5 in lower-case hex, CRC-64 as the decimal COS writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sums {
    pub md5: String,
    pub md5_bytes: [u8; 16],
    pub crc64: String,
}

impl Default for Digests {
    fn default() -> Self {
        Digests {
            md5: Md5::new(),
            crc: !0,
        }
    }
}

impl Digests {
    pub fn update(&mut self, bytes: &[u8]) {
        self.md5.update(bytes);
        let mut crc = self.crc;
        for &b in bytes {
            crc = CRC64_TABLE[usize::from((crc as u8) ^ b)] ^ (crc >> 8);
        }
        self.crc = crc;
    }

    pub fn finish(self) -> Sums {
        let md5_bytes: [u8; 16] = self.md5.finalize().into();
        Sums {
            md5: crate::cos::hex(&md5_bytes),
            md5_bytes,
            crc64: (!self.crc).to_string(),
        }
    }

    /// The MD5 of `bytes` in lower-case hex: the ETag COS gives a simple upload.
    pub fn md5_hex(bytes: &[u8]) -> String {
        crate::cos::hex(&Md5::digest(bytes))
    }

    /// The digests of `bytes`.
    pub fn of(bytes: &[u8]) -> Sums {
        let mut d = Digests::default();
        d.update(bytes);
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_xz_check_value_and_md5() {
        // The catalogue's check value: CRC-64/XZ of "123456789".
        let sums = Digests::of(b"123456789");
        assert_eq!(sums.crc64, 0x995D_C9BB_DF19_39FAu64.to_string());
        assert_eq!(sums.md5, "25f9e794323b453885f5181f1b624d0b");
        let mut split = Digests::default();
        split.update(b"1234");
        split.update(b"56789");
        assert_eq!(split.finish(), sums);
    }
}
