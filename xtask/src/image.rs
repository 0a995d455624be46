//! `cargo xtask image`: the container images, from `Dockerfile.template` and static binaries.
//! - `lummo/<function>`: one function's binary (under 5 MB each);
//! - `lummo/lummo`: `lummo` and a link named after each function (under 15 MB), for CI;
//! - `lummo/lummo-argocd`: the same, kpt (copied from this machine, statically linked) and the
//!   config management plugin, as ArgoCD's sidecar; it runs ArgoCD's own `argocd-cmp-server`
//!   from the volume the repo-server shares, so it needs no shell.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, cargo, functions, root, run};

const TARGET: &str = "x86_64-unknown-linux-gnu";
const FUNCTION_BUDGET: u64 = 5_000_000;
const LUMMO_BUDGET: u64 = 15_000_000;

/// One image to build.
struct Image {
    name: String,
    description: String,
    kinds: String,
    /// Files of `/usr/local/bin`: a name and the binary it is, or a link to `lummo`.
    bin: Vec<(String, Bin)>,
    /// Other files: (path in the image, content).
    files: Vec<(String, Vec<u8>)>,
    user: &'static str,
    entrypoint: String,
    budget: Option<u64>,
}

enum Bin {
    Copy(PathBuf),
    LinkToLummo,
}

/// Where `build_all` puts the static build of a binary (the images' and tests' copies).
pub fn static_binary(name: &str) -> PathBuf {
    root().join("target").join(TARGET).join("release").join(name)
}

pub fn build_all() -> Result {
    run(cargo().args(["build", "--release", "--bins", "--target", TARGET]).env("RUSTFLAGS", "-C target-feature=+crt-static"))?;
    let kinds = function_kinds(&static_binary("lummo"))?;
    let kinds_of = |function: &str| kinds.iter().find(|(f, _)| f == function).map(|(_, k)| k.clone()).unwrap_or_default();
    let mut images: Vec<Image> = functions()
        .into_iter()
        .map(|function| Image {
            description: description(&root().join("functions").join(&function).join("Cargo.toml")),
            kinds: kinds_of(&function),
            bin: vec![(function.clone(), Bin::Copy(static_binary(&function)))],
            files: Vec::new(),
            user: "nobody",
            entrypoint: format!("[\"/usr/local/bin/{function}\"]"),
            budget: Some(FUNCTION_BUDGET),
            name: function,
        })
        .collect();
    let all_kinds: std::collections::BTreeSet<&str> = kinds.iter().flat_map(|(_, k)| k.split(',')).collect();
    let all_kinds = all_kinds.into_iter().collect::<Vec<_>>().join(",");
    let lummo_bin = || {
        let links = functions().into_iter().map(|f| (f, Bin::LinkToLummo));
        std::iter::once(("lummo".to_string(), Bin::Copy(static_binary("lummo")))).chain(links).collect::<Vec<_>>()
    };
    images.push(Image {
        name: "lummo".into(),
        description: description(&root().join("crates/lummo/Cargo.toml")),
        kinds: all_kinds.clone(),
        bin: lummo_bin(),
        files: Vec::new(),
        user: "nobody",
        entrypoint: "[\"/usr/local/bin/lummo\"]".into(),
        budget: Some(LUMMO_BUDGET),
    });
    let kpt = which("kpt")?;
    let mut argocd_bin = lummo_bin();
    argocd_bin.push(("kpt".into(), Bin::Copy(kpt)));
    let plugin = std::fs::read(root().join("argocd/plugin.yaml")).map_err(|e| format!("argocd/plugin.yaml: {e}"))?;
    images.push(Image {
        name: "lummo-argocd".into(),
        description: "ArgoCD config management plugin sidecar: renders Lummo packages with lummo (kpt for foreign exec functions)".into(),
        kinds: all_kinds.clone(),
        bin: argocd_bin,
        files: vec![("home/argocd/cmp-server/config/plugin.yaml".into(), plugin)],
        user: "999",
        entrypoint: "[\"/var/run/argocd/argocd-cmp-server\"]".into(),
        budget: None,
    });
    let template = std::fs::read_to_string(root().join("Dockerfile.template")).map_err(|e| e.to_string())?;
    for image in &images {
        build(image, &template)?;
    }
    Ok(())
}

fn build(image: &Image, template: &str) -> Result {
    let version = env!("CARGO_PKG_VERSION");
    let context = root().join("target/images").join(&image.name);
    let _ = std::fs::remove_dir_all(&context);
    let (bin, files) = (context.join("bin"), context.join("files"));
    std::fs::create_dir_all(&bin).and_then(|()| std::fs::create_dir_all(&files)).map_err(|e| e.to_string())?;
    for (name, source) in &image.bin {
        let target = bin.join(name);
        match source {
            Bin::Copy(path) => drop(std::fs::copy(path, &target).map_err(|e| format!("{}: {e}", path.display()))?),
            Bin::LinkToLummo => std::os::unix::fs::symlink("lummo", &target).map_err(|e| e.to_string())?,
        }
    }
    // A /tmp every user may write (`lummo render -o /tmp/out` in a CI container, kpt's scratch
    // copies in the ArgoCD sidecar when /tmp is not a volume).
    let tmp = files.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    std::fs::set_permissions(&tmp, std::os::unix::fs::PermissionsExt::from_mode(0o1777)).map_err(|e| e.to_string())?;
    for (path, content) in &image.files {
        let target = files.join(path);
        std::fs::create_dir_all(target.parent().expect("a file has a folder")).map_err(|e| e.to_string())?;
        std::fs::write(&target, content).map_err(|e| e.to_string())?;
    }
    let passwd = "nobody:x:65534:65534:nobody:/:/sbin/nologin\nargocd:x:999:999:argocd:/home/argocd:/sbin/nologin\n";
    std::fs::write(context.join("passwd"), passwd).map_err(|e| e.to_string())?;
    let dockerfile = template
        .replace("{{title}}", &format!("lummo/{}", image.name))
        .replace("{{description}}", &image.description.replace('"', "'"))
        .replace("{{version}}", version)
        .replace("{{source}}", &source())
        .replace("{{kinds}}", &image.kinds)
        .replace("{{user}}", image.user)
        .replace("{{entrypoint}}", &image.entrypoint);
    std::fs::write(context.join("Dockerfile"), dockerfile).map_err(|e| e.to_string())?;
    let (tagged, dev) = (format!("lummo/{}:{version}", image.name), format!("lummo/{}:dev", image.name));
    run(Command::new("docker").args(["build", "--quiet", "-t", &tagged, "-t", &dev]).arg(&context))?;
    let size = image_size(&tagged)?;
    eprintln!("built image {tagged} (also {dev}): {:.1} MB", size as f64 / 1e6);
    match image.budget {
        Some(budget) if size > budget => Err(format!("{tagged} is {size} bytes, over its budget of {budget}")),
        _ => Ok(()),
    }
}

fn image_size(image: &str) -> Result<u64> {
    let output = Command::new("docker").args(["image", "inspect", "--format", "{{.Size}}", image]).output().map_err(|e| e.to_string())?;
    String::from_utf8_lossy(&output.stdout).trim().parse().map_err(|_| format!("no size for {image}"))
}

/// `function<TAB>Kind,Kind` lines from `lummo functions --kinds`.
fn function_kinds(lummo: &Path) -> Result<Vec<(String, String)>> {
    let output = Command::new(lummo).args(["functions", "--kinds"]).output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    Ok(text.lines().filter_map(|l| l.split_once('\t')).map(|(f, k)| (f.to_string(), k.to_string())).collect())
}

/// A crate's `description = "..."`.
fn description(manifest: &Path) -> String {
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let line = text.lines().find_map(|l| l.strip_prefix("description = \"")).unwrap_or_default();
    line.trim_end_matches('"').to_string()
}

/// Where the sources live: the clone's origin, when it has one.
fn source() -> String {
    let output = Command::new("git").args(["config", "--get", "remote.origin.url"]).current_dir(root()).output();
    let url = output.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    if url.is_empty() || url.starts_with('/') { "unknown (built from a local clone)".into() } else { url }
}

fn which(program: &str) -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file());
    let found = found.ok_or_else(|| format!("{program} is not on PATH"))?;
    std::fs::canonicalize(&found).map_err(|e| e.to_string())
}
