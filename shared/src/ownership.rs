//! What a function owns, and replacing it on every run.
//!
//! Everything a function generates carries two annotations: which function made it and from
//! which input. On each run the function drops every item it made before and adds what the
//! current inputs produce, so re-running replaces, and removing an input or a route removes what
//! it generated. Items without the function's annotation are never touched; generating a
//! resource that would take the place of one of those is an error.

use std::collections::HashMap;

use serde_json::{Map, Value as Json, json};

use crate::input::Input;
use crate::resource_list::{Format, Item, ResourceList, annotations};
use crate::results::{Report, Severity};
use crate::yaml::Node;

/// Names the function that generated a resource.
pub const GENERATED_BY: &str = "krm.lummo.com/generated-by";
/// Names the input a resource was generated from, as `Kind/name` or `Kind/namespace/name`.
pub const GENERATED_FROM: &str = "krm.lummo.com/generated-from";

/// A resource built from one input.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Index of the input in the slice given to the function.
    pub input: usize,
    pub object: Json,
}

impl Generated {
    pub fn new<T: serde::Serialize>(input: usize, object: &T) -> Generated {
        let object = serde_json::to_value(object).expect("output types serialise to JSON");
        Generated { input, object }
    }
}

/// What makes two resources the same object in a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Identity {
    group: String,
    kind: String,
    namespace: String,
    name: String,
}

impl Identity {
    fn of(api_version: &str, kind: &str, namespace: &str, name: &str) -> Identity {
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        Identity { group: group.into(), kind: kind.into(), namespace: namespace.into(), name: name.into() }
    }

    fn of_item(item: &Item) -> Identity {
        Identity::of(item.api_version(), item.kind(), item.namespace(), item.name())
    }

    fn of_json(object: &Json) -> Identity {
        let s = |pointer: &str| object.pointer(pointer).and_then(Json::as_str).unwrap_or_default();
        Identity::of(s("/apiVersion"), s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
    }
}

/// The file annotations to give a new resource: those of the item it replaces, or a file named
/// after it next to its input.
fn file_annotations(previous: Option<&Item>, input: &Input, kind: &str, name: &str) -> Vec<(&'static str, String)> {
    use annotations::*;
    if let Some(previous) = previous {
        return [PATH, INDEX, INTERNAL_PATH, INTERNAL_INDEX]
            .into_iter()
            .filter_map(|key| previous.annotation(key).map(|v| (key, v.to_string())))
            .collect();
    }
    let Some(file) = &input.file else { return Vec::new() };
    let dir = file.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let file_name = format!("{}_{}.yaml", kind.to_lowercase(), name);
    let path = if dir.is_empty() { file_name } else { format!("{dir}/{file_name}") };
    vec![(PATH, path.clone()), (INDEX, "0".into()), (INTERNAL_PATH, path), (INTERNAL_INDEX, "0".into())]
}

/// Puts identity first and annotations last, the order people read metadata in.
fn order_metadata(metadata: &mut Map<String, Json>) {
    const ORDER: [&str; 4] = ["name", "namespace", "labels", "annotations"];
    let mut rest = std::mem::take(metadata);
    for key in ORDER {
        if let Some(value) = rest.remove(key) {
            metadata.insert(key.into(), value);
        }
    }
    metadata.extend(rest);
}

/// The items that will replace what `function` generated before, or `None` when one of them
/// would clash with a resource the function does not own (each clash reported as an error).
pub fn plan(list: &ResourceList, function: &str, inputs: &[Input], generated: Vec<Generated>, report: &mut Report) -> Option<Vec<Item>> {
    let owned = |item: &Item| item.annotation(GENERATED_BY) == Some(function);
    let previous: HashMap<Identity, &Item> = list.items.iter().filter(|i| owned(i)).map(|i| (Identity::of_item(i), i)).collect();
    let foreign: HashMap<Identity, &Item> = list.items.iter().filter(|i| !owned(i)).map(|i| (Identity::of_item(i), i)).collect();

    let mut seen: HashMap<Identity, (usize, Json)> = HashMap::new();
    let mut new_items = Vec::with_capacity(generated.len());
    for Generated { input: index, mut object } in generated {
        let input = &inputs[index];
        let identity = Identity::of_json(&object);
        let what = format!("{}/{}", identity.kind, identity.name);
        if let Some(item) = foreign.get(&identity) {
            let place = item.file().map(|f| format!(" in {}", f.path)).unwrap_or_default();
            report.push(input.result(
                Severity::Error,
                "",
                format!("would replace {what}{place}, which it did not generate: remove or rename one of the two"),
            ));
            continue;
        }
        // Several inputs may need the same object (two workloads reading one Vault secret):
        // identical copies are one resource, made by the first; different ones clash.
        if let Some((other, first)) = seen.get(&identity) {
            if *first != object {
                report.push(input.result(
                    Severity::Error,
                    "",
                    format!("generates {what}, which {} generates differently", inputs[*other].id()),
                ));
            }
            continue;
        }
        seen.insert(identity.clone(), (index, object.clone()));
        let mut annotations: Map<String, Json> = Map::new();
        annotations.insert(GENERATED_BY.into(), json!(function));
        annotations.insert(GENERATED_FROM.into(), json!(input.id()));
        if list.format == Format::ResourceList {
            for (key, value) in file_annotations(previous.get(&identity).copied(), input, &identity.kind, &identity.name) {
                annotations.insert(key.into(), json!(value));
            }
        }
        let metadata = object.get_mut("metadata").and_then(Json::as_object_mut).expect("generated objects have metadata");
        let existing = metadata.entry("annotations").or_insert_with(|| json!({}));
        existing.as_object_mut().expect("annotations are a map").extend(annotations);
        order_metadata(metadata);
        new_items.push(Item::rendered(Node::from_json(&object)));
    }
    (!report.has_errors()).then_some(new_items)
}

/// Drops what `function` generated before and adds `new_items`. Item indices change here, so
/// every edit by index comes before.
pub fn replace(list: &mut ResourceList, function: &str, new_items: Vec<Item>) {
    list.items.retain(|item| item.annotation(GENERATED_BY) != Some(function));
    list.items.extend(new_items);
}
