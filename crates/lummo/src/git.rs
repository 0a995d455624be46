//! A revision of the repository, read with git itself: no network, the working tree and the
//! index untouched. `lummo diff` copies the folders it renders, as they are at the revision,
//! into a scratch folder of its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository around a folder.
pub struct Repo {
    /// Its top folder (canonical).
    pub top: PathBuf,
}

impl Repo {
    pub fn containing(dir: &Path) -> Result<Repo, String> {
        let top = git(&["-C", &dir.to_string_lossy(), "rev-parse", "--show-toplevel"])
            .map_err(|e| format!("{}: not in a git repository ({e})", dir.display()))?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        Ok(Repo { top: top.canonicalize().map_err(|e| format!("{}: {e}", top.display()))? })
    }

    /// The commit `rev` names, if it names one.
    pub fn commit(&self, rev: &str) -> Option<String> {
        let spec = format!("{rev}^{{commit}}");
        let out = git(&["-C", &self.top.to_string_lossy(), "rev-parse", "--verify", "--quiet", "--end-of-options", &spec]).ok()?;
        Some(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// `dir` relative to the top folder (it must be inside the repository).
    pub fn relative(&self, dir: &Path) -> Result<PathBuf, String> {
        let absolute = dir.canonicalize().map_err(|e| format!("{}: {e}", dir.display()))?;
        absolute
            .strip_prefix(&self.top)
            .map(Path::to_path_buf)
            .map_err(|_| format!("{}: outside the repository {}", dir.display(), self.top.display()))
    }

    /// Writes the regular files of `folders` (relative to the top), and every `platform.yaml`
    /// in the folders above them, as they are at `commit`, below `into`. Symlinks and
    /// submodules are left out, as a render skips them.
    pub fn copy_at(&self, commit: &str, folders: &[PathBuf], into: &Path) -> Result<(), String> {
        let mut specs: Vec<String> = Vec::new();
        for folder in folders {
            specs.push(if folder.as_os_str().is_empty() { ".".into() } else { folder.to_string_lossy().into_owned() });
            specs.extend(folder.ancestors().skip(1).map(|above| above.join("platform.yaml").to_string_lossy().into_owned()));
        }
        let top = self.top.to_string_lossy();
        let mut args = vec!["-C", &top, "ls-tree", "-r", "-z", "--full-tree", commit, "--"];
        args.extend(specs.iter().map(String::as_str));
        let listing = git(&args)?;
        let blobs: Vec<(String, PathBuf)> = listing.split(|b| *b == 0).filter_map(regular_blob).collect();
        let contents = cat_blobs(&top, blobs.iter().map(|(id, _)| id.as_str()))?;
        for ((_, path), bytes) in blobs.iter().zip(contents) {
            let target = into.join(path);
            std::fs::create_dir_all(target.parent().unwrap_or(into)).map_err(|e| format!("{}: {e}", target.display()))?;
            std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))?;
        }
        Ok(())
    }
}

/// `<mode> blob <id>\t<path>` of a regular file with a plain relative path, else `None`.
fn regular_blob(entry: &[u8]) -> Option<(String, PathBuf)> {
    let entry = std::str::from_utf8(entry).ok()?;
    let (meta, path) = entry.split_once('\t')?;
    let mut fields = meta.split(' ');
    let (mode, kind, id) = (fields.next()?, fields.next()?, fields.next()?);
    let path = PathBuf::from(path);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (kind == "blob" && (mode == "100644" || mode == "100755") && plain).then(|| (id.to_string(), path))
}

/// The contents of blobs, in order, through one `git cat-file --batch`.
fn cat_blobs<'a>(top: &str, ids: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>, String> {
    let ids: Vec<&str> = ids.collect();
    let mut child = Command::new("git")
        .args(["-C", top, "cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("git cat-file: no stdin")?;
    let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
    // Written from a thread: git answers while it reads, and a full pipe would stall both.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().ok_or("git cat-file: no stdout")?);
    let mut contents = Vec::with_capacity(ids.len());
    for id in &ids {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(|e| format!("git cat-file: {e}"))?;
        let size: usize =
            header.split(' ').nth(2).and_then(|s| s.trim().parse().ok()).ok_or_else(|| format!("git cat-file: no blob {id}"))?;
        if size as u64 > lummo_krm::files::MAX_FILE_BYTES {
            return Err(format!("git cat-file: blob {id} is larger than lummo reads"));
        }
        let mut bytes = vec![0; size + 1];
        reader.read_exact(&mut bytes).map_err(|e| format!("git cat-file: {e}"))?;
        bytes.pop();
        contents.push(bytes);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(contents)
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git").args(args).stdin(Stdio::null()).output().map_err(|e| format!("git: {e}"))?;
    if output.status.success() { Ok(output.stdout) } else { Err(String::from_utf8_lossy(&output.stderr).trim().to_string()) }
}
