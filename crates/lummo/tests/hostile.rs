//! Hostile packages: whatever a package's files say, `lummo` writes, deletes and reads nothing
//! outside the package (and, with `-o`, outside the output folder), never hangs, and stays
//! under a memory bound. Each case runs in a sandbox folder beside the package; everything in
//! the sandbox but the package and the output folder is compared byte for byte before and
//! after. `.ci/run` runs this suite (through `cargo xtask test`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use lummo_testing::scratch;

const LUMMO: &str = env!("CARGO_BIN_EXE_lummo");
/// Each run gets this much address space (1 GiB) and time: a package that could make lummo
/// read /dev/zero or wait on a FIFO fails the case instead of the machine.
const MEMORY_KIB: u64 = 1 << 20;
const SECONDS: u64 = 20;
const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: outside\nstringData:\n  password: TOP-SECRET\n";

const INPUT: &str = "apiVersion: krm.lummo.com/v1\nkind: LummoNetworking\nmetadata:\n  name: site\n{annotations}spec:\n  app: site\n  domains: [site.example.com]\n  routes:\n  - match: PathPrefix(`/`)\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: site\nspec:\n  selector: {app: site}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n";

/// A sandbox: `pkg/` (the package), `outside/` (a secret and a folder that must stay as they
/// are) and the place `-o` writes to, `out/`.
struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    fn new(case: &str) -> Sandbox {
        let root = scratch(&format!("hostile-{case}"));
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::create_dir_all(root.join("outside/nested")).unwrap();
        std::fs::write(root.join("outside/secret.yaml"), SECRET).unwrap();
        std::fs::write(root.join("outside/nested/x.yaml"), "kept: true\n").unwrap();
        Sandbox { root }
    }

    fn pkg(&self) -> PathBuf {
        self.root.join("pkg")
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.pkg().join(path), text).unwrap();
    }

    /// Everything in the sandbox outside `pkg/` and `out/`: path → content (or link target).
    fn outside(&self) -> BTreeMap<String, String> {
        let mut seen = BTreeMap::new();
        snapshot(&self.root, &self.root, &mut seen);
        seen
    }

    /// Runs lummo in `dir` (the package unless given) and checks nothing outside changed.
    fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.root, args)
    }

    fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        let before = self.outside();
        let output = bounded(dir, args);
        assert_eq!(self.outside(), before, "lummo {args:?} changed files outside the package");
        output
    }
}

fn snapshot(root: &Path, dir: &Path, seen: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if relative == "pkg" || relative == "out" {
            continue;
        }
        let file_type = path.symlink_metadata().unwrap().file_type();
        let content = if file_type.is_symlink() {
            format!("-> {}", std::fs::read_link(&path).unwrap().display())
        } else if file_type.is_dir() {
            snapshot(root, &path, seen);
            "folder".to_string()
        } else {
            String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()
        };
        seen.insert(relative, content);
    }
}

/// lummo under the memory bound, killed (and the case failed) past the time bound.
fn bounded(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$@\""))
        .arg("sh")
        .arg(LUMMO)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(SECONDS) {
            child.kill().unwrap();
            panic!("lummo {args:?} ran longer than {SECONDS} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            match path.symlink_metadata().unwrap().is_dir() {
                true => walk(root, &path, found),
                false => found.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned()),
            }
        }
    }
    walk(dir, dir, &mut found);
    found.sort();
    found
}

fn path_annotation(path: &str) -> String {
    format!("  annotations:\n    config.kubernetes.io/path: '{path}'\n    internal.config.kubernetes.io/path: '{path}'\n")
}

#[test]
fn in_place_ignores_path_annotations_that_lead_out() {
    let deep = format!("{}outside/x.yaml", "../".repeat(40));
    for (case, path) in [("relative", "../outside/secret.yaml".to_string()), ("deep", deep), ("absolute", "/tmp/lummo-hostile.yaml".into())]
    {
        let sandbox = Sandbox::new(&format!("annotation-{case}"));
        let absolute = sandbox.root.join("outside/nested/x.yaml").display().to_string();
        let path = if case == "absolute" { absolute } else { path };
        let foreign = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: evil\n{}data: {{a: b}}\n", path_annotation(&path));
        sandbox.write("evil.yaml", &foreign);
        sandbox.write("app.yaml", &INPUT.replace("{annotations}", &path_annotation(&path)));
        let output = sandbox.run(&["render", "--in-place", "pkg"]);
        assert!(output.status.success(), "{case}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("config.kubernetes.io/path says {path:?}, but the resource is in evil.yaml")),
            "{}",
            stderr(&output)
        );
        assert_eq!(std::fs::read_to_string(sandbox.pkg().join("evil.yaml")).unwrap(), foreign, "{case}: the foreign file stays as it was");
        let generated = files(&sandbox.pkg());
        assert!(generated.contains(&"ingressroute_site-https.yaml".to_string()), "{case}: generated next to the input: {generated:?}");
        assert!(!Path::new("/tmp/lummo-hostile.yaml").exists());
        // A second render changes nothing, and check reads the same package.
        let again = sandbox.run(&["render", "--in-place", "pkg"]);
        assert!(stderr(&again).contains("0 file(s) written, 0 deleted"), "{}", stderr(&again));
        assert!(sandbox.run(&["check", "pkg"]).status.success());
    }
}

#[test]
fn output_folder_names_come_only_from_valid_names() {
    let cases = [
        ("namespace", "metadata:\n  name: x\n  namespace: ../outside\n", "metadata.namespace: \"../outside\" is not a valid name"),
        ("name-slash", "metadata:\n  name: ../../outside/secret\n", "metadata.name: \"../../outside/secret\" may not contain '/' or '%'"),
        ("name-dots", "metadata:\n  name: ..\n", "metadata.name: \"..\" may not be a name"),
        ("kind", "metadata:\n  name: x\n", "kind: \"../configmap\" is not a valid name"),
    ];
    for (case, metadata, message) in cases {
        let sandbox = Sandbox::new(&format!("output-{case}"));
        let kind = if case == "kind" { "../ConfigMap" } else { "ConfigMap" };
        sandbox.write("cm.yaml", &format!("apiVersion: v1\nkind: {kind}\n{metadata}data: {{a: b}}\n"));
        let output = sandbox.run(&["render", "-o", "out", "pkg"]);
        assert_eq!(output.status.code(), Some(1), "{case}: {}", stderr(&output));
        let expected = format!("pkg/cm.yaml: {kind}/");
        assert!(stderr(&output).contains(&expected) && stderr(&output).contains(message), "{case}: {}", stderr(&output));
        assert!(!sandbox.root.join("out").exists(), "{case}: nothing written");
    }
    // Names Kubernetes allows (RBAC's colons, long names) are written, cut to fit a file name.
    let sandbox = Sandbox::new("output-valid");
    let long = "a".repeat(253);
    sandbox.write("rbac.yaml", &format!("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:lummo\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {long}\n  namespace: team-a\n"));
    let output = sandbox.run(&["render", "-o", "out", "pkg"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let written = files(&sandbox.root.join("out"));
    assert_eq!(written.len(), 3, "{written:?}");
    assert!(written.contains(&"clusterrole_system:lummo.yaml".to_string()));
    assert!(written.iter().any(|f| f.starts_with("team-a/configmap_aaa") && f.len() <= "team-a/".len() + 255));
}

#[test]
fn symlinks_are_skipped_and_never_written_through() {
    let sandbox = Sandbox::new("symlinks");
    sandbox.write("app.yaml", &INPUT.replace("{annotations}", ""));
    std::os::unix::fs::symlink("../outside/secret.yaml", sandbox.pkg().join("linked.yaml")).unwrap();
    std::os::unix::fs::symlink("../outside", sandbox.pkg().join("linked-folder")).unwrap();
    // A generated file's name, taken by a symlink out of the package.
    std::os::unix::fs::symlink("../outside/nested/x.yaml", sandbox.pkg().join("certificate_site.yaml")).unwrap();
    let output = sandbox.run(&["render", "pkg"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stdout(&output).contains("TOP-SECRET"), "a file outside the package was read");
    for skipped in ["pkg/linked.yaml: a symlink", "pkg/linked-folder: a symlink", "pkg/certificate_site.yaml: a symlink"] {
        assert!(stderr(&output).contains(skipped), "{}", stderr(&output));
    }
    let in_place = sandbox.run(&["render", "--in-place", "pkg"]);
    assert_eq!(in_place.status.code(), Some(1), "writing through the link is refused: {}", stderr(&in_place));
    assert!(stderr(&in_place).contains("certificate_site.yaml: exists and is not a regular file"), "{}", stderr(&in_place));
    let argocd = sandbox.run_in(&sandbox.pkg(), &["argocd", "generate"]);
    assert!(argocd.status.success() && !stdout(&argocd).contains("TOP-SECRET"), "{}", stderr(&argocd));
}

#[test]
fn devices_fifos_and_huge_files_neither_hang_nor_fill_memory() {
    let sandbox = Sandbox::new("specials");
    sandbox.write("app.yaml", &INPUT.replace("{annotations}", ""));
    std::os::unix::fs::symlink("/dev/zero", sandbox.pkg().join("zero.yaml")).unwrap();
    let fifo = sandbox.pkg().join("fifo.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let output = sandbox.run(&["render", "pkg"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("pkg/zero.yaml: a symlink"), "{}", stderr(&output));
    assert!(stderr(&output).contains("pkg/fifo.yaml: not a regular file (a FIFO, socket or device): not read"), "{}", stderr(&output));
    assert!(sandbox.run(&["check", "pkg"]).status.success());
    assert!(sandbox.run(&["render", "--in-place", "pkg"]).status.success());

    // 65 MiB of nothing, written sparse: over the limit, refused before it is read.
    let big = std::fs::File::create(sandbox.pkg().join("big.yaml")).unwrap();
    big.set_len(65 << 20).unwrap();
    let output = sandbox.run(&["render", "pkg"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error: pkg/big.yaml: larger than 64 MiB"), "{}", stderr(&output));

    // A function's config file named on the command line may be a device: it is read up to
    // the limit, no further.
    let output = sandbox.run(&["fn", "networking", "/dev/zero"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error: /dev/zero: larger than 64 MiB"), "{}", stderr(&output));
}

mod generated {
    //! Path annotations and names built from the parts that lead out of a folder, on foreign
    //! resources and on a Lummo input: every write lands inside the package or `out/`.
    use proptest::prelude::*;

    use super::*;

    fn part() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["..", ".", "", "outside", "secret.yaml", "x", "a b", "%2e%2e", "..\\..", "pkg", "/"])
            .prop_map(String::from)
    }

    /// A path of 1 to 8 parts, absolute or not.
    fn path() -> impl Strategy<Value = String> {
        (any::<bool>(), prop::collection::vec(part(), 1..8)).prop_map(|(absolute, parts)| {
            let joined = parts.join("/");
            if absolute { format!("/{joined}") } else { joined }
        })
    }

    fn quoted(text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn every_write_lands_inside(annotation in path(), input_annotation in path(), name in path(), namespace in path()) {
            let sandbox = Sandbox::new("generated");
            let foreign = format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n  namespace: {}\n  annotations:\n    config.kubernetes.io/path: {}\ndata: {{a: b}}\n",
                quoted(&name), quoted(&namespace), quoted(&annotation)
            );
            sandbox.write("foreign.yaml", &foreign);
            let annotations = format!("  annotations:\n    internal.config.kubernetes.io/path: {}\n", quoted(&input_annotation));
            sandbox.write("app.yaml", &INPUT.replace("{annotations}", &annotations));
            // Each run compares everything outside pkg/ and out/ before and after.
            let in_place = sandbox.run(&["render", "--in-place", "pkg"]);
            prop_assert!(in_place.status.success(), "{}", stderr(&in_place));
            prop_assert_eq!(std::fs::read_to_string(sandbox.pkg().join("foreign.yaml")).unwrap(), foreign);
            let out = sandbox.run(&["render", "-o", "out", "pkg"]);
            if out.status.success() {
                let written = files(&sandbox.root.join("out"));
                prop_assert!(written.iter().all(|f| !f.contains("..")), "{:?}", written);
            } else {
                prop_assert!(stderr(&out).contains("no file can be named after it"), "{}", stderr(&out));
                prop_assert!(!sandbox.root.join("out").exists());
            }
        }
    }
}
