//! `imgstrip`: remove metadata from image files without touching their pixels.
//!
//! The arguments are declared here (clap); `plan` turns the inputs into jobs, `run` strips
//! them on worker threads, `input` reads each file within the limits, `write` puts each
//! output in place, `report` prints what happened, `inspect` is the `inspect` subcommand.

mod buffers;
mod cleanup;
mod input;
mod inspect;
mod plan;
mod report;
mod run;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};
use imgstrip::{Keep, Limits, Stripper};

const EXIT_CODES: &str = "\
Exit status:
  0  every file was stripped (or skipped: not an image, or a symbolic link inside a walked folder)
  1  at least one file failed (each failure is printed to stderr as `PATH: message`)
  2  usage error (bad option, missing destination)

Examples:
  imgstrip photo.jpg -o clean.jpg
  imgstrip --keep display *.jpg --out-dir clean/
  imgstrip -r Photos/ --out-dir Clean/
  imgstrip --in-place -r Uploads/
  imgstrip - -o - < photo.jpg > clean.jpg
  imgstrip inspect photo.jpg
  imgstrip verify clean/*.jpg";

/// Remove metadata (GPS position, camera serial numbers, names, thumbnails, edit history,
/// comments) from JPEG, PNG, GIF, WebP, BMP, HEIF/HEIC and AVIF files without decoding or
/// changing a pixel.
///
/// Every output is complete or absent: it is written to an unnamed (or 0600) temporary file
/// in the output's folder and only then linked into place; an input is never overwritten
/// unless --in-place is given.
#[derive(Debug, Parser)]
#[command(
    name = "imgstrip",
    version,
    after_help = EXIT_CODES,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    strip: StripArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show what would be removed from each file, writing nothing.
    ///
    /// One line per file on stdout: `PATH: FORMAT WxH, N frames; removes KINDS (N bytes)`.
    /// (A file named `inspect` is given as `./inspect`.)
    #[command(
        after_help = "Exit status: 0 every file could be read, 1 some failed, 2 usage error"
    )]
    Inspect(inspect::InspectArgs),
    /// Check that files hold nothing a strip would remove, writing nothing.
    ///
    /// Prints `PATH: clean` or `PATH: FORMAT still holds KINDS (…): what they hold` on
    /// stdout. (A file named `verify` is given as `./verify`.)
    #[command(
        after_help = "Exit status: 0 every file is clean, 1 some file holds metadata or could not \
                      be read, 2 usage error"
    )]
    Verify(inspect::InspectArgs),
}

/// Strip files: `imgstrip IN -o OUT`, `imgstrip IN... --out-dir DIR`, `imgstrip --in-place
/// IN...`.
#[derive(Debug, Args)]
pub struct StripArgs {
    /// Image files to strip (`-` reads standard input); folders with --recursive.
    #[arg(value_name = "IN", required = true)]
    inputs: Vec<PathBuf>,

    /// Write the stripped copy of the one input to OUT (`-` writes standard output). An OUT
    /// that is a device or a named pipe is written to as it is; a symbolic link is followed.
    #[arg(short, long, value_name = "OUT", group = "dest")]
    output: Option<PathBuf>,

    /// Write each stripped copy into DIR under its file name (with --recursive, at its
    /// place in the walked tree). Symbolic links inside DIR are never followed.
    #[arg(long, value_name = "DIR", group = "dest")]
    out_dir: Option<PathBuf>,

    /// Replace each input by its stripped copy, keeping its mode and, where allowed, its
    /// owner. The new bytes are on disk before the rename.
    #[arg(long, group = "dest")]
    in_place: bool,

    /// Walk the folders given as inputs. Symbolic links inside them are skipped, and so
    /// are files that are not images (decided from their first bytes).
    #[arg(short, long)]
    recursive: bool,

    #[command(flatten)]
    options: StripOptions,

    /// Print one JSON line per input on stdout (path, output, format, kinds removed, sizes,
    /// dimensions; `error` or `skipped` instead for those).
    #[arg(long)]
    report: bool,

    /// Write nothing; print the --report lines (-o/--out-dir may be left out).
    #[arg(long)]
    dry_run: bool,

    /// Re-walk each output before writing it and write it only if a strip would leave it
    /// as it is (a failure names what is left).
    #[arg(long)]
    verify: bool,

    /// Strip N files at a time [default: one per core].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,

    /// Print the closing summary even when stderr is not a terminal.
    #[arg(long, overrides_with = "quiet")]
    summary: bool,

    /// No progress bar and no summary, even on a terminal (errors are still printed). The
    /// later of --summary and --quiet wins.
    #[arg(short, long, overrides_with = "summary")]
    quiet: bool,
}

/// What to keep and which limits apply: shared by stripping and `inspect`.
#[derive(Debug, Args)]
pub struct StripOptions {
    /// Keep what LIST names (comma-separated, repeatable): `orientation` (a minimal EXIF
    /// holding only the Orientation tag), `icc` (the colour profile), `gain-map` (an Ultra
    /// HDR JPEG's gain map, with only the metadata that applies it), `display` (all three:
    /// recommended for photos), `copyright` (the author's credit: EXIF Artist and Copyright,
    /// XMP dc:creator and dc:rights, in fresh minimal blocks; JPEG, PNG and WebP).
    #[arg(short, long, value_name = "LIST")]
    keep: Vec<Keep>,

    /// Copy a file that is over a limit unchanged instead of failing, as COS `ignore-error/1`
    /// does. Such a file KEEPS ALL ITS METADATA; a warning names it.
    #[arg(long)]
    ignore_limits: bool,

    #[command(flatten)]
    limits: LimitArgs,
}

/// The limits: Tencent COS `imageMogr2` defaults, each one changeable.
#[derive(Debug, Args)]
#[group(multiple = true)]
struct LimitArgs {
    /// Lift every limit (size, sides, pixels, frames).
    #[arg(long, conflicts_with_all = ["max_bytes", "max_side", "max_pixels", "max_frames"])]
    no_limits: bool,

    /// Largest input, in bytes [default: 33554432 (32 MiB)].
    #[arg(long, value_name = "N")]
    max_bytes: Option<u64>,

    /// Largest width or height, every format, WebP too [default: 50000; WebP 16383].
    #[arg(long, value_name = "N")]
    max_side: Option<u32>,

    /// Largest width × height, and width × height × frames of an animation
    /// [default: 250000000].
    #[arg(long, value_name = "N")]
    max_pixels: Option<u64>,

    /// Most frames in a GIF [default: 300].
    #[arg(long, value_name = "N")]
    max_frames: Option<u32>,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        let mut limits = if self.no_limits {
            Limits::none()
        } else {
            Limits::default()
        };
        if let Some(n) = self.max_bytes {
            limits.max_input_bytes = n;
        }
        if let Some(n) = self.max_side {
            limits.max_dimension = n;
            limits.max_webp_dimension = n;
        }
        if let Some(n) = self.max_pixels {
            limits.max_pixels = n;
            limits.max_animation_pixels = n;
        }
        if let Some(n) = self.max_frames {
            limits.max_gif_frames = n;
        }
        limits
    }
}

impl StripOptions {
    fn stripper(&self) -> Stripper {
        let keep = self.keep.iter().fold(Keep::empty(), |all, k| all | *k);
        Stripper::new()
            .keep(keep)
            .limits(self.limits.limits())
            .ignore_limit_errors(self.ignore_limits)
    }
}

/// Where the outputs go.
#[derive(Debug, Clone, PartialEq)]
pub enum Dest {
    /// `-o OUT` (`None`: `-o -`, standard output).
    Output(Option<PathBuf>),
    OutDir(PathBuf),
    InPlace,
    /// `--dry-run` without a destination: report only.
    Nowhere,
}

/// The parsed command line of a strip run.
#[derive(Debug)]
pub struct Settings {
    pub inputs: Vec<PathBuf>,
    pub dest: Dest,
    pub stripper: Stripper,
    pub limits: Limits,
    pub ignore_limits: bool,
    pub report: bool,
    pub dry_run: bool,
    pub verify: bool,
    pub recursive: bool,
    pub jobs: usize,
    /// `Some(true)`: summary even off a terminal; `Some(false)`: never (`--quiet`).
    pub summary: Option<bool>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    write::init();
    match cli.command {
        Some(Command::Inspect(args)) => inspect::run(&args),
        Some(Command::Verify(args)) => inspect::verify(&args),
        None => match settings(cli.strip) {
            Ok(settings) => strip(&settings),
            Err(message) => Cli::command()
                .error(ErrorKind::ArgumentConflict, message)
                .exit(),
        },
    }
}

fn strip(settings: &Settings) -> ExitCode {
    let jobs = plan::plan(settings);
    if matches!(settings.dest, Dest::Output(_)) && jobs.iter().any(|j| j.root.is_some()) {
        Cli::command()
            .error(
                ErrorKind::ArgumentConflict,
                "-o takes one input file; use --out-dir for a folder",
            )
            .exit();
    }
    let tally = run::run(settings, jobs);
    if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks what clap cannot express and settles the defaults.
fn settings(args: StripArgs) -> Result<Settings, String> {
    let stdin_inputs = args.inputs.iter().filter(|p| is_stdio(p)).count();
    if stdin_inputs > 1 {
        return Err("standard input (`-`) can be read once".into());
    }
    let dest = match (args.output, args.out_dir, args.in_place) {
        (Some(_), _, _) if args.inputs.len() > 1 => {
            return Err("-o takes one input; use --out-dir for several".into())
        }
        (Some(o), _, _) => Dest::Output((!is_stdio(&o)).then_some(o)),
        (_, Some(d), _) => Dest::OutDir(d),
        (_, _, true) => Dest::InPlace,
        _ if args.dry_run => Dest::Nowhere,
        _ => return Err("say where to write: -o OUT, --out-dir DIR or --in-place".into()),
    };
    if stdin_inputs > 0 && matches!(dest, Dest::OutDir(_) | Dest::InPlace) {
        return Err("standard input (`-`) has no file name: write it with -o".into());
    }
    // A dry run exists to show what would happen, so it always reports.
    let report = args.report || args.dry_run;
    if report && dest == Dest::Output(None) && !args.dry_run {
        return Err("--report writes to standard output, which -o - already uses".into());
    }
    let jobs = match args.jobs {
        Some(0) | None => std::thread::available_parallelism().map_or(1, usize::from),
        Some(n) => n,
    };
    Ok(Settings {
        inputs: args.inputs,
        dest,
        stripper: args.options.stripper(),
        limits: args.options.limits.limits(),
        ignore_limits: args.options.ignore_limits,
        report,
        dry_run: args.dry_run,
        verify: args.verify,
        recursive: args.recursive,
        jobs,
        summary: match (args.summary, args.quiet) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
    })
}

/// `-` names standard input or output.
pub fn is_stdio(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn limit_flags_change_one_limit_each() {
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from([&["imgstrip", "a.gif", "-o", "b.gif"], args].concat());
            cli.unwrap().strip.options.limits.limits()
        };
        assert_eq!(parse(&[]), Limits::default());
        assert_eq!(parse(&["--no-limits"]), Limits::none());
        let l = parse(&["--max-frames", "400", "--max-side", "100"]);
        assert_eq!(l.max_gif_frames, 400);
        assert_eq!((l.max_dimension, l.max_webp_dimension), (100, 100));
        assert_eq!(l.max_pixels, Limits::default().max_pixels);
        let l = parse(&["--max-pixels", "7", "--max-bytes", "9"]);
        assert_eq!((l.max_pixels, l.max_animation_pixels), (7, 7));
        assert_eq!(l.max_input_bytes, 9);
    }
}
