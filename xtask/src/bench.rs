//! `cargo xtask bench`: speed and peak memory, stated as ratios against baselines measured in
//! the same run on the same input, so the figures mean the same on any machine.
//!
//! `bench` runs both of these (`--no-build`: with the binaries as they are):
//! - `bench <resources>` (the ResourceList benchmark): each function against `cat`, which
//!   copies the ResourceList and does nothing else (the floor of any function), and `kpt fn
//!   source` of the same resources as a package: kpt's own read and write, which every `kpt fn
//!   render` pays anyway.
//! - `bench tree [apps...]` (the tree benchmark): a generated package of N apps rendered by
//!   `lummo render` against `kpt fn render --allow-exec` running the same two functions.
//!
//! Peak RSS is `ru_maxrss` from wait4, which Linux fills with the largest single process among
//! the child and the descendants it reaped (kpt's exec functions, a pipe's stages): a maximum,
//! not a sum.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Result, path_with_binaries, release_dir, root};

const RUNS: usize = 5;
/// Default tree sizes, in apps; `--quick` uses the first only.
const TREES: [usize; 3] = [20, 200, 2000];
/// The bar: lummo at least this many times faster than kpt at `BAR_APPS` apps.
const BAR_SPEEDUP: f64 = 20.0;
const BAR_APPS: usize = 200;

struct Measure {
    wall: Duration,
    max_rss_kib: i64,
}

/// Runs `command` (stdin from `input`, stdout discarded) and returns its wall time and peak RSS.
fn measure_once(command: &mut Command, input: Option<&Path>) -> Result<Measure> {
    let stdin = match input {
        Some(path) => Stdio::from(std::fs::File::open(path).map_err(|e| e.to_string())?),
        None => Stdio::null(),
    };
    let started = Instant::now();
    let child = command.stdin(stdin).stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let mut status = 0;
    // SAFETY: rusage is plain data, and wait4 reaps exactly the child spawned above.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if pid < 0 || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{command:?} failed (status {status})"));
    }
    Ok(Measure { wall, max_rss_kib: usage.ru_maxrss })
}

/// The median wall time and the largest peak RSS of several runs.
fn summarize(mut runs: Vec<Measure>) -> Measure {
    runs.sort_by_key(|m| m.wall);
    let max_rss_kib = runs.iter().map(|m| m.max_rss_kib).max().unwrap_or(0);
    Measure { wall: runs[runs.len() / 2].wall, max_rss_kib }
}

fn measure(runs: usize, command: &mut Command, input: Option<&Path>) -> Result<Measure> {
    Ok(summarize((0..runs).map(|_| measure_once(command, input)).collect::<Result<_>>()?))
}

/// Like `measure`, but each run gets a fresh copy of `tree` at `scratch`, made before the clock
/// starts: kpt and `lummo render --in-place` rewrite the package they render.
fn measure_on_copies(runs: usize, tree: &Path, scratch: &Path, command: impl Fn(&Path) -> Command) -> Result<Measure> {
    let mut all = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(scratch);
        crate::copy_dir(tree, scratch)?;
        // Flush the copy first: otherwise its write-back competes with the timed run's own
        // writes, and the figures measure the disk's backlog more than the render.
        Command::new("sync").status().map_err(|e| format!("sync: {e}"))?;
        all.push(measure_once(&mut command(scratch), None)?);
    }
    Ok(summarize(all))
}

fn ms(m: &Measure) -> f64 {
    m.wall.as_secs_f64() * 1e3
}

fn mib(m: &Measure) -> f64 {
    m.max_rss_kib as f64 / 1024.0
}

/// `cargo xtask bench [--no-build] [<resources> | list [resources] | tree [--quick] [apps...]]`.
pub fn run(args: &[String]) -> Result {
    let flag = |name: &str| args.iter().any(|a| a == name);
    if let Some(unknown) = args.iter().find(|a| a.starts_with('-') && !["--no-build", "--quick"].contains(&a.as_str())) {
        return Err(format!("bench: unknown option {unknown}"));
    }
    let words: Vec<&str> = args.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    let number = |w: &&str| w.parse::<usize>().map_err(|_| format!("bench: {w:?} is not a number"));
    let default_trees = if flag("--quick") { &TREES[..1] } else { &TREES[..] };
    // (resources of the ResourceList benchmark, apps of each tree), either may be skipped.
    let (list, trees): (Option<usize>, Vec<usize>) = match words.as_slice() {
        [] => (Some(4000), default_trees.to_vec()),
        ["tree"] => (None, default_trees.to_vec()),
        ["tree", sizes @ ..] => (None, sizes.iter().map(number).collect::<Result<_>>()?),
        ["list"] => (Some(4000), vec![]),
        ["list", n] | [n] => (Some(number(n)?), vec![]),
        _ => return Err("bench takes a number of resources, or `tree` and numbers of apps".into()),
    };
    let lummo = if flag("--no-build") { existing_lummo() } else { build()? };
    if let Some(count) = list {
        list_bench(count)?;
    }
    if trees.is_empty() { Ok(()) } else { tree_bench(&trees, flag("--quick"), lummo.as_deref()) }
}

/// Builds every release binary (the functions and lummo). Returns lummo's path.
fn build() -> Result<Option<PathBuf>> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    crate::run(command.current_dir(root()).args(["build", "--release", "--bins"]))?;
    Ok(existing_lummo())
}

fn existing_lummo() -> Option<PathBuf> {
    Some(release_dir().join("lummo")).filter(|p| p.exists())
}

/// Writes `report` to stdout and to `target/bench/<file>`.
fn publish(report: &str, file: &str) -> Result {
    print!("{report}");
    let path = root().join("target/bench").join(file);
    std::fs::create_dir_all(path.parent().expect("in target/bench")).map_err(|e| e.to_string())?;
    std::fs::write(&path, report).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("report written to {}", path.display());
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result {
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

// ---- The ResourceList benchmark -------------------------------------------------------------

/// One resource of the synthetic package, in the shapes kpt hands functions.
fn resource(i: usize) -> String {
    let path = format!("{:03}/res-{i}.yaml", i / 100);
    let meta = |kind: &str, name: &str| {
        format!(
            "- apiVersion: {}\n  kind: {kind}\n  metadata:\n    name: {name}\n    annotations:\n      config.kubernetes.io/index: '0'\n      config.kubernetes.io/path: '{path}'\n      internal.config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/path: '{path}'\n      config.k8s.io/id: '{}'\n",
            if kind == "Deployment" { "apps/v1" } else { "v1" },
            i + 1
        )
    };
    match i % 4 {
        0 => {
            meta("Deployment", &format!("app-{i}"))
                + &format!(
                    "  spec:\n    replicas: 3\n    selector:\n      matchLabels:\n        app: app-{i}\n    template:\n      metadata:\n        labels:\n          app: app-{i}\n      spec:\n        containers:\n        - name: main # the app\n          image: registry.example.com/app-{i}:1.2.3\n          args: [\"--port\", \"8080\"]\n          env:\n          - name: MODE\n            value: \"on\"\n          - name: PERMS\n            value: '0755'\n"
                )
        }
        1 => {
            meta("Service", &format!("app-{i}"))
                + &format!(
                    "  spec:\n    selector:\n      app: app-{i}\n    ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n    - name: grpc\n      port: 9090\n"
                )
        }
        2 => {
            meta("ConfigMap", &format!("cfg-{i}"))
                + "  data:\n    script: |\n      #!/bin/sh\n      echo hello\n    version: \"1.10\"\n    text: >\n      folded\n      text\n"
        }
        _ => meta("Secret", &format!("sec-{i}")) + &format!("  type: Opaque\n  stringData:\n    password: \"pässwörd-{i}\"\n"),
    }
}

fn networking_input(i: usize) -> String {
    let path = format!("net/networking-{i}.yaml");
    format!(
        "- apiVersion: krm.lummo.com/v1\n  kind: LummoNetworking\n  metadata:\n    name: net-{i}\n    annotations:\n      config.kubernetes.io/index: '0'\n      config.kubernetes.io/path: '{path}'\n      internal.config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/path: '{path}'\n  spec:\n    app: app-{i}\n    grpc: true\n    domains: [a{i}.example.com, b{i}.example.com]\n    routes:\n    - match: Path(`/a`)\n      vpn: true\n    - match: PathPrefix(`/b`)\n"
    )
}

fn workload_input(i: usize) -> String {
    let path = format!("wl/workload-{i}.yaml");
    format!(
        "- apiVersion: krm.lummo.com/v1\n  kind: LummoDeployment\n  metadata:\n    name: wl-{i}\n    annotations:\n      config.kubernetes.io/index: '0'\n      config.kubernetes.io/path: '{path}'\n      internal.config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/path: '{path}'\n  spec:\n    part-of: bench\n    app: wl-{i}\n    env: prod\n    replicas: 3\n    containers:\n      image: registry.example.com/wl-{i}:1.0.{i}\n      ports: {{http: 8080, grpc: 9090}}\n      configs: [wl-{i}]\n      secrets: [{{vault: apps/wl-{i}/creds}}]\n      resources: {{cpu: 100m, memory: 128Mi}}\n      probes: {{readiness: {{http: /healthz}}}}\n    strategy:\n      analysis: {{datadog: {{operation: http.request, errorRPM: 1}}}}\n"
    )
}

/// Writes the ResourceList and the same resources as a kpt package (one file each).
fn write_inputs(dir: &Path, count: usize) -> Result<usize> {
    // Only this benchmark's files: the tree benchmark's trees and report sit beside them.
    let package = dir.join("pkg");
    let _ = std::fs::remove_dir_all(&package);
    std::fs::create_dir_all(&package).map_err(|e| e.to_string())?;
    std::fs::write(package.join("Kptfile"), "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n")
        .map_err(|e| e.to_string())?;
    let mut list = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    let inputs = (count / 200).max(1);
    let documents: Vec<(String, String)> = (0..count - 2 * inputs)
        .map(|i| (format!("{:03}/res-{i}.yaml", i / 100), resource(i)))
        .chain((0..inputs).map(|i| (format!("net/networking-{i}.yaml"), networking_input(i))))
        .chain((0..inputs).map(|i| (format!("wl/workload-{i}.yaml"), workload_input(i))))
        .collect();
    for (path, item) in &documents {
        list.push_str(item);
        // The package file: the item without its `- ` and the annotations kpt adds itself.
        let file: String = item
            .lines()
            .filter(|l| !l.contains("config.kubernetes.io/") && !l.contains("config.k8s.io/id"))
            .map(|l| format!("{}\n", l.get(2..).unwrap_or("")))
            .collect::<String>()
            .replace("    annotations:\n", "");
        write_file(&package.join(path), &file)?;
    }
    std::fs::write(dir.join("input.yaml"), &list).map_err(|e| e.to_string())?;
    Ok(list.len())
}

fn list_bench(count: usize) -> Result {
    let dir = root().join("target/bench");
    let bytes = write_inputs(&dir, count)?;
    let input = dir.join("input.yaml");
    let cat = measure(RUNS, &mut Command::new("cat"), Some(&input))?;
    let kpt = measure(RUNS, Command::new("kpt").args(["fn", "source"]).arg(dir.join("pkg")), None)?;
    let functions: Vec<(String, Measure)> = ["networking", "workloads"]
        .into_iter()
        .map(|name| Ok((name.to_string(), measure(RUNS, &mut Command::new(release_dir().join(name)), Some(&input))?)))
        .collect::<Result<_>>()?;

    let mut report = String::new();
    let per_function = count / 200;
    let _ = writeln!(
        report,
        "input: {count} resources ({per_function} inputs per function), {:.2} MB ResourceList; median of {RUNS} runs, peak RSS the largest",
        bytes as f64 / 1e6
    );
    let _ = writeln!(report, "{:<28} {:>10} {:>12}", "", "wall", "peak RSS");
    let rows =
        [("cat (copy only)", &cat), ("kpt fn source (kpt I/O)", &kpt)].into_iter().chain(functions.iter().map(|(n, m)| (n.as_str(), m)));
    for (name, m) in rows {
        let _ = writeln!(report, "{name:<28} {:>8.1}ms {:>9.1}MiB", ms(m), mib(m));
    }
    for (name, m) in &functions {
        let _ = writeln!(
            report,
            "{name}: / kpt fn source time {:.3}, memory {:.3}; / cat time {:.0}x, memory {:.1}x; peak RSS / input size {:.1}x",
            ms(m) / ms(&kpt),
            mib(m) / mib(&kpt),
            ms(m) / ms(&cat),
            mib(m) / mib(&cat),
            mib(m) * 1024.0 * 1024.0 / bytes as f64
        );
    }
    publish(&report, "report.txt")
}

// ---- The tree benchmark ---------------------------------------------------------------------

const KPTFILE: &str = "apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: bench
  annotations:
    config.kubernetes.io/local-config: \"true\"
pipeline:
  mutators:
  - exec: workloads
  - exec: networking
";

/// A server as teams write it: canary with Datadog analysis, a metrics sidecar, a ConfigMap
/// and a Vault secret as environment.
fn app_deployment(i: usize) -> String {
    format!(
        "apiVersion: krm.lummo.com/v1
kind: LummoDeployment
metadata:
  name: app-{i}
spec:
  part-of: bench
  app: app-{i}
  env: prod
  containers:
  - image: registry.example.com/app-{i}:1.4.{i}
    ports: {{http: 8080, grpc: 9090}}
    configs: [app-{i}-config]
    secrets:
    - vault: apps/app-{i}/creds
    env:
      LOG_LEVEL: info
      WORKERS: 4
    resources: {{cpu: 100m, memory: 128Mi}}
    probes:
      readiness: {{http: /healthz}}
      liveness: {{tcp: http}}
  - name: metrics-exporter
    image: registry.example.com/metrics-exporter:0.9.1
    ports: {{metrics: 9102}}
    resources: {{cpu: 100m, memory: 128Mi}}
    probes:
      readiness: {{tcp: metrics}}
  strategy:
    analysis:
      datadog: {{operation: http.request, errorRPM: 5, p95latency: 500ms}}
"
    )
}

fn app_networking(i: usize) -> String {
    format!(
        "apiVersion: krm.lummo.com/v1
kind: LummoNetworking
metadata:
  name: app-{i}
spec:
  app: app-{i}
  part-of: bench
  domains: [app-{i}.example.com]
  routes:
  - match: Path(`/`)
  - match: PathPrefix(`/api`)
  - match: PathPrefix(`/admin`)
    vpn: true
"
    )
}

/// Hand-written, so passed through byte for byte: a comment, a quoted '0755', a block scalar.
fn app_configmap(i: usize) -> String {
    format!(
        "# Settings of app-{i}, read as environment.
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
  labels:
    app: app-{i}
data:
  LISTEN_ADDR: \":8080\"
  UMASK: '0755'   # octal, kept a string
  FEATURE_NEW_CHECKOUT: \"on\"
  STARTUP_SCRIPT: |
    #!/bin/sh
    exec /app/server --workers \"$WORKERS\"
"
    )
}

/// Writes the package of `apps` apps at `package` and returns its size in bytes.
fn write_tree(package: &Path, apps: usize) -> Result<usize> {
    let _ = std::fs::remove_dir_all(package);
    write_file(&package.join("Kptfile"), KPTFILE)?;
    let mut bytes = KPTFILE.len();
    for i in 0..apps {
        let app = package.join(format!("apps/app-{i}"));
        for (file, text) in
            [("deployment.yaml", app_deployment(i)), ("networking.yaml", app_networking(i)), ("configmap.yaml", app_configmap(i))]
        {
            write_file(&app.join(file), &text)?;
            bytes += text.len();
        }
    }
    Ok(bytes)
}

/// `kpt fn render` in place, or printing the rendered package (`-o stdout`, files untouched).
fn kpt_render(package: &Path, stdout: bool) -> Command {
    let mut command = Command::new("kpt");
    command.args(["fn", "render", "--allow-exec", "--truncate-output=false"]);
    command.args(if stdout { ["-o", "stdout"].as_slice() } else { &[] }).arg(package).env("PATH", path_with_binaries());
    command
}

fn lummo_render(lummo: &Path, package: &Path, in_place: bool) -> Command {
    let mut command = Command::new(lummo);
    command.arg("render").args(in_place.then_some("--in-place")).arg(package);
    command
}

/// Runs `command` untimed, keeping its output: a failure is an error carrying its messages.
fn checked(command: &mut Command) -> Result<String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| format!("{command:?}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("{command:?} failed ({}):\n{stderr}", output.status));
    }
    Ok(stderr)
}

/// Renders a copy with kpt once, untimed, and validates it, so that the timed runs measure a
/// render that works. Returns the notes for the report (warnings of the functions).
fn check_kpt_render(tree: &Path, rendered: &Path) -> Result<Vec<String>> {
    let _ = std::fs::remove_dir_all(rendered);
    crate::copy_dir(tree, rendered)?;
    let stderr = checked(&mut kpt_render(rendered, false))?;
    let mut notes: Vec<String> = stderr.lines().filter(|l| l.contains("warning")).take(5).map(|l| format!("kpt: {}", l.trim())).collect();
    checked(crate::validator().arg(rendered))?;
    notes.push("lummo validate: kpt's render is valid".into());
    Ok(notes)
}

/// The same resources as one ResourceList, for the `cat | workloads | networking` reference.
fn source_resource_list(tree: &Path, list: &Path) -> Result {
    let file = std::fs::File::create(list).map_err(|e| format!("{}: {e}", list.display()))?;
    let status = Command::new("kpt").args(["fn", "source"]).arg(tree).stdout(file).status().map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err(format!("kpt fn source {} failed ({status})", tree.display())) }
}

/// The functions without kpt: what the two processes cost on a ResourceList built beforehand.
fn pipe_command(list: &Path) -> Command {
    let mut command = Command::new("sh");
    let (workloads, networking) = (release_dir().join("workloads"), release_dir().join("networking"));
    command.args(["-c", "\"$1\" < \"$3\" | \"$2\"", "sh"]).arg(workloads).arg(networking).arg(list);
    command
}

/// Creating the rendered files costs the same whoever renders: on a busy virtual disk it can
/// dominate an in-place render, so it is measured as a floor (like `cat` for one function).
fn copy_floor(dir: &Path, runs: usize) -> Result<Measure> {
    let rendered = dir.join("rendered-kpt");
    measure_on_copies(runs, &rendered, &dir.join("run"), |scratch| {
        let mut command = Command::new("cp");
        command.arg("-r").arg(&rendered).arg(scratch.join("copy"));
        command
    })
}

/// Relative paths of the yaml files that differ between two renders (or exist in one only).
fn differing_files(a: &Path, b: &Path) -> Vec<String> {
    let relative = |root: &Path| {
        let mut files = Vec::new();
        crate::collect_yaml(root, &mut files);
        files.into_iter().map(|f| f.strip_prefix(root).expect("inside").to_path_buf()).collect::<std::collections::BTreeSet<_>>()
    };
    let (in_a, in_b) = (relative(a), relative(b));
    in_a.union(&in_b)
        .filter(|f| std::fs::read(a.join(f)).ok().zip(std::fs::read(b.join(f)).ok()).is_none_or(|(x, y)| x != y))
        .map(|f| f.display().to_string())
        .collect()
}

struct Row {
    name: &'static str,
    runs: usize,
    measure: Measure,
    /// The kpt row this one is compared with (the same job: printing, or writing the files).
    against: &'static str,
}

const KPT_STDOUT: &str = "kpt fn render -o stdout";
const KPT_IN_PLACE: &str = "kpt fn render (in place)";

/// lummo's rows: a checked run first (its output compared with kpt's), then the timed ones.
fn lummo_rows(lummo: &Path, tree: &Path, dir: &Path, runs: usize, notes: &mut Vec<String>) -> Result<Vec<Row>> {
    let rendered = dir.join("rendered-lummo");
    let _ = std::fs::remove_dir_all(&rendered);
    crate::copy_dir(tree, &rendered)?;
    checked(&mut lummo_render(lummo, &rendered, true))?;
    let differ = differing_files(&dir.join("rendered-kpt"), &rendered);
    notes.push(match differ.as_slice() {
        [] => "lummo render --in-place writes the same files as kpt fn render".into(),
        [first, ..] => format!(
            "lummo render --in-place: {} files are formatted unlike kpt's (e.g. {first}); the objects are equal (tests/equal_to_kpt.rs)",
            differ.len()
        ),
    });
    let in_place = measure_on_copies(runs, tree, &dir.join("run"), |copy| lummo_render(lummo, copy, true))?;
    let stdout = measure(runs, &mut lummo_render(lummo, tree, false), None)?;
    Ok(vec![
        Row { name: "lummo render > /dev/null", runs, measure: stdout, against: KPT_STDOUT },
        Row { name: "lummo render --in-place", runs, measure: in_place, against: KPT_IN_PLACE },
    ])
}

/// kpt's runs: fewer for big trees, where one render takes a minute or more. The other rows
/// take a small fraction of that and always get `RUNS` (`--quick`: 3).
fn kpt_runs(apps: usize, quick: bool) -> usize {
    match (quick, apps) {
        (false, ..=200) => RUNS,
        (false, ..=1000) | (true, ..=200) => 3,
        _ => 1,
    }
}

/// Measures one tree and appends its table to `report`; returns lummo's speed-ups over kpt
/// (printing the manifests, rendering in place).
fn tree_size(apps: usize, quick: bool, lummo: Option<&Path>, report: &mut String) -> Result<Option<(f64, f64)>> {
    let dir = root().join(format!("target/bench/tree-{apps}"));
    let tree = dir.join("pkg");
    let bytes = write_tree(&tree, apps)?;
    eprintln!("bench: tree of {apps} apps written to {}", tree.display());
    let mut notes = check_kpt_render(&tree, &dir.join("rendered-kpt"))?;
    let list = dir.join("resource-list.yaml");
    source_resource_list(&tree, &list)?;
    let (kpt_runs, runs) = (kpt_runs(apps, quick), if quick { 3 } else { RUNS });
    let mut rows = kpt_rows(&tree, &dir, kpt_runs)?;
    match lummo {
        None => {
            notes.push(format!("lummo not built (no {}): measured kpt and the reference pipe only", release_dir().join("lummo").display()))
        }
        Some(bin) => match lummo_rows(bin, &tree, &dir, runs, &mut notes) {
            Ok(measured) => rows.extend(measured),
            Err(e) => notes.push(format!("lummo failed, not measured: {}", e.lines().take(6).collect::<Vec<_>>().join("\n  "))),
        },
    }
    rows.push(Row {
        name: "workloads < list | networking",
        runs,
        measure: measure(runs, &mut pipe_command(&list), None)?,
        against: KPT_STDOUT,
    });
    rows.push(Row { name: "cp -r of kpt's render (fs floor)", runs, measure: copy_floor(&dir, runs)?, against: KPT_IN_PLACE });

    let mut outputs = Vec::new();
    crate::collect_yaml(&dir.join("rendered-kpt"), &mut outputs);
    let _ = writeln!(
        report,
        "\n{apps} apps: {} input files, {:.2} MB; kpt's render has {} yaml files; wall: median of the runs, peak RSS: the largest",
        3 * apps + 1,
        bytes as f64 / 1e6,
        outputs.len()
    );
    write_table(report, &rows);
    for note in notes {
        let _ = writeln!(report, "  {note}");
    }
    let speedup = |name: &str| {
        let row = rows.iter().find(|r| r.name == name)?;
        Some(ms(&baseline(&rows, row).measure) / ms(&row.measure))
    };
    Ok(speedup("lummo render > /dev/null").zip(speedup("lummo render --in-place")))
}

/// kpt's two rows: printing the rendered package (files untouched), and rendering in place
/// (a fresh copy per run).
fn kpt_rows(tree: &Path, dir: &Path, runs: usize) -> Result<Vec<Row>> {
    let stdout = measure(runs, &mut kpt_render(tree, true), None)?;
    let in_place = measure_on_copies(runs, tree, &dir.join("run"), |copy| kpt_render(copy, false))?;
    Ok(vec![
        Row { name: KPT_STDOUT, runs, measure: stdout, against: KPT_STDOUT },
        Row { name: KPT_IN_PLACE, runs, measure: in_place, against: KPT_IN_PLACE },
    ])
}

fn baseline<'a>(rows: &'a [Row], row: &Row) -> &'a Row {
    rows.iter().find(|r| r.name == row.against).expect("kpt's rows come first")
}

fn write_table(report: &mut String, rows: &[Row]) {
    let _ = writeln!(
        report,
        "  {:<34} {:>4} {:>11} {:>11} {:>12} {:>12}  compared with",
        "", "runs", "wall", "peak RSS", "kpt/row time", "kpt/row RSS"
    );
    for row @ Row { name, runs, measure: m, against } in rows {
        let kpt = &baseline(rows, row).measure;
        let (speed, memory) = (ms(kpt) / ms(m), mib(kpt) / mib(m));
        let _ = writeln!(report, "  {name:<34} {runs:>4} {:>9.1}ms {:>8.1}MiB {speed:>11.1}x {memory:>11.1}x  {against}", ms(m), mib(m));
    }
}

fn tree_bench(sizes: &[usize], quick: bool, lummo: Option<&Path>) -> Result {
    let mut report = String::from(
        "tree benchmark: `kpt fn render --allow-exec` (exec: workloads, exec: networking) against `lummo render`, each printing\n\
         the manifests (kpt: -o stdout) and each rendering in place (a fresh copy per run)\n\
         peak RSS: ru_maxrss of the waited child, which includes the descendants it reaped as the largest single process\n\
         (kpt's row is max(kpt, workloads, networking), the pipe's the largest stage), never a sum\n",
    );
    let mut bar = None;
    for &apps in sizes {
        let speedup = tree_size(apps, quick, lummo, &mut report)?;
        if apps == BAR_APPS {
            bar = Some(speedup);
        }
    }
    let verdict = match bar {
        None => format!("not measured (no {BAR_APPS}-app tree in this run)"),
        Some(None) => "not measured (lummo not built or failed)".into(),
        Some(Some((printing, in_place))) => format!(
            "{} ({printing:.1}x); in place {in_place:.1}x, bounded by creating the files (see the fs floor row)",
            if printing >= BAR_SPEEDUP { "PASS" } else { "FAIL" }
        ),
    };
    let _ = writeln!(report, "\nbar: lummo render at least {BAR_SPEEDUP:.0}x faster than kpt fn render at {BAR_APPS} apps: {verdict}");
    publish(&report, "tree-report.txt")
}
