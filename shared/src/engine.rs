//! The pipeline engine: functions run one after another on one in-memory [`ResourceList`],
//! with no YAML written and read between them.
//!
//! A step is: find the function's inputs, migrate earlier shapes, generate, replace what the
//! function generated before with the new outputs, decorate, and mark the inputs as local
//! config. `kpt fn render` runs one step per process; `lummo render` runs all of them here.

use k8s_openapi::{Metadata, Resource};
use lummo_kinds::ObjectMeta;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::function::Function;
use crate::input;
use crate::ownership::{self, DECORATED_BY, GENERATED_BY};
use crate::platform::{self, Platform};
use crate::resource_list::{Item, ResourceId, ResourceList, annotations};
use crate::results::Report;
use crate::yaml::Node;

/// Runs one function on `list`. `configs` are its function configs (inputs given apart from
/// the items). On errors, `report` has them and `list` must not be used as output.
pub fn run_step(function: &dyn Function, list: &mut ResourceList, configs: &[Item], report: &mut Report) {
    let about = function.about();
    let _span = tracing::debug_span!("step", function = about.name).entered();
    let checkpoint = report.checkpoint();
    let mut inputs = tracing::debug_span!("inputs").in_scope(|| input::collect(about.kinds, &list.items, configs, report));
    for input in &mut inputs {
        function.migrate(input, report);
    }
    // Generating goes on after errors in the envelopes, so that one run reports every problem;
    // any error stops the step before its outputs are planned.
    let generated = tracing::debug_span!("generate").in_scope(|| function.generate(&inputs, list, report));
    if report.errors_since(checkpoint) {
        return;
    }
    let planned = tracing::debug_span!("plan").in_scope(|| ownership::plan(list, about.name, &inputs, generated, report));
    let Some(new_items) = planned else { return };
    ownership::replace(list, about.name, &inputs, new_items);
    let mut decorator = Decorator::new(list, about.name);
    tracing::debug_span!("decorate").in_scope(|| function.decorate(&inputs, &mut decorator, report));
    // Inputs describe resources; they are never applied themselves.
    let _span = tracing::debug_span!("local-config").entered();
    let ids: HashSet<&ResourceId> = inputs.iter().filter_map(|input| input.item.as_ref()).collect();
    list.set_annotation(&ids, annotations::LOCAL_CONFIG, "true");
}

/// Runs `functions` in order on `list`, stopping at the first that reports an error (as kpt
/// does: later functions would read an incomplete package).
pub fn run_pipeline(functions: &[&dyn Function], list: &mut ResourceList, report: &mut Report) {
    run_pipeline_with_configs(functions, list, &[], report);
}

/// [`run_pipeline`] with function configs beside the items (a process given a config file, or
/// a ResourceList's functionConfig).
/// The run's `LummoPlatform`, if any, is found first: each function gets its settings from it.
pub fn run_pipeline_with_configs(functions: &[&dyn Function], list: &mut ResourceList, configs: &[Item], report: &mut Report) {
    let checkpoint = report.checkpoint();
    let platform = tracing::debug_span!("platform").in_scope(|| platform::find(&list.items, configs, report));
    if report.errors_since(checkpoint) {
        return;
    }
    if let Some(id) = platform.as_ref().and_then(Platform::item) {
        // Like an input, the platform describes; it is never applied.
        list.set_annotation(&HashSet::from([id]), annotations::LOCAL_CONFIG, "true");
    }
    for function in functions {
        let checkpoint = report.checkpoint();
        let configured = platform.as_ref().and_then(|platform| function.with_platform(platform, report));
        if report.errors_since(checkpoint) {
            return;
        }
        run_step(configured.as_deref().unwrap_or(*function), list, configs, report);
        if report.errors_since(checkpoint) {
            return;
        }
    }
}

/// A decorating function's access to the resources: read anything (what an input generated:
/// `resources().by_generating_input()`), edit what a function generated. Every edit is
/// recorded in the `decorated-by` annotation.
pub struct Decorator<'a> {
    list: &'a mut ResourceList,
    function: &'static str,
    /// Where each item is, built on first use (most functions never decorate); items are
    /// neither added nor removed while decorating.
    positions: OnceLock<HashMap<ResourceId, usize>>,
}

impl<'a> Decorator<'a> {
    fn new(list: &'a mut ResourceList, function: &'static str) -> Decorator<'a> {
        Decorator { list, function, positions: OnceLock::new() }
    }

    fn position(&self, id: &ResourceId) -> Option<usize> {
        let positions = self.positions.get_or_init(|| {
            let mut positions = HashMap::with_capacity(self.list.items.len());
            for (position, item) in self.list.items.iter().enumerate() {
                positions.entry(item.id()).or_insert(position);
            }
            positions
        });
        positions.get(id).copied()
    }

    pub fn resources(&self) -> &ResourceList {
        self.list
    }

    /// Decodes the resource `id` as a `T`, lets `edit` change it, and writes it back. Refused
    /// for a resource no function generated, and for one that `T` cannot hold without losing
    /// fields. An edit that changes nothing leaves the item as it was, so decorating twice
    /// equals decorating once.
    pub fn edit<T>(&mut self, id: &ResourceId, edit: impl FnOnce(&mut T)) -> Result<(), String>
    where
        T: Resource + Metadata<Ty = ObjectMeta> + Serialize + DeserializeOwned,
    {
        let function = self.function;
        let Some(position) = self.position(id) else {
            return Err(format!("{id} is not among the resources"));
        };
        let item = &mut self.list.items[position];
        if item.annotation(GENERATED_BY).is_none() {
            return Err(format!("{id} was not generated by a Lummo function, and only generated resources are decorated"));
        }
        let before = item.node().to_json();
        let mut object: T = item.decode()?;
        if let Some(path) = first_difference(&before, &to_json(&object), "") {
            return Err(format!("{id} cannot be edited as a {}: {path} would be lost", T::KIND));
        }
        edit(&mut object);
        let metadata = object.metadata_mut();
        let by = metadata.annotations.get_or_insert_default().entry(DECORATED_BY.to_string()).or_default();
        *by = with_name(by, function);
        let mut after = to_json(&object);
        if ResourceId::of_json(&after) != *id {
            return Err(format!("{id}: a decorator may not change what identifies a resource"));
        }
        if after == before {
            return Ok(());
        }
        if let Some(metadata) = after.get_mut("metadata").and_then(Json::as_object_mut) {
            ownership::order_metadata(metadata);
        }
        *item.node_mut() = Node::from_json_owned(after);
        Ok(())
    }
}

fn to_json<T: Serialize>(object: &T) -> Json {
    serde_json::to_value(object).expect("resource types serialise to JSON")
}

/// `a,c` with `b` → `a,b,c`: the functions that decorated a resource, each once, sorted.
fn with_name(list: &str, name: &str) -> String {
    let mut names: Vec<&str> = list.split(',').filter(|n| !n.is_empty()).collect();
    names.push(name);
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// The first path (`spec.template.x`) where `a` has something that `b` does not have the same.
fn first_difference(a: &Json, b: &Json, path: &str) -> Option<String> {
    let join = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    match (a, b) {
        (Json::Object(a), Json::Object(b)) => a.iter().find_map(|(key, value)| match b.get(key) {
            Some(other) => first_difference(value, other, &join(key)),
            None => Some(join(key)),
        }),
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")))
        }
        (a, b) if a == b => None,
        _ => Some(if path.is_empty() { "the resource".into() } else { path.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decorator_names_are_listed_once_and_sorted() {
        assert_eq!(with_name("", "monitoring"), "monitoring");
        assert_eq!(with_name("scaling", "monitoring"), "monitoring,scaling");
        assert_eq!(with_name("monitoring,scaling", "monitoring"), "monitoring,scaling");
    }

    #[test]
    fn differences_name_the_first_lost_path() {
        let a = serde_json::json!({"spec": {"x": 1, "list": [{"a": 1}, {"b": 2}]}});
        assert_eq!(first_difference(&a, &a, ""), None);
        let b = serde_json::json!({"spec": {"x": 1, "list": [{"a": 1}, {}]}});
        assert_eq!(first_difference(&a, &b, "").as_deref(), Some("spec.list[1].b"));
    }
}
