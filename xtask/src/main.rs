//! Project automation, run as `cargo xtask <task>`. Plain Rust with no dependencies, so it
//! builds in seconds on a fresh machine.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod argocd;
mod bench;
mod checkov;
mod ci_templates;
mod fuzz;
mod image;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  build     build the release binaries of every function and lummo (target/release/<name>)
  test      formatting and lints, every test (unit, golden, end-to-end through kpt, kustomize
            and docker), lummo validate over every example package's render, and a quick
            run of the tree benchmark (that it works; its figures are not judged)
  demo [package]
            build, render a copy of Kptfile.examples/<package> (default: orders-database-events, all six functions) with
            kpt, print the manifests and validate them; then the same with lummo render
  image     build the container images (lummo/<function>, lummo/lummo, lummo/lummo-argocd;
            :<version> and :dev), FROM scratch with static binaries; prints each size
  bench [--no-build]
            both benchmarks below, each against baselines measured in the same run (speed
            and memory ratios); reports in target/bench/ (--no-build: use the binaries as built)
  bench <resources> | bench list [resources]
            each function on a ResourceList (default 4000 resources) against cat and kpt fn source
  bench tree [--quick] [apps...]
            lummo render against kpt fn render --allow-exec on generated packages of that many
            apps (default 20 200 2000; --quick: 20 apps and 3 runs per row)
  argocd    lummo argocd generate inside the lummo-argocd image (as ArgoCD's sidecar runs it) on
            every example, an overlay, a foreign exec function (kpt) and what it must refuse
            (after cargo xtask image; cargo xtask test runs it too)
  ci-templates
            the jobs of ci-templates/ (GitHub Actions, GitLab CI) run with the lummo image on
            every example (after cargo xtask image; cargo xtask test runs it too)
  checkov   checkov's Kubernetes checks over the render of every example package, with the
            allow-list in .checkov.yaml (checkov from PyPI into a cache venv, once)
  fuzz [--seconds N] [target...]
            every fuzz target (fuzz/, cargo-fuzz on the nightly toolchain) for N seconds each
            (default 60), seeded with the golden inputs; a crash is kept in fuzz/artifacts/
  bless     rewrite the golden files from the current code (review the diff line by line!)
  schemas   regenerate schemas/<kind>.json and docs/reference/ from the input types (review the diff)
";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("build") => build(),
        Some("test") => test(),
        Some("demo") => demo(args.get(1).map_or("orders-database-events", String::as_str)),
        Some("image") => image(),
        Some("bench") => bench::run(&args[1..]),
        Some("bless") => bless(),
        Some("schemas") => schemas(),
        Some("fuzz") => fuzz::run_all(&args[1..]),
        Some("checkov") => checkov::run_checks(),
        Some("ci-templates") => ci_templates::check(),
        Some("argocd") => example_packages().and_then(|examples| argocd::check_sidecar(&examples)),
        Some("-h" | "--help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other:?}\n{USAGE}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the repository").to_path_buf()
}

/// The function crates, by folder name under `functions/`.
pub fn functions() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("functions"))
        .map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

pub fn run(command: &mut Command) -> Result {
    eprintln!("$ {}", describe(command));
    let status = command.status().map_err(|e| format!("{}: {e}", describe(command)))?;
    if status.success() { Ok(()) } else { Err(format!("{} failed ({status})", describe(command))) }
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program()).chain(command.get_args()).map(|s| s.to_string_lossy()).collect::<Vec<_>>().join(" ")
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root());
    command
}

pub fn build() -> Result {
    run(cargo().args(["build", "--release", "--bins"]))?;
    for binary in functions().into_iter().chain(["lummo".to_string()]) {
        eprintln!("built {}", release_dir().join(&binary).display());
    }
    Ok(())
}

fn image() -> Result {
    image::build_all()
}

/// Renders an example package through the container images instead of the binaries: the
/// files must come out the same.
fn check_image_renders_like_binary(package: &Path, exec_rendered: &Path) -> Result {
    let name = package.file_name().expect("package folder").to_string_lossy().into_owned();
    let copy = root().join("target/xtask-render").join(format!("{name}-images"));
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(package, &copy)?;
    let kptfile = copy.join("Kptfile");
    let mut text = std::fs::read_to_string(&kptfile).map_err(|e| e.to_string())?;
    for function in functions() {
        text = text.replace(&format!("- exec: {function}\n"), &format!("- image: lummo/{function}:dev\n"));
    }
    std::fs::write(&kptfile, text).map_err(|e| e.to_string())?;
    run(Command::new("kpt").args(["fn", "render", "--image-pull-policy", "never"]).arg(&copy))?;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    collect_yaml(exec_rendered, &mut a);
    collect_yaml(&copy, &mut b);
    for file in a.iter().filter(|f| !f.ends_with("Kptfile")) {
        let relative = file.strip_prefix(exec_rendered).expect("inside");
        let (x, y) = (std::fs::read(file), std::fs::read(copy.join(relative)));
        if x.is_err() || x.ok() != y.ok() {
            return Err(format!("{} differs between the binary and the image render", relative.display()));
        }
    }
    if a.len() != b.len() {
        return Err("the image render produced other files than the binary render".into());
    }
    eprintln!("the container images render {name} exactly like the binaries");
    Ok(())
}

/// Every function's image, run as CI runs it and more strictly than kpt does (no network, a
/// read-only root filesystem, an unknown non-root user, no capabilities), on each of its golden
/// inputs: the same stdout and exit code as the binary. The functions are hermetic: they need
/// nothing but stdin.
fn check_images_run_locked_down() -> Result {
    let mut runs = 0;
    for function in functions() {
        let cases = root().join("functions").join(&function).join("tests/golden");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases).map_err(|e| e.to_string())?.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for case in dirs.iter().filter(|d| d.join("input.yaml").exists() && !d.join("config.yaml").exists()) {
            let input = std::fs::File::open(case.join("input.yaml")).map_err(|e| e.to_string())?;
            let image = format!("lummo/{function}:dev");
            let locked = ["run", "-i", "--rm", "--network", "none", "--read-only", "--user", "65532:65532", "--cap-drop", "ALL"];
            let mut docker = Command::new("docker");
            docker.args(locked).args(["--security-opt", "no-new-privileges", &image]);
            let in_image = docker.stdin(input).output().map_err(|e| format!("docker run {image}: {e}"))?;
            let input = std::fs::File::open(case.join("input.yaml")).map_err(|e| e.to_string())?;
            let binary = Command::new(release_dir().join(&function)).stdin(input).output().map_err(|e| e.to_string())?;
            if in_image.stdout != binary.stdout || in_image.status.code() != binary.status.code() {
                return Err(format!("{image} locked down gives another result than the binary on {}", case.display()));
            }
            runs += 1;
        }
    }
    eprintln!("every image ran {runs} golden inputs with no network, a read-only root and uid 65532, as the binaries do");
    Ok(())
}

/// kubectl kustomize runs KRM functions given as `container:` (not `exec:`, which it skips
/// silently): the image must work as a kustomize generator in KRM mode too.
fn check_image_as_kustomize_krm_function() -> Result {
    let dir = root().join("target/xtask-render/kustomize-container");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let input = std::fs::read_to_string(root().join("Kptfile.examples/networking/networking.yaml")).map_err(|e| e.to_string())?;
    let annotated = input.replace(
        "metadata:\n  name: test\n",
        "metadata:\n  name: test\n  annotations:\n    config.kubernetes.io/function: |\n      container:\n        image: lummo/networking:dev\n",
    );
    std::fs::write(dir.join("networking.yaml"), annotated).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("kustomization.yaml"), "generators:\n- networking.yaml\n").map_err(|e| e.to_string())?;
    let output = Command::new("kubectl").args(["kustomize", "--enable-alpha-plugins"]).arg(&dir).output().map_err(|e| e.to_string())?;
    let out = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !out.contains("name: test-https") || !out.contains("kind: Certificate") {
        return Err(format!("kubectl kustomize with the container function failed:\n{out}{}", String::from_utf8_lossy(&output.stderr)));
    }
    let rendered = dir.join("out");
    std::fs::create_dir_all(&rendered).map_err(|e| e.to_string())?;
    std::fs::write(rendered.join("all.yaml"), out.as_bytes()).map_err(|e| e.to_string())?;
    run(validator().arg(&rendered))?;
    eprintln!("kubectl kustomize runs the image as a KRM container function");
    Ok(())
}

fn bless() -> Result {
    run(cargo().args(["test", "--workspace", "--test", "golden", "--test", "e2e"]).env("BLESS", "1"))?;
    // The reference pages list the errors the golden cases show.
    schemas()
}

fn schemas() -> Result {
    run(cargo().args(["test", "-p", "lummo-catalog", "--test", "schemas", "--test", "reference"]).env("BLESS", "1"))
}

fn test() -> Result {
    let started = Instant::now();
    run(cargo().args(["fmt", "--all", "--check"]))?;
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"]))?;
    run(cargo().args(["test", "--workspace", "--all-targets"]))?;
    build()?;
    image()?;
    for package in example_packages()? {
        let rendered = render_copy(&package)?;
        run(validator().arg(&rendered))?;
        check_image_renders_like_binary(&package, &rendered)?;
    }
    check_image_as_kustomize_krm_function()?;
    check_images_run_locked_down()?;
    run(validator().arg(root().join("argocd/plugin.yaml")))?;
    argocd::check_sidecar(&example_packages()?)?;
    ci_templates::check()?;
    // The benchmark must keep working; its figures are a report, never a pass or fail here.
    bench::run(&["tree".into(), "--quick".into(), "--no-build".into()])?;
    eprintln!("xtask test: everything passed in {:.0?}", started.elapsed());
    Ok(())
}

/// `lummo validate` of the release build: strict offline validation of manifests (the
/// `lummo-validate` crate), which needs nothing beside the repository.
pub fn validator() -> Command {
    let mut command = Command::new(release_dir().join("lummo"));
    command.arg("validate");
    command
}

fn example_packages() -> Result<Vec<PathBuf>> {
    let dir = root().join("Kptfile.examples");
    let mut packages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Kptfile").exists())
        .collect();
    packages.sort();
    Ok(packages)
}

/// Where cargo puts the release binaries: `$CARGO_TARGET_DIR/release` when set (cargo resolves
/// a relative one against the workspace root, where these tasks run it), else `target/release`.
pub fn release_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), |dir| root().join(dir));
    target.join("release")
}

/// PATH with the release binaries first, so Kptfiles can say `exec: networking`.
pub fn path_with_binaries() -> String {
    format!("{}:{}", release_dir().display(), std::env::var("PATH").unwrap_or_default())
}

/// Copies a package to a scratch folder and renders it there with kpt.
fn render_copy(package: &Path) -> Result<PathBuf> {
    let name = package.file_name().expect("package folder").to_string_lossy().into_owned();
    let target = root().join("target/xtask-render").join(&name);
    let _ = std::fs::remove_dir_all(&target);
    copy_dir(package, &target)?;
    run(Command::new("kpt")
        .args(["fn", "render", "--allow-exec", "--truncate-output=false"])
        .arg(&target)
        .env("PATH", path_with_binaries()))?;
    Ok(target)
}

pub fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let destination = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &destination)?;
        } else {
            std::fs::copy(entry.path(), &destination).map_err(|e| format!("{}: {e}", destination.display()))?;
        }
    }
    Ok(())
}

fn demo(package: &str) -> Result {
    build()?;
    let rendered = render_copy(&root().join("Kptfile.examples").join(package))?;
    let mut files = Vec::new();
    collect_yaml(&rendered, &mut files);
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        println!("# ---- {}", file.strip_prefix(&rendered).unwrap_or(&file).display());
        print!("{text}");
    }
    run(validator().arg(&rendered))?;
    // The same package without kpt: one process, the manifests only (one file each).
    let out = root().join("target/xtask-render").join(format!("{package}-lummo"));
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new(release_dir().join("lummo")).args(["render", "-o"]).arg(&out).arg(root().join("Kptfile.examples").join(package)))?;
    run(validator().arg(&out))
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_yaml(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}
