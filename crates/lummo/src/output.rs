//! Where a render goes: stdout, a folder of one file per resource, or the packages themselves.
//! Everything to write is computed before the first byte is written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::confined::RelativePath;
use crate::package::{Changes, Package};
use crate::registry;
use crate::render::{self, Rendered};
use crate::stream;

/// Marks a folder `lummo render -o` wrote, so that a later render may replace it.
const MARKER: &str = ".lummo-render";

fn packages(rendered: &[Rendered]) -> impl Iterator<Item = (&Rendered, &Package)> {
    rendered.iter().filter_map(|r| r.package.as_ref().map(|p| (r, p)))
}

/// The manifests of every package as one YAML stream on stdout.
pub fn print(rendered: &[Rendered]) -> Result<(), String> {
    let mut out = String::new();
    for (_, package) in packages(rendered) {
        let text = stream::stream(&render::manifests(package))?;
        if !out.is_empty() && !text.is_empty() {
            out.push_str("---\n");
        }
        out.push_str(&text);
    }
    std::io::stdout().write_all(out.as_bytes()).map_err(|e| format!("cannot write to stdout: {e}"))
}

/// One file per resource under `out` (under `out/<folder name>` for several packages).
pub fn write_folder(rendered: &[Rendered], out: &Path) -> Result<(), String> {
    let write = folder_files(rendered)?.into_iter().map(|(path, text)| Ok((RelativePath::new(&path)?, text)));
    let files = Changes { write: write.collect::<Result<_, String>>()?, delete: Vec::new() };
    prepare_folder(out)?;
    files.apply(out)?;
    std::fs::write(out.join(MARKER), "written by lummo render -o; the next render replaces this folder\n")
        .map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("lummo: {} resource(s) written to {}", files.write.len(), out.display());
    Ok(())
}

fn folder_files(rendered: &[Rendered]) -> Result<BTreeMap<String, String>, String> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let several = rendered.len() > 1;
    for (rendered, package) in packages(rendered) {
        let prefix = match (several, rendered.root.file_name()) {
            (false, _) => String::new(),
            (true, Some(name)) => format!("{}/", name.to_string_lossy()),
            (true, None) => return Err(format!("{}: name the package by its folder", rendered.root.display())),
        };
        if several && files.keys().any(|k| k.starts_with(&prefix)) {
            return Err(format!("two packages are named {:?}: render them to different folders", prefix.trim_end_matches('/')));
        }
        for item in render::manifests(package) {
            let place = || rendered.root.join(item.file().map(|f| f.path).unwrap_or_default()).display().to_string();
            let path = format!("{prefix}{}", render::file_name(&item).map_err(|e| format!("{}: {e}", place()))?);
            if files.insert(path.clone(), item.to_yaml()?).is_some() {
                return Err(format!("two resources would be written to {path}"));
            }
        }
    }
    Ok(files)
}

/// An output folder must be new, empty, or one an earlier `-o` wrote (which is then emptied).
fn prepare_folder(out: &Path) -> Result<(), String> {
    let is_empty = std::fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(true);
    if out.join(MARKER).is_file() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    } else if !is_empty {
        return Err(format!("{} is not empty and was not written by lummo render -o: name a new or empty folder", out.display()));
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))
}

/// Updates each package's files as `kpt fn render` would.
pub fn write_in_place(rendered: &[Rendered]) -> Result<(), String> {
    let changes = packages(rendered).map(|(r, p)| Ok((r, p.changes(&r.root)?))).collect::<Result<Vec<_>, String>>()?;
    let (mut written, mut deleted) = (0, 0);
    for (rendered, change) in &changes {
        change.apply(&rendered.root)?;
        written += change.write.len();
        deleted += change.delete.len();
    }
    eprintln!("lummo: {} package(s) rendered in place: {written} file(s) written, {deleted} deleted", changes.len());
    Ok(())
}

/// How many items of a package are inputs of one of the functions.
pub fn count_inputs(package: &Package) -> usize {
    let functions = registry::functions();
    let kinds: Vec<&str> = functions
        .iter()
        .flat_map(|f| f.about().kinds.iter())
        .flat_map(|k| std::iter::once(k.kind).chain(k.legacy_names.iter().copied()))
        .collect();
    package.list.items.iter().filter(|item| kinds.contains(&item.kind())).count()
}
