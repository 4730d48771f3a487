//! Resource limits, with the defaults of Tencent COS `imageMogr2`.

use crate::error::{Error, Limit};
use crate::format::Format;

/// Caps on what an input may ask for. Each is checked as soon as its number is read,
/// before any work or allocation that depends on it.
///
/// The defaults are those of the Tencent COS `imageMogr2/strip` service the crate is
/// modelled on; [`Limits::none`] lifts them all. Change one field at a time:
///
/// ```
/// let mut limits = imgstrip::Limits::default();
/// limits.max_gif_frames = 50;
/// assert_eq!(limits.max_dimension, 50_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted, in bytes. Default 32 MiB (33,554,432): COS refuses larger
    /// images, and it bounds the one output allocation.
    pub max_input_bytes: u64,
    /// Largest width or height, in pixels. Default 50,000.
    pub max_dimension: u32,
    /// Largest width × height. Default 250,000,000: a decoder downstream would need
    /// about 1 GB for such a canvas.
    pub max_pixels: u64,
    /// Largest WebP width or height. Default 16,383, the most the WebP bitstream can hold.
    pub max_webp_dimension: u32,
    /// Largest width × height × frames of an animation. Default 250,000,000.
    pub max_animation_pixels: u64,
    /// Most frames in a GIF. Default 300.
    pub max_gif_frames: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 32 * 1024 * 1024,
            max_dimension: 50_000,
            max_pixels: 250_000_000,
            max_webp_dimension: 16_383,
            max_animation_pixels: 250_000_000,
            max_gif_frames: 300,
        }
    }
}

impl Limits {
    /// No limits at all: every field at its type's maximum.
    #[must_use]
    pub const fn none() -> Self {
        Limits {
            max_input_bytes: u64::MAX,
            max_dimension: u32::MAX,
            max_pixels: u64::MAX,
            max_webp_dimension: u32::MAX,
            max_animation_pixels: u64::MAX,
            max_gif_frames: u32::MAX,
        }
    }

    /// Checks the input length against `max_input_bytes`.
    pub(crate) fn check_input(&self, format: Format, len: usize) -> Result<(), Error> {
        let len = u64::try_from(len).unwrap_or(u64::MAX);
        check(format, 0, Limit::InputBytes, len, self.max_input_bytes)
    }

    /// Checks a canvas read at `offset`: each side, then width × height.
    pub(crate) fn check_canvas(
        &self,
        format: Format,
        offset: usize,
        width: u32,
        height: u32,
    ) -> Result<(), Error> {
        let side = if format == Format::WebP {
            self.max_webp_dimension.min(self.max_dimension)
        } else {
            self.max_dimension
        };
        check(format, offset, Limit::Width, width.into(), side.into())?;
        check(format, offset, Limit::Height, height.into(), side.into())?;
        let pixels = u64::from(width).saturating_mul(u64::from(height));
        check(format, offset, Limit::Pixels, pixels, self.max_pixels)
    }

    /// Checks width × height × frames of an animation (and the GIF frame count).
    pub(crate) fn check_frames(
        &self,
        format: Format,
        offset: usize,
        width: u32,
        height: u32,
        frames: u32,
    ) -> Result<(), Error> {
        if format == Format::Gif {
            check(
                format,
                offset,
                Limit::GifFrames,
                frames.into(),
                self.max_gif_frames.into(),
            )?;
        }
        let total = u64::from(width)
            .saturating_mul(u64::from(height))
            .saturating_mul(u64::from(frames));
        check(
            format,
            offset,
            Limit::AnimationPixels,
            total,
            self.max_animation_pixels,
        )
    }
}

fn check(format: Format, offset: usize, limit: Limit, value: u64, max: u64) -> Result<(), Error> {
    if value > max {
        return Err(Error::LimitExceeded {
            format,
            offset,
            limit,
            value,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_cos_limits() {
        let l = Limits::default();
        assert_eq!(l.max_input_bytes, 33_554_432);
        assert_eq!(l.max_dimension, 50_000);
        assert_eq!(l.max_pixels, 250_000_000);
        assert_eq!(l.max_webp_dimension, 16_383);
        assert_eq!(l.max_animation_pixels, 250_000_000);
        assert_eq!(l.max_gif_frames, 300);
    }

    #[test]
    fn canvas_checks_each_side_then_area() {
        let l = Limits::default();
        assert!(l.check_canvas(Format::Png, 16, 50_000, 5_000).is_ok());
        assert_eq!(
            l.check_canvas(Format::Png, 16, 50_001, 1),
            Err(Error::LimitExceeded {
                format: Format::Png,
                offset: 16,
                limit: Limit::Width,
                value: 50_001,
                max: 50_000
            })
        );
        let e = l.check_canvas(Format::Jpeg, 9, 20_000, 20_000).unwrap_err();
        assert!(matches!(
            e,
            Error::LimitExceeded {
                limit: Limit::Pixels,
                offset: 9,
                ..
            }
        ));
        let e = l.check_canvas(Format::WebP, 0, 1, 16_384).unwrap_err();
        assert!(matches!(
            e,
            Error::LimitExceeded {
                limit: Limit::Height,
                max: 16_383,
                ..
            }
        ));
        assert!(Limits::none()
            .check_canvas(Format::Png, 0, u32::MAX, u32::MAX)
            .is_ok());
    }

    #[test]
    fn frames_count_toward_animation_pixels() {
        let l = Limits::default();
        assert!(l.check_frames(Format::Png, 0, 1000, 1000, 250).is_ok());
        let e = l.check_frames(Format::Png, 0, 1000, 1000, 251).unwrap_err();
        assert!(matches!(
            e,
            Error::LimitExceeded {
                limit: Limit::AnimationPixels,
                ..
            }
        ));
        let e = l.check_frames(Format::Gif, 0, 1, 1, 301).unwrap_err();
        assert!(matches!(
            e,
            Error::LimitExceeded {
                limit: Limit::GifFrames,
                value: 301,
                ..
            }
        ));
    }
}
