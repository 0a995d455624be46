//! `Kptfile.examples/environments`: one base, three environments (dev, staging, prod), both ways
//! the README describes, each rendered and validated, and each environment's objects compared
//! with dev's: they must differ exactly where the overlays say, and nowhere else.
//!
//! - Inputs overlaid, then rendered: `kubectl kustomize inputs/overlays/<env>` into a folder,
//!   then `lummo render` of that folder.
//! - Manifests overlaid: `lummo render manifests/base` into `manifests/rendered/manifests.yaml`,
//!   then `kubectl kustomize manifests/overlays/<env>`.
//!
//! Everything is rendered in a scratch copy; nothing rendered is read from the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use lummo_krm::ResourceList;
use lummo_testing::{copy_dir, kpt_render_ok, read_tree, run_ok, scratch, validate_dir};
use serde_json::{Value as Json, json};

const LUMMO: &str = env!("CARGO_BIN_EXE_lummo");
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn example() -> PathBuf {
    Path::new(MANIFEST_DIR).join("../../Kptfile.examples/environments")
}

/// Objects keyed `Kind/name` (`Kind/namespace/name` when namespaced), without local config.
fn objects(yaml_stream: &str) -> BTreeMap<String, Json> {
    let list = ResourceList::read(yaml_stream.as_bytes().to_vec()).unwrap();
    let mut objects = BTreeMap::new();
    for item in &list.items {
        if item.annotation("config.kubernetes.io/local-config") == Some("true") || item.kind() == "Kptfile" {
            continue;
        }
        let json = item.node().to_json();
        let name = json.pointer("/metadata/name").and_then(Json::as_str).unwrap_or_default();
        let key = match json.pointer("/metadata/namespace").and_then(Json::as_str) {
            Some(namespace) => format!("{}/{namespace}/{name}", item.kind()),
            None => format!("{}/{name}", item.kind()),
        };
        assert!(objects.insert(key.clone(), json).is_none(), "{key} twice");
    }
    objects
}

/// Every YAML file of a folder as one stream.
fn tree_stream(dir: &Path) -> String {
    read_tree(dir).into_iter().filter(|(path, _)| path.ends_with(".yaml")).map(|(_, text)| format!("---\n{text}\n")).collect()
}

fn kustomize(dir: &Path) -> String {
    run_ok(Command::new("kubectl").arg("kustomize").arg(dir))
}

/// Where two objects differ, by JSON pointer: (the first's value, the second's); `None` where a
/// field is absent. Lists of one length are compared item by item, others as a whole.
type Differences = BTreeMap<String, (Option<Json>, Option<Json>)>;

fn differences(path: &str, a: Option<&Json>, b: Option<&Json>, out: &mut Differences) {
    match (a, b) {
        (Some(Json::Object(x)), Some(Json::Object(y))) => {
            for key in x.keys().chain(y.keys()).collect::<BTreeSet<_>>() {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                differences(&format!("{path}/{escaped}"), x.get(key), y.get(key), out);
            }
        }
        (Some(Json::Array(x)), Some(Json::Array(y))) if x.len() == y.len() => {
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}/{i}"), Some(x), Some(y), out);
            }
        }
        _ if a == b => {}
        _ => {
            out.insert(path.to_string(), (a.cloned(), b.cloned()));
        }
    }
}

/// What an environment changes compared with another (dev, or the rendered base).
struct Expected {
    /// Objects whose name follows from an input: the other's name → this environment's.
    renamed: &'static [(&'static str, &'static str)],
    /// (the other's object, JSON pointer, its value, this environment's value); `None`: absent.
    changed: Vec<(&'static str, &'static str, Option<Json>, Option<Json>)>,
}

fn change(object: &'static str, path: &'static str, from: Json, to: Json) -> (&'static str, &'static str, Option<Json>, Option<Json>) {
    (object, path, Some(from), Some(to))
}

fn added(object: &'static str, path: &'static str, to: Json) -> (&'static str, &'static str, Option<Json>, Option<Json>) {
    (object, path, None, Some(to))
}

/// Asserts that `theirs` are `ours` with exactly the expected renames and changes.
fn assert_differences(what: &str, ours: &BTreeMap<String, Json>, theirs: &BTreeMap<String, Json>, expected: &Expected) {
    let renamed: BTreeMap<&str, &str> = expected.renamed.iter().copied().collect();
    let counterpart = |key: &str| renamed.get(key).map_or(key.to_string(), |to| to.to_string());
    let mapped: BTreeSet<String> = ours.keys().map(|key| counterpart(key)).collect();
    let their_keys: BTreeSet<String> = theirs.keys().cloned().collect();
    assert_eq!(mapped, their_keys, "{what}: other objects than expected");

    let mut actual = BTreeMap::new();
    for (key, object) in ours {
        let mut found = Differences::new();
        differences("", Some(object), Some(&theirs[&counterpart(key)]), &mut found);
        for (path, values) in found {
            actual.insert((key.clone(), path), values);
        }
    }
    let mut wanted = BTreeMap::new();
    for (object, path, from, to) in &expected.changed {
        assert!(ours.contains_key(*object), "{what}: the expectation names {object}, which is not rendered");
        let previous = wanted.insert((object.to_string(), path.to_string()), (from.clone(), to.clone()));
        assert!(previous.is_none(), "{what}: {object} {path} expected twice");
    }
    let mut problems = Vec::new();
    for (at, values) in &actual {
        match wanted.get(at) {
            None => problems.push(format!("unexpected: {} {}: {:?} -> {:?}", at.0, at.1, values.0, values.1)),
            Some(expected) if expected != values => problems
                .push(format!("{} {}: expected {:?} -> {:?}, got {:?} -> {:?}", at.0, at.1, expected.0, expected.1, values.0, values.1)),
            Some(_) => {}
        }
    }
    for at in wanted.keys().filter(|at| !actual.contains_key(*at)) {
        problems.push(format!("missing: {} {} does not differ", at.0, at.1));
    }
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
}

const ENVIRONMENTS: [&str; 3] = ["dev", "staging", "prod"];

// ---------------------------------------------------------------------------------------------
// Way 1: the Lummo inputs overlaid, then rendered.

/// `kubectl kustomize inputs/overlays/<env>` into a folder, `lummo render -o` of that folder,
/// validated; the rendered objects.
fn render_inputs(root: &Path, env: &str) -> BTreeMap<String, Json> {
    let inputs = root.join(format!("inputs-{env}"));
    std::fs::create_dir_all(&inputs).unwrap();
    let stream = kustomize(&example().join("inputs/overlays").join(env));
    // kustomize drops resources marked local config: every input must come through.
    let kinds: Vec<String> = ResourceList::read(stream.clone().into_bytes()).unwrap().items.iter().map(|i| i.id().to_string()).collect();
    assert_eq!(kinds.len(), 4, "{env}: kustomize gave {kinds:?}");
    std::fs::write(inputs.join("inputs.yaml"), stream).unwrap();

    let out = root.join(format!("manifests-{env}"));
    run_ok(Command::new(LUMMO).args(["render", "-o"]).arg(&out).arg(&inputs));
    validate_dir(&out);
    let rendered = objects(&tree_stream(&out));
    assert_eq!(objects(&run_ok(Command::new(LUMMO).arg("render").arg(&inputs))), rendered, "{env}: -o and stdout differ");
    rendered
}

/// The six Pub/Sub objects, dev's names (`prefix: dev-`) → staging's (`staging-`).
const PUBSUB_STAGING: &[(&str, &str)] = &[
    ("PubSubTopic/dev-payments.refunded", "PubSubTopic/staging-payments.refunded"),
    ("PubSubTopic/dev-payments.refunded.dlx", "PubSubTopic/staging-payments.refunded.dlx"),
    ("PubSubSubscription/dev-payments.refunded.dlx", "PubSubSubscription/staging-payments.refunded.dlx"),
    ("PubSubSubscription/dev-ledger.payments-refunded", "PubSubSubscription/staging-ledger.payments-refunded"),
    ("IAMPolicyMember/dev-payments.refunded.dlx-pubsub-publisher", "IAMPolicyMember/staging-payments.refunded.dlx-pubsub-publisher"),
    (
        "IAMPolicyMember/dev-ledger.payments-refunded-pubsub-subscriber",
        "IAMPolicyMember/staging-ledger.payments-refunded-pubsub-subscriber",
    ),
];
/// The same, dev's names → prod's (`prefix: ""`).
const PUBSUB_PROD: &[(&str, &str)] = &[
    ("PubSubTopic/dev-payments.refunded", "PubSubTopic/payments.refunded"),
    ("PubSubTopic/dev-payments.refunded.dlx", "PubSubTopic/payments.refunded.dlx"),
    ("PubSubSubscription/dev-payments.refunded.dlx", "PubSubSubscription/payments.refunded.dlx"),
    ("PubSubSubscription/dev-ledger.payments-refunded", "PubSubSubscription/ledger.payments-refunded"),
    ("IAMPolicyMember/dev-payments.refunded.dlx-pubsub-publisher", "IAMPolicyMember/payments.refunded.dlx-pubsub-publisher"),
    ("IAMPolicyMember/dev-ledger.payments-refunded-pubsub-subscriber", "IAMPolicyMember/ledger.payments-refunded-pubsub-subscriber"),
];

const ROLLOUT: &str = "Rollout/payments-api";
const ANALYSIS: &str = "AnalysisTemplate/payments-api-error-rate";
const TRAFFIC: &str = "AnalysisTemplate/payments-api-traffic";
const SCALED: &str = "ScaledObject/payments-api";
const CERTIFICATE: &str = "Certificate/payments-api";
const HTTPS: &str = "IngressRoute/payments-api-https";
const HTTP: &str = "IngressRoute/payments-api-http";
const TOPIC: &str = "PubSubTopic/dev-payments.refunded";
const DLX_TOPIC: &str = "PubSubTopic/dev-payments.refunded.dlx";
const DLX_SUBSCRIPTION: &str = "PubSubSubscription/dev-payments.refunded.dlx";
const SUBSCRIPTION: &str = "PubSubSubscription/dev-ledger.payments-refunded";
const PUBLISHER: &str = "IAMPolicyMember/dev-payments.refunded.dlx-pubsub-publisher";
const SUBSCRIBER: &str = "IAMPolicyMember/dev-ledger.payments-refunded-pubsub-subscriber";
const ENV_LABEL: &str = "/metadata/labels/tags.datadoghq.com~1env";
const POD_ENV_LABEL: &str = "/spec/template/metadata/labels/tags.datadoghq.com~1env";
const QUERY: &str = "/spec/metrics/0/provider/datadog/query";
const PROJECT: &str = "/metadata/annotations/cnrm.cloud.google.com~1project-id";

fn query(env: &str) -> Json {
    json!(format!("per_minute(sum:trace.http.request.errors{{service:payments-api,env:{env},version:2.3.0}}.as_count())"))
}

fn traffic_query(env: &str) -> Json {
    json!(format!("sum:trace.http.request.hits{{service:payments-api,env:{env},version:2.3.0}}.as_count()"))
}

/// staging against dev: the env (Datadog tags and queries; the
/// project stays beecash-staging), the most pods, the domain, and the `staging-` prefix.
fn inputs_staging() -> Expected {
    Expected {
        renamed: PUBSUB_STAGING,
        changed: vec![
            change(ROLLOUT, ENV_LABEL, json!("dev"), json!("staging")),
            change(ROLLOUT, POD_ENV_LABEL, json!("dev"), json!("staging")),
            change(ANALYSIS, QUERY, query("dev"), query("staging")),
            change(TRAFFIC, QUERY, traffic_query("dev"), traffic_query("staging")),
            change(SCALED, "/spec/maxReplicaCount", json!(2), json!(4)),
            change(CERTIFICATE, "/spec/dnsNames/0", json!("payments.dev.example.com"), json!("payments.staging.example.com")),
            change(
                HTTPS,
                "/spec/routes/0/match",
                json!("(Host(`payments.dev.example.com`)) && (PathPrefix(`/api`))"),
                json!("(Host(`payments.staging.example.com`)) && (PathPrefix(`/api`))"),
            ),
            change(HTTP, "/spec/routes/0/match", json!("Host(`payments.dev.example.com`)"), json!("Host(`payments.staging.example.com`)")),
            change(TOPIC, "/metadata/name", json!("dev-payments.refunded"), json!("staging-payments.refunded")),
            change(TOPIC, "/spec/resourceID", json!("dev-payments.refunded"), json!("staging-payments.refunded")),
            change(DLX_TOPIC, "/metadata/name", json!("dev-payments.refunded.dlx"), json!("staging-payments.refunded.dlx")),
            change(DLX_TOPIC, "/spec/resourceID", json!("dev-payments.refunded.dlx"), json!("staging-payments.refunded.dlx")),
            change(DLX_SUBSCRIPTION, "/metadata/name", json!("dev-payments.refunded.dlx"), json!("staging-payments.refunded.dlx")),
            change(DLX_SUBSCRIPTION, "/spec/resourceID", json!("dev-payments.refunded.dlx"), json!("staging-payments.refunded.dlx")),
            change(DLX_SUBSCRIPTION, "/spec/topicRef/name", json!("dev-payments.refunded.dlx"), json!("staging-payments.refunded.dlx")),
            change(SUBSCRIPTION, "/metadata/name", json!("dev-ledger.payments-refunded"), json!("staging-ledger.payments-refunded")),
            change(SUBSCRIPTION, "/spec/resourceID", json!("dev-ledger.payments-refunded"), json!("staging-ledger.payments-refunded")),
            change(SUBSCRIPTION, "/spec/topicRef/name", json!("dev-payments.refunded"), json!("staging-payments.refunded")),
            change(
                SUBSCRIPTION,
                "/spec/deadLetterPolicy/deadLetterTopicRef/name",
                json!("dev-payments.refunded.dlx"),
                json!("staging-payments.refunded.dlx"),
            ),
            change(
                PUBLISHER,
                "/metadata/name",
                json!("dev-payments.refunded.dlx-pubsub-publisher"),
                json!("staging-payments.refunded.dlx-pubsub-publisher"),
            ),
            change(PUBLISHER, "/spec/resourceRef/name", json!("dev-payments.refunded.dlx"), json!("staging-payments.refunded.dlx")),
            change(
                SUBSCRIBER,
                "/metadata/name",
                json!("dev-ledger.payments-refunded-pubsub-subscriber"),
                json!("staging-ledger.payments-refunded-pubsub-subscriber"),
            ),
            change(SUBSCRIBER, "/spec/resourceRef/name", json!("dev-ledger.payments-refunded"), json!("staging-ledger.payments-refunded")),
        ],
    }
}

/// prod against dev: the env (Datadog tags and queries, the project tokko-production and its
/// number), the scaling bounds, the domain, and no prefix.
fn inputs_prod() -> Expected {
    let prod_agent = json!("serviceAccount:service-210987654321@gcp-sa-pubsub.iam.gserviceaccount.com");
    let dev_agent = json!("serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com");
    Expected {
        renamed: PUBSUB_PROD,
        changed: vec![
            change(ROLLOUT, ENV_LABEL, json!("dev"), json!("prod")),
            change(ROLLOUT, POD_ENV_LABEL, json!("dev"), json!("prod")),
            change(ANALYSIS, QUERY, query("dev"), query("prod")),
            change(TRAFFIC, QUERY, traffic_query("dev"), traffic_query("prod")),
            change(SCALED, "/spec/minReplicaCount", json!(1), json!(3)),
            change(SCALED, "/spec/maxReplicaCount", json!(2), json!(12)),
            change(CERTIFICATE, "/spec/dnsNames/0", json!("payments.dev.example.com"), json!("payments.example.com")),
            change(
                HTTPS,
                "/spec/routes/0/match",
                json!("(Host(`payments.dev.example.com`)) && (PathPrefix(`/api`))"),
                json!("(Host(`payments.example.com`)) && (PathPrefix(`/api`))"),
            ),
            change(HTTP, "/spec/routes/0/match", json!("Host(`payments.dev.example.com`)"), json!("Host(`payments.example.com`)")),
            change(TOPIC, "/metadata/name", json!("dev-payments.refunded"), json!("payments.refunded")),
            change(TOPIC, "/spec/resourceID", json!("dev-payments.refunded"), json!("payments.refunded")),
            change(TOPIC, PROJECT, json!("beecash-staging"), json!("tokko-production")),
            change(DLX_TOPIC, "/metadata/name", json!("dev-payments.refunded.dlx"), json!("payments.refunded.dlx")),
            change(DLX_TOPIC, "/spec/resourceID", json!("dev-payments.refunded.dlx"), json!("payments.refunded.dlx")),
            change(DLX_TOPIC, PROJECT, json!("beecash-staging"), json!("tokko-production")),
            change(DLX_SUBSCRIPTION, "/metadata/name", json!("dev-payments.refunded.dlx"), json!("payments.refunded.dlx")),
            change(DLX_SUBSCRIPTION, "/spec/resourceID", json!("dev-payments.refunded.dlx"), json!("payments.refunded.dlx")),
            change(DLX_SUBSCRIPTION, "/spec/topicRef/name", json!("dev-payments.refunded.dlx"), json!("payments.refunded.dlx")),
            change(DLX_SUBSCRIPTION, PROJECT, json!("beecash-staging"), json!("tokko-production")),
            change(SUBSCRIPTION, "/metadata/name", json!("dev-ledger.payments-refunded"), json!("ledger.payments-refunded")),
            change(SUBSCRIPTION, "/spec/resourceID", json!("dev-ledger.payments-refunded"), json!("ledger.payments-refunded")),
            change(SUBSCRIPTION, "/spec/topicRef/name", json!("dev-payments.refunded"), json!("payments.refunded")),
            change(
                SUBSCRIPTION,
                "/spec/deadLetterPolicy/deadLetterTopicRef/name",
                json!("dev-payments.refunded.dlx"),
                json!("payments.refunded.dlx"),
            ),
            change(SUBSCRIPTION, PROJECT, json!("beecash-staging"), json!("tokko-production")),
            change(
                PUBLISHER,
                "/metadata/name",
                json!("dev-payments.refunded.dlx-pubsub-publisher"),
                json!("payments.refunded.dlx-pubsub-publisher"),
            ),
            change(PUBLISHER, "/spec/resourceRef/name", json!("dev-payments.refunded.dlx"), json!("payments.refunded.dlx")),
            change(PUBLISHER, "/spec/member", dev_agent.clone(), prod_agent.clone()),
            change(PUBLISHER, PROJECT, json!("beecash-staging"), json!("tokko-production")),
            change(
                SUBSCRIBER,
                "/metadata/name",
                json!("dev-ledger.payments-refunded-pubsub-subscriber"),
                json!("ledger.payments-refunded-pubsub-subscriber"),
            ),
            change(SUBSCRIBER, "/spec/resourceRef/name", json!("dev-ledger.payments-refunded"), json!("ledger.payments-refunded")),
            change(SUBSCRIBER, "/spec/member", dev_agent, prod_agent),
            change(SUBSCRIBER, PROJECT, json!("beecash-staging"), json!("tokko-production")),
        ],
    }
}

#[test]
fn inputs_overlays_render_every_environment_and_differ_from_dev_exactly_as_they_say() {
    let root = scratch("environments-inputs");
    let rendered: BTreeMap<&str, BTreeMap<String, Json>> = ENVIRONMENTS.iter().map(|env| (*env, render_inputs(&root, env))).collect();
    let dev = &rendered["dev"];
    // What dev renders, so that the comparisons below cover every object.
    let expected_dev: BTreeSet<&str> = [
        "AnalysisTemplate/payments-api-error-rate",
        "AnalysisTemplate/payments-api-traffic",
        "Certificate/payments-api",
        "IAMPolicyMember/dev-ledger.payments-refunded-pubsub-subscriber",
        "IAMPolicyMember/dev-payments.refunded.dlx-pubsub-publisher",
        "IngressRoute/payments-api-http",
        "IngressRoute/payments-api-https",
        "Middleware/payments-api-redirect-https",
        "PodDisruptionBudget/payments-api",
        "PubSubSubscription/dev-ledger.payments-refunded",
        "PubSubSubscription/dev-payments.refunded.dlx",
        "PubSubTopic/dev-payments.refunded",
        "PubSubTopic/dev-payments.refunded.dlx",
        "Rollout/payments-api",
        "ScaledObject/payments-api",
        "Service/payments-api",
        "Service/payments-api-canary",
        "Service/payments-api-stable",
        "TraefikService/payments-api-weighted",
    ]
    .into();
    assert_eq!(dev.keys().map(String::as_str).collect::<BTreeSet<_>>(), expected_dev);
    // With an analysis, every environment's canary gives it the 12 minutes it needs.
    let steps =
        json!([{"setWeight": 30}, {"pause": {"duration": "5m"}}, {"setWeight": 60}, {"pause": {"duration": "15m"}}, {"setWeight": 100}]);
    assert_eq!(dev[ROLLOUT].pointer("/spec/strategy/canary/steps"), Some(&steps), "dev's canary");
    assert_eq!(dev[TOPIC].pointer(PROJECT), Some(&json!("beecash-staging")));
    assert_differences("inputs: staging against dev", dev, &rendered["staging"], &inputs_staging());
    assert_differences("inputs: prod against dev", dev, &rendered["prod"], &inputs_prod());
}

/// The inputs of the base are never marked local config (kustomize would drop them), and no
/// file under `inputs/` is a Kptfile (each environment's folder is a package without one).
#[test]
fn the_inputs_base_is_plain_inputs() {
    for (path, text) in read_tree(&example().join("inputs")) {
        assert!(!text.contains("config.kubernetes.io/local-config"), "inputs/{path} is marked local config: kustomize drops it");
        assert!(!path.ends_with("Kptfile"), "inputs/{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// Way 2: the base rendered once, its manifests overlaid.

/// A copy of `manifests/` with the base rendered into `rendered/manifests.yaml` (any such file
/// of the repository's is replaced), validated; the base's rendered objects.
fn render_manifests_base(root: &Path) -> (PathBuf, BTreeMap<String, Json>) {
    let manifests = root.join("manifests");
    copy_dir(&example().join("manifests"), &manifests);
    let base = manifests.join("base");
    let stream = run_ok(Command::new(LUMMO).arg("render").arg(&base));
    std::fs::write(manifests.join("rendered/manifests.yaml"), &stream).unwrap();
    let out = root.join("base-out");
    run_ok(Command::new(LUMMO).args(["render", "-o"]).arg(&out).arg(&base));
    validate_dir(&out);
    let objects_of_base = objects(&stream);
    assert_eq!(objects(&tree_stream(&out)), objects_of_base, "-o and stdout differ");
    (manifests, objects_of_base)
}

/// `kubectl kustomize manifests/overlays/<env>` over the rendered base, validated.
fn render_manifests_overlay(root: &Path, manifests: &Path, env: &str) -> BTreeMap<String, Json> {
    let out = root.join(format!("manifests-{env}"));
    std::fs::create_dir_all(&out).unwrap();
    let stream = kustomize(&manifests.join("overlays").join(env));
    std::fs::write(out.join("manifests.yaml"), &stream).unwrap();
    validate_dir(&out);
    objects(&stream)
}

const DEPLOYMENT: &str = "Deployment/payments-worker";
const IMAGE: &str = "/spec/template/spec/containers/0/image";

#[test]
fn manifest_overlays_render_every_environment_and_differ_from_dev_exactly_as_they_say() {
    let root = scratch("environments-manifests");
    let (manifests, base) = render_manifests_base(&root);
    let expected_base: BTreeSet<&str> =
        ["Deployment/payments-worker", "PodDisruptionBudget/payments-worker", "Service/payments-worker"].into();
    assert_eq!(base.keys().map(String::as_str).collect::<BTreeSet<_>>(), expected_base);
    assert_eq!(base[DEPLOYMENT].pointer("/spec/replicas"), Some(&json!(2)), "the base's pods (2, so that workloads makes the PDB)");

    let rendered: BTreeMap<&str, BTreeMap<String, Json>> =
        ENVIRONMENTS.iter().map(|env| (*env, render_manifests_overlay(&root, &manifests, env))).collect();
    let dev = &rendered["dev"];
    // dev: the base with dev's image tag (its replicas are the base's).
    let dev_against_base = Expected {
        renamed: &[],
        changed: vec![change(
            DEPLOYMENT,
            IMAGE,
            json!("registry.example.com/payments-worker:1.8.2"),
            json!("registry.example.com/payments-worker:1.9.0-rc.2"),
        )],
    };
    assert_differences("manifests: dev against the base", &base, dev, &dev_against_base);
    let staging = Expected {
        renamed: &[],
        changed: vec![
            change(DEPLOYMENT, "/spec/replicas", json!(2), json!(3)),
            change(
                DEPLOYMENT,
                IMAGE,
                json!("registry.example.com/payments-worker:1.9.0-rc.2"),
                json!("registry.example.com/payments-worker:1.9.0-rc.1"),
            ),
        ],
    };
    assert_differences("manifests: staging against dev", dev, &rendered["staging"], &staging);
    let prod = Expected {
        renamed: &[],
        changed: vec![
            change(DEPLOYMENT, "/spec/replicas", json!(2), json!(6)),
            change(
                DEPLOYMENT,
                IMAGE,
                json!("registry.example.com/payments-worker:1.9.0-rc.2"),
                json!("registry.example.com/payments-worker:1.8.2"),
            ),
            change(DEPLOYMENT, "/spec/template/spec/containers/0/resources/requests/cpu", json!("250m"), json!("1")),
            change(DEPLOYMENT, "/spec/template/spec/containers/0/resources/requests/memory", json!("512Mi"), json!("1Gi")),
            change(DEPLOYMENT, "/spec/template/spec/containers/0/resources/limits/memory", json!("512Mi"), json!("1Gi")),
            added(DEPLOYMENT, "/spec/template/spec/priorityClassName", json!("payments-critical")),
        ],
    };
    assert_differences("manifests: prod against dev", dev, &rendered["prod"], &prod);
}

/// The base is a kpt package: `kpt fn render --allow-exec` with its Kptfile's exec pipeline
/// (the canonical one) gives what `lummo render` gives; and `lummo render` of the whole
/// `environments/` folder (what `cargo xtask checkov` does) renders that package only.
#[test]
fn the_manifests_base_renders_with_kpt_as_with_lummo() {
    let root = scratch("environments-kpt");
    assert!(!example().join("Kptfile").exists(), "environments/ must have no Kptfile at its top (see its README)");
    let kptfile = std::fs::read_to_string(example().join("manifests/base/Kptfile")).unwrap();
    let functions = run_ok(Command::new(LUMMO).arg("functions"));
    let steps: String = functions.lines().map(|name| format!("  - exec: {name}\n")).collect();
    assert!(kptfile.ends_with(&format!("pipeline:\n  mutators:\n{steps}")), "the base's Kptfile lists the canonical pipeline:\n{kptfile}");

    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in functions.lines() {
        std::os::unix::fs::symlink(LUMMO, bin.join(name)).unwrap();
    }
    let package = root.join("base");
    copy_dir(&example().join("manifests/base"), &package);
    kpt_render_ok(bin.join("workloads").to_str().unwrap(), &package);
    let by_lummo = objects(&run_ok(Command::new(LUMMO).arg("render").arg(example().join("manifests/base"))));
    assert_eq!(objects(&tree_stream(&package)), by_lummo, "kpt renders other manifests than lummo");
    assert_eq!(objects(&run_ok(Command::new(LUMMO).arg("render").arg(example()))), by_lummo, "lummo render environments/");
}
