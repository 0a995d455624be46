//! Platform conventions of the monitoring function, in one place.

pub use lummo_inputs::monitoring::Scraping;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub scraping: Scraping,
    /// Scraped when `prometheus.endpoint` is not given.
    pub default_endpoint: &'static str,
    /// The port scraped when `prometheus.port` is not given, if a container has it.
    pub default_port_name: &'static str,
    /// Datadog's unified service tags: labels on the workload and its pods.
    pub env_label: &'static str,
    pub service_label: &'static str,
    pub version_label: &'static str,
    /// The tag of an image without one: never Datadog's version.
    pub unversioned_tag: &'static str,
    /// Variables the earlier implementation's production manifests set, kept so dashboards and
    /// tracing set-ups that read them keep working.
    pub apm_flag: (&'static str, &'static str),
    pub service_name_variable: &'static str,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            scraping: Scraping::Auto,
            default_endpoint: "/metrics",
            default_port_name: "metrics",
            env_label: "tags.datadoghq.com/env",
            service_label: "tags.datadoghq.com/service",
            version_label: "tags.datadoghq.com/version",
            unversioned_tag: "latest",
            apm_flag: ("ENABLE_APM_TRACING", "true"),
            service_name_variable: "SERVICE_NAME",
        }
    }
}
