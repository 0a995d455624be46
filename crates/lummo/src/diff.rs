//! `lummo diff [REV] [DIR...]`: what a change does to the manifests. The packages are rendered
//! as they are at a git revision (default `HEAD`, copied out with git, the working tree left
//! alone) and as they are in the working tree; objects are matched by group, kind, namespace and
//! name and compared as values, so key order, comments and the `krm.lummo.com/*` bookkeeping
//! never show as changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lummo_krm::ResourceId;
use lummo_krm::results::KrmResult;
use serde_json::Value as Json;

use crate::git::Repo;
use crate::render::{self, Rendered};
use crate::{package, platform, registry, text_diff};

/// How the report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal: per package, each object added (+), removed (-) or changed (~), with a unified diff.
    Text,
    /// For a pull-request comment: counts per kind, then a collapsible diff per object.
    Markdown,
}

/// A package's objects: identity → the object as compared.
type Objects = BTreeMap<ResourceId, Json>;

/// What the working tree is compared with.
pub enum Base {
    /// A git revision (or `HEAD` when none is named), read with git.
    Revision,
    /// A folder holding another copy of the repository (a CI job's checkout of the target
    /// branch): each DIR, relative to the current folder, is compared with BASE/DIR. Needs no
    /// git, so the lummo image (which has none) can run it.
    Folder(PathBuf),
}

pub fn run(args: &[String], base: &Base, exit_zero: bool, format: Format, source: &platform::Source) -> ExitCode {
    let sides = match base {
        Base::Revision => from_git(args),
        Base::Folder(folder) => from_folder(folder, args),
    };
    let sides = match sides {
        Ok(sides) => sides,
        Err(Problem::Usage(message)) => return usage(&message),
        Err(Problem::Failure(message)) => return failure(&message),
    };
    let old = render_side(&sides.old_dirs, &sides.old_top, source, &format!("{}:", sides.label));
    let new = render_side(&sides.new_dirs, &sides.new_top, source, "");
    let (Some(old), Some(new)) = (old, new) else {
        return failure(&format!("the packages do not render at {} or in the working tree: nothing to compare", sides.label));
    };
    let changes = compare(&old, &new);
    print!("{}", report(&changes, &sides.label, format));
    if changes.iter().all(|c| c.is_empty()) || exit_zero { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The folders rendered on each side, the tops their packages are keyed below, and the name
/// of the base in messages.
struct Sides {
    label: String,
    old_dirs: Vec<PathBuf>,
    old_top: PathBuf,
    new_dirs: Vec<PathBuf>,
    new_top: PathBuf,
    /// Keeps the revision's copy until the comparison is done.
    _scratch: Option<Scratch>,
}

enum Problem {
    Usage(String),
    Failure(String),
}

fn from_git(args: &[String]) -> Result<Sides, Problem> {
    let (rev, dirs) = split(args);
    let repo = Repo::containing(&dirs[0]).map_err(Problem::Usage)?;
    let commit =
        repo.commit(&rev).ok_or_else(|| Problem::Usage(format!("{rev:?} is neither a folder nor a revision of {}", repo.top.display())))?;
    let relative = dirs.iter().map(|dir| repo.relative(dir)).collect::<Result<Vec<PathBuf>, String>>().map_err(Problem::Usage)?;
    let scratch = Scratch::new().map_err(Problem::Failure)?;
    repo.copy_at(&commit, &relative, &scratch.0).map_err(|message| Problem::Failure(format!("reading {rev}: {message}")))?;
    let old_dirs = relative.iter().map(|rel| scratch.0.join(rel)).collect();
    Ok(Sides { label: rev, old_dirs, old_top: scratch.0.clone(), new_dirs: dirs, new_top: repo.top, _scratch: Some(scratch) })
}

fn from_folder(base: &Path, args: &[String]) -> Result<Sides, Problem> {
    if !base.is_dir() {
        return Err(Problem::Usage(format!("--base {}: not a folder", base.display())));
    }
    let dirs: Vec<PathBuf> = if args.is_empty() { vec![PathBuf::from(".")] } else { args.iter().map(PathBuf::from).collect() };
    if let Some(absolute) = dirs.iter().find(|dir| dir.is_absolute() || dir.components().any(|c| c == std::path::Component::ParentDir)) {
        return Err(Problem::Usage(format!("{}: with --base, name folders below the current one", absolute.display())));
    }
    let old_dirs = dirs.iter().map(|dir| base.join(dir)).collect();
    Ok(Sides {
        label: base.display().to_string(),
        old_dirs,
        old_top: base.to_path_buf(),
        new_dirs: dirs,
        new_top: PathBuf::from("."),
        _scratch: None,
    })
}

/// `[REV] [DIR...]`: the first argument is a revision unless it is a folder.
fn split(args: &[String]) -> (String, Vec<PathBuf>) {
    let (rev, dirs) = match args.split_first() {
        Some((first, rest)) if !Path::new(first).exists() => (first.clone(), rest),
        _ => ("HEAD".to_string(), args),
    };
    let dirs = if dirs.is_empty() { vec![PathBuf::from(".")] } else { dirs.iter().map(PathBuf::from).collect() };
    (rev, dirs)
}

/// Renders the packages below `dirs` (a folder missing at the revision has none) and keys them
/// by their path below `top`; `None` after printing errors, each file named `prefix` + path.
fn render_side(dirs: &[PathBuf], top: &Path, source: &platform::Source, prefix: &str) -> Option<BTreeMap<String, Objects>> {
    let mut roots = Vec::new();
    for dir in dirs.iter().filter(|dir| dir.is_dir()) {
        match package::discover(dir) {
            Ok(found) => roots.extend(found),
            Err(message) => eprintln!("error: {prefix}{message}"),
        }
    }
    let functions = registry::functions();
    let functions: Vec<&dyn lummo_krm::Function> = functions.iter().map(|f| f.as_ref()).collect();
    let rendered = render::render_all(&roots, &functions, source);
    let top = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
    let key = |root: &Path| {
        let absolute = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let below = absolute.strip_prefix(&top).unwrap_or(&absolute);
        if below.as_os_str().is_empty() { ".".to_string() } else { below.display().to_string() }
    };
    let mut failed = false;
    let mut packages = BTreeMap::new();
    for render in &rendered {
        let key = key(&render.root);
        let errors: Vec<KrmResult> = render.results.iter().filter(|r| r.severity == lummo_krm::Severity::Error).cloned().collect();
        eprint!("{}", lummo_krm::process::human_lines(&package::results_below(Path::new(&format!("{prefix}{key}")), errors)));
        failed |= render.has_errors();
        packages.insert(key, objects(render));
    }
    (!failed).then_some(packages)
}

/// The objects a package would apply, without the functions' bookkeeping.
fn objects(render: &Rendered) -> Objects {
    let Some(package) = &render.package else { return Objects::new() };
    render::manifests(package).iter().map(|item| (item.id(), without_bookkeeping(item.node().to_json()))).collect()
}

fn without_bookkeeping(mut object: Json) -> Json {
    if let Some(metadata) = object.get_mut("metadata").and_then(Json::as_object_mut) {
        if let Some(annotations) = metadata.get_mut("annotations").and_then(Json::as_object_mut) {
            annotations.retain(|key, _| !key.starts_with("krm.lummo.com/"));
        }
        if metadata.get("annotations").and_then(Json::as_object).is_some_and(|a| a.is_empty()) {
            metadata.remove("annotations");
        }
    }
    object
}

/// What changed in one package.
struct Changes {
    package: String,
    added: Vec<ResourceId>,
    removed: Vec<ResourceId>,
    /// Each changed object with the hunks of its YAML.
    changed: Vec<(ResourceId, String)>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn compare(old: &BTreeMap<String, Objects>, new: &BTreeMap<String, Objects>) -> Vec<Changes> {
    let empty = Objects::new();
    let packages: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut all = Vec::new();
    for package in packages {
        let (before, after) = (old.get(package).unwrap_or(&empty), new.get(package).unwrap_or(&empty));
        let mut changes = Changes { package: package.clone(), added: Vec::new(), removed: Vec::new(), changed: Vec::new() };
        changes.added = after.keys().filter(|id| !before.contains_key(*id)).cloned().collect();
        changes.removed = before.keys().filter(|id| !after.contains_key(*id)).cloned().collect();
        for (id, was) in before {
            // Map equality ignores key order.
            if let Some(is) = after.get(id).filter(|is| *is != was) {
                changes.changed.push((id.clone(), text_diff::unified(&canonical_yaml(was), &canonical_yaml(is))));
            }
        }
        all.push(changes);
    }
    all
}

/// The object as YAML with every mapping's keys sorted, so that a diff shows values only.
fn canonical_yaml(object: &Json) -> String {
    fn sorted(value: &Json) -> Json {
        match value {
            Json::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Json::Object(keys.into_iter().map(|k| (k.clone(), sorted(&map[k]))).collect())
            }
            Json::Array(items) => Json::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    lummo_krm::yaml::to_yaml(&sorted(object)).unwrap_or_default()
}

fn report(changes: &[Changes], rev: &str, format: Format) -> String {
    match format {
        Format::Text => text_report(changes, rev),
        Format::Markdown => markdown_report(changes, rev),
    }
}

fn text_report(changes: &[Changes], rev: &str) -> String {
    let mut out = String::new();
    for package in changes.iter().filter(|c| !c.is_empty()) {
        out += &format!("{} ({rev} → working tree)\n", package.package);
        for id in &package.added {
            out += &format!("+ {id}\n");
        }
        for id in &package.removed {
            out += &format!("- {id}\n");
        }
        for (id, hunks) in &package.changed {
            out += &format!("~ {id}\n--- {rev}\n+++ working tree\n{hunks}");
        }
    }
    out + &format!("lummo diff: {}\n", totals(changes))
}

fn markdown_report(changes: &[Changes], rev: &str) -> String {
    let mut out = format!("### `lummo diff`: {rev} → this change\n\n");
    if changes.iter().all(Changes::is_empty) {
        return out + "No change to the rendered manifests.\n";
    }
    let mut per_kind: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for package in changes {
        let counts =
            [&package.added, &package.removed].into_iter().zip(0..).flat_map(|(ids, column)| ids.iter().map(move |id| (&id.kind, column)));
        let changed = package.changed.iter().map(|(id, _)| (&id.kind, 2));
        for (kind, column) in counts.chain(changed) {
            per_kind.entry(kind.as_str()).or_default()[column] += 1;
        }
    }
    out += "| kind | added | removed | changed |\n|---|---:|---:|---:|\n";
    for (kind, [added, removed, changed]) in &per_kind {
        out += &format!("| {kind} | {added} | {removed} | {changed} |\n");
    }
    for package in changes.iter().filter(|c| !c.is_empty()) {
        out += &format!("\n#### `{}`\n\n", package.package);
        for (sign, ids) in [("added", &package.added), ("removed", &package.removed)] {
            for id in ids {
                out += &format!("- {sign}: `{id}`\n");
            }
        }
        if !package.added.is_empty() || !package.removed.is_empty() {
            out += "\n";
        }
        for (id, hunks) in &package.changed {
            out += &format!("<details><summary>changed: <code>{id}</code></summary>\n\n```diff\n{hunks}```\n\n</details>\n\n");
        }
    }
    out + &format!("{}\n", totals(changes))
}

fn totals(changes: &[Changes]) -> String {
    let count = |f: fn(&Changes) -> usize| changes.iter().map(f).sum::<usize>();
    let (added, removed, changed) = (count(|c| c.added.len()), count(|c| c.removed.len()), count(|c| c.changed.len()));
    if added + removed + changed == 0 {
        return format!("no change in {} package(s)", changes.len());
    }
    format!("{added} added, {removed} removed, {changed} changed in {} package(s)", changes.iter().filter(|c| !c.is_empty()).count())
}

/// A scratch folder for the revision's files, removed when dropped. It holds an empty `.git`
/// so that the search for a `platform.yaml` above a package stops at its top, as it does at
/// the repository's.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, String> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("lummo-diff-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(dir.join(".git")).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("lummo diff: {message} (lummo diff --help)");
    ExitCode::from(2)
}

fn failure(message: &str) -> ExitCode {
    eprintln!("lummo diff: {message}");
    ExitCode::FAILURE
}
