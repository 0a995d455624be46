//! External Secrets Operator (`external-secrets.io/v1`) kinds.

use serde::{Deserialize, Serialize};

crate::resource!(
    /// Keeps a Kubernetes Secret filled from an external store such as Vault.
    ExternalSecret,
    "external-secrets.io",
    "v1",
    ExternalSecretSpec
);

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    pub refresh_interval: String,
    pub secret_store_ref: SecretStoreRef,
    pub target: Target,
    pub data_from: Vec<DataFrom>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SecretStoreRef {
    pub kind: String,
    pub name: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub name: String,
    pub creation_policy: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DataFrom {
    pub extract: Extract,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Extract {
    pub key: String,
}
