//! Strict, offline validation of the manifests a render gives, as the cluster would take them:
//! Kubernetes' own kinds against the OpenAPI schemas of Kubernetes 1.33, custom kinds against
//! the upstream CRDs kept in `vendor/` (see `vendor/SOURCES.md`), unknown fields refused as
//! `kubectl apply --validate=strict` refuses them, and then the API server's hand-written
//! rules (`rules.rs`). What it does not do: CEL rules (`x-kubernetes-validations`), admission
//! webhooks, and anything that needs the cluster's state; the functions check what of those
//! concerns the fields they write, and `lummo_testing::cross` checks objects against each other.

mod patterns;
mod rules;
mod structural;
mod vendored;

use lummo_krm::results::{FieldRef, KrmResult, Severity};
use lummo_krm::{Item, ResourceId};
use serde_json::Value as Json;

pub use structural::Problem;
use structural::{Dialect, Schemas, problem};
use vendored::{Found, vendored};

/// What validating a set of items found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every problem, an error result naming the file, the resource and the field path.
    pub results: Vec<KrmResult>,
    /// How many items were checked against a schema.
    pub checked: usize,
    /// Items of kinds with no schema here, which are not checked.
    pub unknown: Vec<ResourceId>,
    /// Local config (kpt's and kustomize's own files, Lummo inputs): never applied, not checked.
    pub local: usize,
}

impl Outcome {
    pub fn is_valid(&self) -> bool {
        self.results.is_empty()
    }

    /// `12 resources, 0 errors (3 local config, 1 of a kind with no schema here)`.
    pub fn summary(&self) -> String {
        let mut notes = Vec::new();
        if self.local > 0 {
            notes.push(format!("{} local config", self.local));
        }
        if !self.unknown.is_empty() {
            notes.push(format!("{} of a kind with no schema here", self.unknown.len()));
        }
        let notes = if notes.is_empty() { String::new() } else { format!(" (not checked: {})", notes.join(", ")) };
        format!("{} resources, {} errors{notes}", self.checked, self.results.len())
    }
}

/// Validates every item that would be applied.
pub fn validate(items: &[Item]) -> Outcome {
    let mut outcome = Outcome::default();
    for item in items {
        if is_local_config(item) {
            outcome.local += 1;
            continue;
        }
        match validate_object(&item.node().to_json()) {
            Verdict::Unknown => outcome.unknown.push(item.id()),
            Verdict::Checked(problems) => {
                outcome.checked += 1;
                outcome.results.extend(problems.into_iter().map(|p| {
                    let mut result = item.result(KrmResult::new(Severity::Error, p.message));
                    result.field = Some(FieldRef { path: p.path });
                    result
                }));
            }
        }
    }
    outcome
}

/// The verdict on one object.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Checked against its kind's schema and the hand-written rules: these problems (none when valid).
    Checked(Vec<Problem>),
    /// No schema for its kind here.
    Unknown,
}

pub fn validate_object(object: &Json) -> Verdict {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let kind = object["kind"].as_str().unwrap_or_default();
    let all = vendored();
    let kubernetes = Schemas { definitions: &all.definitions, dialect: Dialect::Kubernetes };
    let mut problems = Vec::new();
    match all.find(api_version, kind) {
        Found::Unknown => return Verdict::Unknown,
        Found::VersionNotServed { served } => {
            problems.push(problem("apiVersion", format!("{kind} is not served as {api_version:?}: use {}", served.join(" or "))));
        }
        Found::Kubernetes(schema) => kubernetes.check(object, schema, "", &mut problems),
        Found::Crd(schema) => {
            let crd = Schemas { definitions: &all.definitions, dialect: Dialect::Crd };
            check_custom_resource(object, schema, &crd, &kubernetes, &mut problems);
        }
    }
    rules::check(object, &mut problems);
    Verdict::Checked(problems)
}

/// A custom resource: its envelope as the API server reads every object (metadata is an
/// ObjectMeta whatever the CRD says), the rest against the CRD's schema.
fn check_custom_resource(object: &Json, schema: &Json, crd: &Schemas, kubernetes: &Schemas, problems: &mut Vec<Problem>) {
    let Some(map) = object.as_object() else {
        problems.push(problem("", "must be a mapping"));
        return;
    };
    let mut body = map.clone();
    body.remove("apiVersion");
    body.remove("kind");
    if let Some(metadata) = body.remove("metadata") {
        let object_meta = Json::String("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta".into());
        kubernetes.check(&metadata, &serde_json::json!({ "$ref": object_meta }), "metadata", problems);
    }
    let envelope_fields = ["apiVersion", "kind", "metadata"];
    let mut envelope = schema.clone();
    if let Some(properties) = envelope.get_mut("properties").and_then(Json::as_object_mut) {
        properties.retain(|field, _| !envelope_fields.contains(&field.as_str()));
    }
    if let Some(required) = envelope.get_mut("required").and_then(Json::as_array_mut) {
        required.retain(|field| !envelope_fields.iter().any(|f| field == f));
    }
    crd.check(&Json::Object(body), &envelope, "", problems);
}

/// Items that configure a tool and are never applied: `config.kubernetes.io/local-config`,
/// kpt's Kptfile, kustomize's own kinds, and Lummo inputs (a render marks them local config;
/// `lummo check` is what checks them).
fn is_local_config(item: &Item) -> bool {
    let api_version = item.api_version();
    item.annotation("config.kubernetes.io/local-config") == Some("true")
        || (item.kind() == "Kptfile" && api_version.starts_with("kpt.dev/"))
        || api_version.starts_with("kustomize.config.k8s.io/")
        || api_version.starts_with("krm.lummo.com/")
}

/// Every kind with a schema here, as `apiVersion/Kind`.
pub fn known_kinds() -> Vec<String> {
    vendored().kinds()
}
