//! The two buffers a worker reuses from file to file: the input, read whole, and the output,
//! built only under `--verify` (otherwise a strip's plan is written straight from the input).
//!
//! Most of the time of a one-file run goes to the kernel handing out fresh memory one 4 KiB
//! page at a time (a 12 MP JPEG: about 2,300 page faults for the input and the output, more
//! time than reading, stripping and writing together). So both buffers are anonymous
//! mappings that ask for 2 MiB pages where the kernel allows it (`madvise`, safe through
//! memmap2), both are reused for every file a worker strips, and neither is given back at
//! the end: the process exits right after, and unmapping them page by page took 4 ms of a
//! 14 ms run.

use std::io;

use memmap2::{Advice, MmapMut, MmapOptions};

/// From this size on a buffer asks for huge pages.
const HUGE_PAGE: usize = 2 << 20;

/// The smallest buffer, so that a run over small files maps once.
const MIN_BUFFER: usize = 1 << 20;

#[derive(Default)]
pub struct Buffers {
    pub input: crate::input::InputBuffer,
    pub output: Buffer,
}

impl Buffers {
    /// The process is about to exit: the kernel takes the memory back faster than `munmap`.
    pub fn leak(self) {
        std::mem::forget(self);
    }
}

/// A buffer that grows by mapping anew when a file needs more than it has.
#[derive(Default)]
pub struct Buffer {
    map: Option<Mapping>,
}

impl Buffer {
    /// The first `len` bytes.
    pub fn get(&mut self, len: usize) -> io::Result<&mut [u8]> {
        if self.map.as_ref().is_none_or(|m| m.capacity() < len) {
            self.map = Some(Mapping::new(len)?);
        }
        match self.map.as_mut() {
            Some(map) => Ok(map.bytes(len)),
            None => Err(io::Error::other("no buffer")),
        }
    }
}

/// An anonymous mapping whose usable part starts on a huge-page boundary: the kernel backs
/// only whole aligned 2 MiB stretches with huge pages, and `mmap` aligns to 4 KiB.
struct Mapping {
    map: MmapMut,
    start: usize,
}

impl Mapping {
    fn new(len: usize) -> io::Result<Self> {
        let len = len.max(MIN_BUFFER);
        if len < HUGE_PAGE {
            let map = MmapOptions::new().len(len).map_anon()?;
            return Ok(Mapping { map, start: 0 });
        }
        let map = MmapOptions::new()
            .len(len.saturating_add(HUGE_PAGE))
            .map_anon()?;
        // Only a hint: without transparent huge pages the kernel says no, and 4 KiB pages do.
        let _ = map.advise(Advice::HugePage);
        let address = map.as_ptr() as usize;
        let start = address.next_multiple_of(HUGE_PAGE) - address;
        Ok(Mapping { map, start })
    }

    fn capacity(&self) -> usize {
        self.map.len() - self.start
    }

    /// The first `len` bytes (`len` is at most the capacity).
    fn bytes(&mut self, len: usize) -> &mut [u8] {
        let start = self.start;
        self.map
            .get_mut(start..start.saturating_add(len))
            .unwrap_or_default()
    }
}
