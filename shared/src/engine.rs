//! The pipeline engine: functions run one after another on one in-memory [`ResourceList`],
//! with no YAML written and read between them.
//!
//! A step is: find the function's inputs, migrate earlier shapes, generate, apply the inputs'
//! `patches`, replace what the function generated before with the new outputs, decorate, and
//! mark the inputs as local config. `kpt fn render` runs one step per process; `lummo render` runs all of them here.

use std::collections::HashSet;

use crate::decorator::Decorator;
use crate::function::Function;
use crate::input;
use crate::ownership;
use crate::patch;
use crate::platform::{self, Platform};
use crate::resource_list::{Item, ResourceId, ResourceList, annotations};
use crate::results::Report;

/// Runs one function on `list`. `configs` are its function configs (inputs given apart from
/// the items). On errors, `report` has them and `list` must not be used as output.
pub fn run_step(function: &dyn Function, list: &mut ResourceList, configs: &[Item], report: &mut Report) {
    let about = function.about();
    let _span = tracing::debug_span!("step", function = about.name).entered();
    let checkpoint = report.checkpoint();
    let mut inputs = tracing::debug_span!("inputs").in_scope(|| input::collect(about.group, about.kinds, &list.items, configs, report));
    for input in &mut inputs {
        function.migrate(input, report);
    }
    // Generating goes on after errors in the envelopes, so that one run reports every problem;
    // any error stops the step before its outputs are planned.
    let mut generated = tracing::debug_span!("generate").in_scope(|| function.generate(&inputs, list, report));
    if report.errors_since(checkpoint) {
        return;
    }
    tracing::debug_span!("patch").in_scope(|| patch::apply(about, &inputs, &mut generated, report));
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
