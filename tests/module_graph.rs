//! The library's modules use one another in one direction only: front (lib.rs, the
//! stripper) → format walkers → leaf helpers. This reads `src/` and fails, naming the
//! circle, when a module reaches back up: a walker importing from the crate root or the
//! stripper, a child module importing from its parent's `mod.rs` while the parent uses it.
//!
//! A reference is any path in code (not in comments) that names a module: `crate::a::b`,
//! `super::x`, `self::x`, or a child declared with `mod x` and then used as `x::`. A path to
//! an item of the crate root (`crate::Error`, a re-export) counts as using the root.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module path ("crate", "jpeg", "heif::meta") → the source file's code, comments removed,
/// test modules cut.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        if is_test_file(&rel) {
            continue;
        }
        let name = module_name(&rel);
        out.insert(
            name,
            without_tests(&code_only(&fs::read_to_string(&file).unwrap())),
        );
    }
    out
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Unit tests may reach anywhere; only the library's own code is checked.
fn is_test_file(rel: &str) -> bool {
    rel.split('/')
        .any(|part| part == "tests" || part == "tests.rs")
        || rel.ends_with("_tests.rs")
}

fn module_name(rel: &str) -> String {
    let trimmed = rel.trim_end_matches(".rs");
    let trimmed = trimmed.trim_end_matches("/mod");
    if trimmed == "lib" {
        "crate".to_owned()
    } else {
        trimmed.replace('/', "::")
    }
}

/// The code with `//` comments (doc comments included) and string literals blanked, so a
/// path in a doc link or a message does not count.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_str && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            }
            kept.push(if in_str { ' ' } else { c });
            prev = c;
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Cuts `#[cfg(test)] mod … { … }` blocks (to the end of the file: they close every file
/// that has one) and `#[cfg(test)] mod x;` declarations.
fn without_tests(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        if line == "#[cfg(test)]" && next.starts_with("mod ") && next.ends_with('{') {
            break;
        }
        if line == "#[cfg(test)]" && next.starts_with("mod ") {
            i += 2;
            continue;
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    out
}

fn idents_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    code.match_indices(prefix).filter_map(move |(at, _)| {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let rest = &code[at + prefix.len()..];
        let mut parts = Vec::new();
        let mut rest = rest;
        loop {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            parts.push(&rest[..end]);
            match rest[end..].strip_prefix("::") {
                Some(more) => rest = more,
                None => break,
            }
        }
        Some(parts)
    })
}

/// The longest known module that `base::parts…` names, or `base` itself.
fn resolve(known: &BTreeSet<String>, base: &str, parts: &[&str]) -> String {
    let mut best = base.to_owned();
    let mut path = base.to_owned();
    for part in parts {
        if part.is_empty() {
            break;
        }
        path = if path == "crate" {
            (*part).to_owned()
        } else {
            format!("{path}::{part}")
        };
        if known.contains(&path) {
            best.clone_from(&path);
        } else {
            break;
        }
    }
    best
}

fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map_or("crate".to_owned(), |(p, _)| p.to_owned())
}

fn declared_children(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|l| {
            let l = l
                .trim()
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            l.strip_prefix("mod ")
                .and_then(|r| r.strip_suffix(';'))
                .map(str::to_owned)
        })
        .collect()
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules();
    let known: BTreeSet<String> = mods.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (name, code) in &mods {
        let mut uses = BTreeSet::new();
        for parts in idents_after(code, "crate::") {
            uses.insert(resolve(&known, "crate", &parts));
        }
        for parts in idents_after(code, "super::") {
            uses.insert(resolve(&known, &parent(name), &parts));
        }
        for child in declared_children(code) {
            let full = if name == "crate" {
                child.clone()
            } else {
                format!("{name}::{child}")
            };
            let used = idents_after(code, &format!("{child}::")).next().is_some()
                || code.contains(&format!("use {child};"))
                || code.contains(&format!("self::{child}"));
            if used {
                uses.insert(full);
            }
        }
        uses.remove(name);
        edges.insert(name.clone(), uses);
    }
    edges
}

fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_reaches_back_up() {
    let edges = graph();
    assert!(edges.len() > 20, "read only {} modules", edges.len());
    // The reading works: edges every version of the crate has.
    assert!(
        edges["stripper"].contains("jpeg"),
        "{:?}",
        edges["stripper"]
    );
    assert!(edges["jpeg"].contains("reader"), "{:?}", edges["jpeg"]);
    assert!(edges["crate"].contains("stripper"), "{:?}", edges["crate"]);
    if let Some(cycle) = find_cycle(&edges) {
        panic!("import circle: {}", cycle.join(" → "));
    }
}

#[test]
fn walkers_import_only_leaves() {
    let edges = graph();
    let leaves = [
        "reader", "sink", "out", "report", "options", "limits", "error", "format", "work", "crc32",
        "exif",
    ];
    let walkers = ["jpeg", "png", "gif", "webp", "bmp", "heif"];
    for (module, uses) in &edges {
        let top = module.split("::").next().unwrap();
        if !walkers.contains(&top) {
            continue;
        }
        for used in uses {
            let used_top = used.split("::").next().unwrap();
            // A walker may use its own submodules, the leaves, and the walker of the images
            // its format embeds (BMP's JPEG/PNG payloads, HEIF's JPEG items).
            let embeds = [("bmp", "jpeg"), ("bmp", "png"), ("heif", "jpeg")];
            let allowed =
                used_top == top || leaves.contains(&used_top) || embeds.contains(&(top, used_top));
            assert!(allowed, "{module} uses {used}");
        }
    }
}

/// The check itself finds a circle when there is one.
#[test]
fn a_circle_is_found() {
    let mut edges = BTreeMap::new();
    edges.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    edges.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    edges.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(find_cycle(&edges).unwrap(), ["a", "b", "c", "a"]);
    edges.insert("c".to_owned(), BTreeSet::new());
    assert_eq!(find_cycle(&edges), None);
}
