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
use lummo_krm::names::{check_dns_label, check_object_name};
use lummo_krm::schema::join;
use lummo_krm::{Input, Report};
use lummo_policy::vault::{self, SecretSource};

use crate::checks::{
    check_env_name, check_image, check_port_name, check_quantity, int32_field, is_portable_env_name, object_name_problem, quantity_less,
    unpinned_image,
};
use crate::settings::Settings;
use crate::spec::{ContainerSpec, OneOrMany, Ordered, Probe, Probes, ProbesSpec, Scalar};
use crate::templates::Templates;

/// What the pod of one workload input needs.
pub struct PodInput<'a> {
    pub app: &'a str,
    pub containers: &'a OneOrMany<ContainerSpec>,
    /// Native sidecars (init containers that keep running, Kubernetes 1.29+): they start
    /// before the main containers and do not keep a Job from completing.
    pub sidecars: Option<&'a OneOrMany<ContainerSpec>>,
    /// Run to completion, in order, after the sidecars have started and before the main containers.
    pub init_containers: Option<&'a OneOrMany<ContainerSpec>>,
    pub service_account: Option<&'a str>,
    pub run_as_non_root: Option<bool>,
    pub restart_policy: Option<&'a str>,
    pub labels: BTreeMap<String, String>,
    /// A server's containers get probes when they declare none; a job's do not.
    pub server: bool,
    /// The workload's name is a hash of its content (a Job's): a tag set after rendering does
    /// not change it.
    pub hashed_name: bool,
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
}

const TMP_VOLUME: &str = "tmp";

/// Where a container runs in the pod.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Main,
    Sidecar,
    Init,
}

impl Role {
    fn field(self) -> &'static str {
        match self {
            Role::Main => "spec.containers",
            Role::Sidecar => "spec.sidecars",
            Role::Init => "spec.initContainers",
        }
    }
}

/// What the containers of one pod share while they are built: names, ports and secrets must
/// not clash across containers.
struct PodBuilder<'a> {
    settings: &'a Settings,
    input: &'a Input,
    containers: Vec<Container>,
    sidecars: Vec<Container>,
    init_containers: Vec<Container>,
    /// The name and field path of each built container of any role, for messages about clashes.
    names: Vec<(String, String)>,
    /// Named ports of all containers, with the container that declares each and whether it
    /// serves (an init container's does not).
    ports: Vec<(String, i32, String, bool)>,
    /// Secret name → Vault path.
    vault: BTreeMap<String, String>,
    reads_config: bool,
    any_read_only: bool,
}

/// Resolves, checks and builds the pod; `None` when any problem was reported.
pub fn build(settings: &Settings, input: &Input, pod: &PodInput, templates: &Templates, report: &mut Report) -> Option<Pod> {
    let checkpoint = report.checkpoint();
    if pod.containers.entries(Role::Main.field()).is_empty() {
        input.error(report, Role::Main.field(), "must list at least one container");
        return None;
    }
    let mut builder = PodBuilder {
        settings,
        input,
        containers: Vec::new(),
        sidecars: Vec::new(),
        init_containers: Vec::new(),
        names: Vec::new(),
        ports: Vec::new(),
        vault: BTreeMap::new(),
        reads_config: false,
        any_read_only: false,
    };
    let lists = [(Role::Main, Some(pod.containers)), (Role::Sidecar, pod.sidecars), (Role::Init, pod.init_containers)];
    for (role, list) in lists.into_iter().filter_map(|(role, list)| Some((role, list?))) {
        for (i, (path, declared)) in list.entries(role.field()).iter().enumerate() {
            let resolved = match templates.resolve(declared) {
                Ok(resolved) => resolved,
                Err(message) => {
                    input.error(report, &format!("{path}.extends"), message);
                    continue;
                }
            };
            builder.container(pod, role, i, path, declared, &resolved, report);
        }
    }
    if let Some(account) = pod.service_account
        && let Err(message) = check_object_name(account)
    {
        input.error(report, "spec.serviceAccount", message);
    }
    if report.errors_since(checkpoint) {
        return None;
    }
    Some(builder.finish(pod))
}

impl PodBuilder<'_> {
    /// Checks and builds container `i` of its `role`'s list at `path` (`declared` as written,
    /// `resolved` with its templates applied).
    #[allow(clippy::too_many_arguments)]
    fn container(
        &mut self,
        pod: &PodInput,
        role: Role,
        i: usize,
        path: &str,
        declared: &ContainerSpec,
        resolved: &ContainerSpec,
        report: &mut Report,
    ) {
        let input = self.input;
        let field = |name: &str| format!("{path}.{name}");
        let name = match (&resolved.name, i, role) {
            (Some(name), _, _) => {
                if let Err(message) = check_dns_label(name) {
                    input.error(report, &field("name"), message);
                }
                name.clone()
            }
            // The app's name, which the workload checks (as spec.app).
            (None, 0, Role::Main) => pod.app.to_string(),
            (None, _, Role::Main) => return input.error(report, &field("name"), "required when a pod has more than one container"),
            (None, _, _) => return input.error(report, &field("name"), "required: name each sidecar and init container"),
        };
        if let Some((_, other)) = self.names.iter().find(|(n, _)| *n == name) {
            input.error(report, &field("name"), format!("{name:?} is also the name of {other}"));
        }
        if role == Role::Init && matches!(&resolved.probes, Some(ProbesSpec::Probes(_))) {
            input.error(
                report,
                &field("probes"),
                "an init container runs to completion before the others start: it takes no probes (write probes: none)",
            );
        }
        let inherited = |what: &str| match &declared.extends {
            Some(template) => format!("required: set {what} here or in LummoContainer {template:?}"),
            None => format!("required: set {what}"),
        };
        let image = resolved.image.clone().unwrap_or_default();
        if image.trim().is_empty() {
            input.error(report, &field("image"), inherited("the image"));
        } else if let Err(message) = check_image(&image) {
            input.error(report, &field("image"), message);
        } else if let Some(why) = unpinned_image(&image) {
            let pin = if pod.hashed_name {
                "pin the version here (a tag set later, by a kustomize images: entry, changes the Job but not its name)"
            } else {
                "pin a version (or let a kustomize images: entry set it)"
            };
            input.warning(report, &field("image"), format!("{image:?} {why}: it runs whatever latest is when a node pulls it; {pin}"));
        }
        let resources = self.resources(path, resolved, &inherited, report);
        let own_ports = resolved.ports.clone().unwrap_or_default();
        let ports = self.ports(path, &own_ports, role != Role::Init, report);
        let (readiness_probe, liveness_probe, startup_probe) = match role {
            Role::Init => (None, None, None),
            _ => self.probes(pod, role, path, resolved, &own_ports, report),
        };
        let env_from = self.env_sources(path, resolved, report);
        let mut env = Vec::new();
        for (name, value) in resolved.env.iter().flat_map(Ordered::iter) {
            let env_path = join(&field("env"), name);
            match check_env_name(name) {
                Err(message) => input.error(report, &env_path, message),
                Ok(()) if !is_portable_env_name(name) => input.warning(
                    report,
                    &env_path,
                    format!("{name:?} is not a portable variable name (letters, digits and '_', not starting with a digit): shells and many programs cannot read it"),
                ),
                Ok(()) => {}
            }
            env.push(EnvVar { name: name.clone(), value: Some(value.to_string()), value_from: None });
        }
        let read_only = resolved.read_only_root_filesystem.unwrap_or(true);
        self.any_read_only |= read_only;
        self.names.push((name.clone(), path.to_string()));
        let container = Container {
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
            // What makes an init container a native sidecar: it keeps running beside the others.
            restart_policy: (role == Role::Sidecar).then(|| "Always".to_string()),
            ..Container::default()
        };
        match role {
            Role::Main => self.containers.push(container),
            Role::Sidecar => self.sidecars.push(container),
            Role::Init => self.init_containers.push(container),
        }
    }

    /// The readiness, liveness and startup probes as declared; a server container that declares
    /// none gets TCP ones on its serving port (a warning says so), unless it says `probes: none`.
    fn probes(
        &self,
        pod: &PodInput,
        role: Role,
        path: &str,
        resolved: &ContainerSpec,
        own_ports: &BTreeMap<String, u16>,
        report: &mut Report,
    ) -> (Option<KubeProbe>, Option<KubeProbe>, Option<KubeProbe>) {
        let input = self.input;
        let probes_path = format!("{path}.probes");
        let declared = match &resolved.probes {
            Some(ProbesSpec::Off(_)) => return (None, None, None),
            Some(ProbesSpec::Probes(probes)) => Probes::clone(probes),
            None => Probes::default(),
        };
        let none_declared = declared.readiness.is_none() && declared.liveness.is_none() && declared.startup.is_none();
        if !(pod.server && role == Role::Main && none_declared) {
            let mut build = |kind: &str, spec: &Option<Probe>| {
                spec.as_ref().map(|spec| probe(input, &format!("{probes_path}.{kind}"), spec, own_ports, report))
            };
            return (build("readiness", &declared.readiness), build("liveness", &declared.liveness), build("startup", &declared.startup));
        }
        let settings = self.settings;
        let preferred = settings.default_probe_ports.iter().copied().find(|p| own_ports.contains_key(*p));
        let Some(port) = preferred.or_else(|| own_ports.keys().next().map(String::as_str)) else {
            input.warning(
                report,
                &probes_path,
                "not set, and the container has no port to probe: Kubernetes only sees whether its process runs; declare probes, or write probes: none",
            );
            return (None, None, None);
        };
        input.warning(
            report,
            &probes_path,
            format!(
                "not set: the container gets TCP readiness, liveness and startup probes on port {port:?}; an http probe (readiness: {{http: /healthz}}) checks more than an open port, and probes: none turns them off"
            ),
        );
        let tcp = |failure_threshold: Option<i32>| KubeProbe {
            tcp_socket: Some(TCPSocketAction { port: IntOrString::String(port.to_string()), ..TCPSocketAction::default() }),
            failure_threshold,
            ..KubeProbe::default()
        };
        (Some(tcp(None)), Some(tcp(None)), Some(tcp(Some(settings.default_startup_failure_threshold))))
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
        for (what, request, limit) in [("cpu", &resources.cpu, &limits.cpu), ("memory", &resources.memory, &limits.memory)] {
            let (Some(request), Some(limit)) = (request.as_ref().map(Scalar::to_string), limit.as_ref().map(Scalar::to_string)) else {
                continue;
            };
            if check_quantity(&request).is_ok() && check_quantity(&limit).is_ok() && quantity_less(&limit, &request) {
                input.error(
                    report,
                    &field(&format!("resources.limits.{what}")),
                    format!("{limit:?} is below the {what} request {request:?}: a limit must be at least its request"),
                );
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

    /// The container's named ports, each name and number unique across the pod; `served`
    /// ones (not an init container's) are the pod's for its Service.
    fn ports(&mut self, path: &str, own_ports: &BTreeMap<String, u16>, served: bool, report: &mut Report) -> Option<Vec<ContainerPort>> {
        for (port_name, number) in own_ports {
            let port_path = format!("{path}.ports.{port_name}");
            if let Err(message) = check_port_name(port_name) {
                self.input.error(report, &port_path, message);
            }
            if *number == 0 {
                self.input.error(report, &port_path, "must be between 1 and 65535, got 0");
            }
            if let Some((_, _, owner, _)) = self.ports.iter().find(|(n, ..)| n == port_name) {
                self.input.error(report, &port_path, format!("port name {port_name:?} is also used by {owner}"));
            } else if let Some((other, ..)) = self.ports.iter().find(|(_, n, ..)| *n == i32::from(*number)) {
                self.input.error(report, &port_path, format!("port {number} is also port {other:?}: each port needs its own number"));
            }
            self.ports.push((port_name.clone(), i32::from(*number), path.to_string(), served));
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
            if let Err(message) = check_object_name(config) {
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
            match secret {
                SecretSource::Name(_) => {
                    if let Err(message) = check_object_name(&secret_name) {
                        input.error(report, &secret_path, message);
                    }
                }
                // The ExternalSecret and the Secret it fills are named alike, by default after
                // the Vault path.
                SecretSource::Vault(reference) => match reference.name {
                    Some(_) => {
                        if let Err(message) = check_object_name(&secret_name) {
                            input.error(report, &format!("{secret_path}.name"), message);
                        }
                    }
                    None => {
                        if let Some(message) = object_name_problem("ExternalSecret", &secret_name) {
                            input.error(report, &format!("{secret_path}.vault"), format!("{message}; give the Secret a name"));
                        }
                    }
                },
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
        // Sidecars first, so that they run before (and beside) the init containers and the main ones.
        let init_containers: Vec<Container> = self.sidecars.into_iter().chain(self.init_containers).collect();
        let spec = PodSpec {
            containers: self.containers,
            init_containers: (!init_containers.is_empty()).then_some(init_containers),
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
            ports: self.ports.into_iter().filter(|(.., served)| *served).map(|(name, number, ..)| (name, number)).collect(),
            vault: self.vault,
            reads_config: self.reads_config,
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
    // The API's minimums: no delay below 0, no period, timeout or threshold below 1.
    let seconds = |field: &str, value: Option<i64>, min: i32, report: &mut Report| {
        int32_field(value?, min).map_err(|message| input.error(report, &format!("{probe_path}.{field}"), message)).ok()
    };
    let mut built = KubeProbe {
        initial_delay_seconds: seconds("initialDelaySeconds", spec.initial_delay_seconds, 0, report),
        period_seconds: seconds("periodSeconds", spec.period_seconds, 1, report),
        timeout_seconds: seconds("timeoutSeconds", spec.timeout_seconds, 1, report),
        failure_threshold: seconds("failureThreshold", spec.failure_threshold, 1, report),
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
