//! `LummoPlatform`: the conventions of one platform (its issuer, entry points, GCP projects,
//! images, canary defaults...), which the platform team owns and app teams never write.
//!
//! This crate is the one home of every platform convention's default. Every field is
//! optional in the resource: what it leaves out keeps the default here, which is what the
//! functions did before the resource existed, so a package without one renders as it always
//! did. Each function turns its section into its `Settings` (its `settings.rs`) and checks the
//! values with the cluster's rules; the engine finds the resource and validates its shape.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kind, in the `krm.lummo.com/v1` group.
pub const KIND: &str = "LummoPlatform";
/// The file `lummo render`, `check` and `argocd generate` look for in the folders above a
/// package, up to the repository's root.
pub const FILE_NAME: &str = "platform.yaml";

/// `spec` of a `LummoPlatform`: one section per function, and what several share.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformSpec {
    pub workloads: Workloads,
    pub scaling: Scaling,
    pub monitoring: Monitoring,
    pub networking: Networking,
    pub pgbouncer: Pgbouncer,
    pub pubsub: Pubsub,
    /// How secrets are read from Vault (workloads and pgbouncer).
    pub vault: Vault,
}

/// A setting that differs per environment: values keyed by an input's `env`, and `default`
/// for every other environment (and for inputs without one).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(transparent)]
pub struct PerEnv<T>(pub BTreeMap<String, T>);

impl<T> PerEnv<T> {
    /// The key of the entry for every environment not named.
    pub const DEFAULT: &'static str = "default";

    /// The value of `env`, else the `default` entry.
    pub fn of(&self, env: Option<&str>) -> Option<&T> {
        env.and_then(|env| self.0.get(env)).or_else(|| self.0.get(Self::DEFAULT))
    }

    fn from<const N: usize>(entries: [(&str, T); N]) -> PerEnv<T> {
        PerEnv(entries.into_iter().map(|(env, value)| (env.to_string(), value)).collect())
    }
}

/// workloads: Rollouts, Deployments, Jobs.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Workloads {
    /// Canary steps of a server whose input names none, per `env`.
    pub canary_steps: PerEnv<Vec<CanaryStep>>,
    /// Canary steps of a server with a Datadog analysis whose input names none, per `env`:
    /// their pauses from the analysis's starting step on must give it the time it needs to
    /// fail a bad canary (`interval × (failureLimit + 1)`).
    pub analysis_canary_steps: PerEnv<Vec<CanaryStep>>,
    /// The background analysis of a canary.
    pub analysis: Analysis,
    /// Extra pods a rolling Deployment update may start: a number or a percentage.
    pub rolling_max_surge: String,
    /// Pods of one app a voluntary disruption (a node drain) may take down at once.
    #[schemars(range(min = 1))]
    pub pdb_max_unavailable: i32,
    /// Failures of the default startup probe (every 10 s) before the container is restarted.
    #[schemars(range(min = 1))]
    pub startup_failure_threshold: i32,
    /// NetworkPolicies of servers and jobs (their `network` block).
    pub network_policy: NetworkPolicy,
}

/// Where the cluster's shared services run, which a workload's NetworkPolicy admits.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct NetworkPolicy {
    /// Every server and job gets a NetworkPolicy, as if it said `network: {}` (only what it
    /// needs gets through); off: only those with a `network` block.
    pub default_deny: bool,
    /// The monitoring agents' namespaces (the Datadog agent, Prometheus), admitted to pods they
    /// scrape, and reached by pods that send Datadog traces.
    pub monitoring_namespaces: Vec<String>,
    /// The cluster DNS's namespace and pod label, which every pod may reach on port 53.
    pub dns_namespace: String,
    pub dns_pod_labels: BTreeMap<String, String>,
    /// Ranges `internet: true` does not open (the cluster's and other private networks).
    pub private_ranges: Vec<String>,
}

impl Default for NetworkPolicy {
    fn default() -> NetworkPolicy {
        NetworkPolicy {
            default_deny: false,
            monitoring_namespaces: vec!["datadog".into(), "monitoring".into()],
            dns_namespace: "kube-system".into(),
            dns_pod_labels: BTreeMap::from([("k8s-app".to_string(), "kube-dns".to_string())]),
            private_ranges: vec!["10.0.0.0/8".into(), "172.16.0.0/12".into(), "192.168.0.0/16".into()],
        }
    }
}

impl Default for Workloads {
    fn default() -> Workloads {
        use CanaryStep as S;
        let prod = vec![S::weight(30), S::pause("5m"), S::weight(60), S::pause("10m"), S::weight(100)];
        Workloads {
            canary_steps: PerEnv::from([("prod", prod), (PerEnv::<()>::DEFAULT, vec![S::weight(100)])]),
            // From step 2 on, 15 minutes: the 12 the default analysis needs (3m × 4), and a
            // margin for Datadog's ingestion delay.
            analysis_canary_steps: PerEnv::from([(
                PerEnv::<()>::DEFAULT,
                vec![S::weight(30), S::pause("5m"), S::weight(60), S::pause("15m"), S::weight(100)],
            )]),
            analysis: Analysis::default(),
            rolling_max_surge: "25%".into(),
            pdb_max_unavailable: 1,
            startup_failure_threshold: 30,
            network_policy: NetworkPolicy::default(),
        }
    }
}

/// `{weight: 30}` or `{pause: 5m}`, as a LummoDeployment writes its steps.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CanaryStep {
    /// Percentage of traffic sent to the new version.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub weight: Option<i64>,
    /// How long to wait (`5m`), or `manual` to wait for a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause: Option<String>,
}

impl CanaryStep {
    fn weight(weight: i64) -> CanaryStep {
        CanaryStep { weight: Some(weight), pause: None }
    }

    fn pause(duration: &str) -> CanaryStep {
        CanaryStep { weight: None, pause: Some(duration.into()) }
    }
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Analysis {
    /// The canary step at which analysis starts (0 is the first), or the last step of
    /// shorter lists.
    #[schemars(range(min = 0))]
    pub starting_step: i32,
    /// How often each metric is measured.
    pub interval: String,
    /// Failed measurements before the rollout is aborted.
    #[schemars(range(min = 0))]
    pub failure_limit: i32,
    /// The window each Datadog query looks back over.
    pub query_window: String,
}

impl Default for Analysis {
    fn default() -> Analysis {
        Analysis { starting_step: 2, interval: "3m".into(), failure_limit: 3, query_window: "5m".into() }
    }
}

/// scaling: KEDA ScaledObjects.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Scaling {
    /// A TriggerAuthentication that already exists in every app's namespace, for the Pub/Sub
    /// scaler. Left out: each app gets its own, through GKE workload identity of KEDA's operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pubsub_trigger_authentication: Option<String>,
    /// Seconds load must stay low before pods are removed, unless an input says otherwise.
    #[schemars(range(min = 0, max = 3600))]
    pub scale_down_stabilization_seconds: i32,
    /// Fewest pods, unless an input says otherwise.
    #[schemars(range(min = 0))]
    pub min_replicas: u32,
}

impl Default for Scaling {
    fn default() -> Scaling {
        Scaling { pubsub_trigger_authentication: None, scale_down_stabilization_seconds: 300, min_replicas: 1 }
    }
}

/// monitoring: Datadog and Prometheus.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Monitoring {
    /// How Prometheus metrics are collected, for apps and for pgbouncer's exporter.
    pub scraping: Scraping,
    /// The HTTP path scraped when an input names none.
    pub metrics_path: String,
    /// The container port scraped when an input names none, if a container has it.
    pub metrics_port: String,
}

impl Default for Monitoring {
    fn default() -> Monitoring {
        Monitoring { scraping: Scraping::Auto, metrics_path: "/metrics".into(), metrics_port: "metrics".into() }
    }
}

/// `auto`: Datadog's OpenMetrics annotations on pods with Datadog, a prometheus-operator
/// PodMonitor on the others; `datadog-annotations`: always the annotations; `pod-monitor`:
/// always a PodMonitor.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Scraping {
    #[default]
    Auto,
    DatadogAnnotations,
    PodMonitor,
}

impl Scraping {
    /// Whether pods with (or without) Datadog are scraped through a PodMonitor.
    pub fn by_pod_monitor(self, datadog: bool) -> bool {
        match self {
            Scraping::Auto => !datadog,
            Scraping::DatadogAnnotations => false,
            Scraping::PodMonitor => true,
        }
    }
}

/// networking: Traefik IngressRoutes and cert-manager Certificates.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Networking {
    /// Route a Rollout's canary by requests (Argo Rollouts' Traefik traffic routing: a stable
    /// and a canary Service and a weighted TraefikService), so that its weights are shares of
    /// requests rather than of pods. Needs Argo Rollouts' Traefik support (built in).
    pub canary_traffic_routing: bool,
    /// Who signs certificates, unless an input names another.
    pub issuer: Issuer,
    /// Traefik's entry points, by what they carry.
    pub entry_points: EntryPoints,
    /// gRPC routes answer on `<app>.<internalGrpcDomain>`.
    pub internal_grpc_domain: String,
    /// The Middleware that admits VPN addresses only, for routes marked `vpn`. It lives in
    /// another namespace, which Traefik follows only with `allowCrossNamespace` on (off by
    /// default): with Traefik's defaults, set `vpnSourceRanges` instead.
    pub vpn_middleware: MiddlewareRef,
    /// The VPN's address ranges (CIDR): when set, each input with VPN routes gets its own IP
    /// allow-list Middleware in its namespace, which works with Traefik's defaults, instead of
    /// the reference to `vpnMiddleware`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vpn_source_ranges: Vec<String>,
    /// The ingress controller's (Traefik's) namespace: a routed app's NetworkPolicy, when it
    /// has one, admits it.
    pub ingress_namespace: String,
}

impl Default for Networking {
    fn default() -> Networking {
        Networking {
            canary_traffic_routing: true,
            issuer: Issuer { kind: IssuerKind::ClusterIssuer, name: "letsencrypt".into() },
            entry_points: EntryPoints::default(),
            internal_grpc_domain: "internal.bukukas.k8s".into(),
            vpn_middleware: MiddlewareRef { name: "vpn-only".into(), namespace: "traefik".into() },
            vpn_source_ranges: Vec::new(),
            ingress_namespace: "traefik".into(),
        }
    }
}

/// A cert-manager issuer.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub kind: IssuerKind,
    pub name: String,
}

/// `ClusterIssuer` (one for the whole cluster) or `Issuer` (one in the namespace of each
/// Certificate).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssuerKind {
    ClusterIssuer,
    Issuer,
}

impl IssuerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerKind::ClusterIssuer => "ClusterIssuer",
            IssuerKind::Issuer => "Issuer",
        }
    }
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct EntryPoints {
    /// Public https traffic.
    pub https: String,
    /// Plain http, which only redirects to https.
    pub http: String,
    /// Internal gRPC (cleartext h2c inside the cluster's network).
    pub grpc: String,
}

impl Default for EntryPoints {
    fn default() -> EntryPoints {
        EntryPoints { https: "websecure".into(), http: "web".into(), grpc: "web".into() }
    }
}

/// A Traefik Middleware in another namespace.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MiddlewareRef {
    pub name: String,
    pub namespace: String,
}

/// pgbouncer: the pooler in front of Postgres.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Pgbouncer {
    /// The pooler's image (bitnami's PgBouncer, configured through environment variables).
    pub image: String,
    /// The Prometheus exporter sidecar's image.
    pub exporter_image: String,
    /// Pooler pods unless an input says otherwise.
    #[schemars(range(min = 1))]
    pub replicas: u32,
    /// Requests of the pooler's container (its memory is also its limit).
    pub pooler_requests: Requests,
    /// Requests of the exporter's container.
    pub exporter_requests: Requests,
}

impl Default for Pgbouncer {
    fn default() -> Pgbouncer {
        Pgbouncer {
            image: "gcr.io/beecash-prod/pgbouncer:bitnami-1.17.0-debian-11-r7".into(),
            exporter_image: "spreaker/prometheus-pgbouncer-exporter:2.1.1".into(),
            replicas: 2,
            pooler_requests: Requests { cpu: "50m".into(), memory: "128Mi".into() },
            exporter_requests: Requests { cpu: "10m".into(), memory: "64Mi".into() },
        }
    }
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Requests {
    pub cpu: String,
    pub memory: String,
}

/// pubsub: Config Connector topics and subscriptions.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Pubsub {
    /// The GCP project of each `env` (an input's `project` wins).
    pub projects: PerEnv<String>,
    /// Project numbers by project id, for the grants Pub/Sub's service agent needs to
    /// dead-letter messages.
    pub project_numbers: BTreeMap<String, u64>,
}

impl Default for Pubsub {
    fn default() -> Pubsub {
        Pubsub {
            projects: PerEnv::from([("prod", "tokko-production".to_string()), (PerEnv::<()>::DEFAULT, "beecash-staging".to_string())]),
            project_numbers: BTreeMap::new(),
        }
    }
}

/// The External Secrets store that reaches Vault.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Vault {
    pub store: StoreRef,
    /// How often a Secret is refreshed from Vault.
    pub refresh_interval: String,
}

impl Default for Vault {
    fn default() -> Vault {
        Vault { store: StoreRef { kind: StoreKind::ClusterSecretStore, name: "vault".into() }, refresh_interval: "1h".into() }
    }
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StoreRef {
    pub kind: StoreKind,
    pub name: String,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    ClusterSecretStore,
    SecretStore,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::ClusterSecretStore => "ClusterSecretStore",
            StoreKind::SecretStore => "SecretStore",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_spec_is_every_default_and_a_partial_one_keeps_the_rest() {
        let empty: PlatformSpec = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, PlatformSpec::default());
        let partial: PlatformSpec = serde_json::from_str(r#"{"networking": {"issuer": {"kind": "Issuer", "name": "internal"}}}"#).unwrap();
        assert_eq!(partial.networking.issuer.kind, IssuerKind::Issuer);
        assert_eq!(partial.networking.entry_points, EntryPoints::default());
        assert_eq!(partial.pubsub, Pubsub::default());
    }

    #[test]
    fn per_env_values_fall_back_to_default() {
        let projects = Pubsub::default().projects;
        assert_eq!(projects.of(Some("prod")).unwrap(), "tokko-production");
        assert_eq!(projects.of(Some("staging")).unwrap(), "beecash-staging");
        assert_eq!(projects.of(None).unwrap(), "beecash-staging");
        let only_prod = PerEnv::from([("prod", 1)]);
        assert_eq!(only_prod.of(Some("dev")), None);
    }
}
