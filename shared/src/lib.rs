//! What every Lummo KRM function shares. A function crate implements [`Function`] and calls
//! [`cli::main`]; everything between stdin and stdout lives here, and the engine that chains
//! functions in one process (`engine.rs`), which `lummo` uses.

pub mod cli;
pub mod cron;
pub mod decorator;
pub mod duration;
pub mod engine;
pub mod files;
pub mod function;
pub mod go_regexp;
pub mod image;
pub mod input;
pub mod log;
pub mod names;
pub mod ownership;
pub mod patch;
pub mod platform;
pub mod process;
pub mod protobuf_duration;
pub mod quantity;
pub mod resource_list;
pub mod results;
pub mod schema;
pub mod traefik_rule;
pub mod yaml;

pub use decorator::Decorator;
pub use function::{About, Function};
pub use input::{Input, InputKind};
pub use ownership::Generated;
pub use process::{Outcome, process};
pub use resource_list::{Item, ResourceId, ResourceList};
pub use results::{Report, Severity};
