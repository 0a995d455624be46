//! Checks across the objects of a render, beyond each object's schema: that a canary's
//! analysis, steps and routing work together as Argo Rollouts and Traefik run them.
//!
//! For every Rollout:
//! - its selector selects its pods;
//! - each analysis template it names is there, and each Datadog query filters on exactly the
//!   tags the pods carry (their `tags.datadoghq.com/*` labels), which every container's `DD_*`
//!   variables read;
//! - with no data at all (`result` nil, as Argo Rollouts' Datadog provider gives it for an
//!   empty series), the analysis does not end Successful: repeated measurements make some
//!   metric Failed, Inconclusive or Error under its limits, as Argo Rollouts assesses them;
//! - the pauses from the analysis's starting step give every metric the time it needs;
//! - with Traefik traffic routing, the stable and canary Services select the pods and have the
//!   port the weighted TraefikService names (h2c for gRPC), and an IngressRoute goes through
//!   the TraefikService.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Service;
use lummo_inputs::canary;
use lummo_inputs::datadog::{self, ServiceTags};
use lummo_kinds::IntOrString;
use lummo_kinds::argo::{AnalysisTemplate, Metric, Rollout};
use lummo_kinds::traefik::{IngressRoute, TraefikService};
use lummo_krm::{Item, ResourceId};

/// Every problem of the render `items`, one line each: its canaries' (here) and its
/// references' ([`crate::references`]).
pub fn check(items: &[Item]) -> Vec<String> {
    let by_id: BTreeMap<ResourceId, &Item> = items.iter().map(|item| (item.id(), item)).collect();
    let mut problems = crate::references::check(items);
    for item in items.iter().filter(|item| item.id().is::<Rollout>()) {
        match item.decode::<Rollout>() {
            Ok(rollout) => check_rollout(&rollout, &by_id, &mut problems),
            Err(message) => problems.push(message),
        }
    }
    problems
}

fn get<T: k8s_openapi::Resource + serde::de::DeserializeOwned>(
    by_id: &BTreeMap<ResourceId, &Item>,
    namespace: &str,
    name: &str,
) -> Option<T> {
    by_id.get(&ResourceId::of::<T>(namespace, name)).and_then(|item| item.decode().ok())
}

fn check_rollout(rollout: &Rollout, by_id: &BTreeMap<ResourceId, &Item>, problems: &mut Vec<String>) {
    let name = rollout.metadata.name.clone().unwrap_or_default();
    let namespace = rollout.metadata.namespace.clone().unwrap_or_default();
    let mut problem = |message: String| problems.push(format!("Rollout {name}: {message}"));
    let pod_labels = rollout.spec.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
    let selects = |selector: &BTreeMap<String, String>| selector.iter().all(|(k, v)| pod_labels.get(k) == Some(v));
    if !selects(&rollout.spec.selector.match_labels.clone().unwrap_or_default()) {
        problem("its selector does not select its pods".into());
    }
    let canary = &rollout.spec.strategy.canary;
    if let Some(analysis) = &canary.analysis {
        let mut metrics = Vec::new();
        for template in &analysis.templates {
            match get::<AnalysisTemplate>(by_id, &namespace, &template.template_name) {
                Some(found) => metrics.extend(found.spec.metrics),
                None => problem(format!("AnalysisTemplate {} is not in the render", template.template_name)),
            }
        }
        for problem_text in check_tags(rollout, &pod_labels, &metrics) {
            problem(problem_text);
        }
        match phase_without_data(&metrics) {
            Some(Phase::Successful) => {
                problem("with no data its analysis ends Successful: a canary nobody reaches would be promoted".into())
            }
            None => problem("a metric's condition is not one this check reads: extend `evaluate`".into()),
            Some(_) => {}
        }
        let start = usize::try_from(analysis.starting_step.unwrap_or(0)).unwrap_or(0);
        let needed = metrics.iter().filter_map(canary::seconds_to_act).fold(0.0, f64::max);
        if !canary::pauses_from(&canary.steps, start).covers(needed) {
            problem(format!("its steps from step {start} pause less than the {}s its analysis needs", needed));
        }
    }
    if let Some(routing) = &canary.traffic_routing {
        let weighted = &routing.traefik.weighted_traefik_service_name;
        let (Some(stable), Some(canary_service)) = (&canary.stable_service, &canary.canary_service) else {
            return problem("traffic routing without a stable and a canary Service".into());
        };
        let Some(traefik_service) = get::<TraefikService>(by_id, &namespace, weighted) else {
            return problem(format!("TraefikService {weighted} is not in the render"));
        };
        for service_name in [stable, canary_service] {
            let Some(entry) = traefik_service.spec.weighted.services.iter().find(|s| &s.name == service_name) else {
                problem(format!("TraefikService {weighted} has no entry for Service {service_name}"));
                continue;
            };
            let Some(service) = get::<Service>(by_id, &namespace, service_name) else {
                problem(format!("Service {service_name} is not in the render"));
                continue;
            };
            let spec = service.spec.unwrap_or_default();
            if !selects(&spec.selector.unwrap_or_default()) {
                problem(format!("Service {service_name} does not select its pods"));
            }
            let port = spec.ports.unwrap_or_default().into_iter().find(|p| match &entry.port {
                IntOrString::String(name) => p.name.as_deref() == Some(name.as_str()),
                IntOrString::Int(number) => p.port == *number,
            });
            match port {
                None => problem(format!("Service {service_name} has no port {:?}", entry.port)),
                Some(port) => {
                    let h2c = port.app_protocol.as_deref() == Some(lummo_inputs::ports::GRPC_APP_PROTOCOL);
                    if h2c != (entry.scheme.as_deref() == Some("h2c")) {
                        problem(format!("TraefikService {weighted}'s entry for {service_name} and the port's protocol disagree on h2c"));
                    }
                }
            }
        }
        let routes = by_id.values().filter(|item| item.id().is::<IngressRoute>()).filter_map(|item| item.decode::<IngressRoute>().ok());
        let through = routes
            .flat_map(|r| r.spec.routes)
            .flat_map(|r| r.services)
            .any(|s| &s.name == weighted && s.kind.as_deref() == Some("TraefikService"));
        if !through {
            problem(format!("no IngressRoute goes through TraefikService {weighted}"));
        }
    }
}

/// The Datadog tags each query filters on are the tags of the pods, and every container
/// reads them into the tracer's variables.
fn check_tags(rollout: &Rollout, pod_labels: &BTreeMap<String, String>, metrics: &[Metric]) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(tags) = ServiceTags::of_labels(pod_labels) else {
        return vec!["its pods carry no Datadog service tag, so its analysis's queries match nothing".into()];
    };
    let filter = format!("{{{}}}", tags.query_filter());
    for metric in metrics {
        if !metric.provider.datadog.query.contains(&filter) {
            problems.push(format!("metric {} queries {:?}, not the pods' tags {filter}", metric.name, metric.provider.datadog.query));
        }
    }
    let containers = rollout.spec.template.spec.as_ref().map(|p| p.containers.as_slice()).unwrap_or_default();
    for container in containers {
        let env = container.env.clone().unwrap_or_default();
        for (variable, label) in datadog::TAG_VARIABLES.into_iter().filter(|(_, label)| pod_labels.contains_key(*label)) {
            let reads = env.iter().find(|v| v.name == variable).and_then(|v| v.value_from.as_ref()).and_then(|f| f.field_ref.as_ref());
            if reads.map(|f| f.field_path.as_str()) != Some(format!("metadata.labels['{label}']").as_str()) {
                problems.push(format!("container {} does not read {variable} from the label {label}", container.name));
            }
        }
    }
    problems
}

/// An analysis's outcome, as Argo Rollouts assesses a metric and a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Successful,
    Inconclusive,
    Failed,
    Error,
}

/// How a background analysis ends when every measurement of every metric is nil: a metric
/// whose measurements fail, are inconclusive or err ends so once it passes the limit
/// (`failureLimit`, `inconclusiveLimit`, `consecutiveErrorLimit`); one whose measurements
/// succeed runs until the rollout ends it, Successful. The run takes the
/// worst metric. `None` when a condition cannot be evaluated here (an expression this checker
/// does not read is a problem of its own).
pub fn phase_without_data(metrics: &[Metric]) -> Option<Phase> {
    let mut worst = Phase::Successful;
    for metric in metrics {
        let phase = match measure(metric, None)? {
            Phase::Failed if metric.failure_limit >= 0 => Phase::Failed,
            Phase::Inconclusive => Phase::Inconclusive,
            Phase::Error => Phase::Error,
            _ => Phase::Successful,
        };
        worst = worst.max(phase);
    }
    Some(worst)
}

/// One measurement's phase (`EvaluateResult`): no condition is Successful; only one, the
/// other is its negation; both false is Inconclusive; a failure condition that holds is Failed;
/// an expression that cannot be evaluated is Error.
pub fn measure(metric: &Metric, result: Option<f64>) -> Option<Phase> {
    measure_conditions(&metric.success_condition, metric.failure_condition.as_deref().unwrap_or_default(), result)
}

fn measure_conditions(success: &str, failure: &str, result: Option<f64>) -> Option<Phase> {
    let condition = |text: &str| if text.is_empty() { Some(None) } else { evaluate(text, result).map(Some) };
    let (success, failure) = match (condition(success)?, condition(failure)?) {
        (Some(Err(())), _) | (_, Some(Err(()))) => return Some(Phase::Error),
        (None, None) => return Some(Phase::Successful),
        (Some(Ok(success)), None) => (success, !success),
        (None, Some(Ok(failure))) => (!failure, failure),
        (Some(Ok(success)), Some(Ok(failure))) => (success, failure),
    };
    Some(match (success, failure) {
        (_, true) => Phase::Failed,
        (false, false) => Phase::Inconclusive,
        (true, false) => Phase::Successful,
    })
}

/// The expressions the functions write, read as Argo Rollouts' expression language evaluates
/// them: `true`, `false`, and `default(result, D) OP N` or `result OP N` with OP one of `<`,
/// `<=`, `>`, `>=`, `==`. `Err` when evaluation fails (comparing a nil `result`); `None` for
/// an expression outside this set.
pub fn evaluate(condition: &str, result: Option<f64>) -> Option<Result<bool, ()>> {
    let condition = condition.trim();
    match condition {
        "true" => return Some(Ok(true)),
        "false" => return Some(Ok(false)),
        _ => {}
    }
    let (left, op, right) =
        ["<=", ">=", "==", "<", ">"].iter().find_map(|op| condition.split_once(op).map(|(l, r)| (l.trim(), *op, r.trim())))?;
    let right: f64 = right.parse().ok()?;
    let value = if left == "result" {
        match result {
            Some(value) => value,
            None => return Some(Err(())),
        }
    } else {
        let default = left.strip_prefix("default(result,")?.strip_suffix(')')?.trim().parse::<f64>().ok()?;
        result.unwrap_or(default)
    };
    Some(Ok(match op {
        "<=" => value <= right,
        ">=" => value >= right,
        "==" => value == right,
        "<" => value < right,
        _ => value > right,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lummo_kinds::argo::{DatadogMetric, MetricProvider};

    fn metric(success: &str, failure: Option<&str>) -> Metric {
        Metric {
            name: "m".into(),
            interval: "3m".into(),
            failure_limit: 3,
            inconclusive_limit: None,
            success_condition: success.into(),
            failure_condition: failure.map(str::to_string),
            provider: MetricProvider { datadog: DatadogMetric { interval: "5m".into(), query: String::new() } },
        }
    }

    /// Argo Rollouts' `TestEvaluateResult*` cases (utils/evaluate/evaluate_test.go at
    /// 9f8d111d8): success and failure conditions (empty: none) and the phase.
    #[test]
    fn measurements_as_argo_rollouts_evaluates_them() {
        let table = [
            ("true", "false", Phase::Successful),
            ("true", "true", Phase::Failed),
            ("false", "false", Phase::Inconclusive),
            ("", "false", Phase::Successful),
            ("false", "", Phase::Failed),
            ("", "", Phase::Successful),
        ];
        for (success, failure, phase) in table {
            assert_eq!(measure_conditions(success, failure, Some(1.0)), Some(phase), "{success:?} {failure:?}");
        }
        // TestDefaultFunc: default(nil, d) is d. A nil result compared is an evaluation error.
        assert_eq!(evaluate("default(result, 2) == 2", None), Some(Ok(true)));
        assert_eq!(evaluate("default(result, 0) == 1", Some(1.0)), Some(Ok(true)));
        assert_eq!(measure(&metric("result > 0", None), None), Some(Phase::Error));
        assert_eq!(measure(&metric("default(result, 0) <= 5", None), None), Some(Phase::Successful), "no series is success");
        assert_eq!(measure(&metric("default(result, 0) > 0", Some("false")), None), Some(Phase::Inconclusive));
        assert_eq!(evaluate("isNil(result)", None), None, "not read here");
    }

    #[test]
    fn an_analysis_of_thresholds_alone_passes_without_data() {
        let thresholds = [metric("default(result, 0) <= 5", None)];
        assert_eq!(phase_without_data(&thresholds), Some(Phase::Successful));
        let guarded = [metric("default(result, 0) > 0", Some("false")), metric("default(result, 0) <= 5", None)];
        assert_eq!(phase_without_data(&guarded), Some(Phase::Inconclusive));
    }

    #[test]
    fn a_canary_that_cannot_work_is_found() {
        let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: api}\nspec:\n  selector: {matchLabels: {app: api}}\n  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: i}]}}\n  strategy: {canary: {steps: [{setWeight: 50}, {pause: {duration: 1m}}, {setWeight: 100}], analysis: {templates: [{templateName: api-error-rate}]}}}\n---\napiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: api-error-rate}\nspec: {metrics: [{name: error-rate, interval: 3m, failureLimit: 3, successCondition: 'default(result, 0) <= 5', provider: {datadog: {interval: 5m, query: 'sum:x{service:api,version:1}'}}}]}\n";
        let items = lummo_krm::ResourceList::read(rollout.as_bytes().to_vec()).unwrap().items;
        let problems = check(&items);
        for needle in ["carry no Datadog service tag", "with no data its analysis ends Successful", "pause less than the 720s"] {
            assert!(problems.iter().any(|p| p.contains(needle)), "{needle:?} not in {problems:#?}");
        }
    }
}
