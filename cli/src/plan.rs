//! Before any file is read: the inputs become jobs (folders walked with `-r`), and each job
//! gets its target, checked against the inputs and the other targets, in input order.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::{is_stdio, Dest, Settings};

/// One file to strip, skip or report as failed.
#[derive(Debug)]
pub struct Job {
    /// The path as given, or as found by walking a folder (`-`: standard input).
    pub input: PathBuf,
    /// For a file found by walking: the folder given on the command line.
    pub root: Option<PathBuf>,
    pub action: Action,
}

#[derive(Debug)]
pub enum Action {
    /// Strip into this target (`None`: a report-only dry run).
    Strip(Option<Target>),
    /// Leave alone, for this reason (not a failure).
    Skip(String),
    /// Fail with this message.
    Fail(String),
}

/// Where one output goes.
#[derive(Debug, Clone)]
pub enum Target {
    Stdout,
    File(FileTarget),
}

/// A file target, split so that it can be reached without following links the user did
/// not name: `dir` is followed as given, each folder in `below` is opened without following
/// a link (and created when missing), and `name` is the entry written in the last one.
#[derive(Debug, Clone)]
pub struct FileTarget {
    pub dir: PathBuf,
    pub below: Vec<OsString>,
    pub name: OsString,
    /// `-o LINK` writes to the file the link names; under `--out-dir` a link fails.
    pub follow_link: bool,
    /// `--out-dir DIR` is created when missing (with its parents).
    pub create_dir: bool,
    /// The path as the user sees it, for messages and reports.
    pub shown: PathBuf,
}

impl Target {
    pub fn shown(&self) -> &Path {
        match self {
            Target::Stdout => Path::new("-"),
            Target::File(f) => &f.shown,
        }
    }
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

/// Turns the inputs into jobs with their targets.
pub fn plan(settings: &Settings) -> Vec<Job> {
    let mut jobs = Vec::new();
    for input in &settings.inputs {
        // An input named on the command line is followed if it is a link: the user chose it.
        match fs::metadata(input) {
            Ok(m) if m.is_dir() && settings.recursive => walk(input, input, &mut jobs),
            Ok(m) if m.is_dir() => {
                let why = "is a folder (use --recursive)".to_owned();
                jobs.push(Job::new(input, None, Action::Fail(why)));
            }
            // A missing or unreadable file fails when it is read.
            _ => jobs.push(Job::new(input, None, Action::Strip(None))),
        }
    }
    let inputs: HashSet<PathBuf> = if settings.dest == Dest::InPlace {
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
            let target = target_for(&settings.dest, job)
                .and_then(|t| check_target(t, &inputs, &mut written));
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
        } else if !path.to_string_lossy().ends_with(crate::write::TEMP_SUFFIX) {
            jobs.push(Job::new(&path, Some(root), Action::Strip(None)));
        }
    }
}

/// The target of one job, `None` for a report-only dry run.
fn target_for(dest: &Dest, job: &Job) -> Result<Option<Target>, String> {
    Ok(Some(match dest {
        Dest::Output(None) => Target::Stdout,
        Dest::Output(Some(path)) => {
            let name = path.file_name().ok_or("-o needs a file name")?;
            file_target(dir_of(path), Vec::new(), name, path.clone(), (true, false))
        }
        Dest::OutDir(dir) => {
            let (below, name) = place_in_tree(job)?;
            let mut shown = dir.clone();
            shown.extend(&below);
            shown.push(&name);
            file_target(dir, below, &name, shown, (false, true))
        }
        // In place, the file a link names is stripped and the link stays.
        Dest::InPlace if is_stdio(&job.input) => return Err("cannot strip stdin in place".into()),
        Dest::InPlace => {
            let real = fs::canonicalize(&job.input).map_err(|e| format!("cannot read: {e}"))?;
            let name = real.file_name().ok_or("input has no file name")?;
            file_target(
                dir_of(&real),
                Vec::new(),
                name,
                real.clone(),
                (false, false),
            )
        }
        Dest::Nowhere => return Ok(None),
    }))
}

/// `(follow_link, create_dir)`: see [`FileTarget`].
fn file_target(
    dir: &Path,
    below: Vec<OsString>,
    name: &OsStr,
    shown: PathBuf,
    (follow_link, create_dir): (bool, bool),
) -> Target {
    Target::File(FileTarget {
        dir: dir.to_path_buf(),
        below,
        name: name.to_os_string(),
        follow_link,
        create_dir,
        shown,
    })
}

/// The folders below the output folder and the file name a job's output takes: a walked
/// file keeps its place in the tree, a named file lands at the top.
fn place_in_tree(job: &Job) -> Result<(Vec<OsString>, OsString), String> {
    let inside = match &job.root {
        Some(root) => job.input.strip_prefix(root).map_err(|e| e.to_string())?,
        None => Path::new(job.input.file_name().ok_or("input has no file name")?),
    };
    let mut parts: Vec<OsString> = Vec::new();
    for part in inside.components() {
        match part {
            Component::Normal(p) => parts.push(p.to_os_string()),
            _ => return Err(format!("{} leaves the output folder", inside.display())),
        }
    }
    let name = parts.pop().ok_or("input has no file name")?;
    Ok((parts, name))
}

/// Refuses to overwrite an input (unless in place) or a target an earlier input has.
/// Paths are compared after resolving links; a hard link to an input is safe to replace,
/// since the new file gets the target's name and the input's bytes stay.
/// A dry run checks too: it shows what would happen.
fn check_target(
    target: Option<Target>,
    inputs: &HashSet<PathBuf>,
    written: &mut HashSet<PathBuf>,
) -> Result<Option<Target>, String> {
    let Some(Target::File(file)) = &target else {
        return Ok(target);
    };
    let resolved = resolve(&file.shown);
    let shown = file.shown.display();
    if inputs.contains(&resolved) {
        return Err(format!(
            "refusing to overwrite input file {shown} (use --in-place)"
        ));
    }
    if !written.insert(resolved) {
        return Err(format!("{shown} was already written for an earlier input"));
    }
    Ok(target)
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
