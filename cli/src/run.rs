//! Stripping the jobs on worker threads, one per core, while the main thread prints each
//! result in input order, the progress bar and the summary.

use std::collections::BTreeMap;
use std::fs::Metadata;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use imgstrip::{Error, Format, Limit, Plan, Report};

use crate::buffers::{Buffer, Buffers};
use crate::input::{Input, Source};
use crate::plan::{Action, Job, Target};
use crate::report::{
    describe, not_kept_notes, note_json, report_json, Outcome, Progress, Status, Tally,
};
use crate::{write, Dest, Settings};

/// Runs every job and prints what happened; returns the counts.
pub fn run(settings: &Settings, jobs: Vec<Job>) -> Tally {
    let terminal = io::stderr().is_terminal();
    let progress = Progress::new(terminal && settings.summary != Some(false), jobs.len());
    let mut tally = Tally::new(jobs.len());
    let workers = settings.jobs.clamp(1, jobs.len().max(1));
    let mut described = None;
    if workers == 1 {
        // No thread to start and no channel: a one-file run is mostly start-up and I/O.
        let mut buffers = Buffers::default();
        for job in &jobs {
            let outcome = process(settings, job, &mut buffers);
            tally.count(&outcome);
            print(settings, &progress, &outcome);
            progress.update(&tally);
            described = outcome.described;
        }
        buffers.leak();
    } else {
        run_parallel(settings, &jobs, workers, &progress, &mut tally);
    }
    progress.finish();
    if settings.summary.unwrap_or(terminal) {
        match described.filter(|_| jobs.len() == 1) {
            Some(line) => eprintln!("{line}"),
            None => eprint!("{}", tally.summary()),
        }
    }
    tally
}

/// Runs the jobs on `workers` threads; the calling thread prints each result in input order.
fn run_parallel(
    settings: &Settings,
    jobs: &[Job],
    workers: usize,
    progress: &Progress,
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
                    let outcome = process(settings, job, &mut buffers);
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
                        print(settings, progress, &outcome);
                        printed += 1;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            progress.update(tally);
        }
    });
}

fn print(settings: &Settings, progress: &Progress, outcome: &Outcome) {
    for message in &outcome.messages {
        progress.eprintln(message);
    }
    if settings.report {
        progress.println(&outcome.line);
    }
}

/// Does one job; never panics on a bad file, so one file cannot stop the others.
fn process(settings: &Settings, job: &Job, buffers: &mut Buffers) -> Outcome {
    let input = &job.input;
    let result = match &job.action {
        Action::Strip(target) => strip_file(settings, job, target.as_ref(), buffers),
        Action::Skip(why) => Ok(skipped(input, why, why.contains("link"))),
        Action::Fail(message) => Err(message.clone()),
    };
    result.unwrap_or_else(|message| Outcome {
        status: Status::Failed,
        line: note_json(input, "error", &message),
        messages: vec![format!("{}: {message}", input.display())],
        described: None,
        bytes_before: 0,
        bytes_after: 0,
    })
}

fn skipped(input: &Path, why: &str, link: bool) -> Outcome {
    Outcome {
        status: Status::Skipped { link },
        line: note_json(input, "skipped", why),
        messages: Vec::new(),
        described: Some(format!("{}: skipped: {why}", input.display())),
        bytes_before: 0,
        bytes_after: 0,
    }
}

/// Strips one file; the error is the message after `PATH: `.
fn strip_file(
    settings: &Settings,
    job: &Job,
    target: Option<&Target>,
    buffers: &mut Buffers,
) -> Result<Outcome, String> {
    let walked = job.root.is_some();
    let (mut source, meta) =
        Source::open(&job.input, walked).map_err(|e| format!("cannot read: {e}"))?;
    let limit = settings.limits.max_input_bytes;
    let size = meta.as_ref().filter(|m| m.is_file()).map(Metadata::len);
    let read = buffers.input.read(&mut source, size, limit);
    let data = match read.map_err(|e| format!("cannot read: {e}"))? {
        Input::Whole(data) => data,
        // In a walked folder, files that are not images are left alone.
        Input::NotImage if walked => return Ok(skipped(&job.input, NOT_AN_IMAGE, false)),
        Input::NotImage => return Err(Error::UnknownFormat.to_string()),
        Input::Over { format, size, read } => {
            if !settings.ignore_limits {
                return Err(over_limit(format, size, limit).to_string());
            }
            let report = Report::untouched(format);
            let copy = |out: &mut dyn Write| {
                out.write_all(read)?;
                io::copy(&mut source, out).map(drop)
            };
            let written = write_out(settings, target, meta.as_ref(), copy)?;
            return Ok(finish(job, written, &report, (size, size)));
        }
    };
    // The output is never built: the plan's pieces (ranges of the input, a few bytes
    // written anew) go to the target with vectored writes.
    let plan = match settings.stripper.plan(data) {
        Err(Error::UnknownFormat) if walked => {
            return Ok(skipped(&job.input, NOT_AN_IMAGE, false));
        }
        Err(e) => return Err(e.to_string()),
        Ok(plan) => plan,
    };
    let written = if settings.verify {
        let out = built(&plan, data, &mut buffers.output)?;
        settings
            .stripper
            .verify(out)
            .map_err(|left| format!("the output did not verify: {left}"))?;
        write_out(settings, target, meta.as_ref(), |w| w.write_all(out))?
    } else {
        write_out(settings, target, meta.as_ref(), |w| plan.write_to(data, w))?
    };
    let sizes = (data.len() as u64, plan.len() as u64);
    Ok(finish(job, written, plan.report(), sizes))
}

/// The output of `plan` in the reused output buffer, for `--verify` to re-walk.
fn built<'b>(plan: &Plan, data: &[u8], buffer: &'b mut Buffer) -> Result<&'b [u8], String> {
    let out = buffer
        .get(plan.len())
        .map_err(|e| format!("no memory for the output: {e}"))?;
    plan.write_to(data, &mut *out)
        .map_err(|e| format!("cannot build the output: {e}"))?;
    Ok(out)
}

const NOT_AN_IMAGE: &str = "not an image (unknown format)";

/// The error the library gives for an input over the byte limit, for one the command
/// refused before reading it.
pub fn over_limit(format: Format, size: u64, max: u64) -> Error {
    Error::LimitExceeded {
        format,
        offset: 0,
        limit: Limit::InputBytes,
        value: size,
        max,
    }
}

/// Writes the output unless it is a dry run; returns where it went.
fn write_out<'t>(
    settings: &Settings,
    target: Option<&'t Target>,
    meta: Option<&Metadata>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Option<&'t Target>, String> {
    let Some(target) = target.filter(|_| !settings.dry_run) else {
        return Ok(None);
    };
    let original = meta.filter(|_| settings.dest == Dest::InPlace);
    write::write(target, original, body)
        .map_err(|e| format!("cannot write {}: {e}", target.shown().display()))?;
    Ok(Some(target))
}

/// Says what happened to a stripped (or copied) file.
fn finish(job: &Job, written: Option<&Target>, report: &Report, sizes: (u64, u64)) -> Outcome {
    let input = &job.input;
    let mut messages = Vec::new();
    if report.untouched {
        messages.push(format!(
            "{}: over a limit, copied unchanged: its metadata was NOT removed (--ignore-limits)",
            input.display()
        ));
    }
    for note in not_kept_notes(report) {
        messages.push(format!("{}: {note}", input.display()));
    }
    let shown = written.map(Target::shown);
    let mut described = format!("{}: {}", input.display(), describe(report, true));
    if let Some(out) = shown {
        described.push_str(&format!(" -> {}", out.display()));
    }
    Outcome {
        status: Status::Stripped {
            format: report.format,
            removed: report.removed,
            untouched: report.untouched,
        },
        line: report_json(input, shown, report, sizes),
        messages,
        described: (!report.untouched).then_some(described),
        bytes_before: sizes.0,
        bytes_after: sizes.1,
    }
}
