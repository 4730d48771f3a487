//! Before any file is read: the inputs become jobs (folders walked with `-r`), and each job
//! gets its target, checked against the inputs and the other targets, in input order.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::{Args, Dest};

/// One file to strip, skip or report as failed.
#[derive(Debug)]
pub struct Job {
    /// The path as given, or as found by walking a folder.
    pub input: PathBuf,
    /// For a file found by walking: the folder given on the command line.
    pub root: Option<PathBuf>,
    pub action: Action,
}

#[derive(Debug)]
pub enum Action {
    /// Strip into this target (`None`: a report-only dry run).
    Strip(Option<PathBuf>),
    /// Leave alone, for this reason (not a failure).
    Skip(String),
    /// Fail with this message.
    Fail(String),
}

impl Job {
    fn new(input: &Path, root: Option<&Path>, action: Action) -> Self {
        Job {
            input: input.to_path_buf(),
            root: root.map(Path::to_path_buf),
            action,
        }
    }
}

/// The suffix of the temporary files outputs are written to; a walk leaves them alone.
pub const TEMP_SUFFIX: &str = ".strip-tmp";

/// Turns the inputs into jobs with their targets.
pub fn plan(args: &Args) -> Vec<Job> {
    let mut jobs = Vec::new();
    for input in &args.inputs {
        // An input named on the command line is followed if it is a link: the user chose it.
        match fs::metadata(input) {
            Ok(m) if m.is_dir() && args.recursive => walk(input, input, &mut jobs),
            Ok(m) if m.is_dir() => {
                let why = "is a folder (use --recursive)".to_owned();
                jobs.push(Job::new(input, None, Action::Fail(why)));
            }
            // A missing or unreadable file fails when it is read.
            _ => jobs.push(Job::new(input, None, Action::Strip(None))),
        }
    }
    let inputs: HashSet<PathBuf> = if args.dest == Dest::InPlace {
        HashSet::new()
    } else {
        let files = jobs.iter().filter(|j| matches!(j.action, Action::Strip(_)));
        files
            .filter_map(|j| fs::canonicalize(&j.input).ok())
            .collect()
    };
    let mut written = HashSet::new();
    for job in &mut jobs {
        if let Action::Strip(_) = job.action {
            let target =
                target_for(&args.dest, job).and_then(|t| check_target(t, &inputs, &mut written));
            job.action = match target {
                Ok(t) => Action::Strip(t),
                Err(e) => Action::Fail(e),
            };
        }
    }
    jobs
}

/// Adds the files below `dir` in name order, never following a symbolic link.
fn walk(root: &Path, dir: &Path, jobs: &mut Vec<Job>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let why = format!("cannot read folder: {e}");
            return jobs.push(Job::new(dir, Some(root), Action::Fail(why)));
        }
    };
    let mut entries: Vec<_> = entries
        .map(|e| e.and_then(|e| Ok((e.path(), e.file_type()?))))
        .collect();
    entries.sort_by(|a, b| match (a, b) {
        (Ok(a), Ok(b)) => a.0.cmp(&b.0),
        (a, b) => a.is_err().cmp(&b.is_err()),
    });
    for entry in entries {
        let (path, kind) = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let why = format!("cannot read folder: {e}");
                jobs.push(Job::new(dir, Some(root), Action::Fail(why)));
                continue;
            }
        };
        let skip = |why: &str| Job::new(&path, Some(root), Action::Skip(why.to_owned()));
        if kind.is_symlink() {
            jobs.push(skip("symbolic link, not followed"));
        } else if kind.is_dir() {
            walk(root, &path, jobs);
        } else if !kind.is_file() {
            jobs.push(skip("not a regular file"));
        } else if !path.to_string_lossy().ends_with(TEMP_SUFFIX) {
            jobs.push(Job::new(&path, Some(root), Action::Strip(None)));
        }
    }
}

/// The path the output goes to, `None` for a report-only dry run.
fn target_for(dest: &Dest, job: &Job) -> Result<Option<PathBuf>, String> {
    Ok(match dest {
        Dest::Output(o) => Some(o.clone()),
        Dest::OutDir(dir) => match &job.root {
            // A walked file keeps its place in the tree.
            Some(root) => {
                let inside = job.input.strip_prefix(root).map_err(|e| e.to_string())?;
                Some(dir.join(inside))
            }
            None => Some(dir.join(job.input.file_name().ok_or("input has no file name")?)),
        },
        // Follow a symbolic link, so the link stays and the file it names is stripped.
        Dest::InPlace => {
            Some(fs::canonicalize(&job.input).map_err(|e| format!("cannot read: {e}"))?)
        }
        Dest::Nowhere => None,
    })
}

/// Refuses to overwrite an input (unless in place) or a target an earlier input has.
/// Paths are compared after resolving links; a hard link to an input is safe to replace,
/// since the rename gives the target path a new file and leaves the input's bytes alone.
/// A dry run checks too: it shows what would happen.
fn check_target(
    target: Option<PathBuf>,
    inputs: &HashSet<PathBuf>,
    written: &mut HashSet<PathBuf>,
) -> Result<Option<PathBuf>, String> {
    let Some(target) = target else {
        return Ok(None);
    };
    let resolved = resolve(&target);
    let shown = target.display();
    if inputs.contains(&resolved) {
        return Err(format!(
            "refusing to overwrite input file {shown} (use --in-place)"
        ));
    }
    if !written.insert(resolved) {
        return Err(format!("{shown} was already written for an earlier input"));
    }
    Ok(Some(target))
}

/// `path` with links resolved; for a file yet to be written, its folder's resolved path.
fn resolve(path: &Path) -> PathBuf {
    let in_dir = || Some(fs::canonicalize(dir_of(path)).ok()?.join(path.file_name()?));
    fs::canonicalize(path)
        .ok()
        .or_else(in_dir)
        .unwrap_or_else(|| path.to_path_buf())
}

/// The folder `path` is in (`.` for a bare file name).
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
