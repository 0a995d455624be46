//! The ArgoCD path for real: `lummo argocd generate` inside the `lummo-argocd` image, as
//! ArgoCD's sidecar runs it (the application folder as working directory, ArgoCD's
//! environment, no network, a read-only root filesystem, uid 999, /tmp a scratch volume).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{Result, copy_dir, release_dir, root};

/// `generate` in the sidecar image for the application folder `app`, with `env` added.
fn generate(app: &Path, env: &[(&str, &str)], extra_mount: Option<(&Path, &str)>) -> Result<Output> {
    let mut docker = Command::new("docker");
    docker.args(["run", "--rm", "--network", "none", "--read-only", "--user", "999", "--tmpfs", "/tmp"]);
    docker.arg("-v").arg(format!("{}:/src:ro", app.display())).args(["-w", "/src"]);
    if let Some((dir, at)) = extra_mount {
        docker.arg("-v").arg(format!("{}:{at}:ro", dir.display()));
    }
    let argocd = [("ARGOCD_APP_NAME", "shop"), ("ARGOCD_APP_NAMESPACE", "shop"), ("ARGOCD_APP_REVISION", "0123abc")];
    for (key, value) in argocd.iter().chain([("ARGOCD_APP_SOURCE_PATH", "apps/shop")].iter()).chain(env) {
        docker.arg("-e").arg(format!("{key}={value}"));
    }
    docker.args(["--entrypoint", "/usr/local/bin/lummo", "lummo/lummo-argocd:dev", "argocd", "generate"]);
    docker.output().map_err(|e| format!("docker run lummo-argocd: {e}"))
}

fn lummo_render(dir: &Path) -> Result<Vec<u8>> {
    let output = Command::new(release_dir().join("lummo")).arg("render").arg(dir).output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("lummo render {}: {}", dir.display(), String::from_utf8_lossy(&output.stderr)));
    }
    Ok(output.stdout)
}

/// A scratch copy others may read (the container's user is 999).
fn scratch(name: &str) -> Result<PathBuf> {
    let dir = root().join("target/xtask-argocd").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn expect_same(what: &str, output: &Output, expected: &[u8]) -> Result {
    if !output.status.success() || output.stdout != expected {
        return Err(format!("{what}: the sidecar's generate differs from lummo render:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(())
}

fn expect_refusal(what: &str, output: &Output, says: &str) -> Result {
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() || !output.stdout.is_empty() || !stderr.contains(says) {
        return Err(format!("{what}: expected a failure saying {says:?}, got exit {:?} and {stderr}", output.status.code()));
    }
    Ok(())
}

pub fn check_sidecar(examples: &[PathBuf]) -> Result {
    for example in examples {
        let name = example.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let app = scratch(&name)?;
        copy_dir(example, &app)?;
        expect_same(&name, &generate(&app, &[], None)?, &lummo_render(&app)?)?;
    }
    // An environment chosen by the application (plugin env OVERLAY).
    let app = scratch("overlays")?;
    copy_dir(&root().join("Kptfile.examples/networking"), &app.join("overlays/prod"))?;
    std::fs::write(app.join("README.md"), "environments below overlays/\n").map_err(|e| e.to_string())?;
    expect_same("overlay prod", &generate(&app, &[("ARGOCD_ENV_OVERLAY", "prod")], None)?, &lummo_render(&app.join("overlays/prod"))?)?;
    expect_refusal("overlay qa", &generate(&app, &[("ARGOCD_ENV_OVERLAY", "qa")], None)?, "overlay \"qa\"")?;
    // A Kptfile with an exec function lummo does not run: kpt renders, with the function's
    // binary from a mounted folder (here: the networking binary under another name).
    let fns = scratch("fns")?;
    // The static build (the image has no libc), as `cargo xtask image` made it.
    let static_networking = crate::image::static_binary("networking");
    std::fs::copy(&static_networking, fns.join("route-it")).map_err(|e| format!("{}: {e}", static_networking.display()))?;
    let (app, reference) = (scratch("foreign-exec")?, scratch("foreign-exec-reference")?);
    copy_dir(&root().join("Kptfile.examples/networking"), &app)?;
    copy_dir(&root().join("Kptfile.examples/networking"), &reference)?;
    let kptfile = std::fs::read_to_string(app.join("Kptfile")).map_err(|e| e.to_string())?;
    std::fs::write(app.join("Kptfile"), kptfile.replace("- exec: networking", "- exec: /fns/route-it")).map_err(|e| e.to_string())?;
    expect_same("kpt with a foreign exec function", &generate(&app, &[], Some((&fns, "/fns")))?, &lummo_render(&reference)?)?;
    // Nothing the sidecar can do: an image step, an empty folder.
    let image_step = scratch("image-step")?;
    copy_dir(&root().join("Kptfile.examples/networking"), &image_step)?;
    std::fs::write(image_step.join("Kptfile"), kptfile.replace("- exec: networking", "- image: example.com/set-labels:1"))
        .map_err(|e| e.to_string())?;
    expect_refusal("an image step", &generate(&image_step, &[], None)?, "no container runtime")?;
    expect_refusal("an empty folder", &generate(&scratch("empty")?, &[], None)?, "holds no resources")?;
    eprintln!(
        "the lummo-argocd sidecar renders {} examples like lummo render, an overlay, kpt for a foreign exec function, and refuses what it cannot render",
        examples.len()
    );
    Ok(())
}
