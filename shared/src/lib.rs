//! What every Lummo KRM function shares. A function crate implements [`Function`] and calls
//! [`function::main`]; everything between stdin and stdout lives here.

pub mod function;
pub mod input;
pub mod labels;
pub mod names;
pub mod ownership;
pub mod resource_list;
pub mod results;
pub mod schema;
pub mod testing;
pub mod vault;
pub mod yaml;

pub use function::{Function, Outcome, process};
pub use input::{Input, InputKind};
pub use ownership::Generated;
pub use resource_list::Item;
pub use results::{Report, Severity};
