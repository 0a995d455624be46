//! Datadog's unified service tags: `service`, `env` and `version` on a workload's telemetry.
//!
//! Two functions put them on pods, and both must put the same ones: monitoring (`monitoring:
//! {datadog: true}`) and workloads (whenever it writes a canary analysis, whose queries filter
//! on them). Both build them here, so the tags a query filters on are, by construction, the
//! tags the canary's pods carry: the `tags.datadoghq.com/*` labels (which the Datadog agent
//! reads for metrics and logs) and the `DD_*` variables read from those labels (which the
//! tracers read for traces).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, ObjectFieldSelector, PodTemplateSpec};

pub const ENV_LABEL: &str = "tags.datadoghq.com/env";
pub const SERVICE_LABEL: &str = "tags.datadoghq.com/service";
pub const VERSION_LABEL: &str = "tags.datadoghq.com/version";
/// The tag of an image without one. It names no release (every deploy would share it), so it
/// is never a version.
pub const UNVERSIONED_TAG: &str = "latest";
/// The variables a tracer reads its tags from, with the label each is read from.
pub const TAG_VARIABLES: [(&str, &str); 3] = [("DD_ENV", ENV_LABEL), ("DD_SERVICE", SERVICE_LABEL), ("DD_VERSION", VERSION_LABEL)];

/// The tags of one app's pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceTags {
    pub service: String,
    pub env: Option<String>,
    /// `None` when no version can be known: then nothing filters on one.
    pub version: Option<String>,
}

impl ServiceTags {
    /// The tags of `app` in `env`: the version is `version` when given, else the tag of the
    /// first container's image (none for an untagged or `latest` image).
    pub fn new(app: &str, env: Option<&str>, version: Option<&str>, first_image: &str) -> ServiceTags {
        let image_tag = lummo_krm::image::tag(first_image);
        let version = version.map(str::to_string).or_else(|| (image_tag != UNVERSIONED_TAG).then_some(image_tag));
        ServiceTags { service: app.to_string(), env: env.map(str::to_string), version }
    }

    /// The pod (and workload) labels.
    pub fn labels(&self) -> BTreeMap<String, String> {
        let tags = [(SERVICE_LABEL, Some(&self.service)), (ENV_LABEL, self.env.as_ref()), (VERSION_LABEL, self.version.as_ref())];
        tags.into_iter().filter_map(|(key, value)| value.map(|v| (key.to_string(), v.clone()))).collect()
    }

    /// What the tracer reads: the agent's address, and each tag from its label through the
    /// downward API (so the two can never disagree).
    pub fn variables(&self) -> Vec<EnvVar> {
        let labels = self.labels();
        let mut variables = vec![field_variable("DD_AGENT_HOST", "status.hostIP")];
        for (variable, label) in TAG_VARIABLES.into_iter().filter(|(_, label)| labels.contains_key(*label)) {
            variables.push(field_variable(variable, &format!("metadata.labels['{label}']")));
        }
        variables
    }

    /// The tags as a Datadog query filters on them: `service:api,env:prod,version:1.2.0`.
    pub fn query_filter(&self) -> String {
        let tags = [("service", Some(&self.service)), ("env", self.env.as_ref()), ("version", self.version.as_ref())];
        tags.into_iter().filter_map(|(tag, value)| value.map(|v| format!("{tag}:{v}"))).collect::<Vec<_>>().join(",")
    }

    /// The tags of a pod, read back from its labels.
    pub fn of_labels(labels: &BTreeMap<String, String>) -> Option<ServiceTags> {
        Some(ServiceTags {
            service: labels.get(SERVICE_LABEL)?.clone(),
            env: labels.get(ENV_LABEL).cloned(),
            version: labels.get(VERSION_LABEL).cloned(),
        })
    }
}

/// Puts the tags on a workload and its pods: `labels` on both, and on every container each of
/// `variables` it does not set itself. Every change is a set, never an append of what is
/// there, so tagging twice (workloads, then monitoring) equals once.
pub fn tag_pods(
    labels: &BTreeMap<String, String>,
    variables: &[EnvVar],
    workload_labels: &mut Option<BTreeMap<String, String>>,
    template: &mut PodTemplateSpec,
) {
    for own in [workload_labels, &mut template.metadata.get_or_insert_default().labels] {
        own.get_or_insert_default().extend(labels.clone());
    }
    for container in template.spec.iter_mut().flat_map(|p| p.containers.iter_mut()) {
        let env = container.env.get_or_insert_default();
        for variable in variables {
            if !env.iter().any(|own| own.name == variable.name) {
                env.push(variable.clone());
            }
        }
    }
}

/// A variable read from a field of the pod (the downward API).
pub fn field_variable(name: &str, path: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector { field_path: path.into(), api_version: None }),
            ..EnvVarSource::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_filters_on_exactly_the_labels() {
        let tags = ServiceTags::new("api", Some("prod"), None, "registry.example.com/api:1.2.0");
        assert_eq!(tags.query_filter(), "service:api,env:prod,version:1.2.0");
        assert_eq!(ServiceTags::of_labels(&tags.labels()), Some(tags.clone()));
        let untagged = ServiceTags::new("api", None, None, "registry.example.com/api");
        assert_eq!(untagged.query_filter(), "service:api", "no version the pods do not carry");
        assert_eq!(untagged.variables().iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["DD_AGENT_HOST", "DD_SERVICE"]);
        assert_eq!(ServiceTags::new("api", None, Some("2024.1"), "api:latest").version.as_deref(), Some("2024.1"));
    }
}
