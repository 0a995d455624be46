//! What the functions after `workloads` read of its inputs.

use serde::Deserialize;

use crate::{MonitoringSpec, OneOrMany, ScalingSpec};

/// The part of a `LummoDeployment`, `LummoJob` or `LummoCronJob` spec that `scaling` and
/// `monitoring` read. Other fields are workloads' to check (it validates the whole input,
/// unknown fields included, and runs first), so they are ignored here.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct WorkloadInput {
    pub app: String,
    #[serde(rename = "part-of")]
    pub part_of: Option<String>,
    pub env: Option<String>,
    pub scaling: Option<ScalingSpec>,
    pub monitoring: Option<MonitoringSpec>,
    /// The containers as written, for the field paths of messages about them.
    pub containers: Option<OneOrMany<ContainerName>>,
    pub identity: Option<crate::identity::Identity>,
    pub pubsub: Option<crate::identity::PubsubAccess>,
}

/// A container of the input, by its position (and name, when it has one).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct ContainerName {
    pub name: Option<String>,
}

/// The kinds a [`WorkloadInput`] is read from, and their earlier names.
pub const DEPLOYMENT: &str = "LummoDeployment";
pub const DEPLOYMENT_EARLIER_NAMES: &[&str] = &["LummoRollout"];
pub const JOB: &str = "LummoJob";
pub const CRON_JOB: &str = "LummoCronJob";
pub const CRON_JOB_EARLIER_NAMES: &[&str] = &["LummoCron"];
