//! `lummo`: every Lummo function in one binary, for people, CI and ArgoCD.
//!
//! Invoked under a function's name (a link named `networking` to this binary), it is that
//! function, exactly as its own binary would be.

mod argocd;
mod confined;
mod diff;
mod explain;
mod git;
mod ignore;
mod kptfile;
mod output;
mod package;
mod parallel;
mod platform;
mod plugins;
mod registry;
mod render;
mod stream;
mod text_diff;
mod validate;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

use lummo_krm::results::KrmResult;

const HELP: &str = include_str!("../README.md");

/// The command line of `lummo` (run under its own name): one declaration feeds parsing, every
/// `--help` and the shell completions.
#[derive(Parser)]
#[command(
    name = "lummo",
    version,
    about = "Render packages with every Lummo function, check inputs, run one function, serve ArgoCD",
    before_long_help = HELP,
    arg_required_else_help = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render packages with every Lummo function and print the manifests to apply (or write them)
    #[command(
        after_help = "Examples:\n  lummo render app/                 the manifests on stdout\n  lummo render -o out/ .            one file per resource, every package below .\n  lummo render --in-place app/      update the package's files, as kpt fn render does"
    )]
    Render {
        /// Write one file per resource under OUT (new, empty, or written by an earlier -o)
        #[arg(short = 'o', long = "output", value_name = "OUT", conflicts_with = "in_place")]
        output: Option<PathBuf>,
        /// Update each package's files, as kpt fn render does
        #[arg(long)]
        in_place: bool,
        /// Also validate the manifests strictly, as `lummo validate` does; write nothing if one is invalid
        #[arg(long)]
        validate: bool,
        #[command(flatten)]
        platform: PlatformArg,
        /// Package folders (a folder without a Kptfile stands for the packages below it)
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
    /// Check the Lummo inputs of packages (a full render in memory), write nothing
    #[command(after_help = "Example:\n  lummo check deploy/               every package below deploy/, for a pre-commit hook")]
    Check {
        /// Also validate the manifests strictly, as `lummo validate` does
        #[arg(long)]
        validate: bool,
        #[command(flatten)]
        platform: PlatformArg,
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
    /// Validate manifests strictly and offline: schemas of Kubernetes 1.33 and of the platform's CRDs, unknown fields, the API server's own rules
    #[command(
        after_help = "Examples:\n  lummo validate out/                 every .yaml, .yml and .json file below out/\n  lummo render app/ | lummo validate -\n\nExit code 1 when a manifest is invalid. Kinds with no schema here are listed, not checked."
    )]
    Validate {
        /// Files, folders, or - for stdin
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Show what a change does to the rendered manifests: a git revision against the working tree
    #[command(
        after_help = "Examples:\n  lummo diff                          HEAD against the working tree, every package below .\n  lummo diff origin/main apps/         the packages below apps/, against origin/main\n  lummo diff --output markdown main   a summary for a pull-request comment\n  lummo diff --base ../main-checkout  against another checkout, without git (the lummo image)\n\nExit code 0 when nothing differs, 1 when something does (--exit-zero: 0 anyway) or a render fails, 2 on a usage error. A package missing at the revision counts as empty."
    )]
    Diff {
        /// Exit 0 even when something differs (only report)
        #[arg(long)]
        exit_zero: bool,
        /// text for a terminal, markdown for a pull-request comment
        #[arg(long, value_enum, default_value = "text", value_name = "FORMAT")]
        output: diff::Format,
        /// Compare with another checkout of the repository instead of a git revision (DIRs are then relative to the current folder; no git needed)
        #[arg(long, value_name = "BASE")]
        base: Option<PathBuf>,
        #[command(flatten)]
        platform: PlatformArg,
        /// A revision (default HEAD), then package folders (default .)
        #[arg(value_name = "[REV] [DIR]")]
        args: Vec<String>,
    },
    /// Print the platform settings a render of DIR uses, every default filled in
    #[command(after_help = "Example:\n  lummo platform apps/shop          the LummoPlatform that applies to apps/shop")]
    Platform {
        #[command(flatten)]
        platform: PlatformArg,
        /// The package folder (default: the current one)
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Document a kind or one of its fields: type, default, allowed values, fields
    #[command(
        after_help = "Examples:\n  lummo explain LummoNetworking\n  lummo explain LummoDeployment.spec.strategy.analysis\n  lummo explain LummoPlatform --recursive"
    )]
    Explain {
        /// KIND, or KIND.field.path (as kubectl explain takes it)
        #[arg(value_name = "KIND[.FIELD...]")]
        path: String,
        /// Print every field below, as a tree
        #[arg(long)]
        recursive: bool,
    },
    /// Run one function, in any of its modes (see `lummo fn NAME --help`)
    #[command(
        disable_help_flag = true,
        after_help = "Examples:\n  lummo fn networking --help\n  kpt fn source pkg | lummo fn networking          a ResourceList in, one out\n  lummo fn networking config.yaml service.yaml     standalone, a YAML stream out"
    )]
    Fn {
        /// The function: workloads, scaling, monitoring, networking, pgbouncer or pubsub
        #[arg(allow_hyphen_values = true)]
        name: String,
        /// Its own arguments, passed as they are
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// List the functions, in pipeline order
    #[command(after_help = "Example:\n  lummo functions --kinds")]
    Functions {
        /// With the kinds each reads
        #[arg(long)]
        kinds: bool,
    },
    /// Install the functions as kustomize exec plugins (links to this binary)
    #[command(after_help = "Example:\n  lummo install-plugins && kubectl kustomize --enable-alpha-plugins overlays/prod")]
    InstallPlugins {
        /// The plugin folder (default: $KUSTOMIZE_PLUGIN_HOME, $XDG_CONFIG_HOME/kustomize/plugin or ~/.config/kustomize/plugin)
        dir: Option<PathBuf>,
        /// Remove the links instead
        #[arg(long)]
        uninstall: bool,
    },
    /// ArgoCD's config management plugin (argocd/plugin.yaml)
    Argocd {
        #[command(subcommand)]
        command: Argocd,
    },
    /// Print shell completions
    #[command(after_help = "Example:\n  lummo completions bash > /etc/bash_completion.d/lummo")]
    Completions { shell: clap_complete::Shell },
}

#[derive(Subcommand)]
enum Argocd {
    /// Print what makes the current folder a Lummo application (ArgoCD takes any output as a match)
    Discover,
    /// Print the manifests of the current folder (or of the overlay ARGOCD_ENV_OVERLAY names)
    Generate,
}

#[derive(clap::Args)]
struct PlatformArg {
    /// The LummoPlatform to use, instead of the nearest platform.yaml above each package
    #[arg(long, value_name = "FILE")]
    platform: Option<PathBuf>,
}

impl PlatformArg {
    fn source(self) -> platform::Source {
        platform::Source { file: self.platform }
    }
}

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
    let command = match Cli::try_parse_from(std::iter::once("lummo".to_string()).chain(args)) {
        Ok(cli) => cli.command,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    match command {
        Command::Render { output, in_place, validate, platform, dirs } => {
            let destination = match (output, in_place) {
                (Some(out), _) => Destination::Folder(out),
                (None, true) => Destination::InPlace,
                (None, false) => Destination::Stdout,
            };
            render(&dirs, destination, validate, &platform.source())
        }
        Command::Check { validate, platform, dirs } => check(&dirs, validate, &platform.source()),
        Command::Diff { exit_zero, output, base, platform, args } => {
            let base = base.map_or(diff::Base::Revision, diff::Base::Folder);
            diff::run(&args, &base, exit_zero, output, &platform.source())
        }
        Command::Validate { paths } => match validate::paths(&paths) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        Command::Platform { platform, dir } => show_platform(&dir.unwrap_or_else(|| PathBuf::from(".")), &platform.source()),
        Command::Explain { path, recursive } => match explain::explain(&path, recursive) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
        Command::Fn { name, args } => run_function(&name, &args),
        Command::Functions { kinds } => functions(kinds),
        Command::InstallPlugins { dir, uninstall } => install_plugins(dir, uninstall),
        Command::Argocd { command: Argocd::Discover } => argocd::discover(),
        Command::Argocd { command: Argocd::Generate } => argocd::generate(),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "lummo", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// `functions`: the names in pipeline order; `--kinds`: each with the kinds it reads.
fn functions(kinds: bool) -> ExitCode {
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
fn install_plugins(dir: Option<PathBuf>, uninstall: bool) -> ExitCode {
    let Some(dir) = dir.or_else(plugins::default_dir) else {
        return usage_error("name the plugin folder: neither KUSTOMIZE_PLUGIN_HOME, XDG_CONFIG_HOME nor HOME is set");
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
    eprintln!("lummo: {message} (lummo --help)");
    ExitCode::from(2)
}

/// `fn NAME ARGS...`: every argument after NAME is the function's own (its `--help` too), so
/// `fn`'s own help is asked for in NAME's place.
fn run_function(name: &str, args: &[String]) -> ExitCode {
    if name == "-h" || name == "--help" {
        let mut command = Cli::command();
        command.build();
        let help = command.find_subcommand_mut("fn").map(|c| c.render_long_help().to_string()).unwrap_or_default();
        print!("{help}");
        return ExitCode::SUCCESS;
    }
    match registry::find(name) {
        Some(function) => lummo_krm::cli::run(function.as_ref(), args),
        None => usage_error(&format!("no function {name:?} (functions: {})", registry::names().join(", "))),
    }
}

/// Where `render` puts its result.
enum Destination {
    Stdout,
    Folder(PathBuf),
    InPlace,
}

fn render(dirs: &[PathBuf], destination: Destination, validate: bool, platform: &platform::Source) -> ExitCode {
    let Some(rendered) = render_dirs(dirs, platform) else { return ExitCode::FAILURE };
    if validate && !validate::rendered(&rendered) {
        eprintln!("lummo: invalid manifests: nothing was written");
        return ExitCode::FAILURE;
    }
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

fn check(dirs: &[PathBuf], validate: bool, platform: &platform::Source) -> ExitCode {
    let Some(rendered) = render_dirs(dirs, platform) else { return ExitCode::FAILURE };
    if validate && !validate::rendered(&rendered) {
        return ExitCode::FAILURE;
    }
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
    let _ = std::io::stderr().write_all(lummo_krm::process::human_lines(&results).as_bytes());
    let failed = rendered.iter().filter(|r| r.has_errors()).count();
    if failed > 0 {
        let (errors, _) = lummo_krm::process::summary(&results);
        eprintln!("lummo: {errors} error(s) in {failed} of {} package(s): nothing was written", rendered.len());
        return None;
    }
    Some(rendered)
}

/// `platform [DIR] [--platform FILE]`: the LummoPlatform a render of DIR uses, every setting
/// filled in (its own values, else the defaults), checked as a render checks it.
fn show_platform(dir: &Path, source: &platform::Source) -> ExitCode {
    match platform::effective(dir, source) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(results) => {
            let _ = std::io::stderr().write_all(lummo_krm::process::human_lines(&results).as_bytes());
            ExitCode::FAILURE
        }
    }
}
