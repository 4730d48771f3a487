//! What stays and what goes in each format, what each [`Keep`] flag keeps, and the decisions
//! taken where the behaviour specification is silent.
//!
//! This module holds no code: it is the reference behind [`strip`] and [`Stripper`].
//!
//! Every unit a walker keeps is on an allow-list, with the length and structure its standard
//! defines. Anything else goes; a unit longer than its definition is cut to it (with a new
//! CRC where it has one) or goes, as the format's decoders read it (the sections below say
//! which); and where leaving a unit out would change the picture (an unknown critical PNG
//! chunk, an unknown HEIF property that a kept image marks essential) the file is refused
//! with [`Error::Unsupported`], never copied. What that leaves is compressed image
//! data: [where lossless stripping stops](#where-lossless-stripping-stops) says what can
//! still hide there.
//!
//! Formats not listed here (TIFF, …) are not recognised: [`Error::UnknownFormat`].
//!
//! # The rules, per format
//! With no [`Keep`] flags (see [Keep flags](#keep-flags) for what they add back):
//!
//! | format | stays | goes |
//! |---|---|---|
//! | JPEG | SOI; SOFn, SOS and DRI with exactly their defined length (8 + 3·Nf, 6 + 2·Ns, 4 bytes); DQT, DHT and DAC holding whole tables or entries; every scan's entropy-coded data (with RSTn); a DNL right after its frame's first scan, cut to 4 bytes; in a hierarchical file (a DHP before the first frame, differential SOF5–7/SOF13–15 frames after it) its DHP cut to 8 + 3·Nf bytes and one EXP before each later frame cut to 3 bytes; JPEG-LS SOF55/LSE; EOI; APP0 `JFIF` rewritten without its thumbnail; APP14 `Adobe` cut to its 12 defined bytes | APP1 (Exif, XMP, extended XMP), APP2 (ICC, MPF, FlashPix), APP3–APP13 (APP13 holds Photoshop resources and IPTC), APP15, every other APP0 (JFXX thumbnails, AVI1, …) and the JFIF thumbnail, APP14 other than `Adobe` and an Adobe APP14's bytes after its 12, COM, the reserved JPGn and RES markers, RSTn and TEM outside a scan, fill bytes and any other bytes between segments; a DNL anywhere but right after a frame's first scan, DHP and EXP in a file that is not hierarchical (and repeated or misplaced ones), bytes after the defined fields of DNL, DHP and EXP; everything after the first EOI (MPF secondary images with their own EXIF, gain maps unless [`Keep::GAIN_MAP`] keeps one, vendor trailers, motion-photo video) |
//! | PNG / APNG | IHDR, PLTE (a palette image's first 2^bit-depth entries; a truecolour image's suggested palette as it is), IDAT, IEND (without data); tRNS, gAMA, cHRM, sRGB, cICP, mDCV/mDCv, cLLI/cLLi, sBIT, bKGD, hIST, pHYs, acTL, fcTL, fdAT, each only where, once and as long as PNG defines it (a greyscale or truecolour tRNS cut to its 2 or 6 bytes); Apple's `CgBI` chunk before IHDR | tEXt, zTXt, iTXt (any keyword: XMP, `Raw profile type …` hex dumps, AI prompts), eXIf, zxIf, iCCP, tIME, sPLT (its name is free text), dSIG, caBX and every other ancillary chunk; a listed chunk of another length, a second copy or one out of place; palette entries past 2^bit-depth, the PLTE of a greyscale image, and a repeated, misplaced or broken PLTE of a truecolour image; data inside IEND; everything after IEND (where a cropped screenshot's original pixels can sit: the "acropalypse" leak) |
//! | GIF (87a, 89a, animated) | header, logical screen descriptor, global and local colour tables, image descriptors with their LZW data; graphic control extensions rewritten to their 4 data bytes; NETSCAPE2.0 / ANIMEXTS1.0 (exactly 11-byte header) cut to the loop sub-block `01 lo hi` | comment and plain-text extensions, every other application extension (XMP `XMP DataXMP`, ICC `ICCRGBG1012`, `MGK8BIM0000`, `MGKIPTC0000`, `ImageMagick`, `C2PA_GIF`, unknown, or a loop header that is not exactly 11 bytes), unknown extension labels, extra graphic control and loop sub-blocks and bytes (such as NETSCAPE buffering), a loop extension without a loop sub-block, everything after the trailer |
//! | WebP | VP8, VP8L, ALPH; VP8X cut to its 10 bytes, flags rewritten; the first ANIM cut to its 6 defined bytes; ANMF frames (16-byte header with the reserved flag bits cleared, and inside only ALPH and the one VP8/VP8L image, size fixed) | ICCP, EXIF (with or without `Exif\0\0`), `XMP `, `XMP\0`, RIFF INFO text (ICMT, IART, …), unknown chunks at top level and inside ANMF frames, a second VP8/VP8L image chunk and every chunk after a frame's image, every chunk after the image of a simple file, a second ANIM, extra VP8X/ANIM payload bytes, pad-byte contents, everything past the RIFF size |
//! | BMP | file header (`bfSize`, `bfOffBits` rewritten, reserved fields zeroed), DIB header of every version (12, 16, 40, 52, 56, 64, 108, 124 bytes) with `biSizeImage` rewritten and its free fields zeroed, bit masks, palette (up to `bfOffBits`), pixel array (uncompressed, RLE4/8/24, Huffman); `BI_JPEG`/`BI_PNG` pixel data stripped as a JPEG/PNG | V5 embedded and linked colour profiles (colour space becomes `LCS_sRGB`, profile offset and size zero), bytes between the palette and the pixel array, padding after the pixel rows and bytes after an RLE end-of-bitmap marker, everything after the pixel array |
//! | HEIF / HEIC / AVIF | `ftyp`; image items (`hvc1`, `hvt1`, `lhv1`, `avc1`, `jpeg`, `vvc1`, `mski`, `j2k1`, `unci`, `av01`, `grid`, `iovl`, `iden`, `tmap`, `sato`: thumbnails, alpha and depth auxiliaries and gain maps too) with every byte of their data, each `infe` holding only item ID, protection index, type and an empty name; the properties they use that describe the picture (`ispe`, `pasp`, nclx `colr`, `pixi`, `rloc`, `auxC`, `clap`, `irot`, `lsel`, `imir`, `iscl`, `rref`, `clli`, `mdcv`, `cclv`, `amve`, `reve`, `ndwt`, and the codec configurations `hvcC`, `lhvC`, `avcC`, `vvcC`, `av1C`, `a1op`, `a1lx`, `jpgC`, `j2kH`, `uncC`, `cmpd`, `cmpC`, `icef`, `cpat`, `cpal`, `splz`, `sbpm`, `snuc`, `cloc`, `mskC`, `oinf`, `tols`), a fixed-size one cut to its definition; `iref` entries and `altr`/`ster`/`pymd` groups between kept items; `dinf` in its self-contained form; image-sequence tracks (visual, and sound of a known coding) with every sample and only the boxes ISO/IEC 14496-12 needs to decode them; the `mini` box without its metadata chunks | items of every other type, for every image, with their bytes in `mdat`/`idat` and their `iinf`/`iloc`/`iref`/`ipma` entries (`Exif`, `mime` (XMP), `uri `, `iptc`, `jumb`, `xml `, unknown types; [`Keep::COPYRIGHT`] and [`Keep::GAIN_MAP`] write fresh `Exif`/XMP items instead); properties that do not describe the picture (ICC `colr` (`prof`, `rICC`), `udes`, `altt`, `crtt`, `mdft`, `itai`, `taic`, `cmin`, `cmex`, `elng`, `free`, `skip`, `uuid`, unknown types) and unused ones; item names and any bytes after them, the `hdlr` name; `dinf` location strings and extra entries; other entity groups (bursts, brackets, albums, …); the metadata inside `jpeg` items stored in `mdat`; top-level `free`, `skip`, `udta`, `uuid`, `mpvd`, `sefd`, `jumb`, `meco`, `xml `, `bxml` and unknown boxes; in sequences, `udta`, `meta`, `iods`, sample groups and unknown boxes at every level of `moov`, timed-metadata and other non-picture tracks, creation times, handler names and `compressorname`; bytes no kept item or sample points at |
//! | JPEG XL | a bare codestream (`FF 0A`) as it is; in the container (ISO/IEC 18181-2): the `JXL ` signature box and `ftyp` (first and second), `jxll`, the codestream (`jxlc`, or every `jxlp` byte for byte in index order), the first `jxli` frame index (its offsets count in the codestream, which no strip changes) | `Exif`, `xml ` (XMP), `jumb` (JUMBF, C2PA), `brob` (Brotli-compressed, whatever it wraps), `jbrd` (it rebuilds the original JPEG, its APPn segments and comments included), `jhgm` (a gain map) unless [`Keep::GAIN_MAP`], `free`, `skip`, a second `jxli`, unknown boxes |
//!
//! The details of each row, and the cases the table leaves out, are under
//! [decisions](#decisions-where-the-specification-is-silent).
//!
//! # Keep flags
//! By default nothing is kept. Each [`Keep`] flag keeps what it names, in the least that
//! still does its job; [`Keep::DISPLAY`] is [`Keep::ORIENTATION`] `|` [`Keep::ICC`] `|`
//! [`Keep::GAIN_MAP`]: what a viewer needs to show the picture as its author saw it, and
//! nothing that identifies the author. It is the choice for photos: a photo that comes out
//! rotated, with dull colours or without its HDR is the usual reason people turn stripping
//! off.
//!
//! | format | [`Keep::ORIENTATION`] | [`Keep::ICC`] | [`Keep::GAIN_MAP`] |
//! |---|---|---|---|
//! | JPEG | the first APP1 Exif whose Orientation is not 1 is replaced, where it stood, by a minimal EXIF holding only that tag | every APP2 segment whose signature is `ICC_PROFILE\0`, in order (chosen by signature, never by marker number: APP2 also carries MPF) | the gain-map JPEG of an Ultra HDR / ISO 21496-1 file, after the primary's EOI, stripped by these rules with nothing of its own kept but a fresh XMP holding only its `hdrgm:` fields (Version, BaseRenditionIsHDR, HDRCapacityMin/Max, GainMapMin/Max, Gamma, OffsetSDR/HDR, values copied when they are plain numbers or booleans) and its ISO 21496-1 APP2 byte for byte; the primary gets, before its frame header, a fresh XMP (`hdrgm:Version` and, when the input's XMP had one, a GContainer directory with the new gain-map length; only when the gain map has `hdrgm:` fields and the input declared it in XMP or has no ISO 21496-1 pair), its version-only ISO 21496-1 APP2, and a fresh MPF index of the two images; an Apple HDR JPEG's gain map likewise, with a fresh XMP of its Apple fields (`apdi:AuxiliaryImageType`, `NativeFormat`, `StoredFormat`, `HDRGainMap:HDRGainMapVersion`, `HDRGainMapHeadroom`) and the primary the fresh MPF and, when its Apple maker note had the headroom, a fresh EXIF whose maker note holds only HDRHeadroom and HDRGain (see [JPEG](#jpeg)) |
//! | PNG / APNG | the first eXIf (with or without an `Exif\0\0` prefix) whose Orientation is not 1 is replaced, where it stood, by a minimal eXIf; zxIf still goes | the first iCCP, its profile name (free text) replaced by `ICC profile`, with a new CRC; later ones go | nothing to keep |
//! | GIF | nothing to keep | the `ICCRGBG1012` application extension, as it is | nothing to keep |
//! | WebP | the first EXIF whose Orientation is not 1 is replaced by a minimal EXIF, without the `Exif\0\0` prefix (as libwebp writes it) | the first ICCP | nothing to keep |
//! | BMP | nothing to keep | a V5 embedded profile, moved to just after the pixel array (its offset rewritten); a linked profile (a path on the author's disk) always goes | nothing to keep |
//! | HEIF / HEIC / AVIF | nothing to keep: `irot` and `imir` carry the orientation and stay whatever the flags | ICC `colr` properties (`prof`, `rICC`), ICC `colr` boxes in sequence sample entries, the `mini` box's ICC and tone-map ICC chunks | gain-map (`tmap`) and auxiliary images stay whatever the flags; an Apple HDR gain-map item (HEIC, iPhone) gets a fresh XMP item holding only its Apple fields (`HDRGainMap:HDRGainMapVersion`, `HDRGainMapHeadroom`, and the `apdi:` fields the JPEG path keeps, each when present), describing it by `cdsc` (see [HEIF](#heif--heic--avif)) |
//! | JPEG XL | nothing to keep: the orientation is in the codestream header and stays whatever the flags (an `Exif` box's Orientation, which decoders ignore for JPEG XL, goes) | nothing to keep: the colour encoding or ICC profile is in the codestream header and stays whatever the flags | the `jhgm` gain-map box (libjxl 0.11), byte for byte |
//!
//! An input whose EXIF holds no orientation, or orientation 1, gets no EXIF at all. A simple
//! WebP file that keeps an EXIF or ICCP becomes an extended one (see [WebP](#webp)). Only
//! keep flags can make the output larger than the input, and by at most 64 bytes
//! ([`max_output_len`]).
//!
//! [`Keep::COPYRIGHT`] (not part of [`Keep::DISPLAY`]) keeps the author's credit in fresh,
//! minimal blocks built from the input's values, never the original blocks:
//!
//! | format | EXIF `Artist`, `Copyright` | XMP `dc:creator`, `dc:rights` |
//! |---|---|---|
//! | JPEG | the first APP1 Exif holding a kept field is replaced, where it stood, by a minimal EXIF whose IFD0 holds Artist, Copyright and (with [`Keep::ORIENTATION`]) Orientation | the first standard XMP APP1 holding credit is replaced, where it stood, by a fresh packet holding only it; extended XMP goes. With a kept gain map the primary's XMP is the gain map's, and the XMP credit goes ([`Report::not_kept`]) |
//! | PNG / APNG | the first eXIf, as for JPEG | the first uncompressed iTXt `XML:com.adobe.xmp`, rewritten uncompressed; compressed packets (zTXt/iTXt, ImageMagick's `Raw profile type xmp`) cannot be read here and go ([`Report::not_kept`]). PNG's own credit, the first `Author` and the first `Copyright` text chunk (tEXt, or uncompressed iTXt), is written anew as `keyword NUL text` (an iTXt without its language tag and translated keyword; the text up to its first NUL, at most 1,023 bytes, not blank); a compressed one (zTXt, compressed iTXt) goes ([`Report::not_kept`]) |
//! | WebP | the first EXIF, as for JPEG (no `Exif\0\0` prefix) | the first `XMP ` chunk, with the VP8X XMP flag set; a simple file becomes extended |
//! | GIF, BMP | cannot carry it: [`Report::not_kept`] when the input named a person | as for EXIF |
//! | HEIF / HEIC / AVIF | a new `Exif` item (offset 0, then a minimal TIFF as for JPEG, without Orientation: `irot`/`imir` carry it) built from the first `Exif` item describing the primary image that holds a kept field; a file without `meta` and a primary item (a sequence alone, a `mini` box) or whose item ids are used up keeps none ([`Report::not_kept`], see [HEIF](#heif--heic--avif)) | a new `mime` item of type `application/rdf+xml` holding the fresh packet, built from the first XMP item describing the primary image that holds credit; as for EXIF otherwise |
//! | JPEG XL | not written yet: [`Report::not_kept`] when the input named a person | as for EXIF |
//!
//! - EXIF values are read from IFD0 as ASCII (type 2), not blank (a byte other than NUL or
//!   space), and copied byte for byte up to 1,023 bytes, then NUL-terminated; the TIFF is
//!   big-endian, its values at even offsets, with no next IFD. XMP values are the text of
//!   each `rdf:li` item (or the property's own text or attribute), entities resolved, control
//!   characters left out, cut to 1 KiB of whole UTF-8 characters, at most 16 creators, the
//!   `x-default` rights item (else the first), then escaped again for XML. A UTF-16 or UTF-32
//!   packet is not read ([`Report::not_kept`]).
//! - The fresh blocks may make the output longer than the input, but never longer than
//!   [`max_output_len`]: when they would, the strip is done again without the credit and
//!   [`Report::not_kept`] holds [`Keep::COPYRIGHT`] (in HEIF, when that is still too long,
//!   again without a gain map's fresh XMP, and [`Keep::GAIN_MAP`] is reported too).
//!
//! # Decisions where the specification is silent
//!
//! ## JPEG
//! - Segments that carry the image keep exactly the length ITU T.81 defines. SOFn, SOS or
//!   DRI of any other length, DQT or DHT that do not end with a whole table (or hold a
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
//! - Every scan of a progressive file is walked, so metadata segments between scans go too.
//! - Bytes between segments that are not a marker (some writers leave a few) are dropped, as
//!   libjpeg skips them; so are fill bytes (`FF` padding) before a marker, and RSTn or TEM
//!   markers outside a scan. Inside a scan, stuffed `FF 00` and RSTn stay with the data, and
//!   so do TEM and RES (`FF 01`–`FF BF`): only a marker that can follow a scan (`C0`–`FE`
//!   but RSTn) ends one. In a JPEG-LS scan (T.87) `FF 00`–`FF 7F` are bit-stuffed picture
//!   data; in a JPEG scan a TEM or RES is damage (a block of `FF`s from a failing card),
//!   past which libjpeg resynchronises at the next RSTn and decodes the rest, so the bytes
//!   after it are picture too.
//! - Every JFIF APP0 is rewritten the same way (its thumbnail sizes zeroed, the thumbnail
//!   left out); a JFIF APP0 shorter than its 14 defined bytes, or an Adobe APP14 shorter than
//!   its 12, goes.
//! - A JPEG whose entropy-coded data ends before EOI keeps what is there
//!   ([`Report::truncated`]) and gets an EOI when the bytes removed leave room for it, so the
//!   output never grows (the input had no EOI either, so decoders read both alike). One that
//!   ends before its first scan is [`Error::Truncated`]. A second SOI, an EOI before the
//!   first scan, or a scan before any frame header is [`Error::Malformed`].
//!
//! - With [`Keep::GAIN_MAP`], a gain map is kept only when the primary declares it and
//!   every description agrees. Declared: the primary's first MPF APP2 has an MP Index whose
//!   second MP Entry is a JPEG (image data format 0), and its first standard XMP has
//!   `hdrgm:Version` or a GContainer `Container:Item` with `Item:Semantic="GainMap"` (read in
//!   the attribute form every writer uses), or it carries a well-formed ISO 21496-1 APP2.
//!   Agreeing: that entry's offset (from the MPF TIFF header) and size lie inside the input,
//!   after the primary's EOI, at an SOI; a GContainer `Item:Length` equals the entry's size;
//!   the gain map reaches its EOI, strips without error under the same limits, and carries
//!   gain-map metadata: an XMP binding `hdrgm` to `http://ns.adobe.com/hdr-gain-map/1.0/`
//!   with Version, GainMapMax and HDRCapacityMax, every `hdrgm:` field a plain decimal
//!   number (per-channel fields: one, or an `rdf:Seq` of three) or `True`/`False`, and/or
//!   an ISO 21496-1 APP2 whose payload is exactly as long as its flags say (minimum version
//!   0; libultrahdr `gainmapmetadata.cpp`). Otherwise the gain map goes, as without the
//!   flag: an XMP field that is not a plain value makes the whole XMP unusable, a malformed
//!   ISO APP2 is left out (the gain map stays if its XMP carries it), and the primary's
//!   ISO APP2 stays only when the gain map has one.
//! - The kept gain map is the one MP Entry names, from its SOI up to its size (bytes after
//!   its EOI go); every other MPF image, trailer and byte after the primary goes
//!   ([`Kinds::TRAILER`]). Its own EXIF, ICC, MPF attributes, comments and XMP go like any
//!   metadata (its XMP replaced by the fresh `hdrgm:` packet); keep flags apply to the
//!   primary only.
//! - The fresh segments go where libultrahdr puts them, before the first segment that is
//!   not APPn or COM (after SOI, JFIF, a kept EXIF and ICC): in the primary its XMP, its ISO
//!   21496-1 APP2 and a big-endian MPF of two MP Entries (the primary: baseline primary
//!   image, its size, offset 0; the gain map: its stripped size and its offset from the MPF
//!   TIFF header), as libultrahdr writes it; in the gain map its XMP and ISO APP2. The
//!   primary gets a fresh XMP only when the gain map has `hdrgm:` fields and the input
//!   declared the gain map in XMP (or the gain map has no ISO 21496-1 APP2 that could
//!   declare it instead), and that XMP holds a GContainer directory only when the
//!   input's did: the output declares its gain map the way the input did (Ultra HDR,
//!   Adobe's `hdrgm:Version` alone, or ISO 21496-1 alone).
//! - The fresh XMP and MPF segments (and an Apple primary's fresh headroom EXIF) must be no
//!   longer than the input's XMP (standard and extended) and MPF segments of both images
//!   (and the primary's first EXIF) that they replace, so a kept gain map never grows the
//!   output past the 64 bytes of [`max_output_len`]; when they would be longer, the gain map
//!   goes.
//! - Apple HDR JPEGs (iPhone, iOS 14.1 on) are kept too. Declared: the primary's MPF names a
//!   second JPEG as above while its XMP declares no `hdrgm:` or GContainer gain map and it
//!   has no ISO 21496-1 APP2 (such a file is read as Ultra HDR / ISO instead). Agreeing: as
//!   above, and the second image's first standard XMP binds `apdi` to
//!   `http://ns.apple.com/pixeldatainfo/1.0/` and `HDRGainMap` to
//!   `http://ns.apple.com/HDRGainMap/1.0/`, has `apdi:AuxiliaryImageType` =
//!   `urn:com:apple:photo:2020:aux:hdrgainmap` and an integer `HDRGainMap:HDRGainMapVersion`,
//!   and every other kept field is a plain number (otherwise the gain map goes). The gain map
//!   gets a fresh XMP holding, as elements of `rdf:Description`, `apdi:AuxiliaryImageType`,
//!   `apdi:NativeFormat` and `apdi:StoredFormat` (integers, when present),
//!   `HDRGainMap:HDRGainMapVersion` and `HDRGainMap:HDRGainMapHeadroom` (when present); the
//!   primary gets the fresh MPF, no XMP, and the fresh headroom EXIF below when its first
//!   EXIF's Apple maker note has the headroom. The size rule above applies.
//! - What readers of an Apple HDR JPEG need, as found in their sources:
//!   - *Finding the gain map*: Skia (Chrome) follows the MPF index (its
//!     `SkJpegMetadataDecoderImpl::findGainmapImage` tries each MP image after the first:
//!     "all supported gainmap formats require MPF"), which iPhones write; Apple's ImageIO
//!     hands the image out as `kCGImageAuxiliaryDataTypeHDRGainMap`. The image is an HDR
//!     gain map because its own XMP says `apdi:AuxiliaryImageType` =
//!     `urn:com:apple:photo:2020:aux:hdrgainmap` (Skia `SkXmp::getGainmapInfoApple` requires
//!     it and a `HDRGainMapVersion`, any version). libultrahdr (`jpegr.cpp`
//!     `extractPrimaryImageAndGainMap`) takes the second JPEG in the file and calls it
//!     Apple's when its XMP has a `HDRGainMapVersion` element
//!     (`jpegrutils.cpp` `XMPXmlHandler`, which reads element content only: hence the
//!     element form). `apdi:NativeFormat`/`StoredFormat` (`L008`, one 8-bit component) are
//!     read by none of them; they are kept as Apple writes them, being only numbers.
//!   - *The headroom* (how far the gain map may brighten): from `HDRGainMapVersion` 131072
//!     (2.0) on, `HDRGainMap:HDRGainMapHeadroom` in the gain map's XMP; libultrahdr and Skia
//!     prefer it to the maker note (libultrahdr reads it in stops, 2^value; Skia's port as a
//!     ratio), and ImageIO (as decompiled listings of it show) reads it only for version
//!     ≥ 2.0 ("Version 1.0 gain map metadata does not contain headroom value"). For version
//!     65536 (1.0) readers compute it from the primary's Apple maker note (EXIF 0x927C,
//!     `Apple iOS\0`): tags 0x0021 HDRHeadroom (h) and 0x0030 HDRGain (g), exiftool's names,
//!     both signed rationals. libultrahdr `getExifAppleHeadroom`: stops = 3 − 70·g (g ≤ 0.01)
//!     or 2.303 − 0.303·g when h ≥ 1, and 1.8 − 20·g or 1.601 − 0.101·g when h < 1; headroom
//!     = 2^stops. Skia's JPEG decoder (`SkJpegMetadataDecoderImpl::findGainmapImage`) goes
//!     further: it looks for an Apple gain map only when the primary's EXIF has that
//!     maker-note headroom, even for version 2.0. The rest is fixed by Apple's formula
//!     ("Applying Apple HDR effect to your photos", developer.apple.com): in linear light,
//!     hdr = sdr × (1 + (headroom − 1) × gain), which Skia and libultrahdr express as gain-map
//!     minimum 1, maximum = headroom, gamma 1, offsets 0.
//!   - *The primary's XMP* (`HDRGainMap:HDRGainMapVersion` in some primaries) is read by
//!     none of these readers: it goes.
//!   - *The headroom is kept, nothing else of the maker note.* When the gain map is kept and
//!     the primary's first Exif APP1 has an Apple maker note (IFD0 → Exif IFD → MakerNote
//!     0x927C, UNDEFINED; `Apple iOS\0`, `\0\x01`, `MM`, an IFD at note offset 14 whose value
//!     offsets count from the note's start) with 0x0021, 0x0030 or both, each one rational
//!     (signed, type 10, as Apple writes them; unsigned, type 5, is taken and kept), that
//!     EXIF is replaced, where it stood, by a fresh big-endian EXIF: IFD0 holds what the
//!     other keep flags keep (Orientation, Artist, Copyright, read from that same EXIF) and,
//!     last in tag order, an Exif IFD pointer (0x8769, LONG) to an Exif IFD with one entry,
//!     MakerNote (0x927C, UNDEFINED, 60 bytes with both tags, 40 with one), whose value is a
//!     fresh Apple maker note: `Apple iOS\0`, `\0\x01`, `MM`, an IFD at note offset 14 with
//!     exactly the input's 0x0021 and 0x0030 in tag order (type as in the input, count 1,
//!     the 8 value bytes as the input had them, right after the IFD), next IFD 0; every value
//!     word-aligned. iPhones before iOS 16 write HDRHeadroom alone, which libultrahdr takes
//!     with HDRGain 0 (Skia wants both: it then finds no Apple gain map, as before the
//!     strip). For versions 1.0 and 2.0
//!     alike (Skia needs it for 2.0 too). Nothing else of the maker note survives: it holds a
//!     run-time clock, an acceleration vector, focus and other capture data, and it is where
//!     cameras keep serial numbers. Two numbers (how bright this scene's highlights may be
//!     shown) identify no one. [`Report::found`](crate::Report) names nothing in the fresh
//!     note (a maker note otherwise counts as device data). When the gain map goes (the
//!     default strip, or a gain map that fails the checks above) or the note has neither
//!     tag, no maker note is written, and the EXIF is stripped as without a gain map. A
//!     stripped file strips to itself: its fresh EXIF is read back as the same headroom.
//!     Checked with libultrahdr's `ultrahdr_app -m 1` (google/libultrahdr 418b6b3): the
//!     corpus's version-1.0 files (boost 8 and 3.48 from the maker note), which decoded
//!     before but failed after a `--keep display` strip while the maker note went whole
//!     ("could not find attribute HDRGainMapHeadroom and Exif Headroom missing"), now decode
//!     from the stripped file to the same HDR output bytes as from the input, as does the
//!     version-2.0 file. The other way to restore them, converting the two numbers to a
//!     `HDRGainMapHeadroom`, is not taken: it would change what the file says.
//!
//! ## PNG / APNG
//! - A listed ancillary chunk stays only as libpng reads it: the first of its kind, in its
//!   place (cHRM, gAMA, sBIT, sRGB, cICP, mDCV and cLLI before PLTE and IDAT; tRNS, bKGD,
//!   hIST, pHYs and acTL before IDAT; tRNS, bKGD and hIST of a palette image after PLTE),
//!   and with the length PNG 3rd edition § 11.3 gives it (by colour type for tRNS, bKGD and
//!   sBIT; two bytes per palette entry for hIST; 26 for fcTL). Any other copy goes: libpng
//!   and image-png skip it whole, so no decoder shows anything different, while cutting it
//!   to its defined bytes would make them read it (a long acTL would turn a still image into
//!   an animation). The exception is a greyscale or truecolour tRNS longer than its 2 or 6
//!   bytes: image-png and Pillow read those bytes (libpng skips the chunk), so it is cut to
//!   them with a new CRC.
//! - An APNG whose chunks before IDAT hold a second acTL, or a first acTL that is not 8
//!   bytes, has no frames or counts frames or plays past 2^31 − 1, is shown still by
//!   Chromium (it ignores such an animation) and, for a second acTL, by Pillow, while
//!   libpng's APNG patch skips the bad copy and animates. Dropping only the bad copy would
//!   turn that still image into an animation, so every acTL, fcTL and fdAT goes and the
//!   still image (IDAT) stays.
//! - A palette image keeps its first 2^bit-depth PLTE entries, the only ones a pixel can
//!   name; a greyscale image loses its PLTE; a palette image whose PLTE is repeated, comes
//!   after IDAT, or is not 1 to 256 whole 3-byte entries is [`Error::Malformed`], as libpng
//!   refuses it, while in a truecolour image such a PLTE goes (libpng ignores it). An IEND
//!   with data is written empty. A first chunk other than IHDR (after a `CgBI`), a second
//!   IHDR, an IHDR that is not 13 bytes, or a colour type and bit depth PNG does not define
//!   is [`Error::Malformed`]; so is a chunk length over 2^31 − 1 or a chunk type that is not
//!   four ASCII letters.
//! - An unknown critical chunk is [`Error::Unsupported`] at the offset of its type: a
//!   decoder must refuse it, leaving it out could change the picture, and copying it could
//!   carry anything. Apple's CgBI PNGs (a 4-byte `CgBI` chunk right after the signature) are
//!   stripped with that chunk kept, since the rest does not decode without it; any other
//!   `CgBI` is refused the same way.
//! - Chunk CRCs are copied, not checked: a decoder checks them as it did before. A chunk
//!   imgstrip writes (a cut tRNS or PLTE, a renamed iCCP, a minimal eXIf) gets a correct
//!   CRC-32. A PNG that ends before IEND is [`Error::Truncated`].
//!
//! ## GIF
//! - A graphic control extension is written in its standard 4-byte form (a longer one could
//!   hide text; a shorter one is [`Error::Malformed`]); NETSCAPE2.0/ANIMEXTS1.0 keeps only
//!   its loop sub-block, and goes whole when it has none; a plain-text extension goes but the
//!   graphic control extension before it stays (decoders that skip plain text apply it to
//!   the next image).
//! - A byte that starts no known block is [`Error::Malformed`]: browsers stop there while
//!   Pillow skips ahead, so no output could show everyone the same pixels.
//! - An input that ends before its trailer keeps every complete block
//!   ([`Report::truncated`]) and gets `3B` when the bytes removed leave room for it; with no
//!   complete image it is [`Error::Truncated`].
//! - Each frame's own size is checked against the limits too (decoders such as Pillow grow
//!   the canvas to fit a frame larger than the screen), and frames are counted at each image
//!   separator, before the image is read.
//!
//! ## WebP
//! - One image per file and per frame. A VP8/VP8L chunk after the first goes, and so does
//!   every chunk after a frame's VP8/VP8L: libwebp's demuxer stops reading a frame at its
//!   image and refuses a second one, and image-webp reads only the first. In a simple file
//!   (no VP8X) every chunk after the image goes. ALPH chunks are copied as they are.
//! - The RIFF size and ANMF sizes are rewritten. The VP8X alpha bit is copied from the input
//!   (libwebp reads it as `has_alpha`, and its demuxer ignores ALPH when it is clear, so
//!   changing it would change the decoded image); the animation bit is set exactly when ANIM
//!   or ANMF remains, ICC and EXIF bits exactly when a kept chunk remains; XMP and reserved
//!   bits are cleared. Pad bytes are written as zero.
//! - A chunk (with its pad byte) running past the RIFF payload or the input is
//!   [`Error::Truncated`]; one running past its ANMF frame, a RIFF size under 4, a first
//!   chunk other than VP8X, VP8 or VP8L, a second VP8X, a VP8X, ANIM or ANMF shorter than its
//!   defined fields, or a file without a VP8/VP8L image is [`Error::Malformed`].
//! - A simple file whose EXIF or ICCP is kept by a [`Keep`] flag gets a VP8X (canvas from
//!   the bitstream header, alpha bit from the VP8L header as libwebp's muxer sets it), with
//!   the ICCP before the image. Only a [`Keep`] flag can make a WebP output larger than its
//!   input: by that 18-byte VP8X, or by a minimal EXIF longer than the EXIF it replaces.
//! - Frame sizes in ANMF headers go through the same canvas limits as the VP8X canvas.
//!
//! ## BMP
//! - The pixel array is `stride × |height|` bytes uncompressed; RLE4/RLE8/RLE24 data is
//!   walked opcode by opcode to its end-of-bitmap marker (an RLE stream without one is taken
//!   to `biSizeImage` when that fits in the file, and is otherwise [`Error::Truncated`], or
//!   [`Error::Malformed`] when it runs into a V5 profile);
//!   OS/2 Huffman data is `biSizeImage` bytes ([`Error::Unsupported`] when that is 0);
//!   `BI_JPEG`/`BI_PNG` data is `biSizeImage` bytes (or, when 0, the rest of the file up to a
//!   V5 profile) and is stripped by the JPEG/PNG walker, whose errors are reported as BMP
//!   errors at their offset in the BMP file.
//! - `bfSize` is never trusted; `bfSize`, `bfOffBits` and `biSizeImage` are rewritten (an
//!   uncompressed bitmap keeps a `biSizeImage` of 0). A `bfOffBits` of 0 means right after
//!   the palette; one inside the palette cuts the palette there; one inside the headers or
//!   masks is [`Error::Malformed`]. One right at the end of the headers while a palette is
//!   declared is read two ways (writers that left the palette out of `bfOffBits` put the
//!   rows after it, and Pillow reads them there; others read rows at `bfOffBits`): an
//!   uncompressed bitmap then keeps the bytes of both readings, as far as the input has
//!   them, so it decodes as before either way.
//! - Free fields that could carry a few bytes (the file header's reserved fields,
//!   `bV5Reserved`, OS/2 `usReserved`/`ulIdentifier`, V4/V5 endpoints and gamma unless the
//!   colour space is calibrated) are zeroed. A V4 header claiming a profile becomes
//!   `LCS_sRGB` too. With [`Keep::ICC`] an embedded V5 profile moves to just after the pixel
//!   array; a linked one (a path on the author's disk) always goes. A kept profile that runs
//!   past the input is [`Error::Truncated`]; one that overlaps the headers, the palette or
//!   the pixel array is [`Error::Malformed`].
//! - A DIB header of another size, or a compression method not listed above, is
//!   [`Error::Unsupported`].
//! - Row padding bits, the fourth (reserved) byte of each palette entry and unused palette
//!   entries stay: changing them means touching pixel data.
//!
//! ## HEIF / HEIC / AVIF
//! - Files are rebuilt as `ftyp`, `meta`, `moov` (sequences), then one `mdat` holding exactly
//!   the bytes kept items and samples point at, in input order; every `iloc` extent and
//!   `stco`/`co64` entry is rewritten to point at the same bytes.
//! - Every unit stays only by an allow-list (ISO/IEC 23008-12 § 6.5, § 6.6; ISO/IEC 14496-12
//!   § 8; AVIF): an item of another type goes with its bytes, a property of a type the list
//!   does not name goes, a box that `meta` or `moov` does not need goes, and each kept
//!   `infe`, `pitm`, `dinf`, entity group, property and track box keeps only its defined
//!   fields (flags no standard defines become 0). Where leaving a unit out could change the
//!   picture, the file is refused with [`Error::Unsupported`] at that unit's offset: an
//!   unknown property a kept image marks essential in `ipma`; an item a kept image is derived
//!   from or decoded with (`dimg`, `pred`, `tbas`, `sbas`) that is not a kept image item; a
//!   primary item of an unknown type; a visual track of an unknown coding. Sound tracks of a
//!   known coding stay (they are content, not metadata); other non-picture tracks go.
//! - A `jpeg` item stored in `mdat` is a whole JPEG file and goes through the JPEG walker
//!   under the same options; the JPEG walker's error about it is the file's error, of the
//!   same kind (a limit stays [`Error::LimitExceeded`], so
//!   [`Stripper::ignore_limit_errors`] applies) at the offset in the file of the byte it
//!   names, with "embedded JPEG item" in its message. A `jpeg` item stored in `idat` is
//!   copied as it is (a known gap: such an item keeps the metadata inside it).
//! - An image whose only `colr` was an ICC profile is left without `colr`: decoders then use
//!   the coded stream's colour description or sRGB (libheif's defaults: BT.709 primaries,
//!   sRGB transfer, BT.601 matrix), and the decoded samples do not change (libheif 1.23,
//!   through pillow-heif, gives the same pixels; the audit checks every corpus file with a
//!   lone ICC `colr`). [`Keep::ICC`] (or [`Keep::DISPLAY`]) keeps the profile: exiftool
//!   stopped deleting HEIC profiles in 13.18 after Apple Preview refused some files without
//!   them.
//! - Constructs that cannot be relocated exactly are [`Error::Unsupported`]: construction
//!   method 2, data in other files, protected items, extents of length 0, fragmented
//!   sequences (`moof`, `mvex`, `saio`), a `mini` box beside `meta` or `moov`, essential
//!   unknown properties, unknown derivation inputs and codings (above), and item or sample
//!   data outside every `mdat` (in `meta`, `moov`, a dropped box or bytes past the last whole
//!   box), which would carry those boxes' metadata into the output as pixels. More than
//!   4,096 top-level `mdat` boxes is also [`Error::Unsupported`]: writers use one or a few,
//!   and the walker's table of them must stay within its memory bound.
//! - A `mini` (low-overhead, `mif3`) box loses its Exif and XMP chunks, and its ICC and
//!   tone-map ICC chunks unless [`Keep::ICC`], with its header rewritten bit by bit.
//! - New metadata items ([`Keep::COPYRIGHT`], [`Keep::GAIN_MAP`]) hold fresh, minimal
//!   content built from the input's values, never the input's blocks. Each gets an `infe`
//!   (version 2, or 3 when its id needs 32 bits; no flags, an empty name, for XMP the content
//!   type `application/rdf+xml` and no encoding), an `iloc` entry with one extent over its
//!   bytes, written after the kept items' bytes in the new `mdat`, and a `cdsc` reference to
//!   the item it describes; an `iref` is made at the end of `meta` when the input has none,
//!   of version 1 when a new id needs 32 bits. The ids are one above the largest id the
//!   output keeps (kept items and entity groups), in the order credit `Exif`, credit XMP,
//!   gain-map XMPs: a second strip drops the new items and makes them again with the same
//!   ids, so the output strips to itself. (Track ids are not counted: items and tracks share
//!   ids only under the `unif` brand, which no corpus file has.)
//! - [`Keep::COPYRIGHT`]: the credit is read from the `Exif` items (the TIFF at the offset
//!   the payload's first 4 bytes give) and XMP `mime` items (among the first 16 of each in
//!   `iinf`, as for gain maps' XMP: each look walks the item tables) that describe the
//!   primary image:
//!   a `cdsc` reference to it, or no `cdsc` at all (an item that names no item describes the
//!   file, and so its primary image). Items that describe only other images (a thumbnail, a
//!   gain map) are not read. Item data is read in the file or in `idat`; an item split
//!   over several extents is joined, up to 1 MiB (a larger one is not read). The credit is
//!   not kept, and [`Report::not_kept`] says so, in a file without a primary item (when the
//!   removed items named a person), in a `mini` box file or an image sequence without `meta`
//!   (when Exif or XMP went: they are not read for credit), when a new id does not fit (the
//!   largest kept id is 2^32 − 1, or 65,535 in an `iloc` of version 0 or 1, which has 16-bit
//!   ids, or an `iinf`/`iloc` entry count would pass 65,535), and, as for every format, when
//!   the output would pass [`max_output_len`].
//! - Apple HDR HEIC ([`Keep::GAIN_MAP`]): an iPhone's HDR gain map is an auxiliary image
//!   item (`auxl` to the primary) whose `auxC` type is
//!   `urn:com:apple:photo:2020:aux:hdrgainmap`; it stays whatever the flags, being an image.
//!   Its own XMP item (`cdsc` to it) holds `HDRGainMap:HDRGainMapVersion` (iPhones write it
//!   alone, 65536 in the corpus's file) and from version 2.0 on `HDRGainMapHeadroom`: what
//!   tells a reader that does not look at `auxC`, and every reader of version 2.0, how to
//!   apply the gain map (see [JPEG](#jpeg) for what readers need). With the flag, that XMP
//!   is replaced by a fresh `mime` item holding only the fields the Apple JPEG path keeps
//!   (`HDRGainMapVersion`, `HDRGainMapHeadroom`, `apdi:AuxiliaryImageType`, `NativeFormat`,
//!   `StoredFormat`, each only when the input's packet has it, as elements, every value a
//!   plain number: otherwise nothing is written), when the gain-map item is kept and the
//!   new item, with its `infe`, takes no more room than the XMP item it replaces (its `iloc`
//!   entry and `cdsc` are never larger than the old ones, so the output does not grow). Only
//!   where the old XMP's bytes stay anyway (shared with a kept image) or the new bytes need
//!   an `mdat` of their own could it grow: when it would pass [`max_output_len`], the strip
//!   is done again without the fresh gain-map items (after the credit, as below), and
//!   [`Report::not_kept`] holds [`Keep::GAIN_MAP`]. The
//!   XMP of every other auxiliary image (disparity, depth, portrait mattes) goes, as without
//!   the flag. The headroom of the primary's Apple maker note is kept as in JPEG: when an
//!   Apple gain-map item is kept and the first `Exif` item describing the primary has it,
//!   the primary gets a fresh `Exif` item (with a `cdsc` to it) holding the same minimal
//!   EXIF (the headroom maker note, and any credit of [`Keep::COPYRIGHT`]); the input's
//!   `Exif` item goes whole. On the corpus iPhone HEIC (iOS 15, HDRHeadroom alone, gain map
//!   version 1.0) exiftool reads back `Apple:HDRHeadroom` 0.8786 and
//!   `XMP-HDRGainMap:HDRGainMapVersion` 65536 and nothing else, and pillow-heif decodes the
//!   same pixels.
//!
//! ## JPEG XL
//! - The ICC profile (or colour encoding) and the orientation are in the codestream's image
//!   header, which is entropy-coded and part of the picture: they stay, and [`Keep::ICC`] and
//!   [`Keep::ORIENTATION`] change nothing. `jbrd` goes even though a decoder could rebuild
//!   the original JPEG from it: that JPEG's APPn segments (EXIF, XMP, IPTC, MPF) and comments
//!   would come back with it. What a user sees: a JPEG XL made losslessly from a JPEG (`cjxl
//!   photo.jpg`) strips to one that can no longer be turned back into that JPEG byte for byte
//!   (`djxl` then encodes a new JPEG from the pixels), since the original JPEG's bytes hold
//!   the very metadata the strip removes. Without `jbrd`, decoders show the JPEG XL image
//!   itself (libjxl's pixels, with the codestream's orientation applied), where with it some
//!   (the Pillow plugin) rebuild and decode the original JPEG: the two differ in rounding,
//!   and for a rotated photo in orientation.
//! - `jxlp` boxes must come with indices 0, 1, 2, … in file order and only the last may
//!   set the top bit (libjxl refuses other orders); a file with both `jxlc` and `jxlp`, a
//!   codestream box after the last `jxlp`, a container without a codestream, or a first box
//!   other than the signature box or a second other than `ftyp` is [`Error::Malformed`].
//!   Box size 0 (to the end of the file) and 1 (a 64-bit size) are read as ISO BMFF defines
//!   them; a box running past the input is [`Error::Truncated`].
//! - The image size comes from the codestream's size header (18181-1 § A.3.1), read from the
//!   first codestream bytes (across `jxlp` boxes) and checked against the limits at the
//!   first codestream box; the frame count of an animation is in no header (it takes reading
//!   every frame header), so an animation counts as one frame.
//! - `jhgm` (a gain map with its ISO 21496-1 metadata, libjxl 0.11) is a second picture:
//!   kept byte for byte under [`Keep::GAIN_MAP`], gone otherwise. `Report::found` names the
//!   EXIF of `Exif` boxes and the XMP of `xml ` boxes; Brotli-compressed boxes are not read.
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
//!
//! Finding them means running the entropy decoder over every byte of every image, which is
//! what a full decode costs and what this crate exists not to do (it strips at the speed of
//! a memory copy, and never changes a pixel byte). A user who must rule out even those
//! bytes — a file from an adversary who crafted it to smuggle data through a stripper —
//! should re-encode the image (decode to pixels, encode anew) and accept the loss in
//! quality and speed that comes with it; a photo from a camera or phone has no such bytes.
//!
//! Left too, because they cannot change without re-encoding: JPEG quantisation and Huffman
//! tables and the restart interval, which can hint at the encoder that made the file; in
//! HEIF/AVIF, the NAL units and OBUs inside the coded data (an x265 settings SEI, AV1
//! metadata OBUs) and the codec configuration boxes.
//!
//! [`Keep`]: crate::Keep
//! [`Keep::ORIENTATION`]: crate::Keep::ORIENTATION
//! [`Keep::COPYRIGHT`]: crate::Keep::COPYRIGHT
//! [`Report::not_kept`]: crate::Report::not_kept
//! [`Keep::ICC`]: crate::Keep::ICC
//! [`Keep::DISPLAY`]: crate::Keep::DISPLAY
//! [`Keep::GAIN_MAP`]: crate::Keep::GAIN_MAP
//! [`Kinds::TRAILER`]: crate::Kinds::TRAILER
//! [`strip`]: crate::strip
//! [`Stripper`]: crate::Stripper
//! [`max_output_len`]: crate::max_output_len
//! [`Report::truncated`]: crate::Report::truncated
//! [`Error::Malformed`]: crate::Error::Malformed
//! [`Error::Truncated`]: crate::Error::Truncated
//! [`Error::Unsupported`]: crate::Error::Unsupported
//! [`Error::UnknownFormat`]: crate::Error::UnknownFormat
//! [`Error::LimitExceeded`]: crate::Error::LimitExceeded
//! [`Stripper::ignore_limit_errors`]: crate::Stripper::ignore_limit_errors
