//! The monitoring function's settings: the platform's (`spec.monitoring` of a LummoPlatform,
//! defaults in `lummo-platform`), and the variables the earlier implementation set, which are
//! fixed (Datadog's own tags and variables are in `lummo_inputs::datadog`).

pub use lummo_inputs::monitoring::Scraping;
use lummo_krm::platform::Platform;
use lummo_krm::results::Report;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub scraping: Scraping,
    /// Scraped when `prometheus.endpoint` is not given.
    pub default_endpoint: String,
    /// The port scraped when `prometheus.port` is not given, if a container has it.
    pub default_port_name: String,
    /// Variables the earlier implementation's production manifests set, kept so dashboards and
    /// tracing set-ups that read them keep working.
    pub apm_flag: (&'static str, &'static str),
    pub service_name_variable: &'static str,
}

impl Settings {
    pub fn new(platform: &lummo_platform::Monitoring) -> Settings {
        Settings {
            scraping: platform.scraping,
            default_endpoint: platform.metrics_path.clone(),
            default_port_name: platform.metrics_port.clone(),
            apm_flag: ("ENABLE_APM_TRACING", "true"),
            service_name_variable: "SERVICE_NAME",
        }
    }

    /// The settings of a LummoPlatform, each value checked where it is written.
    pub fn from_platform(platform: &Platform, report: &mut Report) -> Settings {
        let section = &platform.spec.monitoring;
        platform.check(report, "spec.monitoring.metricsPath", check_metrics_path(&section.metrics_path));
        platform.check(report, "spec.monitoring.metricsPort", lummo_krm::names::check_port_name(&section.metrics_port));
        Settings::new(section)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(&lummo_platform::Monitoring::default())
    }
}

/// An HTTP path, as Prometheus and Datadog's OpenMetrics check put it after the port.
fn check_metrics_path(path: &str) -> Result<(), String> {
    match path.starts_with('/') && !path.contains(char::is_whitespace) {
        true => Ok(()),
        false => Err(format!("{path:?} is not an HTTP path: start it with '/', without spaces")),
    }
}
