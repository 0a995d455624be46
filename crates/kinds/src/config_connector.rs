//! Google Config Connector kinds: Pub/Sub topics and subscriptions
//! (`pubsub.cnrm.cloud.google.com/v1beta1`) and IAM members (`iam.cnrm.cloud.google.com/v1beta1`).
//! Only the fields the functions write; every one optional in the CRD is optional here.

use serde::{Deserialize, Serialize};

crate::resource!(
    /// A Pub/Sub topic that Config Connector creates and keeps in the GCP project.
    PubSubTopic,
    "pubsub.cnrm.cloud.google.com",
    "v1beta1",
    PubSubTopicSpec
);

crate::resource!(
    /// A Pub/Sub subscription on a topic.
    PubSubSubscription,
    "pubsub.cnrm.cloud.google.com",
    "v1beta1",
    PubSubSubscriptionSpec
);

crate::resource!(
    /// One member granted one role on one GCP resource (non-authoritative: other members of the
    /// role are left alone).
    IAMPolicyMember,
    "iam.cnrm.cloud.google.com",
    "v1beta1",
    IAMPolicyMemberSpec
);

crate::resource!(
    /// A GCP service account, which Config Connector creates in the namespace's (or the
    /// annotated) project.
    IAMServiceAccount,
    "iam.cnrm.cloud.google.com",
    "v1beta1",
    IAMServiceAccountSpec
);

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct IAMServiceAccountSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct PubSubTopicSpec {
    /// The name in GCP, when it differs from `metadata.name`.
    #[serde(rename = "resourceID", default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// How long the topic keeps published messages, `<seconds>s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_retention_duration: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct PubSubSubscriptionSpec {
    #[serde(rename = "resourceID", default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    pub topic_ref: ResourceRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_deadline_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_retention_duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_policy: Option<ExpirationPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_policy: Option<DeadLetterPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_message_ordering: Option<bool>,
}

/// A reference to another Config Connector object by `name` (and `namespace`), or to a GCP
/// resource outside Config Connector by its `external` path (`projects/<p>/topics/<t>`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct ResourceRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
}

/// `ttl: ""` is the CRD's way of saying "never expires".
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ExpirationPolicy {
    pub ttl: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_backoff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_backoff: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_topic_ref: Option<ResourceRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_delivery_attempts: Option<i32>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct IAMPolicyMemberSpec {
    /// `serviceAccount:<email>`, `user:<email>`, ...
    pub member: String,
    /// `roles/pubsub.publisher`, ...
    pub role: String,
    pub resource_ref: IAMResourceRef,
}

/// The resource an IAM member is granted a role on: a Config Connector object by `apiVersion`,
/// `kind` and `name`, or a GCP resource by `kind` and `external` name.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct IAMResourceRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
}
