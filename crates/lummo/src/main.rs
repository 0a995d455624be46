//! `lummo`: every Lummo function in one binary, for people, CI and ArgoCD.
//!
//! Invoked under a function's name (a link named `networking` to this binary), it is that
//! function, exactly as its own binary would be.

mod argocd;
mod confined;
mod ignore;
mod kptfile;
mod output;
mod package;
mod parallel;
mod platform;
mod plugins;
mod registry;
mod render;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use lummo_krm::results::KrmResult;

const HELP: &str = include_str!("../README.md");

const USAGE: &str = "usage: lummo render [-o OUT | --in-place] DIR...   render packages with every Lummo function, print the manifests
       lummo check DIR...                          check the Lummo inputs of packages, write nothing
       lummo platform [DIR]                        print the platform settings a render of DIR uses (defaults filled in)
         (render, check and platform take --platform FILE: the LummoPlatform, instead of the nearest platform.yaml above)
       lummo fn NAME [ARGS...]                     run one function, in any of its modes (NAME --help)
       lummo functions [--kinds]                   list the functions, in pipeline order (with the kinds each reads)
       lummo install-plugins [DIR] [--uninstall]   install the functions as kustomize exec plugins
       lummo argocd discover | generate            ArgoCD's config management plugin (argocd/plugin.yaml)
       lummo --help | --version
";

/// A render allocates and frees many small strings and trees; mimalloc renders a 200-app tree
/// in about 0.6 of the time glibc's allocator takes (measured with `cargo xtask bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    lummo_krm::log::init();
    let mut args = std::env::args();
    let program = args.next().map(PathBuf::from).and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let args: Vec<String> = args.collect();
    if let Some(function) = program.as_deref().and_then(registry::find) {
        return lummo_krm::cli::run(function.as_ref(), &args);
    }
    // A link named after a kind (a kustomize plugin): every function that reads it.
    if let Some(kind) = program.as_deref().filter(|name| registry::owned_kinds().contains(name)) {
        let chain = registry::for_kind(kind);
        let chain: Vec<&dyn lummo_krm::Function> = chain.iter().map(|f| f.as_ref()).collect();
        return lummo_krm::cli::run_chain(kind, HELP, env!("CARGO_PKG_VERSION"), &chain, &args);
    }
    match args.first().map(String::as_str) {
        Some("render") => render(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("platform") => show_platform(&args[1..]),
        Some("fn") => run_function(&args[1..]),
        Some("functions") => functions(&args[1..]),
        Some("install-plugins") => install_plugins(&args[1..]),
        Some("argocd") => match args.get(1).map(String::as_str) {
            Some("generate") if args.len() == 2 => argocd::generate(),
            Some("discover") if args.len() == 2 => argocd::discover(),
            _ => usage_error("argocd takes discover or generate"),
        },
        Some("-h" | "--help") => {
            print!("{HELP}\n{USAGE}");
            ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("lummo {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        _ => usage_error("name a command"),
    }
}

/// `functions`: the names in pipeline order; `--kinds`: each with the kinds it reads.
fn functions(args: &[String]) -> ExitCode {
    let kinds = match args {
        [] => false,
        [flag] if flag == "--kinds" => true,
        _ => return usage_error("functions takes only --kinds"),
    };
    for function in registry::functions() {
        let about = function.about();
        match kinds {
            false => println!("{}", about.name),
            true => println!("{}\t{}", about.name, about.kinds.iter().map(|k| k.kind).collect::<Vec<_>>().join(",")),
        }
    }
    ExitCode::SUCCESS
}

/// `install-plugins [DIR] [--uninstall]`.
fn install_plugins(args: &[String]) -> ExitCode {
    let uninstall = args.iter().any(|a| a == "--uninstall");
    let mut dirs = args.iter().filter(|a| *a != "--uninstall");
    let dir = match (dirs.next(), dirs.next()) {
        (_, Some(_)) => return usage_error("install-plugins takes one folder"),
        (Some(flag), None) if flag.starts_with('-') => return usage_error(&format!("unknown option {flag}")),
        (Some(dir), None) => PathBuf::from(dir),
        (None, None) => match plugins::default_dir() {
            Some(dir) => dir,
            None => return usage_error("name the plugin folder: neither KUSTOMIZE_PLUGIN_HOME, XDG_CONFIG_HOME nor HOME is set"),
        },
    };
    let done = match uninstall {
        true => plugins::uninstall(&dir).map(|paths| ("removed", paths)),
        false => std::env::current_exe()
            .map_err(|e| e.to_string())
            .and_then(|exe| plugins::install(&dir, &exe))
            .map(|paths| ("installed", paths)),
    };
    match done {
        Ok((verb, paths)) => {
            eprintln!("lummo: {verb} {} kustomize plugin(s) under {}", paths.len(), dir.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprint!("lummo: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn run_function(args: &[String]) -> ExitCode {
    let Some((name, rest)) = args.split_first() else { return usage_error("fn needs a function name") };
    match registry::find(name) {
        Some(function) => lummo_krm::cli::run(function.as_ref(), rest),
        None => usage_error(&format!("no function {name:?} (functions: {})", registry::names().join(", "))),
    }
}

/// Where `render` puts its result.
enum Destination {
    Stdout,
    Folder(PathBuf),
    InPlace,
}

fn render(args: &[String]) -> ExitCode {
    let mut destination = Destination::Stdout;
    let mut dirs = Vec::new();
    let mut source = platform::Source::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--output" => match args.next() {
                Some(out) => destination = Destination::Folder(out.into()),
                None => return usage_error("-o needs a folder"),
            },
            "--in-place" => destination = Destination::InPlace,
            "--platform" => match args.next() {
                Some(file) => source.file = Some(file.into()),
                None => return usage_error("--platform needs a file"),
            },
            flag if flag.starts_with('-') => return usage_error(&format!("unknown option {flag}")),
            dir => dirs.push(PathBuf::from(dir)),
        }
    }
    if dirs.is_empty() {
        return usage_error("name at least one package folder");
    }
    let Some(rendered) = render_dirs(&dirs, &source) else { return ExitCode::FAILURE };
    let _span = tracing::debug_span!("write").entered();
    let written = match destination {
        Destination::Stdout => output::print(&rendered),
        Destination::Folder(out) => output::write_folder(&rendered, &out),
        Destination::InPlace => output::write_in_place(&rendered),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `--platform FILE` and the folders among `args`.
fn platform_and_dirs(args: &[String]) -> Result<(platform::Source, Vec<PathBuf>), ExitCode> {
    let mut source = platform::Source::default();
    let mut dirs = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--platform" => match args.next() {
                Some(file) => source.file = Some(file.into()),
                None => return Err(usage_error("--platform needs a file")),
            },
            flag if flag.starts_with('-') => return Err(usage_error(&format!("unknown option {flag}"))),
            dir => dirs.push(PathBuf::from(dir)),
        }
    }
    Ok((source, dirs))
}

fn check(args: &[String]) -> ExitCode {
    let (source, dirs) = match platform_and_dirs(args) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    if dirs.is_empty() {
        return usage_error("name at least one package folder");
    }
    let Some(rendered) = render_dirs(&dirs, &source) else { return ExitCode::FAILURE };
    let inputs: usize = rendered.iter().filter_map(|r| r.package.as_ref()).map(output::count_inputs).sum();
    eprintln!("lummo check: {} package(s), {inputs} Lummo input(s), no errors", rendered.len());
    ExitCode::SUCCESS
}

/// Renders the packages of `dirs`, prints every result on stderr, and returns the renders when
/// none has an error (all or nothing).
fn render_dirs(dirs: &[PathBuf], platform: &platform::Source) -> Option<Vec<render::Rendered>> {
    let mut roots = Vec::new();
    for dir in dirs {
        match package::discover(dir) {
            Ok(found) => roots.extend(found),
            Err(message) => {
                eprintln!("error: {message}");
                return None;
            }
        }
    }
    let functions = registry::functions();
    let functions: Vec<&dyn lummo_krm::Function> = functions.iter().map(|f| f.as_ref()).collect();
    let rendered = render::render_all(&roots, &functions, platform);
    let results: Vec<KrmResult> = rendered.iter().flat_map(render::Rendered::results_for_people).collect();
    let _ = std::io::stderr().write_all(lummo_krm::function::human_lines(&results).as_bytes());
    let failed = rendered.iter().filter(|r| r.has_errors()).count();
    if failed > 0 {
        let (errors, _) = lummo_krm::function::summary(&results);
        eprintln!("lummo: {errors} error(s) in {failed} of {} package(s): nothing was written", rendered.len());
        return None;
    }
    Some(rendered)
}

/// `platform [DIR] [--platform FILE]`: the LummoPlatform a render of DIR uses, every setting
/// filled in (its own values, else the defaults), checked as a render checks it.
fn show_platform(args: &[String]) -> ExitCode {
    let (source, dirs) = match platform_and_dirs(args) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let dir = match dirs.as_slice() {
        [] => PathBuf::from("."),
        [dir] => dir.clone(),
        _ => return usage_error("platform takes one folder"),
    };
    match platform::effective(&dir, &source) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(results) => {
            let _ = std::io::stderr().write_all(lummo_krm::function::human_lines(&results).as_bytes());
            ExitCode::FAILURE
        }
    }
}
