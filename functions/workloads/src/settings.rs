//! Platform conventions of the workloads function, in one place, with the values the earlier
//! implementation used where it had them.

use lummo_krm::vault::VaultSettings;

/// A canary step as the platform writes it by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultStep {
    Weight(u8),
    Pause(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `spec.env` value that gets the cautious canary.
    pub prod_env: &'static str,
    /// Canary steps for `env: prod` (30%, wait 5m, 60%, wait 10m, 100%).
    pub prod_canary_steps: &'static [DefaultStep],
    /// Canary steps elsewhere: straight to 100%.
    pub canary_steps: &'static [DefaultStep],
    /// Background analysis starts at this step (after the first pause of the prod steps),
    /// or at the last step of shorter lists.
    pub analysis_starting_step: usize,
    /// How often and how many times analysis measures before it fails a rollout.
    pub analysis_interval: &'static str,
    pub analysis_failure_limit: i32,
    /// The window each Datadog query looks at.
    pub datadog_query_window: &'static str,
    /// Extra pods a rolling Deployment update may start (`maxUnavailable` is always 0).
    pub rolling_max_surge: &'static str,
    /// Stakater Reloader's annotation: restart pods when their ConfigMaps or Secrets change.
    pub reloader_annotation: &'static str,
    /// Pods a voluntary disruption may take down at once.
    pub pdb_max_unavailable: i32,
    /// Where a writable emptyDir is mounted when the root filesystem is read-only.
    pub tmp_mount: &'static str,
    /// A server container that declares no probes gets TCP readiness, liveness and startup
    /// probes on this port when it has it (else on the next of these, else on its first port
    /// by name).
    pub default_probe_ports: &'static [&'static str],
    /// The default startup probe's failures before the container is restarted: with the
    /// API's 10 s period, a slow starter has this many times 10 s to open its port before the
    /// liveness probe counts.
    pub default_startup_failure_threshold: i32,
    pub job_restart_policy: &'static str,
    pub cron_concurrency_policy: &'static str,
    pub vault: VaultSettings,
}

impl Default for Settings {
    fn default() -> Settings {
        use DefaultStep::*;
        Settings {
            prod_env: "prod",
            prod_canary_steps: &[Weight(30), Pause("5m"), Weight(60), Pause("10m"), Weight(100)],
            canary_steps: &[Weight(100)],
            analysis_starting_step: 2,
            analysis_interval: "3m",
            analysis_failure_limit: 3,
            datadog_query_window: "5m",
            rolling_max_surge: "25%",
            reloader_annotation: "reloader.stakater.com/auto",
            pdb_max_unavailable: 1,
            tmp_mount: "/tmp",
            default_probe_ports: &[lummo_inputs::ports::HTTP, lummo_inputs::ports::GRPC],
            default_startup_failure_threshold: 30,
            job_restart_policy: "Never",
            cron_concurrency_policy: "Forbid",
            vault: VaultSettings::default(),
        }
    }
}
