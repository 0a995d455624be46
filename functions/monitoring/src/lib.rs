//! `monitoring`: the `monitoring` block of `LummoDeployment`, `LummoJob` and `LummoCronJob`
//! → Datadog's unified service tags and environment variables on the workloads that
//! `workloads` generated from the same input, and Prometheus scraping of their pods (Datadog
//! autodiscovery annotations, or a prometheus-operator PodMonitor).
//!
//! A decorating function: it changes resources another function generated, through the
//! engine's `Decorator`. Reads top-down: the input (the shared `MonitoringSpec`), the plan for
//! one input (every check happens here, in `generate`), the outputs (PodMonitors) and the
//! decoration (labels, env vars, annotations).

pub mod settings;
pub mod workload;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EnvVar, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use lummo_inputs::datadog::{self, ServiceTags};
use lummo_inputs::monitoring::{PortRef, openmetrics_annotation};
use lummo_inputs::workload::{CRON_JOB, CRON_JOB_EARLIER_NAMES, DEPLOYMENT, DEPLOYMENT_EARLIER_NAMES, JOB};
use lummo_inputs::{MonitoringSpec, WorkloadInput};
use lummo_kinds::ObjectMeta;
use lummo_kinds::prometheus::{PodMetricsEndpoint, PodMonitor, PodMonitorSpec};
use lummo_krm::input::InputKind;
use lummo_krm::names::check_label_value;
use lummo_krm::platform::Platform;
use lummo_krm::{About, Decorator, Function, Generated, Input, Report, ResourceList};
use lummo_policy::labels;

pub use settings::{Scraping, Settings};
use workload::Workload;

/// The generated items of the run, by the input they came from.
type GeneratedBy<'a> = std::collections::HashMap<&'a str, Vec<&'a lummo_krm::Item>>;

pub const ABOUT: About = About {
    name: "monitoring",
    version: env!("CARGO_PKG_VERSION"),
    help: include_str!("../README.md"),
    group: &lummo_policy::group::LUMMO,
    kinds: &[
        InputKind::read_only(DEPLOYMENT, DEPLOYMENT_EARLIER_NAMES),
        InputKind::read_only(JOB, &[]),
        InputKind::read_only(CRON_JOB, CRON_JOB_EARLIER_NAMES),
    ],
    generates: &["PodMonitor"],
    // It decorates the workloads workloads generates.
    needs: &["workloads"],
};

#[derive(Default)]
pub struct Monitoring {
    pub settings: Settings,
}

/// What monitoring does to the workloads of one input.
struct Plan {
    /// What the input says.
    input: WorkloadInput,
    /// The workloads generated from it.
    workloads: Vec<Workload>,
    /// Unified service tags (label → value), when Datadog is on.
    datadog: Option<BTreeMap<String, String>>,
    scrape: Option<Scrape>,
}

/// One metrics endpoint of the pods.
struct Scrape {
    container: String,
    port_name: Option<String>,
    port_number: i32,
    path: String,
    by_pod_monitor: bool,
}

impl Function for Monitoring {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn with_platform(&self, platform: &Platform, report: &mut Report) -> Option<Box<dyn Function>> {
        Some(Box::new(Monitoring { settings: Settings::from_platform(platform, report) }))
    }

    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let mut generated = Vec::new();
        let by_input = resources.by_generating_input();
        for (index, input) in inputs.iter().enumerate() {
            let Some(plan) = self.plan(input, &by_input, report) else { continue };
            if let Some(scrape) = plan.scrape.as_ref().filter(|s| s.by_pod_monitor) {
                generated.push(Generated::new(index, &pod_monitor(input, &plan.input, scrape)));
            }
        }
        generated
    }

    fn decorate(&self, inputs: &[Input], resources: &mut Decorator, report: &mut Report) {
        // Every problem was reported by `generate` (the step stops there on errors); the plans
        // are made again, their warnings not repeated.
        let plans: Vec<(&Input, Plan)> = {
            let by_input = resources.resources().by_generating_input();
            inputs.iter().filter_map(|input| Some((input, self.plan(input, &by_input, &mut Report::default())?))).collect()
        };
        for (input, plan) in plans {
            for workload in &plan.workloads {
                let edited = workload::edit(resources, workload, |metadata, template| self.apply(&plan, metadata, template));
                if let Err(message) = edited {
                    input.error(report, "spec.monitoring", message);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The plan for one input, with every check

impl Monitoring {
    fn plan(&self, input: &Input, by_input: &GeneratedBy, report: &mut Report) -> Option<Plan> {
        let workload = input.decode_part::<WorkloadInput>(report)?;
        let monitoring = workload.monitoring.clone()?;
        let datadog = monitoring.datadog == Some(true);
        if !datadog && monitoring.prometheus.is_none() {
            return None;
        }
        let checkpoint = report.checkpoint();
        let workloads = generated_workloads(input, by_input, report);
        let first = workloads.first()?;
        let tags = datadog.then(|| self.service_tags(input, &workload, &monitoring, first, report));
        if let Some(tags) = &tags {
            self.check_own_env(input, &workload, first, tags, report);
        }
        let scrape = monitoring.prometheus.as_ref().and_then(|_| self.scrape(input, &monitoring, datadog, first, report));
        if report.errors_since(checkpoint) {
            return None;
        }
        Some(Plan { input: workload, workloads, datadog: tags, scrape })
    }

    /// `tags.datadoghq.com/{service,env,version}`: the app, its `env`, and the version (given,
    /// or the first container's image tag), as `lummo_inputs::datadog` builds them for every
    /// function. Each must be a valid label value.
    fn service_tags(
        &self,
        input: &Input,
        workload: &WorkloadInput,
        monitoring: &MonitoringSpec,
        first: &Workload,
        report: &mut Report,
    ) -> BTreeMap<String, String> {
        let image = first.template.spec.as_ref().and_then(|p| p.containers.first()).and_then(|c| c.image.as_deref()).unwrap_or_default();
        let tags = ServiceTags::new(&workload.app, workload.env.as_deref(), monitoring.version.as_deref(), image);
        if let Some(Err(message)) = tags.env.as_deref().map(check_label_value) {
            input.error(report, "spec.env", format!("{message} (Datadog's env tag is a label)"));
        }
        match tags.version.as_deref().map(check_label_value) {
            Some(Err(message)) if monitoring.version.is_some() => input.error(report, "spec.monitoring.version", message),
            Some(Err(message)) => input.error(
                report,
                "spec.monitoring.version",
                format!("the image tag of {image:?} cannot be Datadog's version tag ({message}): set monitoring.version"),
            ),
            _ => {}
        }
        tags.labels()
    }

    /// A variable the user set on a container wins over Datadog's; say so. (One that equals
    /// Datadog's is an earlier decoration, not the user's.)
    fn check_own_env(
        &self,
        input: &Input,
        workload: &WorkloadInput,
        first: &Workload,
        tags: &BTreeMap<String, String>,
        report: &mut Report,
    ) {
        let paths = workload.containers.as_ref().map(|c| c.entries("spec.containers")).unwrap_or_default();
        let containers = first.template.spec.as_ref().map(|p| p.containers.as_slice()).unwrap_or_default();
        let ours = self.datadog_variables(tags);
        for (container, (path, _)) in containers.iter().zip(paths) {
            for own in container.env.iter().flatten() {
                if ours.iter().any(|v| v.name == own.name && v != own) {
                    input.warning(
                        report,
                        &format!("{path}.env.{}", own.name),
                        "set here, so monitoring leaves it as it is instead of setting Datadog's value",
                    );
                }
            }
        }
    }

    /// The metrics endpoint: `prometheus.endpoint` on `prometheus.port` (a container port by
    /// name or number; by default the port named `metrics`).
    fn scrape(&self, input: &Input, monitoring: &MonitoringSpec, datadog: bool, first: &Workload, report: &mut Report) -> Option<Scrape> {
        let prometheus = monitoring.prometheus.as_ref()?;
        let path = prometheus.endpoint.clone().unwrap_or_else(|| self.settings.default_endpoint.clone());
        if !path.starts_with('/') || path.contains(char::is_whitespace) {
            input.error(report, "spec.monitoring.prometheus.endpoint", format!("{path:?} is not a path: write it like /metrics"));
        }
        let containers = first.template.spec.as_ref().map(|p| p.containers.as_slice()).unwrap_or_default();
        let ports = containers.iter().flat_map(|c| c.ports.iter().flatten().map(move |p| (c, p)));
        let wanted = prometheus.port.clone().unwrap_or_else(|| PortRef::Name(self.settings.default_port_name.clone()));
        let found = ports.clone().find(|(_, p)| match &wanted {
            PortRef::Number(number) => p.container_port == i32::from(*number),
            PortRef::Name(name) => p.name.as_deref() == Some(name),
        });
        let Some((container, port)) = found else {
            let known: Vec<String> = ports.map(|(_, p)| p.name.clone().unwrap_or_else(|| p.container_port.to_string())).collect();
            let what = match &wanted {
                PortRef::Number(number) => format!("port {number}"),
                PortRef::Name(name) => format!("port {name:?}"),
            };
            let hint = if prometheus.port.is_none() { " (set prometheus.port)" } else { "" };
            input.error(
                report,
                "spec.monitoring.prometheus.port",
                format!("no container has {what}{hint}; the ports: [{}]", known.join(", ")),
            );
            return None;
        };
        let by_pod_monitor = self.settings.scraping.by_pod_monitor(datadog);
        Some(Scrape {
            container: container.name.clone(),
            port_name: port.name.clone(),
            port_number: port.container_port,
            path,
            by_pod_monitor,
        })
    }
}

/// The workloads workloads generated from `input`, read as their types; an error when there
/// are none (monitoring ran before workloads, or alone).
fn generated_workloads(input: &Input, by_input: &GeneratedBy, report: &mut Report) -> Vec<Workload> {
    let generated = by_input.get(input.id().as_str()).map(Vec::as_slice).unwrap_or_default();
    let mut workloads = Vec::new();
    for read in generated.iter().filter_map(|item| workload::read(item)) {
        match read {
            Ok(workload) => workloads.push(workload),
            Err(message) => input.error(report, "spec.monitoring", message),
        }
    }
    if workloads.is_empty() {
        input.error(report, "spec.monitoring", "the workload of this input is not among the resources: run workloads before monitoring");
    }
    workloads
}

// ---------------------------------------------------------------------------------------------
// Outputs and decoration

fn pod_monitor(input: &Input, workload: &WorkloadInput, scrape: &Scrape) -> PodMonitor {
    let metadata = ObjectMeta {
        name: Some(workload.app.clone()),
        namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
        labels: Some(labels::common(&workload.app, workload.part_of.as_deref())),
        ..ObjectMeta::default()
    };
    let endpoint = PodMetricsEndpoint {
        port: scrape.port_name.clone(),
        port_number: scrape.port_name.is_none().then_some(scrape.port_number),
        path: scrape.path.clone(),
    };
    let selector = LabelSelector { match_labels: Some(labels::selector(&workload.app)), ..LabelSelector::default() };
    PodMonitor::new(metadata, PodMonitorSpec { selector, pod_metrics_endpoints: vec![endpoint] })
}

impl Monitoring {
    /// The decoration of one workload. Every change is a set, never an append of what is
    /// already there, so decorating twice equals once.
    fn apply(&self, plan: &Plan, metadata: &mut ObjectMeta, template: &mut PodTemplateSpec) {
        if let Some(tags) = &plan.datadog {
            datadog::tag_pods(tags, &self.datadog_variables(tags), &mut metadata.labels, template);
        }
        if let Some(scrape) = plan.scrape.as_ref().filter(|s| !s.by_pod_monitor) {
            let annotations = template.metadata.get_or_insert_default().annotations.get_or_insert_default();
            let (key, check) = openmetrics_annotation(&scrape.container, scrape.port_number, &scrape.path, &plan.input.app);
            annotations.insert(key, check);
        }
    }

    /// Datadog's variables, read from the pod's own labels through the downward API, so they
    /// always agree with the tags; plus the earlier implementation's two.
    fn datadog_variables(&self, tags: &BTreeMap<String, String>) -> Vec<EnvVar> {
        let s = &self.settings;
        let mut variables = ServiceTags::of_labels(tags).map(|tags| tags.variables()).unwrap_or_default();
        variables.push(EnvVar { name: s.apm_flag.0.into(), value: Some(s.apm_flag.1.into()), value_from: None });
        variables.push(datadog::field_variable(s.service_name_variable, &format!("metadata.labels['{}']", labels::APP)));
        variables
    }
}
