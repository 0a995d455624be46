//! Secrets from Vault, through the External Secrets Operator. A workload names a Vault path;
//! an ExternalSecret materialises it as a Kubernetes Secret, which the workload then reads like
//! any other. Shared because every function that reads secrets (workloads, pgbouncer) does so.

use lummo_kinds::ObjectMeta;
use lummo_kinds::external_secrets::{DataFrom, ExternalSecret, ExternalSecretSpec, Extract, SecretStoreRef, Target};
use schemars::JsonSchema;
use serde::Deserialize;

/// Platform conventions for reaching Vault: the External Secrets store and how often a
/// Secret is refreshed (`spec.vault` of a LummoPlatform).
pub type VaultSettings = lummo_platform::Vault;

/// Checks the values of `spec.vault` with the rules of what they end up in.
pub fn check_settings(platform: &lummo_krm::platform::Platform, report: &mut lummo_krm::Report) {
    let vault = &platform.spec.vault;
    platform.check(report, "spec.vault.store.name", lummo_krm::names::check_object_name(&vault.store.name));
    let interval = &vault.refresh_interval;
    let is_duration = lummo_krm::duration::is_go_duration(interval) && !interval.starts_with('-');
    platform.check(
        report,
        "spec.vault.refreshInterval",
        match is_duration {
            true => Ok(()),
            false => Err(format!("{interval:?} is not a duration: write it like 1h or 15m")),
        },
    );
}

/// A secret a workload reads: a Kubernetes Secret's name, or a Vault path.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(untagged)]
pub enum SecretSource {
    /// The name of an existing Secret.
    Name(String),
    Vault(VaultRef),
}

/// `{vault: infra/postgres/tokko-api-postgres/creds}`: every key at that Vault path.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VaultRef {
    /// The path of the secret in Vault.
    pub vault: String,
    /// The name of the Secret it becomes (default: the path's last two parts, joined by `-`).
    #[serde(default)]
    pub name: Option<String>,
}

impl SecretSource {
    /// The name of the Kubernetes Secret the workload reads.
    pub fn secret_name(&self) -> String {
        match self {
            SecretSource::Name(name) => name.clone(),
            SecretSource::Vault(VaultRef { name: Some(name), .. }) => name.clone(),
            SecretSource::Vault(VaultRef { vault, name: None }) => default_secret_name(vault),
        }
    }
}

/// `infra/postgres/tokko-api-postgres/creds` → `tokko-api-postgres-creds`.
pub fn default_secret_name(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let tail = parts[parts.len().saturating_sub(2)..].join("-").to_lowercase();
    let cleaned: String = tail.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    cleaned.trim_matches('-').to_string()
}

/// A Vault path must be relative (the store knows the mount), with no empty, `.` or `..` parts
/// (the store would resolve them to another secret than the one written).
pub fn check_path(path: &str) -> Result<(), String> {
    let odd_part = path.split('/').any(|part| part.is_empty() || part == "." || part == "..");
    if odd_part || path.trim() != path {
        return Err(format!(
            "{path:?} is not a Vault path: no empty, \".\" or \"..\" parts, no spaces around it; write it like infra/postgres/app/creds"
        ));
    }
    Ok(())
}

/// The ExternalSecret that fills Secret `secret_name` with every key at Vault `path`.
pub fn external_secret(metadata: ObjectMeta, secret_name: &str, path: &str, settings: &VaultSettings) -> ExternalSecret {
    ExternalSecret::new(
        metadata,
        ExternalSecretSpec {
            refresh_interval: Some(settings.refresh_interval.clone()),
            secret_store_ref: Some(SecretStoreRef { kind: settings.store.kind.as_str().into(), name: settings.store.name.clone() }),
            target: Target { name: Some(secret_name.into()), creation_policy: Some("Owner".into()) },
            data: Vec::new(),
            data_from: vec![DataFrom { extract: Some(Extract { key: path.into() }) }],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_come_from_the_path_tail() {
        assert_eq!(default_secret_name("infra/postgres/tokko-api-postgres/creds"), "tokko-api-postgres-creds");
        assert_eq!(default_secret_name("App_Secrets"), "app-secrets");
        assert!(check_path("/abs").is_err() && check_path("a//b").is_err() && check_path("a/b").is_ok());
        assert!(
            check_path("infra/../root").is_err() && check_path("./a").is_err() && check_path("").is_err() && check_path("a/ ").is_err()
        );
    }
}
