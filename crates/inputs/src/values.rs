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

/// A mapping that keeps the order its keys were written in (environment variables: a
/// `$(VAR)` reference only sees the variables before it).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Ordered<V> {
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, value)| value)
    }

    /// `self` with the entries of `over` on top: a key of both keeps its place and takes the
    /// value of `over`; the keys only `over` has come after, in its order.
    pub fn merged(&self, over: &Ordered<V>) -> Ordered<V>
    where
        V: Clone,
    {
        let mut merged = self.clone();
        for (key, value) in &over.0 {
            match merged.0.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value.clone(),
                None => merged.0.push((key.clone(), value.clone())),
            }
        }
        merged
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Ordered<V>, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Entries<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Ordered<V>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

impl<V: JsonSchema> JsonSchema for Ordered<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Ordered_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "object", "additionalProperties": generator.subschema_for::<V>()})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_maps_keep_the_written_order_and_merge_in_place() {
        let base: Ordered<Verbatim> = serde_json::from_str(r#"{"Z": "1", "A": 2, "M": true}"#).unwrap();
        assert_eq!(base.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["Z", "A", "M"]);
        assert_eq!(base.get("A"), Some(&Verbatim("2".into())));
        let over: Ordered<Verbatim> = serde_json::from_str(r#"{"B": "x", "A": "3"}"#).unwrap();
        let merged = base.merged(&over);
        let pairs: Vec<(&str, &str)> = merged.iter().map(|(k, v)| (k.as_str(), v.0.as_str())).collect();
        assert_eq!(pairs, [("Z", "1"), ("A", "3"), ("M", "true"), ("B", "x")]);
    }
}
