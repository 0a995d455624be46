//! The schemas in `schemas/` and the functions agree, checked with an independent JSON Schema
//! validator (the `jsonschema` crate), over every golden input and every input of an example
//! package (a kustomize base holds incomplete inputs by design, and is left out):
//! - an input a function renders without an error passes its kind's schema, unless the function
//!   warned that it is written in an earlier form (those are accepted and rewritten);
//! - an input a function refuses with a problem a JSON Schema states (an unknown field, a wrong
//!   type, a missing field, a value not allowed) fails its kind's schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lummo_krm::{Item, ResourceList};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validators() -> BTreeMap<&'static str, jsonschema::Validator> {
    lummo_catalog::schema_kinds()
        .into_iter()
        .map(|kind| {
            let (kind, schema) = lummo_catalog::kind_schema(kind).unwrap();
            (kind, jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{kind}: {e}")))
        })
        .collect()
}

/// The Lummo inputs among `items`, written in the current group and kind names.
fn inputs(items: &[Item]) -> Vec<&Item> {
    let kinds = lummo_catalog::schema_kinds();
    items.iter().filter(|i| i.api_version() == lummo_krm::input::API_VERSION && kinds.contains(&i.kind())).collect()
}

/// The problems a JSON Schema states, as the schema check words them (`shared/src/schema.rs`):
/// an unknown field, a wrong type or value, a missing field. (A rule's parse error also says
/// "expected", at a character of the rule: that is no schema's business.)
fn schema_expressible(line: &str) -> bool {
    let message = line.rsplit(": ").next().unwrap_or_default();
    let typed = message.starts_with("expected ") && message.contains(", got ") && !line.contains("at character");
    typed || message.starts_with("unknown field") || line.ends_with(": required field is missing")
}

struct Case {
    name: String,
    items: Vec<Item>,
    stderr: String,
}

fn golden_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for function in lummo_catalog::names() {
        let dir = repo().join("functions").join(function).join("tests/golden");
        for case in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            let mut bytes = std::fs::read(case.join("input.yaml")).unwrap_or_default();
            if let Ok(config) = std::fs::read(case.join("config.yaml")) {
                bytes.extend_from_slice(b"\n---\n");
                bytes.extend(config);
            }
            let Ok(list) = ResourceList::read(bytes) else { continue };
            let mut items = list.items;
            items.extend(list.function_config);
            let stderr = std::fs::read_to_string(case.join("stderr.txt")).unwrap_or_default();
            cases.push(Case { name: format!("{function}/{}", case.file_name().unwrap().to_string_lossy()), items, stderr });
        }
    }
    cases
}

#[test]
fn schemas_and_functions_agree_on_every_golden_input() {
    let validators = validators();
    let (mut accepted, mut refused, mut mismatches) = (0, 0, Vec::new());
    for case in golden_cases() {
        for item in inputs(&case.items) {
            let who = format!("{}/{}", item.kind(), item.name());
            let lines: Vec<&str> =
                case.stderr.lines().filter(|l| l.contains(&format!(" {who}: ")) || l.contains(&format!(": {who}: "))).collect();
            let errors: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("error: ")).collect();
            let earlier = lines.iter().any(|l| l.contains("earlier"));
            let valid = validators[item.kind()].is_valid(&item.node().to_json());
            if errors.is_empty() && !earlier && !case.stderr.starts_with("exit code: 1") {
                if !valid {
                    let why: Vec<String> = validators[item.kind()].iter_errors(&item.node().to_json()).map(|e| e.to_string()).collect();
                    mismatches.push(format!("{}: {who} renders, but its schema refuses it: {why:?}", case.name));
                }
                accepted += 1;
            }
            if let Some(error) = errors.iter().find(|l| schema_expressible(l)) {
                if valid {
                    mismatches.push(format!("{}: {who} is refused ({error}), but its schema accepts it", case.name));
                }
                refused += 1;
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {} inputs disagree:\n{}", mismatches.len(), accepted + refused, mismatches.join("\n"));
    assert!(accepted > 50 && refused >= 8, "{accepted} accepted, {refused} refused inputs compared");
}

#[test]
fn every_example_input_passes_its_schema() {
    let validators = validators();
    let mut checked = 0;
    let mut stack = vec![repo().join("Kptfile.examples")];
    while let Some(dir) = stack.pop() {
        for path in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") && dir.join("Kptfile").exists() {
                let Ok(list) = ResourceList::read(std::fs::read(&path).unwrap()) else { continue };
                for item in inputs(&list.items) {
                    let json = item.node().to_json();
                    let errors: Vec<String> = validators[item.kind()].iter_errors(&json).map(|e| e.to_string()).collect();
                    assert!(errors.is_empty(), "{}: {}/{}: {errors:?}", path.display(), item.kind(), item.name());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 12, "{checked} example inputs");
}
