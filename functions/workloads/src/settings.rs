//! The workloads function's settings: the platform's (`spec.workloads` and `spec.vault` of a
//! LummoPlatform, defaults in `lummo-platform`), checked as the controllers would, and what
//! stays fixed because it is another tool's API (Reloader's annotation) or a choice the
//! generated objects depend on (where `/tmp` is, the restart and concurrency policies, the
//! port names probes look for).

use lummo_inputs::canary;
use lummo_krm::platform::Platform;
use lummo_krm::results::Report;
use lummo_platform::{Analysis, CanaryStep, PerEnv};
use lummo_policy::vault::{self, VaultSettings};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Canary steps of a server whose input names none, per `env` (by default: for `prod`
    /// 30%, wait 5m, 60%, wait 10m, 100%; elsewhere straight to 100%).
    pub canary_steps: PerEnv<Vec<CanaryStep>>,
    /// The same for a server with a Datadog analysis (by default 30%, wait 5m, 60%, wait 15m,
    /// 100%: from step 2 on, the time the analysis needs to fail a bad canary).
    pub analysis_canary_steps: PerEnv<Vec<CanaryStep>>,
    /// When background analysis starts (after the first pause of the prod steps, or at the
    /// last step of shorter lists), how often it measures, how many failures abort, and the
    /// window each Datadog query looks at.
    pub analysis: Analysis,
    /// Extra pods a rolling Deployment update may start (`maxUnavailable` is always 0).
    pub rolling_max_surge: String,
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
    /// The GCP project of each `env` (the platform's `pubsub.projects`, the same projects the
    /// pubsub and scaling functions use): where a workload's GCP service account lives.
    pub projects: PerEnv<String>,
    /// Where the cluster's shared services run, for NetworkPolicies (`workloads.networkPolicy`).
    pub network_policy: lummo_platform::NetworkPolicy,
    /// GKE's workload identity API: the ServiceAccount annotation naming the GCP service
    /// account, and the role that lets the ServiceAccount act as it.
    pub workload_identity_annotation: &'static str,
    pub workload_identity_role: &'static str,
    /// ArgoCD's hook annotations (its API): a `runs` Job is a PreSync or PostSync hook,
    /// deleted before the next sync creates it again.
    pub hook: HookAnnotations,
    pub vault: VaultSettings,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookAnnotations {
    pub hook: &'static str,
    pub before_deploy: &'static str,
    pub after_deploy: &'static str,
    pub delete_policy: &'static str,
    pub delete_before_creation: &'static str,
    pub sync_wave: &'static str,
}

const ARGOCD_HOOKS: HookAnnotations = HookAnnotations {
    hook: "argocd.argoproj.io/hook",
    before_deploy: "PreSync",
    after_deploy: "PostSync",
    delete_policy: "argocd.argoproj.io/hook-delete-policy",
    delete_before_creation: "BeforeHookCreation",
    sync_wave: "argocd.argoproj.io/sync-wave",
};

impl Settings {
    pub fn new(platform: &lummo_platform::PlatformSpec) -> Settings {
        let section = &platform.workloads;
        Settings {
            canary_steps: section.canary_steps.clone(),
            analysis_canary_steps: section.analysis_canary_steps.clone(),
            analysis: section.analysis.clone(),
            rolling_max_surge: section.rolling_max_surge.clone(),
            reloader_annotation: "reloader.stakater.com/auto",
            pdb_max_unavailable: section.pdb_max_unavailable,
            tmp_mount: "/tmp",
            default_probe_ports: &[lummo_inputs::ports::HTTP, lummo_inputs::ports::GRPC],
            default_startup_failure_threshold: section.startup_failure_threshold,
            job_restart_policy: "Never",
            cron_concurrency_policy: "Forbid",
            hook: ARGOCD_HOOKS,
            projects: platform.pubsub.projects.clone(),
            network_policy: section.network_policy.clone(),
            workload_identity_annotation: "iam.gke.io/gcp-service-account",
            workload_identity_role: "roles/iam.workloadIdentityUser",
            vault: platform.vault.clone(),
        }
    }

    /// The settings of a LummoPlatform, each value checked where it is written.
    pub fn from_platform(platform: &Platform, report: &mut Report) -> Settings {
        let section = &platform.spec.workloads;
        for (field, steps) in [("canarySteps", &section.canary_steps), ("analysisCanarySteps", &section.analysis_canary_steps)] {
            check_steps(platform, report, field, steps);
        }
        let analysis = &section.analysis;
        // Both are Go durations to Argo Rollouts (`DurationString`), above zero to measure.
        for (field, duration) in [("interval", &analysis.interval), ("queryWindow", &analysis.query_window)] {
            let positive = lummo_krm::duration::go_duration_seconds(duration).is_some_and(|s| s > 0.0);
            let checked =
                if positive { Ok(()) } else { Err(format!("{duration:?} is not a duration above zero: write it like 3m or 90s")) };
            platform.check(report, &format!("spec.workloads.analysis.{field}"), checked);
        }
        platform.check(report, "spec.workloads.rollingMaxSurge", check_int_or_percent(&section.rolling_max_surge));
        check_analysis_budget(platform, report);
        vault::check_settings(platform, report);
        lummo_inputs::pubsub::check_platform_projects(platform, report);
        for (i, range) in section.network_policy.private_ranges.iter().enumerate() {
            let checked = if lummo_krm::traefik_rule::is_ip_or_cidr(range) {
                Ok(())
            } else {
                Err(format!("{range:?} is not an IP range like 10.0.0.0/8"))
            };
            platform.check(report, &format!("spec.workloads.networkPolicy.privateRanges[{i}]"), checked);
        }
        Settings::new(&platform.spec)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(&lummo_platform::PlatformSpec::default())
    }
}

fn check_steps(platform: &Platform, report: &mut Report, field: &str, steps: &PerEnv<Vec<CanaryStep>>) {
    for (env, steps) in &steps.0 {
        if steps.is_empty() {
            platform.check(report, &format!("spec.workloads.{field}.{env}"), Err("must list at least one step".into()));
        }
        for (i, step) in steps.iter().enumerate() {
            if let Err((part, message)) = crate::build::canary_step(step.weight, step.pause.as_deref()) {
                platform.check(report, &format!("spec.workloads.{field}.{env}[{i}]{part}"), Err(message));
            }
        }
    }
}

/// The default steps of a canary with an analysis must give the analysis, as the platform
/// configures it, the time it needs to fail a bad canary.
fn check_analysis_budget(platform: &Platform, report: &mut Report) {
    let section = &platform.spec.workloads;
    let analysis = &section.analysis;
    // Every metric is measured every `interval` and stops the rollout after `failureLimit`.
    let Some(needed) = canary::seconds_to_act_at(&analysis.interval, analysis.failure_limit) else { return };
    for (env, steps) in &section.analysis_canary_steps.0 {
        let steps: Vec<_> = steps.iter().filter_map(|s| crate::build::canary_step(s.weight, s.pause.as_deref()).ok()).collect();
        let start = canary::analysis_start(analysis.starting_step, steps.len());
        if let Some(paused) = canary::pauses_short_of(&steps, start, needed) {
            let message = format!(
                "the analysis ({} × {} measurements) needs {} of pauses after step {start} to fail a bad canary; these steps pause {}",
                analysis.interval,
                analysis.failure_limit + 1,
                canary::human_duration(needed),
                canary::human_duration(paused)
            );
            platform.check(report, &format!("spec.workloads.analysisCanarySteps.{env}"), Err(message));
        }
    }
}

/// An IntOrString of a rolling update: a count (`2`) or a percentage (`25%`).
fn check_int_or_percent(text: &str) -> Result<(), String> {
    let digits = text.strip_suffix('%').unwrap_or(text);
    match !digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
        true => Ok(()),
        false => Err(format!("{text:?} is neither a count nor a percentage: write it like 1 or 25%")),
    }
}
