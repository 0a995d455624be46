//! Strict validation of an input tree against the JSON schema of its Rust type.
//!
//! Input types derive `schemars::JsonSchema` next to `serde::Deserialize`, so the schema is the
//! type. serde stops at the first problem; this walk reports every one, each with its field path
//! (`spec.routes[1].vpn`) and, for unknown fields, the nearest known name. Only the schema
//! keywords schemars emits for our types are understood.

use std::cell::RefCell;
use std::collections::HashSet;

use serde_json::Value as Json;

use crate::yaml::{Node, Value};

/// A problem found in an input, relative to the input's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Appends `key` to a field path: `spec` + `routes` = `spec.routes`.
pub fn join(path: &str, key: &str) -> String {
    let simple = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match (path.is_empty(), simple) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{key:?}]"),
    }
}

/// Appends a list index to a field path: `spec.routes[1]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The known name closest to `unknown`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = unknown.to_lowercase();
    known
        .into_iter()
        .map(|k| (edit_distance(&lower, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= (k.len().max(unknown.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Kubernetes counts and durations are int32: a number beyond that range would wrap on its
/// way into a manifest. Only fields declared 64-bit (`format: int64`/`uint64`) may hold more.
fn beyond_format(i: i64, schema: &Json) -> Option<String> {
    let format = schema.get("format").and_then(Json::as_str).unwrap_or("int32");
    let (low, high) = match format {
        "int64" => return None,
        "uint64" => (0, i64::MAX),
        _ => (i64::from(i32::MIN), i64::from(i32::MAX)),
    };
    match i {
        _ if i > high => Some(format!("must be at most {high}, got {i}")),
        _ if i < low => Some(format!("must be at least {low}, got {i}")),
        _ => None,
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Validates `node` against `schema` (a whole schemars root, so `$ref`s resolve), reporting
/// problems under `path`.
pub fn validate(node: &Node, schema: &Json, path: &str) -> Vec<Problem> {
    validate_keeping_text(node, schema, path).0
}

/// The schema extension that marks a value kept as written: a number or boolean there becomes
/// the string it was written as (`1.10` stays `"1.10"`, not `"1.1"`).
pub const VERBATIM: &str = "x-lummo-verbatim";

/// [`validate`], and the positions of the scalars under a [`VERBATIM`] schema, for
/// [`Node::to_json_keeping`].
pub fn validate_keeping_text(node: &Node, schema: &Json, path: &str) -> (Vec<Problem>, HashSet<usize>) {
    let mut problems = Vec::new();
    let walker = Walker { root: schema, verbatim: RefCell::default() };
    walker.check(node, schema, path, &mut problems);
    (problems, walker.verbatim.into_inner())
}

struct Walker<'a> {
    root: &'a Json,
    verbatim: RefCell<HashSet<usize>>,
}

fn type_phrase(name: &str) -> &'static str {
    match name {
        "string" => "a string",
        "boolean" => "a boolean",
        "integer" => "an integer",
        "number" => "a number",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "null",
        _ => "a value",
    }
}

fn matches_type(node: &Node, name: &str) -> bool {
    matches!(
        (&node.value, name),
        (Value::Null, "null")
            | (Value::Bool(_), "boolean")
            | (Value::Int(_), "integer" | "number")
            | (Value::Float(_), "number")
            | (Value::Str(_), "string")
            | (Value::Seq(_), "array")
            | (Value::Map(_), "object")
    )
}

impl<'a> Walker<'a> {
    fn resolve(&self, mut schema: &'a Json) -> &'a Json {
        for _ in 0..32 {
            let Some(reference) = schema.get("$ref").and_then(Json::as_str) else { break };
            let pointer = reference.trim_start_matches('#');
            match self.root.pointer(pointer) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// The JSON types a schema accepts, when it says.
    fn types(schema: &Json) -> Vec<&str> {
        match schema.get("type") {
            Some(Json::String(t)) => vec![t.as_str()],
            Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// A short description of what a schema accepts, for "expected ..." messages.
    fn expected(&self, schema: &'a Json) -> String {
        let schema = self.resolve(schema);
        if let Some(alternatives) = schema.get("anyOf").or(schema.get("oneOf")).and_then(Json::as_array) {
            let mut phrases: Vec<String> =
                alternatives.iter().filter(|s| Self::types(self.resolve(s)) != ["null"]).map(|s| self.expected(s)).collect();
            phrases.dedup();
            return phrases.join(" or ");
        }
        if let Some(values) = schema.get("enum").and_then(Json::as_array) {
            return format!("one of {}", values.iter().map(Json::to_string).collect::<Vec<_>>().join(", "));
        }
        let types: Vec<&str> = Self::types(schema).into_iter().filter(|t| *t != "null").collect();
        match types.as_slice() {
            [] => "a value".into(),
            _ => types.iter().map(|t| type_phrase(t)).collect::<Vec<_>>().join(" or "),
        }
    }

    fn check(&self, node: &Node, schema: &'a Json, path: &str, problems: &mut Vec<Problem>) {
        let schema = self.resolve(schema);
        if node.text.is_some() && schema.get(VERBATIM).is_some() {
            self.verbatim.borrow_mut().insert(node.pos.byte);
        }
        macro_rules! push {
            ($message:expr) => {
                problems.push(Problem { path: path.to_string(), message: $message })
            };
        }

        if let Some(alternatives) = schema.get("anyOf").or(schema.get("oneOf")).and_then(Json::as_array) {
            self.check_alternatives(node, alternatives, schema, path, problems);
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Json::as_array) {
            for part in all {
                self.check(node, part, path, problems);
            }
        }
        let types = Self::types(schema);
        if !types.is_empty() && !types.iter().any(|t| matches_type(node, t)) {
            push!(format!("expected {}, got {}", self.expected(schema), node.describe()));
            return;
        }
        if let Some(values) = schema.get("enum").and_then(Json::as_array)
            && !values.contains(&node.to_json())
        {
            push!(format!("expected {}, got {}", self.expected(schema), node.describe()));
            return;
        }
        if let Some(constant) = schema.get("const")
            && node.to_json() != *constant
        {
            push!(format!("expected {constant}, got {}", node.describe()));
            return;
        }
        match &node.value {
            Value::Int(i) => {
                if let Some(message) = beyond_format(*i, schema) {
                    push!(message);
                    return;
                }
                if let Some(min) = schema.get("minimum").and_then(Json::as_f64).filter(|m| (*i as f64) < *m) {
                    push!(format!("must be >= {min}, got {i}"));
                }
                if let Some(max) = schema.get("maximum").and_then(Json::as_f64).filter(|m| (*i as f64) > *m) {
                    push!(format!("must be <= {max}, got {i}"));
                }
            }
            Value::Str(s) => {
                if let Some(min) = schema.get("minLength").and_then(Json::as_u64).filter(|m| (s.chars().count() as u64) < *m) {
                    push!(if min == 1 { "must not be empty".into() } else { format!("must be at least {min} characters long") });
                }
            }
            Value::Seq(items) => {
                if let Some(min) = schema.get("minItems").and_then(Json::as_u64).filter(|m| (items.len() as u64) < *m) {
                    push!(if min == 1 { "must not be empty".into() } else { format!("must have at least {min} entries") });
                }
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item, item_schema, &index(path, i), problems);
                    }
                }
            }
            Value::Map(entries) => self.check_object(node, entries, schema, path, problems),
            _ => {}
        }
    }

    fn check_alternatives(&self, node: &Node, alternatives: &'a [Json], schema: &'a Json, path: &str, problems: &mut Vec<Problem>) {
        let mut best: Option<Vec<Problem>> = None;
        for alternative in alternatives {
            let mut found = Vec::new();
            self.check(node, alternative, path, &mut found);
            if found.is_empty() {
                return;
            }
            // An alternative of the node's own type explains the problem best.
            let resolved = self.resolve(alternative);
            let same_type = Self::types(resolved).iter().any(|t| matches_type(node, t))
                || (resolved.get("properties").is_some() && matches!(node.value, Value::Map(_)));
            if same_type && best.is_none() {
                best = Some(found);
            }
        }
        match best {
            Some(found) => problems.extend(found),
            None => problems
                .push(Problem { path: path.to_string(), message: format!("expected {}, got {}", self.expected(schema), node.describe()) }),
        }
    }

    fn check_object(&self, node: &Node, entries: &[crate::yaml::Entry], schema: &'a Json, path: &str, problems: &mut Vec<Problem>) {
        let properties = schema.get("properties").and_then(Json::as_object);
        let closed = schema.get("additionalProperties") == Some(&Json::Bool(false));
        let open_values = schema.get("additionalProperties").filter(|s| s.is_object());
        for entry in entries {
            let child_path = join(path, &entry.key);
            match properties.and_then(|p| p.get(&entry.key)) {
                Some(property) => self.check(&entry.value, property, &child_path, problems),
                None if closed => {
                    let known = properties.into_iter().flat_map(|p| p.keys().map(String::as_str));
                    let message = match did_you_mean(&entry.key, known) {
                        Some(suggestion) => format!("unknown field, did you mean {suggestion:?}?"),
                        None => {
                            let names: Vec<&str> = properties.into_iter().flat_map(|p| p.keys().map(String::as_str)).collect();
                            format!("unknown field (known fields: {})", names.join(", "))
                        }
                    };
                    problems.push(Problem { path: child_path, message });
                }
                None => {
                    if let Some(value_schema) = open_values {
                        self.check(&entry.value, value_schema, &child_path, problems);
                    }
                }
            }
        }
        for required in schema.get("required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str) {
            if node.get(required).is_none() {
                problems.push(Problem { path: join(path, required), message: "required field is missing".into() });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;
    use schemars::JsonSchema;
    use serde::Deserialize;

    #[derive(Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Spec {
        app: String,
        #[serde(default)]
        grpc: bool,
        #[serde(default)]
        routes: Vec<Route>,
        replicas: Option<u32>,
        mode: Option<Mode>,
        ports: Option<OneOrMany>,
    }

    #[derive(Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Route {
        r#match: String,
        #[serde(default)]
        vpn: bool,
    }

    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Mode {
        Fast,
        Safe,
    }

    #[derive(Deserialize, JsonSchema)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }

    fn problems(yaml: &str) -> Vec<String> {
        let node = parse_documents(yaml).unwrap().remove(0).root;
        let schema = schemars::schema_for!(Spec);
        validate(&node, schema.as_value(), "spec").into_iter().map(|p| format!("{}: {}", p.path, p.message)).collect()
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        assert_eq!(
            problems(
                "grpc: sure\nrotues: []\nroutes:\n- match: a\n- match: b\n  vpn: \"sure\"\n- {vpn: true}\nreplicas: -1\nmode: slow\nports: 8080\n"
            ),
            [
                "spec.grpc: expected a boolean, got \"sure\"",
                "spec.rotues: unknown field, did you mean \"routes\"?",
                "spec.routes[1].vpn: expected a boolean, got \"sure\"",
                "spec.routes[2].match: required field is missing",
                "spec.replicas: must be >= 0, got -1",
                "spec.mode: expected one of \"fast\", \"safe\", got \"slow\"",
                "spec.ports: expected a string or a list, got 8080",
                "spec.app: required field is missing",
            ]
        );
    }

    /// Counts are the API's int32: more would wrap on the way into a manifest.
    #[test]
    fn integers_stay_within_int32() {
        assert_eq!(problems("app: a\nreplicas: 3000000000\n"), ["spec.replicas: must be at most 2147483647, got 3000000000"]);
        assert!(problems("app: a\nreplicas: 2147483647\n").is_empty());
    }

    #[test]
    fn valid_input_has_no_problems() {
        assert!(problems("app: a\nroutes: [{match: x}]\nmode: safe\nports: [a, b]\nreplicas: null\n").is_empty());
    }

    #[test]
    fn unknown_fields_far_from_any_known_name_list_the_known_ones() {
        assert_eq!(
            problems("app: a\nzzzzzz: 1\n"),
            ["spec.zzzzzz: unknown field (known fields: app, grpc, routes, replicas, mode, ports)"]
        );
    }
}
