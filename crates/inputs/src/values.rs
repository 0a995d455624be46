//! Value shapes users write in many places.

use schemars::JsonSchema;
use serde::Deserialize;

/// One value or a list of them (`containers` may be one container).
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The entries with the field path of each (`containers` or `containers[1]`).
    pub fn entries(&self, path: &str) -> Vec<(String, &T)> {
        match self {
            OneOrMany::One(one) => vec![(path.to_string(), one)],
            OneOrMany::Many(many) => many.iter().enumerate().map(|(i, t)| (format!("{path}[{i}]"), t)).collect(),
        }
    }
}

/// A scalar written as text or as a number (`cpu: 0.5`, `PORT: 8080`), kept as written.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Integer(i64),
    Number(f64),
    Bool(bool),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Text(s) => f.write_str(s),
            Scalar::Integer(i) => write!(f, "{i}"),
            Scalar::Number(n) => write!(f, "{n}"),
            Scalar::Bool(b) => write!(f, "{b}"),
        }
    }
}
