//! `lummo` as people and CI run it: errors, all or nothing, exit codes, warnings, `fn`, links.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use lummo_testing::{copy_dir, read_tree, run_ok, scratch};

const LUMMO: &str = env!("CARGO_BIN_EXE_lummo");
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn example(name: &str) -> PathBuf {
    Path::new(MANIFEST_DIR).join("../../Kptfile.examples").join(name)
}

fn lummo(args: &[&str]) -> Output {
    Command::new(LUMMO).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Two copies of the networking example, the second with a mistake.
fn good_and_bad(name: &str) -> (PathBuf, PathBuf) {
    let root = scratch(name);
    let (good, bad) = (root.join("good"), root.join("bad"));
    copy_dir(&example("networking"), &good);
    copy_dir(&example("networking"), &bad);
    let input = bad.join("networking.yaml");
    let broken = std::fs::read_to_string(&input).unwrap().replace("routes:", "rotues:");
    std::fs::write(input, broken).unwrap();
    (good, bad)
}

#[test]
fn an_error_in_any_package_prints_and_writes_nothing_and_names_the_field() {
    let (good, bad) = good_and_bad("all-or-nothing");
    let before = (read_tree(&good), read_tree(&bad));
    for args in [vec!["render"], vec!["render", "--in-place"], vec!["check"]] {
        let mut command = args.clone();
        command.extend([good.to_str().unwrap(), bad.to_str().unwrap()]);
        let output = lummo(&command);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?} printed:\n{}", text(&output.stdout));
        let stderr = text(&output.stderr);
        let expected =
            format!("error: {}/networking.yaml: LummoNetworking/test: spec.rotues: unknown field, did you mean \"routes\"?", bad.display());
        assert!(stderr.contains(&expected), "{args:?}:\n{stderr}");
        assert!(stderr.contains("in 1 of 2 package(s): nothing was written"), "{stderr}");
    }
    let out = good.parent().unwrap().join("out");
    assert_eq!(lummo(&["render", "-o", out.to_str().unwrap(), good.to_str().unwrap(), bad.to_str().unwrap()]).status.code(), Some(1));
    assert!(!out.exists(), "-o wrote a folder despite the error");
    assert_eq!((read_tree(&good), read_tree(&bad)), before, "a failed render changed files");
}

#[test]
fn check_reports_every_package_and_passes_clean_ones() {
    let output = lummo(&["check", example("networking").to_str().unwrap(), example("workloads-networking").to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    assert_eq!(text(&output.stderr), "lummo check: 2 package(s), 6 Lummo input(s), no errors\n");
    // A folder without a Kptfile stands for the topmost packages below it, at any depth (the
    // environments example has one two levels down).
    fn topmost_packages(dir: &Path) -> usize {
        let folders = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir());
        folders.map(|folder| if folder.join("Kptfile").exists() { 1 } else { topmost_packages(&folder) }).sum()
    }
    let packages = topmost_packages(&example(""));
    assert!(packages >= 5, "{packages}");
    let output = lummo(&["check", example("").to_str().unwrap()]);
    assert!(text(&output.stderr).starts_with(&format!("lummo check: {packages} package(s)")), "{}", text(&output.stderr));
}

#[test]
fn a_kptfile_with_other_functions_gets_a_warning() {
    let dir = scratch("foreign-function").join("pkg");
    copy_dir(&example("networking"), &dir);
    let kptfile = dir.join("Kptfile");
    let text_before = std::fs::read_to_string(&kptfile).unwrap();
    std::fs::write(&kptfile, text_before + "  - image: gcr.io/kpt-fn/set-namespace:v0.4\n").unwrap();
    let output = lummo(&["render", dir.to_str().unwrap()]);
    assert!(output.status.success());
    assert_eq!(
        text(&output.stderr),
        format!(
            "warning: {}/Kptfile: Kptfile/networking: pipeline.mutators[1]: lummo render runs only the Lummo functions, not \"gcr.io/kpt-fn/set-namespace:v0.4\": render this package with kpt fn render\n",
            dir.display()
        )
    );
}

#[test]
fn output_folders_are_new_empty_or_ours() {
    let root = scratch("output-folder");
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("mine.txt"), "someone's file").unwrap();
    let output = lummo(&["render", "-o", out.to_str().unwrap(), example("networking").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("is not empty and was not written by lummo render -o"), "{}", text(&output.stderr));
    std::fs::remove_file(out.join("mine.txt")).unwrap();
    for _ in 0..2 {
        run_ok(Command::new(LUMMO).args(["render", "-o"]).arg(&out).arg(example("workloads-networking")));
    }
    let files: Vec<String> = read_tree(&out).into_keys().collect();
    assert!(files.contains(&"rollout_test-server.yaml".to_string()) && files.contains(&".lummo-render".to_string()), "{files:?}");
    // Rendering a smaller package replaces the folder: nothing of the earlier render is left.
    run_ok(Command::new(LUMMO).args(["render", "-o"]).arg(&out).arg(example("networking")));
    assert!(!read_tree(&out).contains_key("rollout_test-server.yaml"));
}

#[test]
fn fn_runs_one_function_and_links_are_that_function() {
    let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: krm.lummo.com/v1\n  kind: LummoNetworking\n  metadata: {name: t}\n  spec: {app: t, grpc: true}\n";
    let run = |program: &Path, args: &[&str]| {
        let mut child = Command::new(program).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        text(&output.stdout)
    };
    let by_fn = run(Path::new(LUMMO), &["fn", "networking"]);
    assert!(by_fn.contains("name: t-grpc"), "{by_fn}");
    let link = scratch("links").join("networking");
    std::os::unix::fs::symlink(LUMMO, &link).unwrap();
    assert_eq!(run(&link, &[]), by_fn);
    assert!(text(&lummo(&["fn", "networking", "--help"]).stdout).starts_with("# networking"));
    let unknown = lummo(&["fn", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("no function \"nope\" (functions: workloads, scaling, monitoring, networking, pgbouncer, pubsub)")
    );
}

#[test]
fn usage_errors_exit_2_and_help_is_the_readme() {
    for args in [vec![], vec!["render"], vec!["render", "--bogus", "x"], vec!["frobnicate"]] {
        assert_eq!(lummo(&args).status.code(), Some(2), "{args:?}");
    }
    assert!(text(&lummo(&["--help"]).stdout).starts_with("# lummo"));
    assert_eq!(text(&lummo(&["--version"]).stdout), format!("lummo {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(text(&lummo(&["functions"]).stdout), "workloads\nscaling\nmonitoring\nnetworking\npgbouncer\npubsub\n");
}

#[test]
fn unreadable_files_are_each_reported() {
    let dir = scratch("unreadable").join("pkg");
    copy_dir(&example("networking"), &dir);
    std::fs::write(dir.join("broken.yaml"), "a: [\n").unwrap();
    std::fs::write(dir.join("plain.yaml"), "just: data\n").unwrap();
    let output = lummo(&["check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&format!("error: {}/broken.yaml: input is not valid YAML", dir.display())), "{stderr}");
    assert!(
        stderr.contains(&format!("error: {}/plain.yaml: not a Kubernetes resource (it needs apiVersion and kind)", dir.display())),
        "{stderr}"
    );
}

#[test]
fn lummo_log_debug_times_every_stage() {
    let output = Command::new(LUMMO).args(["render"]).arg(example("workloads-networking")).env("LUMMO_LOG", "debug").output().unwrap();
    assert!(output.status.success());
    let stderr = text(&output.stderr);
    for stage in
        ["read: close time.busy=", "step{function=\"workloads\"}:generate: close", "step{function=\"networking\"}: close", "write: close"]
    {
        assert!(stderr.contains(stage), "no {stage:?} in\n{stderr}");
    }
    let quiet = lummo(&["render", example("workloads-networking").to_str().unwrap()]);
    assert!(quiet.stderr.is_empty(), "without LUMMO_LOG, a clean render says nothing: {}", text(&quiet.stderr));
}

/// Objects of a YAML stream by identity. A Vault ExternalSecret several inputs share names one
/// of them as its maker: the first in one pipeline, the last to run in kustomize's runs of one
/// input each; that annotation is left out of the comparison.
fn objects(stream: &str) -> std::collections::BTreeMap<lummo_krm::ResourceId, serde_json::Value> {
    let list = lummo_krm::ResourceList::read(stream.as_bytes().to_vec()).unwrap();
    let object = |item: &lummo_krm::Item| {
        let mut json = item.node().to_json();
        if item.kind() == "ExternalSecret"
            && let Some(annotations) = json.pointer_mut("/metadata/annotations").and_then(serde_json::Value::as_object_mut)
        {
            annotations.remove(lummo_krm::ownership::GENERATED_FROM);
        }
        json
    };
    list.items.iter().map(|item| (item.id(), object(item))).collect()
}

/// A kustomization for `package` as plugins run it: the files without Lummo inputs as
/// resources, the files with inputs as transformers, in the pipeline order of their kinds.
/// LummoContainer templates are resources: the workloads that extend them read them among the
/// items (kustomize drops them from its output, as local config). Pub/Sub's inputs come first:
/// the grants of workloads with an identity name the topics and subscriptions they find.
fn kustomization(package: &Path) -> String {
    let order = ["LummoTopic", "LummoSubscription", "LummoDeployment", "LummoJob", "LummoCronJob", "LummoNetworking", "pgbouncer"];
    let (mut resources, mut transformers) = (Vec::new(), Vec::new());
    for (path, text) in read_tree(package) {
        if !path.ends_with(".yaml") {
            continue;
        }
        let list = lummo_krm::ResourceList::read(text.into_bytes()).unwrap();
        let rank = list.items.iter().filter_map(|i| order.iter().position(|k| *k == i.kind())).min();
        match rank {
            Some(rank) => transformers.push((rank, path)),
            None => resources.push(path),
        }
    }
    transformers.sort();
    let transformers: Vec<String> = transformers.into_iter().map(|(_, path)| path).collect();
    format!("resources: [{}]\ntransformers: [{}]\n", resources.join(", "), transformers.join(", "))
}

/// `install-plugins` lays the functions out as kustomize exec plugins (each a link named after
/// a kind, running every function that reads it); `kubectl kustomize --enable-alpha-plugins`
/// then renders every example with them exactly as `lummo render` does; `--uninstall` removes
/// them all.
#[test]
fn kustomize_plugins_render_like_lummo_and_uninstall_cleanly() {
    let root = scratch("plugins");
    let plugins = root.join("plugins");
    let installed = lummo(&["install-plugins", plugins.to_str().unwrap()]);
    assert!(installed.status.success(), "{}", text(&installed.stderr));
    assert!(plugins.join("krm.lummo.com/v1/lummodeployment/LummoDeployment").exists());
    assert!(plugins.join("krm.lummo.com/v1/pgbouncer/pgbouncer").exists());
    let examples = std::fs::read_dir(example("")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("Kptfile").exists());
    for example in examples {
        let package = root.join(example.file_name().unwrap());
        copy_dir(&example, &package);
        let expected = objects(&run_ok(Command::new(LUMMO).arg("render").arg(&package)));
        std::fs::write(package.join("kustomization.yaml"), kustomization(&package)).unwrap();
        std::fs::remove_file(package.join("Kptfile")).unwrap();
        let mut kustomize = Command::new("kubectl");
        kustomize.args(["kustomize", "--enable-alpha-plugins"]).arg(&package).env("KUSTOMIZE_PLUGIN_HOME", &plugins);
        assert_eq!(objects(&run_ok(&mut kustomize)), expected, "{}", example.display());
    }
    let removed = lummo(&["install-plugins", plugins.to_str().unwrap(), "--uninstall"]);
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    assert!(read_tree(&plugins).is_empty() && !plugins.join("krm.lummo.com").exists(), "{:?}", read_tree(&plugins));
}

/// Every command answers `--help` with its options and an example; `fn NAME --help` is the
/// function's own; completions come for the shells people use.
#[test]
fn every_command_has_help_and_completions() {
    for command in ["render", "check", "validate", "diff", "platform", "explain", "fn", "functions", "install-plugins", "completions"] {
        let output = lummo(&[command, "--help"]);
        assert!(output.status.success(), "{command}: {}", text(&output.stderr));
        let help = text(&output.stdout);
        assert!(help.contains(&format!("Usage: lummo {command}")) && help.contains("Example"), "{command}:\n{help}");
    }
    for command in [vec!["argocd", "--help"], vec!["argocd", "generate", "--help"]] {
        assert!(text(&lummo(&command).stdout).contains("Usage: lummo argocd"), "{command:?}");
    }
    assert!(text(&lummo(&["fn", "pubsub", "--help"]).stdout).starts_with("# pubsub"));
    let bad = lummo(&["render", "--in-place", "-o", "out", "pkg"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("'--in-place' cannot be used with '--output <OUT>'"), "{}", text(&bad.stderr));
    for shell in ["bash", "zsh", "fish"] {
        let completions = lummo(&["completions", shell]);
        assert!(completions.status.success() && text(&completions.stdout).contains("install-plugins"), "{shell}");
    }
}

/// A package whose own, hand-written manifest the cluster would refuse: the render is fine,
/// `--validate` and `lummo validate` are not, and name the file, the resource and the field.
#[test]
fn validate_refuses_what_the_cluster_would_refuse() {
    let package = scratch("validate").join("pkg");
    copy_dir(&example("networking"), &package);
    let config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels: {team: platform-}\ndata:\n  ..mode: fast\n";
    std::fs::write(package.join("settings.yaml"), config_map).unwrap();
    let dir = package.to_str().unwrap();
    assert!(lummo(&["render", dir]).status.success());
    let out = package.parent().unwrap().join("out");
    for args in [
        vec!["render", "--validate", dir],
        vec!["render", "--validate", "-o", out.to_str().unwrap(), dir],
        vec!["check", "--validate", dir],
    ] {
        let output = lummo(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = text(&output.stderr);
        let file = format!("error: {dir}/settings.yaml: ConfigMap/settings");
        assert!(stderr.contains(&format!("{file}: metadata.labels.team: \"platform-\" is not a valid label value")), "{stderr}");
        assert!(stderr.contains(&format!("{file}: data[\"..mode\"]: \"..mode\" is not a valid key")), "{stderr}");
    }
    assert!(!out.exists(), "an invalid render was written");

    let rendered = lummo(&["render", "-o", out.to_str().unwrap(), example("orders-database-events").to_str().unwrap()]);
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let valid = lummo(&["validate", out.to_str().unwrap()]);
    assert!(valid.status.success(), "{}", text(&valid.stderr));
    assert!(text(&valid.stderr).contains("lummo validate: 27 resources, 0 errors"), "{}", text(&valid.stderr));

    let mut child = Command::new(LUMMO).args(["validate", "-"]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1, selectr: {}}\n")
        .unwrap();
    let piped = child.wait_with_output().unwrap();
    assert_eq!(piped.status.code(), Some(1));
    let stderr = text(&piped.stderr);
    assert!(
        stderr.contains("error: stdin: Deployment/web: spec.selectr: unknown field \"selectr\", did you mean \"selector\"?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("spec.selector: required field is missing") && stderr.contains("spec.template: required field is missing"),
        "{stderr}"
    );
    assert_eq!(lummo(&["validate"]).status.code(), Some(2));
}
