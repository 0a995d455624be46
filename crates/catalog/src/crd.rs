//! A CustomResourceDefinition per Lummo kind, for validators and clusters that want one: the
//! kind's JSON schema made structural (Kubernetes' rules for CRD schemas). Inputs are local
//! config and never applied, so nothing in the cluster needs them; they exist so that tools that
//! read CRDs (validators, editors, `kubectl explain` on a dev cluster) know the kinds.
//!
//! Structural means: no `$ref` (definitions are inlined), no `null` type (`nullable`), unions only
//! as `x-kubernetes-int-or-string` or, for the untagged unions the inputs use (`Scalar`,
//! `OneOrMany`, a secret's name or `{vault: ...}`), `x-kubernetes-preserve-unknown-fields` with
//! the function checking the value (the problem kube-rs/kube#1279 describes for derived CRDs),
//! and no defaults (the API server would write them into stored objects).

use serde_json::{Map, Value as Json, json};

/// The CRD of `kind`, whose resource schema is `schema` (see [`crate::resource_schema`]).
pub fn crd(kind: &str, schema: &Json) -> Json {
    let plural = format!("{}s", kind.to_lowercase());
    let spec = structural(schema, &schema["properties"]["spec"], 0);
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{plural}.krm.lummo.com")},
        "spec": {
            "group": "krm.lummo.com",
            "names": {"kind": kind, "listKind": format!("{kind}List"), "plural": plural, "singular": kind.to_lowercase()},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1",
                "served": true,
                "storage": true,
                "schema": {"openAPIV3Schema": {
                    "description": schema["description"],
                    "type": "object",
                    "required": ["spec"],
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "metadata": {"type": "object"},
                        "spec": spec
                    }
                }}
            }]
        }
    })
}

/// Definitions nest at most this deep (the inputs' types are not recursive; this only bounds
/// a mistake).
const MAX_DEPTH: usize = 32;

fn structural(root: &Json, node: &Json, depth: usize) -> Json {
    if let Some(target) = node.get("$ref").and_then(Json::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        let mut resolved = structural(root, &root["$defs"][target], depth + 1);
        copy_description(node, &mut resolved);
        return resolved;
    }
    if depth > MAX_DEPTH {
        return json!({"x-kubernetes-preserve-unknown-fields": true});
    }
    let mut out = Map::new();
    if let Some(options) = node.get("anyOf").or_else(|| node.get("oneOf")).and_then(Json::as_array) {
        let (nulls, rest): (Vec<&Json>, Vec<&Json>) = options.iter().partition(|o| o.get("type") == Some(&Json::from("null")));
        let constants: Vec<Json> = rest.iter().filter_map(|o| o.get("const").cloned()).collect();
        let mut result = if constants.len() == rest.len() && !rest.is_empty() {
            json!({"type": "string", "enum": constants})
        } else if rest.len() == 1 {
            structural(root, rest[0], depth + 1)
        } else {
            union(root, &rest, depth)
        };
        if !nulls.is_empty() {
            result["nullable"] = json!(true);
        }
        copy_description(node, &mut result);
        return result;
    }
    let types: Vec<&str> = match node.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(types)) => types.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    let non_null: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
    if non_null.len() > 1 {
        let mut result = scalar_union(&non_null);
        copy_description(node, &mut result);
        return result;
    }
    if let Some(kind) = non_null.first() {
        out.insert("type".into(), json!(kind));
    }
    if types.contains(&"null") {
        out.insert("nullable".into(), json!(true));
    }
    for key in ["description", "enum", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern"] {
        if let Some(value) = node.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    if let Some(value) = node.get("const") {
        out.insert("enum".into(), json!([value]));
        out.entry("type").or_insert(json!("string"));
    }
    if let Some(properties) = node.get("properties").and_then(Json::as_object) {
        out.insert("type".into(), json!("object"));
        let converted: Map<String, Json> = properties.iter().map(|(k, v)| (k.clone(), structural(root, v, depth + 1))).collect();
        out.insert("properties".into(), Json::Object(converted));
        if let Some(required) = node.get("required") {
            out.insert("required".into(), required.clone());
        }
    } else if let Some(values) = node.get("additionalProperties").filter(|a| a.is_object()) {
        out.insert("type".into(), json!("object"));
        out.insert("additionalProperties".into(), structural(root, values, depth + 1));
    }
    if let Some(items) = node.get("items") {
        out.insert("items".into(), structural(root, items, depth + 1));
    }
    if !out.contains_key("type") && !out.contains_key("x-kubernetes-preserve-unknown-fields") {
        out.insert("x-kubernetes-preserve-unknown-fields".into(), json!(true));
    }
    Json::Object(out)
}

/// A union of schemas a structural schema cannot state: an integer or a string as Kubernetes'
/// int-or-string, anything else left to the function's own checks.
fn union(root: &Json, options: &[&Json], depth: usize) -> Json {
    let types: Vec<String> = options
        .iter()
        .map(|o| structural(root, o, depth + 1))
        .map(|o| o.get("type").and_then(Json::as_str).unwrap_or("any").to_string())
        .collect();
    scalar_union(&types.iter().map(String::as_str).collect::<Vec<_>>())
}

fn scalar_union(types: &[&str]) -> Json {
    let mut sorted: Vec<&str> = types.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    match sorted.as_slice() {
        ["integer", "string"] => json!({"x-kubernetes-int-or-string": true}),
        _ => json!({"x-kubernetes-preserve-unknown-fields": true}),
    }
}

fn copy_description(from: &Json, to: &mut Json) {
    if let (Some(description), Some(object)) = (from.get("description"), to.as_object_mut()) {
        object.insert("description".into(), description.clone());
    }
}
