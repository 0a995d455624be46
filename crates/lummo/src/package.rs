//! Packages on disk, read and written the way `kpt fn render` does.
//!
//! Reading: every `.yaml`, `.yml` and `.json` file under the package folder, hidden ones
//! included (kpt 1.0 reads them too), except what `.krmignore` lists. The Kptfile is an item
//! like any other. Each item knows its file and document index, without kpt's bookkeeping
//! annotations in the resource itself.
//!
//! Writing in place: a file whose items all came back untouched is not written; a file whose
//! items were all removed is deleted; every other file is written from its items in index order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lummo_krm::results::{FileRef, KrmResult, Severity};
use lummo_krm::{Item, ResourceList};

use crate::ignore::Ignore;
use crate::parallel;
use crate::render;

/// One package: its folder, the files read from it, and its resources.
pub struct Package {
    /// Relative path (with `/`) → what it held, to know later what changed.
    files: BTreeMap<String, FileState>,
    pub list: ResourceList,
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
        if entry.is_dir() && !is_symlink(&entry) {
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

fn is_symlink(path: &Path) -> bool {
    path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink())
}

fn is_resource_file(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name == "Kptfile" || path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

/// An error about a file of the package (or one document of it).
fn file_error(path: &str, index: Option<u32>, message: impl Into<String>) -> KrmResult {
    let mut result = KrmResult::new(Severity::Error, message);
    result.file = Some(FileRef { path: path.to_string(), index });
    result
}

const NOT_A_RESOURCE: &str =
    "not a Kubernetes resource (it needs apiVersion and kind): kpt refuses it too; list the file in .krmignore to leave it out";

impl Package {
    /// Reads the package at `root`; every unreadable file is reported, not only the first.
    pub fn read(root: &Path) -> Result<Package, Vec<KrmResult>> {
        let ignore = Ignore::read(root);
        let mut paths = Vec::new();
        collect_files(root, root, &ignore, &mut paths).map_err(|e| vec![KrmResult::new(Severity::Error, e)])?;
        let mut package = Package { files: BTreeMap::new(), list: ResourceList::new(lummo_krm::resource_list::Format::Stream) };
        let mut errors = Vec::new();
        let read = parallel::map(&paths, |relative| {
            let bytes = std::fs::read(root.join(relative)).map_err(|e| format!("cannot read: {e}"))?;
            ResourceList::read_file(relative, bytes).map_err(|e| e.to_string())
        });
        for (relative, read) in paths.into_iter().zip(read) {
            let items = match read {
                Ok(read) => read,
                Err(message) => {
                    errors.push(file_error(&relative, None, message));
                    continue;
                }
            };
            for item in items.iter().filter(|item| item.api_version().is_empty() || item.kind().is_empty()) {
                errors.push(file_error(&relative, item.file().and_then(|f| f.index), NOT_A_RESOURCE));
            }
            package.files.insert(relative, FileState { items: items.len() });
            package.list.items.extend(items);
        }
        if errors.is_empty() { Ok(package) } else { Err(errors) }
    }

    /// The files to write and delete so the package's folder `root` holds the rendered items.
    pub fn changes(&self, root: &Path) -> Result<Changes, String> {
        let mut by_file: BTreeMap<String, Vec<(u32, &Item)>> = BTreeMap::new();
        for item in &self.list.items {
            let Some(file) = item.file() else { return Err(format!("{} has no file to be written to", item.id())) };
            by_file.entry(file.path).or_default().push((file.index.unwrap_or(0), item));
        }
        let emptied = self.files.iter().filter(|(path, state)| state.items > 0 && !by_file.contains_key(*path));
        let delete = emptied.map(|(path, _)| path.clone()).collect();
        let touched: Vec<(String, Vec<(u32, &Item)>)> = by_file
            .into_iter()
            .filter(|(path, items)| {
                self.files.get(path).is_none_or(|f| f.items != items.len()) || !items.iter().all(|(_, i)| i.is_verbatim())
            })
            .collect();
        let texts = parallel::map(&touched, |(path, items)| {
            let mut items = items.clone();
            items.sort_by_key(|(index, _)| *index);
            let items: Vec<&Item> = items.into_iter().map(|(_, item)| item).collect();
            let text = file_text(path, &items)?;
            // An edit that comes out as the bytes already there is no change.
            let same = self.files.contains_key(path) && std::fs::read(root.join(path)).is_ok_and(|bytes| bytes == text.as_bytes());
            Ok::<_, String>((!same).then(|| (path.clone(), text)))
        });
        let write = texts.into_iter().filter_map(Result::transpose).collect::<Result<_, _>>()?;
        Ok(Changes { write, delete })
    }
}

fn collect_files(root: &Path, dir: &Path, ignore: &Ignore, out: &mut Vec<String>) -> Result<(), String> {
    for path in sorted_entries(dir)? {
        let relative = path.strip_prefix(root).expect("below the root").to_string_lossy().replace('\\', "/");
        if ignore.matches(&relative, path.is_dir()) {
            continue;
        }
        if path.is_dir() {
            if !is_symlink(&path) {
                collect_files(root, &path, ignore, out)?;
            }
        } else if is_resource_file(&path) {
            out.push(relative);
        }
    }
    Ok(())
}

/// A file's new text: its items as a YAML stream, or as JSON for a `.json` file.
fn file_text(path: &str, items: &[&Item]) -> Result<String, String> {
    if path.ends_with(".json") && items.len() == 1 && !items[0].is_verbatim() {
        let json = serde_json::to_string_pretty(&items[0].node().to_json()).map_err(|e| e.to_string())?;
        return Ok(json + "\n");
    }
    render::stream(items)
}

/// Files to write and delete below a folder: what an in-place render does to a package, or
/// `-o` to its output folder.
#[derive(Default, Debug)]
pub struct Changes {
    pub write: Vec<(String, String)>,
    pub delete: Vec<String>,
}

impl Changes {
    /// Writes and deletes the files below `root`, on every core (creating files is most of an
    /// in-place render's time).
    pub fn apply(&self, root: &Path) -> Result<(), String> {
        let folders: BTreeSet<PathBuf> =
            self.write.iter().filter_map(|(path, _)| root.join(path).parent().map(Path::to_path_buf)).collect();
        for folder in folders.iter().filter(|f| !f.is_dir()) {
            std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        }
        let written = parallel::map(&self.write, |(path, text)| {
            let target = root.join(path);
            std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))
        });
        written.into_iter().collect::<Result<(), String>>()?;
        for path in &self.delete {
            let target = root.join(path);
            std::fs::remove_file(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
        Ok(())
    }
}
