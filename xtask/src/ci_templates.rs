//! The CI jobs of `ci-templates/`, run here as they run there, on every example package: the
//! GitHub Actions job's `docker run` with the repository mounted read-only, and the GitLab job's
//! `docker create` / `docker cp` / `docker start` (its docker-in-docker has no shared volume).
//! Both must render the same, valid manifests.

use std::path::Path;
use std::process::Command;

use crate::{Result, root, run, validator};

const IMAGE: &str = "lummo/lummo:dev";

pub fn check() -> Result {
    let github = std::fs::read_to_string(root().join("ci-templates/github-actions.yml")).map_err(|e| e.to_string())?;
    let gitlab = std::fs::read_to_string(root().join("ci-templates/gitlab-ci.yml")).map_err(|e| e.to_string())?;
    for (template, command) in [
        (&github, "\"$LUMMO_IMAGE\" check ."),
        (&github, "render --validate -o /out/manifests ."),
        (&gitlab, "check /src"),
        (&gitlab, "render --validate -o /tmp/manifests /src"),
        (&github, "diff --base /base --output markdown --exit-zero ."),
        (&gitlab, "diff --base /base --output markdown --exit-zero ."),
    ] {
        if !template.contains(command) {
            return Err(format!("a CI template no longer runs {command:?}: update this check with it"));
        }
    }
    let examples = root().join("Kptfile.examples");
    let out = root().join("target/xtask-ci");
    let _ = std::fs::remove_dir_all(&out);
    let (github_out, gitlab_out) = (out.join("github"), out.join("gitlab"));
    std::fs::create_dir_all(&github_out).map_err(|e| e.to_string())?;
    let user = format!("{}", current_uid());
    let docker_run = |args: &[&str]| {
        let mut command = Command::new("docker");
        command.args(["run", "--rm", "--network", "none", "--read-only", "--user", &user]);
        command.arg("-v").arg(format!("{}:/src:ro", examples.display()));
        command.arg("-v").arg(format!("{}:/out", github_out.display())).args(["-w", "/src", IMAGE]).args(args);
        command
    };
    run(&mut docker_run(&["check", "."]))?;
    run(&mut docker_run(&["render", "--validate", "-o", "/out/manifests", "."]))?;
    run(validator().arg(github_out.join("manifests")))?;
    gitlab_job(&examples, &gitlab_out)?;
    let (a, b) = (tree(&github_out.join("manifests"))?, tree(&gitlab_out)?);
    if a != b {
        return Err("the GitLab job renders other manifests than the GitHub Actions job".into());
    }
    eprintln!("the CI templates' commands render the {} example files the same way, valid", a.len());
    diff_job(&examples, &user)
}

/// The diff job's command, with the examples as both the change and its base: no change.
fn diff_job(examples: &Path, user: &str) -> Result {
    let mut command = Command::new("docker");
    command.args(["run", "--rm", "--network", "none", "--read-only", "--user", user]);
    command.arg("-v").arg(format!("{}:/change:ro", examples.display()));
    command.arg("-v").arg(format!("{}:/base:ro", examples.display()));
    command.args(["-w", "/change", IMAGE, "diff", "--base", "/base", "--output", "markdown", "--exit-zero", "."]);
    let output = command.output().map_err(|e| e.to_string())?;
    let report = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !report.contains("No change to the rendered manifests.") {
        return Err(format!("the diff job's command failed:\n{report}{}", String::from_utf8_lossy(&output.stderr)));
    }
    eprintln!("the diff job's command reports no change between two copies of the examples");
    Ok(())
}

/// The uid the job runs as on GitHub (`id -u`): this process's, read from /proc.
fn current_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|uid| uid.parse().ok()).unwrap_or(65534)
}

fn gitlab_job(examples: &Path, out: &Path) -> Result {
    let create = Command::new("docker")
        .args(["create", "--network", "none", IMAGE, "render", "--validate", "-o", "/tmp/manifests", "/src"])
        .output();
    let create = create.map_err(|e| e.to_string())?;
    let id = String::from_utf8_lossy(&create.stdout).trim().to_string();
    if !create.status.success() || id.is_empty() {
        return Err(format!("docker create: {}", String::from_utf8_lossy(&create.stderr)));
    }
    let source = format!("{}/.", examples.display());
    let result = run(Command::new("docker").args(["cp", &source, &format!("{id}:/src")]))
        .and_then(|()| run(Command::new("docker").args(["start", "-a", &id])))
        .and_then(|()| run(Command::new("docker").arg("cp").arg(format!("{id}:/tmp/manifests")).arg(out)));
    let _ = Command::new("docker").args(["rm", &id]).output();
    result
}

/// Relative path → content of every file below `dir`.
fn tree(dir: &Path) -> Result<std::collections::BTreeMap<String, Vec<u8>>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("below dir").display().to_string();
                files.insert(relative, std::fs::read(&path).map_err(|e| e.to_string())?);
            }
        }
    }
    Ok(files)
}
