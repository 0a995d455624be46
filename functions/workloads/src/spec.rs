//! Input types: what a developer writes. General terms only; the Kubernetes shapes are built
//! in `build.rs`.

use std::collections::BTreeMap;

pub use lummo_inputs::{MonitoringSpec, OneOrMany, Ordered, Scalar, ScalingSpec, Verbatim};
use lummo_policy::vault::SecretSource;
use schemars::JsonSchema;
use serde::Deserialize;

/// One container in general terms. Every field may come from the LummoContainer it `extends`,
/// so the required ones (`image`, `resources`) are checked after templates are applied.
#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerSpec {
    /// Container name; the first container defaults to the app's name.
    pub name: Option<String>,
    /// A LummoContainer to start from; fields given here override it.
    pub extends: Option<String>,
    pub image: Option<String>,
    /// Replaces the image's entrypoint.
    pub command: Option<Vec<String>>,
    pub args: Option<Vec<String>>,
    /// Named ports: `http: 8080`, `grpc: 9090`. Each becomes a Service port of the same name.
    pub ports: Option<BTreeMap<String, u16>>,
    /// ConfigMaps whose keys become environment variables.
    pub configs: Option<Vec<String>>,
    /// Secrets (by name, or `{vault: path}`) whose keys become environment variables.
    pub secrets: Option<Vec<SecretSource>>,
    /// Variables in the order written (a `$(VAR)` value refers to those before it), each value
    /// the exact text written (`1.10` stays `"1.10"`).
    pub env: Option<Ordered<Verbatim>>,
    /// Required: what the container requests (`cpu`, `memory`) and optional `limits`.
    pub resources: Option<Resources>,
    /// The probes, or `none` (a server container that declares none gets TCP probes on its
    /// serving port).
    pub probes: Option<ProbesSpec>,
    /// Set to false for images that must write outside `/tmp`.
    pub read_only_root_filesystem: Option<bool>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// CPU request, e.g. `250m` or `0.5`.
    pub cpu: Option<Scalar>,
    /// Memory request, e.g. `256Mi`; also the memory limit unless `limits.memory` says otherwise.
    pub memory: Option<Scalar>,
    pub limits: Option<Limits>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub cpu: Option<Scalar>,
    pub memory: Option<Scalar>,
}

/// `probes: none`, or the probes by kind.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum ProbesSpec {
    Off(NoProbes),
    Probes(Box<Probes>),
}

/// `none`: the container has no probes, and wants none.
#[derive(Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoProbes {
    #[serde(rename = "none")]
    None,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Probes {
    /// Traffic is sent only while it passes.
    pub readiness: Option<Probe>,
    /// The container is restarted when it fails.
    pub liveness: Option<Probe>,
    /// Holds the other probes back until it passes once (slow starters).
    pub startup: Option<Probe>,
}

/// `{http: /healthz}` (on port `http` unless `port` names another) or `{tcp: grpc}`.
///
/// Counts and seconds here and in the specs below are the API's int32 (or int64) fields, declared
/// `i64` so that every integer reaches the range checks (`checks::int32_field`).
#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probe {
    /// HTTP GET path that must answer 2xx or 3xx.
    pub http: Option<String>,
    /// The named port of an `http` probe (default `http`).
    pub port: Option<String>,
    /// A named port that must accept TCP connections.
    pub tcp: Option<String>,
    /// Seconds before the first check (default 0).
    pub initial_delay_seconds: Option<i64>,
    /// Seconds between checks, at least 1 (default 10).
    pub period_seconds: Option<i64>,
    /// Seconds a check may take, at least 1 (default 1).
    pub timeout_seconds: Option<i64>,
    /// Failed checks in a row that count as failing, at least 1 (default 3).
    pub failure_threshold: Option<i64>,
}

/// `LummoDeployment.spec`: a long-running server.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeploymentSpec {
    /// The larger system the app belongs to.
    #[serde(rename = "part-of")]
    #[schemars(length(min = 1))]
    pub part_of: String,
    /// Names the workload, its Service and its pods' `app` label.
    #[schemars(length(min = 1))]
    pub app: String,
    /// The environment (`prod` gets the cautious canary).
    pub env: Option<String>,
    pub containers: OneOrMany<ContainerSpec>,
    /// Containers that run beside the main ones for the pod's whole life (a database proxy, a
    /// log shipper): native sidecars, started before the main containers; a Job still
    /// completes when its main containers exit. Named; templates (`extends`) apply.
    pub sidecars: Option<OneOrMany<ContainerSpec>>,
    /// Containers that run to completion, in order, before the main ones start (after the
    /// sidecars). Named; no probes.
    pub init_containers: Option<OneOrMany<ContainerSpec>>,
    /// Present (even `{}`): an Argo Rollout with a canary; absent: a Deployment.
    pub strategy: Option<StrategySpec>,
    /// Restart pods when their ConfigMaps or Secrets change (default: when they use any).
    pub reloader: Option<bool>,
    /// Pod count when there is no `scaling`.
    pub replicas: Option<i64>,
    /// Run as this ServiceAccount, with its token mounted (no token otherwise).
    pub service_account: Option<String>,
    /// GKE workload identity: the pods run as a ServiceAccount named after the app, bound to
    /// the GCP service account `gcp` (created by Config Connector in the env's project). Not
    /// with `serviceAccount`.
    pub identity: Option<lummo_inputs::identity::Identity>,
    /// The Pub/Sub subscriptions and topics the identity's GCP service account uses: the
    /// pubsub function grants it `roles/pubsub.subscriber` and `roles/pubsub.publisher` on them.
    pub pubsub: Option<lummo_inputs::identity::PubsubAccess>,
    /// Who may reach the pods and whom they may reach (a NetworkPolicy); without it, nothing
    /// is restricted unless the platform makes that the default.
    pub network: Option<lummo_inputs::network::NetworkSpec>,
    /// Set to false for images that must run as root.
    pub run_as_non_root: Option<bool>,
    /// Built by the scaling function; here `maxreplica` sizes the disruption budget, and
    /// `replicas` is left to the autoscaler.
    pub scaling: Option<ScalingSpec>,
    /// Applied by the monitoring function.
    pub monitoring: Option<MonitoringSpec>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// Canary steps; by default those of the environment (see the README).
    pub steps: Option<Vec<StepSpec>>,
    pub analysis: Option<AnalysisSpec>,
}

/// `{weight: 30}` sends that percentage to the new version; `{pause: 5m}` waits (`manual`:
/// until promoted).
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    pub weight: Option<i64>,
    pub pause: Option<String>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSpec {
    pub datadog: DatadogAnalysis,
}

/// Abort the canary when the new version's traces cross a threshold.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DatadogAnalysis {
    /// The traced operation, e.g. `graphql.execute`.
    #[schemars(length(min = 1))]
    pub operation: String,
    /// Most errors per minute allowed.
    #[serde(rename = "errorRPM")]
    pub error_rpm: Option<Scalar>,
    /// Slowest allowed 95th percentile latency, e.g. `500ms` or `1.5s`.
    pub p95latency: Option<Scalar>,
}

/// `LummoJob.spec` and `LummoCronJob.spec`: run to completion, once or on a schedule.
///
/// The fields it shares with `DeploymentSpec` are repeated on purpose: serde cannot combine
/// `#[serde(flatten)]` with `deny_unknown_fields`, and unknown fields must stay errors.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JobSpec {
    #[serde(rename = "part-of")]
    #[schemars(length(min = 1))]
    pub part_of: String,
    #[schemars(length(min = 1))]
    pub app: String,
    pub env: Option<String>,
    pub containers: OneOrMany<ContainerSpec>,
    /// Containers that run beside the main ones for the pod's whole life (a database proxy, a
    /// log shipper): native sidecars, started before the main containers; a Job still
    /// completes when its main containers exit. Named; templates (`extends`) apply.
    pub sidecars: Option<OneOrMany<ContainerSpec>>,
    /// Containers that run to completion, in order, before the main ones start (after the
    /// sidecars). Named; no probes.
    pub init_containers: Option<OneOrMany<ContainerSpec>>,
    /// `Never` (default) or `OnFailure`.
    pub restart_policy: Option<RestartPolicy>,
    pub backoff_limit: Option<i64>,
    pub active_deadline_seconds: Option<i64>,
    pub ttl_seconds_after_finished: Option<i64>,
    /// LummoCronJob only: when to run, in cron syntax (`0 3 * * *`, `@hourly`).
    pub schedule: Option<String>,
    /// LummoCronJob only: what to do when a run is still going (default `Forbid`).
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    /// LummoCronJob only: the schedule's time zone, e.g. `Asia/Jakarta` (default: the cluster's).
    pub time_zone: Option<String>,
    /// LummoCronJob only: a run that could not start on time is skipped after this many seconds.
    pub starting_deadline_seconds: Option<i64>,
    pub service_account: Option<String>,
    /// GKE workload identity: the pods run as a ServiceAccount named after the app, bound to
    /// the GCP service account `gcp` (created by Config Connector in the env's project). Not
    /// with `serviceAccount`.
    pub identity: Option<lummo_inputs::identity::Identity>,
    /// The Pub/Sub subscriptions and topics the identity's GCP service account uses: the
    /// pubsub function grants it `roles/pubsub.subscriber` and `roles/pubsub.publisher` on them.
    pub pubsub: Option<lummo_inputs::identity::PubsubAccess>,
    /// Who may reach the pods and whom they may reach (a NetworkPolicy); without it, nothing
    /// is restricted unless the platform makes that the default.
    pub network: Option<lummo_inputs::network::NetworkSpec>,
    pub run_as_non_root: Option<bool>,
    /// Applied by the monitoring function.
    pub monitoring: Option<MonitoringSpec>,
    /// LummoJob only: run the Job as an ArgoCD hook of every sync: `before-deploy` (a
    /// migration: PreSync, it must succeed before the new version rolls out) or `after-deploy`
    /// (PostSync, once the sync is healthy). Without it, the Job is an ordinary resource.
    pub runs: Option<Runs>,
}

/// When an ArgoCD sync runs a hook Job.
#[derive(Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Runs {
    BeforeDeploy,
    AfterDeploy,
}

#[derive(Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    Never,
    OnFailure,
}

#[derive(Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConcurrencyPolicy {
    Allow,
    Forbid,
    Replace,
}

/// The fields servers and jobs share, by reference: what the pod's account, the identity and
/// the network policy read alike of either kind (the two spec types repeat them on purpose,
/// see `JobSpec`).
pub struct Shared<'a> {
    pub app: &'a str,
    pub part_of: &'a str,
    pub env: Option<&'a str>,
    pub service_account: Option<&'a str>,
    pub identity: Option<&'a lummo_inputs::identity::Identity>,
    pub pubsub: Option<&'a lummo_inputs::identity::PubsubAccess>,
    pub network: Option<&'a lummo_inputs::network::NetworkSpec>,
    pub monitoring: Option<&'a MonitoringSpec>,
}

impl<'a> Shared<'a> {
    /// The ServiceAccount the pods run as: the one an identity makes (named after the app),
    /// else the one the input names.
    pub fn pod_service_account(&self) -> Option<&'a str> {
        self.identity.map(|_| self.app).or(self.service_account)
    }
}

macro_rules! shared {
    ($spec:ty) => {
        impl $spec {
            pub fn shared(&self) -> Shared<'_> {
                Shared {
                    app: &self.app,
                    part_of: &self.part_of,
                    env: self.env.as_deref(),
                    service_account: self.service_account.as_deref(),
                    identity: self.identity.as_ref(),
                    pubsub: self.pubsub.as_ref(),
                    network: self.network.as_ref(),
                    monitoring: self.monitoring.as_ref(),
                }
            }
        }
    };
}

shared!(DeploymentSpec);
shared!(JobSpec);
