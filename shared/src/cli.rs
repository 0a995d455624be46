//! A function as a process: the arguments, stdin and stdout of every way it is invoked.
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

use crate::function::Function;
use crate::process::{ConfigFile, Outcome, process_chain};

fn usage(name: &str) -> String {
    format!(
        "usage: {name}                        read a ResourceList on stdin, write one on stdout (kpt, docker, kustomize)\n       \
         {name} CONFIG [INPUT...|-]     read inputs (or stdin), write a YAML stream (kustomize exec plugin, people, CI)\n       \
         {name} --help | --version\n"
    )
}

/// The process entry point of every function binary.
pub fn main(function: &dyn Function) -> ExitCode {
    crate::log::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    run(function, &args)
}

/// Runs `function` with these arguments (those after the program name) on this process's
/// stdin and stdout; `lummo fn NAME ARGS` calls it too.
pub fn run(function: &dyn Function, args: &[String]) -> ExitCode {
    let about = function.about();
    run_chain(about.name, about.help, about.version, &[function], args)
}

/// Runs `functions` one after another as one process called `name` (lummo as a kustomize
/// plugin for a kind several functions read, e.g. LummoDeployment: workloads, scaling,
/// monitoring).
pub fn run_chain(name: &str, help: &str, version: &str, functions: &[&dyn Function], args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            print!("{help}\n{}", usage(name));
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("{name} {version}");
            return ExitCode::SUCCESS;
        }
        Some(flag) if flag.starts_with('-') && flag != "-" => {
            eprint!("{name}: unknown option {flag}\n{}", usage(name));
            return ExitCode::from(2);
        }
        _ => {}
    }
    catch_panics();
    let outcome = match read_invocation(args) {
        Ok((stdin, config)) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process_chain(functions, stdin, config)))
            .unwrap_or_else(|_| Outcome { stdout: String::new(), stderr: String::new(), exit_code: 1 }),
        Err(message) => Outcome { stdout: String::new(), stderr: format!("error: {message}\n"), exit_code: 1 },
    };
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    if std::io::stdout().write_all(outcome.stdout.as_bytes()).is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::from(outcome.exit_code)
}

/// A panic is a bug of ours: say so in one line instead of a backtrace, and exit 1.
pub fn catch_panics() {
    std::panic::set_hook(Box::new(|info| eprintln!("error: internal error (please report it): {info}")));
}

/// Gathers the input bytes and the config file for the arguments given.
fn read_invocation(args: &[String]) -> Result<(Vec<u8>, Option<ConfigFile>), String> {
    let read_stdin = || {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes).map_err(|e| format!("cannot read stdin: {e}"))
    };
    let Some((config_path, inputs)) = args.split_first() else { return Ok((read_stdin()?, None)) };
    // Files a person (or kustomize) named: followed wherever they lead, `<(...)` included, but
    // never more than the limit of every file lummo reads.
    let read = |path: &str| crate::files::read_bounded(std::path::Path::new(path), true).map_err(|e| format!("{path}: {e}"));
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
