//! What KEDA does with the ScaledObjects scaling writes, modelled from KEDA's source to check
//! renders against: its admission webhook's rule on names, and how its gcp-pubsub scaler reads
//! `subscriptionName`. Read in kedacore/keda v2.20.2 (commit
//! 68a5b5028f35b22d50597c69819ab32c4e92f21a, the version of the CRDs the outputs are validated
//! with): apis/keda/v1alpha1/scaledobject_webhook.go (`verifyName`, `getHpaName`),
//! controllers/keda/hpa.go (`getHPAName`) and pkg/scalers/gcp_pubsub_scaler.go
//! (`getResourceData`).

use lummo_krm::Item;

/// KEDA's webhook admits a ScaledObject only if its name and its HPA's name (the one it sets,
/// else `keda-hpa-<name>`) each have at most 63 characters: the first is a label value, the
/// second a label value and a DNS label.
pub fn admits(scaled_object: &str, hpa_name: Option<&str>) -> bool {
    let hpa_name = hpa_name.filter(|name| !name.is_empty()).map_or_else(|| format!("keda-hpa-{scaled_object}"), str::to_string);
    scaled_object.len() <= 63 && hpa_name.len() <= 63
}

/// The HPA name a rendered ScaledObject sets, if any.
pub fn hpa_name(scaled_object: &Item) -> Option<String> {
    let object = scaled_object.node().to_json();
    object.pointer("/spec/advanced/horizontalPodAutoscalerConfig/name").and_then(|name| name.as_str()).map(str::to_string)
}

/// How the gcp-pubsub scaler reads `subscriptionName`: the subscription (or topic) and the
/// project it names, or the whole text and no project, which KEDA then takes to be a name in
/// the project of its own identity. KEDA looks for `projects/<project>/subscriptions|topics/<name>`
/// anywhere in the text; the names scaling writes either start with it or are bare.
pub fn reads_subscription(subscription_name: &str) -> (&str, Option<&str>) {
    let project_ok = |p: &str| {
        p.len() >= 2
            && p.starts_with(|c: char| c.is_ascii_lowercase())
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !p.ends_with('-')
    };
    let name_ok = |n: &str| n.starts_with(|c: char| c.is_ascii_alphabetic());
    let parts: Vec<&str> = subscription_name.split('/').collect();
    match parts.as_slice() {
        ["projects", project, "subscriptions" | "topics", name, ..] if project_ok(project) && name_ok(name) => (name, Some(project)),
        _ => (subscription_name, None),
    }
}

/// The `subscriptionName` of each gcp-pubsub trigger of a rendered ScaledObject.
pub fn subscription_names(scaled_object: &Item) -> Vec<String> {
    let object = scaled_object.node().to_json();
    let triggers = object.pointer("/spec/triggers").and_then(|t| t.as_array()).cloned().unwrap_or_default();
    let pubsub = triggers.iter().filter(|t| t.pointer("/type").and_then(|t| t.as_str()) == Some("gcp-pubsub"));
    pubsub.filter_map(|t| t.pointer("/metadata/subscriptionName").and_then(|n| n.as_str()).map(str::to_string)).collect()
}
