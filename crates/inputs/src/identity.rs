//! GKE workload identity of a server or job: `identity: {gcp: NAME}` makes the pods run as a
//! Kubernetes ServiceAccount bound to the GCP service account NAME (workloads generates both and
//! the binding), and `pubsub: {consumes, publishes}` lists what that account may read and write
//! (pubsub grants it). Declared once here: workloads validates the blocks, pubsub reads them.

use schemars::JsonSchema;
use serde::Deserialize;

/// Which GCP service account the pods act as.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The GCP service account's id (the part before `@`): 6 to 30 lower-case letters, digits
    /// and '-', starting with a letter. Config Connector creates it in the env's project.
    pub gcp: String,
}

/// The Pub/Sub subscriptions and topics the workload's GCP service account uses.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct PubsubAccess {
    /// Subscriptions it pulls from (`roles/pubsub.subscriber`), by their Pub/Sub name.
    #[serde(default)]
    pub consumes: Vec<String>,
    /// Topics it publishes to (`roles/pubsub.publisher`), by their Pub/Sub name.
    #[serde(default)]
    pub publishes: Vec<String>,
}

/// A GCP service account id (`IAMServiceAccount`'s resource id): IAM's rule, the same as a
/// project id's.
pub fn check_service_account_id(id: &str) -> Result<(), String> {
    crate::pubsub::check_gcp_id(id, "service account id")
}

/// The email of service account `id` in `project`: what IAM bindings name it by.
pub fn service_account_email(id: &str, project: &str) -> String {
    format!("{id}@{project}.iam.gserviceaccount.com")
}

#[cfg(test)]
mod tests {
    use super::check_service_account_id;

    #[test]
    fn service_account_ids() {
        for good in ["orders", "orders-api-1", "a23456", &"a".repeat(30)] {
            assert!(check_service_account_id(good).is_ok(), "{good}");
        }
        for bad in ["short", "1orders", "orders-", "Orders", "orders_api", &"a".repeat(31)] {
            assert!(check_service_account_id(bad).is_err(), "{bad}");
        }
    }
}
