//! The oracle: decode with the `image` crate (which shares no code with imgstrip) and
//! compare what a viewer would show.

use std::io::Cursor;

use image::{AnimationDecoder, ColorType, ImageFormat};

/// What the oracle decoded: a still image, or every frame of an animation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    Still {
        width: u32,
        height: u32,
        color: ColorType,
        pixels: Vec<u8>,
    },
    Animation {
        frames: Vec<Frame>,
    },
}

/// One composed frame (RGBA8, as `AnimationDecoder` gives them) with its timing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub left: u32,
    pub top: u32,
    pub delay: (u32, u32),
    pub pixels: Vec<u8>,
}

fn frames<'a>(decoder: impl AnimationDecoder<'a>) -> Result<Decoded, String> {
    let frames = decoder
        .into_frames()
        .collect_frames()
        .map_err(|e| e.to_string())?;
    let frames = frames
        .into_iter()
        .map(|f| Frame {
            left: f.left(),
            top: f.top(),
            delay: f.delay().numer_denom_ms(),
            width: f.buffer().width(),
            height: f.buffer().height(),
            pixels: f.into_buffer().into_raw(),
        })
        .collect();
    Ok(Decoded::Animation { frames })
}

/// Decodes `data`; animations (APNG, animated GIF and WebP) frame by frame when the image
/// crate can (it cannot, e.g., for 16-bit APNG: then the still image is compared).
/// `Err` says why the oracle cannot decode it (no decoder for the format, or a decode error).
pub fn decode(data: &[u8]) -> Result<Decoded, String> {
    let format = image::guess_format(data).map_err(|e| e.to_string())?;
    let cursor = || Cursor::new(data);
    let err = |e: image::ImageError| e.to_string();
    let animation = match format {
        ImageFormat::Png => {
            let d = image::codecs::png::PngDecoder::new(cursor()).map_err(err)?;
            if d.is_apng().map_err(err)? {
                d.apng().map_err(err).and_then(frames)
            } else {
                Err("not animated".into())
            }
        }
        ImageFormat::Gif => image::codecs::gif::GifDecoder::new(cursor())
            .map_err(err)
            .and_then(frames),
        ImageFormat::WebP => {
            let d = image::codecs::webp::WebPDecoder::new(cursor()).map_err(err)?;
            if d.has_animation() {
                frames(d)
            } else {
                Err("not animated".into())
            }
        }
        _ => Err("not animated".into()),
    };
    if animation.is_ok() {
        return animation;
    }
    let img = image::load_from_memory_with_format(data, format).map_err(err)?;
    Ok(Decoded::Still {
        width: img.width(),
        height: img.height(),
        color: img.color(),
        pixels: img.into_bytes(),
    })
}

/// Compares two decodes; `None` when a viewer would show the same thing.
pub fn compare(input: &Decoded, output: &Decoded) -> Option<String> {
    match (input, output) {
        (
            Decoded::Still {
                width: w1,
                height: h1,
                color: c1,
                pixels: p1,
            },
            Decoded::Still {
                width: w2,
                height: h2,
                color: c2,
                pixels: p2,
            },
        ) => {
            if (w1, h1) != (w2, h2) {
                Some(format!("dimensions {w1}x{h1} became {w2}x{h2}"))
            } else if c1 != c2 {
                Some(format!("color type {c1:?} became {c2:?}"))
            } else {
                first_difference(p1, p2).map(|at| format!("pixel bytes differ from byte {at}"))
            }
        }
        (Decoded::Animation { frames: f1 }, Decoded::Animation { frames: f2 }) => {
            if f1.len() != f2.len() {
                return Some(format!("{} frames became {}", f1.len(), f2.len()));
            }
            f1.iter().zip(f2).enumerate().find_map(|(i, (a, b))| {
                if (a.width, a.height, a.left, a.top) != (b.width, b.height, b.left, b.top) {
                    Some(format!("frame {i} geometry changed"))
                } else if a.delay != b.delay {
                    Some(format!(
                        "frame {i} delay {:?} became {:?}",
                        a.delay, b.delay
                    ))
                } else {
                    first_difference(&a.pixels, &b.pixels)
                        .map(|at| format!("frame {i} pixel bytes differ from byte {at}"))
                }
            })
        }
        (Decoded::Still { .. }, Decoded::Animation { .. }) => {
            Some("a still image became an animation".into())
        }
        (Decoded::Animation { .. }, Decoded::Still { .. }) => {
            Some("an animation became a still image".into())
        }
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    if a == b {
        return None;
    }
    Some(
        a.iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len())),
    )
}

/// Decodes both and compares them. `Ok(true)`: same pixels; `Ok(false)`: the oracle cannot
/// decode the input (the caller compares structure instead); `Err`: they differ, or the
/// input decodes and the output does not.
pub fn same_pixels(input: &[u8], output: &[u8]) -> Result<bool, String> {
    let Ok(before) = decode(input) else {
        return Ok(false);
    };
    let after = decode(output).map_err(|e| format!("input decodes but output does not: {e}"))?;
    compare(&before, &after).map_or(Ok(true), Err)
}
