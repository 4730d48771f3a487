//! What a strip removed and found, and the per-unit verdict every format walker returns.

use bitflags::bitflags;

use crate::format::Format;
use crate::options::{names_set, Keep};

bitflags! {
    /// Kinds of metadata, as found and removed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Kinds: u32 {
        /// EXIF / TIFF metadata (GPS, camera, maker notes).
        const EXIF = 1 << 0;
        /// XMP packets, including JPEG extended XMP.
        const XMP = 1 << 1;
        /// IPTC and Photoshop image resources.
        const IPTC = 1 << 2;
        /// ICC colour profiles.
        const ICC = 1 << 3;
        /// Comments (JPEG COM, GIF comment extensions).
        const COMMENT = 1 << 4;
        /// Free text (PNG tEXt/zTXt/iTXt, GIF plain text).
        const TEXT = 1 << 5;
        /// Timestamps (PNG tIME).
        const TIMESTAMP = 1 << 6;
        /// Embedded preview images (JFIF thumbnails).
        const THUMBNAIL = 1 << 7;
        /// Bytes after the image's end (MPF images, vendor trailers, appended data).
        const TRAILER = 1 << 8;
        /// Anything else that is not image data: vendor segments, unknown chunks, padding.
        const OTHER = 1 << 9;
    }
}

/// Each [`Kinds`] flag with its name in reports, in the flags' order.
const KIND_NAMES: [(Kinds, &str); 10] = [
    (Kinds::EXIF, "exif"),
    (Kinds::XMP, "xmp"),
    (Kinds::IPTC, "iptc"),
    (Kinds::ICC, "icc"),
    (Kinds::COMMENT, "comment"),
    (Kinds::TEXT, "text"),
    (Kinds::TIMESTAMP, "timestamp"),
    (Kinds::THUMBNAIL, "thumbnail"),
    (Kinds::TRAILER, "trailer"),
    (Kinds::OTHER, "other"),
];

impl Kinds {
    /// The lower-case name of each flag set, in declaration order: `exif`, `xmp`, `iptc`,
    /// `icc`, `comment`, `text`, `timestamp`, `thumbnail`, `trailer`, `other` (the names the
    /// command's JSON report and the Python and JavaScript packages use).
    /// ```
    /// use imgstrip::Kinds;
    /// let removed = Kinds::XMP | Kinds::EXIF;
    /// assert_eq!(removed.names().collect::<Vec<_>>(), ["exif", "xmp"]);
    /// ```
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        names_set(&KIND_NAMES, self)
    }
}

bitflags! {
    /// What the metadata a strip removed (or [`inspect`](crate::Stripper::inspect) saw) told
    /// about the picture and its author: the privacy-relevant contents, where [`Kinds`] names
    /// only the containers. A flag is set when a block holds a non-empty value for it, with
    /// one exception: a FLIR thermal camera's APP1 `FLIR` data is read only as far as its
    /// record directory, and a CameraInfo record there sets `DEVICE`, `SERIAL_NUMBER` and
    /// `CAPTURE_TIME` (its fixed layout holds the model, the serial numbers and the capture
    /// time), a raw thermal or embedded image record `EMBEDDED_MEDIA`.
    ///
    /// An EXIF maker note (the vendor's own camera data) sets `DEVICE`. In the layouts of
    /// Canon, Nikon, Panasonic, Fujifilm, Olympus/OM System, Pentax, Ricoh, Sigma, Motorola
    /// and Nintendo it is read for their serial-number tags (`SERIAL_NUMBER`) and Canon's
    /// owner name (`PERSON`); other vendors' notes, Sony's enciphered ones among them, give
    /// `DEVICE` only. A GPS IFD holding only its version and map datum (phones write both
    /// without a fix) sets nothing.
    ///
    /// [`Found::names`] gives the snake_case names a JSON report uses, and [`Found::phrases`]
    /// the words a person reads:
    /// ```
    /// use imgstrip::Found;
    /// let found = Found::GPS | Found::SERIAL_NUMBER;
    /// assert_eq!(found.names().collect::<Vec<_>>(), ["gps", "serial_number"]);
    /// assert_eq!(found.phrases().collect::<Vec<_>>(), ["GPS position", "camera serial number"]);
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Found: u32 {
        /// A GPS position, altitude, direction or GPS time (EXIF GPS IFD, XMP `exif:GPS…`).
        const GPS = 1 << 0;
        /// When the photo was taken or digitised (EXIF DateTimeOriginal and friends, XMP
        /// `xmp:CreateDate`, IPTC Date Created).
        const CAPTURE_TIME = 1 << 1;
        /// The camera or lens make and model, or a maker note (vendor camera data).
        const DEVICE = 1 << 2;
        /// A camera body or lens serial number.
        const SERIAL_NUMBER = 1 << 3;
        /// A person's name: artist, camera owner, creator, copyright holder, credit.
        const PERSON = 1 << 4;
        /// Face or people regions (MWG, Microsoft Photo, Apple).
        const FACES = 1 << 5;
        /// A place named in words: city, state, country, sublocation (IPTC, XMP).
        const LOCATION_TEXT = 1 << 6;
        /// A preview image (EXIF IFD1, Photoshop thumbnail resources).
        const THUMBNAIL = 1 << 7;
        /// The edit history or editor settings (XMP `xmpMM:History`, Camera Raw settings).
        const EDIT_HISTORY = 1 << 8;
        /// The software that wrote or edited the file.
        const SOFTWARE = 1 << 9;
        /// A caption, description or comment.
        const COMMENT = 1 << 10;
        /// Other images or video inside the file: motion-photo video, depth maps, gain maps
        /// and other secondary images.
        const EMBEDDED_MEDIA = 1 << 11;
    }
}

/// Each [`Found`] flag with its JSON name and its phrase, in the flags' order.
const FOUND_WORDS: [(Found, &str, &str); 12] = [
    (Found::GPS, "gps", "GPS position"),
    (Found::CAPTURE_TIME, "capture_time", "capture time"),
    (Found::DEVICE, "device", "camera make and model"),
    (
        Found::SERIAL_NUMBER,
        "serial_number",
        "camera serial number",
    ),
    (Found::PERSON, "person", "person's name"),
    (Found::FACES, "faces", "face regions"),
    (Found::LOCATION_TEXT, "location_text", "place name"),
    (Found::THUMBNAIL, "thumbnail", "thumbnail"),
    (Found::EDIT_HISTORY, "edit_history", "edit history"),
    (Found::SOFTWARE, "software", "software name"),
    (Found::COMMENT, "comment", "comment"),
    (
        Found::EMBEDDED_MEDIA,
        "embedded_media",
        "embedded image or video",
    ),
];

impl Found {
    /// The snake_case name of each flag set, in declaration order: `gps`, `capture_time`,
    /// `device`, `serial_number`, `person`, `faces`, `location_text`, `thumbnail`,
    /// `edit_history`, `software`, `comment`, `embedded_media` (the names of a JSON report).
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        self.words().map(|(name, _)| name)
    }

    /// A short English phrase for each flag set, in declaration order ("GPS position",
    /// "capture time", "camera serial number", …), for messages such as
    /// "removed: GPS position, capture time".
    pub fn phrases(self) -> impl Iterator<Item = &'static str> {
        self.words().map(|(_, phrase)| phrase)
    }

    fn words(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        FOUND_WORDS
            .into_iter()
            .filter(move |(flag, _, _)| self.contains(*flag))
            .map(|(_, name, phrase)| (name, phrase))
    }
}

/// What to do with one unit (segment, chunk, block, box) of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Copy it unchanged.
    Keep,
    /// Write a cleaned version in its place (a JFIF header without its thumbnail, a minimal
    /// EXIF for `Keep::ORIENTATION`, a renamed ICC profile).
    Rewrite,
    /// Leave it out; it holds this kind of metadata.
    Drop(Kinds),
}

/// What a strip found and removed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The input's format.
    pub format: Format,
    /// The kinds of metadata removed.
    pub removed: Kinds,
    /// How many bytes shorter the output is than the input: input length − output length,
    /// or 0 when a [`Keep`](crate::Keep) flag made a rewritten unit longer than the input
    /// held (`untouched` inputs: 0).
    pub bytes_removed: u64,
    /// Image width in pixels (the canvas, for animations).
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Number of frames (1 for a still image).
    pub frames: u32,
    /// True when the input was returned unchanged because it was over a limit and
    /// `ignore_limit_errors` was on.
    pub untouched: bool,
    /// True when the input ended early and imgstrip closed the image itself (a JPEG cut in
    /// its entropy-coded data gets an EOI marker).
    pub truncated: bool,
    /// What the removed metadata held: GPS position, serial numbers, names, … (empty when
    /// nothing was read).
    pub found: Found,
    /// The [`Keep`](crate::Keep) flags that were asked for and found something they could
    /// not keep: [`Keep::COPYRIGHT`](crate::Keep::COPYRIGHT) when the input named an author
    /// that the output cannot carry (a GIF, BMP or HEIF/AVIF input, a compressed PNG text
    /// chunk, fresh blocks that would not fit in [`max_output_len`](crate::max_output_len)).
    /// Empty otherwise.
    pub not_kept: Keep,
}

impl Report {
    pub(crate) fn new(format: Format) -> Self {
        Report {
            format,
            removed: Kinds::empty(),
            bytes_removed: 0,
            width: 0,
            height: 0,
            frames: 1,
            untouched: false,
            truncated: false,
            found: Found::empty(),
            not_kept: Keep::empty(),
        }
    }

    /// The report of an input returned unchanged because it is over a limit
    /// ([`Stripper::ignore_limit_errors`](crate::Stripper::ignore_limit_errors)): nothing
    /// removed, no dimensions, [`untouched`](Report::untouched) set. For a caller that passes
    /// such an input on by itself without reading it whole, as the `imgstrip` command
    /// streams a file over the size limit, and reports it as the library would.
    ///
    /// ```
    /// use imgstrip::{Format, Limits, Stripper};
    /// let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x3b";
    /// let mut limits = Limits::default();
    /// limits.max_input_bytes = 4;
    /// let out = Stripper::new().limits(limits).ignore_limit_errors(true).strip(gif)?;
    /// assert_eq!(out.report, imgstrip::Report::untouched(Format::Gif));
    /// assert_eq!(out.data, gif);
    /// # Ok::<(), imgstrip::Error>(())
    /// ```
    #[must_use]
    pub fn untouched(format: Format) -> Self {
        let mut report = Report::new(format);
        report.untouched = true;
        report
    }

    /// Records that something holding `kind` was left out. Walkers report kinds only: the
    /// byte count is the stripper's, input length − output length, counted once.
    pub(crate) fn removed(&mut self, kind: Kinds) {
        self.removed |= kind;
    }

    /// Records bytes after the image's end; nothing when there are none.
    pub(crate) fn trailer(&mut self, len: usize) {
        if len > 0 {
            self.removed(Kinds::TRAILER);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_lower_case_flag_name() {
        let names: Vec<_> = Kinds::all().names().collect();
        let flag_names: Vec<_> = Kinds::all()
            .iter_names()
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect();
        assert_eq!(names, flag_names);
        assert_eq!(Kinds::empty().names().count(), 0);
        assert_eq!(
            (Kinds::TRAILER | Kinds::ICC).names().collect::<Vec<_>>(),
            ["icc", "trailer"]
        );
    }

    #[test]
    fn every_found_flag_has_its_name_and_phrase() {
        let names: Vec<_> = Found::all().names().collect();
        assert_eq!(names.len(), Found::all().iter().count());
        assert_eq!(Found::all().phrases().count(), names.len());
        // The JSON name is the flag's own name in snake_case.
        for ((flag_name, _), name) in Found::all().iter_names().zip(&names) {
            assert_eq!(flag_name.to_lowercase(), *name);
        }
        assert_eq!(Found::empty().names().count(), 0);
        assert_eq!(
            (Found::CAPTURE_TIME | Found::THUMBNAIL)
                .phrases()
                .collect::<Vec<_>>(),
            ["capture time", "thumbnail"]
        );
        assert_eq!(Report::new(Format::Png).found, Found::empty());
    }
}
