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
use crate::resource_list::{Format, Item, ResourceId, ResourceList, annotations};
use crate::results::{FileRef, Report, Severity};
use crate::yaml::Node;

/// The annotations of ownership, declared with the other annotations an item carries.
pub use crate::resource_list::annotations::{DECORATED_BY, GENERATED_BY, GENERATED_FROM};

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

/// The file of a new resource: that of the item it replaces, or a file named after it next to
/// its input.
fn new_file(previous: Option<&Item>, input: &Input, kind: &str, name: &str) -> Option<FileRef> {
    if let Some(file) = previous.and_then(Item::file) {
        return Some(file);
    }
    let file = input.file.as_ref()?;
    let dir = file.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let file_name = crate::files::resource_file_name(&kind.to_lowercase(), name);
    let path = if dir.is_empty() { file_name } else { format!("{dir}/{file_name}") };
    Some(FileRef { path, index: Some(0) })
}

/// The annotations through which kpt writes an item into its file: those the item it replaces
/// had, or all four for a new file.
fn file_annotations(previous: Option<&Item>, file: &FileRef) -> Vec<(&'static str, String)> {
    use annotations::*;
    let keys = [PATH, INDEX, INTERNAL_PATH, INTERNAL_INDEX];
    if let Some(previous) = previous {
        return keys.into_iter().filter_map(|key| previous.annotation(key).map(|v| (key, v.to_string()))).collect();
    }
    let index = file.index.unwrap_or(0).to_string();
    vec![(PATH, file.path.clone()), (INDEX, index.clone()), (INTERNAL_PATH, file.path.clone()), (INTERNAL_INDEX, index)]
}

/// Puts identity first and annotations last, the order people read metadata in.
pub fn order_metadata(metadata: &mut Map<String, Json>) {
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
    let previous: HashMap<ResourceId, &Item> = list.items.iter().filter(|i| owned(i)).map(|i| (i.id(), i)).collect();
    let foreign: HashMap<ResourceId, &Item> = list.items.iter().filter(|i| !owned(i)).map(|i| (i.id(), i)).collect();

    // Several inputs may need the same object (two workloads reading one Vault secret):
    // identical copies are one resource, made by the first; different ones clash.
    let mut kept: Vec<(ResourceId, usize, Json)> = Vec::with_capacity(generated.len());
    let mut seen: HashMap<ResourceId, usize> = HashMap::with_capacity(generated.len());
    for Generated { input: index, object } in generated {
        let input = &inputs[index];
        let identity = ResourceId::of_json(&object);
        let what = || format!("{}/{}", identity.kind, identity.name);
        if let Some(item) = foreign.get(&identity) {
            let place = item.file().map(|f| format!(" in {}", f.path)).unwrap_or_default();
            report.push(input.result(
                Severity::Error,
                "",
                format!("would replace {}{place}, which it did not generate: remove or rename one of the two", what()),
            ));
        } else if let Some(&first) = seen.get(&identity) {
            let (_, other, first) = &kept[first];
            if *first != object {
                report.push(input.result(
                    Severity::Error,
                    "",
                    format!("generates {}, which {} generates differently", what(), inputs[*other].id()),
                ));
            }
        } else {
            seen.insert(identity.clone(), kept.len());
            kept.push((identity, index, object));
        }
    }
    warn_same_name_other_group(&foreign, &kept, inputs, report);
    if report.has_errors() {
        return None;
    }
    let items = kept.into_iter().map(|(identity, index, object)| {
        let previous = previous.get(&identity).copied();
        owned_item(list.format, function, &inputs[index], previous, &identity, object)
    });
    Some(items.collect())
}

/// A resource of the same kind and name as a generated one but of another API group (the old
/// `traefik.containo.us` IngressRoute beside the new `traefik.io` one) is not replaced, and
/// the controller would serve both: a warning says so.
fn warn_same_name_other_group(
    foreign: &HashMap<ResourceId, &Item>,
    kept: &[(ResourceId, usize, Json)],
    inputs: &[Input],
    report: &mut Report,
) {
    let mut by_name: HashMap<(&str, &str, &str), Vec<&Item>> = HashMap::new();
    for (id, item) in foreign {
        by_name.entry((id.kind.as_str(), id.namespace.as_str(), id.name.as_str())).or_default().push(item);
    }
    for (identity, index, _) in kept {
        let same_name = by_name.get(&(identity.kind.as_str(), identity.namespace.as_str(), identity.name.as_str()));
        for item in same_name.into_iter().flatten().filter(|item| item.id().group != identity.group) {
            let place = item.file().map(|f| format!(" in {}", f.path)).unwrap_or_default();
            let (kind, name, group, other) = (&identity.kind, &identity.name, &identity.group, item.api_version());
            let message = format!(
                "generates {kind}/{name} ({group}), and the {other} {kind}{place} has that name too: both would be served; remove the old one"
            );
            report.push(inputs[*index].result(Severity::Warning, "", message));
        }
    }
}

/// A generated object as an item: annotated with its function, its input and (for kpt) its
/// file, metadata in reading order.
fn owned_item(format: Format, function: &str, input: &Input, previous: Option<&Item>, identity: &ResourceId, mut object: Json) -> Item {
    let mut annotations: Map<String, Json> = Map::new();
    annotations.insert(GENERATED_BY.into(), json!(function));
    annotations.insert(GENERATED_FROM.into(), json!(input.id()));
    let file = new_file(previous, input, &identity.kind, &identity.name);
    if let Some(file) = file.as_ref().filter(|_| format == Format::ResourceList) {
        for (key, value) in file_annotations(previous, file) {
            annotations.insert(key.into(), json!(value));
        }
    }
    let metadata = object.get_mut("metadata").and_then(Json::as_object_mut).expect("generated objects have metadata");
    let existing = metadata.entry("annotations").or_insert_with(|| json!({}));
    existing.as_object_mut().expect("annotations are a map").extend(annotations);
    order_metadata(metadata);
    let mut item = Item::rendered(Node::from_json_owned(object));
    if let Some(file) = file {
        item.set_origin(file);
    }
    item
}

/// Drops what `function` generated before and adds `new_items`. When every input is an item
/// (kpt, lummo), everything the function generated goes, so that removing an input removes its
/// outputs. When an input came only as a function config (a kustomize plugin runs once per
/// input, with the others' outputs among its items), only the outputs of these inputs go.
pub fn replace(list: &mut ResourceList, function: &str, inputs: &[Input], new_items: Vec<Item>) {
    let scoped = inputs.iter().any(|input| input.item.is_none());
    let ids: std::collections::HashSet<String> = inputs.iter().map(Input::id).collect();
    // An object another input made before and this one makes again (a shared Vault secret) is
    // replaced too, not repeated.
    let remade: std::collections::HashSet<ResourceId> = new_items.iter().map(Item::id).collect();
    list.items.retain(|item| {
        let own = item.annotation(GENERATED_BY) == Some(function);
        let from_these = item.annotation(GENERATED_FROM).is_some_and(|from| ids.contains(from));
        !own || (scoped && !from_these && !remade.contains(&item.id()))
    });
    list.items.extend(new_items);
}
