//! The `Function` trait and `About`, a function's declaration.
//!
//! A function reads its input kinds, generates resources from them, and may decorate (edit)
//! resources that other functions generated. The engine (`engine.rs`) runs it on an in-memory
//! `ResourceList`; `process.rs` wraps that in reading and writing bytes, and `cli.rs` in a
//! process's arguments, stdin and stdout.

use crate::decorator::Decorator;
use crate::input::{Group, Input, InputKind};
use crate::ownership::Generated;
use crate::platform::Platform;
use crate::resource_list::ResourceList;
use crate::results::Report;

/// What a function is called and what it reads: the same for every instance.
#[derive(Debug)]
pub struct About {
    /// Binary and image name, and the value of the generated-by annotation.
    pub name: &'static str,
    /// Version printed by `--version`.
    pub version: &'static str,
    /// The function's README, printed by `--help`.
    pub help: &'static str,
    /// The API group of its inputs, whose every kind it knows.
    pub group: &'static Group,
    /// The input kinds this function reads.
    pub kinds: &'static [InputKind],
    /// The kinds it generates.
    pub generates: &'static [&'static str],
    /// The functions whose outputs it reads or edits, which must run before it.
    pub needs: &'static [&'static str],
}

/// One KRM function: the kinds it reads and how it turns them into resources.
pub trait Function: Sync {
    fn about(&self) -> &'static About;

    /// Rewrites an earlier input shape into the current one, warning about each change.
    fn migrate(&self, _input: &mut Input, _report: &mut Report) {}

    /// Builds the outputs of all inputs. `resources` holds every item of the run (inputs
    /// included), to check against what else is there. Problems go to `report`.
    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated>;

    /// Edits resources that functions generated (its own outputs included), after `generate`.
    /// Most functions only generate.
    fn decorate(&self, _inputs: &[Input], _resources: &mut Decorator, _report: &mut Report) {}

    /// The function with its settings taken from the run's `LummoPlatform`, its values checked
    /// (problems go to `report`, at their field of the platform). Called only when the run has
    /// one; without one the function runs as it is, with its default settings. `None`: the
    /// function has no platform settings.
    fn with_platform(&self, _platform: &Platform, _report: &mut Report) -> Option<Box<dyn Function>> {
        None
    }
}
