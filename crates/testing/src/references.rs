//! Checks that what the functions generate refers to things that are there, as the cluster's
//! controllers will look them up: Services, PodDisruptionBudgets and PodMonitors select pods
//! of the render and name ports those pods have; IngressRoutes go to Services, TraefikServices,
//! Middlewares and TLS Secrets the render makes; ScaledObjects scale a workload of the render,
//! with a TriggerAuthentication it makes (or the platform's own) and within KEDA's webhook
//! rules; Pub/Sub and workload-identity grants name topics, subscriptions and GCP service
//! accounts of the render, a ServiceAccount acts as a GCP service account the render creates, and a subscription to a
//! topic of the render names that topic's dead-letter topic; every
//! generated name is an object name. Only generated objects are held to this: a hand-written
//! one may refer to what lives elsewhere.

use std::collections::BTreeMap;

use lummo_krm::Item;
use lummo_krm::ownership::GENERATED_BY;
use serde_json::Value as Json;

/// A pod template of the render: its labels and its containers' named ports.
struct Pods {
    labels: BTreeMap<String, String>,
    ports: Vec<(String, i64)>,
}

/// Where each workload kind keeps its pod template.
const TEMPLATES: [(&str, &str); 5] = [
    ("Deployment", "/spec/template"),
    ("Rollout", "/spec/template"),
    ("StatefulSet", "/spec/template"),
    ("Job", "/spec/template"),
    ("CronJob", "/spec/jobTemplate/spec/template"),
];

fn pods(objects: &[(&Item, Json)]) -> Vec<Pods> {
    let mut found = Vec::new();
    for (item, json) in objects {
        let Some((_, path)) = TEMPLATES.iter().find(|(kind, _)| *kind == item.kind()) else { continue };
        let Some(template) = json.pointer(path) else { continue };
        let labels = template.pointer("/metadata/labels").and_then(|l| serde_json::from_value(l.clone()).ok()).unwrap_or_default();
        let containers = ["/spec/containers", "/spec/initContainers"].iter().filter_map(|p| template.pointer(p)).filter_map(Json::as_array);
        let ports = containers
            .flatten()
            .filter_map(|c| c["ports"].as_array())
            .flatten()
            .filter_map(|p| Some((p["name"].as_str()?.to_string(), p["containerPort"].as_i64()?)))
            .collect();
        found.push(Pods { labels, ports });
    }
    found
}

fn selected<'a>(pods: &'a [Pods], selector: &Json) -> Vec<&'a Pods> {
    let Some(selector) = selector.as_object().filter(|s| !s.is_empty()) else { return Vec::new() };
    let matches = |p: &Pods| selector.iter().all(|(k, v)| v.as_str().is_some_and(|v| p.labels.get(k).map(String::as_str) == Some(v)));
    pods.iter().filter(|p| matches(p)).collect()
}

/// Every problem with the references of the generated objects among `items`.
pub fn check(items: &[Item]) -> Vec<String> {
    let objects: Vec<(&Item, Json)> = items.iter().map(|item| (item, item.node().to_json())).collect();
    let pods = pods(&objects);
    let has = |kind: &str, namespace: &str, name: &str| {
        objects.iter().any(|(i, _)| i.kind() == kind && i.namespace() == namespace && i.name() == name)
    };
    let mut problems = Vec::new();
    for (item, json) in objects.iter().filter(|(item, _)| item.annotation(GENERATED_BY).is_some()) {
        let mut problem = |message: String| problems.push(format!("{} {}: {message}", item.kind(), item.name()));
        if let Err(message) = lummo_krm::names::check_object_name(item.name()) {
            problem(message);
        }
        let ns = item.namespace();
        match item.kind() {
            "Service" => {
                let ports = json["spec"]["ports"].as_array().into_iter().flatten().filter_map(|p| p["targetPort"].as_str());
                check_selection(&pods, &json["spec"]["selector"], ports, "targetPort", &mut problem);
            }
            "PodDisruptionBudget" => check_selection(&pods, &json["spec"]["selector"]["matchLabels"], std::iter::empty(), "", &mut problem),
            "NetworkPolicy" => {
                let ports = json.pointer("/spec/ingress").and_then(Json::as_array).into_iter().flatten();
                let ports = ports.filter_map(|rule| rule["ports"].as_array()).flatten().filter_map(|p| p["port"].as_str());
                check_selection(&pods, &json["spec"]["podSelector"]["matchLabels"], ports, "port", &mut problem);
            }
            "PodMonitor" => {
                let ports = json["spec"]["podMetricsEndpoints"].as_array().into_iter().flatten().filter_map(|e| e["port"].as_str());
                check_selection(&pods, &json["spec"]["selector"]["matchLabels"], ports, "port", &mut problem);
            }
            "IngressRoute" => check_route(json, ns, &objects, &has, &mut problem),
            "ScaledObject" => check_scaled_object(json, ns, &has, &mut problem),
            // A topic may live elsewhere (another team's, or another run's in kustomize); one of
            // the render comes with its dead-letter topic, which its subscriptions then name.
            "PubSubSubscription" => {
                let topic = json.pointer("/spec/topicRef/name").and_then(Json::as_str).unwrap_or_default();
                let dead_letter = json.pointer("/spec/deadLetterPolicy/deadLetterTopicRef/name").and_then(Json::as_str);
                if has("PubSubTopic", ns, topic)
                    && let Some(dead_letter) = dead_letter.filter(|d| !has("PubSubTopic", ns, d))
                {
                    problem(format!("its topic {topic} is in the render, its dead-letter topic {dead_letter} is not"));
                }
            }
            // GKE's workload identity: the GCP service account the ServiceAccount acts as is
            // one the render creates (workloads makes both).
            "ServiceAccount" => {
                let email = json.pointer("/metadata/annotations/iam.gke.io~1gcp-service-account").and_then(Json::as_str);
                if let Some(id) = email.and_then(|e| e.split('@').next())
                    && !has("IAMServiceAccount", ns, id)
                {
                    problem(format!("acts as GCP service account {id}, which no IAMServiceAccount of the render creates"));
                }
            }
            "IAMPolicyMember" => {
                let kind = json.pointer("/spec/resourceRef/kind").and_then(Json::as_str).unwrap_or_default();
                if let Some(name) = json.pointer("/spec/resourceRef/name").and_then(Json::as_str)
                    && !has(kind, ns, name)
                {
                    problem(format!("resourceRef names {kind} {name}, which is not in the render"));
                }
            }
            _ => {}
        }
    }
    problems
}

/// The selector selects pods of the render, and each named port is a port of those pods.
fn check_selection<'a>(pods: &[Pods], selector: &Json, ports: impl Iterator<Item = &'a str>, field: &str, problem: &mut dyn FnMut(String)) {
    let chosen = selected(pods, selector);
    if chosen.is_empty() {
        problem("its selector selects no pod of the render".into());
    }
    for port in ports.filter(|port| !chosen.iter().any(|p| p.ports.iter().any(|(name, _)| name == port))) {
        problem(format!("{field} {port:?} is no port of the pods it selects"));
    }
}

type Has<'a> = dyn Fn(&str, &str, &str) -> bool + 'a;

fn check_route(json: &Json, ns: &str, objects: &[(&Item, Json)], has: &Has, problem: &mut dyn FnMut(String)) {
    for route in json["spec"]["routes"].as_array().into_iter().flatten() {
        for service in route["services"].as_array().into_iter().flatten() {
            let name = service["name"].as_str().unwrap_or_default();
            match service["kind"].as_str().unwrap_or("Service") {
                "TraefikService" if name.contains('@') => {}
                "TraefikService" if !has("TraefikService", ns, name) => problem(format!("TraefikService {name} is not in the render")),
                "Service" => {
                    // A Service of the render must have the port; one from elsewhere is not ours to know.
                    let found = objects.iter().find(|(i, _)| i.kind() == "Service" && i.namespace() == ns && i.name() == name);
                    if let (Some((_, service_json)), Some(port)) = (found, service["port"].as_str()) {
                        let ports = service_json["spec"]["ports"].as_array().into_iter().flatten();
                        if !ports.clone().any(|p| p["name"].as_str() == Some(port)) {
                            problem(format!("Service {name} has no port {port:?}"));
                        }
                    }
                }
                _ => {}
            }
        }
        for middleware in route["middlewares"].as_array().into_iter().flatten() {
            let name = middleware["name"].as_str().unwrap_or_default();
            let local = middleware["namespace"].as_str().is_none() && !name.contains('@');
            if local && !has("Middleware", ns, name) {
                problem(format!("Middleware {name} is not in the render"));
            }
        }
    }
    if let Some(secret) = json.pointer("/spec/tls/secretName").and_then(Json::as_str) {
        let certified = objects
            .iter()
            .any(|(i, j)| i.kind() == "Certificate" && i.namespace() == ns && j["spec"]["secretName"].as_str() == Some(secret));
        if !certified {
            problem(format!("no Certificate of the render fills the TLS Secret {secret}"));
        }
    }
}

/// KEDA's webhook refuses an HPA name (`keda-hpa-<name>` unless set) over 63 characters and
/// fewer most replicas than least; the target and the authentication must be there.
fn check_scaled_object(json: &Json, ns: &str, has: &Has, problem: &mut dyn FnMut(String)) {
    let name = json["metadata"]["name"].as_str().unwrap_or_default();
    let hpa = json
        .pointer("/spec/advanced/horizontalPodAutoscalerConfig/name")
        .and_then(Json::as_str)
        .map_or(format!("keda-hpa-{name}"), str::to_string);
    if hpa.len() > 63 {
        problem(format!("KEDA's HPA name {hpa:?} has {} characters, at most 63", hpa.len()));
    }
    let (least, most) = (json["spec"]["minReplicaCount"].as_i64().unwrap_or(0), json["spec"]["maxReplicaCount"].as_i64().unwrap_or(100));
    if least > most {
        problem(format!("minReplicaCount {least} is above maxReplicaCount {most}"));
    }
    let target = &json["spec"]["scaleTargetRef"];
    let (kind, target_name) = (target["kind"].as_str().unwrap_or("Deployment"), target["name"].as_str().unwrap_or_default());
    if !has(kind, ns, target_name) {
        problem(format!("scaleTargetRef {kind} {target_name} is not in the render"));
    }
    for trigger in json["spec"]["triggers"].as_array().into_iter().flatten() {
        let Some(auth) = trigger.pointer("/authenticationRef/name").and_then(Json::as_str) else { continue };
        // The platform's existing TriggerAuthentication is not generated; one named after the
        // app is, and must be here.
        if auth.starts_with(target_name) && !has("TriggerAuthentication", ns, auth) {
            problem(format!("authenticationRef {auth} is not in the render"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(yaml: &str) -> Vec<Item> {
        let generated = yaml.replace("metadata: {", "metadata: {annotations: {krm.lummo.com/generated-by: test}, ");
        lummo_krm::ResourceList::read(generated.into_bytes()).unwrap().items
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}]}]}}}\n";

    #[test]
    fn what_refers_to_nothing_is_found() {
        let good = format!(
            "{DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata: {{name: api}}\nspec: {{selector: {{app: api}}, ports: [{{name: http, port: 80, targetPort: http}}]}}\n"
        );
        assert_eq!(check(&items(&good)), Vec::<String>::new());
        let bad = format!(
            "{DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{selector: {{app: web}}, ports: [{{port: 80, targetPort: http}}]}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: api}}\nspec: {{selector: {{app: api}}, ports: [{{port: 9, targetPort: grpc}}]}}\n---\napiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {{name: r}}\nspec: {{entryPoints: [web], routes: [{{kind: Rule, match: 'Path(`/`)', middlewares: [{{name: gone}}], services: [{{name: api, port: http}}]}}], tls: {{secretName: r-tls}}}}\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {{name: {long}}}\nspec: {{scaleTargetRef: {{name: missing}}, minReplicaCount: 3, maxReplicaCount: 2, triggers: []}}\n",
            long = "a".repeat(56)
        );
        let problems = check(&items(&bad));
        let expected = [
            "Service web: its selector selects no pod",
            "Service api: targetPort \"grpc\" is no port",
            "IngressRoute r: Service api has no port \"http\"",
            "IngressRoute r: Middleware gone is not in the render",
            "IngressRoute r: no Certificate of the render fills the TLS Secret r-tls",
            "has 65 characters, at most 63",
            "minReplicaCount 3 is above maxReplicaCount 2",
            "scaleTargetRef Deployment missing is not in the render",
        ];
        for needle in expected {
            assert!(problems.iter().any(|p| p.contains(needle)), "{needle:?} not in {problems:#?}");
        }
    }
}
