//! The `Function` trait and the one runner behind every way a function is invoked.
//!
//! | invocation                               | arguments            | stdin            | stdout        |
//! |------------------------------------------|----------------------|------------------|---------------|
//! | kpt, `docker run -i`, kustomize KRM fns  | none                 | ResourceList     | ResourceList  |
//! | kustomize legacy exec plugin             | config file          | stream or empty  | stream        |
//! | standalone (people, CI)                  | config, inputs / `-` | (with `-`)       | stream        |
//!
//! The legacy plugin and standalone forms are one: the first argument is the function config,
//! the rest are input files; with no input files, stdin is read unless it is a terminal.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use crate::input::{self, Input, InputKind};
use crate::ownership::{self, Generated};
use crate::resource_list::{Format, Item, ResourceList, annotations};
use crate::results::{KrmResult, Report, Severity};
use crate::yaml;

/// One KRM function: the kinds it reads and how it turns them into resources.
pub trait Function {
    /// Binary and image name, and the value of the generated-by annotation.
    const NAME: &'static str;
    /// Version printed by `--version`.
    const VERSION: &'static str;
    /// The function's README, printed by `--help`.
    const HELP: &'static str;
    /// The input kinds this function reads.
    const KINDS: &'static [InputKind];

    /// Rewrites an earlier input shape into the current one, warning about each change.
    fn migrate(&self, _input: &mut Input, _report: &mut Report) {}

    /// Builds the outputs of all inputs. `items` are every resource of the run (inputs included),
    /// for checks against what else is there. Problems go to `report`.
    fn generate(&self, inputs: &[Input], items: &[Item], report: &mut Report) -> Vec<Generated>;
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
pub fn process<F: Function>(function: &F, stdin: Vec<u8>, config: Option<ConfigFile>) -> Outcome {
    let mut report = Report::default();
    let format = if config.is_some() { Format::Stream } else { Format::ResourceList };
    let mut list = match ResourceList::read(stdin) {
        Ok(list) => list,
        Err(e) => {
            report.error(e.to_string());
            return finish(None, format, report);
        }
    };
    if format == Format::ResourceList && list.format != Format::ResourceList {
        report.error(format!(
            "expected a ResourceList (kind: ResourceList) on stdin; to pass plain manifests, name a config file: {} CONFIG [INPUT...|-]",
            F::NAME
        ));
        return finish(None, format, report);
    }
    let configs: Vec<Item> = match config {
        None => list.function_config.iter().cloned().collect(),
        Some(file) => match ResourceList::read(file.text.into_bytes()) {
            Ok(configs) => configs.items,
            Err(e) => {
                report.error(format!("{}: {e}", file.path));
                return finish(Some(list), format, report);
            }
        },
    };
    let mut inputs = input::collect(F::KINDS, &list.items, &configs, &mut report);
    for input in &mut inputs {
        function.migrate(input, &mut report);
    }
    if report.has_errors() {
        return finish(Some(list), format, report);
    }
    let generated = function.generate(&inputs, &list.items, &mut report);
    if report.has_errors() {
        return finish(Some(list), format, report);
    }
    let Some(new_items) = ownership::plan(&list, F::NAME, &inputs, generated, &mut report) else {
        return finish(Some(list), format, report);
    };
    // Inputs describe resources; they are never applied themselves.
    for index in inputs.iter().filter_map(|i| i.item) {
        list.set_annotation(index, annotations::LOCAL_CONFIG, "true");
    }
    ownership::replace(&mut list, F::NAME, new_items);
    finish(Some(list), format, report)
}

fn finish(list: Option<ResourceList>, format: Format, report: Report) -> Outcome {
    let exit_code = u8::from(report.has_errors());
    let mut stderr = String::new();
    for result in &report.results {
        stderr.push_str(&result.human_line());
        stderr.push('\n');
    }
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

fn empty_resource_list(results: &[KrmResult]) -> Result<String, String> {
    let mut out = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n");
    yaml::push_indented(&mut out, &yaml::to_yaml(&results)?, "", "");
    Ok(out)
}

fn usage<F: Function>() -> String {
    format!(
        "usage: {name}                        read a ResourceList on stdin, write one on stdout (kpt, docker, kustomize)\n       \
         {name} CONFIG [INPUT...|-]     read inputs (or stdin), write a YAML stream (kustomize exec plugin, people, CI)\n       \
         {name} --help | --version\n",
        name = F::NAME
    )
}

/// The process entry point of every function binary.
pub fn main<F: Function>(function: F) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            print!("{}\n{}", F::HELP, usage::<F>());
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("{} {}", F::NAME, F::VERSION);
            return ExitCode::SUCCESS;
        }
        Some(flag) if flag.starts_with('-') && flag != "-" => {
            eprint!("{}: unknown option {flag}\n{}", F::NAME, usage::<F>());
            return ExitCode::from(2);
        }
        _ => {}
    }
    std::panic::set_hook(Box::new(|info| eprintln!("error: internal error (please report it): {info}")));
    let outcome = match read_invocation(&args) {
        Ok((stdin, config)) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process(&function, stdin, config)))
            .unwrap_or_else(|_| Outcome { stdout: String::new(), stderr: String::new(), exit_code: 1 }),
        Err(message) => Outcome { stdout: String::new(), stderr: format!("error: {message}\n"), exit_code: 1 },
    };
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    if std::io::stdout().write_all(outcome.stdout.as_bytes()).is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::from(outcome.exit_code)
}

/// Gathers the input bytes and the config file for the arguments given.
fn read_invocation(args: &[String]) -> Result<(Vec<u8>, Option<ConfigFile>), String> {
    let read_stdin = || {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes).map_err(|e| format!("cannot read stdin: {e}"))
    };
    let Some((config_path, inputs)) = args.split_first() else { return Ok((read_stdin()?, None)) };
    let read = |path: &str| std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"));
    let config_text = String::from_utf8(read(config_path)?).map_err(|_| format!("{config_path}: not valid UTF-8"))?;
    let config = ConfigFile { path: config_path.clone(), text: config_text };
    let mut stdin = Vec::new();
    if inputs.is_empty() {
        if !std::io::stdin().is_terminal() {
            stdin = read_stdin()?;
        }
    } else {
        for path in inputs {
            let bytes = if path == "-" { read_stdin()? } else { read(path)? };
            if !stdin.is_empty() && !stdin.ends_with(b"\n") {
                stdin.push(b'\n');
            }
            if !stdin.is_empty() {
                stdin.extend_from_slice(b"---\n");
            }
            stdin.extend_from_slice(&bytes);
        }
    }
    Ok((stdin, Some(config)))
}

/// Severity counts for a closing summary line.
pub fn summary(results: &[KrmResult]) -> (usize, usize) {
    let count = |s| results.iter().filter(|r| r.severity == s).count();
    (count(Severity::Error), count(Severity::Warning))
}
