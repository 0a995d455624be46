//! `spec.patches` of every input: the escape hatch for the one generated field an input has no
//! word for. Each patch names an object the input's function generates and changes it with a
//! JSON merge patch (RFC 7386, a mapping) or a JSON Patch (RFC 6902, a list of operations),
//! after generation and before the object joins the list, so decorators and later functions
//! see the patched object, and a re-render patches afresh (idempotent).
//!
//! A patch reaches only what the step's function generates from that input: a LummoDeployment's
//! patches change workloads' Rollout or Service, not scaling's ScaledObject. That keeps every
//! verdict local to one step, which is all kpt and kustomize run at a time.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value as Json;

use crate::function::About;
use crate::input::Input;
use crate::ownership::Generated;
use crate::results::Report;
use crate::schema::did_you_mean;

/// One patch of one generated object.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// The object to patch, among those this input generates.
    pub target: Target,
    /// A JSON merge patch (RFC 7386), written as a mapping (`null` removes a field), or a JSON
    /// Patch (RFC 6902), written as a list of operations.
    pub patch: PatchBody,
}

/// Which generated object a patch changes.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The object's kind, such as `Service` or `Rollout`.
    pub kind: String,
    /// The object's name; without it, every object of the kind the input generates.
    #[serde(default)]
    pub name: Option<String>,
}

/// The two forms a patch takes.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PatchBody {
    /// RFC 6902: operations applied in order; any failing one (a `test` among them) fails the patch.
    Operations(Vec<Operation>),
    /// RFC 7386: the mapping is merged into the object; `null` removes a field.
    Merge(serde_json::Map<String, Json>),
}

/// One RFC 6902 operation.
#[derive(Clone, Debug, Deserialize, JsonSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub op: Op,
    /// A JSON Pointer into the object, such as `/spec/template/spec/hostNetwork`.
    pub path: String,
    /// The value to add, replace with or test for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Json>,
    /// The JSON Pointer to move or copy from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Remove => "remove",
            Op::Replace => "replace",
            Op::Move => "move",
            Op::Copy => "copy",
            Op::Test => "test",
        }
    }
}

/// The spec field every input kind accepts.
pub const FIELD: &str = "patches";

/// Applies the patches of every input `function` owns to what it generated from it (an input
/// it only reads, as scaling reads a LummoDeployment, is its owner's to patch). Problems are
/// errors (and warnings for patches that change nothing) at `spec.patches[i]`.
pub fn apply(function: &About, inputs: &[Input], generated: &mut [Generated], report: &mut Report) {
    let owned = |input: &Input| function.kinds.iter().any(|kind| kind.kind == input.kind && !kind.read_only);
    for (index, input) in inputs.iter().enumerate().filter(|(_, input)| owned(input)) {
        let Some(patches) = read(input, report) else { continue };
        for (i, patch) in patches.iter().enumerate() {
            let path = format!("spec.{FIELD}[{i}]");
            let mine: Vec<&mut Generated> = generated.iter_mut().filter(|g| g.input == index).collect();
            apply_one(function.name, input, patch, &path, mine, report);
        }
    }
}

/// The input's patches; `None` when it has none (or they are malformed, which the input's
/// schema check reports).
fn read(input: &Input, report: &mut Report) -> Option<Vec<Patch>> {
    let patches = input.node.get("spec")?.get(FIELD)?.to_json();
    match serde_json::from_value(patches) {
        Ok(patches) => Some(patches),
        Err(e) => {
            input.error(report, &format!("spec.{FIELD}"), e.to_string());
            None
        }
    }
}

fn apply_one(function: &str, input: &Input, patch: &Patch, path: &str, mine: Vec<&mut Generated>, report: &mut Report) {
    let Target { kind, name } = &patch.target;
    let (targets, others): (Vec<&mut Generated>, Vec<&mut Generated>) = mine
        .into_iter()
        .partition(|g| g.object["kind"] == kind.as_str() && name.as_ref().is_none_or(|n| g.object["metadata"]["name"] == n.as_str()));
    if targets.is_empty() {
        let made: Vec<String> = others.iter().map(|g| identity(&g.object)).collect();
        let wanted = name.as_ref().map_or_else(|| kind.clone(), |name| format!("{kind}/{name}"));
        let hint = match did_you_mean(&wanted, made.iter().map(String::as_str)) {
            Some(close) => format!(", did you mean {close:?}?"),
            None if made.is_empty() => " (it generates nothing from it)".to_string(),
            None => format!(" (it generates {})", made.join(", ")),
        };
        input.error(report, &format!("{path}.target"), format!("{function} generates no {wanted} from this input{hint}"));
        return;
    }
    for target in targets {
        let mut patched = target.object.clone();
        let outcome = match &patch.patch {
            PatchBody::Merge(mapping) => {
                json_patch::merge(&mut patched, &Json::Object(mapping.clone()));
                Ok(())
            }
            PatchBody::Operations(operations) => operations_of(operations).and_then(|ops| {
                // patch_unsafe: on an error the copy is dropped, so nothing needs undoing.
                json_patch::patch_unsafe(&mut patched, &ops).map_err(|e| {
                    let op = &operations[e.operation];
                    let why = match e.kind {
                        json_patch::PatchErrorKind::TestFailed => "the value there is not the one it tests for".to_string(),
                        json_patch::PatchErrorKind::InvalidPointer => "the object has nothing at that path".to_string(),
                        other => other.to_string(),
                    };
                    format!("operation {} ({} {}) failed: {why}", e.operation, op.op.name(), op.path)
                })
            }),
        };
        let at = identity(&target.object);
        match outcome {
            Err(message) => input.error(report, &format!("{path}.patch"), format!("{at}: {message}")),
            Ok(()) if patched == target.object => {
                input.warning(report, path, format!("changes nothing in {at}: remove it, or fix its target or values"))
            }
            Ok(()) => match changed_identity(&target.object, &patched) {
                Some(field) => input.error(
                    report,
                    &format!("{path}.patch"),
                    format!("changes {field} of {at}: a patch may not change an object's apiVersion, kind, name or namespace"),
                ),
                None => target.object = patched,
            },
        }
    }
}

fn operations_of(operations: &[Operation]) -> Result<Vec<json_patch::PatchOperation>, String> {
    let value = serde_json::to_value(operations).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| format!("not a JSON Patch: {e}"))
}

fn identity(object: &Json) -> String {
    format!("{}/{}", object["kind"].as_str().unwrap_or_default(), object["metadata"]["name"].as_str().unwrap_or_default())
}

fn changed_identity(before: &Json, after: &Json) -> Option<&'static str> {
    let fields: [(&str, &[&str]); 4] = [
        ("apiVersion", &["apiVersion"]),
        ("kind", &["kind"]),
        ("metadata.name", &["metadata", "name"]),
        ("metadata.namespace", &["metadata", "namespace"]),
    ];
    fields.into_iter().find(|(_, at)| at.iter().fold(before, |v, k| &v[*k]) != at.iter().fold(after, |v, k| &v[*k])).map(|(field, _)| field)
}
