//! What the user sees: report lines (JSON), the counts behind the summary, the progress
//! line and the closing summary.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use imgstrip::{Format, Kinds, Report};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How one job ended.
#[derive(Debug)]
pub enum Status {
    Stripped {
        format: Format,
        removed: Kinds,
        untouched: bool,
    },
    Skipped {
        link: bool,
    },
    Failed,
}

/// One job's result, as the main thread prints it.
#[derive(Debug)]
pub struct Outcome {
    pub status: Status,
    /// The `--report` line.
    pub line: String,
    /// Lines for stderr, each `PATH: message`.
    pub messages: Vec<String>,
    /// What a one-file run prints in place of the summary: `PATH: FORMAT WxH, …; removed …`.
    pub described: Option<String>,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// Counts over the finished jobs.
#[derive(Debug)]
pub struct Tally {
    started: Instant,
    total: usize,
    pub done: usize,
    pub stripped: usize,
    pub untouched: usize,
    links: usize,
    not_images: usize,
    pub failed: usize,
    bytes_before: u64,
    bytes_after: u64,
    formats: BTreeMap<&'static str, usize>,
    kinds: BTreeMap<u32, usize>,
}

impl Tally {
    pub fn new(total: usize) -> Self {
        Tally {
            started: Instant::now(),
            total,
            done: 0,
            stripped: 0,
            untouched: 0,
            links: 0,
            not_images: 0,
            failed: 0,
            bytes_before: 0,
            bytes_after: 0,
            formats: BTreeMap::new(),
            kinds: BTreeMap::new(),
        }
    }

    pub fn count(&mut self, outcome: &Outcome) {
        self.done += 1;
        match outcome.status {
            Status::Stripped {
                format,
                removed,
                untouched,
            } => {
                self.stripped += 1;
                self.untouched += usize::from(untouched);
                *self.formats.entry(format.name()).or_default() += 1;
                for kind in removed.iter() {
                    *self.kinds.entry(kind.bits()).or_default() += 1;
                }
                self.bytes_before += outcome.bytes_before;
                self.bytes_after += outcome.bytes_after;
            }
            Status::Skipped { link: true } => self.links += 1,
            Status::Skipped { link: false } => self.not_images += 1,
            Status::Failed => self.failed += 1,
        }
    }

    fn rate(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bytes_before as f64 / secs
    }

    /// `345.6 MiB read  12.3 MiB removed  45.6 MiB/s  2 failed`
    fn progress_line(&self) -> String {
        let mut line = format!(
            "{} read  {} removed  {}/s",
            bytes(self.bytes_before),
            bytes(self.bytes_before.saturating_sub(self.bytes_after)),
            bytes(self.rate() as u64),
        );
        if self.failed > 0 {
            line.push_str(&format!("  {} failed", self.failed));
        }
        line
    }

    /// The closing summary, several lines.
    pub fn summary(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        let removed = self.bytes_before.saturating_sub(self.bytes_after);
        let share = if self.bytes_before > 0 {
            removed as f64 * 100.0 / self.bytes_before as f64
        } else {
            0.0
        };
        let skipped = self.links + self.not_images;
        let mut s = format!(
            "imgstrip: {} files in {secs:.2} s ({}/s): {} stripped, {skipped} skipped, {} failed\n",
            self.total,
            bytes(self.rate() as u64),
            self.stripped,
            self.failed,
        );
        s.push_str(&format!(
            "  bytes: {} in, {} out, {} removed ({share:.1}%)\n",
            bytes(self.bytes_before),
            bytes(self.bytes_after),
            bytes(removed),
        ));
        if !self.formats.is_empty() {
            let list: Vec<String> = (self.formats.iter())
                .map(|(name, n)| format!("{name} {n}"))
                .collect();
            s.push_str(&format!("  formats: {}\n", list.join(", ")));
        }
        if !self.kinds.is_empty() {
            let list: Vec<String> = (Kinds::all().iter())
                .zip(Kinds::all().names())
                .filter_map(|(kind, name)| {
                    let n = self.kinds.get(&kind.bits())?;
                    Some(format!("{name} {n}"))
                })
                .collect();
            s.push_str(&format!("  removed (files): {}\n", list.join(", ")));
        }
        if self.untouched > 0 {
            s.push_str(&format!(
                "  over a limit, copied unchanged (metadata NOT removed): {}\n",
                self.untouched
            ));
        }
        if skipped > 0 {
            s.push_str(&format!(
                "  skipped: {} not images, {} symbolic links\n",
                self.not_images, self.links
            ));
        }
        if self.failed > 0 {
            s.push_str(&format!("  failed: {} (listed above)\n", self.failed));
        }
        s
    }
}

/// `1.5 MiB`, `812 B`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The progress bar on a terminal's stderr (indicatif), for runs of more than one file;
/// messages and report lines are printed above it.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(enabled: bool, total: usize) -> Self {
        let bar = if enabled && total > 1 {
            let style = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} files  {msg}  {elapsed} (eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(style);
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar }
    }

    pub fn update(&self, tally: &Tally) {
        self.bar.set_message(tally.progress_line());
        self.bar.set_position(tally.done as u64);
    }

    /// Prints `line` on stderr, above the bar.
    pub fn eprintln(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Prints `line` on stdout (which may be the same terminal), above the bar.
    pub fn println(&self, line: &str) {
        self.bar.suspend(|| println!("{line}"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `JPEG 640x480, 1 frame; removes exif, comment (1234 bytes): GPS position, capture time`;
/// `done` says `removed`. What follows the colon is what the removed metadata held.
pub fn describe(r: &Report, done: bool) -> String {
    let verb = if done { "removed" } else { "removes" };
    let frames = if r.frames == 1 {
        "1 frame".to_string()
    } else {
        format!("{} frames", r.frames)
    };
    let mut line = format!("{} {}x{}, {frames}; ", r.format, r.width, r.height);
    if r.untouched && done {
        line.push_str("over a limit, copied unchanged: its metadata was NOT removed");
    } else if r.untouched {
        line.push_str("over a limit, would be copied unchanged (metadata NOT removed)");
    } else if r.removed.is_empty() {
        line.push_str("no metadata");
    } else {
        let kinds: Vec<&str> = r.removed.names().collect();
        line.push_str(&format!(
            "{verb} {} ({} bytes)",
            kinds.join(", "),
            r.bytes_removed
        ));
        if !r.found.is_empty() {
            let held: Vec<&str> = r.found.phrases().collect();
            line.push_str(&format!(": {}", held.join(", ")));
        }
    }
    if r.truncated {
        line.push_str("; input was truncated");
    }
    for note in not_kept_notes(r) {
        line.push_str(&format!("; {note}"));
    }
    line
}

/// `copyright not kept: GIF cannot carry it`: one note per [`Report::not_kept`] flag.
pub fn not_kept_notes(r: &Report) -> Vec<String> {
    r.not_kept
        .flag_names()
        .map(|name| format!("{name} not kept: {}", not_kept_reason(r.format)))
        .collect()
}

/// Why a [`Report::not_kept`] flag's metadata could not stay in `format`.
fn not_kept_reason(format: Format) -> String {
    match format {
        Format::Gif | Format::Bmp => format!("{format} cannot carry it"),
        Format::Jxl => format!("not written to {format} yet"),
        Format::Heif | Format::Avif => {
            "it would not fit in the output's size bound, was not readable, or the file has no \
             primary image to credit"
                .into()
        }
        _ => "it would not fit in the output's size bound, or was not readable".into(),
    }
}

/// `{"path":…,"output":…,"format":…,"removed":[…],"bytes_before":…,…}`; `output` is null
/// when nothing was written.
pub fn report_json(input: &Path, out: Option<&Path>, r: &Report, sizes: (u64, u64)) -> String {
    let output = out.map_or("null".into(), json_path);
    let kinds: Vec<String> = r.removed.names().map(json_string).collect();
    let found: Vec<String> = r.found.names().map(json_string).collect();
    let not_kept: Vec<String> = r.not_kept.flag_names().map(json_string).collect();
    format!(
        "{{\"path\":{},\"output\":{output},\"format\":{},\"removed\":[{}],\"found\":[{}],\
         \"bytes_before\":{},\"bytes_after\":{},\"bytes_removed\":{},\"width\":{},\
         \"height\":{},\"frames\":{},\"untouched\":{},\"truncated\":{},\"not_kept\":[{}]}}",
        json_path(input),
        json_string(r.format.name()),
        kinds.join(","),
        found.join(","),
        sizes.0,
        sizes.1,
        r.bytes_removed,
        r.width,
        r.height,
        r.frames,
        r.untouched,
        r.truncated,
        not_kept.join(","),
    )
}

/// `{"path":…,"error":…}` or `{"path":…,"skipped":…}`.
pub fn note_json(input: &Path, field: &str, message: &str) -> String {
    format!(
        "{{\"path\":{},\"{field}\":{}}}",
        json_path(input),
        json_string(message)
    )
}

/// A path as a JSON string; bytes that are not UTF-8 become U+FFFD.
fn json_path(path: &Path) -> String {
    json_string(&path.to_string_lossy())
}

/// A JSON string literal (RFC 8259 § 7): quotes, backslashes and control characters escaped.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
