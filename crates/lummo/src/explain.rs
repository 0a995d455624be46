//! `lummo explain KIND[.field.path]`: a field's documentation, type, default and allowed values,
//! and its fields, like `kubectl explain`, read from the same JSON schema the inputs are
//! validated against and editors complete with (the catalog's, made from the input types).

use lummo_catalog::schema_doc::{self, resolve, type_name};
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
        let fields = schema_doc::fields(&root, node);
        let Some(child) = fields.iter().find(|f| f.name == field).map(|f| f.node) else {
            let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
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
    if let Some(values) = schema_doc::allowed(&root, node) {
        out += &format!("\nALLOWED: {}\n", values.join(", "));
    }
    let mut fields = String::new();
    write_fields(&root, node, 1, recursive, &mut fields);
    if !fields.is_empty() {
        out += &format!("\nFIELDS:\n{fields}");
    }
    Ok(out)
}

fn write_fields(root: &Json, node: &Json, depth: usize, recursive: bool, out: &mut String) {
    for field in schema_doc::fields(root, node) {
        let pad = "  ".repeat(depth);
        let mark = if field.required { " -required-" } else { "" };
        out.push_str(&format!("{pad}{} <{}>{mark}\n", field.name, type_name(root, field.node)));
        match recursive {
            true => write_fields(root, field.node, depth + 1, true, out),
            false => {
                if let Some(first) = field.description(root).and_then(|d| d.split("\n\n").next()) {
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
        for field in schema_doc::fields(root, node) {
            let path = format!("{prefix}.{}", field.name);
            out.push(path.clone());
            if depth > 0 {
                paths(root, field.node, &path, depth - 1, out);
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
