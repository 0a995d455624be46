//! The outputs of one checked input.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMap, ConfigMapEnvSource, Container, ContainerPort, EmptyDirVolumeSource, EnvFromSource, EnvVar, EnvVarSource,
    ExecAction, Lifecycle, LifecycleHandler, PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SeccompProfile,
    SecretEnvSource, SecretKeySelector, SecurityContext, Service, ServicePort, ServiceSpec, TCPSocketAction, TopologySpreadConstraint,
    Volume, VolumeMount,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use lummo_inputs::monitoring::openmetrics_annotation;
use lummo_kinds::prometheus::{PodMetricsEndpoint, PodMonitor, PodMonitorSpec};
use lummo_kinds::{IntOrString, ObjectMeta};
use lummo_policy::{labels, vault};
use serde_json::Value as Json;

use crate::settings::Requests;
use crate::{Pgbouncer, Plan};

fn json<T: serde::Serialize>(object: &T) -> Json {
    serde_json::to_value(object).expect("output types serialise to JSON")
}

impl Pgbouncer {
    /// ConfigMaps, Service, Deployment, PodDisruptionBudget, PodMonitor, ExternalSecret.
    pub(crate) fn build(&self, plan: &Plan) -> Vec<Json> {
        let s = &self.settings;
        let labels = labels::common(&plan.name, plan.part_of.as_deref());
        let metadata = |name: &str| ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(plan.input.namespace().to_string()).filter(|ns| !ns.is_empty()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        };
        let selector = LabelSelector { match_labels: Some(labels::selector(&plan.name)), ..LabelSelector::default() };
        let mut outputs = Vec::new();
        if !plan.variables.is_empty() {
            let data = plan.variables.clone();
            outputs.push(json(&ConfigMap { metadata: metadata(&plan.name), data: Some(data), ..ConfigMap::default() }));
        }
        let address =
            BTreeMap::from([(s.address_host_key.to_string(), self.host(plan)), (s.address_port_key.to_string(), s.port.to_string())]);
        outputs.push(json(&ConfigMap { metadata: metadata(&self.address_name(&plan.name)), data: Some(address), ..ConfigMap::default() }));
        outputs.push(json(&self.service(plan, metadata(&plan.name))));
        let mut deployment_metadata = metadata(&plan.name);
        deployment_metadata.annotations = Some(BTreeMap::from([(s.reloader_annotation.to_string(), "true".to_string())]));
        let spec = DeploymentSpec {
            replicas: Some(plan.replicas),
            selector: selector.clone(),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(IntOrString::Int(s.max_surge)),
                    max_unavailable: Some(IntOrString::Int(0)),
                }),
            }),
            template: self.pod(plan, &labels, &selector),
            ..DeploymentSpec::default()
        };
        outputs.push(json(&Deployment { metadata: deployment_metadata, spec: Some(spec), status: None }));
        let budget = PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(s.pdb_max_unavailable)),
            selector: Some(selector.clone()),
            ..PodDisruptionBudgetSpec::default()
        };
        outputs.push(json(&PodDisruptionBudget { metadata: metadata(&plan.name), spec: Some(budget), status: None }));
        if s.scraping.by_pod_monitor(plan.datadog) {
            let endpoint = PodMetricsEndpoint { port: Some(s.exporter_port_name.into()), port_number: None, path: s.metrics_path.into() };
            outputs.push(json(&PodMonitor::new(metadata(&plan.name), PodMonitorSpec { selector, pod_metrics_endpoints: vec![endpoint] })));
        }
        if let Some(path) = &plan.vault_path {
            let labels = match &plan.part_of {
                Some(part_of) => labels::shared(part_of),
                None => labels::common(&plan.name, None),
            };
            let mut metadata = metadata(&plan.secret);
            metadata.labels = Some(labels);
            outputs.push(json(&vault::external_secret(metadata, &plan.secret, path, &s.vault)));
        }
        outputs
    }

    /// The Service's address: its name within the namespace, or its cluster name when the
    /// input names a namespace.
    fn host(&self, plan: &Plan) -> String {
        match plan.input.namespace() {
            "" => plan.name.clone(),
            namespace => format!("{}.{namespace}.svc", plan.name),
        }
    }

    fn service(&self, plan: &Plan, metadata: ObjectMeta) -> Service {
        let s = &self.settings;
        let port = ServicePort {
            name: Some(s.port_name.into()),
            port: s.port,
            target_port: Some(IntOrString::String(s.port_name.into())),
            protocol: Some("TCP".into()),
            ..ServicePort::default()
        };
        let spec = ServiceSpec { ports: Some(vec![port]), selector: Some(labels::selector(&plan.name)), ..ServiceSpec::default() };
        Service { metadata, spec: Some(spec), status: None }
    }
}

impl Pgbouncer {
    /// Two containers, spread across nodes, with the secure defaults of every Lummo pod.
    fn pod(&self, plan: &Plan, labels: &BTreeMap<String, String>, selector: &LabelSelector) -> PodTemplateSpec {
        let s = &self.settings;
        let spread = TopologySpreadConstraint {
            max_skew: 1,
            topology_key: "kubernetes.io/hostname".into(),
            when_unsatisfiable: "DoNotSchedule".into(),
            label_selector: Some(selector.clone()),
            ..TopologySpreadConstraint::default()
        };
        let volumes = s.writable_dirs.iter().map(|(name, _)| Volume {
            name: (*name).into(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Volume::default()
        });
        let spec = PodSpec {
            containers: vec![self.pooler(plan), self.exporter(plan)],
            automount_service_account_token: Some(false),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(s.run_as_user),
                run_as_group: Some(s.run_as_user),
                seccomp_profile: Some(SeccompProfile { type_: "RuntimeDefault".into(), localhost_profile: None }),
                ..PodSecurityContext::default()
            }),
            topology_spread_constraints: Some(vec![spread]),
            volumes: Some(volumes.collect()),
            ..PodSpec::default()
        };
        let annotations = (!s.scraping.by_pod_monitor(plan.datadog))
            .then(|| BTreeMap::from([openmetrics_annotation(s.exporter_container, s.exporter_port, s.metrics_path, "pgbouncer")]));
        let metadata = ObjectMeta { labels: Some(labels.clone()), annotations, ..ObjectMeta::default() };
        PodTemplateSpec { metadata: Some(metadata), spec: Some(spec) }
    }

    fn pooler(&self, plan: &Plan) -> Container {
        let s = &self.settings;
        let mut env_from = Vec::new();
        if !plan.variables.is_empty() {
            let config = ConfigMapEnvSource { name: plan.name.clone(), optional: None };
            env_from.push(EnvFromSource { config_map_ref: Some(config), ..EnvFromSource::default() });
        }
        // Last, so that the connection secret wins over config for the fields both set.
        let secret = SecretEnvSource { name: plan.secret.clone(), optional: None };
        env_from.push(EnvFromSource { secret_ref: Some(secret), ..EnvFromSource::default() });
        // The image exposes the database as `postgres` unless told otherwise; apps connect with
        // their database's own name, so expose that one.
        let env = (!plan.variables.contains_key("PGBOUNCER_DATABASE")).then(|| vec![value("PGBOUNCER_DATABASE", "$(POSTGRESQL_DATABASE)")]);
        let tcp = |timings| tcp_probe(s.port_name, timings);
        let pre_stop = LifecycleHandler {
            exec: Some(ExecAction { command: Some(vec!["sleep".into(), s.pre_stop_sleep_seconds.to_string()]) }),
            ..LifecycleHandler::default()
        };
        let mounts = s.writable_dirs.iter().map(|(name, path)| VolumeMount {
            name: (*name).into(),
            mount_path: (*path).into(),
            ..VolumeMount::default()
        });
        Container {
            name: s.pooler_container.into(),
            image: Some(s.image.clone()),
            ports: Some(vec![port(s.port_name, s.port)]),
            env_from: Some(env_from),
            env,
            resources: Some(resources(&s.pooler_requests)),
            readiness_probe: Some(tcp(s.readiness)),
            liveness_probe: Some(tcp(s.liveness)),
            lifecycle: Some(Lifecycle { pre_stop: Some(pre_stop), ..Lifecycle::default() }),
            security_context: Some(container_security()),
            volume_mounts: Some(mounts.collect()),
            ..Container::default()
        }
    }

    /// The exporter reads pgbouncer's admin console with the database user's credentials,
    /// and only those two keys of the secret.
    fn exporter(&self, plan: &Plan) -> Container {
        let s = &self.settings;
        let from_secret = |name: &str, key: &str| EnvVar {
            name: name.into(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector { name: plan.secret.clone(), key: key.into(), optional: None }),
                ..EnvVarSource::default()
            }),
        };
        let env = vec![
            value("PGBOUNCER_EXPORTER_HOST", "0.0.0.0"),
            value("PGBOUNCER_EXPORTER_PORT", &s.exporter_port.to_string()),
            value("PGBOUNCER_HOST", "127.0.0.1"),
            value("PGBOUNCER_PORT", &s.port.to_string()),
            from_secret("PGBOUNCER_USER", "POSTGRESQL_USERNAME"),
            from_secret("PGBOUNCER_PASS", "POSTGRESQL_PASSWORD"),
        ];
        Container {
            name: s.exporter_container.into(),
            image: Some(s.exporter_image.clone()),
            ports: Some(vec![port(s.exporter_port_name, s.exporter_port)]),
            env: Some(env),
            resources: Some(resources(&s.exporter_requests)),
            readiness_probe: Some(tcp_probe(s.exporter_port_name, s.exporter_probe)),
            liveness_probe: Some(tcp_probe(s.exporter_port_name, s.exporter_probe)),
            security_context: Some(container_security()),
            ..Container::default()
        }
    }
}

/// A tcp probe of a named port, with (initial delay, period, failure threshold).
fn tcp_probe(port: &str, (delay, period, failures): (i32, i32, i32)) -> Probe {
    Probe {
        tcp_socket: Some(TCPSocketAction { port: IntOrString::String(port.into()), host: None }),
        initial_delay_seconds: Some(delay),
        period_seconds: Some(period),
        failure_threshold: Some(failures),
        ..Probe::default()
    }
}

fn value(name: &str, value: &str) -> EnvVar {
    EnvVar { name: name.into(), value: Some(value.into()), value_from: None }
}

fn port(name: &str, number: i32) -> ContainerPort {
    ContainerPort { name: Some(name.into()), container_port: number, protocol: Some("TCP".into()), ..ContainerPort::default() }
}

fn resources(requests: &Requests) -> ResourceRequirements {
    let requested =
        BTreeMap::from([("cpu".to_string(), Quantity(requests.cpu.clone())), ("memory".to_string(), Quantity(requests.memory.clone()))]);
    let limits = BTreeMap::from([("memory".to_string(), Quantity(requests.memory.clone()))]);
    ResourceRequirements { requests: Some(requested), limits: Some(limits), ..ResourceRequirements::default() }
}

fn container_security() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), add: None }),
        read_only_root_filesystem: Some(true),
        ..SecurityContext::default()
    }
}
