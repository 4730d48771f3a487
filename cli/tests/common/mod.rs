//! What the command-line tests share: the binary, scratch folders, running it, and small
//! images built from byte literals, each with a canary that must not survive a strip.

#![allow(dead_code)] // each test file uses its own share of these

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const CANARY: &[u8] = b"CANARY-7f3a";

/// The binary cargo built for these tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_imgstrip"))
}

/// A fresh empty folder for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `imgstrip ARGS` in `dir` (paths in `args` are relative to it).
pub fn strip(dir: &Path, args: &[&str]) -> Output {
    let o = Command::new(bin()).args(args).current_dir(dir).output();
    o.unwrap()
}

/// Runs `imgstrip inspect ARGS` in `dir`.
pub fn inspect(dir: &Path, args: &[&str]) -> Output {
    strip(dir, &[&["inspect"][..], args].concat())
}

/// Writes each `(name, bytes)` into `dir`, creating folders on the way.
pub fn put(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

pub fn read(dir: &Path, name: &str) -> Vec<u8> {
    fs::read(dir.join(name)).unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The names in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The image units of the test JPEG: SOF0 1×1, SOS, entropy-coded data, EOI.
pub const JPEG_IMAGE: &[u8] = &[
    0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, // SOF0
    0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, // SOS
    0x12, 0x34, // entropy-coded data
    0xFF, 0xD9, // EOI
];

pub fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 2).unwrap();
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(body);
    s
}

/// SOI, APP1 Exif (an empty little-endian IFD followed by the canary), COM canary, image.
pub fn jpeg() -> Vec<u8> {
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(CANARY);
    let mut v = vec![0xFF, 0xD8];
    v.extend(segment(0xE1, &exif));
    v.extend(segment(0xFE, CANARY));
    v.extend_from_slice(JPEG_IMAGE);
    v
}

pub fn stripped_jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    v.extend_from_slice(JPEG_IMAGE);
    v
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

pub fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(body);
    c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
    c
}

/// A 1×1 grey PNG with a tEXt chunk holding the canary; also returns the stripped form.
pub fn png() -> (Vec<u8>, Vec<u8>) {
    let sig = b"\x89PNG\r\n\x1a\n".to_vec();
    let ihdr = chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    // zlib: one stored block holding filter byte 0 and pixel 0, then the Adler-32.
    let idat = chunk(
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0, 0, 0, 2, 0, 1],
    );
    let iend = chunk(b"IEND", &[]);
    let mut text = b"Author\0".to_vec();
    text.extend_from_slice(CANARY);
    let full = [&sig[..], &ihdr, &chunk(b"tEXt", &text), &idat, &iend].concat();
    let stripped = [sig, ihdr, idat, iend].concat();
    (full, stripped)
}

/// A truncated JPEG (cut inside a COM segment).
pub const BAD_JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x40, b'x'];

/// `in/` with images two levels down, a note, a bad file, and links out of and within the
/// tree; `outside.jpg` and `outdir/` beside it.
pub fn tree(dir: &Path) {
    use std::os::unix::fs::symlink;
    put(
        dir,
        &[
            ("in/a.jpg", &jpeg()),
            ("in/bad.jpg", BAD_JPEG),
            ("in/notes.txt", b"hello"),
            ("in/sub/b.png", &png().0),
            ("in/sub/deeper/c.jpg", &jpeg()),
            ("outside.jpg", &jpeg()),
            ("outdir/d.jpg", &jpeg()),
        ],
    );
    symlink("../../outside.jpg", dir.join("in/sub/link.jpg")).unwrap();
    symlink("../outdir", dir.join("in/linkdir")).unwrap();
    symlink("a.jpg", dir.join("in/alias.jpg")).unwrap();
}
