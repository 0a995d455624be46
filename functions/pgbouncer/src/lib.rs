//! `pgbouncer`: a `pgbouncer` input → a PgBouncer connection pooler in front of Postgres: its
//! Deployment (with a Prometheus exporter sidecar), Service, settings ConfigMap, a ConfigMap
//! with its address for the app, a PodDisruptionBudget, scraping, and with a Vault path the
//! ExternalSecret of its connection secret.
//!
//! Reads top-down: the input types, the function, the checks (the connection secret, the
//! app's view of the pooler), then `build.rs` for the outputs. The README (printed by
//! `--help`) is the user documentation.

mod build;
pub mod config;
mod network_policy;
pub mod settings;

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use lummo_inputs::Verbatim;
use lummo_kinds::argo::Rollout;
use lummo_kinds::external_secrets::ExternalSecret;
use lummo_krm::input::InputKind;
use lummo_krm::names::check_dns_label;
use lummo_krm::ownership::GENERATED_BY;
use lummo_krm::platform::Platform;
use lummo_krm::{About, Decorator, Function, Generated, Input, Item, Report, ResourceId, ResourceList};
use lummo_policy::vault::{self, SecretSource, VaultRef};
use schemars::JsonSchema;
use serde::Deserialize;

pub use settings::Settings;

// ---------------------------------------------------------------------------------------------
// Input

/// `pgbouncer.spec`: a pooler for one database.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PgbouncerSpec {
    /// The app that connects through the pooler: checked to read the pooler's address.
    pub app: Option<String>,
    /// The larger system the pooler belongs to (label `app.kubernetes.io/part-of`).
    #[serde(rename = "part-of")]
    pub part_of: Option<String>,
    /// The Secret with the database's address and credentials, or `{vault: path}`.
    pub connection_secret: Option<SecretSource>,
    /// pgbouncer settings (see `config.rs`), written into a ConfigMap.
    pub config: Option<BTreeMap<String, Verbatim>>,
    /// Pooler pods (default 2).
    #[schemars(range(min = 1, max = 100))]
    pub replicas: Option<u32>,
    pub monitoring: Option<PoolerMonitoring>,
    /// The user README's form: `connectionSecret` and `config` one level down.
    pub spec: Option<NestedSpec>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NestedSpec {
    pub connection_secret: Option<SecretSource>,
    pub config: Option<BTreeMap<String, Verbatim>>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct PoolerMonitoring {
    /// The Datadog agent scrapes the exporter (autodiscovery annotations) instead of a
    /// PodMonitor, as the monitoring function does for apps.
    pub datadog: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// The function

pub const KIND: &str = "pgbouncer";

pub const ABOUT: About = About {
    name: "pgbouncer",
    version: env!("CARGO_PKG_VERSION"),
    help: include_str!("../README.md"),
    group: &lummo_policy::group::LUMMO,
    kinds: &[InputKind::new(KIND).with_spec::<PgbouncerSpec>()],
    generates: &["Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "PodMonitor", "ExternalSecret"],
    // It checks how the app's workload, which workloads generates, reaches the pooler.
    needs: &["workloads"],
};

#[derive(Default)]
pub struct Pgbouncer {
    pub settings: Settings,
}

/// Everything checked about one input, ready to build.
struct Plan<'a> {
    input: &'a Input,
    name: String,
    part_of: Option<String>,
    secret: String,
    /// The Vault path of the connection secret, when this function makes its ExternalSecret.
    vault_path: Option<String>,
    /// The image's variables from `config`.
    variables: BTreeMap<String, String>,
    replicas: i32,
    datadog: bool,
}

impl Function for Pgbouncer {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn with_platform(&self, platform: &Platform, report: &mut Report) -> Option<Box<dyn Function>> {
        Some(Box::new(Pgbouncer { settings: Settings::from_platform(platform, report) }))
    }

    fn decorate(&self, inputs: &[Input], resources: &mut Decorator, report: &mut Report) {
        for input in inputs {
            let Some(spec) = input.decode_spec::<PgbouncerSpec>(&mut Report::default()) else { continue };
            if let Some(app) = &spec.app
                && let Err(message) = network_policy::admit_egress(resources, input, app, input.name())
            {
                input.error(report, "spec.app", message);
            }
        }
    }

    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let package = Package::new(resources);
        let mut generated = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            self.check_name(input, report);
            let Some(spec) = input.decode_spec::<PgbouncerSpec>(report) else { continue };
            let checkpoint = report.checkpoint();
            let plan = self.plan(input, &spec, &package, report);
            if let Some(plan) = plan.filter(|_| !report.errors_since(checkpoint)) {
                generated.extend(self.build(&plan).iter().map(|object| Generated { input: index, object: object.clone() }));
            }
        }
        generated
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

/// A field given at `spec` or at `spec.spec`: the value and the path it was written at.
fn either<'a, T>(
    input: &Input,
    field: &str,
    flat: &'a Option<T>,
    nested: Option<&'a Option<T>>,
    report: &mut Report,
) -> Option<(&'a T, String)> {
    match (flat, nested.and_then(Option::as_ref)) {
        (Some(value), None) => Some((value, format!("spec.{field}"))),
        (None, Some(value)) => Some((value, format!("spec.spec.{field}"))),
        (None, None) => None,
        (Some(_), Some(_)) => {
            input.error(report, &format!("spec.spec.{field}"), format!("also set as spec.{field}: keep one"));
            None
        }
    }
}

impl Pgbouncer {
    fn plan<'a>(&self, input: &'a Input, spec: &PgbouncerSpec, package: &Package, report: &mut Report) -> Option<Plan<'a>> {
        let name = input.name().to_string();
        let nested = spec.spec.as_ref();
        let connection = either(input, "connectionSecret", &spec.connection_secret, nested.map(|n| &n.connection_secret), report);
        let config = either(input, "config", &spec.config, nested.map(|n| &n.config), report);
        let Some((source, source_path)) = connection else {
            if spec.connection_secret.is_none() && nested.is_none_or(|n| n.connection_secret.is_none()) {
                input.error(
                    report,
                    "spec.connectionSecret",
                    "required field is missing: the Secret with the database's address and credentials, or {vault: path}",
                );
            }
            return None;
        };
        if let Some(Err(message)) = spec.part_of.as_deref().map(lummo_krm::names::check_label_value) {
            input.error(report, "spec.part-of", format!("{message} (it labels everything the pooler is made of)"));
        }
        let secret = source.secret_name();
        let connection = self.check_connection(input, source, &source_path, package, report);
        let variables = match &config {
            Some((config, path)) => config::check(input, path, config, self.settings.port, report),
            None => BTreeMap::new(),
        };
        if let Some(connection) = &connection {
            warn_shadowed(input, config.as_ref().map(|(_, path)| path.as_str()), &variables, connection, report);
        }
        let plan = Plan {
            input,
            name,
            part_of: spec.part_of.clone(),
            vault_path: match source {
                SecretSource::Vault(VaultRef { vault, .. }) if connection.is_none() => Some(vault.clone()),
                _ => None,
            },
            secret,
            variables,
            replicas: spec.replicas.unwrap_or(self.settings.replicas) as i32,
            datadog: spec.monitoring.as_ref().and_then(|m| m.datadog) == Some(true),
        };
        if let Some(app) = &spec.app {
            self.check_app(&plan, app, package, report);
        }
        Some(plan)
    }
}

impl Pgbouncer {
    /// Everything is named after the input, the Service too, whose name is a DNS label that
    /// starts with a letter. (The envelope check reports a missing or malformed name.)
    fn check_name(&self, input: &Input, report: &mut Report) {
        let name = input.name();
        if name.is_empty() || lummo_krm::names::check_object_name(name).is_err() {
            return;
        }
        if let Err(message) = check_dns_label(name).and_then(|()| starts_with_letter(name)) {
            input.error(report, "metadata.name", format!("{message} (it names the pooler's Service)"));
        }
    }
}

fn starts_with_letter(name: &str) -> Result<(), String> {
    match name.starts_with(|c: char| c.is_ascii_lowercase()) {
        true => Ok(()),
        false => Err(format!("{name:?} must start with a letter")),
    }
}

/// The connection fields the earlier implementation required of the connection secret, in its
/// order (its messages list missing ones in this order).
pub const CONNECTION_KEYS: [&str; 5] =
    ["POSTGRESQL_PASSWORD", "POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_USERNAME", "POSTGRESQL_DATABASE"];

/// An ExternalSecret of the package that fills the connection secret.
struct PackageSecret {
    /// The keys it provides, when it lists them (`data`); `None` with `dataFrom`, whose keys
    /// only the store knows.
    keys: Option<Vec<String>>,
}

/// What the checks read of the run's resources, indexed once.
struct Package<'a> {
    by_id: HashMap<ResourceId, &'a Item>,
    /// The ExternalSecrets people wrote or other functions generated, by the Secret they fill
    /// (namespace, name): the target's name, or the ExternalSecret's own when it has none.
    external_secrets: HashMap<(String, String), (&'a Item, ExternalSecret)>,
}

impl<'a> Package<'a> {
    fn new(resources: &'a ResourceList) -> Package<'a> {
        let mut external_secrets = HashMap::new();
        for item in &resources.items {
            let id = item.id();
            if !id.is::<ExternalSecret>() || item.annotation(GENERATED_BY) == Some(ABOUT.name) {
                continue;
            }
            let Ok(secret) = item.decode::<ExternalSecret>() else { continue };
            let target = secret.spec.target.name.clone().unwrap_or_else(|| item.name().to_string());
            external_secrets.entry((id.namespace, target)).or_insert((item, secret));
        }
        Package { by_id: resources.index(), external_secrets }
    }

    /// The ExternalSecret that fills Secret `name` in `namespace`.
    fn filling(&self, namespace: &str, name: &str) -> Option<&(&'a Item, ExternalSecret)> {
        self.external_secrets.get(&(namespace.to_string(), name.to_string()))
    }
}

fn place(item: &Item) -> String {
    let file = item.file().map(|f| format!(", {}", f.path)).unwrap_or_default();
    format!("{}{file}", item.id())
}

impl Pgbouncer {
    /// Checks the connection secret's source and, when an ExternalSecret in the package fills
    /// it, what that provides (the earlier implementation's rules and messages).
    fn check_connection(
        &self,
        input: &Input,
        source: &SecretSource,
        path: &str,
        package: &Package,
        report: &mut Report,
    ) -> Option<PackageSecret> {
        let secret = source.secret_name();
        match source {
            SecretSource::Name(name) => {
                if let Err(message) = lummo_krm::names::check_object_name(name) {
                    input.error(report, path, message);
                }
            }
            SecretSource::Vault(VaultRef { vault, name }) => {
                if let Err(message) = vault::check_path(vault) {
                    input.error(report, &format!("{path}.vault"), message);
                }
                if let Some(Err(message)) = name.as_deref().map(lummo_krm::names::check_object_name) {
                    input.error(report, &format!("{path}.name"), message);
                }
            }
        }
        let (item, external) = package.filling(input.namespace(), &secret)?;
        if let SecretSource::Vault(VaultRef { vault, .. }) = source {
            let same_path = external.spec.data_from.iter().any(|d| d.extract.as_ref().is_some_and(|e| &e.key == vault));
            if !same_path {
                input.error(report, path, format!("Secret {secret:?} is also filled by {}, not from Vault path {vault:?}: name that Secret here instead, or give this one another name", place(item)));
            }
            return Some(PackageSecret { keys: None });
        }
        let data = &external.spec.data;
        if data.iter().any(|d| {
            d.secret_key.is_empty() || d.remote_ref.key.is_empty() || d.remote_ref.property.as_deref().unwrap_or_default().is_empty()
        }) {
            input.error(
                report,
                path,
                format!(
                    "ConnectionSecret is invalid: One of the fields (secretKey, remoteRef.key, or remoteRef.property) is empty (in {})",
                    place(item)
                ),
            );
        }
        if !external.spec.data_from.is_empty() {
            return Some(PackageSecret { keys: None });
        }
        let keys: Vec<String> = data.iter().map(|d| d.secret_key.clone()).collect();
        let missing: Vec<&str> = CONNECTION_KEYS.into_iter().filter(|key| !keys.iter().any(|k| k == key)).collect();
        if !missing.is_empty() {
            input.error(
                report,
                path,
                format!("ConnectionSecret is invalid: Required fields are missing: [{}] (in {})", missing.join(" "), place(item)),
            );
        }
        Some(PackageSecret { keys: Some(keys) })
    }

    /// The app should reach the database through the pooler: warn when its workload reads the
    /// database's own connection secret but not the pooler's address.
    fn check_app(&self, plan: &Plan, app: &str, package: &Package, report: &mut Report) {
        let index = &package.by_id;
        let namespace = plan.input.namespace();
        let template = |id: ResourceId| -> Option<(ResourceId, PodTemplateSpec)> {
            let item = index.get(&id)?;
            let template = match id.kind.as_str() {
                "Rollout" => item.decode::<Rollout>().ok()?.spec.template,
                _ => item.decode::<Deployment>().ok()?.spec?.template,
            };
            Some((id, template))
        };
        let found = template(ResourceId::of::<Rollout>(namespace, app)).or_else(|| template(ResourceId::of::<Deployment>(namespace, app)));
        let Some((id, template)) = found else { return };
        let sources = template.spec.iter().flat_map(|p| &p.containers).flat_map(|c| c.env_from.iter().flatten());
        let (mut reads_secret, mut reads_address) = (false, false);
        let address = self.address_name(&plan.name);
        for source in sources {
            reads_secret |= source.secret_ref.as_ref().is_some_and(|s| s.name == plan.secret);
            reads_address |= source.config_map_ref.as_ref().is_some_and(|c| c.name == address);
        }
        if reads_secret && !reads_address {
            plan.input.warning(
                report,
                "spec.app",
                format!("{id} reads Secret {:?}, the database's own address, but not ConfigMap {address:?}: it connects to Postgres directly, not through this pooler (add {address} to its configs)", plan.secret),
            );
        }
    }

    fn address_name(&self, name: &str) -> String {
        format!("{name}{}", self.settings.address_suffix)
    }
}

/// Connection fields set in `config` that the connection secret also provides: the secret's
/// value is the one the pooler sees.
fn warn_shadowed(
    input: &Input,
    config_path: Option<&str>,
    variables: &BTreeMap<String, String>,
    secret: &PackageSecret,
    report: &mut Report,
) {
    let (Some(path), Some(keys)) = (config_path, &secret.keys) else { return };
    for key in variables.keys().filter(|key| keys.contains(key)) {
        input.warning(report, &format!("{path}.{key}"), "the connection secret sets it too, and wins over config: remove it here");
    }
}
