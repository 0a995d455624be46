//! Containers and pods, shared by servers and jobs: templates applied, every field checked, and
//! the secure defaults every pod gets.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapEnvSource, Container, ContainerPort, EmptyDirVolumeSource, EnvFromSource, EnvVar, HTTPGetAction,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe as KubeProbe, ResourceRequirements, SeccompProfile, SecretEnvSource,
    SecurityContext, TCPSocketAction, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use lummo_inputs::ports;
use lummo_kinds::{IntOrString, ObjectMeta};
use lummo_krm::names::{check_dns_label, check_dns_subdomain};
use lummo_krm::vault::{self, SecretSource};
use lummo_krm::{Input, Report};

use crate::checks::{check_port_name, check_quantity};
use crate::settings::Settings;
use crate::spec::{ContainerSpec, OneOrMany, Probe, Scalar};
use crate::templates::Templates;

/// What the pod of one workload input needs.
pub struct PodInput<'a> {
    pub app: &'a str,
    pub containers: &'a OneOrMany<ContainerSpec>,
    pub service_account: Option<&'a str>,
    pub run_as_non_root: Option<bool>,
    pub restart_policy: Option<&'a str>,
    pub labels: BTreeMap<String, String>,
}

/// A built pod and what the rest of the workload derives from it.
pub struct Pod {
    pub template: PodTemplateSpec,
    /// Named ports of all containers, in container order.
    pub ports: Vec<(String, i32)>,
    /// Secrets to materialise from Vault: Secret name → Vault path.
    pub vault: BTreeMap<String, String>,
    /// Whether any container reads ConfigMaps or Secrets (Reloader's default).
    pub reads_config: bool,
    /// The first container's image tag, the version Datadog knows the pods by.
    pub version: String,
}

const TMP_VOLUME: &str = "tmp";

/// What the containers of one pod share while they are built: names, ports and secrets must
/// not clash across containers.
struct PodBuilder<'a> {
    settings: &'a Settings,
    input: &'a Input,
    containers: Vec<Container>,
    /// The field path of each built container, for messages about clashes.
    container_paths: Vec<String>,
    /// Named ports of all containers, with the container that declares each.
    ports: Vec<(String, i32, String)>,
    /// Secret name → Vault path.
    vault: BTreeMap<String, String>,
    reads_config: bool,
    any_read_only: bool,
}

/// Resolves, checks and builds the pod; `None` when any problem was reported.
pub fn build(settings: &Settings, input: &Input, pod: &PodInput, templates: &Templates, report: &mut Report) -> Option<Pod> {
    let checkpoint = report.checkpoint();
    let entries = pod.containers.entries("spec.containers");
    if entries.is_empty() {
        input.error(report, "spec.containers", "must list at least one container");
        return None;
    }
    let mut builder = PodBuilder {
        settings,
        input,
        containers: Vec::new(),
        container_paths: Vec::new(),
        ports: Vec::new(),
        vault: BTreeMap::new(),
        reads_config: false,
        any_read_only: false,
    };
    for (i, (path, declared)) in entries.iter().enumerate() {
        let resolved = match templates.resolve(declared) {
            Ok(resolved) => resolved,
            Err(message) => {
                input.error(report, &format!("{path}.extends"), message);
                continue;
            }
        };
        builder.container(pod.app, i, path, declared, &resolved, report);
    }
    if let Some(account) = pod.service_account
        && let Err(message) = check_dns_subdomain(account)
    {
        input.error(report, "spec.serviceAccount", message);
    }
    if report.errors_since(checkpoint) {
        return None;
    }
    Some(builder.finish(pod))
}

impl PodBuilder<'_> {
    /// Checks and builds container `i` at `path` (`declared` as written, `resolved` with its
    /// templates applied).
    fn container(&mut self, app: &str, i: usize, path: &str, declared: &ContainerSpec, resolved: &ContainerSpec, report: &mut Report) {
        let input = self.input;
        let field = |name: &str| format!("{path}.{name}");
        let name = match (&resolved.name, i) {
            (Some(name), _) => name.clone(),
            (None, 0) => app.to_string(),
            (None, _) => return input.error(report, &field("name"), "required when a pod has more than one container"),
        };
        if let Err(message) = check_dns_label(&name) {
            input.error(report, &field("name"), message);
        }
        if let Some(other) = self.containers.iter().position(|c| c.name == name) {
            input.error(report, &field("name"), format!("{name:?} is also the name of {}", self.container_paths[other]));
        }
        let inherited = |what: &str| match &declared.extends {
            Some(template) => format!("required: set {what} here or in LummoContainer {template:?}"),
            None => format!("required: set {what}"),
        };
        let image = resolved.image.clone().unwrap_or_default();
        if image.trim().is_empty() {
            input.error(report, &field("image"), inherited("the image"));
        }
        let resources = self.resources(path, resolved, &inherited, report);
        let own_ports = resolved.ports.clone().unwrap_or_default();
        let ports = self.ports(path, &own_ports, report);
        let probes = resolved.probes.clone().unwrap_or_default();
        let probe = |kind: &str, spec: &Option<Probe>, report: &mut Report| {
            spec.as_ref().map(|spec| probe(input, &field(&format!("probes.{kind}")), spec, &own_ports, report))
        };
        let (readiness_probe, liveness_probe, startup_probe) = (
            probe("readiness", &probes.readiness, report),
            probe("liveness", &probes.liveness, report),
            probe("startup", &probes.startup, report),
        );
        let env_from = self.env_sources(path, resolved, report);
        let env: Vec<EnvVar> = resolved
            .env
            .iter()
            .flatten()
            .map(|(name, value)| EnvVar { name: name.clone(), value: Some(value.to_string()), value_from: None })
            .collect();
        let read_only = resolved.read_only_root_filesystem.unwrap_or(true);
        self.any_read_only |= read_only;
        self.container_paths.push(path.to_string());
        self.containers.push(Container {
            name,
            image: Some(image),
            command: resolved.command.clone(),
            args: resolved.args.clone(),
            ports,
            env_from: (!env_from.is_empty()).then_some(env_from),
            env: (!env.is_empty()).then_some(env),
            resources: Some(resources),
            readiness_probe,
            liveness_probe,
            startup_probe,
            security_context: Some(SecurityContext {
                allow_privilege_escalation: Some(false),
                capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), add: None }),
                read_only_root_filesystem: Some(read_only),
                ..SecurityContext::default()
            }),
            volume_mounts: read_only.then(|| {
                vec![VolumeMount { name: TMP_VOLUME.into(), mount_path: self.settings.tmp_mount.into(), ..VolumeMount::default() }]
            }),
            ..Container::default()
        });
    }

    /// Requests and limits: both requests are required, every quantity must parse. A memory
    /// limit equal to the request keeps one pod from starving its neighbours; CPU is left
    /// unlimited unless asked, because CPU limits throttle without need.
    fn resources(
        &self,
        path: &str,
        resolved: &ContainerSpec,
        inherited: &dyn Fn(&str) -> String,
        report: &mut Report,
    ) -> ResourceRequirements {
        let input = self.input;
        let field = |name: &str| format!("{path}.{name}");
        let resources = resolved.resources.clone().unwrap_or_default();
        if resolved.resources.is_none() {
            input.error(report, &field("resources"), inherited("resources: {cpu, memory}"));
        } else {
            for (what, value) in [("cpu", &resources.cpu), ("memory", &resources.memory)] {
                if value.is_none() {
                    input.error(report, &field(&format!("resources.{what}")), inherited(&format!("the {what} request")));
                }
            }
        }
        let limits = resources.limits.clone().unwrap_or_default();
        let quantities = [
            ("resources.cpu", &resources.cpu),
            ("resources.memory", &resources.memory),
            ("resources.limits.cpu", &limits.cpu),
            ("resources.limits.memory", &limits.memory),
        ];
        for (what, value) in quantities {
            if let Some(Err(message)) = value.as_ref().map(|v| check_quantity(&v.to_string())) {
                input.error(report, &field(what), message);
            }
        }
        let quantity = |v: &Option<Scalar>| v.as_ref().map(|v| Quantity(v.to_string()));
        let requests: BTreeMap<String, Quantity> = [("cpu", quantity(&resources.cpu)), ("memory", quantity(&resources.memory))]
            .into_iter()
            .filter_map(|(key, value)| Some((key.to_string(), value?)))
            .collect();
        let mut limit_map = BTreeMap::new();
        if let Some(memory) = quantity(&limits.memory).or_else(|| quantity(&resources.memory)) {
            limit_map.insert("memory".to_string(), memory);
        }
        if let Some(cpu) = quantity(&limits.cpu) {
            limit_map.insert("cpu".to_string(), cpu);
        }
        ResourceRequirements { requests: Some(requests), limits: Some(limit_map), ..ResourceRequirements::default() }
    }

    /// The container's named ports, each name and number unique across the pod.
    fn ports(&mut self, path: &str, own_ports: &BTreeMap<String, u16>, report: &mut Report) -> Option<Vec<ContainerPort>> {
        for (port_name, number) in own_ports {
            let port_path = format!("{path}.ports.{port_name}");
            if let Err(message) = check_port_name(port_name) {
                self.input.error(report, &port_path, message);
            }
            if *number == 0 {
                self.input.error(report, &port_path, "must be between 1 and 65535, got 0");
            }
            if let Some((_, _, owner)) = self.ports.iter().find(|(n, _, _)| n == port_name) {
                self.input.error(report, &port_path, format!("port name {port_name:?} is also used by {owner}"));
            } else if let Some((other, _, _)) = self.ports.iter().find(|(_, n, _)| *n == i32::from(*number)) {
                self.input.error(report, &port_path, format!("port {number} is also port {other:?}: each port needs its own number"));
            }
            self.ports.push((port_name.clone(), i32::from(*number), path.to_string()));
        }
        let ports = own_ports.iter().map(|(n, p)| ContainerPort {
            name: Some(n.clone()),
            container_port: i32::from(*p),
            protocol: Some("TCP".into()),
            ..ContainerPort::default()
        });
        (!own_ports.is_empty()).then(|| ports.collect())
    }

    /// ConfigMaps and Secrets whose keys become environment variables; Vault paths are
    /// remembered for their ExternalSecrets.
    fn env_sources(&mut self, path: &str, resolved: &ContainerSpec, report: &mut Report) -> Vec<EnvFromSource> {
        let input = self.input;
        let mut env_from = Vec::new();
        for (j, config) in resolved.configs.iter().flatten().enumerate() {
            if let Err(message) = check_dns_subdomain(config) {
                input.error(report, &format!("{path}.configs[{j}]"), message);
            }
            env_from.push(EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource { name: config.clone(), optional: None }),
                ..EnvFromSource::default()
            });
        }
        for (j, secret) in resolved.secrets.iter().flatten().enumerate() {
            let secret_path = format!("{path}.secrets[{j}]");
            let secret_name = secret.secret_name();
            if let SecretSource::Vault(reference) = secret {
                self.vault_secret(&secret_path, &secret_name, &reference.vault, report);
            }
            if let Err(message) = check_dns_subdomain(&secret_name) {
                input.error(report, &secret_path, message);
            }
            env_from.push(EnvFromSource {
                secret_ref: Some(SecretEnvSource { name: secret_name, optional: None }),
                ..EnvFromSource::default()
            });
        }
        self.reads_config |= !env_from.is_empty();
        env_from
    }

    fn vault_secret(&mut self, secret_path: &str, secret_name: &str, vault_path: &str, report: &mut Report) {
        if let Err(message) = vault::check_path(vault_path) {
            self.input.error(report, &format!("{secret_path}.vault"), message);
        }
        match self.vault.get(secret_name) {
            Some(other) if other != vault_path => self.input.error(
                report,
                secret_path,
                format!("Secret {secret_name:?} would come from two Vault paths ({other:?} too): give one a `name`"),
            ),
            _ => {
                self.vault.insert(secret_name.to_string(), vault_path.to_string());
            }
        }
    }

    /// The pod around the containers, with the secure defaults every pod gets.
    fn finish(self, pod: &PodInput) -> Pod {
        let version = self.containers.first().and_then(|c| c.image.as_deref()).map(lummo_krm::image::tag).unwrap_or_default();
        let spec = PodSpec {
            containers: self.containers,
            // No API token in the pod unless it runs as a named ServiceAccount.
            automount_service_account_token: Some(pod.service_account.is_some()),
            service_account_name: pod.service_account.map(String::from),
            restart_policy: pod.restart_policy.map(String::from),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(pod.run_as_non_root.unwrap_or(true)),
                seccomp_profile: Some(SeccompProfile { type_: "RuntimeDefault".into(), localhost_profile: None }),
                ..PodSecurityContext::default()
            }),
            volumes: self
                .any_read_only
                .then(|| vec![Volume { name: TMP_VOLUME.into(), empty_dir: Some(EmptyDirVolumeSource::default()), ..Volume::default() }]),
            ..PodSpec::default()
        };
        let metadata = ObjectMeta { labels: Some(pod.labels.clone()), ..ObjectMeta::default() };
        Pod {
            template: PodTemplateSpec { metadata: Some(metadata), spec: Some(spec) },
            ports: self.ports.into_iter().map(|(name, number, _)| (name, number)).collect(),
            vault: self.vault,
            reads_config: self.reads_config,
            version,
        }
    }
}

/// A readiness, liveness or startup probe: `{http: /path}` on a named port (default `http`),
/// or `{tcp: <port name>}`; the port must be one of the container's.
fn probe(input: &Input, probe_path: &str, spec: &Probe, own_ports: &BTreeMap<String, u16>, report: &mut Report) -> KubeProbe {
    let port = |name: &str, report: &mut Report| -> IntOrString {
        if !own_ports.contains_key(name) {
            let known: Vec<&str> = own_ports.keys().map(String::as_str).collect();
            input.error(
                report,
                probe_path,
                format!("names port {name:?}, which the container does not have (its ports: [{}])", known.join(", ")),
            );
        }
        IntOrString::String(name.to_string())
    };
    let mut built = KubeProbe {
        initial_delay_seconds: spec.initial_delay_seconds.map(|v| v as i32),
        period_seconds: spec.period_seconds.map(|v| v as i32),
        failure_threshold: spec.failure_threshold.map(|v| v as i32),
        ..KubeProbe::default()
    };
    match (&spec.http, &spec.tcp) {
        (Some(http_path), None) => {
            if !http_path.starts_with('/') {
                input.error(report, &format!("{probe_path}.http"), format!("{http_path:?} is not a path: start it with /"));
            }
            let port = port(spec.port.as_deref().unwrap_or(ports::HTTP), report);
            built.http_get = Some(HTTPGetAction { path: Some(http_path.clone()), port, ..HTTPGetAction::default() });
        }
        (None, Some(tcp_port)) if spec.port.is_none() => {
            built.tcp_socket = Some(TCPSocketAction { port: port(tcp_port, report), ..TCPSocketAction::default() });
        }
        _ => input.error(report, probe_path, "must be either {http: /path} (with an optional port) or {tcp: <port name>}"),
    }
    built
}
