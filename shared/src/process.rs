//! One whole KRM run as a pure function of its input (`process`): read a ResourceList or a
//! stream, run the functions on it (`engine.rs`), write the result and the results' lines.

use crate::engine;
use crate::function::Function;
use crate::resource_list::{Format, Item, ResourceList};
use crate::results::{KrmResult, Report, Severity};
use crate::yaml;

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
