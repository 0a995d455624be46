//! What the validator accepts and refuses, one small manifest per rule, in both directions: each
//! bad case is a valid manifest with one thing broken, and must be refused at its field path
//! with a message saying why; the valid base must pass.

use lummo_validate::{Verdict, validate_object};
use serde_json::{Value as Json, json};

fn deployment() -> Json {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}, "annotations": {"example.com/owner": "team-a"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "volumes": [{"name": "cache", "emptyDir": {}}],
                    "containers": [{
                        "name": "web", "image": "registry.example.com/web:1.2.3",
                        "ports": [{"name": "http", "containerPort": 8080}],
                        "env": [{"name": "MODE", "value": "fast"}],
                        "volumeMounts": [{"name": "cache", "mountPath": "/cache"}],
                        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": 1, "memory": "256Mi"}}
                    }]
                }
            }
        }
    })
}

fn service() -> Json {
    json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}, {"name": "grpc", "port": 81, "targetPort": 9090}]}
    })
}

fn cron_job() -> Json {
    json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report"},
        "spec": {"schedule": "0 3 * * *", "timeZone": "Europe/Amsterdam", "jobTemplate": {"spec": {"backoffLimit": 0, "template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "report", "image": "report:1"}]
        }}}}}
    })
}

fn rollout() -> Json {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "web:1"}]}},
            "strategy": {"canary": {"steps": [{"setWeight": 20}, {"pause": {"duration": "5m"}}]}}
        }
    })
}

fn certificate() -> Json {
    json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "web-tls"},
        "spec": {"secretName": "web-tls", "dnsNames": ["web.example.com"], "issuerRef": {"name": "letsencrypt", "kind": "ClusterIssuer"}, "renewBefore": "360h"}
    })
}

fn scaled_object() -> Json {
    json!({
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "web"},
        "spec": {"scaleTargetRef": {"name": "web"}, "minReplicaCount": 1, "maxReplicaCount": 5, "triggers": [{"type": "cpu", "metricType": "Utilization", "metadata": {"value": "70"}}]}
    })
}

fn policy_member() -> Json {
    json!({
        "apiVersion": "iam.cnrm.cloud.google.com/v1beta1", "kind": "IAMPolicyMember", "metadata": {"name": "orders-subscriber"},
        "spec": {"member": "serviceAccount:orders@shop.iam.gserviceaccount.com", "role": "roles/pubsub.subscriber", "resourceRef": {"kind": "PubSubSubscription", "name": "orders"}}
    })
}

fn problems(object: &Json) -> Vec<String> {
    match validate_object(object) {
        Verdict::Checked(problems) => problems.into_iter().map(|p| format!("{}: {}", p.path, p.message)).collect(),
        Verdict::Unknown => panic!("no schema for {}", object["kind"]),
    }
}

/// Sets the value at a JSON Pointer whose parent exists.
fn with(mut object: Json, pointer: &str, value: Json) -> Json {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match object.pointer_mut(parent).unwrap_or_else(|| panic!("{parent} exists")) {
        Json::Object(map) => drop(map.insert(key.to_string(), value)),
        Json::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{parent} holds fields"),
    }
    object
}

fn without(mut object: Json, pointer: &str) -> Json {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    object.pointer_mut(parent).and_then(Json::as_object_mut).unwrap().remove(key).expect("the field exists");
    object
}

#[test]
fn the_valid_bases_pass() {
    for object in [deployment(), service(), cron_job(), rollout(), certificate(), scaled_object(), policy_member()] {
        assert_eq!(problems(&object), Vec::<String>::new(), "{}", object["kind"]);
    }
}

#[test]
fn each_broken_rule_is_refused_at_its_path() {
    let pod = "/spec/template/spec";
    let container = "/spec/template/spec/containers/0";
    let cases: Vec<(Json, &str)> = vec![
        // The schemas: unknown fields, types, formats, enums, required fields, list keys.
        (with(deployment(), "/spec/replicas", json!("2")), "spec.replicas: must be an integer, got a string"),
        (with(deployment(), "/spec/replicas", json!(4_294_967_296_i64)), "spec.replicas: must fit in 32 bits"),
        (with(deployment(), &format!("{container}/imagePullPolicy"), json!(null)), ""),
        (with(deployment(), &format!("{pod}/restartPolicy"), json!(7)), "spec.template.spec.restartPolicy: must be a string"),
        (
            with(deployment(), &format!("{pod}/restartPolicy"), json!("Sometimes")),
            "spec.template.spec.restartPolicy: \"Sometimes\" is not one of",
        ),
        (
            with(deployment(), &format!("{container}/ports/0/protocol"), json!("tcp")),
            "containers[0].ports[0].protocol: \"tcp\" is not one of TCP, UDP, SCTP",
        ),
        (
            with(
                deployment(),
                &format!("{container}/ports"),
                json!([{"name": "http", "containerPort": 8080}, {"name": "admin", "containerPort": 8080}]),
            ),
            "containers[0].ports[1]: a duplicate entry (the list is keyed by containerPort and protocol)",
        ),
        (without(deployment(), &format!("{container}/name")), "spec.template.spec.containers[0].name: required field is missing"),
        (
            with(service(), "/spec/type", json!("Nodeport")),
            "spec.type: \"Nodeport\" is not one of ClusterIP, NodePort, LoadBalancer, ExternalName",
        ),
        (with(deployment(), &format!("{pod}/containers/0/resources"), json!({"limits": {"cpu": "1"}})), ""),
        // The API server's own rules.
        (with(deployment(), "/metadata/name", json!("Web")), "metadata.name: \"Web\" is not a valid name"),
        (
            with(service(), "/metadata/name", json!("1web")),
            "metadata.name: \"1web\" is not a valid name: it must start with a lowercase letter",
        ),
        (with(deployment(), "/metadata/namespace", json!("shop.eu")), "metadata.namespace"),
        (with(deployment(), "/metadata/labels", json!({"app/": "web"})), "metadata.labels[\"app/\"]: \"app/\" is not a valid key"),
        (with(deployment(), "/metadata/labels", json!({"app": "web-"})), "metadata.labels.app: \"web-\" is not a valid label value"),
        (with(deployment(), "/metadata/annotations", json!({"Example.com/owner": "x"})), "is not a valid key"),
        (
            with(deployment(), "/spec/selector/matchLabels/app", json!("api")),
            "spec.selector.matchLabels.app: the selector does not match the template's labels",
        ),
        (with(deployment(), "/spec/replicas", json!(-1)), "spec.replicas: must be 0 or more"),
        (
            with(deployment(), &format!("{container}/name"), json!("web_1")),
            "spec.template.spec.containers[0].name: \"web_1\" is not a valid name",
        ),
        (
            with(deployment(), &format!("{container}/ports/0/name"), json!("http-endpoint-long")),
            "containers[0].ports[0].name: \"http-endpoint-long\" is not a port name",
        ),
        (with(deployment(), &format!("{container}/ports/0/containerPort"), json!(70000)), "containerPort: 70000 is no port number"),
        (
            with(deployment(), &format!("{container}/env/0/name"), json!("A=B")),
            "env[0].name: \"A=B\" is not a valid environment variable name",
        ),
        (
            with(deployment(), &format!("{container}/volumeMounts/0/name"), json!("data")),
            "volumeMounts[0].name: \"data\" is no volume of the pod",
        ),
        (
            with(deployment(), &format!("{container}/resources/requests/memory"), json!("1Gi")),
            "resources.requests.memory: 1Gi is more than the limit 256Mi",
        ),
        (with(deployment(), &format!("{container}/resources/requests/cpu"), json!("1.5.5")), "resources.requests.cpu"),
        (without(service(), "/spec/ports/0/name"), "spec.ports[0].name: required when a Service has more than one port"),
        (with(service(), "/spec/ports/1/name", json!("http")), "spec.ports[1]"),
        (with(service(), "/spec/ports/1/targetPort", json!(0)), "spec.ports[1].targetPort: 0 is no port number"),
        (with(cron_job(), "/spec/schedule", json!("0 25 * * *")), "spec.schedule"),
        (with(cron_job(), "/spec/timeZone", json!("Europe/Amsterdm")), "spec.timeZone"),
        (with(cron_job(), "/metadata/name", json!("a".repeat(53))), "metadata.name: \"aaaa"),
        (with(cron_job(), "/spec/jobTemplate/spec/backoffLimit", json!(-1)), "spec.jobTemplate.spec.backoffLimit: must be 0 or more"),
        // A Job's deadline may be 0, its pod's may not.
        (with(cron_job(), "/spec/jobTemplate/spec/activeDeadlineSeconds", json!(0)), ""),
        (
            with(cron_job(), "/spec/jobTemplate/spec/template/spec/activeDeadlineSeconds", json!(0)),
            "template.spec.activeDeadlineSeconds: must be 1 or more",
        ),
        // Custom kinds against their CRDs.
        (
            with(rollout(), "/spec/strategy/canary/steps/0", json!({"setWeigth": 20})),
            "spec.strategy.canary.steps[0].setWeigth: unknown field \"setWeigth\", did you mean \"setWeight\"?",
        ),
        (with(rollout(), "/spec/selector/matchLabels/app", json!("api")), "spec.selector.matchLabels.app: the selector does not match"),
        (with(rollout(), "/spec/template/spec/containers/0/name", json!("Web")), "spec.template.spec.containers[0].name"),
        (
            with(rollout(), "/apiVersion", json!("argoproj.io/v1")),
            "apiVersion: Rollout is not served as \"argoproj.io/v1\": use argoproj.io/v1alpha1",
        ),
        (with(rollout(), "/metadata/labels", json!({"app": 5})), "metadata.labels.app: must be a string"),
        (with(policy_member(), "/spec/role", json!("pubsub.subscriber")), "spec.role: \"pubsub.subscriber\" does not match the pattern"),
        (without(certificate(), "/spec/issuerRef"), "spec.issuerRef: required field is missing"),
        (with(certificate(), "/metadata", json!({"name": "web-tls", "owner": "x"})), "metadata.owner: unknown field \"owner\""),
        (without(scaled_object(), "/spec/scaleTargetRef"), "spec.scaleTargetRef: required field is missing"),
        (with(scaled_object(), "/spec/pollingInterval", json!("30s")), "spec.pollingInterval: must be an integer, got a string"),
        (
            with(scaled_object(), "/spec/triggers/0/authenticationRef", json!({"nme": "x"})),
            "spec.triggers[0].authenticationRef.nme: unknown field \"nme\", did you mean \"name\"?",
        ),
    ];
    for (object, expected) in cases {
        let found = problems(&object);
        if expected.is_empty() {
            assert!(found.is_empty(), "{}: {found:?}", object["kind"]);
        } else {
            assert!(found.iter().any(|p| p.contains(expected)), "expected {expected:?}, found {found:?}");
        }
    }
}

#[test]
fn unknown_kinds_are_not_checked_and_a_missing_name_is_an_error() {
    assert_eq!(validate_object(&json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})), Verdict::Unknown);
    assert!(
        problems(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}))
            .contains(&"metadata.name: required field is missing".to_string())
    );
    let keys = problems(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"..x": "1", "a.b": "2"}}));
    assert!(keys.len() == 1 && keys[0].starts_with("data[\"..x\"]"), "{keys:?}");
}
