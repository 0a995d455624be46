//! The `network` block of servers and jobs, which workloads turns into a NetworkPolicy
//! (networking and pgbouncer then admit what they know the app needs: the ingress controller,
//! the pooler).

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
