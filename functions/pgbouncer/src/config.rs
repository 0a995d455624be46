//! `config`: pgbouncer's settings, by the names people know them by, checked here and written
//! into a ConfigMap as the variables the image reads.
//!
//! A key is a pgbouncer setting (`POOL_MODE`, `MAX_CLIENT_CONN`; `POOL_SIZE` is
//! `DEFAULT_POOL_SIZE`), the image's variable for it (`PGBOUNCER_POOL_MODE`), or a connection
//! field (`POSTGRESQL_HOST`). An unknown key is an error: the image would silently ignore it.

use std::collections::BTreeMap;

use lummo_inputs::Verbatim;
use lummo_krm::schema::did_you_mean;
use lummo_krm::{Input, Report};

/// What a setting's value must be.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// A whole number, at least this.
    Count(i64),
    /// Seconds, possibly fractional, not negative.
    Seconds,
    OneOf(&'static [&'static str]),
    Text,
    /// The pooler's port: the Service, the probes and the exporter depend on it.
    Port,
    /// Not in a ConfigMap, which anyone who can read the namespace's config can read.
    Secret,
}

struct Setting {
    /// pgbouncer's name, upper case; the image reads it as `PGBOUNCER_<name>`.
    name: &'static str,
    aliases: &'static [&'static str],
    rule: Rule,
}

const TLS_MODES: &[&str] = &["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

const fn setting(name: &'static str, rule: Rule) -> Setting {
    Setting { name, aliases: &[], rule }
}

/// The settings of bitnami's PgBouncer image.
const SETTINGS: &[Setting] = &[
    setting("POOL_MODE", Rule::OneOf(&["session", "transaction", "statement"])),
    Setting { name: "DEFAULT_POOL_SIZE", aliases: &["POOL_SIZE"], rule: Rule::Count(1) },
    setting("MIN_POOL_SIZE", Rule::Count(0)),
    setting("RESERVE_POOL_SIZE", Rule::Count(0)),
    setting("MAX_CLIENT_CONN", Rule::Count(1)),
    setting("MAX_DB_CONNECTIONS", Rule::Count(0)),
    setting("QUERY_WAIT_TIMEOUT", Rule::Count(0)),
    setting("IDLE_TRANSACTION_TIMEOUT", Rule::Seconds),
    setting("INIT_SLEEP_TIME", Rule::Count(0)),
    setting("INIT_MAX_RETRIES", Rule::Count(0)),
    setting("IGNORE_STARTUP_PARAMETERS", Rule::Text),
    setting("DATABASE", Rule::Text),
    setting("SET_DATABASE_USER", Rule::OneOf(&["yes", "no"])),
    setting("CLIENT_TLS_SSLMODE", Rule::OneOf(TLS_MODES)),
    setting("SERVER_TLS_SSLMODE", Rule::OneOf(TLS_MODES)),
    setting("EXTRA_ARGS", Rule::Text),
    Setting { name: "PORT", aliases: &["LISTEN_PORT"], rule: Rule::Port },
];

/// The connection fields, which the image reads under these very names. They normally come
/// from the connection secret, which wins over the ConfigMap when both have one.
const CONNECTION: &[(&str, Rule)] = &[
    ("POSTGRESQL_HOST", Rule::Text),
    ("POSTGRESQL_PORT", Rule::Count(1)),
    ("POSTGRESQL_DATABASE", Rule::Text),
    ("POSTGRESQL_USERNAME", Rule::Text),
    ("POSTGRESQL_PASSWORD", Rule::Secret),
];

/// The image's variable for `key`, and the rule of its value.
fn resolve(key: &str) -> Option<(String, Rule)> {
    if let Some((name, rule)) = CONNECTION.iter().find(|(name, _)| *name == key) {
        return Some((name.to_string(), *rule));
    }
    let bare = key.strip_prefix("PGBOUNCER_").unwrap_or(key);
    let setting = SETTINGS.iter().find(|s| s.name == bare || (bare == key && s.aliases.contains(&key)))?;
    Some((format!("PGBOUNCER_{}", setting.name), setting.rule))
}

/// Every spelling a key may have, for "did you mean".
fn spellings() -> impl Iterator<Item = String> {
    let settings = SETTINGS.iter().flat_map(|s| {
        let names = std::iter::once(s.name).chain(s.aliases.iter().copied()).map(String::from);
        names.chain(std::iter::once(format!("PGBOUNCER_{}", s.name)))
    });
    settings.chain(CONNECTION.iter().map(|(name, _)| name.to_string()))
}

/// The checked settings as the image's variables (variable → value as written), or every
/// problem reported at `path.<key>`. The port, when given, is left out: it is the default.
pub fn check(input: &Input, path: &str, config: &BTreeMap<String, Verbatim>, port: i32, report: &mut Report) -> BTreeMap<String, String> {
    let mut variables = BTreeMap::new();
    let mut given_as: BTreeMap<String, &str> = BTreeMap::new();
    for (key, value) in config {
        let field = format!("{path}.{key}");
        let Some((variable, rule)) = resolve(key) else {
            let known: Vec<String> = spellings().collect();
            let message = match did_you_mean(key, known.iter().map(String::as_str)) {
                Some(suggestion) => format!("not a pgbouncer setting, did you mean {suggestion:?}?"),
                None => "not a pgbouncer setting (see the README for the list)".to_string(),
            };
            input.error(report, &field, message);
            continue;
        };
        if let Some(first) = given_as.insert(variable.clone(), key) {
            input.error(report, &field, format!("sets {variable}, as {first} does: keep one"));
            continue;
        }
        match check_value(rule, value, port) {
            Err(message) => input.error(report, &field, message),
            Ok(()) if matches!(rule, Rule::Port) => {}
            Ok(()) => drop(variables.insert(variable, value.to_string())),
        }
    }
    variables
}

/// A value as messages quote it: numbers as they are, anything else in quotes.
fn shown(text: &str) -> String {
    if text.parse::<f64>().is_ok() { text.to_string() } else { format!("{text:?}") }
}

/// Checks a value, as written, against its setting's rule.
fn check_value(rule: Rule, value: &Verbatim, port: i32) -> Result<(), String> {
    let text = value.0.as_str();
    let whole = text.parse::<i64>().ok();
    match rule {
        Rule::Count(min) => match whole {
            Some(count) if count >= min => Ok(()),
            _ => Err(format!("must be a whole number, at least {min}, got {}", shown(text))),
        },
        Rule::Seconds => match text.parse::<f64>() {
            Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(()),
            _ => Err(format!("must be a number of seconds, at least 0, got {}", shown(text))),
        },
        Rule::OneOf(choices) if choices.contains(&text) => Ok(()),
        Rule::OneOf(choices) => Err(format!("must be one of {}, got {}", choices.join(", "), shown(text))),
        Rule::Text => Ok(()),
        Rule::Port if whole == Some(i64::from(port)) => Ok(()),
        Rule::Port => Err(format!("the pooler listens on {port} (its Service and probes use that port): remove this setting")),
        Rule::Secret => Err("a password belongs in the connection secret, not in a ConfigMap: remove it here".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_resolve_to_the_image_variables() {
        let variable = |key: &str| resolve(key).map(|(variable, _)| variable);
        assert_eq!(variable("POOL_SIZE").as_deref(), Some("PGBOUNCER_DEFAULT_POOL_SIZE"));
        assert_eq!(variable("DEFAULT_POOL_SIZE").as_deref(), Some("PGBOUNCER_DEFAULT_POOL_SIZE"));
        assert_eq!(variable("PGBOUNCER_POOL_MODE").as_deref(), Some("PGBOUNCER_POOL_MODE"));
        assert_eq!(variable("LISTEN_PORT").as_deref(), Some("PGBOUNCER_PORT"));
        assert_eq!(variable("POSTGRESQL_HOST").as_deref(), Some("POSTGRESQL_HOST"));
        // Aliases are pgbouncer's names, not the image's: PGBOUNCER_POOL_SIZE is not a variable.
        assert_eq!(variable("PGBOUNCER_POOL_SIZE"), None);
        assert_eq!(variable("POOL_SIZ"), None);
    }

    #[test]
    fn values_follow_their_rule() {
        let value = |text: &str| Verbatim(text.to_string());
        assert!(check_value(Rule::Count(1), &value("100"), 6432).is_ok());
        assert!(check_value(Rule::Count(1), &value("0"), 6432).is_err());
        assert!(check_value(Rule::Count(0), &value("1.5"), 6432).is_err());
        assert!(check_value(Rule::Seconds, &value("0.5"), 6432).is_ok());
        assert!(check_value(Rule::Seconds, &value(".inf"), 6432).is_err());
        assert!(check_value(Rule::OneOf(&["yes", "no"]), &value("true"), 6432).is_err());
        assert!(check_value(Rule::Port, &value("6432"), 6432).is_ok());
        assert!(check_value(Rule::Port, &value("5432"), 6432).is_err());
    }
}
