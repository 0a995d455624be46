//! The `LummoPlatform`: where it comes from, what it changes, and its errors. The example
//! `Kptfile.examples/platform` is also rendered through kpt's exec pipeline
//! (`equal_to_kpt.rs`) and kustomize's plugins (`cli.rs`), like every example.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lummo_testing::{copy_dir, scratch};

const LUMMO: &str = env!("CARGO_BIN_EXE_lummo");

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Kptfile.examples").join(name)
}

fn lummo(args: &[&str], dir: &Path) -> Output {
    Command::new(LUMMO).args(args).current_dir(dir).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of the platform example as `<case>/pkg`, for tests that change it.
fn copy(case: &str) -> PathBuf {
    let root = scratch(&format!("platform-{case}"));
    copy_dir(&example("platform"), &root.join("pkg"));
    root
}

#[test]
fn the_platform_sets_the_issuer_the_vpn_middleware_the_projects_and_the_pooler_image() {
    let rendered = lummo(&["render", "."], &example("platform"));
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    let out = stdout(&rendered);
    for expected in [
        "    name: letsencrypt-eu\n",
        "    - name: office-only\n      namespace: ingress\n",
        "cnrm.cloud.google.com/project-id: shop-eu-dev\n",
        "member: serviceAccount:service-210987654321@gcp-sa-pubsub.iam.gserviceaccount.com\n",
        "image: registry.example.com/platform/pgbouncer:1.23.1-debian-12-r5\n",
    ] {
        assert!(out.contains(expected), "{expected:?} not in the render");
    }
    for default in ["letsencrypt\n", "vpn-only", "beecash-staging", "gcr.io/beecash-prod/pgbouncer"] {
        assert!(!out.contains(default), "the default {default:?} is still in the render");
    }
    assert!(!out.contains("kind: LummoPlatform"), "the platform is local config, never applied");
}

#[test]
fn an_empty_platform_renders_exactly_as_none() {
    let root = copy("empty");
    let package = root.join("pkg");
    std::fs::remove_file(package.join("platform.yaml")).unwrap();
    let without = lummo(&["render", "pkg"], &root);
    assert!(without.status.success(), "{}", stderr(&without));
    std::fs::write(
        package.join("platform.yaml"),
        "apiVersion: krm.lummo.com/v1\nkind: LummoPlatform\nmetadata:\n  name: empty\nspec: {}\n",
    )
    .unwrap();
    let empty = lummo(&["render", "pkg"], &root);
    assert!(empty.status.success(), "{}", stderr(&empty));
    assert_eq!(stdout(&empty), stdout(&without));
    assert!(stdout(&without).contains("name: letsencrypt\n") && stdout(&without).contains("beecash-staging"));
}

#[test]
fn errors_name_the_file_the_resource_and_the_field() {
    type Edit = fn(&str) -> String;
    let cases: [(&str, Edit, &str); 6] = [
        (
            "vpn-range",
            |p| p.replace("vpnMiddleware: {name: office-only, namespace: ingress}", "vpnSourceRanges: [10.8.0.0/33]"),
            "error: pkg/platform.yaml: LummoPlatform/shop-eu: spec.networking.vpnSourceRanges[0]: \"10.8.0.0/33\" is not an IP address or CIDR range",
        ),
        (
            "unknown",
            |p| p.replace("  pgbouncer:\n", "  pgbouncr:\n"),
            "error: pkg/platform.yaml: LummoPlatform/shop-eu: spec.pgbouncr: unknown field, did you mean \"pgbouncer\"?\n",
        ),
        (
            "image",
            |p| p.replace("registry.example.com/platform/pgbouncer:1.23.1-debian-12-r5", "registry.example.com/Platform/pgbouncer:1.23"),
            "error: pkg/platform.yaml: LummoPlatform/shop-eu: spec.pgbouncer.image: \"registry.example.com/Platform/pgbouncer:1.23\": the repository \"Platform/pgbouncer\" must be lowercase (only the tag may have upper case)\n",
        ),
        (
            "issuer",
            |p| p.replace("kind: ClusterIssuer, name: letsencrypt-eu", "kind: ClusterIsuer, name: letsencrypt-eu"),
            "error: pkg/platform.yaml: LummoPlatform/shop-eu: spec.networking.issuer.kind: ",
        ),
        (
            "project",
            |p| p.replace("default: shop-eu-dev}", "default: Shop_EU}"),
            "error: pkg/platform.yaml: LummoPlatform/shop-eu: spec.pubsub.projects.default: ",
        ),
        (
            "steps",
            |p| format!("{p}  workloads:\n    canarySteps: {{prod: [{{weight: 30, pause: 5m}}]}}\n"),
            "error: pkg/platform.yaml: LummoPlatform/shop-eu: spec.workloads.canarySteps.prod[0]: must be either {weight: <0-100>} or {pause: <duration or manual>}\n",
        ),
    ];
    for (case, edit, message) in cases {
        let root = copy(case);
        let file = root.join("pkg/platform.yaml");
        std::fs::write(&file, edit(&std::fs::read_to_string(&file).unwrap())).unwrap();
        for command in ["render", "check"] {
            let output = lummo(&[command, "pkg"], &root);
            assert_eq!(output.status.code(), Some(1), "{case}: {}", stderr(&output));
            assert!(stderr(&output).starts_with(message), "{case}: {}", stderr(&output));
        }
    }
    let root = copy("two");
    let second = std::fs::read_to_string(root.join("pkg/platform.yaml")).unwrap().replace("name: shop-eu", "name: shop-eu-2");
    std::fs::write(root.join("pkg/more.yaml"), second).unwrap();
    let output = lummo(&["render", "pkg"], &root);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("error: pkg/platform.yaml: LummoPlatform/shop-eu: a second LummoPlatform (LummoPlatform/shop-eu; the first, LummoPlatform/shop-eu-2, is in more.yaml)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_nearest_platform_yaml_above_counts_inside_a_repository() {
    let root = scratch("platform-above");
    let repo = root.join("repo");
    copy_dir(&example("networking"), &repo.join("apps/site"));
    let platform = std::fs::read_to_string(example("platform/platform.yaml")).unwrap();
    std::fs::write(repo.join("platform.yaml"), &platform).unwrap();
    let issuer = |output: &Output| {
        assert!(output.status.success(), "{}", stderr(output));
        stdout(output).lines().find(|l| l.contains("name: letsencrypt")).map(str::trim).map(String::from)
    };
    // Outside a repository, nothing above the package is read.
    assert_eq!(issuer(&lummo(&["render", "apps/site"], &repo)).as_deref(), Some("name: letsencrypt"));
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    assert_eq!(issuer(&lummo(&["render", "apps/site"], &repo)).as_deref(), Some("name: letsencrypt-eu"));
    // The nearer one wins; a package's own beats both.
    std::fs::write(repo.join("apps/platform.yaml"), platform.replace("letsencrypt-eu", "letsencrypt-apps")).unwrap();
    assert_eq!(issuer(&lummo(&["render", "apps/site"], &repo)).as_deref(), Some("name: letsencrypt-apps"));
    std::fs::write(repo.join("apps/site/platform.yaml"), platform.replace("letsencrypt-eu", "letsencrypt-own")).unwrap();
    assert_eq!(issuer(&lummo(&["render", "apps/site"], &repo)).as_deref(), Some("name: letsencrypt-own"));
    // --platform instead of the search; with the package's own too, that is two platforms.
    let flag = root.join("flag.yaml");
    std::fs::write(&flag, platform.replace("letsencrypt-eu", "letsencrypt-flag")).unwrap();
    std::fs::remove_file(repo.join("apps/site/platform.yaml")).unwrap();
    let with_flag = lummo(&["render", "--platform", flag.to_str().unwrap(), "apps/site"], &repo);
    assert_eq!(issuer(&with_flag).as_deref(), Some("name: letsencrypt-flag"));
    std::fs::write(repo.join("apps/site/platform.yaml"), &platform).unwrap();
    let both = lummo(&["check", "--platform", flag.to_str().unwrap(), "apps/site"], &repo);
    assert_eq!(both.status.code(), Some(1));
    assert!(stderr(&both).contains("a second LummoPlatform"), "{}", stderr(&both));
    // A platform.yaml of another kind is an error naming it.
    std::fs::remove_file(repo.join("apps/site/platform.yaml")).unwrap();
    std::fs::write(repo.join("apps/platform.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: platform\n").unwrap();
    let wrong = lummo(&["render", "apps/site"], &repo);
    assert_eq!(wrong.status.code(), Some(1));
    let expected = format!(
        "error: {}: holds a \"ConfigMap\", not a LummoPlatform: a platform file holds one LummoPlatform\n",
        repo.join("apps/platform.yaml").canonicalize().unwrap().display()
    );
    assert!(stderr(&wrong).starts_with(&expected), "{}", stderr(&wrong));
}

#[test]
fn lummo_platform_prints_every_setting_in_effect() {
    let output = lummo(&["platform", "."], &example("platform"));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let list = lummo_krm::ResourceList::read(text.clone().into_bytes()).unwrap();
    let spec = list.items[0].node().get("spec").unwrap().to_json();
    assert_eq!(spec["networking"]["issuer"]["name"], "letsencrypt-eu", "from the file");
    assert_eq!(spec["networking"]["entryPoints"]["https"], "websecure", "a default filled in");
    assert_eq!(spec["pubsub"]["projects"]["default"], "shop-eu-dev");
    assert_eq!(spec["vault"]["store"]["name"], "vault");
    assert!(text.starts_with("# The settings of ./platform.yaml, with the defaults of what it leaves out.\n"), "{text}");
    let defaults = lummo(&["platform", "."], &example("networking"));
    assert!(stdout(&defaults).starts_with("# No LummoPlatform applies here: these are the defaults.\n"), "{}", stdout(&defaults));
    assert!(stdout(&defaults).contains("    name: letsencrypt\n"));
}

/// kpt hands a function its `configPath` as the functionConfig: a platform there counts.
#[test]
fn a_platform_as_the_function_config_counts() {
    let list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n  apiVersion: krm.lummo.com/v1\n  kind: LummoPlatform\n  metadata: {name: p}\n  spec:\n    networking:\n      issuer: {kind: Issuer, name: team-ca}\nitems:\n- apiVersion: krm.lummo.com/v1\n  kind: LummoNetworking\n  metadata: {name: site}\n  spec: {app: site, domains: [site.example.com]}\n";
    let mut child = Command::new(LUMMO)
        .args(["fn", "networking"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), list.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("kind: Issuer\n      name: team-ca\n"), "{}", stdout(&output));
}

/// An overlay patches the platform like any resource: how one environment or cluster gets
/// other values (the inputs overlaid with kustomize, then rendered, as environments/ does).
#[test]
fn an_overlay_patches_the_platform() {
    let root = scratch("platform-overlay");
    let base = root.join("base");
    copy_dir(&example("networking"), &base);
    std::fs::remove_file(base.join("Kptfile")).unwrap();
    std::fs::copy(example("platform/platform.yaml"), base.join("platform.yaml")).unwrap();
    let resources = "resources: [platform.yaml, networking.yaml, app/deployment.yaml, app/service.yaml]\n";
    std::fs::write(base.join("kustomization.yaml"), resources).unwrap();
    let overlay = root.join("staging");
    std::fs::create_dir_all(&overlay).unwrap();
    let patch = "resources: [../base]\npatches:\n- target: {kind: LummoPlatform}\n  patch: |\n    - {op: replace, path: /spec/networking/issuer/name, value: letsencrypt-staging}\n";
    std::fs::write(overlay.join("kustomization.yaml"), patch).unwrap();
    let inputs = Command::new("kubectl").args(["kustomize"]).arg(&overlay).output().unwrap();
    assert!(inputs.status.success(), "{}", stderr(&inputs));
    std::fs::create_dir_all(root.join("out")).unwrap();
    std::fs::write(root.join("out/inputs.yaml"), &inputs.stdout).unwrap();
    let rendered = lummo(&["render", "out"], &root);
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert!(stdout(&rendered).contains("    name: letsencrypt-staging\n"), "{}", stdout(&rendered));
}

/// `workloads.networkPolicy.defaultDeny`: every server and job gets a NetworkPolicy, as if it
/// said `network: {}`; without it, only those with a `network` block do.
#[test]
fn default_deny_gives_every_workload_a_network_policy() {
    let root = copy("default-deny");
    let package = root.join("pkg");
    let without = lummo(&["render", "."], &package);
    assert!(without.status.success(), "{}", stderr(&without));
    assert!(!stdout(&without).contains("kind: NetworkPolicy"));
    let platform = package.join("platform.yaml");
    let text = std::fs::read_to_string(&platform).unwrap();
    assert!(!text.contains("workloads:"), "the example's platform has a workloads section: extend it instead");
    std::fs::write(&platform, text.trim_end().to_string() + "\n  workloads:\n    networkPolicy: {defaultDeny: true}\n").unwrap();
    let with = lummo(&["render", "--validate", "."], &package);
    assert!(with.status.success(), "{}", stderr(&with));
    let out = stdout(&with);
    assert!(out.contains("kind: NetworkPolicy") && out.contains("kubernetes.io/metadata.name: kube-system"), "{out}");
}
