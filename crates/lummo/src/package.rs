//! Packages on disk, read and written the way `kpt fn render` does.
//!
//! Reading: every `.yaml`, `.yml` and `.json` file under the package folder, hidden ones
//! included (kpt 1.0 reads them too), except what `.krmignore` lists. The Kptfile is an item
//! like any other. Each item knows its file and document index, without kpt's bookkeeping
//! annotations in the resource itself.
//!
//! Writing in place: a file whose items all came back untouched is not written; a file whose
//! items were all removed is deleted; every other file is written from its items in index order.
//!
//! A package touches only itself: every read, write and delete goes through
//! [`confined::Folder`], and a resource's file is where it was read from (a generated one's,
//! next to its input), never what a path annotation inside a file says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lummo_krm::files::Entry;
use lummo_krm::resource_list::annotations;
use lummo_krm::results::{FileRef, KrmResult, Severity};
use lummo_krm::{Item, ResourceList};

use crate::confined::{Folder, RelativePath};
use crate::ignore::Ignore;
use crate::parallel;
use crate::stream;

/// One package: its folder, the files read from it, and its resources.
pub struct Package {
    /// Relative path (with `/`) → what it held, to know later what changed.
    files: BTreeMap<String, FileState>,
    pub list: ResourceList,
    /// What reading left out or did not believe (symlinks, FIFOs, path annotations).
    pub warnings: Vec<KrmResult>,
}

struct FileState {
    /// How many items the file held when read.
    items: usize,
}

/// The packages under `dir`: `dir` itself when it has a Kptfile or no package below it, else
/// the topmost folders below it that have one (so `lummo check .` in a repository checks each
/// package on its own).
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a folder", dir.display()));
    }
    if dir.join("Kptfile").is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut found = Vec::new();
    find_kptfiles(dir, &mut found)?;
    if found.is_empty() {
        found.push(dir.to_path_buf());
    }
    Ok(found)
}

fn find_kptfiles(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in sorted_entries(dir)? {
        if Entry::of(&entry) == Some(Entry::Folder) {
            if entry.join("Kptfile").is_file() {
                found.push(entry);
            } else {
                find_kptfiles(&entry, found)?;
            }
        }
    }
    Ok(())
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn is_resource_file(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or_default();
    name == "Kptfile" || [".yaml", ".yml", ".json"].iter().any(|extension| name.ends_with(extension))
}

/// Results with file paths as people know them: below the folder they named, not the package.
pub fn results_below(root: &Path, mut results: Vec<KrmResult>) -> Vec<KrmResult> {
    for file in results.iter_mut().filter_map(|r| r.file.as_mut()) {
        file.path = root.join(&file.path).display().to_string();
    }
    results
}

/// A result about a file of the package (or one document of it).
fn file_result(severity: Severity, path: &str, index: Option<u32>, message: impl Into<String>) -> KrmResult {
    let mut result = KrmResult::new(severity, message);
    result.file = Some(FileRef { path: path.to_string(), index });
    result
}

const NOT_A_RESOURCE: &str =
    "not a Kubernetes resource (it needs apiVersion and kind): kpt refuses it too; list the file in .krmignore to leave it out";

impl Package {
    /// Reads the package at `root`; every unreadable file is reported, not only the first.
    pub fn read(root: &Path) -> Result<Package, Vec<KrmResult>> {
        let folder = Folder::new(root);
        let ignore = Ignore::read(&folder);
        let wanted = |relative: &str, is_dir: bool| !ignore.matches(relative, is_dir) && (is_dir || is_resource_file(relative));
        let (paths, skipped) = folder.files(&wanted).map_err(|e| vec![KrmResult::new(Severity::Error, e)])?;
        let mut package = Package {
            files: BTreeMap::new(),
            list: ResourceList::new(lummo_krm::resource_list::Format::Stream),
            warnings: skipped.into_iter().map(|s| file_result(Severity::Warning, &s.path, None, s.why)).collect(),
        };
        let mut errors = Vec::new();
        let read = parallel::map(&paths, |relative| {
            let bytes = folder.read(relative)?;
            ResourceList::read_file(relative.as_str(), bytes).map_err(|e| e.to_string())
        });
        for (relative, read) in paths.into_iter().zip(read) {
            let relative = relative.as_str().to_string();
            let items = match read {
                Ok(read) => read,
                Err(message) => {
                    errors.push(file_result(Severity::Error, &relative, None, message));
                    continue;
                }
            };
            for item in &items {
                let index = item.file().and_then(|f| f.index);
                if item.api_version().is_empty() || item.kind().is_empty() {
                    errors.push(file_result(Severity::Error, &relative, index, NOT_A_RESOURCE));
                }
                package.warnings.extend(untrusted_path(item, &relative));
            }
            package.files.insert(relative, FileState { items: items.len() });
            package.list.items.extend(items);
        }
        if errors.is_empty() { Ok(package) } else { Err(errors) }
    }

    /// The files to write and delete so the package's folder `root` holds the rendered items.
    pub fn changes(&self, root: &Path) -> Result<Changes, String> {
        let folder = Folder::new(root);
        let mut by_file: BTreeMap<String, Vec<(u32, &Item)>> = BTreeMap::new();
        for item in &self.list.items {
            let Some(file) = item.file() else { return Err(format!("{} has no file to be written to", item.id())) };
            by_file.entry(file.path).or_default().push((file.index.unwrap_or(0), item));
        }
        let emptied = self.files.iter().filter(|(path, state)| state.items > 0 && !by_file.contains_key(*path));
        let delete = emptied.map(|(path, _)| RelativePath::new(path)).collect::<Result<_, _>>()?;
        let touched: Vec<(String, Vec<(u32, &Item)>)> = by_file
            .into_iter()
            .filter(|(path, items)| {
                self.files.get(path).is_none_or(|f| f.items != items.len()) || !items.iter().all(|(_, i)| i.is_verbatim())
            })
            .collect();
        let texts = parallel::map(&touched, |(path, items)| {
            let path = RelativePath::new(path)?;
            let mut items = items.clone();
            items.sort_by_key(|(index, _)| *index);
            let items: Vec<&Item> = items.into_iter().map(|(_, item)| item).collect();
            let text = file_text(path.as_str(), &items)?;
            // An edit that comes out as the bytes already there is no change.
            let same = self.files.contains_key(path.as_str()) && folder.read(&path).is_ok_and(|bytes| bytes == text.as_bytes());
            Ok::<_, String>((!same).then_some((path, text)))
        });
        let write = texts.into_iter().filter_map(Result::transpose).collect::<Result<_, _>>()?;
        Ok(Changes { write, delete })
    }
}

/// A warning when a resource's path annotation names another file than the one it was read
/// from: the annotation is the file's own word, so it is not followed (as kpt does, which sets
/// it from where it read the file), and the resource stays where it is.
fn untrusted_path(item: &Item, read_from: &str) -> Option<KrmResult> {
    let keys = [annotations::PATH, annotations::INTERNAL_PATH];
    let (key, said) = keys.iter().find_map(|key| item.annotation(key).filter(|said| *said != read_from).map(|said| (key, said)))?;
    let message = format!(
        "{key} says {said:?}, but the resource is in {read_from}: lummo ignores the annotation and keeps the resource, and what is generated from it, in the package where it was read"
    );
    Some(item.result(KrmResult::new(Severity::Warning, message)))
}

/// A file's new text: its items as a YAML stream, or as JSON for a `.json` file.
fn file_text(path: &str, items: &[&Item]) -> Result<String, String> {
    if path.ends_with(".json") && items.len() == 1 && !items[0].is_verbatim() {
        let json = serde_json::to_string_pretty(&items[0].node().to_json()).map_err(|e| e.to_string())?;
        return Ok(json + "\n");
    }
    stream::stream(items)
}

/// Files to write and delete below a folder: what an in-place render does to a package, or
/// `-o` to its output folder. Only paths inside the folder can be named.
#[derive(Default, Debug)]
pub struct Changes {
    pub write: Vec<(RelativePath, String)>,
    pub delete: Vec<RelativePath>,
}

impl Changes {
    /// Writes and deletes the files below `root`, on every core (creating files is most of an
    /// in-place render's time).
    pub fn apply(&self, root: &Path) -> Result<(), String> {
        let folder = Folder::new(root);
        let written = parallel::map(&self.write, |(path, text)| folder.write(path, text));
        written.into_iter().collect::<Result<(), String>>()?;
        for path in &self.delete {
            folder.remove(path)?;
        }
        Ok(())
    }
}
