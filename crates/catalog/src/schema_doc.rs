//! Reading a kind's JSON schema as documentation: what `lummo explain` prints and the
//! reference pages list, from one walk of the schema.

use serde_json::Value as Json;

/// `node` with its `$ref` followed and an optional value (`anyOf` with `null`) unwrapped.
pub fn resolve<'a>(root: &'a Json, node: &'a Json) -> &'a Json {
    if let Some(target) = node.get("$ref").and_then(Json::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        return resolve(root, &root["$defs"][target]);
    }
    let options = node.get("anyOf").or_else(|| node.get("oneOf")).and_then(Json::as_array);
    match options.map(|o| o.iter().filter(|v| v.get("type") != Some(&Json::from("null"))).collect::<Vec<_>>()) {
        Some(rest) if rest.len() == 1 && node.get("properties").is_none() => resolve(root, rest[0]),
        _ => node,
    }
}

/// A field's type as `kubectl explain` writes one: `string`, `[]object`, `integer or string`.
pub fn type_name(root: &Json, node: &Json) -> String {
    let node = resolve(root, node);
    if let Some(items) = node.get("items") {
        return format!("[]{}", type_name(root, items));
    }
    if node.get("properties").is_some() || node.get("additionalProperties").is_some_and(Json::is_object) {
        return "object".into();
    }
    match node.get("type") {
        Some(Json::String(t)) => t.clone(),
        Some(Json::Array(types)) => types.iter().filter_map(Json::as_str).filter(|t| *t != "null").collect::<Vec<_>>().join(" or "),
        _ if node.get("enum").is_some() || node.get("const").is_some() => "string".into(),
        _ => match node.get("anyOf").or_else(|| node.get("oneOf")).and_then(Json::as_array) {
            Some(options) => options.iter().map(|o| type_name(root, o)).filter(|t| t != "null").collect::<Vec<_>>().join(" or "),
            None => "any".into(),
        },
    }
}

/// The values an enum allows (`enum`, or `oneOf` of constants), as JSON.
pub fn allowed(root: &Json, node: &Json) -> Option<Vec<String>> {
    let node = resolve(root, node);
    if let Some(values) = node.get("enum").and_then(Json::as_array) {
        return Some(values.iter().map(Json::to_string).collect());
    }
    let options = node.get("oneOf").and_then(Json::as_array)?;
    let constants: Vec<String> = options.iter().filter_map(|o| resolve(root, o).get("const").map(Json::to_string)).collect();
    (!constants.is_empty()).then_some(constants)
}

/// One field of an object, as its parent declares it.
pub struct Field<'a> {
    pub name: &'a str,
    /// The declaration (its own description and default), unresolved.
    pub node: &'a Json,
    pub required: bool,
}

impl Field<'_> {
    /// Its description: the field's own, else its type's.
    pub fn description<'b>(&'b self, root: &'b Json) -> Option<&'b str> {
        self.node.get("description").or_else(|| resolve(root, self.node).get("description")).and_then(Json::as_str)
    }

    /// Its default, unless none or empty.
    pub fn default(&self) -> Option<&Json> {
        self.node.get("default").filter(|d| !d.is_null() && *d != &Json::Array(Vec::new()))
    }
}

/// The fields of `node` (of its items, for a list), in declaration order.
pub fn fields<'a>(root: &'a Json, node: &'a Json) -> Vec<Field<'a>> {
    let node = resolve(root, node);
    let object = node.get("items").map_or(node, |items| resolve(root, items));
    let Some(properties) = object.get("properties").and_then(Json::as_object) else { return Vec::new() };
    let required: Vec<&str> =
        object.get("required").and_then(Json::as_array).map(|r| r.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
    properties.iter().map(|(name, node)| Field { name, node, required: required.contains(&name.as_str()) }).collect()
}
