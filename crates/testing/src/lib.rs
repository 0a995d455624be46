//! Test support shared by every function crate: golden cases, the manifest validator, and
//! helpers that drive kpt and kubectl. Only ever a dev-dependency.
//!
//! A golden case is a folder with `input.yaml` (a ResourceList, or a stream when `config.yaml`
//! is present, which is then the config file of a standalone run) and the expected
//! `output.yaml` (stdout) and `stderr.txt` (exit code and stderr). `BLESS=1 cargo test`
//! rewrites the expectations; review every changed line before committing.

pub mod cross;
pub mod references;

use std::path::{Path, PathBuf};
use std::process::Command;

use lummo_krm::function::Function;
use lummo_krm::process::{ConfigFile, Outcome, process};

/// Runs one golden case folder through `function`.
pub fn run_case(function: &dyn Function, dir: &Path) -> Outcome {
    let input = std::fs::read(dir.join("input.yaml")).unwrap_or_default();
    let config = std::fs::read_to_string(dir.join("config.yaml")).ok().map(|text| ConfigFile { path: "config.yaml".into(), text });
    process(function, input, config)
}

/// Compares (or with `BLESS=1` rewrites) every case under `cases_dir`; returns the paths of the
/// outputs of successful runs so that callers can validate them. Panics listing every mismatch.
pub fn check_golden(function: &dyn Function, cases_dir: &Path) -> Vec<PathBuf> {
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
            if let Some(difference) = rerun_difference(function, dir, &outcome.stdout) {
                failures.push(format!("{}: a second run changes the items:\n{difference}", dir.display()));
            }
        }
    }
    assert!(failures.is_empty(), "golden files differ (BLESS=1 to accept, then review):\n{}", failures.join("\n"));
    outputs
}

/// Rendering is idempotent: the function run on its own ResourceList output (with the same
/// config) gives the same items. `None` when it does, or when the output is no ResourceList (a
/// standalone run's stream).
fn rerun_difference(function: &dyn Function, dir: &Path, output: &str) -> Option<String> {
    let items = |text: &str| -> Option<String> {
        let list = lummo_krm::ResourceList::read(text.as_bytes().to_vec()).ok()?;
        (list.format == lummo_krm::resource_list::Format::ResourceList)
            .then(|| list.items.iter().map(|i| i.to_yaml().unwrap_or_default()).collect())
    };
    let first = items(output)?;
    let config = std::fs::read_to_string(dir.join("config.yaml")).ok().map(|text| ConfigFile { path: "config.yaml".into(), text });
    let second = items(&process(function, output.as_bytes().to_vec(), config).stdout).unwrap_or_default();
    (first != second).then(|| diff(&first, &second))
}

/// Generated files that are committed (schemas, reference pages): with `BLESS=1` each is
/// written; otherwise the names of those whose committed text differs are returned.
pub fn check_generated(dir: &Path, files: Vec<(String, String)>) -> Vec<String> {
    let bless = std::env::var_os("BLESS").is_some();
    let mut stale = Vec::new();
    for (name, text) in files {
        let path = dir.join(&name);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap_or(dir)).unwrap();
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    stale
}

/// A line diff good enough to see what changed.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let show = |lines: &[&str], sign: char| -> String { lines.iter().skip(first).take(8).map(|l| format!("  {sign} {l}\n")).collect() };
    format!("  first difference at line {}\n{}{}", first + 1, show(&e, '-'), show(&a, '+'))
}

/// Validates items strictly (`lummo_validate`: schemas, unknown fields, the API server's own
/// rules) and across objects (`cross`); panics with every problem, `what` naming the source.
pub fn assert_valid(what: &str, items: &[lummo_krm::Item]) {
    let outcome = lummo_validate::validate(items);
    let report: Vec<String> = outcome.results.iter().map(|r| r.human_line()).collect();
    assert!(outcome.is_valid(), "{what}: invalid manifests ({}):\n{}", outcome.summary(), report.join("\n"));
    let problems = cross::check(items);
    assert!(problems.is_empty(), "{what}: the objects do not work together:\n{}", problems.join("\n"));
}

/// Validates the items of ResourceList/stream outputs, each output on its own.
pub fn validate_outputs(outputs: &[PathBuf]) {
    for path in outputs {
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(list) = lummo_krm::ResourceList::read(text.into_bytes()) else { continue };
        assert_valid(&path.display().to_string(), &list.items);
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path, with its text.
pub fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A fresh scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lummo-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Output of a command that must succeed.
pub fn run_ok(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// PATH with the folder of `binary` first, so that Kptfiles can name functions as `exec: <name>`.
pub fn path_with(binary: &str) -> String {
    let dir = Path::new(binary).parent().unwrap();
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

/// `kpt fn render --allow-exec dir` with `binary`'s folder on PATH.
pub fn kpt_render(binary: &str, dir: &Path) -> std::process::Output {
    Command::new("kpt")
        .args(["fn", "render", "--allow-exec", "--truncate-output=false"])
        .arg(dir)
        .env("PATH", path_with(binary))
        .output()
        .expect("kpt on PATH")
}

/// `kpt_render` that must succeed.
pub fn kpt_render_ok(binary: &str, dir: &Path) {
    let output = kpt_render(binary, dir);
    assert!(output.status.success(), "kpt fn render failed:\n{}", String::from_utf8_lossy(&output.stderr));
}

/// Validates a folder of manifests (local config skipped), panicking with the report.
pub fn validate_dir(dir: &Path) {
    let mut items = Vec::new();
    for (path, text) in read_tree(dir).into_iter().filter(|(path, _)| path.ends_with(".yaml") || path.ends_with(".yml")) {
        items.extend(lummo_krm::ResourceList::read_file(&path, text.into_bytes()).unwrap_or_else(|e| panic!("{path}: {e}")));
    }
    assert_valid(&dir.display().to_string(), &items);
}

/// Compares a folder tree with an expected one (or with `BLESS=1` replaces the expected one).
pub fn check_tree(actual: &Path, expected: &Path) {
    if std::env::var_os("BLESS").is_some() {
        let _ = std::fs::remove_dir_all(expected);
        copy_dir(actual, expected);
        return;
    }
    let (actual_files, expected_files) = (read_tree(actual), read_tree(expected));
    let names = |m: &std::collections::BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&actual_files), names(&expected_files), "files of {} differ from {}", actual.display(), expected.display());
    for (name, text) in &actual_files {
        assert!(text == &expected_files[name], "{name} differs from {}:\n{}", expected.display(), diff(&expected_files[name], text));
    }
}

/// Asserts that `item` decodes as a `T` and encodes back to the very same object: the type
/// can read what the functions write, without losing a field.
pub fn assert_reads_back<T>(item: &lummo_krm::Item)
where
    T: k8s_openapi::Resource + serde::Serialize + serde::de::DeserializeOwned,
{
    let object: T = item.decode().unwrap_or_else(|e| panic!("{e}"));
    let again = serde_json::to_value(&object).unwrap();
    assert_eq!(again, item.node().to_json(), "{} does not read back as a {}", item.id(), T::KIND);
}

/// The items `function` generated in the outputs of successful golden cases.
pub fn generated_items(outputs: &[PathBuf], function: &str) -> Vec<lummo_krm::Item> {
    let lists = outputs.iter().map(|path| lummo_krm::ResourceList::read(std::fs::read(path).unwrap()).unwrap());
    let items = lists.flat_map(|list| list.items);
    items.filter(|item| item.annotation(lummo_krm::ownership::GENERATED_BY) == Some(function)).collect()
}
