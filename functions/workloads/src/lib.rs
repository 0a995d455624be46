//! `workloads`: servers (`LummoDeployment`), jobs (`LummoJob`, `LummoCronJob`) and container
//! templates (`LummoContainer`) → Argo Rollouts or Deployments, Services, PodDisruptionBudgets,
//! Jobs, CronJobs and the ExternalSecrets of Vault secrets.
//!
//! Reads top-down: input types (`spec.rs`), the function (here: migration, then per input
//! decode → validate → build), containers and pods (`pod.rs`), the outputs (`build.rs`).
//! The README (printed by `--help`) is the user documentation.

pub mod build;
pub mod checks;
pub mod identity;
pub mod network;
pub mod pod;
pub mod settings;
pub mod spec;
pub mod templates;

use std::collections::BTreeMap;

use lummo_inputs::{ports, workload};
use lummo_krm::input::InputKind;
use lummo_krm::platform::Platform;
use lummo_krm::yaml::{Node, Value};
use lummo_krm::{About, Function, Generated, Input, Report, ResourceList};

pub use settings::Settings;
use spec::{ContainerSpec, DeploymentSpec, JobSpec};
use templates::Templates;

pub use lummo_inputs::workload::{CRON_JOB, DEPLOYMENT, JOB};
pub const CONTAINER: &str = "LummoContainer";

#[derive(Default)]
pub struct Workloads {
    pub settings: Settings,
}

pub const ABOUT: About = About {
    name: "workloads",
    version: env!("CARGO_PKG_VERSION"),
    help: include_str!("../README.md"),
    group: &lummo_policy::group::LUMMO,
    kinds: &[
        InputKind::with_legacy_names(DEPLOYMENT, workload::DEPLOYMENT_EARLIER_NAMES).with_spec::<DeploymentSpec>(),
        InputKind::new(JOB).with_spec::<JobSpec>(),
        InputKind::with_legacy_names(CRON_JOB, workload::CRON_JOB_EARLIER_NAMES).with_spec::<JobSpec>(),
        InputKind::new(CONTAINER).with_spec::<ContainerSpec>(),
    ],
    generates: &[
        "Rollout",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "AnalysisTemplate",
        "Job",
        "CronJob",
        "ExternalSecret",
        "ServiceAccount",
        "IAMServiceAccount",
        "IAMPolicyMember",
    ],
    needs: &[],
};

impl Function for Workloads {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn migrate(&self, input: &mut Input, report: &mut Report) {
        for (path, message) in migrate(&mut input.node) {
            input.warning(report, &path, message);
        }
    }

    fn with_platform(&self, platform: &Platform, report: &mut Report) -> Option<Box<dyn Function>> {
        Some(Box::new(Workloads { settings: Settings::from_platform(platform, report) }))
    }

    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let network = network::context(inputs, routed_apps(resources));
        let mut template_specs: Vec<(usize, ContainerSpec)> = Vec::new();
        for (index, input) in inputs.iter().enumerate().filter(|(_, i)| i.kind == CONTAINER) {
            if let Some(spec) = input.decode_spec::<ContainerSpec>(report) {
                if let Some((first, _)) = template_specs.iter().find(|(i, _)| inputs[*i].name() == input.name()) {
                    input.error(report, "metadata.name", format!("another LummoContainer has this name ({})", inputs[*first].id()));
                }
                template_specs.push((index, spec));
            }
        }
        let templates = Templates { by_name: template_specs.iter().map(|(i, spec)| (inputs[*i].name(), spec)).collect::<BTreeMap<_, _>>() };

        let mut generated = Vec::new();
        let mut identities = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            let checkpoint = report.checkpoint();
            let mut identity = |shared: spec::Shared, hook, report: &mut Report| {
                identities.extend(identity::plan(&self.settings, index, input, &shared, hook, report));
            };
            let objects = match input.kind {
                DEPLOYMENT => input.decode_spec::<DeploymentSpec>(report).and_then(|spec| {
                    identity(spec.shared(), None, report);
                    build::server(self, input, &spec, &templates, &network, report)
                }),
                JOB | CRON_JOB => input.decode_spec::<JobSpec>(report).and_then(|spec| {
                    let hook = spec.runs.filter(|_| input.kind == JOB).map(|runs| build::hook_annotations(&self.settings.hook, runs));
                    identity(spec.shared(), hook, report);
                    build::job(self, input, &spec, &templates, &network, report)
                }),
                _ => None,
            };
            if !report.errors_since(checkpoint) {
                generated.extend(objects.into_iter().flatten().map(|object| Generated { input: index, object }));
            }
        }
        generated.extend(identity::outputs(&self.settings, &identities));
        generated
    }
}

/// Rewrites shapes the earlier implementation accepted into today's, returning a warning (field
/// path, message) for each change.
pub fn migrate(node: &mut Node) -> Vec<(String, String)> {
    let mut warnings = Vec::new();
    let was_rollout = node.get("kind").and_then(Node::as_str) == Some("LummoRollout");
    let Some(spec) = node.get_mut("spec") else { return warnings };
    if was_rollout && spec.get("strategy").is_none() {
        spec.set("strategy", Node::new(Value::Map(Vec::new())));
        warnings.push(("kind".into(), "a LummoRollout is a LummoDeployment with a strategy: added `strategy: {}`".into()));
    }
    if let Some(strategy) = spec.get_mut("strategy")
        && strategy.get("analysis").is_none()
        && let Some(metrics) = strategy.remove("metrics")
    {
        strategy.set("analysis", metrics);
        warnings.push(("spec.strategy.metrics".into(), "is the earlier name of \"spec.strategy.analysis\": rename it".into()));
    }
    if spec.remove("generateNameSuffix").is_some() {
        warnings.push(("spec.generateNameSuffix".into(), "is no longer needed: a Job's name always ends in a hash of its content".into()));
    }
    let containers: Vec<(String, &mut Node)> = match spec.get_mut("containers") {
        Some(Node { value: Value::Seq(list), .. }) => {
            list.iter_mut().enumerate().map(|(i, c)| (format!("spec.containers[{i}]"), c)).collect()
        }
        Some(one @ Node { value: Value::Map(_), .. }) => vec![("spec.containers".into(), one)],
        _ => Vec::new(),
    };
    for (path, container) in containers {
        for port_name in [ports::GRPC, ports::HTTP] {
            let Some(number) = container.get(port_name).and_then(|p| p.get("port")).cloned() else { continue };
            container.remove(port_name);
            container.map_at("ports").set(port_name, number);
            warnings.push((
                format!("{path}.{port_name}.port"),
                format!("is the earlier form of \"ports: {{{port_name}: <number>}}\": rewrite it"),
            ));
        }
        let env_list = match container.get("env").map(|e| &e.value) {
            Some(Value::Seq(entries)) => {
                entries.iter().map(|e| Some((e.get("name")?.as_str()?.to_string(), e.get("value")?.clone()))).collect::<Option<Vec<_>>>()
            }
            _ => None,
        };
        if let Some(pairs) = env_list {
            let mut env = Node::new(Value::Map(Vec::new()));
            for (name, value) in pairs {
                env.set(&name, value);
            }
            container.set("env", env);
            warnings.push((format!("{path}.env"), "a list of {name, value} is the earlier form of a map `NAME: value`: rewrite it".into()));
        }
    }
    warnings
}

/// The apps a LummoNetworking of the run routes requests to: their canaries' weights can be
/// shares of requests (networking wires Argo Rollouts' traffic routing), the others' are
/// shares of pods.
fn routed_apps(resources: &ResourceList) -> std::collections::BTreeSet<String> {
    let networking = resources.items.iter().filter(|item| item.kind() == lummo_inputs::networking::KIND);
    let specs = networking.filter_map(|item| item.node().get("spec").or_else(|| item.node().get("data")).map(|spec| spec.to_json()));
    let apps = specs.filter_map(|spec| serde_json::from_value::<lummo_inputs::networking::RoutedApp>(spec).ok());
    apps.filter_map(|app| app.routed().map(str::to_string)).collect()
}
