//! `cargo xtask fuzz`: every cargo-fuzz target for a bounded time, seeded from the golden
//! inputs. Needs the nightly toolchain (libFuzzer and the sanitizers); installs cargo-fuzz from
//! crates.io when it is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, root, run};

/// The targets in `fuzz/Cargo.toml`, and the golden inputs each is seeded with (by function
/// folder; `None`: every function's).
const TARGETS: &[(&str, Option<&str>)] = &[
    ("resource_list", None),
    ("pipeline", None),
    ("workloads", Some("workloads")),
    ("scaling", Some("scaling")),
    ("monitoring", Some("monitoring")),
    ("networking", Some("networking")),
    ("pgbouncer", Some("pgbouncer")),
    ("pubsub", Some("pubsub")),
];

/// `fuzz [--seconds N] [target...]`: N seconds per target (default 60).
pub fn run_all(args: &[String]) -> Result {
    let mut seconds = 60;
    let mut chosen: Vec<&str> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).ok_or("--seconds takes a number")?,
            name if TARGETS.iter().any(|(t, _)| *t == name) => chosen.push(name),
            other => return Err(format!("unknown fuzz target {other:?} (targets: {})", names().join(", "))),
        }
    }
    if chosen.is_empty() {
        chosen = names();
    }
    nightly()?;
    cargo_fuzz()?;
    for (target, seeds) in TARGETS.iter().filter(|(t, _)| chosen.contains(t)) {
        let corpus = seed_corpus(target, *seeds)?;
        let mut command = Command::new("cargo");
        command.current_dir(root().join("fuzz")).args(["+nightly", "fuzz", "run", target]).arg(&corpus).args([
            "--".to_string(),
            format!("-max_total_time={seconds}"),
            "-timeout=10".to_string(),
            "-rss_limit_mb=2048".to_string(),
            "-max_len=65536".to_string(),
            "-print_final_stats=1".to_string(),
        ]);
        run(&mut command)?;
    }
    eprintln!("xtask fuzz: {} targets, {seconds} s each, no crash", chosen.len());
    Ok(())
}

fn names() -> Vec<&'static str> {
    TARGETS.iter().map(|(t, _)| *t).collect()
}

fn nightly() -> Result {
    let works = Command::new("cargo").args(["+nightly", "--version"]).output().is_ok_and(|o| o.status.success());
    if works { Ok(()) } else { Err("fuzzing needs the nightly toolchain (cargo +nightly), which this machine lacks".into()) }
}

fn cargo_fuzz() -> Result {
    let installed = Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if installed {
        return Ok(());
    }
    run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

/// `fuzz/corpus/<target>`, holding at least the golden inputs and `fuzz/regressions/<target>`
/// (libFuzzer adds what it finds).
fn seed_corpus(target: &str, function: Option<&str>) -> Result<PathBuf> {
    let corpus = root().join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let functions = match function {
        Some(name) => vec![name.to_string()],
        None => crate::functions(),
    };
    // Inputs that once crashed a target stay in its corpus.
    let regressions = root().join("fuzz/regressions").join(target);
    for seed in std::fs::read_dir(&regressions).into_iter().flatten().flatten() {
        copy_seed(&seed.path(), &corpus.join(format!("regression-{}", seed.file_name().to_string_lossy())))?;
    }
    for function in functions {
        let cases = root().join("functions").join(&function).join("tests/golden");
        for case in std::fs::read_dir(&cases).map_err(|e| format!("{}: {e}", cases.display()))?.flatten() {
            copy_seed(&case.path().join("input.yaml"), &corpus.join(format!("{function}-{}", case.file_name().to_string_lossy())))?;
        }
    }
    Ok(corpus)
}

fn copy_seed(from: &Path, to: &Path) -> Result {
    match std::fs::read(from) {
        Ok(bytes) => std::fs::write(to, bytes).map_err(|e| format!("{}: {e}", to.display())),
        Err(_) => Ok(()),
    }
}
