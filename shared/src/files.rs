//! Reading files whose contents someone else wrote, and naming the files of resources.
//!
//! A package is written by many people, so a file in it may be a symlink to anywhere, a FIFO
//! that never ends, a device that never stops giving bytes, or simply huge. Whatever reads a
//! file of a package, or a file named on a function's command line, goes through
//! [`read_bounded`], so none of these can hang a run or take all memory.

use std::io::Read;
use std::path::Path;

/// The largest file a run reads: far above any hand-written manifest (the biggest CRDs are a few
/// MiB), far below what would strain a CI machine.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What kind of thing a path is, without following a symlink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    File,
    Folder,
    Symlink,
    /// A FIFO, a socket or a device: never read, since reading one may block or never end.
    Special,
}

impl Entry {
    /// What `path` itself is (a symlink is a symlink, wherever it points), or `None` when it is
    /// gone.
    pub fn of(path: &Path) -> Option<Entry> {
        let file_type = path.symlink_metadata().ok()?.file_type();
        Some(if file_type.is_symlink() {
            Entry::Symlink
        } else if file_type.is_dir() {
            Entry::Folder
        } else if file_type.is_file() {
            Entry::File
        } else {
            Entry::Special
        })
    }
}

/// The bytes of `path`, at most [`MAX_FILE_BYTES`] of them. It is opened first and then checked,
/// so what is read is what was checked: a regular file (or, when `follow` is set because a
/// person named it on the command line, whatever the path leads to, a pipe of the shell's
/// `<(...)` included). Reading stops one byte past the limit, so even a file that grows while
/// it is read, or a device, costs at most the limit.
pub fn read_bounded(path: &Path, follow: bool) -> Result<Vec<u8>, String> {
    if !follow && Entry::of(path) != Some(Entry::File) {
        return Err("not a regular file".to_string());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    if !follow {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NOFOLLOW and O_NONBLOCK (Linux values): a symlink put in place after the check is
        // refused, and opening a FIFO put there does not wait for a writer.
        options.custom_flags(0o400_000 | 0o4_000);
    }
    let file = options.open(path).map_err(|e| format!("cannot read: {e}"))?;
    let metadata = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !follow && !metadata.is_file() {
        return Err("not a regular file".to_string());
    }
    if metadata.is_file() && metadata.len() > MAX_FILE_BYTES {
        return Err(too_big(metadata.len()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_big(bytes: u64) -> String {
    format!("larger than {} MiB (at least {bytes} bytes): lummo reads no file that large", MAX_FILE_BYTES >> 20)
}

/// The longest file name Linux file systems take, in bytes.
const MAX_FILE_NAME: usize = 255;

/// `<kind>_<name>.yaml`, the file of one resource. A name too long for a file name (object
/// names may have 253 characters) is cut, and a hash of the whole name keeps it unique and
/// stable. Callers pass names without `/` (Kubernetes allows none in any name).
pub fn resource_file_name(kind: &str, name: &str) -> String {
    let whole = format!("{kind}_{name}.yaml");
    if whole.len() <= MAX_FILE_NAME {
        return whole;
    }
    let hash = crate::names::stable_hash(name.as_bytes());
    let room = MAX_FILE_NAME - format!("{kind}_-{hash:016x}.yaml").len();
    let mut cut = room.min(name.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{kind}_{}-{hash:016x}.yaml", &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_fit_the_file_system() {
        assert_eq!(resource_file_name("service", "web"), "service_web.yaml");
        let long = "a".repeat(253);
        let name = resource_file_name("middleware", &long);
        assert!(name.len() <= MAX_FILE_NAME && name.starts_with("middleware_aaa") && name.ends_with(".yaml"));
        assert_eq!(name, resource_file_name("middleware", &long), "stable");
        assert_ne!(name, resource_file_name("middleware", &format!("{}b", "a".repeat(252))), "unique");
        let wide = "é".repeat(200);
        assert!(resource_file_name("clusterrole", &wide).len() <= MAX_FILE_NAME, "cut on a character boundary");
    }

    #[test]
    fn only_regular_files_are_read_unless_named_by_a_person() {
        let dir = std::env::temp_dir().join(format!("lummo-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.yaml"), "x: 1\n").unwrap();
        std::os::unix::fs::symlink(dir.join("a.yaml"), dir.join("link.yaml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.yaml")).unwrap();
        assert_eq!(read_bounded(&dir.join("a.yaml"), false).unwrap(), b"x: 1\n");
        assert_eq!(read_bounded(&dir.join("link.yaml"), false).unwrap_err(), "not a regular file");
        assert_eq!(read_bounded(&dir.join("link.yaml"), true).unwrap(), b"x: 1\n");
        assert!(read_bounded(&dir.join("zero.yaml"), true).unwrap_err().starts_with("larger than 64 MiB"));
        assert_eq!(Entry::of(&dir.join("zero.yaml")), Some(Entry::Symlink));
        assert_eq!(Entry::of(Path::new("/dev/null")), Some(Entry::Special));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
