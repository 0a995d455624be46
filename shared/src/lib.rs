pub mod resource_list;
pub mod results;
pub mod yaml;
