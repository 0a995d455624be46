//! The `Function` trait, and `process`: one whole KRM run as a pure function of its input.
//!
//! A function reads its input kinds, generates resources from them, and may decorate (edit)
//! resources that other functions generated. The engine (`engine.rs`) runs it on an in-memory
//! [`ResourceList`]; `process` wraps that in reading and writing bytes, and `cli.rs` in a
//! process's arguments, stdin and stdout.

use crate::engine::{self, Decorator};
use crate::input::{Input, InputKind};
use crate::ownership::Generated;
use crate::platform::Platform;
use crate::resource_list::{Format, Item, ResourceList};
use crate::results::{KrmResult, Report, Severity};
use crate::yaml;

/// What a function is called and what it reads: the same for every instance.
#[derive(Debug)]
pub struct About {
    /// Binary and image name, and the value of the generated-by annotation.
    pub name: &'static str,
    /// Version printed by `--version`.
    pub version: &'static str,
    /// The function's README, printed by `--help`.
    pub help: &'static str,
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

/// Everything a run produced, before it touches the process.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: u8,
}

/// A config file given on the command line.
pub struct ConfigFile {
    pub path: String,
    pub text: String,
}

/// Runs `function` over `stdin` (KRM mode when `config` is `None`, stream mode otherwise).
pub fn process(function: &dyn Function, stdin: Vec<u8>, config: Option<ConfigFile>) -> Outcome {
    process_chain(&[function], stdin, config)
}

/// Runs `functions` one after another over `stdin`, as one process (a kustomize plugin for a
/// kind that several functions read), stopping at the first with errors.
pub fn process_chain(functions: &[&dyn Function], stdin: Vec<u8>, config: Option<ConfigFile>) -> Outcome {
    let name = functions.first().map_or("lummo", |f| f.about().name);
    let mut report = Report::default();
    let format = if config.is_some() { Format::Stream } else { Format::ResourceList };
    let read = tracing::debug_span!("read").in_scope(|| ResourceList::read(stdin));
    let mut list = match read {
        Ok(list) => list,
        Err(e) => {
            report.error(e.to_string());
            return finish(None, format, report);
        }
    };
    if format == Format::ResourceList && list.format != Format::ResourceList {
        report.error(format!(
            "expected a ResourceList (kind: ResourceList) on stdin; to pass plain manifests, name a config file: {name} CONFIG [INPUT...|-]"
        ));
        return finish(None, format, report);
    }
    let configs: Vec<Item> = match config {
        None => list.function_config.iter().cloned().collect(),
        Some(file) => match ResourceList::read_file(&file.path, file.text.into_bytes()) {
            Ok(configs) => configs,
            Err(e) => {
                report.error(format!("{}: {e}", file.path));
                return finish(Some(list), format, report);
            }
        },
    };
    engine::run_pipeline_with_configs(functions, &mut list, &configs, &mut report);
    finish(Some(list), format, report)
}

fn finish(list: Option<ResourceList>, format: Format, report: Report) -> Outcome {
    let _span = tracing::debug_span!("write").entered();
    let exit_code = u8::from(report.has_errors());
    let stderr = human_lines(&report.results);
    let written = match (&list, format) {
        (Some(list), _) => list.write(&report.results),
        (None, Format::ResourceList) => empty_resource_list(&report.results),
        (None, Format::Stream) => Ok(String::new()),
    };
    match written {
        Ok(stdout) => Outcome { stdout, stderr, exit_code },
        Err(e) => Outcome { stdout: String::new(), stderr: format!("{stderr}error: cannot write output: {e}\n"), exit_code: 1 },
    }
}

/// One line per result, as people read them on stderr.
pub fn human_lines(results: &[KrmResult]) -> String {
    results.iter().map(|r| r.human_line() + "\n").collect()
}

fn empty_resource_list(results: &[KrmResult]) -> Result<String, String> {
    let mut out = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n");
    yaml::push_indented(&mut out, &yaml::to_yaml(&results)?, "", "");
    Ok(out)
}

/// Severity counts for a closing summary line.
pub fn summary(results: &[KrmResult]) -> (usize, usize) {
    let count = |s| results.iter().filter(|r| r.severity == s).count();
    (count(Severity::Error), count(Severity::Warning))
}
