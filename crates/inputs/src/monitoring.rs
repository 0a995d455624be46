//! The `monitoring` block of `LummoDeployment`, `LummoJob` and `LummoCronJob`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `monitoring: {datadog: true, prometheus: {endpoint: /metrics, port: 1234}}`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MonitoringSpec {
    /// Datadog's environment variables and unified service tags on the workload.
    pub datadog: Option<bool>,
    /// The version Datadog knows the app by (default: the first container's image tag).
    pub version: Option<String>,
    /// Let Prometheus scrape the pods.
    pub prometheus: Option<PrometheusSpec>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PrometheusSpec {
    /// The HTTP path that serves metrics, e.g. `/metrics`.
    pub endpoint: Option<String>,
    /// The container port that serves them, by name or number (a sidecar's, for example).
    pub port: Option<PortRef>,
}

/// A container port by its name (`metrics`) or its number (`9102`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(untagged)]
pub enum PortRef {
    Number(u16),
    Name(String),
}

/// How Prometheus metrics are collected: a platform choice (`spec.monitoring.scraping` of the
/// LummoPlatform), the same for every function that exposes metrics (monitoring for apps,
/// pgbouncer for its exporter).
pub use lummo_platform::Scraping;

/// Datadog autodiscovery of the OpenMetrics endpoint of one container: the pod annotation's
/// key and its JSON value. `namespace` prefixes the metric names in Datadog.
pub fn openmetrics_annotation(container: &str, port: i32, path: &str, namespace: &str) -> (String, String) {
    let instance = serde_json::json!({
        "openmetrics_endpoint": format!("http://%%host%%:{port}{path}"),
        "namespace": namespace,
        "metrics": [".*"],
    });
    (format!("ad.datadoghq.com/{container}.checks"), serde_json::json!({"openmetrics": {"instances": [instance]}}).to_string())
}
