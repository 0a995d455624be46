//! `lummo diff` on a scratch git repository: what a change shows, what it never shows, its exit
//! codes, and that it leaves the working tree as it found it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lummo_testing::{copy_dir, read_tree, scratch};

const LUMMO: &str = env!("CARGO_BIN_EXE_lummo");

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Kptfile.examples")
}

fn git(repo: &Path, args: &[&str]) -> String {
    let output = Command::new("git").arg("-C").arg(repo).args(args).output().unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A repository with the networking example at `net/` and a plain server at `web/`, committed.
fn repository(name: &str) -> PathBuf {
    let repo = scratch(name).join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "user.email", "test@example.com"]);
    git(&repo, &["config", "user.name", "test"]);
    copy_dir(&examples().join("networking"), &repo.join("net"));
    std::fs::create_dir_all(repo.join("web")).unwrap();
    std::fs::write(repo.join("web/Kptfile"), "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: web\n").unwrap();
    std::fs::write(repo.join("web/web.yaml"), WEB).unwrap();
    commit(&repo, "first");
    repo
}

const WEB: &str = "apiVersion: krm.lummo.com/v1
kind: LummoDeployment
metadata:
  name: web # comments never show as changes
spec:
  part-of: shop
  app: web
  containers:
    image: registry.example.com/web:1.0.0
    ports: {http: 8080}
    resources: {cpu: 100m, memory: 128Mi}
    probes: {readiness: {http: /ready}}
";

fn commit(repo: &Path, message: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
}

fn diff(repo: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let Output { status, stdout, stderr } = Command::new(LUMMO).arg("diff").args(args).current_dir(repo).output().unwrap();
    (status.code(), String::from_utf8_lossy(&stdout).into_owned(), String::from_utf8_lossy(&stderr).into_owned())
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn no_change_exits_0_and_the_working_tree_is_untouched() {
    let repo = repository("diff-none");
    edit(&repo.join("web/web.yaml"), "# comments never show as changes", "# a comment, and keys in another order");
    edit(&repo.join("web/web.yaml"), "  part-of: shop\n  app: web\n", "  app: web\n  part-of: shop\n");
    let files = |repo: &Path| (read_tree(&repo.join("web")), read_tree(&repo.join("net")));
    let (status_before, files_before) = (git(&repo, &["status", "--porcelain"]), files(&repo));
    let (code, stdout, stderr) = diff(&repo, &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "lummo diff: no change in 2 package(s)\n");
    assert_eq!((git(&repo, &["status", "--porcelain"]), files(&repo)), (status_before, files_before));
}

#[test]
fn an_image_change_shows_the_image_line_only() {
    let repo = repository("diff-image");
    edit(&repo.join("web/web.yaml"), "web:1.0.0", "web:1.1.0");
    let (code, stdout, _) = diff(&repo, &["HEAD", "web"]);
    assert_eq!(code, Some(1));
    let expected_header = "web (HEAD → working tree)\n~ Deployment/web\n--- HEAD\n+++ working tree\n@@ ";
    assert!(stdout.starts_with(expected_header), "{stdout}");
    let changed: Vec<&str> =
        stdout.lines().filter(|l| (l.starts_with('-') || l.starts_with('+')) && !l.starts_with("---") && !l.starts_with("+++")).collect();
    assert_eq!(changed, ["-      - image: registry.example.com/web:1.0.0", "+      - image: registry.example.com/web:1.1.0"], "{stdout}");
    assert!(stdout.ends_with("lummo diff: 0 added, 0 removed, 1 changed in 1 package(s)\n"), "{stdout}");
    assert_eq!(diff(&repo, &["--exit-zero", "web"]).0, Some(0));
}

#[test]
fn a_new_route_is_one_ingressroute_change_and_markdown_summarises_it() {
    let repo = repository("diff-route");
    let networking = repo.join("net/networking.yaml");
    std::fs::write(&networking, std::fs::read_to_string(&networking).unwrap() + "  - match: Path(`/new`)\n").unwrap();
    let (code, stdout, _) = diff(&repo, &["--output", "markdown"]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("| kind | added | removed | changed |\n|---|---:|---:|---:|\n| IngressRoute | 0 | 0 | 1 |\n"), "{stdout}");
    assert!(stdout.contains("<details><summary>changed: <code>IngressRoute/test-https</code></summary>"), "{stdout}");
    assert!(stdout.contains("+    match: (Host(`a.test.com`) || Host(`b.test.com`)) && (Path(`/new`))"), "{stdout}");
    assert_eq!(stdout.matches("<details>").count(), 1, "{stdout}");
}

#[test]
fn a_removed_input_shows_its_outputs_removed_and_a_new_package_its_outputs_added() {
    let repo = repository("diff-removed");
    std::fs::remove_file(repo.join("web/web.yaml")).unwrap();
    let (code, stdout, _) = diff(&repo, &[]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("web (HEAD → working tree)\n- Service/web\n- Deployment/web\n"), "{stdout}");
    commit(&repo, "web removed");
    // At the previous commit the package had them; a folder missing at a revision is empty.
    let (_, stdout, _) = diff(&repo, &["HEAD~1", "net"]);
    assert!(stdout.ends_with("no change in 1 package(s)\n"), "{stdout}");
    copy_dir(&examples().join("networking"), &repo.join("net2"));
    let (code, stdout, stderr) = diff(&repo, &["HEAD", "net2"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.starts_with("net2 (HEAD → working tree)\n+ Service/test-server\n") && stdout.contains("\n+ Certificate/test\n"),
        "{stdout}"
    );
}

#[test]
fn errors_name_the_revision_and_usage_errors_exit_2() {
    let repo = repository("diff-errors");
    edit(&repo.join("web/web.yaml"), "  app: web\n", "  app: web\n  replicaz: 2\n");
    commit(&repo, "a mistake");
    edit(&repo.join("web/web.yaml"), "  replicaz: 2\n", "");
    let (code, _, stderr) = diff(&repo, &["HEAD", "web"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("error: HEAD:web/web.yaml: LummoDeployment/web: spec.replicaz: unknown field, did you mean \"replicas\"?"),
        "{stderr}"
    );
    assert!(stderr.contains("do not render at HEAD or in the working tree"), "{stderr}");
    assert_eq!(diff(&repo, &["no-such-revision"]).0, Some(2));
    assert_eq!(diff(&repo, &["--output", "html"]).0, Some(2));
    let outside = scratch("diff-outside");
    let (code, _, stderr) = diff(&outside, &[]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn a_base_folder_needs_no_git() {
    let repo = repository("diff-base");
    let base = repo.parent().unwrap().join("base");
    copy_dir(&repo.join("web"), &base.join("web"));
    edit(&repo.join("web/web.yaml"), "web:1.0.0", "web:2.0.0");
    let (code, stdout, stderr) = diff(&repo, &["--base", base.to_str().unwrap(), "web"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("+      - image: registry.example.com/web:2.0.0"), "{stdout}");
    assert_eq!(diff(&repo, &["--base", base.to_str().unwrap(), "/etc"]).0, Some(2));
}
