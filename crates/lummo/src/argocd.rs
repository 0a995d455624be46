//! `lummo argocd discover | generate`: the commands of ArgoCD's config management plugin
//! (`argocd/plugin.yaml`), run by ArgoCD's `argocd-cmp-server` in the application's folder.
//!
//! `generate` prints the manifests to apply: `lummo render` of the folder, or of the
//! environment the application names (`ARGOCD_ENV_OVERLAY`, or the `overlay` parameter), with
//! kpt for a package whose Kptfile runs exec functions lummo does not. It never prints an
//! empty render: ArgoCD would prune every resource of the application.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use lummo_krm::Function;

use crate::package::{self, Package};
use crate::{kptfile, platform, registry, render, stream};

/// `discover`: prints what makes the folder a Lummo application (a Kptfile, or a file with a
/// Lummo input); ArgoCD takes any output as a match.
pub fn discover() -> ExitCode {
    if Path::new("Kptfile").is_file() {
        println!("Kptfile");
        return ExitCode::SUCCESS;
    }
    if let Ok(packages) = package::discover(Path::new(".")) {
        for root in packages {
            let Ok(package) = Package::read(&root) else { continue };
            let input = package.list.items.iter().find(|item| lummo_catalog::lummo_kinds_group().kinds.contains(&item.kind()));
            if let Some(file) = input.and_then(|item| item.file()) {
                println!("{}", root.join(file.path).display());
                return ExitCode::SUCCESS;
            }
        }
    }
    ExitCode::SUCCESS
}

/// `generate`: the manifests on stdout, or an error on stderr and exit code 1.
pub fn generate() -> ExitCode {
    match manifests() {
        Ok(text) if text.trim().is_empty() => {
            fail("the render holds no resources: refusing to give ArgoCD an empty set, which would prune everything")
        }
        Ok(text) => match std::io::stdout().write_all(text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot write to stdout: {e}")),
        },
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

/// The folder to render: the application's, or the environment's below it.
fn selected_dir() -> Result<PathBuf, String> {
    let overlay = ["ARGOCD_ENV_OVERLAY", "PARAM_OVERLAY"].iter().find_map(|name| std::env::var(name).ok()).filter(|o| !o.is_empty());
    let Some(overlay) = overlay else { return Ok(PathBuf::from(".")) };
    if overlay.contains('/') || overlay.starts_with('.') {
        return Err(format!("overlay {overlay:?} must name a folder of the application, such as prod"));
    }
    let candidates = [PathBuf::from(&overlay), Path::new("overlays").join(&overlay)];
    candidates
        .into_iter()
        .find(|dir| dir.is_dir())
        .ok_or_else(|| format!("overlay {overlay:?}: neither ./{overlay} nor ./overlays/{overlay} is a folder"))
}

fn manifests() -> Result<String, String> {
    let dir = selected_dir()?;
    let functions = registry::functions();
    let functions: Vec<&dyn Function> = functions.iter().map(|f| f.as_ref()).collect();
    let names = registry::names();
    let mut out = String::new();
    for root in package::discover(&dir)? {
        let read = Package::read(&root).map_err(|results| people(&results))?;
        let foreign = kptfile::foreign_functions(&read.list, &names);
        let text = if foreign.is_empty() { with_lummo(&root, &functions)? } else { with_kpt(&root, &read, &foreign)? };
        if !out.is_empty() && !text.is_empty() {
            out.push_str("---\n");
        }
        out.push_str(&text);
    }
    Ok(out)
}

fn with_lummo(root: &Path, functions: &[&dyn Function]) -> Result<String, String> {
    let rendered = render::render(root, functions, &platform::Source::default());
    let results = rendered.results_for_people();
    let _ = std::io::stderr().write_all(lummo_krm::process::human_lines(&results).as_bytes());
    match (&rendered.package, rendered.has_errors()) {
        (Some(package), false) => stream::stream(&render::manifests(package)),
        _ => Err(format!("{}: the render failed (see above)", root.display())),
    }
}

/// The file of kpt's copy of a package that holds the platform found above the package.
const PLATFORM_COPY: &str = "lummo-platform.yaml";

/// kpt renders a copy (the checkout stays as it is); its exec functions must be on PATH, and
/// `image:` functions cannot run here (no container runtime in the sidecar).
fn with_kpt(root: &Path, package: &Package, foreign: &[lummo_krm::results::KrmResult]) -> Result<String, String> {
    if let Some(image) = kptfile::image_functions(&package.list).first() {
        return Err(format!(
            "{}: the Kptfile runs the container image {image}, and the ArgoCD sidecar has no container runtime: use exec functions",
            root.display()
        ));
    }
    let outside = platform::Source::default().outside_of(root, &package.list.items).map_err(|e| people(&e))?;
    if outside.is_some() && root.join(PLATFORM_COPY).exists() {
        return Err(format!("{}: the package has a file {PLATFORM_COPY}, where the platform from above it would go", root.display()));
    }
    let copy = std::env::temp_dir().join(format!("lummo-argocd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(root, &copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    // kpt sees only the package: the platform from above it goes into the copy.
    if let Some(platform) = outside {
        std::fs::write(copy.join(PLATFORM_COPY), platform.to_yaml()?).map_err(|e| format!("{}: {e}", copy.display()))?;
    }
    let rendered =
        Command::new("kpt").args(["fn", "render", "--allow-exec"]).arg(&copy).env("PATH", path_with_git_stand_in(&copy)?).output();
    let rendered = rendered.map_err(|e| format!("kpt: {e} (the package runs {} foreign function(s))", foreign.len()))?;
    let result = if rendered.status.success() {
        Package::read(&copy).map_err(|results| people(&results)).and_then(|package| stream::stream(&render::manifests(&package)))
    } else {
        Err(format!("{}: kpt fn render failed:\n{}", root.display(), String::from_utf8_lossy(&rendered.stderr)))
    };
    let _ = std::fs::remove_dir_all(&copy);
    let _ = std::fs::remove_dir_all(copy.with_extension("bin"));
    result
}

/// kpt refuses to start unless it finds `git` on PATH, though `fn render` of a local folder
/// never runs it; the sidecar has no git, so a link named `git` to this binary (which, run as
/// `git`, does nothing but fail) stands in, in a folder of the scratch copy.
fn path_with_git_stand_in(copy: &Path) -> Result<std::ffi::OsString, String> {
    let bin = copy.with_extension("bin");
    let _ = std::fs::remove_dir_all(&bin);
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let lummo = std::env::current_exe().map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(lummo, bin.join("git")).map_err(|e| format!("{}: {e}", bin.display()))?;
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).map_err(|e| e.to_string())
}

fn people(results: &[lummo_krm::results::KrmResult]) -> String {
    lummo_krm::process::human_lines(results).trim_end().to_string()
}

/// Copies the folders and regular files of `from`; symlinks, FIFOs and devices stay behind,
/// as lummo's own reading leaves them, so kpt never reads outside the package through the copy.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if file_type.is_file() {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
