//! End to end: the built `networking` binary through kpt, kubectl kustomize and standalone runs,
//! as users run it. Needs `kpt` and `kubectl` on PATH.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lummo_testing::{check_tree, copy_dir, kpt_render_ok, read_tree, run_ok, scratch, validate_dir};

const BIN: &str = env!("CARGO_BIN_EXE_networking");
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn repo() -> PathBuf {
    Path::new(MANIFEST_DIR).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(MANIFEST_DIR).join("tests/e2e").join(name)
}

fn render_ok(dir: &Path) {
    kpt_render_ok(BIN, dir);
}

#[test]
fn kpt_render_of_the_example_is_exact_valid_idempotent_and_prunes() {
    let dir = scratch("render").join("networking");
    copy_dir(&repo().join("Kptfile.examples/networking"), &dir);
    render_ok(&dir);
    check_tree(&dir, &fixture("example-rendered"));
    validate_dir(&dir);

    let first = read_tree(&dir);
    render_ok(&dir);
    assert_eq!(read_tree(&dir), first, "a second render changed files");

    // Removing a route removes its rule; removing the input removes everything it generated.
    let input = dir.join("networking.yaml");
    let text = std::fs::read_to_string(&input).unwrap();
    std::fs::write(&input, text.replace("  - match: Path(`/world`)\n", "")).unwrap();
    render_ok(&dir);
    let https = std::fs::read_to_string(dir.join("ingressroute_test-https.yaml")).unwrap();
    assert!(https.contains("/hello") && !https.contains("/world"), "{https}");

    std::fs::remove_file(&input).unwrap();
    render_ok(&dir);
    let left: Vec<String> = read_tree(&dir).into_keys().collect();
    assert_eq!(left, ["Kptfile", "app/deployment.yaml", "app/service.yaml"]);
    let originals = read_tree(&repo().join("Kptfile.examples/networking"));
    assert_eq!(read_tree(&dir)["app/service.yaml"], originals["app/service.yaml"]);
}

#[test]
fn untouched_files_are_byte_identical_to_a_cat_pipeline() {
    let root = scratch("passthrough");
    let (ours, cat) = (root.join("ours"), root.join("cat"));
    for (dir, function) in [(&ours, "networking"), (&cat, "cat")] {
        copy_dir(&fixture("passthrough-corpus"), dir);
        let kptfile = dir.join("Kptfile");
        let text = std::fs::read_to_string(&kptfile).unwrap().replace("FUNCTION", function);
        std::fs::write(&kptfile, text).unwrap();
        render_ok(dir);
    }
    let (ours, cat) = (read_tree(&ours), read_tree(&cat));
    for (path, text) in &cat {
        if path != "Kptfile" {
            assert!(ours.get(path) == Some(text), "{path} differs from what a cat pipeline leaves:\n{:?}", ours.get(path));
        }
    }
    let generated: Vec<&String> = ours.keys().filter(|p| !cat.contains_key(*p)).collect();
    assert_eq!(
        generated,
        [
            "certificate_corpus.yaml",
            "ingressroute_corpus-http.yaml",
            "ingressroute_corpus-https.yaml",
            "middleware_corpus-redirect-https.yaml"
        ]
    );
}

#[test]
fn kpt_fn_eval_exec_with_and_without_fn_config() {
    let dir = scratch("eval").join("pkg");
    copy_dir(&repo().join("Kptfile.examples/networking"), &dir);
    let eval = |extra: &[&str]| {
        Command::new("kpt").args(["fn", "eval", "--exec", BIN, "--truncate-output=false"]).arg(&dir).args(extra).output().unwrap()
    };
    let output = eval(&[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.join("ingressroute_test-https.yaml").exists());
    validate_dir(&dir);

    // The input given as --fn-config only (not in the package): counted once, outputs land in
    // the package root.
    let config = dir.parent().unwrap().join("other.yaml");
    std::fs::write(
        &config,
        "apiVersion: krm.lummo.com/v1\nkind: LummoNetworking\nmetadata: {name: other}\nspec: {app: test-server, grpc: true}\n",
    )
    .unwrap();
    let output = eval(&["--fn-config", config.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.join("ingressroute_other-grpc.yaml").exists());
    assert!(dir.join("ingressroute_test-https.yaml").exists(), "outputs of the package's own input stay");

    // A bad input fails the run and names the file and field.
    std::fs::write(dir.join("networking.yaml"), "apiVersion: krm.lummo.com/v1\nkind: LummoNetworking\nmetadata: {name: test}\nspec: {app: test-server, domains: [a.test.com], routes: [{match: 'Path(`/a`', vpn: true}]}\n").unwrap();
    let output = eval(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("spec.routes[0].match") && stderr.contains(r#"at character 10: expected "," or ")", got the end of the rule"#),
        "{stderr}"
    );
}

#[test]
fn kubectl_kustomize_runs_it_as_a_legacy_exec_plugin() {
    let root = scratch("kustomize");
    let plugin_dir = root.join("xdg/kustomize/plugin/krm.lummo.com/v1/lummonetworking");
    std::fs::create_dir_all(&plugin_dir).unwrap();
    std::fs::copy(BIN, plugin_dir.join("LummoNetworking")).unwrap();
    let build = |role: &str| {
        let dir = root.join(role);
        copy_dir(&fixture("kustomize"), &dir);
        std::fs::write(dir.join("kustomization.yaml"), format!("resources:\n- service.yaml\n{role}:\n- networking.yaml\n")).unwrap();
        let out = run_ok(
            Command::new("kubectl").args(["kustomize", "--enable-alpha-plugins"]).arg(&dir).env("XDG_CONFIG_HOME", root.join("xdg")),
        );
        let rendered = root.join(format!("{role}-out"));
        std::fs::create_dir_all(&rendered).unwrap();
        std::fs::write(rendered.join("all.yaml"), &out).unwrap();
        validate_dir(&rendered);
        out
    };
    for role in ["generators", "transformers"] {
        let out = build(role);
        for expected in
            ["kind: Service", "name: test-https", "name: test-http", "name: test-grpc", "name: test-redirect-https", "kind: Certificate"]
        {
            assert!(out.contains(expected), "{role}: no {expected:?} in\n{out}");
        }
        assert!(!out.contains("LummoNetworking\n"), "the input must not reach the output");
    }
}

#[test]
fn standalone_prints_a_stream_and_help_and_version_work() {
    let config = fixture("kustomize/networking.yaml");
    let out = run_ok(Command::new(BIN).arg(&config).arg(fixture("kustomize/service.yaml")));
    assert!(out.starts_with("# Written by hand"), "the Service passes through first:\n{out}");
    assert_eq!(out.matches("\n---\n").count(), 5);
    let dir = scratch("standalone");
    std::fs::write(dir.join("out.yaml"), &out).unwrap();
    validate_dir(&dir);

    let help = run_ok(Command::new(BIN).arg("--help"));
    assert!(help.starts_with("# networking") && help.contains("usage: networking"));
    assert_eq!(run_ok(Command::new(BIN).arg("--version")), format!("networking {}\n", env!("CARGO_PKG_VERSION")));
}

/// Runs the binary on hostile stdin: it must exit 1 with `message` on stderr, quickly.
fn assert_refused(stdin: &[u8], message: &str) {
    let started = Instant::now();
    let mut child = Command::new(BIN).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{message}: {stderr}");
    assert!(stderr.contains(message), "expected {message:?} in {stderr}");
    assert!(started.elapsed() < Duration::from_secs(10), "{message}: took {:?}", started.elapsed());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("severity: error"), "results on stdout for kpt: {stdout}");
}

#[test]
fn hostile_input_is_refused_quickly_with_exit_code_1() {
    let list = |items: &str| format!("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{items}");
    assert_refused(b"items: [\n", "input is not valid YAML");
    assert_refused(b"kind: ResourceList\nitems:\n- kind: \"\xff\xfe\"\n", "input is not valid UTF-8: invalid byte at offset 35 (line 3)");
    assert_refused(list("- kind: A\n  kind: B\n").as_bytes(), "duplicate mapping key \"kind\"");
    assert_refused(list("- 42\n").as_bytes(), "items[0]: expected a mapping (a Kubernetes resource), got an integer");
    let bomb: String =
        (1..12).map(|i| format!("  l{i}: &l{i} [*l{p},*l{p},*l{p},*l{p},*l{p},*l{p},*l{p},*l{p},*l{p}]\n", p = i - 1)).collect();
    assert_refused(list(&format!("- kind: Bomb\n  l0: &l0 [x]\n{bomb}")).as_bytes(), "alias bomb");
    let deep = format!("- kind: Deep\n  x: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_refused(list(&deep).as_bytes(), "input is not valid YAML");
    let deep_block: String = (0..5_000).map(|i| format!("{}k:\n", " ".repeat(i + 2))).collect();
    assert_refused(list(&format!("- kind: Deep\n{deep_block}")).as_bytes(), "nesting deeper than 200 levels");
    assert_refused(b"", "expected a ResourceList");
}
