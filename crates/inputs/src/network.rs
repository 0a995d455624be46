//! The `network` block of servers and jobs, which workloads turns into a NetworkPolicy, and what
//! it reads of other inputs to admit what they need: pgbouncer's poolers (their `app` is a
//! client) and networking's routes (their app is reached by the ingress controller).

use schemars::JsonSchema;
use serde::Deserialize;

/// Who may reach the workload's pods and whom they may reach; everything else is refused.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Apps (their `app` label, in the same namespace) that may connect to this one.
    #[serde(default)]
    pub from: Vec<String>,
    /// Apps (in the same namespace) this one may connect to.
    #[serde(default)]
    pub to: Vec<String>,
    /// Whether it may connect to addresses outside the cluster's private ranges.
    #[serde(default)]
    pub internet: bool,
}

/// The kind of pgbouncer's input.
pub const POOLER_KIND: &str = "pgbouncer";

/// What workloads reads of a pgbouncer input: the app that connects through the pooler, whose
/// pods are the pooler's input name (its pods' `app` label). A lenient view: pgbouncer validates
/// the input in full.
#[derive(Deserialize, Debug, Default)]
pub struct PoolerClient {
    #[serde(default)]
    pub app: Option<String>,
}
