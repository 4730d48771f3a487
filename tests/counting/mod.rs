//! A counting global allocator, std only: a `GlobalAlloc` wrapper over `System` that, on a
//! thread that asked for it, tracks the bytes currently allocated, their peak and the number
//! of allocator calls.
//!
//! Counting is per thread (thread-local `Cell`s with constant initialisers, which never
//! allocate), so the test harness's own threads do not disturb a measurement. A `realloc` is
//! counted as the new block allocated before the old one is freed, as it may be, so the peak
//! is never under-counted.
//!
//! Used by `tests/memory.rs`, which installs it with `#[global_allocator]`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The allocator. Install with `#[global_allocator] static A: Counting = Counting;`.
pub struct Counting;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static CURRENT: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static CALLS: Cell<usize> = const { Cell::new(0) };
}

fn grew(bytes: usize) {
    let _ = ACTIVE.try_with(|active| {
        if active.get() {
            CALLS.with(|c| c.set(c.get() + 1));
            let now = CURRENT.with(|c| {
                c.set(c.get().saturating_add_unsigned(bytes));
                c.get()
            });
            PEAK.with(|p| p.set(p.get().max(now)));
        }
    });
}

fn shrank(bytes: usize) {
    let _ = ACTIVE.try_with(|active| {
        if active.get() {
            CURRENT.with(|c| c.set(c.get().saturating_sub_unsigned(bytes)));
        }
    });
}

// GlobalAlloc is an unsafe trait. This impl only forwards every call unchanged to `System`
// (same pointer, same layout) and updates thread-local counters, which never allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

/// What one measured call used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Most bytes live at once during the call, counted from zero at its start (what it
    /// returns is still live at its end, so an output buffer counts).
    pub peak: usize,
    /// Allocations and reallocations made (frees are not counted).
    pub calls: usize,
}

/// Runs `f` on this thread with counting on, and returns its result and what it used.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    CURRENT.with(|c| c.set(0));
    PEAK.with(|p| p.set(0));
    CALLS.with(|c| c.set(0));
    ACTIVE.with(|a| a.set(true));
    let result = f();
    ACTIVE.with(|a| a.set(false));
    let usage = Usage {
        peak: usize::try_from(PEAK.with(Cell::get)).unwrap_or(0),
        calls: CALLS.with(Cell::get),
    };
    (result, usage)
}
