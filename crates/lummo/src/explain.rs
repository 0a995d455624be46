//! `lummo explain KIND[.field.path]`: a field's documentation, type, default and allowed values,
//! and its fields, like `kubectl explain`, read from the same JSON schema the inputs are
//! validated against and editors complete with (the catalog's, made from the input types).

use serde_json::Value as Json;

/// What `explain` prints for `path` (`LummoNetworking.spec.routes`), or why it cannot.
pub fn explain(path: &str, recursive: bool) -> Result<String, String> {
    let mut parts = path.split('.');
    let asked = parts.next().unwrap_or_default();
    let Some((kind, root)) = lummo_catalog::kind_schema(asked) else {
        let kinds = lummo_catalog::schema_kinds();
        let hint =
            lummo_krm::schema::did_you_mean(asked, kinds.iter().copied()).map_or(String::new(), |k| format!(", did you mean {k:?}?"));
        return Err(format!("{asked:?} is not a Lummo kind{hint} (the kinds: {})", kinds.join(", ")));
    };
    // The field as its parent declares it (its own description and default), and its type.
    let (mut declared, mut node) = (&root, resolve(&root, &root));
    let mut walked = Vec::new();
    for field in parts {
        let fields = object_of(&root, node).and_then(|o| o.get("properties")).and_then(Json::as_object);
        let Some(child) = fields.and_then(|f| f.get(field)) else {
            let known: Vec<&str> = fields.map(|f| f.keys().map(String::as_str).collect()).unwrap_or_default();
            let at = if walked.is_empty() { kind.to_string() } else { format!("{kind}.{}", walked.join(".")) };
            let hint =
                lummo_krm::schema::did_you_mean(field, known.iter().copied()).map_or(String::new(), |f| format!(", did you mean {f:?}?"));
            return Err(format!("{at} has no field {field:?}{hint} (its fields: {})", known.join(", ")));
        };
        walked.push(field);
        (declared, node) = (child, resolve(&root, child));
    }
    let mut out = format!("KIND:     {kind}\n");
    if !walked.is_empty() {
        out += &format!("FIELD:    {} <{}>\n", walked.last().unwrap_or(&""), type_name(&root, node));
    }
    if let Some(description) = declared.get("description").or_else(|| node.get("description")).and_then(Json::as_str) {
        out += &format!("\nDESCRIPTION:\n{}\n", indent(description, 2));
    }
    for (label, key) in [("DEFAULT", "default"), ("VALUE", "const")] {
        if let Some(value) = declared.get(key).or_else(|| node.get(key)).filter(|v| !v.is_null()) {
            out += &format!("\n{label}: {value}\n");
        }
    }
    if let Some(values) = allowed(&root, node) {
        out += &format!("\nALLOWED: {}\n", values.join(", "));
    }
    let mut fields = String::new();
    write_fields(&root, node, 1, recursive, &mut fields);
    if !fields.is_empty() {
        out += &format!("\nFIELDS:\n{fields}");
    }
    Ok(out)
}

/// `node` with its `$ref` followed and an optional value (`anyOf` with `null`) unwrapped.
fn resolve<'a>(root: &'a Json, node: &'a Json) -> &'a Json {
    if let Some(target) = node.get("$ref").and_then(Json::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        return resolve(root, &root["$defs"][target]);
    }
    let options = node.get("anyOf").or_else(|| node.get("oneOf")).and_then(Json::as_array);
    match options.map(|o| o.iter().filter(|v| v.get("type") != Some(&Json::from("null"))).collect::<Vec<_>>()) {
        Some(rest) if rest.len() == 1 && node.get("properties").is_none() => {
            // Keep the field's own description and default over the referenced type's.
            resolve(root, rest[0])
        }
        _ => node,
    }
}

/// The object whose fields a path continues into: the node itself, or its items for a list.
fn object_of<'a>(root: &'a Json, node: &'a Json) -> Option<&'a serde_json::Map<String, Json>> {
    match node.get("items") {
        Some(items) => resolve(root, items).as_object(),
        None => node.as_object(),
    }
}

fn type_name(root: &Json, node: &Json) -> String {
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

/// The values an enum allows (`enum`, or `oneOf` of constants).
fn allowed(root: &Json, node: &Json) -> Option<Vec<String>> {
    if let Some(values) = node.get("enum").and_then(Json::as_array) {
        return Some(values.iter().map(Json::to_string).collect());
    }
    let options = node.get("oneOf").and_then(Json::as_array)?;
    let constants: Vec<String> = options.iter().filter_map(|o| resolve(root, o).get("const").map(Json::to_string)).collect();
    (!constants.is_empty()).then_some(constants)
}

fn write_fields(root: &Json, node: &Json, depth: usize, recursive: bool, out: &mut String) {
    let Some(object) = object_of(root, node) else { return };
    let Some(fields) = object.get("properties").and_then(Json::as_object) else { return };
    let required: Vec<&str> =
        object.get("required").and_then(Json::as_array).map(|r| r.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
    for (name, field) in fields {
        let pad = "  ".repeat(depth);
        let mark = if required.contains(&name.as_str()) { " -required-" } else { "" };
        out.push_str(&format!("{pad}{name} <{}>{mark}\n", type_name(root, field)));
        match recursive {
            true => write_fields(root, resolve(root, field), depth + 1, true, out),
            false => {
                let description = field.get("description").or_else(|| resolve(root, field).get("description"));
                if let Some(first) = description.and_then(Json::as_str).and_then(|d| d.split("\n\n").next()) {
                    out.push_str(&indent(&first.replace('\n', " "), 2 * depth + 2));
                    out.push('\n');
                }
            }
        }
    }
}

fn indent(text: &str, spaces: usize) -> String {
    text.lines().map(|line| format!("{}{line}", " ".repeat(spaces))).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field path of a schema, to the depth given.
    fn paths(root: &Json, node: &Json, prefix: &str, depth: usize, out: &mut Vec<String>) {
        let Some(fields) = object_of(root, resolve(root, node)).and_then(|o| o.get("properties")).and_then(Json::as_object) else { return };
        for (name, field) in fields {
            let path = format!("{prefix}.{name}");
            out.push(path.clone());
            if depth > 0 {
                paths(root, field, &path, depth - 1, out);
            }
        }
    }

    #[test]
    fn every_field_of_every_kind_is_explained() {
        let mut count = 0;
        for kind in lummo_catalog::schema_kinds() {
            let (_, root) = lummo_catalog::kind_schema(kind).unwrap();
            let mut all = vec![kind.to_string()];
            paths(&root, &root, kind, 8, &mut all);
            for path in all {
                let text = explain(&path, false).unwrap_or_else(|e| panic!("{path}: {e}"));
                assert!(text.starts_with(&format!("KIND:     {kind}\n")), "{path}");
                count += 1;
            }
            assert!(explain(kind, true).unwrap().contains("spec <object> -required-"));
        }
        assert!(count > 200, "{count} paths");
        assert!(explain("LummoDeployment.spec.contaners", false).unwrap_err().contains("did you mean \"containers\"?"));
        assert!(explain("LummoDeploymnt", false).unwrap_err().contains("did you mean \"LummoDeployment\"?"));
    }
}
