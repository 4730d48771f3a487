//! What a caller may keep, and the options every format walker sees: a leaf module that the
//! walkers and the builder import alike.

use std::fmt;
use std::str::FromStr;

use bitflags::{bitflags, Flags};

use crate::limits::Limits;

bitflags! {
    /// Metadata to keep instead of stripping. Empty by default: everything goes.
    ///
    /// Parsed from a comma-separated list of flag names, in any case, `-` or `_` alike, as
    /// a command line or a configuration file gives them:
    ///
    /// ```
    /// use imgstrip::Keep;
    /// assert_eq!("orientation,icc,gain-map".parse::<Keep>()?, Keep::DISPLAY);
    /// assert_eq!("Display".parse::<Keep>()?, Keep::ORIENTATION | Keep::ICC | Keep::GAIN_MAP);
    /// assert_eq!("gain_map".parse::<Keep>()?, Keep::GAIN_MAP);
    /// assert_eq!("".parse::<Keep>()?, Keep::empty());
    /// assert!("gps".parse::<Keep>().is_err());
    /// # Ok::<(), imgstrip::ParseKeepError>(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Keep: u32 {
        /// Keep the EXIF Orientation (JPEG, PNG, WebP) as a minimal EXIF holding only that
        /// tag, when the input had an orientation other than 1. HEIF keeps `irot`/`imir`
        /// whatever the flags.
        const ORIENTATION = 1 << 0;
        /// Keep the ICC colour profile (JPEG APP2 `ICC_PROFILE` chunks, PNG `iCCP` under a
        /// neutral name, the GIF `ICCRGBG1012` application extension, the first WebP `ICCP`,
        /// a BMP V5 embedded profile; never a BMP linked profile, which is a path).
        const ICC = 1 << 1;
        /// Keep an HDR photo's gain map, stripped of everything else it carried.
        ///
        /// JPEG: an Ultra HDR / ISO 21496-1 file (the primary declares its gain map by an MPF
        /// index with a second image, and `hdrgm:Version` or a GContainer `GainMap` item in
        /// its XMP, or an ISO 21496-1 APP2) keeps the gain-map JPEG after its EOI, stripped by
        /// the JPEG rules with nothing kept but a fresh XMP holding only its `hdrgm:` fields
        /// and its ISO 21496-1 APP2 byte for byte. The primary gets a fresh minimal XMP
        /// (`hdrgm:Version`, and a GContainer directory with the new length when the input
        /// had one) and a fresh MPF index pointing at the new gain map, before its frame
        /// header. No other MPF image,
        /// trailer or metadata stays. When the descriptions disagree (an MP Entry outside the
        /// file or inside the primary, a second image that is not a JPEG or carries no
        /// gain-map metadata, a GContainer length other than the MP Entry size, a gain map
        /// that does not strip whole) or the fresh segments would be longer than the input's
        /// XMP and MPF they replace, the gain map goes, as without this flag. An Apple HDR
        /// JPEG (an MPF index, and a second image whose own XMP names it Apple's HDR gain
        /// map) keeps its gain map with a fresh XMP of Apple's fields only
        /// (`apdi:AuxiliaryImageType`, `NativeFormat`, `StoredFormat`,
        /// `HDRGainMap:HDRGainMapVersion`, `HDRGainMapHeadroom`) and the primary gets a fresh
        /// MPF and, when its Apple maker note has the HDR headroom (tags HDRHeadroom and
        /// HDRGain, which every reader of a version 1.0 gain map, and Skia for all, take
        /// from it), a fresh minimal EXIF whose maker note holds only those two numbers:
        /// the rest of the maker note goes (see [`formats`](crate::formats), "JPEG").
        ///
        /// HEIF/AVIF keep gain-map (`tmap`) and auxiliary images whatever the flags; with
        /// this flag an Apple HDR gain-map item (HEIC, `auxC` type
        /// `urn:com:apple:photo:2020:aux:hdrgainmap`) gets a fresh XMP item holding only the
        /// Apple fields its own XMP had (`HDRGainMap:HDRGainMapVersion`, …). PNG, GIF, WebP
        /// and BMP carry no gain maps, and ignore this flag.
        const GAIN_MAP = 1 << 2;
        /// Keep the author's credit (JPEG, PNG, WebP, HEIF/AVIF) in fresh, minimal blocks built from
        /// the input's values, never the original blocks, so nothing else rides along:
        ///
        /// - EXIF `Artist` and `Copyright` (IFD0, ASCII, when not blank) in a minimal EXIF
        ///   whose IFD0 holds only them (and the Orientation, when [`Keep::ORIENTATION`] is
        ///   kept too): JPEG APP1 `Exif`, PNG `eXIf`, WebP `EXIF`;
        /// - XMP `dc:creator` (each name of its `rdf:Seq`) and `dc:rights` (its `x-default`
        ///   or first item) in a fresh packet holding only them, the text re-escaped: JPEG
        ///   APP1 XMP, PNG uncompressed `iTXt` `XML:com.adobe.xmp`, WebP `XMP ` (a simple
        ///   WebP is promoted to the extended format to carry it);
        /// - in HEIF/AVIF, read from the `Exif` and XMP items that describe the primary
        ///   image and written as a new `Exif` item and a new XMP (`mime`) item describing it.
        ///
        /// Each value is cut to 1 KiB (1,023 bytes of text and the NUL for EXIF; whole UTF-8
        /// characters for XMP), and at most 16 creators are kept. When the fresh blocks
        /// would make the output longer than [`max_output_len`](crate::max_output_len) the
        /// credit goes, as without this flag, and [`Report::not_kept`](crate::Report::not_kept)
        /// says so; it says so too when the input named a person in a format that cannot
        /// carry the credit back (GIF, BMP), in a HEIF file whose metadata is not read for
        /// credit (a `mini` box, a sequence without `meta`, no primary item) or whose item ids
        /// are used up, in a compressed PNG text chunk, or in the XMP of a JPEG whose gain
        /// map is kept (its XMP is the gain map's). Not part of [`Keep::DISPLAY`].
        const COPYRIGHT = 1 << 3;
        /// `ORIENTATION | ICC | GAIN_MAP`: what a viewer needs to show the picture as its
        /// author saw it, and nothing that identifies the author. Recommended for photos.
        const DISPLAY = Self::ORIENTATION.bits() | Self::ICC.bits() | Self::GAIN_MAP.bits();
    }
}

/// The names of the flags of `table` that `set` holds, in the table's order.
pub(crate) fn names_set<T: Flags + Copy>(
    table: &'static [(T, &'static str)],
    set: T,
) -> impl Iterator<Item = &'static str> {
    table
        .iter()
        .filter(move |(flag, _)| set.contains(*flag))
        .map(|(_, name)| *name)
}

/// Each single [`Keep`] flag with its name, in the flags' order (`DISPLAY` is their union).
const KEEP_NAMES: [(Keep, &str); 4] = [
    (Keep::ORIENTATION, "orientation"),
    (Keep::ICC, "icc"),
    (Keep::GAIN_MAP, "gain_map"),
    (Keep::COPYRIGHT, "copyright"),
];

impl Keep {
    /// The lower-case name of each single flag set, in declaration order (`orientation`,
    /// `icc`, `gain_map`, `copyright`; `DISPLAY` shows as its three flags), as reports name
    /// [`Report::not_kept`](crate::Report::not_kept).
    /// ```
    /// use imgstrip::Keep;
    /// assert_eq!(Keep::DISPLAY.flag_names().collect::<Vec<_>>(), ["orientation", "icc", "gain_map"]);
    /// ```
    pub fn flag_names(self) -> impl Iterator<Item = &'static str> {
        names_set(&KEEP_NAMES, self)
    }

    /// The names [`Keep::from_str`] accepts, lower case, in declaration order
    /// (`orientation`, `icc`, `gain_map`, `copyright`, `display`).
    pub fn names() -> impl Iterator<Item = String> {
        Keep::FLAGS.iter().map(|f| f.name().to_ascii_lowercase())
    }
}

impl FromStr for Keep {
    type Err = ParseKeepError;

    /// Parses `orientation,icc,gain-map`; blanks around names and empty items are ignored.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let mut keep = Keep::empty();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let flag_name = name.to_ascii_uppercase().replace('-', "_");
            keep |= Keep::from_name(&flag_name).ok_or_else(|| ParseKeepError {
                name: name.to_owned(),
            })?;
        }
        Ok(keep)
    }
}

/// A name in a keep list that is not a [`Keep`] flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseKeepError {
    name: String,
}

impl ParseKeepError {
    /// The name that was not recognised, as given.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for ParseKeepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<String> = Keep::names().collect();
        write!(
            f,
            "unknown keep flag {:?} (known: {})",
            self.name,
            known.join(", ")
        )
    }
}

impl std::error::Error for ParseKeepError {}

/// What the format walkers see of the options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) keep: Keep,
    pub(crate) limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            keep: Keep::empty(),
            limits: Limits::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_flag_name_in_any_case() {
        assert_eq!("orientation".parse(), Ok(Keep::ORIENTATION));
        assert_eq!("ICC".parse(), Ok(Keep::ICC));
        assert_eq!(
            " icc , Orientation ".parse(),
            Ok(Keep::ORIENTATION | Keep::ICC)
        );
        assert_eq!("gain-map".parse(), Ok(Keep::GAIN_MAP));
        assert_eq!("Gain_Map,icc,orientation".parse(), Ok(Keep::DISPLAY));
        assert_eq!("display,icc".parse(), Ok(Keep::DISPLAY));
        assert_eq!("Copyright".parse(), Ok(Keep::COPYRIGHT));
        assert!(!Keep::DISPLAY.contains(Keep::COPYRIGHT));
        assert_eq!(",,".parse(), Ok(Keep::empty()));
        for name in Keep::names() {
            let flag: Keep = name.parse().unwrap();
            assert!(!flag.is_empty(), "{name}");
        }
    }

    #[test]
    fn unknown_name_is_an_error_naming_it_and_the_known_ones() {
        let err = "icc,gps".parse::<Keep>().unwrap_err();
        assert_eq!(err.name(), "gps");
        assert_eq!(
            err.to_string(),
            "unknown keep flag \"gps\" (known: orientation, icc, gain_map, copyright, display)"
        );
        assert!("orientation icc".parse::<Keep>().is_err());
    }
}
