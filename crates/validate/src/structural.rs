//! A manifest against an OpenAPI v3 schema as the API server applies one with strict field
//! validation: types, formats, enums, bounds, patterns, required fields, list keys, and unknown
//! fields as errors (with a "did you mean").
//!
//! Two dialects meet here. Kubernetes' own schemas (`vendor/kubernetes`) close an object with
//! `additionalProperties: false` and refer to definitions by name (`$ref`). A CRD's schema is
//! structural: an object is closed unless it says `x-kubernetes-preserve-unknown-fields` or has
//! `additionalProperties`, and it has no `$ref`s.

use std::collections::HashSet;

use lummo_krm::schema::{did_you_mean, index, join};
use serde_json::{Map, Value as Json};

/// One problem, at a field path from the object's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Which dialect a schema speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Kubernetes,
    Crd,
}

/// The named definitions `$ref`s resolve in, and the schema dialect.
pub struct Schemas<'a> {
    pub definitions: &'a Map<String, Json>,
    pub dialect: Dialect,
}

/// The definition of a resource quantity, whose text is checked as apimachinery parses it.
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

impl<'a> Schemas<'a> {
    pub fn check(&self, value: &Json, schema: &'a Json, path: &str, problems: &mut Vec<Problem>) {
        let schema = self.resolve(schema, value, path, problems);
        // The API server reads a null field as an unset one: Kubernetes' types declare every
        // field nullable, and for a CRD a null without `nullable` is pruned
        // (apiextensions' PruneNonNullableNullsWithoutDefaults), not refused.
        if value.is_null() {
            return;
        }
        if schema.get("x-kubernetes-int-or-string") == Some(&Json::Bool(true)) {
            if !(value.is_string() || value.is_i64() || value.is_u64()) {
                problems.push(problem(path, format!("must be an integer or a string, got {}", kind_of(value))));
            }
        } else if let Some(expected) = self.type_mismatch(schema, value) {
            problems.push(problem(path, format!("must be {expected}, got {}", kind_of(value))));
            return;
        }
        self.check_alternatives(value, schema, path, problems);
        self.check_value(value, schema, path, problems);
        match value {
            Json::Object(map) => self.check_object(map, schema, path, problems),
            Json::Array(items) => self.check_array(items, schema, path, problems),
            _ => {}
        }
    }

    /// Follows `$ref`s; a quantity's text is checked on the way.
    fn resolve(&self, mut schema: &'a Json, value: &Json, path: &str, problems: &mut Vec<Problem>) -> &'a Json {
        while let Some(name) = schema.get("$ref").and_then(Json::as_str) {
            if name == QUANTITY
                && let Some(Err(message)) = value.as_str().map(lummo_krm::quantity::check_quantity)
            {
                problems.push(problem(path, message));
            }
            match self.definitions.get(name) {
                Some(definition) => schema = definition,
                None => break,
            }
        }
        schema
    }

    /// What the value should have been, when its JSON type is none of the schema's.
    fn type_mismatch(&self, schema: &Json, value: &Json) -> Option<String> {
        let types: Vec<&str> = types(schema).into_iter().filter(|t| *t != "null").collect();
        let fits = |t: &&str| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            _ => true,
        };
        (!types.is_empty() && !types.iter().any(fits)).then(|| types.iter().map(|t| article(t)).collect::<Vec<_>>().join(" or "))
    }

    /// `oneOf`, `anyOf`, `allOf` and `not`: value validations over the same value.
    fn check_alternatives(&self, value: &Json, schema: &'a Json, path: &str, problems: &mut Vec<Problem>) {
        let passes = |alternative: &'a Json| {
            let mut found = Vec::new();
            self.check(value, alternative, path, &mut found);
            found.is_empty()
        };
        if let Some(all) = schema.get("allOf").and_then(Json::as_array) {
            for alternative in all {
                self.check(value, alternative, path, problems);
            }
        }
        if let Some(any) = schema.get("anyOf").and_then(Json::as_array)
            && !any.iter().any(passes)
        {
            problems.push(problem(path, format!("matches none of the {} allowed forms{}", any.len(), forms(any))));
        }
        if let Some(one) = schema.get("oneOf").and_then(Json::as_array) {
            let matching = one.iter().filter(|alternative| passes(alternative)).count();
            if matching != 1 {
                problems.push(problem(path, format!("must match exactly one of {} forms, matches {matching}{}", one.len(), forms(one))));
            }
        }
        if let Some(not) = schema.get("not")
            && passes(not)
        {
            problems.push(problem(path, "has a form the schema forbids"));
        }
    }

    /// Enums, bounds, lengths and patterns of a scalar (lengths of lists and maps too).
    fn check_value(&self, value: &Json, schema: &Json, path: &str, problems: &mut Vec<Problem>) {
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array)
            && !allowed.contains(value)
        {
            let list: Vec<String> = allowed.iter().map(Json::to_string).collect();
            problems.push(problem(path, format!("must be one of {}, got {value}", list.join(", "))));
        }
        if let Some(number) = value.as_f64() {
            check_bounds(number, schema, path, problems);
            if value.is_i64() || value.is_u64() {
                check_format(value, schema, path, problems);
            }
        }
        let length = match value {
            Json::String(text) => Some(("characters", text.chars().count())),
            Json::Array(items) => Some(("items", items.len())),
            Json::Object(map) => Some(("fields", map.len())),
            _ => None,
        };
        if let Some((unit, length)) = length {
            let (min, max) = match value {
                Json::String(_) => ("minLength", "maxLength"),
                Json::Array(_) => ("minItems", "maxItems"),
                _ => ("minProperties", "maxProperties"),
            };
            if let Some(min) = schema.get(min).and_then(Json::as_u64).filter(|m| (length as u64) < *m) {
                problems.push(problem(path, format!("must have at least {min} {unit}, has {length}")));
            }
            if let Some(max) = schema.get(max).and_then(Json::as_u64).filter(|m| (length as u64) > *m) {
                problems.push(problem(path, format!("must have at most {max} {unit}, has {length}")));
            }
        }
        if let (Some(text), Some(pattern)) = (value.as_str(), schema.get("pattern").and_then(Json::as_str)) {
            match crate::patterns::matches(pattern, text) {
                Ok(true) => {}
                Ok(false) => problems.push(problem(path, format!("{text:?} does not match the pattern {pattern:?}"))),
                Err(message) => problems.push(problem(path, format!("the schema's pattern {pattern:?} does not compile: {message}"))),
            }
        }
    }

    fn check_object(&self, map: &Map<String, Json>, schema: &'a Json, path: &str, problems: &mut Vec<Problem>) {
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        let preserve = schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Json::Bool(true));
        let embedded = schema.get("x-kubernetes-embedded-resource") == Some(&Json::Bool(true));
        let closed = match self.dialect {
            Dialect::Kubernetes => additional == Some(&Json::Bool(false)),
            Dialect::Crd => {
                !preserve
                    && additional.is_none_or(|a| a == &Json::Bool(false))
                    && (properties.is_some() || types(schema).contains(&"object"))
            }
        };
        for (key, value) in map {
            let field_path = join(path, key);
            if let Some(property) = properties.and_then(|p| p.get(key)) {
                self.check(value, property, &field_path, problems);
            } else if let Some(values) = additional.filter(|a| a.is_object()) {
                self.check(value, values, &field_path, problems);
            } else if closed && !(embedded && ["apiVersion", "kind", "metadata"].contains(&key.as_str())) {
                let known = properties.into_iter().flat_map(|p| p.keys().map(String::as_str));
                let hint = match did_you_mean(key, known) {
                    Some(name) => format!(", did you mean {name:?}?"),
                    None => String::new(),
                };
                problems.push(problem(&field_path, format!("unknown field {key:?}{hint}")));
            }
        }
        for required in schema.get("required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str) {
            if !map.contains_key(required) {
                problems.push(problem(&join(path, required), "required field is missing"));
            }
        }
    }

    fn check_array(&self, items: &[Json], schema: &'a Json, path: &str, problems: &mut Vec<Problem>) {
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(item, item_schema, &index(path, i), problems);
            }
        }
        match schema.get("x-kubernetes-list-type").and_then(Json::as_str) {
            Some("set") => report_duplicates(items.iter().map(|item| Some(item.to_string())), "a duplicate value", path, problems),
            Some("map") => {
                let keys: Vec<&str> = schema
                    .get("x-kubernetes-list-map-keys")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .collect();
                let identity = |item: &Json| -> Option<String> {
                    let parts: Vec<String> = keys.iter().map(|k| item.get(*k).map_or_else(|| "-".to_string(), Json::to_string)).collect();
                    Some(parts.join("/"))
                };
                let message = format!("a duplicate entry (the list is keyed by {})", keys.join(" and "));
                report_duplicates(items.iter().map(identity), &message, path, problems);
            }
            _ => {}
        }
    }
}

fn report_duplicates(identities: impl Iterator<Item = Option<String>>, message: &str, path: &str, problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    for (i, identity) in identities.enumerate() {
        if let Some(identity) = identity
            && !seen.insert(identity)
        {
            problems.push(problem(&index(path, i), message));
        }
    }
}

fn check_bounds(number: f64, schema: &Json, path: &str, problems: &mut Vec<Problem>) {
    let exclusive = |key: &str| schema.get(key) == Some(&Json::Bool(true));
    if let Some(min) = schema.get("minimum").and_then(Json::as_f64) {
        let (low, word) = if exclusive("exclusiveMinimum") { (number <= min, "above") } else { (number < min, "at least") };
        if low {
            problems.push(problem(path, format!("must be {word} {min}, got {number}")));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Json::as_f64) {
        let (high, word) = if exclusive("exclusiveMaximum") { (number >= max, "below") } else { (number > max, "at most") };
        if high {
            problems.push(problem(path, format!("must be {word} {max}, got {number}")));
        }
    }
}

/// int32 fields hold 32 bits on the server: a larger number is refused, not wrapped.
fn check_format(value: &Json, schema: &Json, path: &str, problems: &mut Vec<Problem>) {
    if schema.get("format").and_then(Json::as_str) == Some("int32") {
        let fits = value.as_i64().is_some_and(|i| i32::try_from(i).is_ok());
        if !fits {
            problems.push(problem(path, format!("must fit in 32 bits (int32), got {value}")));
        }
    }
}

fn types(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(list)) => list.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn forms(alternatives: &[Json]) -> String {
    let described: Vec<String> = alternatives
        .iter()
        .filter_map(|a| {
            let required = a.get("required").and_then(Json::as_array)?;
            Some(required.iter().filter_map(Json::as_str).collect::<Vec<_>>().join(" and "))
        })
        .collect();
    if described.len() == alternatives.len() { format!(" (set {})", described.join(", or ")) } else { String::new() }
}

fn article(t: &str) -> String {
    match t {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        other => format!("a {other}"),
    }
}

fn kind_of(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_f64() => "a number",
        Json::Number(_) => "an integer",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

pub fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem { path: path.to_string(), message: message.into() }
}
