//! Properties of the whole pipeline, over generated packages: foreign resources written in every
//! YAML style, mixed in any order with any subset of Lummo inputs.
//! - every item no function owns comes out with the same content, in the same order;
//! - the output reads back;
//! - running again changes nothing, byte for byte;
//! - removing an input removes exactly what it generated.

use lummo_krm::ownership::{GENERATED_BY, GENERATED_FROM};
use lummo_krm::{Function, Report, ResourceList, engine};
use proptest::prelude::*;

/// The functions in the canonical order, as `lummo render` runs them (the catalog).
fn pipeline() -> Vec<Box<dyn Function>> {
    lummo_catalog::functions()
}

/// Resources no function owns, each in a YAML style of its own. `{i}` tells copies apart.
const FOREIGN: &[&str] = &[
    // Block scalars, quoted strings YAML 1.1 would read as booleans or octal, a comment.
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script-{i}\ndata:\n  run.sh: |\n    echo \"{i}\"\n    exit 0\n  folded: >-\n    one\n    two\n  mode: '0755'  # kept quoted\n  flag: \"on\"\n  version: \"1.10\"\n",
    // Flow style throughout.
    "{apiVersion: v1, kind: ConfigMap, metadata: {name: flow-{i}}, data: {a: 'yes', b: \"~\", c: '12345678901234567890'}}\n",
    // Anchors, aliases and a merge key.
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: legacy-{i}\n  labels: &labels {app: legacy-{i}}\nspec:\n  selector: {matchLabels: *labels}\n  template:\n    metadata: {labels: {<<: *labels, tier: web}}\n    spec:\n      containers:\n      - {name: app, image: 'registry.example.com/legacy:1.0'}\n",
    // A kind nobody knows, with numbers and unicode, and the other sequence indent style.
    "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: widget-{i}\nspec:\n  sizes:\n    - 1.10\n    - 0x1F\n    - 12345678901234567890\n  label: \"日本語 ✓\"\n  empty: {}\n",
];

/// Lummo inputs (and the foreign Service networking routes to), each valid on its own.
const INPUTS: &[&str] = &[
    "apiVersion: krm.lummo.com/v1\nkind: LummoDeployment\nmetadata:\n  name: api\nspec:\n  app: api\n  part-of: shop\n  containers:\n    image: registry.example.com/api:1.2.0\n    ports: {http: 8080}\n    resources: {cpu: 100m, memory: 128Mi}\n    probes: {readiness: {http: /ready}}\n  scaling: {maxreplica: 4, cpu: {target: 60}}\n  monitoring: {datadog: true}\n",
    "apiVersion: krm.lummo.com/v1\nkind: LummoNetworking\nmetadata:\n  name: site\nspec:\n  app: site\n  domains: [site.example.com]\n  routes:\n  - match: PathPrefix(`/`)\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: site\nspec:\n  selector: {app: site}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n",
    "apiVersion: krm.lummo.com/v1\nkind: pgbouncer\nmetadata:\n  name: pool\nspec:\n  connectionSecret: pool-creds\n  config: {POOL_MODE: transaction}\n",
    "apiVersion: krm.lummo.com/v1\nkind: LummoTopic\nmetadata:\n  name: events\nspec:\n  prefix: dev-\n  projectNumber: 42\n  topics: [orders]\n",
    "apiVersion: krm.lummo.com/v1\nkind: LummoSubscription\nmetadata:\n  name: events\nspec:\n  prefix: dev-\n  projectNumber: 42\n  subscriptions: [{topic: orders, subscription: billing}]\n",
];

/// One resource as an item of a ResourceList, in file `file` at `index`.
fn item(text: &str, file: &str, index: usize) -> String {
    let annotations = format!(
        "config.kubernetes.io/path: '{file}'\n    config.kubernetes.io/index: '{index}'\n    internal.config.kubernetes.io/path: '{file}'\n    internal.config.kubernetes.io/index: '{index}'"
    );
    let text = if text.starts_with('{') {
        text.replacen("metadata: {", &format!("metadata: {{annotations: {{config.kubernetes.io/path: '{file}', config.kubernetes.io/index: '{index}', internal.config.kubernetes.io/path: '{file}', internal.config.kubernetes.io/index: '{index}'}}, "), 1)
    } else {
        text.replacen("metadata:\n", &format!("metadata:\n  annotations:\n    {annotations}\n"), 1)
    };
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    std::iter::once(format!("- {first}")).chain(lines.map(|line| format!("  {line}"))).collect::<Vec<_>>().join("\n") + "\n"
}

/// A package: which resources, in which order, each in a file of its own.
fn package() -> impl Strategy<Value = String> {
    let foreign = prop::collection::vec(0..FOREIGN.len(), 0..6);
    let inputs = prop::sample::subsequence((0..INPUTS.len()).collect::<Vec<_>>(), 0..=INPUTS.len());
    (foreign, inputs).prop_flat_map(|(foreign, inputs)| {
        let mut texts: Vec<String> = foreign.iter().enumerate().map(|(i, &f)| FOREIGN[f].replace("{i}", &i.to_string())).collect();
        texts.extend(inputs.iter().map(|&i| INPUTS[i].to_string()));
        Just(texts).prop_shuffle().prop_map(|texts| {
            let items: String = texts.iter().enumerate().map(|(i, text)| item(text, &format!("pkg/r{i}.yaml"), 0)).collect();
            format!("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{items}")
        })
    })
}

/// The pipeline on a ResourceList's text: the output text, with no error allowed.
fn render(text: &str) -> String {
    let mut list = ResourceList::read(text.as_bytes().to_vec()).expect("the package reads");
    let functions = pipeline();
    let functions: Vec<&dyn Function> = functions.iter().map(|f| f.as_ref()).collect();
    let mut report = Report::default();
    engine::run_pipeline(&functions, &mut list, &mut report);
    assert!(!report.has_errors(), "{:?}", report.results);
    list.write(&report.results).expect("the output writes")
}

/// The items no function generated and that are no input: their content, in order. (That
/// untouched items keep their very bytes is the passthrough corpus's test, through kpt.)
fn foreign_items(list: &ResourceList) -> Vec<serde_json::Value> {
    let is_input = |item: &lummo_krm::Item| item.api_version() == lummo_krm::input::API_VERSION;
    list.items.iter().filter(|i| i.annotation(GENERATED_BY).is_none() && !is_input(i)).map(|i| i.node().to_json()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn foreign_items_survive_and_rendering_is_idempotent(text in package()) {
        let before = ResourceList::read(text.as_bytes().to_vec()).unwrap();
        let output = render(&text);
        let after = ResourceList::read(output.as_bytes().to_vec()).expect("the output reads back");
        prop_assert_eq!(foreign_items(&after), foreign_items(&before));
        prop_assert_eq!(render(&output), output);
    }

    #[test]
    fn removing_an_input_removes_exactly_what_it_generated(text in package(), pick in any::<prop::sample::Index>()) {
        let output = render(&text);
        let list = ResourceList::read(output.as_bytes().to_vec()).unwrap();
        let inputs: Vec<_> = list.items.iter().filter(|i| i.api_version() == lummo_krm::input::API_VERSION).collect();
        prop_assume!(!inputs.is_empty());
        let removed = inputs[pick.index(inputs.len())];
        let (removed_id, generated_from) = (removed.id(), format!("{}/{}", removed.kind(), removed.name()));
        let made_by_it = |item: &lummo_krm::Item| item.annotation(GENERATED_FROM) == Some(generated_from.as_str());
        let mut without = ResourceList::read(output.as_bytes().to_vec()).unwrap();
        without.items.retain(|item| item.id() != removed_id);
        let rendered = ResourceList::read(render(&without.write(&[]).unwrap()).into_bytes()).unwrap();
        let expected: Vec<_> = without.items.iter().filter(|i| !made_by_it(i)).map(|i| i.id()).collect();
        let actual: Vec<_> = rendered.items.iter().map(|i| i.id()).collect();
        prop_assert_eq!(actual, expected);
    }
}
