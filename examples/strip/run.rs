//! Stripping the jobs on worker threads, one per core, while the main thread prints each
//! result in input order, the progress line and the summary.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use imgstrip::{max_output_len, Error, Report, Stripper};

use crate::buffers::Buffers;

use crate::output::{note_json, report_json, Outcome, Progress, Status, Tally};
use crate::plan::{dir_of, Action, Job, TEMP_SUFFIX};
use crate::{Args, Dest};

/// Runs every job and prints what happened; returns the counts.
pub fn run(args: &Args, stripper: &Stripper, jobs: Vec<Job>) -> Tally {
    let terminal = io::stderr().is_terminal();
    let mut progress = Progress::new(terminal && args.summary != Some(false));
    let mut tally = Tally::new(jobs.len());
    let workers = args.jobs.clamp(1, jobs.len().max(1));
    if workers == 1 {
        // No thread to start and no channel: a one-file run is mostly start-up and I/O.
        let mut buffers = Buffers::default();
        for job in &jobs {
            let outcome = process(args, stripper, job, &mut buffers);
            tally.count(&outcome);
            print(args, &mut progress, &outcome);
            progress.draw(&tally, false);
        }
        buffers.leak();
    } else {
        run_parallel(args, stripper, &jobs, workers, &mut progress, &mut tally);
    }
    progress.clear();
    if args.summary.unwrap_or(terminal) {
        eprint!("{}", tally.summary());
    }
    tally
}

/// Runs the jobs on `workers` threads; the calling thread prints each result in input order.
fn run_parallel(
    args: &Args,
    stripper: &Stripper,
    jobs: &[Job],
    workers: usize,
    progress: &mut Progress,
    tally: &mut Tally,
) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                let mut buffers = Buffers::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let outcome = process(args, stripper, job, &mut buffers);
                    if tx.send((i, outcome)).is_err() {
                        break;
                    }
                }
                buffers.leak();
            });
        }
        drop(tx);
        // Results come in any order; they are printed in input order.
        let (mut pending, mut printed) = (BTreeMap::new(), 0);
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok((i, outcome)) => {
                    tally.count(&outcome);
                    pending.insert(i, outcome);
                    while let Some(outcome) = pending.remove(&printed) {
                        print(args, progress, &outcome);
                        printed += 1;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            progress.draw(tally, false);
        }
    });
}

fn print(args: &Args, progress: &mut Progress, outcome: &Outcome) {
    if !outcome.messages.is_empty() {
        progress.clear();
        let mut err = io::stderr().lock();
        for message in &outcome.messages {
            let _ = writeln!(err, "{message}");
        }
    }
    if args.report {
        // stdout may be the same terminal as the progress line.
        progress.clear();
        println!("{}", outcome.line);
    }
}

/// Does one job; never panics on a bad file, so one file cannot stop the others.
fn process(args: &Args, stripper: &Stripper, job: &Job, buffers: &mut Buffers) -> Outcome {
    let input = &job.input;
    let result = match &job.action {
        Action::Strip(target) => strip_file(args, stripper, job, target.as_deref(), buffers),
        Action::Skip(why) => Ok(skipped(input, why, why.contains("link"))),
        Action::Fail(message) => Err(message.clone()),
    };
    result.unwrap_or_else(|message| Outcome {
        status: Status::Failed,
        line: note_json(input, "error", &message),
        messages: vec![format!("{}: {message}", input.display())],
        bytes_before: 0,
        bytes_after: 0,
    })
}

fn skipped(input: &Path, why: &str, link: bool) -> Outcome {
    Outcome {
        status: Status::Skipped { link },
        line: note_json(input, "skipped", why),
        messages: Vec::new(),
        bytes_before: 0,
        bytes_after: 0,
    }
}

/// Strips one file; the error is the message after `PATH: `.
fn strip_file(
    args: &Args,
    stripper: &Stripper,
    job: &Job,
    target: Option<&Path>,
    buffers: &mut Buffers,
) -> Result<Outcome, String> {
    let input = &job.input;
    let data = buffers
        .input
        .read(input)
        .map_err(|e| format!("cannot read: {e}"))?;
    let out = buffers
        .output
        .get(max_output_len(data.len()))
        .map_err(|e| format!("no memory for the output: {e}"))?;
    let before = data.len();
    match stripper.strip_to_slice(data, out) {
        // In a walked folder, files that are not images are left alone.
        Err(Error::UnknownFormat) if job.root.is_some() => {
            Ok(skipped(input, "not an image (unknown format)", false))
        }
        Err(e) => Err(e.to_string()),
        Ok((len, report)) => {
            let out = out.get(..len).unwrap_or_default();
            finish(args, job, target, &report, (before, out))
        }
    }
}

/// Writes a stripped file (unless it is a dry run) and says what happened.
fn finish(
    args: &Args,
    job: &Job,
    target: Option<&Path>,
    report: &Report,
    (before, out): (usize, &[u8]),
) -> Result<Outcome, String> {
    let input = &job.input;
    let mut messages = Vec::new();
    if report.untouched {
        let path = input.display();
        messages.push(format!(
            "{path}: over a limit, copied unchanged (its metadata was NOT removed)"
        ));
    }
    let written = target.filter(|_| !args.dry_run);
    if let Some(target) = written {
        if job.root.is_some() && matches!(args.dest, Dest::OutDir(_)) {
            fs::create_dir_all(dir_of(target))
                .map_err(|e| format!("cannot create {}: {e}", dir_of(target).display()))?;
        }
        let perms_from = (args.dest == Dest::InPlace).then_some(input.as_path());
        write_atomically(target, out, perms_from)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(Outcome {
        status: Status::Stripped {
            format: report.format,
            removed: report.removed,
            untouched: report.untouched,
        },
        line: report_json(input, written, report, (before, out.len())),
        messages,
        bytes_before: before as u64,
        bytes_after: out.len() as u64,
    })
}

/// A temporary file that is removed when dropped, unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes `data` to a new file beside `target`, then renames it over `target`.
fn write_atomically(target: &Path, data: &[u8], perms_from: Option<&Path>) -> io::Result<()> {
    let (mut file, mut temp) = create_temp(target)?;
    file.write_all(data)?;
    if let Some(input) = perms_from {
        file.set_permissions(fs::metadata(input)?.permissions())?;
        // In place, the rename replaces the only copy of the original: the new bytes must be
        // on disk first, or a crash could leave neither. A new output risks nothing that
        // was there before, and skipping the flush keeps the tool as fast as `cp`.
        file.sync_all()?;
    }
    drop(file);
    if perms_from.is_none() {
        // Renaming over an existing file makes ext4 write the new file's data out first
        // (`auto_da_alloc`), which doubled the time of a one-file run; an output that is not
        // the input needs no such care, so the old one goes first. A reader may see no file
        // for a moment, never a half-written one.
        match fs::remove_file(target) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    fs::rename(&temp.path, target)?;
    temp.armed = false;
    Ok(())
}

/// Creates `.NAME.PID-N.strip-tmp` in the target's directory, with a fresh N if taken.
fn create_temp(target: &Path) -> io::Result<(File, TempFile)> {
    let dir = dir_of(target);
    let name = target
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    let pid = std::process::id();
    for n in 0..1000 {
        let path = dir.join(format!(".{name}.{pid}-{n}{TEMP_SUFFIX}"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, TempFile { path, armed: true })),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    ))
}
