//! `spec.patches` through the whole pipeline: a later function sees the patched object, a
//! render in place is idempotent with patches, and taking a patch out takes its change out.

use std::path::Path;
use std::process::{Command, Output};

use lummo_testing::{copy_dir, read_tree, scratch};

const LUMMO: &str = env!("CARGO_BIN_EXE_lummo");

fn lummo(args: &[&str]) -> Output {
    Command::new(LUMMO).args(args).output().unwrap()
}

fn package(name: &str) -> std::path::PathBuf {
    let dir = scratch(name).join("pkg");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Kptfile.examples/workloads-networking"), &dir);
    dir
}

fn add_patch(dir: &Path, patch: &str) {
    let server = dir.join("server.yaml");
    let text = std::fs::read_to_string(&server).unwrap();
    assert!(text.contains("  patches:\n"), "the example has patches");
    std::fs::write(&server, text + patch).unwrap();
}

#[test]
fn networking_checks_the_patched_service() {
    let dir = package("patched-port");
    add_patch(
        &dir,
        "  - target: {kind: Service, name: test-server}\n    patch:\n    - {op: replace, path: /spec/ports/1/name, value: web}\n",
    );
    let output = lummo(&["render", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("LummoNetworking/test: spec.routes: Service \"test-server\" has no port named \"http\" (its ports: [grpc, web])"),
        "{stderr}"
    );
}

#[test]
fn patched_renders_in_place_are_idempotent_and_a_removed_patch_is_undone() {
    let dir = package("in-place");
    let path = dir.to_str().unwrap();
    let unpatched_server = std::fs::read_to_string(dir.join("server.yaml")).unwrap();
    assert!(lummo(&["render", "--in-place", path]).status.success());
    let once = read_tree(&dir);
    assert!(once["service_test-server.yaml"].contains("cloud.google.com/neg"), "the patch is applied");
    assert!(lummo(&["render", "--in-place", path]).status.success());
    assert_eq!(read_tree(&dir), once, "a second render in place changed files");

    // Without its patches, the Service is as workloads makes it.
    let without: String = unpatched_server.split("  # The escape hatch").next().unwrap().to_string();
    std::fs::write(dir.join("server.yaml"), &without).unwrap();
    assert!(lummo(&["render", "--in-place", path]).status.success());
    let after = read_tree(&dir);
    assert!(!after["service_test-server.yaml"].contains("cloud.google.com/neg"), "{}", after["service_test-server.yaml"]);
    assert!(!after["rollout_test-server.yaml"].contains("terminationGracePeriodSeconds"));
}
