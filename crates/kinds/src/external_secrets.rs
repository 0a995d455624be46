//! External Secrets Operator (`external-secrets.io/v1`) kinds.
//!
//! Optional fields are optional here too: functions also read ExternalSecrets people wrote
//! (pgbouncer checks the one that fills its connection secret), which need not set them.

use serde::{Deserialize, Serialize};

crate::resource!(
    /// Keeps a Kubernetes Secret filled from an external store such as Vault.
    ExternalSecret,
    "external-secrets.io",
    "v1",
    ExternalSecretSpec
);

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_store_ref: Option<SecretStoreRef>,
    #[serde(default)]
    pub target: Target,
    /// Keys one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<SecretData>,
    /// Whole secrets at once (their keys are only known to the store).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_from: Vec<DataFrom>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SecretStoreRef {
    pub kind: String,
    pub name: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// The Secret to fill; the operator defaults it to the ExternalSecret's own name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_policy: Option<String>,
}

/// One key of the Secret, from one property of a remote secret.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct SecretData {
    #[serde(default)]
    pub secret_key: String,
    #[serde(default)]
    pub remote_ref: RemoteRef,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct RemoteRef {
    #[serde(default)]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DataFrom {
    /// Every key of one remote secret; `None` for the other sources (`find`, generators),
    /// which the functions never write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract: Option<Extract>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Extract {
    pub key: String,
}
