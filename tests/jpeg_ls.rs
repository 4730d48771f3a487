//! JPEG-LS (ITU-T T.87) through a real codec: CharLS, by way of Python's `imagecodecs`,
//! encodes, imgstrip strips, CharLS decodes both. A JPEG-LS scan stuffs a 0 bit after every
//! `FF` instead of a 0 byte, so `FF 00`–`FF 7F` are picture data there, where a JPEG
//! scan would have a (reserved) marker: the whole scan must stay. (Before, the scan ended
//! at the first such pair and most of the picture was cut off.)

mod common;

use imgstrip::{Kinds, Stripper};

/// Writes a JPEG-LS encoding of a test picture to standard output: `argv[1]` is the
/// picture (`rgb`, `gray`), `argv[2]` the NEAR parameter (0 is lossless).
const ENCODE: &str = "import sys, numpy as np, imagecodecs\n\
kind, near = sys.argv[1], int(sys.argv[2])\n\
rng = np.random.default_rng(7)\n\
x = np.linspace(0, 255, 160)\n\
planes = [np.add.outer(x, x) / 2, np.add.outer(x, -x) / 2 + 128, np.outer(np.sin(x / 9), np.cos(x / 7)) * 120 + 128]\n\
a = np.stack(planes, -1) if kind == 'rgb' else planes[2]\n\
a = (a + rng.random(a.shape) * 12).clip(0, 255).astype(np.uint8)\n\
sys.stdout.buffer.write(imagecodecs.jpegls_encode(a, level=near))";

/// CharLS's decoding of standard input: shape and a hash of the samples.
const DECODE: &str = "import sys, hashlib, imagecodecs\n\
a = imagecodecs.jpegls_decode(sys.stdin.buffer.read())\n\
print(a.shape, hashlib.sha256(a.tobytes()).hexdigest())";

fn python(script: &str, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut all = vec!["-c", script];
    all.extend_from_slice(args);
    common::run_with_input("python3", &all, input).expect("python3 with imagecodecs")
}

/// Whether python3 has imagecodecs with CharLS; a skip without it, a failure under CI.
fn ready() -> bool {
    let check = "import imagecodecs, sys; sys.exit(0 if imagecodecs.JPEGLS.available else 1)";
    common::tool_available(
        common::run_with_input("python3", &["-c", check], b"").is_some(),
        "python3 with imagecodecs (CharLS)",
        "JPEG-LS test",
    )
}

/// From the SOS marker to the end: the scan and EOI.
fn scan_and_after(jpeg: &[u8]) -> &[u8] {
    let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    &jpeg[sos..]
}

#[test]
fn jpeg_ls_scans_stay_whole_and_decode_to_the_same_samples() {
    if !ready() {
        return;
    }
    let canary = b"Exif\0\0CANARY-JPEG-LS";
    for (kind, near) in [("rgb", "0"), ("gray", "0"), ("rgb", "3")] {
        let encoded = python(ENCODE, &[kind, near], b"");
        let scan = scan_and_after(&encoded);
        let stuffed = scan
            .windows(2)
            .filter(|w| w[0] == 0xFF && w[1] < 0x80)
            .count();
        assert!(
            stuffed > 10,
            "{kind} NEAR={near}: the test needs FF 00–7F in the scan"
        );
        // An EXIF APP1 right after SOI, which must go while the scan stays.
        let mut input = encoded[..2].to_vec();
        let len = u16::try_from(canary.len() + 2).unwrap();
        input.extend_from_slice(&[0xFF, 0xE1]);
        input.extend_from_slice(&len.to_be_bytes());
        input.extend_from_slice(canary);
        input.extend_from_slice(&encoded[2..]);

        let out = Stripper::new().strip(&input).unwrap();
        assert!(out.report.removed.contains(Kinds::EXIF));
        assert!(!out.report.truncated, "{kind} NEAR={near}");
        assert!(common::find(&out.data, b"CANARY").is_none());
        assert_eq!(scan_and_after(&out.data), scan, "{kind} NEAR={near}");
        assert_eq!(
            python(DECODE, &[], &out.data),
            python(DECODE, &[], &encoded),
            "{kind} NEAR={near}"
        );
    }
}
