//! Reading one input within the byte limit: never more than the limit + 1 bytes, and for a
//! file that is not an image, only its first bytes.
//!
//! A regular file's size comes from its metadata, so one over the limit is refused before a
//! byte of it is read. Anything else (standard input, a pipe, a device such as `/dev/zero`)
//! is read up to the limit + 1 bytes, which is enough to know it is over. The format is
//! decided from the first 4 KiB, as `imgstrip::detect` decides it, so a folder holding a
//! 2 GB video costs one small read for that file.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use imgstrip::{detect, Format};

use crate::buffers::Buffer;

/// How much is read before deciding whether an input is an image at all. `detect` needs
/// 14 bytes for BMP and the whole `ftyp` box for HEIF/AVIF, which real writers keep far
/// under this.
const HEAD: usize = 4096;

/// An open input: a file, or standard input.
pub enum Source {
    File(File),
    Stdin(io::Stdin),
}

impl Source {
    /// Opens `path` (`-` is standard input). A file found by walking a folder is opened
    /// without following a symbolic link, so a link swapped in after the walk is refused.
    pub fn open(path: &Path, walked: bool) -> io::Result<(Source, Option<Metadata>)> {
        if crate::is_stdio(path) {
            return Ok((Source::Stdin(io::stdin()), None));
        }
        let nofollow = rustix::fs::OFlags::NOFOLLOW.bits();
        let mut options = OpenOptions::new();
        options.read(true);
        if walked {
            options.custom_flags(i32::try_from(nofollow).unwrap_or(0));
        }
        let file = options.open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(io::Error::other("is a folder"));
        }
        Ok((Source::File(file), Some(meta)))
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::File(f) => f.read(buf),
            Source::Stdin(s) => s.read(buf),
        }
    }
}

/// What reading an input found.
pub enum Input<'a> {
    /// The whole input, within the byte limit.
    Whole(&'a [u8]),
    /// Its first bytes carry no image signature; nothing more was read.
    NotImage,
    /// Over the byte limit: the bytes read so far; the rest is still in the source.
    Over {
        format: Format,
        /// The input's size when known (a regular file), else at least `read.len()`.
        size: u64,
        read: &'a [u8],
    },
}

/// Where a worker reads its inputs: an anonymous mapping reused from file to file (see
/// `buffers`), and a `Vec` for inputs of unknown size.
#[derive(Default)]
pub struct InputBuffer {
    whole: Buffer,
    stream: Vec<u8>,
}

impl InputBuffer {
    /// Reads `source` (of `size` bytes when it is a regular file), stopping at `limit` + 1
    /// bytes.
    pub fn read(
        &mut self,
        source: &mut Source,
        size: Option<u64>,
        limit: u64,
    ) -> io::Result<Input<'_>> {
        match size.map(usize::try_from) {
            Some(Ok(size)) if (size as u64) <= limit => self.read_sized(source, size, limit),
            _ => self.read_stream(source, size, limit),
        }
    }

    /// A regular file within the limit: read into the mapping, one byte more than its size
    /// to see whether it grew while being read (it then continues as a stream).
    fn read_sized(
        &mut self,
        source: &mut Source,
        size: usize,
        limit: u64,
    ) -> io::Result<Input<'_>> {
        let wanted = size.saturating_add(1);
        let buffer = self.whole.get(wanted)?;
        let head_len = wanted.min(HEAD);
        let head = buffer.get_mut(..head_len).unwrap_or_default();
        let n = read_full(source, head)?;
        if !could_be_image(head.get(..n).unwrap_or_default(), n == HEAD) {
            return Ok(Input::NotImage);
        }
        let n = n + read_full(source, buffer.get_mut(n..).unwrap_or_default())?;
        if n == wanted {
            self.stream.clear();
            self.stream.extend_from_slice(buffer);
            return self.read_rest(source, Some(size as u64), limit);
        }
        // The same mapping again (it is large enough): the borrow above ends with its branch.
        let whole = self.whole.get(wanted)?;
        Ok(Input::Whole(whole.get(..n).unwrap_or_default()))
    }

    /// Anything else: the first bytes, then the rest up to the limit + 1 bytes.
    fn read_stream(
        &mut self,
        source: &mut Source,
        size: Option<u64>,
        limit: u64,
    ) -> io::Result<Input<'_>> {
        self.stream.clear();
        source
            .by_ref()
            .take(HEAD as u64)
            .read_to_end(&mut self.stream)?;
        if !could_be_image(&self.stream, self.stream.len() == HEAD) {
            return Ok(Input::NotImage);
        }
        if let Some(size) = size.filter(|&s| s > limit) {
            // A regular file's size is known: nothing more needs reading to refuse it.
            return Ok(over(&self.stream, size));
        }
        self.read_rest(source, size, limit)
    }

    /// Appends the rest of `source` to `stream`, stopping one byte past `limit`.
    fn read_rest(
        &mut self,
        source: &mut Source,
        size: Option<u64>,
        limit: u64,
    ) -> io::Result<Input<'_>> {
        let room = limit
            .saturating_add(1)
            .saturating_sub(self.stream.len() as u64);
        source.by_ref().take(room).read_to_end(&mut self.stream)?;
        if self.stream.len() as u64 > limit {
            let size = size.unwrap_or(0).max(self.stream.len() as u64);
            return Ok(over(&self.stream, size));
        }
        Ok(Input::Whole(&self.stream))
    }
}

/// An input over the byte limit; one whose format its first bytes do not tell (an ISO-BMFF
/// `ftyp` longer than `HEAD`) is not an image as far as the command is concerned.
fn over(read: &[u8], size: u64) -> Input<'_> {
    match detect(read) {
        Some(format) => Input::Over { format, size, read },
        None => Input::NotImage,
    }
}

/// Whether `head` starts like an image `imgstrip::detect` knows. A full head that is an
/// ISO-BMFF file without a known brand yet may name one further on.
fn could_be_image(head: &[u8], full: bool) -> bool {
    detect(head).is_some() || (full && head.get(4..8) == Some(b"ftyp"))
}

/// Reads until `buffer` is full or the input ends; returns how much was read.
fn read_full(source: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buffer.get_mut(filled..).filter(|r| !r.is_empty()) {
        match source.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
