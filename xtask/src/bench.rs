//! `cargo xtask bench [resources]`: speed and peak memory of a function, stated as ratios
//! against baselines measured in the same run on the same input, so the figures mean the same
//! on any machine:
//! - `cat`, which copies the ResourceList and does nothing else (the floor of any function);
//! - `kpt fn source` of the same resources as a package: kpt's own read and write, which every
//!   `kpt fn render` pays anyway.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Result, root};

const RUNS: usize = 5;

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
fn measure(command: &mut Command, input: Option<&Path>) -> Result<Measure> {
    let mut runs: Vec<Measure> = (0..RUNS).map(|_| measure_once(command, input)).collect::<Result<_>>()?;
    runs.sort_by_key(|m| m.wall);
    let max_rss_kib = runs.iter().map(|m| m.max_rss_kib).max().unwrap_or(0);
    Ok(Measure { wall: runs[RUNS / 2].wall, max_rss_kib })
}

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
    let _ = std::fs::remove_dir_all(dir);
    let package = dir.join("pkg");
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
        let target = package.join(path);
        std::fs::create_dir_all(target.parent().expect("nested")).map_err(|e| e.to_string())?;
        std::fs::write(&target, file).map_err(|e| e.to_string())?;
    }
    std::fs::write(dir.join("input.yaml"), &list).map_err(|e| e.to_string())?;
    Ok(list.len())
}

pub fn run(args: &[String]) -> Result {
    let count: usize = args.first().map_or(Ok(4000), |a| a.parse()).map_err(|_| "bench takes a number of resources")?;
    run_cargo_build()?;
    let dir = root().join("target/bench");
    let bytes = write_inputs(&dir, count)?;
    let input = dir.join("input.yaml");
    let cat = measure(&mut Command::new("cat"), Some(&input))?;
    let kpt = measure(Command::new("kpt").args(["fn", "source"]).arg(dir.join("pkg")), None)?;
    let functions: Vec<(String, Measure)> = ["networking", "workloads"]
        .into_iter()
        .map(|name| Ok((name.to_string(), measure(&mut Command::new(root().join("target/release").join(name)), Some(&input))?)))
        .collect::<Result<_>>()?;

    let ms = |m: &Measure| m.wall.as_secs_f64() * 1e3;
    let mib = |m: &Measure| m.max_rss_kib as f64 / 1024.0;
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
    print!("{report}");
    std::fs::write(dir.join("report.txt"), report).map_err(|e| e.to_string())?;
    Ok(())
}

fn run_cargo_build() -> Result {
    crate::run(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).current_dir(root()).args([
        "build",
        "--release",
        "--bins",
    ]))
}
