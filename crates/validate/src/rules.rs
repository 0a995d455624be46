//! The API server's hand-written rules, which no schema states: names, label and annotation
//! keys, pod specs (container, port, volume and variable names; requests within limits),
//! Services' ports, selectors that select their own template, counts, cron schedules, data keys.
//! Each rule's text is the shared crate's module that the functions apply to their inputs.

use std::collections::HashSet;

use lummo_krm::names::{
    check_config_map_key, check_dns_label, check_dns1035_label, check_env_var_name, check_label_value, check_object_name,
    check_path_segment_name, check_port_name, check_qualified_name,
};
use lummo_krm::schema::{index, join};
use serde_json::{Map, Value as Json};

use crate::structural::{Problem, problem};

/// The most annotations an object may carry, keys and values together (`TotalAnnotationSizeLimitB`).
const ANNOTATIONS_LIMIT: usize = 256 * 1024;
/// A CronJob's name leaves 11 characters for the Jobs it creates (`validateCronJob`).
const CRON_JOB_NAME_LIMIT: usize = 52;

pub fn check(object: &Json, problems: &mut Vec<Problem>) {
    let kind = object["kind"].as_str().unwrap_or_default();
    let group = object["apiVersion"].as_str().unwrap_or_default().rsplit_once('/').map_or("", |(group, _)| group);
    check_metadata(kind, group, &object["metadata"], problems);
    let spec = &object["spec"];
    match (group, kind) {
        ("", "Service") => {
            one_of(&spec["type"], "spec.type", &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"], problems);
            check_service(spec, problems);
        }
        ("", "ConfigMap" | "Secret") => check_data_keys(object, problems),
        ("", "Pod") => check_pod(spec, "spec", problems),
        ("batch", "CronJob") => check_cron_job(object, problems),
        ("batch", "Job") => check_job(spec, "spec", problems),
        ("policy", "PodDisruptionBudget") => {
            if spec.get("minAvailable").is_some() && spec.get("maxUnavailable").is_some() {
                problems.push(problem("spec", "minAvailable and maxUnavailable cannot both be set"));
            }
            let policy = &spec["unhealthyPodEvictionPolicy"];
            one_of(policy, "spec.unhealthyPodEvictionPolicy", &["IfHealthyBudget", "AlwaysAllow"], problems);
        }
        ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") | ("argoproj.io", "Rollout") => check_workload(spec, problems),
        _ => {}
    }
}

fn check_metadata(kind: &str, group: &str, metadata: &Json, problems: &mut Vec<Problem>) {
    let name = metadata["name"].as_str().unwrap_or_default();
    if name.is_empty() {
        if metadata["generateName"].as_str().is_none_or(str::is_empty) {
            problems.push(problem("metadata.name", "required field is missing"));
        }
    } else {
        let rule = match (group, kind) {
            ("", "Service") => check_dns1035_label(name),
            ("", "Namespace") => check_dns_label(name),
            ("rbac.authorization.k8s.io", _) => check_path_segment_name(name),
            ("batch", "CronJob") if name.len() > CRON_JOB_NAME_LIMIT => {
                Err(format!("{name:?} is longer than {CRON_JOB_NAME_LIMIT} characters"))
            }
            _ => check_object_name(name),
        };
        report("metadata.name", rule, problems);
    }
    if let Some(namespace) = metadata["namespace"].as_str().filter(|n| !n.is_empty()) {
        report("metadata.namespace", check_dns_label(namespace), problems);
    }
    check_labels(&metadata["labels"], "metadata.labels", problems);
    if let Some(annotations) = metadata["annotations"].as_object() {
        for key in annotations.keys() {
            report(&join("metadata.annotations", key), check_qualified_name(key), problems);
        }
        let size: usize = annotations.iter().map(|(k, v)| k.len() + v.as_str().map_or(0, str::len)).sum();
        if size > ANNOTATIONS_LIMIT {
            problems.push(problem("metadata.annotations", format!("{size} bytes in all, more than the {ANNOTATIONS_LIMIT} allowed")));
        }
    }
}

fn check_labels(labels: &Json, path: &str, problems: &mut Vec<Problem>) {
    for (key, value) in labels.as_object().into_iter().flatten() {
        let at = join(path, key);
        report(&at, check_qualified_name(key), problems);
        if let Some(value) = value.as_str() {
            report(&at, check_label_value(value), problems);
        }
    }
}

/// A workload's selector must select its own pod template, or the API server refuses it.
fn check_workload(spec: &Json, problems: &mut Vec<Problem>) {
    let template_labels = &spec["template"]["metadata"]["labels"];
    check_labels(template_labels, "spec.template.metadata.labels", problems);
    check_labels(&spec["selector"]["matchLabels"], "spec.selector.matchLabels", problems);
    if let Some(wanted) = spec["selector"]["matchLabels"].as_object() {
        for (key, value) in wanted {
            if template_labels.get(key) != Some(value) {
                problems.push(problem(&join("spec.selector.matchLabels", key), "the selector does not match the template's labels"));
            }
        }
    }
    check_non_negative(spec, "spec", &["replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"], problems);
    one_of(&spec["strategy"]["type"], "spec.strategy.type", &["Recreate", "RollingUpdate"], problems);
    if spec.get("template").is_some() {
        check_pod(&spec["template"]["spec"], "spec.template.spec", problems);
    }
}

fn check_cron_job(object: &Json, problems: &mut Vec<Problem>) {
    let spec = &object["spec"];
    if let Some(schedule) = spec["schedule"].as_str() {
        report("spec.schedule", lummo_krm::cron::check_schedule(schedule), problems);
    }
    if let Some(zone) = spec["timeZone"].as_str() {
        report("spec.timeZone", lummo_krm::cron::check_time_zone(zone), problems);
    }
    check_non_negative(spec, "spec", &["startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"], problems);
    one_of(&spec["concurrencyPolicy"], "spec.concurrencyPolicy", &["Allow", "Forbid", "Replace"], problems);
    check_job(&spec["jobTemplate"]["spec"], "spec.jobTemplate.spec", problems);
}

fn check_job(spec: &Json, path: &str, problems: &mut Vec<Problem>) {
    check_non_negative(
        spec,
        path,
        &["parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"],
        problems,
    );
    check_pod(&spec["template"]["spec"], &format!("{path}.template.spec"), problems);
}

fn check_non_negative(spec: &Json, path: &str, fields: &[&str], problems: &mut Vec<Problem>) {
    for field in fields {
        if let Some(value) = spec[*field].as_i64().filter(|v| *v < 0) {
            problems.push(problem(&join(path, field), format!("must be 0 or more, got {value}")));
        }
    }
}

fn check_pod(spec: &Json, path: &str, problems: &mut Vec<Problem>) {
    let volumes: Vec<&str> = spec["volumes"].as_array().into_iter().flatten().filter_map(|v| v["name"].as_str()).collect();
    for (i, name) in volumes.iter().enumerate() {
        report(&format!("{}.name", index(&join(path, "volumes"), i)), check_dns_label(name), problems);
    }
    let mut names = HashSet::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let list_path = join(path, list);
        for (i, container) in spec[list].as_array().into_iter().flatten().enumerate() {
            let at = index(&list_path, i);
            if let Some(name) = container["name"].as_str() {
                report(&format!("{at}.name"), check_dns_label(name), problems);
                if !names.insert(name) {
                    problems.push(problem(&format!("{at}.name"), format!("{name:?} is the name of another container of the pod")));
                }
            }
            check_container(container, &at, &volumes, problems);
        }
    }
    check_non_negative(spec, path, &["terminationGracePeriodSeconds"], problems);
    // A pod's deadline must be positive, unlike a Job's (validatePodSpec, validateJobSpec).
    if let Some(deadline) = spec["activeDeadlineSeconds"].as_i64().filter(|d| *d < 1) {
        problems.push(problem(&join(path, "activeDeadlineSeconds"), format!("must be 1 or more, got {deadline}")));
    }
    one_of(&spec["restartPolicy"], &join(path, "restartPolicy"), &["Always", "OnFailure", "Never"], problems);
}

fn check_container(container: &Json, at: &str, volumes: &[&str], problems: &mut Vec<Problem>) {
    one_of(&container["imagePullPolicy"], &format!("{at}.imagePullPolicy"), &["Always", "IfNotPresent", "Never"], problems);
    let mut port_names = HashSet::new();
    for (j, port) in container["ports"].as_array().into_iter().flatten().enumerate() {
        let port_at = index(&format!("{at}.ports"), j);
        if let Some(name) = port["name"].as_str() {
            report(&format!("{port_at}.name"), check_port_name(name), problems);
            if !port_names.insert(name) {
                problems.push(problem(&format!("{port_at}.name"), format!("{name:?} names another port of the container")));
            }
        }
        check_port_number(&port["containerPort"], &format!("{port_at}.containerPort"), problems);
        one_of(&port["protocol"], &format!("{port_at}.protocol"), PROTOCOLS, problems);
    }
    for (j, env) in container["env"].as_array().into_iter().flatten().enumerate() {
        if let Some(name) = env["name"].as_str() {
            report(&format!("{}.name", index(&format!("{at}.env"), j)), check_env_var_name(name), problems);
        }
    }
    for (j, mount) in container["volumeMounts"].as_array().into_iter().flatten().enumerate() {
        if let Some(name) = mount["name"].as_str().filter(|name| !volumes.contains(name)) {
            problems
                .push(problem(&format!("{}.name", index(&format!("{at}.volumeMounts"), j)), format!("{name:?} is no volume of the pod")));
        }
    }
    let (requests, limits) = (&container["resources"]["requests"], &container["resources"]["limits"]);
    for (resource, limit) in limits.as_object().into_iter().flatten() {
        if let (Some(request), Some(limit)) = (quantity_text(&requests[resource.as_str()]), quantity_text(limit))
            && lummo_krm::quantity::quantity_less(&limit, &request)
        {
            problems
                .push(problem(&join(&format!("{at}.resources.requests"), resource), format!("{request} is more than the limit {limit}")));
        }
    }
}

fn quantity_text(value: &Json) -> Option<String> {
    value.as_str().map(String::from).or_else(|| value.is_number().then(|| value.to_string()))
}

fn check_service(spec: &Json, problems: &mut Vec<Problem>) {
    let ports = spec["ports"].as_array().map(Vec::as_slice).unwrap_or_default();
    let mut names = HashSet::new();
    for (i, port) in ports.iter().enumerate() {
        let at = index("spec.ports", i);
        match port["name"].as_str() {
            Some(name) => {
                report(&format!("{at}.name"), check_dns_label(name), problems);
                if !names.insert(name) {
                    problems.push(problem(&format!("{at}.name"), format!("{name:?} names another port of the Service")));
                }
            }
            None if ports.len() > 1 => problems.push(problem(&format!("{at}.name"), "required when a Service has more than one port")),
            None => {}
        }
        check_port_number(&port["port"], &format!("{at}.port"), problems);
        one_of(&port["protocol"], &format!("{at}.protocol"), PROTOCOLS, problems);
        match &port["targetPort"] {
            Json::String(name) => report(&format!("{at}.targetPort"), check_port_name(name), problems),
            number @ Json::Number(_) => check_port_number(number, &format!("{at}.targetPort"), problems),
            _ => {}
        }
    }
    check_labels(&spec["selector"], "spec.selector", problems);
}

fn check_port_number(value: &Json, path: &str, problems: &mut Vec<Problem>) {
    if let Some(port) = value.as_i64().filter(|p| !(1..=65535).contains(p)) {
        problems.push(problem(path, format!("{port} is no port number (1 to 65535)")));
    }
}

fn check_data_keys(object: &Json, problems: &mut Vec<Problem>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for field in ["data", "binaryData", "stringData"] {
        for key in object[field].as_object().map(Map::keys).into_iter().flatten() {
            report(&join(field, key), check_config_map_key(key), problems);
            // stringData merges into data on a Secret; a ConfigMap's data and binaryData share keys.
            if field != "stringData" && !seen.insert(key) {
                problems.push(problem(&join(field, key), "the key is also in data"));
            }
        }
    }
}

/// The values the API server takes for a field whose schema does not list them (Kubernetes'
/// published schemas keep enums in their descriptions).
fn one_of(value: &Json, path: &str, allowed: &[&str], problems: &mut Vec<Problem>) {
    if let Some(text) = value.as_str().filter(|text| !allowed.contains(text)) {
        problems.push(problem(path, format!("{text:?} is not one of {}", allowed.join(", "))));
    }
}

const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];

fn report(path: &str, rule: Result<(), String>, problems: &mut Vec<Problem>) {
    if let Err(message) = rule {
        problems.push(problem(path, message));
    }
}
