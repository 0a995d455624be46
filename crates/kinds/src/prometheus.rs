//! prometheus-operator (`monitoring.coreos.com/v1`) kinds.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Serialize};

crate::resource!(
    /// Tells Prometheus to scrape the pods its selector matches.
    PodMonitor,
    "monitoring.coreos.com",
    "v1",
    PodMonitorSpec
);

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    pub selector: LabelSelector,
    pub pod_metrics_endpoints: Vec<PodMetricsEndpoint>,
}

/// One endpoint to scrape: a named container port, or a port number.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PodMetricsEndpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_number: Option<i32>,
    pub path: String,
}
