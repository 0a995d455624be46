//! The pgbouncer function's settings: the platform's (`spec.pgbouncer`, and the scraping choice
//! and Vault store of `spec.monitoring` and `spec.vault`, of a LummoPlatform; defaults in
//! `lummo-platform`), and what is fixed because bitnami's image defines it (its user, its
//! folders, its variables) or because the app finds the pooler by it (the port, the names).

use lummo_inputs::monitoring::Scraping;
use lummo_krm::platform::Platform;
use lummo_krm::results::Report;
use lummo_policy::vault::{self, VaultSettings};

/// Requests of one container. Memory is limited to its request, as workloads does for apps;
/// CPU is not limited, because pgbouncer is single-threaded and a CPU limit only throttles it.
pub use lummo_platform::Requests;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The pooler's image, pinned (bitnami's PgBouncer, configured through environment variables).
    pub image: String,
    /// The Prometheus exporter sidecar's image, pinned.
    pub exporter_image: String,
    pub pooler_container: &'static str,
    pub exporter_container: &'static str,
    /// The port pgbouncer listens on, the Service's port, and the port's name on both.
    pub port: i32,
    pub port_name: &'static str,
    /// Where the exporter serves metrics.
    pub exporter_port: i32,
    pub exporter_port_name: &'static str,
    pub metrics_path: &'static str,
    /// Pooler pods unless an input says otherwise: two, so that one node going away (or a
    /// rollout) never leaves the app without its database.
    pub replicas: u32,
    /// Extra pods a rollout may start (none is ever stopped before its replacement is ready).
    pub max_surge: i32,
    /// Pods a voluntary disruption may take down at once.
    pub pdb_max_unavailable: i32,
    /// The image's own non-root user; the exporter's image has none, so the pod sets it.
    pub run_as_user: i64,
    /// Folders the pooler image writes its generated configuration and pid file to at start:
    /// each is an emptyDir, so the root filesystem stays read-only.
    pub writable_dirs: &'static [(&'static str, &'static str)],
    pub pooler_requests: Requests,
    pub exporter_requests: Requests,
    /// Seconds before pgbouncer is stopped, so that the Service stops sending it clients first.
    pub pre_stop_sleep_seconds: u32,
    /// tcp probes: (initial delay, period, failure threshold).
    pub readiness: (i32, i32, i32),
    pub liveness: (i32, i32, i32),
    /// The exporter's probes (readiness and liveness), on its metrics port.
    pub exporter_probe: (i32, i32, i32),
    /// The ConfigMap with the pooler's address, named `<name><address_suffix>`, and its keys.
    pub address_suffix: &'static str,
    pub address_host_key: &'static str,
    pub address_port_key: &'static str,
    /// Stakater Reloader's annotation: restart the pooler when its ConfigMap or Secret changes
    /// (pgbouncer reads its environment once, at start).
    pub reloader_annotation: &'static str,
    pub scraping: Scraping,
    pub vault: VaultSettings,
}

impl Settings {
    pub fn new(platform: &lummo_platform::PlatformSpec) -> Settings {
        let section = &platform.pgbouncer;
        Settings {
            image: section.image.clone(),
            exporter_image: section.exporter_image.clone(),
            pooler_container: "pgbouncer",
            exporter_container: "prometheus-pgbouncer-exporter",
            port: 6432,
            port_name: "pgbouncer",
            exporter_port: 9127,
            exporter_port_name: "metrics",
            metrics_path: "/metrics",
            replicas: section.replicas,
            max_surge: 2,
            pdb_max_unavailable: 1,
            run_as_user: 1001,
            writable_dirs: &[
                ("pgbouncer-conf", "/opt/bitnami/pgbouncer/conf"),
                ("pgbouncer-tmp", "/opt/bitnami/pgbouncer/tmp"),
                ("pgbouncer-logs", "/opt/bitnami/pgbouncer/logs"),
                ("tmp", "/tmp"),
            ],
            pooler_requests: section.pooler_requests.clone(),
            exporter_requests: section.exporter_requests.clone(),
            pre_stop_sleep_seconds: 15,
            readiness: (5, 10, 6),
            liveness: (60, 10, 3),
            exporter_probe: (5, 30, 3),
            address_suffix: "-address",
            address_host_key: "PGBOUNCER_HOST",
            address_port_key: "PGBOUNCER_PORT",
            reloader_annotation: "reloader.stakater.com/auto",
            scraping: platform.monitoring.scraping,
            vault: platform.vault.clone(),
        }
    }

    /// The settings of a LummoPlatform, each value checked where it is written.
    pub fn from_platform(platform: &Platform, report: &mut Report) -> Settings {
        let section = &platform.spec.pgbouncer;
        platform.check(report, "spec.pgbouncer.image", lummo_krm::image::check_image(&section.image));
        platform.check(report, "spec.pgbouncer.exporterImage", lummo_krm::image::check_image(&section.exporter_image));
        for (field, requests) in [("poolerRequests", &section.pooler_requests), ("exporterRequests", &section.exporter_requests)] {
            platform.check(report, &format!("spec.pgbouncer.{field}.cpu"), lummo_krm::quantity::check_quantity(&requests.cpu));
            platform.check(report, &format!("spec.pgbouncer.{field}.memory"), lummo_krm::quantity::check_quantity(&requests.memory));
        }
        vault::check_settings(platform, report);
        Settings::new(&platform.spec)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(&lummo_platform::PlatformSpec::default())
    }
}
