//! Remove metadata from images without touching their pixels.
//!
//! # Overview
//! `imgstrip` walks an image's container (JPEG markers, PNG chunks, …), copies every unit
//! that is image and leaves out every unit that is metadata: EXIF (with GPS, maker notes and
//! thumbnails), XMP, IPTC, ICC profiles, comments, text, timestamps, and anything after the
//! image's end. No pixel is decoded or re-encoded, so the output shows exactly the same
//! picture, and is never larger than the input.
//!
//! # Example: strip bytes
//! ```
//! // A 1×1 PNG with a tEXt chunk naming its author.
//! let png: &[u8] = &[
//!     0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A,
//!     0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0,
//!     0x3A, 0x7E, 0x9B, 0x55,
//!     0, 0, 0, 11, b't', b'E', b'X', b't', b'A', b'u', b't', b'h', b'o', b'r', 0,
//!     b'E', b'v', b'e', b'!', 0xD0, 0x8A, 0x79, 0x90,
//!     0, 0, 0, 10, b'I', b'D', b'A', b'T', 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02,
//!     0x00, 0x01, 0x48, 0xAF, 0xA4, 0x71,
//!     0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
//! ];
//! let out = imgstrip::strip(png, imgstrip::Limits::default())?;
//! assert!(!out.windows(4).any(|w| w == b"Eve!"));
//! assert_eq!(out.len(), png.len() - 23);
//! # Ok::<(), imgstrip::Error>(())
//! ```
//! For options (keep the orientation or the colour profile, change the limits, return
//! over-limit inputs unchanged, see what was removed) use [`Stripper`].
//!
//! # Where the output goes
//! [`strip`] and [`Stripper::strip`] return a new `Vec`, allocated once at the size the
//! output can reach. [`Stripper::strip_into`] writes into a `Vec` the caller reuses from call
//! to call. [`Stripper::strip_to_slice`] writes into any `&mut [u8]` (a pool's slot, a memory
//! map) and allocates nothing for the output: a buffer of [`max_output_len`] bytes always
//! holds it, and one too short gives [`Error::OutputTooSmall`]. All three write the same
//! bytes and the same report.
//!
//! # What is removed
//! | format | stays | goes |
//! |---|---|---|
//! | JPEG | SOI; SOFn, SOS and DRI with exactly their defined length (8 + 3·Nf, 6 + 2·Ns, 4 bytes); DQT, DHT and DAC holding whole tables or entries; every scan's entropy-coded data (with RSTn); a DNL right after its frame's first scan, cut to 4 bytes; in a hierarchical file (a DHP before the first frame, differential SOF5–7/SOF13–15 frames after it) its DHP cut to 8 + 3·Nf bytes and one EXP before each later frame cut to 3 bytes; JPEG-LS SOF55/LSE; EOI; APP0 `JFIF` rewritten without its thumbnail; APP14 `Adobe` cut to its 12 defined bytes | SOI, SOFn, DHT, DQT, DAC, DRI, SOS and every scan's entropy-coded data (with RSTn), DNL, EOI; hierarchical DHP/EXP and JPEG-LS SOF55/LSE; APP0 `JFIF` rewritten without its thumbnail; APP14 `Adobe` cut to its 12 defined bytes, DNL anywhere but right after a frame's first scan, DHP and EXP in a file that is not hierarchical (and repeated or misplaced ones), bytes after the defined fields of DNL, DHP and EXP |
//! | PNG / APNG | IHDR, PLTE (a palette image's first 2^bit-depth entries), IDAT, IEND (without data); tRNS, gAMA, cHRM, sRGB, cICP, mDCV/mDCv, cLLI/cLLi, sBIT, bKGD, hIST, pHYs, acTL, fcTL, fdAT, each only where, once and as long as PNG defines it (a greyscale or truecolour tRNS cut to its 2 or 6 bytes); Apple's `CgBI` chunk before IHDR | tEXt, zTXt, iTXt, eXIf, zxIf, iCCP, tIME, sPLT, dSIG, caBX and every other ancillary chunk; a listed chunk of another length, a second copy or one out of place; palette entries past 2^bit-depth, and the PLTE of a greyscale image; data inside IEND; everything after IEND |
//! | GIF (87a, 89a, animated) | header, logical screen descriptor, global and local colour tables, image descriptors with their LZW data; graphic control extensions rewritten to their 4 data bytes; NETSCAPE2.0 / ANIMEXTS1.0 (exactly 11-byte header) cut to the loop sub-block `01 lo hi` | comment and plain-text extensions, every other application extension (XMP `XMP DataXMP`, ICC `ICCRGBG1012`, `MGK8BIM0000`, `MGKIPTC0000`, `ImageMagick`, `C2PA_GIF`, unknown, or a loop header that is not exactly 11 bytes), unknown extension labels, extra graphic control and loop sub-blocks and bytes (such as NETSCAPE buffering), everything after the trailer |
//! | BMP | file header (`bfSize`, `bfOffBits` rewritten, reserved fields zeroed), DIB header of every version (12, 16, 40, 52, 56, 64, 108, 124 bytes), bit masks, palette, pixel array (uncompressed, RLE4/8/24, Huffman); `BI_JPEG`/`BI_PNG` pixel data stripped as a JPEG/PNG | V5 embedded and linked colour profiles (colour space becomes `LCS_sRGB`), bytes between the palette and the pixel array, everything after the pixel array |
//! | WebP | VP8, VP8L, ALPH; VP8X with its flags rewritten; ANIM cut to its 6 defined bytes; ANMF frames (16-byte header, and inside only ALPH and the one VP8/VP8L image, size fixed) | ICCP, EXIF (with or without `Exif\0\0`), `XMP `, `XMP\0`, RIFF INFO text (ICMT, IART, …), unknown chunks at top level and inside ANMF frames, a second VP8/VP8L image chunk and every chunk after a frame's image, every chunk after the image of a simple file, extra VP8X/ANIM payload bytes, pad-byte contents, everything past the RIFF size |
//! | HEIF / HEIC / AVIF | `ftyp`; image items (`hvc1`, `hvt1`, `lhv1`, `avc1`, `jpeg`, `vvc1`, `mski`, `j2k1`, `unci`, `av01`, `grid`, `iovl`, `iden`, `tmap`, `sato`: thumbnails, alpha and depth auxiliaries and gain maps too) with every byte of their data, each `infe` holding only item ID, protection index, type and an empty name; the properties they use that describe the picture (`ispe`, `pasp`, nclx `colr`, `pixi`, `rloc`, `auxC`, `clap`, `irot`, `lsel`, `imir`, `iscl`, `rref`, `clli`, `mdcv`, `cclv`, `amve`, `reve`, `ndwt`, and the codec configurations `hvcC`, `lhvC`, `avcC`, `vvcC`, `av1C`, `a1op`, `a1lx`, `jpgC`, `j2kH`, `uncC`, `cmpd`, `cmpC`, `icef`, `cpat`, `cpal`, `splz`, `sbpm`, `snuc`, `cloc`, `mskC`, `oinf`, `tols`), a fixed-size one cut to its definition; `iref` entries and `altr`/`ster`/`pymd` groups between kept items; `dinf` in its self-contained form; image-sequence tracks (visual, and sound of a known coding) with every sample and only the boxes ISO/IEC 14496-12 needs to decode them; the `mini` box without its metadata chunks | items of every other type, for every image, with their bytes in `mdat`/`idat` and their `iinf`/`iloc`/`iref`/`ipma` entries (`Exif`, `mime` (XMP), `uri `, `iptc`, `jumb`, `xml `, unknown types); properties that do not describe the picture (ICC `colr` (`prof`, `rICC`), `udes`, `altt`, `crtt`, `mdft`, `itai`, `taic`, `cmin`, `cmex`, `elng`, `uuid`, unknown types) and unused ones; item names and any bytes after them, the `hdlr` name; `dinf` location strings and extra entries; other entity groups (bursts, brackets, albums, …); the metadata inside `jpeg` items; top-level `free`, `skip`, `udta`, `uuid`, `mpvd`, `sefd` and unknown boxes; in sequences, `udta`, `meta`, `iods`, sample groups and unknown boxes at every level of `moov`, timed-metadata and other non-picture tracks, creation times, handler names and `compressorname`; bytes no kept item or sample points at |
//!
//! Left, because they cannot change without re-encoding: JPEG quantisation and Huffman
//! tables and the restart interval, which can hint at the encoder that made the file.
//!
//! Decisions where the specification is silent:
//! - JPEG segments that carry the image keep exactly the length ITU T.81 defines. SOFn, SOS
//!   or DRI of any other length, DQT or DHT that do not end with a whole table (or hold a
//!   Huffman table of more than 256 codes, or a quantisation precision other than 0 or 1),
//!   and DAC that ends inside a 2-byte entry are [`Error::Malformed`] at the segment's length
//!   field: libjpeg-turbo refuses all of them ("Bogus marker length", "Bogus Huffman table
//!   definition"), as zune-jpeg and jpeg-decoder do, so there is no picture to keep, and
//!   cutting them would make a file decode that decoded nowhere before. DNL, DHP and EXP
//!   longer than their fields are cut to them (no decoder reads past those fields); shorter
//!   ones are [`Error::Malformed`]. A DNL stays only right after its frame's first scan
//!   (T.81 B.2.5); a DHP only before the first frame of a file in which a differential frame
//!   follows (T.81 Annex J), and an EXP only after the first frame of such a file, one per
//!   frame. Elsewhere they go; libjpeg-turbo skips a stray DNL without a warning.
//! - JPEG bytes between segments that are not a marker (some writers leave a few) are
//!   dropped, as libjpeg skips them. A second JFIF APP0 is rewritten like the first.
//! - A JPEG whose entropy-coded data ends before EOI keeps what is there
//!   ([`Report::truncated`]) and gets an EOI when the bytes removed leave room for it, so the
//!   output never grows (the input had no EOI either, so decoders read both alike). One that
//!   ends before its first scan is [`Error::Truncated`].
//! - PNG: a listed ancillary chunk stays only as libpng reads it: the first of its kind, in
//!   its place (cHRM, gAMA, sBIT, sRGB, cICP, mDCV and cLLI before PLTE and IDAT; tRNS, bKGD,
//!   hIST, pHYs and acTL before IDAT; tRNS, bKGD and hIST of a palette image after PLTE), and
//!   with the length PNG 3rd edition § 11.3 gives it (by colour type for tRNS, bKGD and
//!   sBIT; two bytes per palette entry for hIST; 26 for fcTL). Any other copy goes: libpng
//!   and image-png skip it whole, so no decoder shows anything different, while cutting it
//!   to its defined bytes would make them read it (a long acTL would turn a still image into
//!   an animation). The exception is a greyscale or truecolour tRNS longer than its 2 or 6
//!   bytes: image-png and Pillow read those bytes (libpng skips the chunk), so it is cut to
//!   them with a new CRC.
//! - PNG: a palette image keeps its first 2^bit-depth PLTE entries, the only ones a pixel
//!   can name; a greyscale image loses its PLTE; a palette image whose PLTE is repeated,
//!   comes after IDAT, or is not whole 3-byte entries is [`Error::Malformed`], as libpng
//!   refuses it. An IEND with data is written empty. A second IHDR, or a colour type and bit
//!   depth PNG does not define, is [`Error::Malformed`].
//! - PNG: an unknown critical chunk is [`Error::Unsupported`] at the offset of its type: a
//!   decoder must refuse it, leaving it out could change the picture, and copying it could
//!   carry anything. Apple's CgBI PNGs (a 4-byte `CgBI` chunk right after the signature) are
//!   stripped with that chunk kept, since the rest does not decode without it; any other
//!   `CgBI` is refused the same way.
//! - WebP: one image per file and per frame. A VP8/VP8L chunk after the first goes, and so
//!   does every chunk after a frame's VP8/VP8L: libwebp's demuxer stops reading a frame at
//!   its image and refuses a second one, and image-webp reads only the first. ALPH chunks
//!   are copied as they are.
//! - PNG chunk CRCs are copied, not checked: a decoder checks them as it did before.
//!   A PNG that ends before IEND is [`Error::Truncated`].
//! - [`Keep::ORIENTATION`] writes the minimal EXIF where the original EXIF stood (JPEG APP1,
//!   PNG eXIf), only when it held an orientation other than 1.
//! - [`Keep::ICC`] keeps every JPEG APP2 chunk whose signature is `ICC_PROFILE\0`, in order;
//!   a PNG `iCCP` is kept with its name replaced by `ICC profile`; HEIF ICC `colr` boxes.
//! - WebP: the RIFF size and ANMF sizes are rewritten. The VP8X alpha bit is copied from
//!   the input (libwebp reads it as `has_alpha`, and its demuxer ignores ALPH when it is
//!   clear, so changing it would change the decoded image); the animation bit is set exactly
//!   when ANIM or ANMF remains, ICC and EXIF bits exactly when a kept chunk remains; XMP and
//!   reserved bits are cleared. A chunk (with its pad byte) running past the RIFF payload is
//!   [`Error::Truncated`]; one running past its ANMF frame, or a file without a VP8/VP8L
//!   image, is [`Error::Malformed`]. Under [`Keep::ORIENTATION`] the minimal EXIF has no
//!   `Exif\0\0` prefix; a simple (VP8X-less) file whose EXIF or ICCP is kept by a [`Keep`]
//!   flag gets a VP8X (canvas from the bitstream header), the only case where a WebP output
//!   grows.
//! - GIF: a graphic control extension is written in its standard 4-byte form (a longer
//!   one could hide text; a shorter one is [`Error::Malformed`]); NETSCAPE2.0/ANIMEXTS1.0
//!   keeps only its loop sub-block; a plain-text extension goes but the graphic control
//!   extension before it stays (decoders that skip plain text apply it to the next image).
//!   A byte that starts no known block is [`Error::Malformed`]: browsers stop there while
//!   Pillow skips ahead, so no output could show everyone the same pixels. An input that
//!   ends before its trailer keeps every complete block ([`Report::truncated`]) and gets
//!   `3B` when the bytes removed leave room for it; with no complete image it is
//!   [`Error::Truncated`]. Each frame's own size is checked against the limits too, and
//!   frames are counted at each image separator, before the image is read.
//! - BMP: the pixel array is `stride × |height|` bytes uncompressed; RLE4/RLE8/RLE24 data is
//!   walked opcode by opcode to its end-of-bitmap marker; `BI_JPEG`/`BI_PNG` data is
//!   `biSizeImage` bytes (or the rest of the file when 0) and is stripped by the JPEG/PNG
//!   walker. `bfSize` is never trusted; `bfSize`, `bfOffBits` and `biSizeImage` are
//!   rewritten. Free fields that could carry a few bytes (the file header's reserved
//!   fields, `bV5Reserved`, OS/2 `usReserved`/`ulIdentifier`, V4/V5 endpoints and gamma
//!   unless the colour space is calibrated) are zeroed. A V4 header claiming a profile
//!   becomes `LCS_sRGB` too. With [`Keep::ICC`] an embedded V5 profile moves to just after
//!   the pixel array; a linked one (a path on the author's disk) always goes. Row padding
//!   bits and unused palette entries stay: changing them means touching pixel data.
//! - HEIF/AVIF files are rebuilt as `ftyp`, `meta`, `moov` (sequences), then one `mdat`
//!   holding exactly the bytes kept items and samples point at, in input order; every
//!   `iloc` extent and `stco`/`co64` entry is rewritten to point at the same bytes.
//! - Every HEIF unit stays only by an allow-list (ISO/IEC 23008-12 § 6.5, § 6.6; ISO/IEC
//!   14496-12 § 8; AVIF): an item of another type goes with its bytes, a property of a type
//!   the list does not name goes, a box that `meta` or `moov` does not need goes, and each
//!   kept `infe`, `pitm`, `dinf`, entity group, property and track box keeps only its defined
//!   fields (flags no standard defines become 0). Where leaving a unit out could change the
//!   picture, the file is refused with [`Error::Unsupported`] at that unit's offset: an
//!   unknown property a kept image marks essential in `ipma`; an item a kept image is
//!   derived from or decoded with (`dimg`, `pred`, `tbas`, `sbas`) that is not a kept image
//!   item; a primary item of an unknown type; a visual track of an unknown coding. Sound
//!   tracks of a known coding stay (they are content, not metadata); other non-picture
//!   tracks go.
//! - An image whose only `colr` was an ICC profile is left without `colr`: decoders then
//!   use the coded stream's colour description or sRGB (libheif's defaults: BT.709
//!   primaries, sRGB transfer, BT.601 matrix), and the decoded samples do not change.
//!   [`Keep::ICC`] (or [`Keep::DISPLAY`]) keeps the profile: exiftool stopped deleting
//!   HEIC profiles in 13.18 after Apple Preview refused some files without them.
//! - HEIF constructs that cannot be relocated exactly are [`Error::Unsupported`]:
//!   construction method 2, data in other files, protected items, extents of length 0,
//!   fragmented sequences, essential unknown properties, unknown derivation inputs and codings (above), and item or sample data outside every `mdat` (in `meta`, `moov`,
//!   a dropped box or bytes past the last whole box), which would carry those boxes'
//!   metadata into the output as pixels. A `mini` (low-overhead, `mif3`) box loses its Exif, XMP and ICC
//!   chunks with its header rewritten bit by bit.
//!
//! # Where lossless stripping stops
//! Every unit the walkers keep is on an allow-list, with the length and structure its
//! standard defines; anything else, or anything longer, goes (or is cut, or the file is
//! refused where leaving it out would change the picture). What is left is compressed image
//! data, and inside it a few places where bytes can sit that no decoder reads: after the
//! last Huffman-coded block of a JPEG scan (before its next marker), after the LZW end code
//! in a GIF image's data sub-blocks, after the coded image inside a WebP `VP8`/`VP8L` chunk,
//! after the end of the zlib stream in a PNG's IDAT data; and colour-table or palette entries
//! that no pixel uses.
//! Finding them means running the entropy decoder over every byte of every image, which is
//! what a full decode costs and what this crate exists not to do (it strips at the speed of
//! a memory copy, and never changes a pixel byte). A user who must rule out even those
//! bytes — a file from an adversary who crafted it to smuggle data through a stripper —
//! should re-encode the image (decode to pixels, encode anew) and accept the loss in
//! quality and speed that comes with it; a photo from a camera or phone has no such bytes.
//!
//! # Guarantees
//! - **lossless**: every compressed pixel byte is copied verbatim.
//! - **complete**: removed units leave no bytes behind, not even unreferenced ones.
//! - **safe**: any byte string gives `Ok` or a typed [`Error`]; no panic, no `unsafe`, no
//!   allocation beyond the output (input length plus 64 bytes) and, for HEIF, item tables
//!   bounded by the bytes that declare them.
//! - **stable**: stripping an output again gives the same bytes, and the output is never
//!   larger than the input unless a kept unit had to be rewritten larger.
//! - **detected by content**: [`detect`] reads magic bytes, never a file name.
//!
//! # Limits
//! [`Limits::default`] follows Tencent COS `imageMogr2`: input ≤ 32 MiB, each side
//! ≤ 50,000 px, ≤ 250 million pixels, WebP sides ≤ 16,383 px, width × height × frames
//! ≤ 250 million, GIF ≤ 300 frames. Each is checked as soon as its number is read.
//! [`Stripper::ignore_limit_errors`] returns an over-limit input unchanged instead.
//!
//! # Errors
//! One enum, [`Error`], whose variants carry the format and the byte offset of the problem:
//! `UnknownFormat`, `Truncated`, `Malformed`, `Unsupported`, `LimitExceeded`.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(unreachable_pub, clippy::missing_errors_doc)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::cast_possible_truncation,
        clippy::print_stdout,
        clippy::print_stderr
    )
)]

mod bmp;
mod crc32;
mod error;
mod exif;
mod format;
mod gif;
mod heif;
mod jpeg;
mod limits;
mod options;
mod out;
mod png;
mod reader;
mod report;
mod sink;
mod stripper;
mod webp;
mod work;

#[cfg(test)]
mod linear_tests;

pub use error::{Error, Limit};
pub use format::{detect, Format};
pub use limits::Limits;
pub use options::{Keep, ParseKeepError};
pub use report::{Kinds, Report};
pub use sink::max_output_len;
pub use stripper::{Stripped, Stripper};

/// Strips every piece of metadata from `input`, keeping nothing, under `limits`.
///
/// # Errors
/// [`Error::UnknownFormat`] when no supported signature is found; otherwise a
/// [`Error::Truncated`], [`Error::Malformed`], [`Error::Unsupported`] or
/// [`Error::LimitExceeded`] naming the format and byte offset.
///
/// ```
/// let err = imgstrip::strip(b"not an image", imgstrip::Limits::default()).unwrap_err();
/// assert_eq!(err, imgstrip::Error::UnknownFormat);
/// ```
pub fn strip(input: &[u8], limits: Limits) -> Result<Vec<u8>, Error> {
    Stripper::new().limits(limits).strip(input).map(|s| s.data)
}
