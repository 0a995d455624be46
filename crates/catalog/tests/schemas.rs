//! `schemas/<kind>.json`: the JSON Schema of every Lummo kind, generated from the input types
//! (their doc comments are the descriptions), and `schemas/lummo.json`, which takes a file of
//! any Lummo kinds beside other resources: what editors (yaml-language-server) and validators
//! read. `BLESS=1` (or `cargo xtask schemas`) rewrites them; this test fails when one is stale.

use std::path::{Path, PathBuf};

use lummo_krm::input::{API_VERSION, InputKind};
use serde_json::{Value as Json, json};

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

/// Every schema the catalog declares, by file name: one per owned kind, the platform's, and
/// the one for files of several kinds.
fn schemas() -> Vec<(String, Json)> {
    let mut schemas: Vec<(String, Json)> = lummo_catalog::owned_kinds()
        .into_iter()
        .map(|kind: &InputKind| {
            let spec = (kind.spec_schema.expect("the catalog's test checks every owned kind has one"))();
            (kind.kind.to_string(), lummo_catalog::resource_schema(kind.kind, kind.legacy_names, spec))
        })
        .collect();
    let platform = schemars::schema_for!(lummo_platform::PlatformSpec);
    schemas.push((lummo_platform::KIND.to_string(), lummo_catalog::resource_schema(lummo_platform::KIND, &[], platform)));
    let branches: Vec<Json> = schemas
        .iter()
        .map(|(kind, _)| {
            let lummo_kind =
                json!({"required": ["apiVersion", "kind"], "properties": {"apiVersion": {"const": API_VERSION}, "kind": {"const": kind}}});
            // Beside the file that holds it: an editor resolves it from the modeline's path.
            json!({"if": lummo_kind, "then": {"$ref": format!("{kind}.json")}})
        })
        .collect();
    let any = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Lummo inputs",
        "description": "A resource of a package: a Lummo input (apiVersion krm.lummo.com/v1) is checked against its kind's schema; any other resource passes.",
        "type": "object",
        "allOf": branches
    });
    schemas.push(("lummo".to_string(), any));
    schemas
}

#[test]
fn schemas_are_current() {
    let files = schemas().into_iter().map(|(name, schema)| (format!("{name}.json"), serde_json::to_string_pretty(&schema).unwrap() + "\n"));
    let stale = lummo_testing::check_generated(&schemas_dir(), files.collect());
    assert!(stale.is_empty(), "stale schemas (regenerate with cargo xtask schemas, review the diff): {stale:?}");
}

/// `schemas/crds/<kind>.yaml`: a CRD per kind (`lummo_catalog::crd`), current, and valid as
/// Kubernetes reads a CustomResourceDefinition.
#[test]
fn crds_are_current_and_valid() {
    let dir = schemas_dir().join("crds");
    let mut files = Vec::new();
    for kind in lummo_catalog::schema_kinds() {
        let (kind, schema) = lummo_catalog::kind_schema(kind).unwrap();
        let text = lummo_krm::yaml::to_yaml(&lummo_catalog::crd::crd(kind, &schema)).unwrap();
        assert!(!text.contains("$ref") && !text.contains("\"null\""), "{kind}: not structural");
        files.push((format!("{kind}.yaml"), text));
    }
    let stale = lummo_testing::check_generated(&dir, files);
    assert!(stale.is_empty(), "stale CRDs (regenerate with cargo xtask schemas, review the diff): {stale:?}");
    lummo_testing::validate_dir(&dir);
}
