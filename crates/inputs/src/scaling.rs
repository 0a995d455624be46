//! The `scaling` block of `LummoDeployment`: `workloads` reads `maxreplica` (for the disruption
//! budget and to leave `replicas` to the autoscaler), `scaling` turns it into KEDA objects.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::values::{OneOrMany, Scalar};

/// Autoscaling between `minreplica` and `maxreplica` pods on the triggers given.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScalingSpec {
    /// Fewest pods (default 1).
    pub minreplica: Option<u32>,
    /// Most pods.
    pub maxreplica: u32,
    /// Scale on CPU use, in percent of the containers' requests.
    pub cpu: Option<UtilizationTarget>,
    /// Scale on memory use, in percent of the containers' requests.
    pub memory: Option<UtilizationTarget>,
    /// Scale on the backlog of Pub/Sub subscriptions the app consumes.
    pub pubsub_topic: Option<OneOrMany<PubsubTrigger>>,
    /// How long load must stay low before pods are removed, e.g. `5m`.
    pub scale_down_stabilization: Option<String>,
}

/// `{target: 50}`: percent of the requests. Earlier inputs wrote the number as a string.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UtilizationTarget {
    pub target: Scalar,
}

/// One subscription whose backlog drives the pod count: `size` messages per pod, or how long a
/// message may wait (`latency`) and how many one pod handles per second (`throughput`).
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PubsubTrigger {
    /// The Pub/Sub subscription the app consumes.
    pub name: String,
    /// Backlog per pod.
    pub size: Option<Scalar>,
    /// How long a message may wait, e.g. `30s`.
    pub latency: Option<String>,
    /// Messages one pod handles per second.
    pub throughput: Option<Scalar>,
}
