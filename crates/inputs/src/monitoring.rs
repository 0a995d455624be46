//! The `monitoring` block of `LummoDeployment`, `LummoJob` and `LummoCronJob`.

use schemars::JsonSchema;
use serde::Deserialize;

/// `monitoring: {datadog: true, prometheus: {endpoint: /metrics, port: 1234}}`.
#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MonitoringSpec {
    /// Datadog's environment variables and unified service tags on the workload.
    pub datadog: Option<bool>,
    /// Let Prometheus scrape the pods.
    pub prometheus: Option<PrometheusSpec>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PrometheusSpec {
    /// The HTTP path that serves metrics, e.g. `/metrics`.
    pub endpoint: Option<String>,
    /// The container port that serves them (a sidecar's, for example).
    pub port: Option<u16>,
}
