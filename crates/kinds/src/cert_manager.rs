//! cert-manager (`cert-manager.io/v1`) kinds.

use serde::{Deserialize, Serialize};

crate::resource!(
    /// A TLS certificate cert-manager keeps issued and renewed in a Secret.
    Certificate,
    "cert-manager.io",
    "v1",
    CertificateSpec
);

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    pub secret_name: String,
    pub dns_names: Vec<String>,
    pub issuer_ref: IssuerRef,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssuerRef {
    pub group: String,
    pub kind: String,
    pub name: String,
}
