//! Finding a function's inputs and decoding them strictly into their Rust types.
//!
//! Inputs are local config (`krm.lummo.com/v1` kinds such as `LummoNetworking`). They may arrive
//! as items, as the functionConfig, or as both at once (kpt render passes a `configPath`
//! resource both ways); each is counted once.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::resource_list::{Item, ResourceId};
use crate::results::{FieldRef, FileRef, KrmResult, Report, ResourceRef, Severity};
use crate::schema::{self, did_you_mean};
use crate::yaml::{Node, Value};

/// The apiVersion of every Lummo input kind.
pub const API_VERSION: &str = "krm.lummo.com/v1";

/// An API group of inputs as a function meets them: every kind of the group (so that a
/// misspelt one is an error wherever it is met, not a resource that slips through to the
/// cluster), and the earlier apiVersions its inputs may still carry, accepted with a warning.
/// The platform declares its group (`lummo_policy::group::LUMMO`); a function names it in its
/// `About`.
#[derive(Debug)]
pub struct Group {
    pub api_version: &'static str,
    pub earlier_api_versions: &'static [&'static str],
    pub kinds: &'static [&'static str],
}

impl Group {
    /// apiVersions that are the group's for sure (an earlier `v1` is also core's).
    fn holds(&self, api_version: &str) -> bool {
        api_version == self.api_version || (api_version != "v1" && self.earlier_api_versions.contains(&api_version))
    }
}

/// A kind of input a function reads.
#[derive(Clone, Copy, Debug)]
pub struct InputKind {
    pub kind: &'static str,
    /// Earlier names of the same kind, accepted with a warning.
    pub legacy_names: &'static [&'static str],
    /// Another function owns the kind and reports on its envelope (earlier names, apiVersion);
    /// this one only reads a part of it (scaling and monitoring read a LummoDeployment).
    pub read_only: bool,
    /// [`API_VERSION`] for every Lummo kind; another only for test functions.
    pub api_version: &'static str,
    /// The JSON schema of the kind's `spec` (for the kinds a function owns): what editors,
    /// validators and the docs are made from.
    pub spec_schema: Option<fn() -> schemars::Schema>,
}

impl InputKind {
    pub const fn new(kind: &'static str) -> InputKind {
        InputKind { kind, legacy_names: &[], read_only: false, api_version: API_VERSION, spec_schema: None }
    }

    /// A kind that had other names before.
    pub const fn with_legacy_names(kind: &'static str, legacy_names: &'static [&'static str]) -> InputKind {
        InputKind { kind, legacy_names, read_only: false, api_version: API_VERSION, spec_schema: None }
    }

    /// A kind this function reads but another owns (see [`InputKind::read_only`]).
    pub const fn read_only(kind: &'static str, legacy_names: &'static [&'static str]) -> InputKind {
        InputKind { kind, legacy_names, read_only: true, api_version: API_VERSION, spec_schema: None }
    }

    /// The kind with its `spec` type, whose schema it publishes.
    pub const fn with_spec<T: JsonSchema>(self) -> InputKind {
        InputKind { spec_schema: Some(schema_for::<T>), ..self }
    }

    /// The kind in another API group than Lummo's (for functions that tests define, whose kinds
    /// are none of the group's).
    pub const fn in_group(self, api_version: &'static str) -> InputKind {
        InputKind { api_version, ..self }
    }

    fn matches(&self, kind: &str) -> bool {
        self.kind == kind || self.legacy_names.contains(&kind)
    }
}

/// One input resource, ready to decode.
#[derive(Clone, Debug)]
pub struct Input {
    /// The canonical kind.
    pub kind: &'static str,
    pub node: Node,
    /// The identity of the item it was read from (`None` for a functionConfig alone).
    pub item: Option<ResourceId>,
    pub file: Option<FileRef>,
}

impl Input {
    fn str_at(&self, path: &[&str]) -> &str {
        self.node.at(path).and_then(Node::as_str).unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"])
    }

    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"])
    }

    /// `LummoNetworking/test` (or `LummoNetworking/ns/test`): the value of the generated-from
    /// annotation on everything this input produces.
    pub fn id(&self) -> String {
        match self.namespace() {
            "" => format!("{}/{}", self.kind, self.name()),
            ns => format!("{}/{}/{}", self.kind, ns, self.name()),
        }
    }

    pub fn resource_ref(&self) -> ResourceRef {
        ResourceRef {
            api_version: self.str_at(&["apiVersion"]).to_string(),
            kind: self.kind.to_string(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// A result about a field of this input (`path` empty for the input as a whole).
    pub fn result(&self, severity: Severity, path: &str, message: impl Into<String>) -> KrmResult {
        KrmResult {
            message: message.into(),
            severity,
            resource_ref: Some(self.resource_ref()),
            field: (!path.is_empty()).then(|| FieldRef { path: path.to_string() }),
            file: self.file.clone(),
        }
    }

    pub fn error(&self, report: &mut Report, path: &str, message: impl Into<String>) {
        report.push(self.result(Severity::Error, path, message));
    }

    pub fn warning(&self, report: &mut Report, path: &str, message: impl Into<String>) {
        report.push(self.result(Severity::Warning, path, message));
    }

    /// Validates the whole input (envelope and `spec` against `T`'s schema), reporting every
    /// problem, and decodes `spec` when there is none.
    pub fn decode_spec<T: DeserializeOwned + JsonSchema + 'static>(&self, report: &mut Report) -> Option<T> {
        let checkpoint = report.checkpoint();
        self.check_envelope(report);
        let mut verbatim = Default::default();
        match self.node.get("spec") {
            None => self.error(report, "spec", "required field is missing"),
            Some(spec) => {
                let (problems, kept) = schema::validate_keeping_text(spec, schema_of::<T>(), "spec");
                for problem in problems {
                    self.error(report, &problem.path, problem.message);
                }
                verbatim = kept;
            }
        }
        if report.errors_since(checkpoint) {
            return None;
        }
        let mut spec = self.node.get("spec").map(|spec| spec.to_json_keeping(&verbatim)).unwrap_or_default();
        // The engine applies the patches (patch.rs); the function's type does not hold them.
        if let Some(fields) = spec.as_object_mut() {
            fields.remove(crate::patch::FIELD);
        }
        match serde_json::from_value(spec) {
            Ok(spec) => Some(spec),
            Err(e) => {
                self.error(report, "spec", e.to_string());
                None
            }
        }
    }

    /// Decodes the part of `spec` that `T` describes, ignoring the rest: for a function that
    /// reads another function's input, which that function validates in full.
    pub fn decode_part<T: DeserializeOwned>(&self, report: &mut Report) -> Option<T> {
        let spec = self.node.get("spec").map(Node::to_json).unwrap_or_default();
        serde_json::from_value(spec).map_err(|e| self.error(report, "spec", e.to_string())).ok()
    }

    fn check_envelope(&self, report: &mut Report) {
        const TOP: [&str; 4] = ["apiVersion", "kind", "metadata", "spec"];
        const METADATA: [&str; 4] = ["name", "namespace", "labels", "annotations"];
        for entry in self.node.entries().unwrap_or_default() {
            if !TOP.contains(&entry.key.as_str()) {
                self.error(report, &entry.key, unknown_field_message(&entry.key, &TOP));
            }
        }
        let Some(metadata) = self.node.get("metadata").filter(|m| !m.is_null()) else {
            self.error(report, "metadata.name", MISSING_NAME);
            return;
        };
        let Some(entries) = metadata.entries() else {
            self.error(report, "metadata", format!("expected a mapping, got {}", metadata.describe()));
            return;
        };
        for entry in entries {
            let path = format!("metadata.{}", entry.key);
            match entry.key.as_str() {
                "name" | "namespace" => match &entry.value.value {
                    Value::Str(s) if !s.is_empty() => {
                        let check = if entry.key == "name" { crate::names::check_object_name } else { crate::names::check_dns_label };
                        if let Err(message) = check(s) {
                            self.error(report, &path, message);
                        }
                    }
                    _ => self.error(report, &path, format!("expected a non-empty string, got {}", entry.value.describe())),
                },
                "labels" | "annotations" => {
                    for (key, value) in entry.value.entries().unwrap_or_default().iter().map(|e| (&e.key, &e.value)) {
                        if value.as_str().is_none() {
                            self.error(report, &schema::join(&path, key), format!("expected a string, got {}", value.describe()));
                        }
                    }
                    if entry.value.entries().is_none() && !entry.value.is_null() {
                        self.error(report, &path, format!("expected a mapping, got {}", entry.value.describe()));
                    }
                }
                other => self.error(report, &path, unknown_field_message(other, &METADATA)),
            }
        }
        if metadata.get("name").is_none() {
            self.error(report, "metadata.name", MISSING_NAME);
        }
    }
}

/// The schema of an input's `spec`: `T`'s, with the `patches` every input kind accepts
/// (`patch.rs`), so that validation, the published schemas, the docs and `lummo explain` all
/// know the field.
fn schema_for<T: JsonSchema>() -> schemars::Schema {
    let mut generator = schemars::SchemaGenerator::default();
    let patches = generator.subschema_for::<Vec<crate::patch::Patch>>();
    let mut schema = generator.root_schema_for::<T>();
    if let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
        let mut patches = patches.to_value();
        if let Some(object) = patches.as_object_mut() {
            let text = "Changes to the objects this input generates, applied after they are generated: the escape hatch for a field the input has no word for.";
            object.insert("description".into(), text.into());
        }
        properties.insert(crate::patch::FIELD.into(), patches);
    }
    schema
}

/// What a missing name says: everything an input generates is named after it or its spec.
const MISSING_NAME: &str = "required field is missing: add metadata: {name: ...}, which names the input in messages and annotations";

/// The JSON schema of `T`, generated once per type and process: generating it costs more than
/// checking an input against it.
fn schema_of<T: JsonSchema + 'static>() -> &'static serde_json::Value {
    static SCHEMAS: OnceLock<Mutex<HashMap<TypeId, &'static serde_json::Value>>> = OnceLock::new();
    let mut schemas = SCHEMAS.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    schemas.entry(TypeId::of::<T>()).or_insert_with(|| Box::leak(Box::new(schema_for::<T>().to_value())))
}

pub fn unknown_field_message(key: &str, known: &[&str]) -> String {
    match did_you_mean(key, known.iter().copied()) {
        Some(suggestion) => format!("unknown field, did you mean {suggestion:?}?"),
        None => format!("unknown field (known fields: {})", known.join(", ")),
    }
}

/// An item of the group whose kind is none of the group's.
fn check_kind(group: &Group, item: &Item, report: &mut Report) {
    if !group.holds(item.api_version()) || group.kinds.contains(&item.kind()) {
        return;
    }
    let hint = match did_you_mean(item.kind(), group.kinds.iter().copied()) {
        Some(kind) => format!(", did you mean {kind:?}?"),
        None => format!(" (the kinds: {})", group.kinds.join(", ")),
    };
    let mut result = item.result(KrmResult::new(Severity::Error, format!("{:?} is not a Lummo kind{hint}", item.kind())));
    result.field = Some(FieldRef { path: "kind".into() });
    report.push(result);
}

/// `kind/namespace/name`: two inputs with one identity would generate the same resources.
type Identity = (&'static str, String, String);

/// Collects the inputs of `kinds` among the items and the function configs, checking their
/// apiVersion and kind name, and that no two share an identity.
pub fn collect(group: &Group, kinds: &[InputKind], items: &[Item], configs: &[Item], report: &mut Report) -> Vec<Input> {
    let mut inputs: Vec<Input> = Vec::new();
    let mut seen: HashMap<Identity, usize> = HashMap::new();
    let candidates = items.iter().map(|item| (true, item)).chain(configs.iter().map(|c| (false, c)));
    for (is_item, item) in candidates {
        // A function config is checked too (a standalone run's config file is the only input),
        // unless it is also an item (kpt passes a configPath resource both ways).
        if is_item || !items.iter().any(|other| other.id() == item.id()) {
            check_kind(group, item, report);
        }
        let Some(kind) = kinds.iter().find(|k| k.matches(item.kind())) else { continue };
        let input = Input { kind: kind.kind, node: item.node().clone(), item: is_item.then(|| item.id()), file: item.file() };
        let identity: Identity = (kind.kind, input.namespace().to_string(), input.name().to_string());
        if let Some(&first) = seen.get(&identity) {
            let first: &Input = &inputs[first];
            // kpt render passes a configPath resource as an item and as the functionConfig.
            let same_resource = !is_item && (input.file.is_none() || input.file == first.file);
            if !same_resource && !kind.read_only {
                let unnamed = if first.item.is_some() { "the input" } else { "the function config" };
                let place = first.file.as_ref().map_or_else(|| unnamed.to_string(), |f| f.path.clone());
                input.error(report, "metadata.name", format!("{} is also declared in {place}: give one another name", first.id()));
            }
            continue;
        }
        let earlier = group.earlier_api_versions;
        let known_api_version = item.api_version() == kind.api_version || earlier.contains(&item.api_version());
        if kind.read_only {
            if known_api_version {
                seen.insert(identity, inputs.len());
                inputs.push(input);
            }
            continue;
        }
        if item.kind() != kind.kind {
            input.warning(report, "kind", format!("kind {:?} is an earlier name: use {:?}", item.kind(), kind.kind));
        }
        match item.api_version() {
            own if own == kind.api_version => {}
            legacy if kind.api_version == group.api_version && earlier.contains(&legacy) => {
                input.warning(report, "apiVersion", format!("apiVersion {legacy:?} is an earlier form: use {:?}", group.api_version));
            }
            // Still an input, so that its other problems are reported with this one.
            "" => input.error(report, "apiVersion", format!("required field is missing: add apiVersion: {}", kind.api_version)),
            other => {
                let expected = kind.api_version;
                input.error(report, "apiVersion", format!("unsupported apiVersion {other:?} for kind {}: use {expected:?}", kind.kind));
                continue;
            }
        }
        seen.insert(identity, inputs.len());
        inputs.push(input);
    }
    inputs
}
