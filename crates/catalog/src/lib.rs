//! The catalog: every Lummo function, in the canonical pipeline order. A function's `About` is
//! its declaration (the kinds it reads, with their spec types; the kinds it generates; the
//! functions whose outputs it needs); everything that lists functions or kinds derives from
//! this list and those declarations. Adding a function is its crate and one line here.

pub mod crd;
pub mod schema_doc;

use lummo_krm::Function;
use lummo_krm::input::{API_VERSION, InputKind};
use serde_json::{Value as Json, json};

/// The functions in pipeline order: each after the functions it needs (a test checks it).
pub fn functions() -> Vec<Box<dyn Function>> {
    vec![
        Box::new(workloads::Workloads::default()),
        Box::new(scaling::Scaling::default()),
        Box::new(monitoring::Monitoring::default()),
        Box::new(networking::Networking::default()),
        Box::new(pgbouncer::Pgbouncer::default()),
        Box::new(pubsub::Pubsub::default()),
    ]
}

/// The function called `name`.
pub fn find(name: &str) -> Option<Box<dyn Function>> {
    functions().into_iter().find(|f| f.about().name == name)
}

pub fn names() -> Vec<&'static str> {
    functions().iter().map(|f| f.about().name).collect()
}

/// Every function that reads `kind` (or an earlier name of it), in pipeline order: what a
/// kustomize plugin for that kind runs (a LummoDeployment: workloads, scaling, monitoring).
pub fn for_kind(kind: &str) -> Vec<Box<dyn Function>> {
    let reads = |f: &dyn Function| f.about().kinds.iter().any(|k| k.kind == kind || k.legacy_names.contains(&kind));
    functions().into_iter().filter(|f| reads(f.as_ref())).collect()
}

/// The input kinds functions own (not those they only read), each once, in pipeline order.
pub fn owned_kinds() -> Vec<&'static InputKind> {
    functions().iter().flat_map(|f| f.about().kinds.iter().filter(|k| !k.read_only)).collect()
}

/// The Lummo group (every kind, earlier names included), as the functions name it.
pub fn lummo_kinds_group() -> &'static lummo_krm::input::Group {
    workloads::ABOUT.group
}

/// The names of the owned kinds, earlier names included: the kinds a kustomize plugin is
/// installed for.
pub fn owned_kind_names() -> Vec<&'static str> {
    owned_kinds().into_iter().flat_map(|k| std::iter::once(k.kind).chain(k.legacy_names.iter().copied())).collect()
}

/// A whole resource of `kind`: the envelope, and the spec's schema (its definitions at the
/// root, where its references point).
pub fn resource_schema(kind: &str, legacy_names: &[&str], spec: schemars::Schema) -> Json {
    let mut spec = spec.to_value();
    let definitions = spec.as_object_mut().and_then(|s| s.remove("$defs")).unwrap_or_else(|| json!({}));
    if let Some(spec) = spec.as_object_mut() {
        spec.remove("$schema");
        spec.remove("title");
    }
    let kinds: Vec<&str> = std::iter::once(kind).chain(legacy_names.iter().copied()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": kind,
        "description": format!("A {kind} input of the Lummo KRM functions ({API_VERSION}); local config, never applied."),
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": false,
        "properties": {
            "apiVersion": {"const": API_VERSION},
            "kind": {"enum": kinds},
            "metadata": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": false,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 253},
                    "namespace": {"type": "string", "maxLength": 63},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "annotations": {"type": "object", "additionalProperties": {"type": "string"}}
                }
            },
            "spec": spec
        },
        "$defs": definitions
    })
}

/// The whole resource schema of a Lummo kind (an owned input kind, or the platform's), by its
/// name or an earlier one.
pub fn kind_schema(kind: &str) -> Option<(&'static str, Json)> {
    if kind == lummo_krm::platform::KIND {
        return Some((lummo_krm::platform::KIND, resource_schema(kind, &[], schemars::schema_for!(lummo_platform::PlatformSpec))));
    }
    let found = owned_kinds().into_iter().find(|k| k.kind == kind || k.legacy_names.contains(&kind))?;
    Some((found.kind, resource_schema(found.kind, found.legacy_names, (found.spec_schema?)())))
}

/// The names of every kind [`kind_schema`] knows.
pub fn schema_kinds() -> Vec<&'static str> {
    owned_kinds().into_iter().map(|k| k.kind).chain([lummo_krm::platform::KIND]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A function runs after every function whose outputs it needs, and needs only functions
    /// of the catalog.
    #[test]
    fn each_function_runs_after_those_it_needs() {
        let names = names();
        for (position, name) in names.iter().enumerate() {
            let about = find(name).unwrap().about();
            for needed in about.needs {
                let at = names.iter().position(|n| n == needed).unwrap_or_else(|| panic!("{name} needs {needed}, no function"));
                assert!(at < position, "{name} needs {needed}, which runs after it");
            }
        }
    }

    /// Every kind a function generates has a schema `lummo validate` checks it against: a new
    /// kind needs its CRD vendored (crates/validate/vendor/SOURCES.md) before it ships.
    #[test]
    fn every_generated_kind_has_a_schema_to_validate_against() {
        let known = lummo_validate::known_kinds();
        for function in functions() {
            for kind in function.about().generates {
                assert!(known.iter().any(|k| k.rsplit('/').next() == Some(kind)), "{}: no schema for {kind}", function.about().name);
            }
        }
    }

    /// Every function names one group, whose kinds (every function knows them, to refuse a
    /// misspelt one) are exactly the catalog's, earlier names included, and the platform's.
    #[test]
    fn the_known_lummo_kinds_are_the_catalogs() {
        for function in functions() {
            assert!(std::ptr::eq(function.about().group, lummo_kinds_group()), "{} names another group", function.about().name);
        }
        let mut known: Vec<&str> = lummo_kinds_group().kinds.to_vec();
        let mut declared: Vec<&str> = owned_kind_names();
        declared.push(lummo_krm::platform::KIND);
        known.sort_unstable();
        declared.sort_unstable();
        assert_eq!(known, declared);
    }

    /// Every kind a function owns publishes the schema of its spec; every kind read only is
    /// owned by another function.
    #[test]
    fn every_owned_kind_has_a_spec_type_and_every_read_kind_an_owner() {
        for kind in owned_kinds() {
            assert!(kind.spec_schema.is_some(), "{} has no spec type", kind.kind);
        }
        let owned: Vec<&str> = owned_kinds().iter().map(|k| k.kind).collect();
        for function in functions() {
            for kind in function.about().kinds.iter().filter(|k| k.read_only) {
                assert!(owned.contains(&kind.kind), "{} reads {}, which no function owns", function.about().name, kind.kind);
            }
        }
    }

    /// What cannot be derived from this list in code (Cargo manifests, the automation, which
    /// builds without the functions) names every function of it: a fuzz target each, in the
    /// fuzz crate and in `cargo xtask fuzz`, and a crate under `functions/`.
    #[test]
    fn the_fuzz_targets_and_the_function_folders_are_the_catalogs() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let (fuzz, xtask) = (read("fuzz/Cargo.toml"), read("xtask/src/fuzz.rs"));
        let mut folders: Vec<String> =
            std::fs::read_dir(root.join("functions")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        folders.sort();
        let mut names: Vec<String> = names().into_iter().map(String::from).collect();
        names.sort();
        assert_eq!(folders, names, "functions/ holds exactly the catalog's functions");
        for name in names {
            assert!(fuzz.contains(&format!("name = \"{name}\"")), "fuzz/Cargo.toml has no target {name}");
            assert!(xtask.contains(&format!("(\"{name}\", Some(\"{name}\"))")), "cargo xtask fuzz does not run {name}");
        }
    }
}
