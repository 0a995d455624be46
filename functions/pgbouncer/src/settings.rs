//! Platform conventions of the pgbouncer function, in one place, with the earlier
//! implementation's values where they were sound (the README says where they were not).

use lummo_inputs::monitoring::Scraping;
use lummo_krm::vault::VaultSettings;

/// Requests of one container. Memory is limited to its request, as workloads does for apps;
/// CPU is not limited, because pgbouncer is single-threaded and a CPU limit only throttles it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requests {
    pub cpu: &'static str,
    pub memory: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The pooler's image, pinned (bitnami's PgBouncer, configured through environment variables).
    pub image: &'static str,
    /// The Prometheus exporter sidecar's image, pinned.
    pub exporter_image: &'static str,
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

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            image: "gcr.io/beecash-prod/pgbouncer:bitnami-1.17.0-debian-11-r7",
            exporter_image: "spreaker/prometheus-pgbouncer-exporter:2.1.1",
            pooler_container: "pgbouncer",
            exporter_container: "prometheus-pgbouncer-exporter",
            port: 6432,
            port_name: "pgbouncer",
            exporter_port: 9127,
            exporter_port_name: "metrics",
            metrics_path: "/metrics",
            replicas: 2,
            max_surge: 2,
            pdb_max_unavailable: 1,
            run_as_user: 1001,
            writable_dirs: &[
                ("pgbouncer-conf", "/opt/bitnami/pgbouncer/conf"),
                ("pgbouncer-tmp", "/opt/bitnami/pgbouncer/tmp"),
                ("pgbouncer-logs", "/opt/bitnami/pgbouncer/logs"),
                ("tmp", "/tmp"),
            ],
            pooler_requests: Requests { cpu: "50m", memory: "128Mi" },
            exporter_requests: Requests { cpu: "10m", memory: "64Mi" },
            pre_stop_sleep_seconds: 15,
            readiness: (5, 10, 6),
            liveness: (60, 10, 3),
            exporter_probe: (5, 30, 3),
            address_suffix: "-address",
            address_host_key: "PGBOUNCER_HOST",
            address_port_key: "PGBOUNCER_PORT",
            reloader_annotation: "reloader.stakater.com/auto",
            scraping: Scraping::Auto,
            vault: VaultSettings::default(),
        }
    }
}
