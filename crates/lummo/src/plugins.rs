//! `lummo install-plugins [DIR] [--uninstall]`: the functions as kustomize exec plugins, for
//! `kubectl kustomize --enable-alpha-plugins`. kustomize finds the plugin of a kind at
//! `DIR/<group>/<version>/<kind in lower case>/<Kind>`; each is a link to this binary, which,
//! run under a kind's name, runs every function that reads that kind.

use std::path::{Path, PathBuf};

use crate::registry;

/// The Lummo inputs' group and version, as kustomize lays out plugin folders.
const GROUP_VERSION: &str = "krm.lummo.com/v1";

/// `$KUSTOMIZE_PLUGIN_HOME`, else `$XDG_CONFIG_HOME/kustomize/plugin`, else
/// `~/.config/kustomize/plugin`: where kustomize looks.
pub fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("KUSTOMIZE_PLUGIN_HOME")
        .or_else(|| var("XDG_CONFIG_HOME").map(|config| config.join("kustomize/plugin")))
        .or_else(|| var("HOME").map(|home| home.join(".config/kustomize/plugin")))
}

/// The plugin file of `kind` under `dir`.
fn plugin_path(dir: &Path, kind: &str) -> PathBuf {
    dir.join(GROUP_VERSION).join(kind.to_lowercase()).join(kind)
}

/// Links every owned kind's plugin to `binary`; returns the paths written.
pub fn install(dir: &Path, binary: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for kind in registry::owned_kinds() {
        let path = plugin_path(dir, kind);
        let folder = path.parent().expect("a plugin path has a folder");
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        if std::fs::symlink_metadata(&path).is_ok() {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        std::os::unix::fs::symlink(binary, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Removes what `install` wrote (links only, and the folders it leaves empty).
pub fn uninstall(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut removed = Vec::new();
    for kind in registry::owned_kinds() {
        let path = plugin_path(dir, kind);
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            removed.push(path.clone());
        }
        // Folders go only when empty: anything else in them is someone else's.
        for folder in path.ancestors().skip(1).take(3) {
            let _ = std::fs::remove_dir(folder);
        }
    }
    Ok(removed)
}
