//! `lummo validate FILE|DIR|-...` and `--validate` of `render` and `check`: the manifests
//! checked strictly offline by `lummo_validate`, each problem a result naming the file, the
//! resource and the field path.

use std::io::Read;
use std::path::{Path, PathBuf};

use lummo_krm::results::KrmResult;
use lummo_krm::{Item, ResourceList, files};

use crate::render::{self, Rendered};

/// Validates what each package would apply; prints the problems; true when there are none.
pub fn rendered(rendered: &[Rendered]) -> bool {
    let mut valid = true;
    for render in rendered {
        let Some(package) = &render.package else { continue };
        let items: Vec<Item> = render::manifests(package).into_iter().map(|item| item.into_owned()).collect();
        let outcome = lummo_validate::validate(&items);
        let results = crate::package::results_below(&render.root, outcome.results.clone());
        print_results(&results);
        if !outcome.is_valid() {
            eprintln!("lummo: {}: {}", render.root.display(), outcome.summary());
            valid = false;
        }
    }
    valid
}

/// `validate PATH...`: YAML files, folders (their `.yaml`, `.yml` and `.json` files, hidden
/// ones and symlinks left out, as kpt reads a package), or `-` for stdin.
pub fn paths(paths: &[PathBuf]) -> Result<bool, String> {
    let mut items = Vec::new();
    for path in paths {
        for file in files_of(path)? {
            let bytes = if file == Path::new("-") {
                let mut bytes = Vec::new();
                std::io::stdin().take(files::MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("stdin: {e}"))?;
                if bytes.len() as u64 > files::MAX_FILE_BYTES {
                    return Err(format!("stdin: more than {} MiB", files::MAX_FILE_BYTES >> 20));
                }
                bytes
            } else {
                files::read_bounded(&file, true).map_err(|e| format!("{}: {e}", file.display()))?
            };
            let name = if file == Path::new("-") { "stdin".into() } else { file.to_string_lossy() };
            let read = ResourceList::read_file(&name, bytes).map_err(|e| format!("{}: {e}", file.display()))?;
            items.extend(read);
        }
    }
    let outcome = lummo_validate::validate(&items);
    print_results(&outcome.results);
    for id in &outcome.unknown {
        eprintln!("note: {id}: no schema for {} here, not checked", id.kind);
    }
    eprintln!("lummo validate: {}", outcome.summary());
    Ok(outcome.is_valid())
}

fn print_results(results: &[KrmResult]) {
    eprint!("{}", lummo_krm::process::human_lines(results));
}

fn files_of(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path == Path::new("-") || !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))? {
            let entry = entry.map_err(|e| format!("{}: {e}", folder.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type().map_err(|e| format!("{}: {e}", entry.path().display()))?;
            if name.starts_with('.') || kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                folders.push(entry.path());
            } else if kind.is_file() && [".yaml", ".yml", ".json"].iter().any(|ext| name.ends_with(ext)) {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    Ok(found)
}
