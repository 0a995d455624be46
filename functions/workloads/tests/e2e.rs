//! End to end: the built `workloads` binary through kpt (together with `networking`, as the
//! example package chains them), kubectl kustomize and standalone runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use lummo_testing::{check_tree, copy_dir, kpt_render_ok, read_tree, run_ok, scratch, validate_dir};

const BIN: &str = env!("CARGO_BIN_EXE_workloads");
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn fixture(name: &str) -> PathBuf {
    Path::new(MANIFEST_DIR).join("tests/e2e").join(name)
}

fn render_ok(dir: &Path) {
    let networking = Path::new(BIN).with_file_name("networking");
    assert!(networking.exists(), "the example chains networking: build the workspace (cargo test --workspace)");
    kpt_render_ok(BIN, dir);
}

fn generated(dir: &Path) -> Vec<String> {
    read_tree(dir).into_iter().filter(|(_, text)| text.contains("krm.lummo.com/generated-by")).map(|(path, _)| path).collect()
}

#[test]
fn kpt_render_with_networking_is_exact_valid_idempotent_and_prunes() {
    let dir = scratch("render").join("workloads-networking");
    copy_dir(&Path::new(MANIFEST_DIR).join("../../Kptfile.examples/workloads-networking"), &dir);
    render_ok(&dir);
    check_tree(&dir, &fixture("example-rendered"));
    validate_dir(&dir);
    let first = read_tree(&dir);
    render_ok(&dir);
    assert_eq!(read_tree(&dir), first, "a second render changed files");

    // Without the server, its Rollout, Service, budget and analysis go; the jobs still need
    // the Vault secret, so it stays.
    std::fs::remove_file(dir.join("server.yaml")).unwrap();
    render_ok(&dir);
    let left = generated(&dir);
    for gone in [
        "rollout_test-server.yaml",
        "service_test-server.yaml",
        "poddisruptionbudget_test-server.yaml",
        "analysistemplate_test-server-error-rate.yaml",
    ] {
        assert!(!left.contains(&gone.to_string()), "{gone} should be gone: {left:?}");
    }
    assert!(left.contains(&"externalsecret_test-server-postgres-creds.yaml".to_string()), "{left:?}");

    std::fs::remove_file(dir.join("jobs.yaml")).unwrap();
    render_ok(&dir);
    let workloads_outputs: Vec<String> =
        read_tree(&dir).into_iter().filter(|(_, text)| text.contains("generated-by: workloads")).map(|(path, _)| path).collect();
    assert!(workloads_outputs.is_empty(), "{workloads_outputs:?}");
}

#[test]
fn kubectl_kustomize_runs_it_as_a_transformer_with_templates_among_the_resources() {
    let root = scratch("kustomize");
    let plugin_dir = root.join("xdg/kustomize/plugin/krm.lummo.com/v1/lummodeployment");
    std::fs::create_dir_all(&plugin_dir).unwrap();
    std::fs::copy(BIN, plugin_dir.join("LummoDeployment")).unwrap();
    let dir = root.join("app");
    copy_dir(&fixture("kustomize"), &dir);
    let out =
        run_ok(Command::new("kubectl").args(["kustomize", "--enable-alpha-plugins"]).arg(&dir).env("XDG_CONFIG_HOME", root.join("xdg")));
    for expected in [
        "kind: Deployment",
        "kind: Service",
        "kind: ExternalSecret",
        "image: registry.example.com/web:3.1.0",
        "- name: LOG_LEVEL",
        "service.example.com/tier: frontend",
    ] {
        assert!(out.contains(expected), "no {expected:?} in\n{out}");
    }
    assert!(!out.contains("kind: LummoContainer"), "templates are local config and never reach the output");
    let rendered = root.join("out");
    std::fs::create_dir_all(&rendered).unwrap();
    std::fs::write(rendered.join("all.yaml"), &out).unwrap();
    validate_dir(&rendered);
}

#[test]
fn standalone_reads_templates_and_workloads_from_one_config_file() {
    let out = run_ok(Command::new(BIN).arg(fixture("standalone.yaml")));
    assert!(out.contains("kind: CronJob") && out.contains("schedule: \"@hourly\""), "{out}");
    assert!(out.contains("command:\n            - sweep"), "the job's command from its own spec:\n{out}");
    let dir = scratch("standalone");
    std::fs::write(dir.join("out.yaml"), &out).unwrap();
    validate_dir(&dir);
}
