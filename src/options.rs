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
    /// assert_eq!("orientation,icc".parse::<Keep>()?, Keep::DISPLAY);
    /// assert_eq!("Display".parse::<Keep>()?, Keep::ORIENTATION | Keep::ICC);
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
        /// `ORIENTATION | ICC`: what a viewer needs to show the picture as its author saw it,
        /// and nothing that identifies the author. Recommended for photos.
        const DISPLAY = Self::ORIENTATION.bits() | Self::ICC.bits();
    }
}

impl Keep {
    /// The names [`Keep::from_str`] accepts, lower case, in declaration order
    /// (`orientation`, `icc`, `display`).
    pub fn names() -> impl Iterator<Item = String> {
        Keep::FLAGS.iter().map(|f| f.name().to_ascii_lowercase())
    }
}

impl FromStr for Keep {
    type Err = ParseKeepError;

    /// Parses `orientation,icc`; blanks around names and empty items are ignored.
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
        assert_eq!(" icc , Orientation ".parse(), Ok(Keep::DISPLAY));
        assert_eq!("display,icc".parse(), Ok(Keep::DISPLAY));
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
            "unknown keep flag \"gps\" (known: orientation, icc, display)"
        );
        assert!("orientation icc".parse::<Keep>().is_err());
    }
}
