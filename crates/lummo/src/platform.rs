//! Where a package's `LummoPlatform` comes from when `lummo` renders it: the package itself
//! (any file, like every resource), else `--platform FILE`, else the nearest `platform.yaml`
//! in the folders above the package, up to the repository's root (the folder with `.git`).
//! Outside a repository nothing above the package is read, so a stray `platform.yaml` in a
//! home or temporary folder never changes a render. With `--platform`, a package that holds
//! its own platform too is an error (two platforms), never a silent choice.

use std::path::{Path, PathBuf};

use lummo_krm::files;
use lummo_krm::platform::{self, FILE_NAME, KIND};
use lummo_krm::results::{FileRef, KrmResult, Report, Severity};
use lummo_krm::{Item, ResourceList};

/// What the command line said about the platform.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// `--platform FILE`.
    pub file: Option<PathBuf>,
}

impl Source {
    /// The platform to hand the pipeline beside the package's items, if it must get one from
    /// outside the package.
    pub fn outside_of(&self, root: &Path, items: &[Item]) -> Result<Option<Item>, Vec<KrmResult>> {
        if let Some(file) = &self.file {
            // Read even when the package has its own: the engine then reports both.
            return read(file, true).map(Some);
        }
        if items.iter().any(platform::is_platform) {
            return Ok(None);
        }
        match nearest_above(root) {
            Some(file) => read(&file, false).map(Some),
            None => Ok(None),
        }
    }
}

/// The nearest `platform.yaml` above `root`, up to the repository's root; none outside one.
fn nearest_above(root: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let mut nearest = None;
    for folder in root.ancestors().skip(1) {
        let candidate = folder.join(FILE_NAME);
        if nearest.is_none() && files::Entry::of(&candidate) == Some(files::Entry::File) {
            nearest = Some(candidate);
        }
        if folder.join(".git").exists() {
            return nearest;
        }
    }
    None
}

/// The one LummoPlatform of a file. `follow`: the file was named on the command line, so a
/// symlink is followed; one found by searching must be a regular file.
fn read(path: &Path, follow: bool) -> Result<Item, Vec<KrmResult>> {
    let error = |message: String| {
        let mut result = KrmResult::new(Severity::Error, message);
        result.file = Some(FileRef { path: absolute(path), index: None });
        vec![result]
    };
    let bytes = files::read_bounded(path, follow).map_err(&error)?;
    let mut items = ResourceList::read_file(&absolute(path), bytes).map_err(|e| error(e.to_string()))?;
    match (items.len(), items.first()) {
        (1, Some(item)) if item.kind() == KIND => Ok(items.remove(0)),
        (1, Some(item)) => Err(error(format!("holds a {:?}, not a {KIND}: a platform file holds one {KIND}", item.kind()))),
        (count, _) => Err(error(format!("holds {count} documents: a platform file holds one {KIND}"))),
    }
}

/// The path as results show it: absolute, so that it reads the same below any package.
fn absolute(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

/// The platform a render of the package at `dir` uses, as a `LummoPlatform` with every setting
/// filled in, after the checks a render makes of it; or the problems, with their files.
pub fn effective(dir: &Path, source: &Source) -> Result<String, Vec<KrmResult>> {
    let with_paths = |results| crate::package::results_below(dir, results);
    let package = crate::package::Package::read(dir).map_err(with_paths)?;
    let configs = Vec::from_iter(source.outside_of(dir, &package.list.items)?);
    let mut report = Report::default();
    let found = platform::find(&package.list.items, &configs, &mut report);
    if let Some(found) = &found {
        for function in crate::registry::functions() {
            function.with_platform(found, &mut report);
        }
    }
    if report.has_errors() {
        return Err(with_paths(report.results));
    }
    let (name, from) = match &found {
        Some(found) => {
            let file = found.file().map_or_else(|| "the function config".to_string(), |f| dir.join(&f.path).display().to_string());
            (found.name().to_string(), format!("# The settings of {file}, with the defaults of what it leaves out.\n"))
        }
        None => ("defaults".to_string(), "# No LummoPlatform applies here: these are the defaults.\n".to_string()),
    };
    let spec = found.map(|p| p.spec).unwrap_or_default();
    let document = serde_json::json!({
        "apiVersion": lummo_krm::input::API_VERSION,
        "kind": KIND,
        "metadata": {"name": name},
        "spec": spec,
    });
    lummo_krm::yaml::to_yaml(&document).map(|yaml| from + &yaml).map_err(|e| vec![KrmResult::new(Severity::Error, e)])
}
