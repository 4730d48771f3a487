//! Named temporary files, removed when the process is stopped by SIGINT, SIGTERM or SIGHUP.
//!
//! Outputs are normally written to unnamed files (`O_TMPFILE`), which vanish with the
//! process however it ends, even on `kill -9`. Where the file system cannot make them, and
//! for the instant between linking an in-place output under a temporary name and renaming it
//! over the original, a named file exists; it is listed here while it does. A signal thread
//! removes every listed file, then ends the process as the signal would have.

use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};

use rustix::fs::{unlinkat, AtFlags};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The named temporary files that exist now: the folder they are in, and their names.
static TEMPS: Mutex<Vec<(usize, Arc<OwnedFd>, OsString)>> = Mutex::new(Vec::new());

/// Starts the thread that cleans up on a signal, once, the first time a named temporary
/// file is about to be made ([`lock`] calls it). A run that makes none (unnamed files, the
/// usual case on Linux) starts no thread: a second thread makes every later unmapping of
/// the process's buffers cost a TLB shootdown, which measurably slowed one-file runs.
/// Without the handlers (a failure to install them) signals keep their default action, and
/// named temporary files may be left.
fn on_signals() {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until the process ends, so no new temporary file is made meanwhile.
            let temps = lock();
            for (_, dir, name) in temps.iter() {
                let _ = unlinkat(dir, name, AtFlags::empty());
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
}

/// The list, locked. Whoever holds it can create, link or rename a temporary file without a
/// signal's cleanup running in between; the signal thread is running by then.
pub fn lock() -> MutexGuard<'static, Vec<(usize, Arc<OwnedFd>, OsString)>> {
    static HANDLERS: Once = Once::new();
    HANDLERS.call_once(on_signals);
    TEMPS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A listed temporary file; dropping it takes it off the list (it has been renamed or
/// removed by then).
#[derive(Debug)]
pub struct Listed {
    id: usize,
}

/// Lists `name` in `dir`; call with the lock held, right after creating or linking it.
pub fn list(
    temps: &mut MutexGuard<'static, Vec<(usize, Arc<OwnedFd>, OsString)>>,
    dir: &Arc<OwnedFd>,
    name: &OsStr,
) -> Listed {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    temps.push((id, Arc::clone(dir), name.to_os_string()));
    Listed { id }
}

impl Drop for Listed {
    fn drop(&mut self) {
        lock().retain(|(id, _, _)| *id != self.id);
    }
}
