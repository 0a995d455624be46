//! `scaling`: the `scaling` block of a `LummoDeployment` → a KEDA `ScaledObject` that targets
//! the Rollout or Deployment `workloads` generated from the same input, and, for Pub/Sub
//! triggers, the `TriggerAuthentication` they use.
//!
//! Reads top-down: the input (the shared `ScalingSpec`, read from the LummoDeployment that
//! workloads validates), the function, the checks of each trigger, the outputs. The README
//! (printed by `--help`) is the user documentation.

pub mod backlog;
pub mod hpa;
pub mod pubsub_scaler;
pub mod settings;

use k8s_openapi::Resource;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::{HPAScalingRules, HorizontalPodAutoscalerBehavior};
use lummo_inputs::scaling::{PubsubTrigger, ScalingSpec, UtilizationTarget};
use lummo_inputs::workload::{DEPLOYMENT, DEPLOYMENT_EARLIER_NAMES};
use lummo_inputs::{OneOrMany, Scalar, WorkloadInput, pubsub};
use lummo_kinds::ObjectMeta;
use lummo_kinds::argo::Rollout;
use lummo_kinds::keda::{
    Advanced, AuthenticationRef, HorizontalPodAutoscalerConfig, PodIdentity, ScaleTargetRef, ScaledObject, ScaledObjectSpec, Trigger,
    TriggerAuthentication, TriggerAuthenticationSpec,
};
use lummo_krm::input::InputKind;
use lummo_krm::ownership::GENERATED_FROM;
use lummo_krm::platform::Platform;
use lummo_krm::{About, Function, Generated, Input, Item, Report, ResourceId, ResourceList};
use lummo_policy::labels;

pub use settings::{PubsubAuth, Settings};

pub const ABOUT: About = About {
    name: "scaling",
    version: env!("CARGO_PKG_VERSION"),
    help: include_str!("../README.md"),
    group: &lummo_policy::group::LUMMO,
    kinds: &[InputKind::read_only(DEPLOYMENT, DEPLOYMENT_EARLIER_NAMES)],
    generates: &["ScaledObject", "TriggerAuthentication"],
    // It scales the Rollouts and Deployments workloads generates.
    needs: &["workloads"],
};

#[derive(Default)]
pub struct Scaling {
    pub settings: Settings,
}

impl Function for Scaling {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn with_platform(&self, platform: &Platform, report: &mut Report) -> Option<Box<dyn Function>> {
        Some(Box::new(Scaling { settings: Settings::from_platform(platform, report) }))
    }

    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let resources = resources.index();
        let mut generated = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            let Some(workload) = input.decode_part::<WorkloadInput>(report) else { continue };
            let Some(scaling) = &workload.scaling else { continue };
            let checkpoint = report.checkpoint();
            let target = target(input, &workload.app, &resources, report);
            let plan = self.check(input, &workload, scaling, report);
            if let (Some(target), Some(plan), false) = (target, plan, report.errors_since(checkpoint)) {
                generated.extend(self.build(index, input, &workload, target, plan));
            }
        }
        generated
    }
}

/// The resources of the run by identity.
type Resources<'a> = std::collections::HashMap<ResourceId, &'a Item>;

/// The checked scaling block, ready to build.
struct Plan {
    min: i32,
    max: i32,
    stabilization_seconds: i32,
    triggers: Vec<Trigger>,
    needs_gcp_auth: bool,
}

// ---------------------------------------------------------------------------------------------
// The workload to scale

/// The Rollout or Deployment that workloads generated from this input, as KEDA names it.
fn target(input: &Input, app: &str, resources: &Resources, report: &mut Report) -> Option<ScaleTargetRef> {
    let from = input.id();
    let generated_here = |id: &ResourceId| resources.get(id).filter(|item| item.annotation(GENERATED_FROM) == Some(from.as_str()));
    let rollout = ResourceId::of::<Rollout>(input.namespace(), app);
    let deployment = ResourceId::of::<Deployment>(input.namespace(), app);
    let (api_version, kind, replicas) = if let Some(item) = generated_here(&rollout) {
        (Rollout::API_VERSION, Rollout::KIND, item.decode::<Rollout>().map(|r| r.spec.replicas))
    } else if let Some(item) = generated_here(&deployment) {
        (Deployment::API_VERSION, Deployment::KIND, item.decode::<Deployment>().map(|d| d.spec.and_then(|s| s.replicas)))
    } else {
        input.error(
            report,
            "spec.scaling",
            format!("the workload of this input (Rollout or Deployment {app:?}) is not among the resources: run workloads before scaling"),
        );
        return None;
    };
    match replicas {
        Ok(None) => Some(ScaleTargetRef { api_version: api_version.into(), kind: kind.into(), name: app.into() }),
        Ok(Some(count)) => {
            input.error(report, "spec.replicas", format!("the {kind} has replicas: {count}, which would fight the autoscaler"));
            None
        }
        Err(message) => {
            input.error(report, "spec.scaling", message);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

impl Scaling {
    fn check(&self, input: &Input, workload: &WorkloadInput, scaling: &ScalingSpec, report: &mut Report) -> Option<Plan> {
        let checkpoint = report.checkpoint();
        let (min, max) = bounds(input, scaling, self.settings.min_replicas, report);
        let mut triggers = Vec::new();
        for (name, target) in [("cpu", &scaling.cpu), ("memory", &scaling.memory)] {
            if let Some(value) = target.as_ref().and_then(|t| utilization(input, name, t, report)) {
                let metadata = [("value".to_string(), value.to_string())].into();
                triggers.push(Trigger { type_: name.into(), metric_type: Some("Utilization".into()), metadata, authentication_ref: None });
            }
        }
        let subscriptions = subscriptions(input, scaling, report);
        triggers.extend(self.pubsub_triggers(input, workload, &subscriptions, report));
        if scaling.cpu.is_none() && scaling.memory.is_none() && subscriptions.is_empty() {
            input.error(report, "spec.scaling", "needs at least one trigger: cpu, memory or pubsubTopic");
        } else if min == 0 && subscriptions.is_empty() {
            // With no pods there is no cpu or memory use to measure, so nothing would wake it.
            input.error(report, "spec.scaling.minreplica", "0 needs a pubsubTopic trigger: cpu and memory cannot scale up from zero pods");
        }
        let stabilization_seconds = self.stabilization(input, scaling, report);
        let needs_gcp_auth = !subscriptions.is_empty() && self.settings.pubsub_auth == PubsubAuth::WorkloadIdentity;
        (!report.errors_since(checkpoint)).then_some(Plan { min, max, stabilization_seconds, triggers, needs_gcp_auth })
    }

    /// One trigger per subscription, in the GCP project of the input's `env` when the platform
    /// has one for it.
    fn pubsub_triggers(
        &self,
        input: &Input,
        workload: &WorkloadInput,
        subscriptions: &[Subscription],
        report: &mut Report,
    ) -> Vec<Trigger> {
        if subscriptions.is_empty() {
            return Vec::new();
        }
        let project = self.settings.project_of(workload.env.as_deref());
        if project.is_none() {
            let env = workload.env.as_ref().map_or_else(|| "no env".to_string(), |env| format!("env {env:?}"));
            let message = format!(
                "the platform has no GCP project for {env} (spec.pubsub.projects of the LummoPlatform has neither it nor default): KEDA looks for the subscriptions in the project of its own identity"
            );
            input.warning(report, "spec.env", message);
        }
        let auth = self.authentication_ref(&workload.app);
        let mut triggers = Vec::new();
        for (path, subscription) in subscriptions {
            let backlog = backlog_per_replica(input, path, subscription, report);
            if let Err(message) = pubsub::check_name("subscription", &subscription.name) {
                input.error(report, &format!("{path}.name"), message);
            }
            if let Some(backlog) = backlog {
                triggers.push(pubsub_scaler::trigger(&subscription.name, project, backlog, auth.clone()));
            }
        }
        triggers
    }

    fn authentication_ref(&self, app: &str) -> AuthenticationRef {
        let name = match &self.settings.pubsub_auth {
            PubsubAuth::WorkloadIdentity => trigger_auth_name(app, &self.settings),
            PubsubAuth::Existing(name) => name.clone(),
        };
        AuthenticationRef { name, kind: None }
    }

    fn stabilization(&self, input: &Input, scaling: &ScalingSpec, report: &mut Report) -> i32 {
        let Some(text) = &scaling.scale_down_stabilization else { return self.settings.scale_down_stabilization_seconds };
        let path = "spec.scaling.scaleDownStabilization";
        match backlog::seconds(text) {
            Ok(seconds) if seconds.fract() == 0.0 && (0.0..=f64::from(settings::MAX_STABILIZATION_SECONDS)).contains(&seconds) => {
                seconds as i32
            }
            Ok(_) => {
                input.error(report, path, format!("must be whole seconds between 0s and 1h, got {text:?}"));
                0
            }
            Err(message) => {
                input.error(report, path, message);
                0
            }
        }
    }
}

/// A subscription of the input and its field path.
type Subscription<'a> = (String, &'a PubsubTrigger);

/// The input's subscriptions (a list, or the earlier single one).
fn subscriptions<'a>(input: &Input, scaling: &'a ScalingSpec, report: &mut Report) -> Vec<Subscription<'a>> {
    match &scaling.pubsub_topic {
        Some(OneOrMany::One(one)) => {
            input.warning(report, "spec.scaling.pubsubTopic", "a single subscription is the earlier form: write a list (- name: ...)");
            vec![("spec.scaling.pubsubTopic".to_string(), one)]
        }
        Some(many) => many.entries("spec.scaling.pubsubTopic"),
        None => Vec::new(),
    }
}

/// The name of an app's TriggerAuthentication.
fn trigger_auth_name(app: &str, settings: &Settings) -> String {
    format!("{app}{}", settings.trigger_auth_suffix)
}

/// `minreplica` (default from the settings) and `maxreplica`, within what KEDA accepts.
fn bounds(input: &Input, scaling: &ScalingSpec, default_min: u32, report: &mut Report) -> (i32, i32) {
    let min = scaling.minreplica.unwrap_or(default_min);
    let max = scaling.maxreplica;
    let to_i32 = |value: u32, path: &str, report: &mut Report| {
        i32::try_from(value).unwrap_or_else(|_| {
            input.error(report, path, format!("must be at most {}, got {value}", i32::MAX));
            0
        })
    };
    let (min_count, max_count) = (to_i32(min, "spec.scaling.minreplica", report), to_i32(max, "spec.scaling.maxreplica", report));
    if max < 1 {
        input.error(report, "spec.scaling.maxreplica", "must be at least 1");
    } else if max < min {
        input.error(report, "spec.scaling.maxreplica", format!("must be >= minreplica ({min})"));
    }
    (min_count, max_count)
}

/// A cpu or memory target in percent of the requests, 1 to 100.
fn utilization(input: &Input, name: &str, target: &UtilizationTarget, report: &mut Report) -> Option<i64> {
    let path = format!("spec.scaling.{name}.target");
    let value = match &target.target {
        Scalar::Integer(value) => Some(*value),
        Scalar::Text(text) => {
            let parsed = text.trim().trim_end_matches('%').parse::<i64>().ok();
            if parsed.is_some() {
                input.warning(
                    report,
                    &path,
                    format!("a quoted number is the earlier form: write target: {}", text.trim().trim_end_matches('%')),
                );
            }
            parsed
        }
        _ => None,
    };
    match value {
        Some(value) if (1..=100).contains(&value) => Some(value),
        Some(value) => {
            input.error(report, &path, format!("must be a percentage of the requests between 1 and 100, got {value}"));
            None
        }
        None => {
            input.error(report, &path, format!("must be a whole percentage between 1 and 100, got {}", target.target));
            None
        }
    }
}

/// The backlog per replica of one subscription: `size`, or `latency` × `throughput`.
fn backlog_per_replica(input: &Input, path: &str, trigger: &PubsubTrigger, report: &mut Report) -> Option<u64> {
    let result = match (&trigger.size, &trigger.latency, &trigger.throughput) {
        (Some(size), None, None) => backlog::size(size).map(|(value, quoted)| {
            if quoted {
                input.warning(report, &format!("{path}.size"), format!("a quoted number is the earlier form: write size: {value}"));
            }
            value
        }),
        (None, Some(latency), Some(throughput)) => backlog::from_latency(latency, throughput),
        (Some(_), _, _) => Err("give either size, or latency and throughput, not both".to_string()),
        (None, Some(_), None) => Err("latency needs throughput (messages one replica handles per second)".to_string()),
        (None, None, Some(_)) => Err("throughput needs latency (how long a message may wait)".to_string()),
        (None, None, None) => Err("needs size (backlog per replica), or latency and throughput".to_string()),
    };
    result.map_err(|message| input.error(report, path, message)).ok()
}

// ---------------------------------------------------------------------------------------------
// Outputs

impl Scaling {
    fn build(&self, index: usize, input: &Input, workload: &WorkloadInput, target: ScaleTargetRef, plan: Plan) -> Vec<Generated> {
        let metadata = |name: String| ObjectMeta {
            name: Some(name),
            namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
            labels: Some(labels::common(&workload.app, workload.part_of.as_deref())),
            ..ObjectMeta::default()
        };
        let scale_down = HPAScalingRules { stabilization_window_seconds: Some(plan.stabilization_seconds), ..HPAScalingRules::default() };
        let behavior = HorizontalPodAutoscalerBehavior { scale_down: Some(scale_down), scale_up: None };
        let spec = ScaledObjectSpec {
            scale_target_ref: target,
            min_replica_count: plan.min,
            max_replica_count: plan.max,
            advanced: Some(Advanced {
                horizontal_pod_autoscaler_config: HorizontalPodAutoscalerConfig { behavior, name: hpa::name(&workload.app) },
            }),
            triggers: plan.triggers,
        };
        let mut outputs = vec![Generated::new(index, &ScaledObject::new(metadata(workload.app.clone()), spec))];
        if plan.needs_gcp_auth {
            let auth = TriggerAuthenticationSpec { pod_identity: PodIdentity { provider: "gcp".into() } };
            outputs
                .push(Generated::new(index, &TriggerAuthentication::new(metadata(trigger_auth_name(&workload.app, &self.settings)), auth)));
        }
        outputs
    }
}
