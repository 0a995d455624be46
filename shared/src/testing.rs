//! Test support shared by every function crate: golden cases and the manifest validator.
//!
//! A golden case is a folder with `input.yaml` (a ResourceList, or a stream when `config.yaml`
//! is present, which is then the config file of a standalone run) and the expected
//! `output.yaml` (stdout) and `stderr.txt` (exit code and stderr). `BLESS=1 cargo test`
//! rewrites the expectations; review every changed line before committing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::function::{ConfigFile, Function, Outcome, process};

/// Runs one golden case folder through `function`.
pub fn run_case<F: Function>(function: &F, dir: &Path) -> Outcome {
    let input = std::fs::read(dir.join("input.yaml")).unwrap_or_default();
    let config = std::fs::read_to_string(dir.join("config.yaml"))
        .ok()
        .map(|text| ConfigFile { path: "config.yaml".into(), text });
    process(function, input, config)
}

/// Compares (or with `BLESS=1` rewrites) every case under `cases_dir`; returns the paths of the
/// outputs of successful runs so that callers can validate them. Panics listing every mismatch.
pub fn check_golden<F: Function>(function: &F, cases_dir: &Path) -> Vec<PathBuf> {
    let bless = std::env::var_os("BLESS").is_some();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", cases_dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no golden cases in {}", cases_dir.display());
    let mut failures = Vec::new();
    let mut outputs = Vec::new();
    for dir in &dirs {
        let outcome = run_case(function, dir);
        let stderr = format!("exit code: {}\n{}", outcome.exit_code, outcome.stderr);
        for (file, actual) in [("output.yaml", &outcome.stdout), ("stderr.txt", &stderr)] {
            let path = dir.join(file);
            if bless {
                std::fs::write(&path, actual).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if &expected != actual {
                failures.push(format!("{}:\n{}", path.display(), diff(&expected, actual)));
            }
        }
        // A failed run's output is discarded by kpt and kustomize; only successful ones count.
        if outcome.exit_code == 0 {
            outputs.push(dir.join("output.yaml"));
        }
    }
    assert!(failures.is_empty(), "golden files differ (BLESS=1 to accept, then review):\n{}", failures.join("\n"));
    outputs
}

/// A line diff good enough to see what changed.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let show = |lines: &[&str], sign: char| -> String {
        lines.iter().skip(first).take(8).map(|l| format!("  {sign} {l}\n")).collect()
    };
    format!("  first difference at line {}\n{}{}", first + 1, show(&e, '-'), show(&a, '+'))
}

/// The repository's `../shared/tools/validate-manifests`, found from a crate's manifest dir.
pub fn validator(manifest_dir: &str) -> PathBuf {
    let mut dir = Path::new(manifest_dir);
    loop {
        let candidate = dir.join("../shared/tools/validate-manifests");
        if dir.join("Cargo.lock").exists() && candidate.exists() {
            return candidate;
        }
        dir = dir.parent().expect("validate-manifests beside the repository (../shared/tools)");
    }
}

/// Writes the items of ResourceList/stream outputs into one folder and validates them all
/// strictly; panics with the validator's report on any problem.
pub fn validate_outputs(manifest_dir: &str, outputs: &[PathBuf]) {
    let scratch = std::env::temp_dir().join(format!("lummo-validate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let mut count = 0;
    for (i, path) in outputs.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(list) = crate::resource_list::ResourceList::read(text.into_bytes()) else { continue };
        for (j, item) in list.items.iter().enumerate() {
            let yaml = crate::yaml::to_yaml(&item.node.to_json()).unwrap();
            std::fs::write(scratch.join(format!("{i:03}-{j:03}.yaml")), yaml).unwrap();
            count += 1;
        }
    }
    if count == 0 {
        return;
    }
    let result = Command::new(validator(manifest_dir)).arg(&scratch).output().expect("run validate-manifests");
    let report = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success(), "validate-manifests failed:\n{report}{}", String::from_utf8_lossy(&result.stderr));
    let _ = std::fs::remove_dir_all(&scratch);
}
