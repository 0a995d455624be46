//! `cargo xtask checkov`: checkov's Kubernetes checks over the render of every example
//! package, with the allow-list in `.checkov.yaml`. checkov comes from PyPI into a venv of its
//! own (once; later runs are offline).

use std::path::PathBuf;
use std::process::Command;

use crate::{Result, release_dir, root, run};

/// The checkov release the allow-list was written against.
const CHECKOV: &str = "checkov==3.3.30";

pub fn run_checks() -> Result {
    crate::build()?;
    let checkov = install()?;
    let out = root().join("target/checkov");
    let _ = std::fs::remove_dir_all(&out);
    let examples = root().join("Kptfile.examples");
    let mut packages: Vec<PathBuf> = std::fs::read_dir(&examples).map_err(|e| e.to_string())?.flatten().map(|e| e.path()).collect();
    packages.sort();
    for package in &packages {
        let name = package.file_name().unwrap_or_default();
        run(Command::new(release_dir().join("lummo")).args(["render", "-o"]).arg(out.join(name)).arg(package))?;
    }
    let config = root().join(".checkov.yaml");
    run(Command::new(checkov).arg("--config-file").arg(config).arg("-d").arg(&out))?;
    eprintln!("xtask checkov: {} example packages, no failed check", packages.len());
    Ok(())
}

/// The checkov command, installed into `${XDG_CACHE_HOME:-~/.cache}/lummo-checkov` if missing.
fn install() -> Result<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .ok_or("neither XDG_CACHE_HOME nor HOME is set")?;
    let venv = cache.join("lummo-checkov");
    let checkov = venv.join("bin/checkov");
    if !checkov.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", CHECKOV]))?;
    }
    Ok(checkov)
}
