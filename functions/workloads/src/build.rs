//! Outputs: what servers and jobs become.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec as KubeDeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec as KubeJobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use lummo_inputs::datadog::{self, ServiceTags};
use lummo_inputs::{canary, ports};
use lummo_kinds::argo::{
    AnalysisTemplate, AnalysisTemplateSpec, BackgroundAnalysis, CanaryStep, CanaryStrategy, DatadogMetric, Metric, MetricProvider, Pause,
    Rollout, RolloutSpec, RolloutStrategy, TemplateRef,
};
use lummo_kinds::{IntOrString, ObjectMeta};
use lummo_krm::names::{check_dns_label, check_label_value};
use lummo_krm::{Input, Report};
use lummo_policy::{labels, vault};
use serde_json::Value as Json;

use crate::checks::{
    check_duration, check_schedule, check_time_zone, content_hash, int32_field, int64_field, latency_seconds, object_name_problem,
};
use crate::network;
use crate::pod::{self, Pod, PodInput};
use crate::settings::HookAnnotations;
use crate::spec::{DatadogAnalysis, DeploymentSpec, JobSpec, RestartPolicy, Runs, Scalar, StrategySpec};
use crate::templates::Templates;
use crate::{CRON_JOB, JOB, Workloads};

fn json<T: serde::Serialize>(object: &T) -> Json {
    serde_json::to_value(object).expect("output types serialise to JSON")
}

fn metadata(input: &Input, name: &str, labels: &BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
        labels: Some(labels.clone()),
        ..ObjectMeta::default()
    }
}

/// The values that become labels (and name the outputs): `app` a DNS label (it names the
/// workload, its Service and its pods' `app` label), `part-of` and `env` label values.
fn check_labels(input: &Input, app: &str, part_of: &str, env: Option<&str>, report: &mut Report) {
    if let Err(message) = check_dns_label(app) {
        input.error(report, "spec.app", message);
    }
    if let Err(message) = check_label_value(part_of) {
        input.error(report, "spec.part-of", message);
    }
    if let Some(Err(message)) = env.map(check_label_value) {
        input.error(report, "spec.env", format!("{message} (it tags the pods and the Datadog queries)"));
    }
}

/// Every output's name by its kind's rule (a Service's starts with a letter, a Job's has at
/// most 63 characters, a CronJob's 52); all but the ExternalSecrets' (checked with the secrets
/// that name them) are built from `spec.app`. False when one does not fit.
fn check_output_names(input: &Input, outputs: &[Json], report: &mut Report) -> bool {
    let mut fit = true;
    for output in outputs {
        let kind = output["kind"].as_str().unwrap_or_default();
        let name = output["metadata"]["name"].as_str().unwrap_or_default();
        if kind != "ExternalSecret"
            && let Some(message) = object_name_problem(kind, name)
        {
            input.error(report, "spec.app", message);
            fit = false;
        }
    }
    fit
}

/// An optional int32 field of the spec, checked against the API's range.
fn int32_at(input: &Input, path: &str, value: Option<i64>, min: i32, report: &mut Report) -> Option<i32> {
    int32_field(value?, min).map_err(|message| input.error(report, path, message)).ok()
}

/// ExternalSecrets for the pod's Vault secrets, named after the Secrets they fill. Apps of one
/// system may share a secret, so these carry the system's labels, not the app's.
fn external_secrets(workloads: &Workloads, input: &Input, pod: &Pod, part_of: &str) -> Vec<Json> {
    let labels = labels::shared(part_of);
    pod.vault
        .iter()
        .map(|(secret, path)| json(&vault::external_secret(metadata(input, secret, &labels), secret, path, &workloads.settings.vault)))
        .collect()
}

/// A LummoDeployment: Rollout (with a strategy) or Deployment, Service, PDB, ExternalSecrets.
pub fn server(
    workloads: &Workloads,
    input: &Input,
    spec: &DeploymentSpec,
    templates: &Templates,
    network: &network::Context,
    report: &mut Report,
) -> Option<Vec<Json>> {
    let settings = &workloads.settings;
    let checkpoint = report.checkpoint();
    let routed = network.routed.contains(&spec.app);
    check_labels(input, &spec.app, &spec.part_of, spec.env.as_deref(), report);
    // With scaling, KEDA owns the replica count; setting it here would fight it on every sync.
    let replicas = int32_at(input, "spec.replicas", spec.replicas, 0, report).unwrap_or(1);
    let replicas = spec.scaling.is_none().then_some(replicas);
    let labels = labels::common(&spec.app, Some(&spec.part_of));
    let pod_input = PodInput {
        app: &spec.app,
        containers: &spec.containers,
        sidecars: spec.sidecars.as_ref(),
        init_containers: spec.init_containers.as_ref(),
        service_account: spec.shared().pod_service_account(),
        run_as_non_root: spec.run_as_non_root,
        restart_policy: None,
        labels: labels.clone(),
        server: true,
        hashed_name: false,
    };
    let pod = pod::build(settings, input, &pod_input, templates, report);
    let canary = spec.strategy.as_ref().and_then(|strategy| canary(workloads, input, spec, strategy, pod.as_ref(), report));
    let mut pod = pod?;
    if report.errors_since(checkpoint) {
        return None;
    }

    let selector = LabelSelector { match_labels: Some(labels::selector(&spec.app)), ..LabelSelector::default() };
    let mut workload_metadata = metadata(input, &spec.app, &labels);
    if spec.reloader.unwrap_or(pod.reads_config) {
        workload_metadata.annotations = Some(BTreeMap::from([(settings.reloader_annotation.to_string(), "true".to_string())]));
    }
    let max_scale = spec.scaling.as_ref().map(|s| i64::from(s.maxreplica));
    let most_pods = max_scale.unwrap_or(i64::from(replicas.unwrap_or(1)));

    let mut outputs = Vec::new();
    match canary {
        Some(canary) => {
            if !routed {
                let fewest =
                    spec.scaling.as_ref().map_or(replicas.unwrap_or(1), |s| i32::try_from(s.minreplica.unwrap_or(1)).unwrap_or(i32::MAX));
                let shares = canary::pod_shares(&canary.strategy.steps, fewest);
                if !shares.is_empty() {
                    let message = format!(
                        "no LummoNetworking routes {:?}, so Argo Rollouts makes each weight a share of pods, not of requests: at {fewest} replica(s), {shares}",
                        spec.app
                    );
                    input.warning(report, "spec.strategy", message);
                }
            }
            // The pods carry the tags the analysis's queries filter on.
            if let Some(tags) = &canary.tags {
                datadog::tag_pods(&tags.labels(), &tags.variables(), &mut workload_metadata.labels, &mut pod.template);
            }
            let rollout = RolloutSpec {
                replicas,
                selector: selector.clone(),
                template: pod.template.clone(),
                strategy: RolloutStrategy { canary: canary.strategy },
            };
            outputs.push(json(&Rollout::new(workload_metadata, rollout)));
            outputs.extend(canary.templates.iter().map(json));
        }
        None => {
            let deployment = Deployment {
                metadata: workload_metadata,
                spec: Some(KubeDeploymentSpec {
                    replicas,
                    selector: selector.clone(),
                    template: pod.template.clone(),
                    strategy: Some(DeploymentStrategy {
                        type_: Some("RollingUpdate".into()),
                        rolling_update: Some(RollingUpdateDeployment {
                            max_surge: Some(int_or_percent(&settings.rolling_max_surge)),
                            max_unavailable: Some(IntOrString::Int(0)),
                        }),
                    }),
                    ..KubeDeploymentSpec::default()
                }),
                status: None,
            };
            outputs.push(json(&deployment));
        }
    }
    if !pod.ports.is_empty() {
        let ports = pod
            .ports
            .iter()
            .map(|(name, number)| ServicePort {
                name: Some(name.clone()),
                port: *number,
                target_port: Some(IntOrString::String(name.clone())),
                protocol: Some("TCP".into()),
                app_protocol: (name == ports::GRPC).then(|| ports::GRPC_APP_PROTOCOL.to_string()),
                ..ServicePort::default()
            })
            .collect();
        let service = ServiceSpec { selector: Some(labels::selector(&spec.app)), ports: Some(ports), ..ServiceSpec::default() };
        outputs.push(json(&Service { metadata: metadata(input, &spec.app, &labels), spec: Some(service), status: None }));
    }
    if most_pods > 1 {
        let budget = PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(settings.pdb_max_unavailable)),
            selector: Some(selector),
            ..PodDisruptionBudgetSpec::default()
        };
        outputs.push(json(&PodDisruptionBudget { metadata: metadata(input, &spec.app, &labels), spec: Some(budget), status: None }));
    }
    outputs.extend(external_secrets(workloads, input, &pod, &spec.part_of));
    outputs.extend(network::policy(settings, input, &spec.shared(), &pod.ports, network, report));
    check_output_names(input, &outputs, report).then_some(outputs)
}

/// A canary: its steps, its background analysis and the templates of it, and the Datadog
/// tags its pods must carry for the analysis's queries to see them.
pub struct Canary {
    pub strategy: CanaryStrategy,
    pub templates: Vec<AnalysisTemplate>,
    pub tags: Option<ServiceTags>,
}

/// The canary steps and, with Datadog thresholds, its background analysis and templates.
fn canary(
    workloads: &Workloads,
    input: &Input,
    spec: &DeploymentSpec,
    strategy: &StrategySpec,
    pod: Option<&Pod>,
    report: &mut Report,
) -> Option<Canary> {
    let settings = &workloads.settings;
    let checkpoint = report.checkpoint();
    let steps: Vec<CanaryStep> = match &strategy.steps {
        Some(steps) => {
            if steps.is_empty() {
                input.error(report, "spec.strategy.steps", "must list at least one step (or leave steps out for the default ones)");
            }
            let mut built = Vec::new();
            for (i, step) in steps.iter().enumerate() {
                match canary_step(step.weight, step.pause.as_deref()) {
                    Ok(step) => built.push(step),
                    Err((field, message)) => input.error(report, &format!("spec.strategy.steps[{i}]{field}"), message),
                }
            }
            built
        }
        // The platform's steps were checked when it was read (those with an analysis against
        // the time it needs).
        None => {
            let defaults = if strategy.analysis.is_some() { &settings.analysis_canary_steps } else { &settings.canary_steps };
            let steps = defaults.of(spec.env.as_deref()).into_iter().flatten();
            steps.filter_map(|s| canary_step(s.weight, s.pause.as_deref()).ok()).collect()
        }
    };
    let analysis = match (&strategy.analysis, pod) {
        (Some(analysis), Some(pod)) => analysis_templates(workloads, input, spec, &analysis.datadog, pod, report),
        _ => None,
    };
    let Some((templates, tags)) = analysis else {
        return Some(Canary { strategy: canary_strategy(steps, None), templates: Vec::new(), tags: None });
    };
    // Start measuring once the canary has taken traffic, never past the last step.
    let start = canary::analysis_start(settings.analysis.starting_step, steps.len());
    if strategy.steps.is_some() && !report.errors_since(checkpoint) {
        check_pause_budget(input, &steps, start, &templates, report);
    }
    let analysis = BackgroundAnalysis {
        templates: templates.iter().map(|t| TemplateRef { template_name: t.metadata.name.clone().unwrap_or_default() }).collect(),
        starting_step: i32::try_from(start).ok().filter(|s| *s > 0),
    };
    Some(Canary { strategy: canary_strategy(steps, Some(analysis)), templates, tags: Some(tags) })
}

fn canary_strategy(steps: Vec<CanaryStep>, analysis: Option<BackgroundAnalysis>) -> CanaryStrategy {
    CanaryStrategy { canary_service: None, stable_service: None, steps, analysis, traffic_routing: None }
}

/// A background analysis is cancelled when the rollout is fully promoted: the pauses from its
/// starting step on must give every metric the time it needs to fail, or it can never stop a
/// bad canary. A manual pause waits for a person, which is enough.
fn check_pause_budget(input: &Input, steps: &[CanaryStep], start: usize, templates: &[AnalysisTemplate], report: &mut Report) {
    let metrics = templates.iter().flat_map(|t| &t.spec.metrics);
    let needed = metrics.filter_map(canary::seconds_to_act).fold(0.0, f64::max);
    if let Some(seconds) = canary::pauses_short_of(steps, start, needed) {
        input.error(
            report,
            "spec.strategy.steps",
            format!(
                "the analysis needs {} of pauses after step {start} to fail a bad canary; these steps pause {}: lengthen a pause from step {start} on, or add `pause: manual`",
                canary::human_duration(needed),
                canary::human_duration(seconds)
            ),
        );
    }
}

/// A count as a number, a percentage as a string: the API takes a string only as a percentage.
fn int_or_percent(text: &str) -> IntOrString {
    match text.parse::<i32>() {
        Ok(count) => IntOrString::Int(count),
        Err(_) => IntOrString::String(text.to_string()),
    }
}

/// One canary step, `{weight: 30}` or `{pause: 5m | manual}`, as an input or the platform
/// writes it; or the field (`.weight`, `.pause`, or the step itself) and what is wrong with it.
pub fn canary_step(weight: Option<i64>, pause: Option<&str>) -> Result<CanaryStep, (&'static str, String)> {
    match (weight, pause) {
        (Some(weight), None) => match i32::try_from(weight).ok().filter(|w| (0..=100).contains(w)) {
            Some(weight) => Ok(CanaryStep::SetWeight(weight)),
            None => Err((".weight", format!("must be between 0 and 100, got {weight}"))),
        },
        (None, Some("manual")) => Ok(CanaryStep::Pause(Pause::default())),
        (None, Some(pause)) => match check_duration(pause) {
            Ok(()) => Ok(CanaryStep::Pause(Pause { duration: Some(IntOrString::String(pause.to_string())) })),
            Err(message) => Err((".pause", message)),
        },
        _ => Err(("", "must be either {weight: <0-100>} or {pause: <duration or manual>}".to_string())),
    }
}

/// One AnalysisTemplate per metric, with the app's values written in (no cluster-wide
/// templates to keep in sync), and the Datadog tags the pods must carry for the queries to
/// match them. The metrics (the README gives their exact semantics):
/// - `traffic`: the canary's requests of the operation. None, measurement after measurement,
///   is inconclusive, which pauses the rollout for a person: no evidence is not success.
/// - `error-rate` and `p95-latency`: the thresholds. No series means no errors (or no
///   requests, which `traffic` catches), so an empty answer counts as 0.
fn analysis_templates(
    workloads: &Workloads,
    input: &Input,
    spec: &DeploymentSpec,
    datadog: &DatadogAnalysis,
    pod: &Pod,
    report: &mut Report,
) -> Option<(Vec<AnalysisTemplate>, ServiceTags)> {
    let settings = &workloads.settings;
    let tags = analysis_tags(input, spec, pod, report)?;
    let filter = tags.query_filter();
    let operation = &datadog.operation;
    let mut thresholds: Vec<(&str, String, String)> = Vec::new();
    if let Some(error_rpm) = &datadog.error_rpm {
        // `.inf` and `.nan` arrive as text (JSON has no such numbers), as does a quoted number.
        let text = error_rpm.to_string();
        match text.parse::<f64>() {
            Ok(limit) if limit.is_finite() && limit > 0.0 => {
                if matches!(error_rpm, Scalar::Text(_)) && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    // The earlier implementation's schema made this a string; it is a number.
                    input.warning(
                        report,
                        "spec.strategy.analysis.datadog.errorRPM",
                        format!("write the number without quotes: errorRPM: {text}"),
                    );
                }
                let query = format!("per_minute(sum:trace.{operation}.errors{{{filter}}}.as_count())");
                thresholds.push(("error-rate", query, limit.to_string()))
            }
            _ => input.error(
                report,
                "spec.strategy.analysis.datadog.errorRPM",
                format!("must be a finite number of errors per minute above 0, got {text:?}"),
            ),
        }
    }
    if let Some(p95) = &datadog.p95latency {
        match latency_seconds(&p95.to_string()) {
            Ok(seconds) => thresholds.push(("p95-latency", format!("p95:trace.{operation}{{{filter}}}"), seconds.to_string())),
            Err(message) => input.error(report, "spec.strategy.analysis.datadog.p95latency", message),
        }
    }
    if datadog.error_rpm.is_none() && datadog.p95latency.is_none() {
        input.warning(
            report,
            "spec.strategy.analysis.datadog",
            "has no threshold (errorRPM or p95latency): the canary runs without analysis",
        );
        return None;
    }
    let metric = |name: &str, query: String, success: String, failure: Option<&str>| Metric {
        name: name.into(),
        interval: settings.analysis.interval.clone(),
        failure_limit: settings.analysis.failure_limit,
        inconclusive_limit: failure.map(|_| settings.analysis.failure_limit),
        success_condition: success,
        failure_condition: failure.map(str::to_string),
        provider: MetricProvider { datadog: DatadogMetric { interval: settings.analysis.query_window.clone(), query } },
    };
    // The canary's requests: some is success; none meets neither condition, so it is
    // inconclusive (`false`: a count of requests is never a failure).
    let traffic =
        metric("traffic", format!("sum:trace.{operation}.hits{{{filter}}}.as_count()"), "default(result, 0) > 0".into(), Some("false"));
    let metrics = std::iter::once(traffic)
        .chain(thresholds.into_iter().map(|(name, query, limit)| metric(name, query, format!("default(result, 0) <= {limit}"), None)));
    let labels = labels::common(&spec.app, Some(&spec.part_of));
    let templates = metrics
        .map(|metric| {
            let name = format!("{}-{}", spec.app, metric.name);
            AnalysisTemplate::new(metadata(input, &name, &labels), AnalysisTemplateSpec { metrics: vec![metric] })
        })
        .collect();
    Some((templates, tags))
}

/// The Datadog tags of the canary's pods, which its queries filter on: `service` (the app),
/// `env`, and `version` (`monitoring.version`, else the first container's image tag). The
/// pods get them from workloads whether or not monitoring runs; a tag variable the user set
/// would make the traces disagree with the queries, so it is an error.
fn analysis_tags(input: &Input, spec: &DeploymentSpec, pod: &Pod, report: &mut Report) -> Option<ServiceTags> {
    let given = spec.monitoring.as_ref().and_then(|m| m.version.as_deref());
    let containers = pod.template.spec.as_ref().map(|p| p.containers.as_slice()).unwrap_or_default();
    let image = containers.first().and_then(|c| c.image.as_deref()).unwrap_or_default();
    let tags = ServiceTags::new(&spec.app, spec.env.as_deref(), given, image);
    let checkpoint = report.checkpoint();
    if let Some(Err(message)) = tags.version.as_deref().map(check_label_value) {
        let path = if given.is_some() { "spec.monitoring.version" } else { "spec.containers" };
        input.error(report, path, format!("the version {message}: the canary's pods carry it as a label; set monitoring.version"));
    }
    for container in containers {
        let own = container.env.iter().flatten().filter(|v| datadog::TAG_VARIABLES.iter().any(|(name, _)| *name == v.name));
        for variable in own {
            input.error(
                report,
                "spec.strategy.analysis.datadog",
                format!(
                    "container {:?} sets {}, and the analysis's queries filter on the tags workloads gives the pods: leave it out (set monitoring.version for the version)",
                    container.name, variable.name
                ),
            );
        }
    }
    if tags.version.is_none() {
        input.warning(
            report,
            "spec.strategy.analysis.datadog",
            "no version: the first container's image has no version tag, so the queries cannot tell the canary's requests from the stable pods' and measure both: tag the image or set monitoring.version",
        );
    }
    (!report.errors_since(checkpoint)).then_some(tags)
}

/// ArgoCD runs the Job at every sync: before the other resources are applied (PreSync: a
/// failing migration stops the rollout) or after they are healthy (PostSync), deleting the
/// previous run's Job first.
pub fn hook_annotations(hook: &HookAnnotations, runs: Runs) -> BTreeMap<String, String> {
    let phase = match runs {
        Runs::BeforeDeploy => hook.before_deploy,
        Runs::AfterDeploy => hook.after_deploy,
    };
    BTreeMap::from([(hook.hook.to_string(), phase.to_string()), (hook.delete_policy.to_string(), hook.delete_before_creation.to_string())])
}

/// A LummoJob (Job named `<app>-<hash of its content>`) or LummoCronJob, and ExternalSecrets.
pub fn job(
    workloads: &Workloads,
    input: &Input,
    spec: &JobSpec,
    templates: &Templates,
    network: &network::Context,
    report: &mut Report,
) -> Option<Vec<Json>> {
    let settings = &workloads.settings;
    let checkpoint = report.checkpoint();
    let cron = input.kind == CRON_JOB;
    check_labels(input, &spec.app, &spec.part_of, spec.env.as_deref(), report);
    let backoff_limit = int32_at(input, "spec.backoffLimit", spec.backoff_limit, 0, report);
    let ttl_seconds_after_finished = int32_at(input, "spec.ttlSecondsAfterFinished", spec.ttl_seconds_after_finished, 0, report);
    let int64_at = |path: &str, value: Option<i64>, min: i64, report: &mut Report| {
        int64_field(value?, min).map_err(|message| input.error(report, path, message)).ok()
    };
    // A Job's deadline is validated as non-negative (ValidateJobSpec), unlike a pod's.
    let active_deadline_seconds = int64_at("spec.activeDeadlineSeconds", spec.active_deadline_seconds, 0, report);
    let starting_deadline_seconds = int64_at("spec.startingDeadlineSeconds", spec.starting_deadline_seconds, 0, report);
    if cron && spec.runs.is_some() {
        input.error(report, "spec.runs", format!("only a {JOB} runs as a deploy hook; a {CRON_JOB} runs on its schedule: remove runs"));
    }
    if cron {
        match &spec.schedule {
            None => input.error(report, "spec.schedule", "required field is missing"),
            Some(schedule) => {
                if let Err(message) = check_schedule(schedule) {
                    input.error(report, "spec.schedule", message);
                }
            }
        }
        if let Some(Err(message)) = spec.time_zone.as_deref().map(check_time_zone) {
            input.error(report, "spec.timeZone", message);
        }
    } else {
        for (field, set) in [
            ("schedule", spec.schedule.is_some()),
            ("concurrencyPolicy", spec.concurrency_policy.is_some()),
            ("timeZone", spec.time_zone.is_some()),
            ("startingDeadlineSeconds", spec.starting_deadline_seconds.is_some()),
        ] {
            if set {
                input.error(
                    report,
                    &format!("spec.{field}"),
                    format!("only a {CRON_JOB} has a {field}: make this a {CRON_JOB} or remove it"),
                );
            }
        }
    }
    let labels = labels::common(&spec.app, Some(&spec.part_of));
    let restart_policy = match spec.restart_policy {
        Some(RestartPolicy::OnFailure) => "OnFailure",
        Some(RestartPolicy::Never) | None => settings.job_restart_policy,
    };
    let pod_input = PodInput {
        app: &spec.app,
        containers: &spec.containers,
        sidecars: spec.sidecars.as_ref(),
        init_containers: spec.init_containers.as_ref(),
        service_account: spec.shared().pod_service_account(),
        run_as_non_root: spec.run_as_non_root,
        restart_policy: Some(restart_policy),
        labels: labels.clone(),
        server: false,
        hashed_name: !cron,
    };
    let pod = pod::build(settings, input, &pod_input, templates, report)?;
    if report.errors_since(checkpoint) {
        return None;
    }
    let job_spec = KubeJobSpec {
        template: pod.template.clone(),
        backoff_limit,
        active_deadline_seconds,
        ttl_seconds_after_finished,
        ..KubeJobSpec::default()
    };
    let mut outputs = Vec::new();
    if cron {
        let concurrency = spec.concurrency_policy.map_or(settings.cron_concurrency_policy.to_string(), |p| format!("{p:?}"));
        let cron_job = CronJobSpec {
            schedule: spec.schedule.clone().unwrap_or_default(),
            concurrency_policy: Some(concurrency),
            time_zone: spec.time_zone.clone(),
            starting_deadline_seconds,
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(labels.clone()), ..ObjectMeta::default() }),
                spec: Some(job_spec),
            },
            ..CronJobSpec::default()
        };
        outputs.push(json(&CronJob { metadata: metadata(input, &spec.app, &labels), spec: Some(cron_job), status: None }));
    } else {
        // Jobs are immutable: a changed spec must become a new Job, the same spec the same one.
        // The monitoring function decorates the Job after this: its block is part of the
        // content too, so turning monitoring on or off makes a new Job as well.
        let mut content = serde_json::to_string(&job_spec).expect("serialisable");
        if let Some(monitoring) = &spec.monitoring {
            content.push_str(&serde_json::to_string(monitoring).expect("serialisable"));
        }
        let name = format!("{}-{}", spec.app, content_hash(&content));
        let mut job_metadata = metadata(input, &name, &labels);
        job_metadata.annotations = spec.runs.map(|runs| hook_annotations(&settings.hook, runs));
        outputs.push(json(&Job { metadata: job_metadata, spec: Some(job_spec), status: None }));
    }
    debug_assert!(input.kind == JOB || cron);
    outputs.extend(external_secrets(workloads, input, &pod, &spec.part_of));
    outputs.extend(network::policy(settings, input, &spec.shared(), &pod.ports, network, report));
    check_output_names(input, &outputs, report).then_some(outputs)
}
