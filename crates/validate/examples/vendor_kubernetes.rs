//! Refreshes `vendor/kubernetes/v1.33.json` from a copy of the strict JSON schemas that the
//! PyPI package `kubernetes-validate` bundles (see `vendor/SOURCES.md` for how to get them):
//!
//! ```text
//! cargo run -p lummo-validate --example vendor_kubernetes -- <dir>/v1.33.0-local-strict
//! ```
//!
//! Keeps the definitions the kinds below reach, drops descriptions (the reference docs are
//! upstream's), and writes one compact file: `{"kinds": {"apps/v1/Deployment": "<definition>"},
//! "definitions": {...}}` with `$ref`s as bare definition names.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The core kinds `lummo validate` knows: every core kind the functions write, and the ones
/// packages carry beside them most.
const KINDS: &[&str] = &[
    "io.k8s.api.apps.v1.DaemonSet",
    "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.apps.v1.StatefulSet",
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
    "io.k8s.api.batch.v1.CronJob",
    "io.k8s.api.batch.v1.Job",
    "io.k8s.api.core.v1.ConfigMap",
    "io.k8s.api.core.v1.LimitRange",
    "io.k8s.api.core.v1.Namespace",
    "io.k8s.api.core.v1.PersistentVolumeClaim",
    "io.k8s.api.core.v1.Pod",
    "io.k8s.api.core.v1.ResourceQuota",
    "io.k8s.api.core.v1.Secret",
    "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.ServiceAccount",
    "io.k8s.api.networking.v1.Ingress",
    "io.k8s.api.networking.v1.NetworkPolicy",
    "io.k8s.api.policy.v1.PodDisruptionBudget",
    "io.k8s.api.rbac.v1.ClusterRole",
    "io.k8s.api.rbac.v1.ClusterRoleBinding",
    "io.k8s.api.rbac.v1.Role",
    "io.k8s.api.rbac.v1.RoleBinding",
];

fn main() {
    let dir = std::env::args().nth(1).expect("usage: vendor_kubernetes <v1.33.0-local-strict folder>");
    let text = std::fs::read_to_string(format!("{dir}/_definitions.json")).expect("read _definitions.json");
    let all: Value = serde_json::from_str(&text).expect("_definitions.json is JSON");
    let definitions = all["$defs"].as_object().expect("$defs");
    let mut kinds = BTreeMap::new();
    let mut kept = BTreeSet::new();
    let mut todo: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    for name in KINDS {
        let gvk = &definitions[*name]["x-kubernetes-group-version-kind"][0];
        let group = gvk["group"].as_str().unwrap_or_default();
        let version = gvk["version"].as_str().expect("version");
        let api_version = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
        kinds.insert(format!("{api_version}/{}", gvk["kind"].as_str().expect("kind")), Value::String(name.to_string()));
    }
    while let Some(name) = todo.pop() {
        if kept.insert(name.clone()) {
            collect_refs(&definitions[&name], &mut todo);
        }
    }
    let kept: Map<String, Value> = kept.into_iter().map(|name| (name.clone(), compact(&definitions[&name]))).collect();
    let out = serde_json::json!({ "kinds": kinds, "definitions": kept });
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vendor/kubernetes/v1.33.json");
    std::fs::write(path, serde_json::to_string(&out).unwrap() + "\n").expect("write");
    eprintln!("{} kinds, {} definitions", KINDS.len(), out["definitions"].as_object().unwrap().len());
}

/// The definition name of a `$ref` such as `/api/_definitions.json#/$defs/<name>`.
fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

fn collect_refs(value: &Value, todo: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                todo.push(ref_name(reference).to_string());
            }
            map.values().for_each(|v| collect_refs(v, todo));
        }
        Value::Array(values) => values.iter().for_each(|v| collect_refs(v, todo)),
        _ => {}
    }
}

/// The schema without the keys a validator does not read.
fn compact(value: &Value) -> Value {
    const DROPPED: &[&str] =
        &["description", "x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key", "x-kubernetes-group-version-kind"];
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !DROPPED.contains(&key.as_str()))
                .map(|(key, v)| match (key.as_str(), v) {
                    ("$ref", Value::String(reference)) => (key.clone(), Value::String(ref_name(reference).to_string())),
                    // Property names are data, not keywords: keep a property called `description`.
                    ("properties", Value::Object(properties)) => {
                        (key.clone(), Value::Object(properties.iter().map(|(name, s)| (name.clone(), compact(s))).collect()))
                    }
                    _ => (key.clone(), compact(v)),
                })
                .collect(),
        ),
        Value::Array(values) => Value::Array(values.iter().map(compact).collect()),
        other => other.clone(),
    }
}
