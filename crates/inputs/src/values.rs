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

/// A value that becomes a Kubernetes string exactly as it was written: `1.10` stays `"1.10"`,
/// `0755` stays `"0755"`, `0x1F` stays `"0x1F"` (an env var's value, a ConfigMap's data). The
/// input's number or boolean is read back from its text, through the schema's
/// `x-lummo-verbatim` mark (see `lummo_krm::schema::VERBATIM`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Verbatim(pub String);

impl std::fmt::Display for Verbatim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Verbatim {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Verbatim, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Verbatim;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E>(self, v: &str) -> Result<Verbatim, E> {
                Ok(Verbatim(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Verbatim, E> {
                Ok(Verbatim(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Verbatim, E> {
                Ok(Verbatim(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Verbatim, E> {
                Ok(Verbatim(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Verbatim, E> {
                Ok(Verbatim(v.to_string()))
            }
        }
        deserializer.deserialize_any(Text)
    }
}

impl JsonSchema for Verbatim {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Verbatim".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["string", "number", "boolean"], "x-lummo-verbatim": true})
    }
}
