//! Argo Rollouts (`argoproj.io/v1alpha1`) kinds.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Serialize};

use crate::IntOrString;

crate::resource!(
    /// A Deployment that shifts traffic to a new version step by step (canary).
    Rollout,
    "argoproj.io",
    "v1alpha1",
    RolloutSpec
);

crate::resource!(
    /// Metrics a Rollout checks while it progresses; a failing one aborts the rollout.
    AnalysisTemplate,
    "argoproj.io",
    "v1alpha1",
    AnalysisTemplateSpec
);

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RolloutSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    pub selector: LabelSelector,
    pub template: PodTemplateSpec,
    pub strategy: RolloutStrategy,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RolloutStrategy {
    pub canary: CanaryStrategy,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CanaryStrategy {
    /// The Service Argo Rollouts points at the canary's pods (traffic routing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary_service: Option<String>,
    /// The Service Argo Rollouts points at the stable pods (traffic routing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stable_service: Option<String>,
    pub steps: Vec<CanaryStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<BackgroundAnalysis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_routing: Option<TrafficRouting>,
}

/// How weights become shares of requests instead of shares of pods.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TrafficRouting {
    pub traefik: TraefikTrafficRouting,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TraefikTrafficRouting {
    /// The TraefikService whose weights Argo Rollouts sets at each step.
    pub weighted_traefik_service_name: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub enum CanaryStep {
    SetWeight(i32),
    Pause(Pause),
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Pause {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<IntOrString>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BackgroundAnalysis {
    pub templates: Vec<TemplateRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_step: Option<i32>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRef {
    pub template_name: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AnalysisTemplateSpec {
    pub metrics: Vec<Metric>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Metric {
    pub name: String,
    pub interval: String,
    pub failure_limit: i32,
    /// Inconclusive measurements tolerated before the metric, and so the rollout, is
    /// inconclusive (paused for a person).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inconclusive_limit: Option<i32>,
    pub success_condition: String,
    /// With both conditions, a measurement that meets neither is inconclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_condition: Option<String>,
    pub provider: MetricProvider,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MetricProvider {
    pub datadog: DatadogMetric,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DatadogMetric {
    pub interval: String,
    pub query: String,
}
