//! The KEDA scaler that reads the backlog of a GCP Pub/Sub subscription: the one place that
//! knows its trigger (type, metadata keys, how it names a subscription), so that moving to
//! another scaler is a change here.
//!
//! It is KEDA's `gcp-pubsub` scaler, which KEDA has deprecated and leaves to its community (it
//! still works in v2.20, and records a deprecation event on each ScaledObject that uses it).
//! Its metric comes from Cloud Monitoring, in the project it reads out of `subscriptionName`.

use lummo_kinds::keda::{AuthenticationRef, Trigger};

/// The trigger that keeps `backlog` undelivered messages per replica on `subscription`.
///
/// With the subscription's project, the name is the full resource name: KEDA reads
/// `projects/<project>/subscriptions/<name>` as a subscription of that project, and a bare name
/// as one of the project of its own identity (its workload identity or key file), which is
/// another project than the app's whenever KEDA runs under a shared one.
pub fn trigger(subscription: &str, project: Option<&str>, backlog: u64, auth: AuthenticationRef) -> Trigger {
    let name = match project {
        Some(project) => format!("projects/{project}/subscriptions/{subscription}"),
        None => subscription.to_string(),
    };
    // `SubscriptionSize` is KEDA's name for the number of undelivered messages.
    let metadata = [("subscriptionName", name), ("mode", "SubscriptionSize".to_string()), ("value", backlog.to_string())];
    Trigger {
        type_: "gcp-pubsub".into(),
        metric_type: None,
        metadata: metadata.into_iter().map(|(key, value)| (key.to_string(), value)).collect(),
        authentication_ref: Some(auth),
    }
}
