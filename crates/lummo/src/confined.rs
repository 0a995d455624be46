//! A folder lummo reads and writes only inside of: a package (`--in-place`) or an output folder
//! (`-o`). Every file operation on them goes through [`Folder`], so the rule holds whatever the
//! files say:
//! - a path is a [`RelativePath`]: parts that are plain names, never `..`, `.`, empty, or
//!   absolute, so joined to the root it names something below it;
//! - no symlink is followed, neither a folder on the way nor the file itself: a folder that is
//!   a symlink is not entered when reading and refused when writing, a file that is one is
//!   skipped when reading and refused when writing or deleting;
//! - only regular files are read, each at most `files::MAX_FILE_BYTES`.

use std::io::Write;
use std::path::{Path, PathBuf};

use lummo_krm::files::{self, Entry};

/// A path below a folder, with `/` between its parts, each a plain name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RelativePath(String);

impl RelativePath {
    pub fn new(path: &str) -> Result<RelativePath, String> {
        let bad = |why: &str| Err(format!("{path:?}: {why}"));
        if path.is_empty() {
            return bad("an empty path");
        }
        if path.starts_with('/') {
            return bad("an absolute path: only paths inside the folder are written");
        }
        for part in path.split('/') {
            match part {
                "" => return bad("an empty part (//) in the path"),
                "." | ".." => return bad("a path with . or .. in it: only paths inside the folder are written"),
                _ if part.contains(['\\', '\0']) => return bad("a backslash or NUL in the path"),
                _ => {}
            }
        }
        Ok(RelativePath(path.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn folders(&self) -> impl Iterator<Item = &str> {
        self.0.match_indices('/').map(|(at, _)| &self.0[..at])
    }
}

/// A folder on disk that is the limit of every read and write through it.
pub struct Folder {
    root: PathBuf,
}

/// A file left out while reading a folder, and why.
pub struct Skipped {
    pub path: String,
    pub why: &'static str,
}

impl Folder {
    pub fn new(root: &Path) -> Folder {
        Folder { root: root.to_path_buf() }
    }

    /// The regular files below the folder for which `wanted` holds, sorted, without entering
    /// folders that `wanted` refuses or that are symlinks. Files `wanted` would take that are
    /// symlinks, FIFOs, sockets or devices are skipped and returned, to be reported.
    pub fn files(&self, wanted: &dyn Fn(&str, bool) -> bool) -> Result<(Vec<RelativePath>, Vec<Skipped>), String> {
        let (mut found, mut skipped) = (Vec::new(), Vec::new());
        self.walk(&self.root, wanted, &mut found, &mut skipped)?;
        Ok((found, skipped))
    }

    fn walk(
        &self,
        dir: &Path,
        wanted: &dyn Fn(&str, bool) -> bool,
        found: &mut Vec<RelativePath>,
        skipped: &mut Vec<Skipped>,
    ) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut names: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let relative = path.strip_prefix(&self.root).expect("below the root").to_string_lossy().into_owned();
            match Entry::of(&path) {
                Some(Entry::Folder) if wanted(&relative, true) => self.walk(&path, wanted, found, skipped)?,
                Some(Entry::File) if wanted(&relative, false) => found.push(RelativePath(relative)),
                Some(Entry::Symlink) if wanted(&relative, path.is_dir()) => {
                    skipped.push(Skipped { path: relative, why: "a symlink: lummo reads no file through one (kpt skips them too)" });
                }
                Some(Entry::Special) if wanted(&relative, false) => {
                    skipped.push(Skipped { path: relative, why: "not a regular file (a FIFO, socket or device): not read" });
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The bytes of a regular file of the folder.
    pub fn read(&self, path: &RelativePath) -> Result<Vec<u8>, String> {
        self.check_folders(path)?;
        files::read_bounded(&self.root.join(&path.0), false)
    }

    /// Writes a file, making its folders. Refuses to go through a symlink or to replace
    /// anything but a regular file.
    pub fn write(&self, path: &RelativePath, text: &str) -> Result<(), String> {
        let target = self.root.join(&path.0);
        let error = |e: String| format!("{}: {e}", target.display());
        for folder in path.folders() {
            let folder = self.root.join(folder);
            match Entry::of(&folder) {
                None => std::fs::create_dir(&folder)
                    .or_else(|e| if folder.is_dir() { Ok(()) } else { Err(e) })
                    .map_err(|e| error(e.to_string()))?,
                Some(Entry::Folder) => {}
                Some(_) => {
                    return Err(error(format!("{} is not a folder (a symlink or a file): refusing to write through it", folder.display())));
                }
            }
        }
        if !matches!(Entry::of(&target), None | Some(Entry::File)) {
            return Err(error("exists and is not a regular file (a symlink?): refusing to write to it".to_string()));
        }
        use std::os::unix::fs::OpenOptionsExt;
        // O_NOFOLLOW (Linux): a symlink put in place after the check is refused, not followed.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(0o400_000)
            .open(&target)
            .map_err(|e| error(e.to_string()))?;
        file.write_all(text.as_bytes()).map_err(|e| error(e.to_string()))
    }

    /// Deletes a regular file of the folder (never a symlink, never what one points to).
    pub fn remove(&self, path: &RelativePath) -> Result<(), String> {
        let target = self.root.join(&path.0);
        self.check_folders(path)?;
        match Entry::of(&target) {
            Some(Entry::File) => std::fs::remove_file(&target).map_err(|e| format!("{}: {e}", target.display())),
            None => Ok(()),
            Some(_) => Err(format!("{}: not a regular file: refusing to delete it", target.display())),
        }
    }

    /// Every folder on the way to `path` is a real folder, not a symlink.
    fn check_folders(&self, path: &RelativePath) -> Result<(), String> {
        match path.folders().find(|folder| Entry::of(&self.root.join(folder)) != Some(Entry::Folder)) {
            Some(folder) => Err(format!("{}: not a folder (a symlink?): refusing to go through it", self.root.join(folder).display())),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_inside() {
        for good in ["a.yaml", "apps/api/app.yaml", ".hidden.yaml", "a..b.yaml", "ns/configmap_x.yaml"] {
            assert!(RelativePath::new(good).is_ok(), "{good}");
        }
        for bad in ["", "/etc/passwd", "../x.yaml", "a/../../x.yaml", "a/./b.yaml", "a//b.yaml", "..", ".", "a/", "a\\..\\b", "x\0.yaml"] {
            assert!(RelativePath::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn writes_refuse_symlinks_on_the_way_and_at_the_end() {
        let sandbox = std::env::temp_dir().join(format!("lummo-confined-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&sandbox);
        let (package, outside) = (sandbox.join("package"), sandbox.join("outside"));
        std::fs::create_dir_all(&package).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.yaml"), "kept\n").unwrap();
        std::os::unix::fs::symlink(&outside, package.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.yaml"), package.join("secret.yaml")).unwrap();
        let folder = Folder::new(&package);
        let path = |p: &str| RelativePath::new(p).unwrap();
        assert!(folder.write(&path("out/new.yaml"), "x\n").is_err());
        assert!(folder.write(&path("secret.yaml"), "x\n").is_err());
        assert!(folder.remove(&path("secret.yaml")).is_err());
        assert!(folder.remove(&path("out/secret.yaml")).is_err());
        assert!(folder.read(&path("secret.yaml")).is_err());
        folder.write(&path("apps/new.yaml"), "x\n").unwrap();
        assert_eq!(std::fs::read_to_string(package.join("apps/new.yaml")).unwrap(), "x\n");
        assert_eq!(std::fs::read_to_string(outside.join("secret.yaml")).unwrap(), "kept\n");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
        let (files, skipped) = folder.files(&|_, _| true).unwrap();
        assert_eq!(files, vec![path("apps/new.yaml")]);
        assert_eq!(skipped.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(), ["out", "secret.yaml"]);
        std::fs::remove_dir_all(&sandbox).unwrap();
    }
}
