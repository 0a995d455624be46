//! Value checks the schema cannot express, each as the API server (or the container runtime)
//! applies it: integer ranges, quantities, port names, image references, environment variable
//! names, durations, cron schedules, time zones and the names of generated objects.

use lummo_krm::names::{check_dns_label, check_object_name};
pub use lummo_krm::quantity::{check_quantity, quantity_less};

// ---------------------------------------------------------------------------------------------
// Integers

/// An int32 field of the API (a count, seconds, a threshold) that must be at least `min`: the
/// value, or a message with the API's range. The input types declare these fields `i64`, so
/// that every integer YAML can hold reaches this check: none wraps on its way into a manifest,
/// none fails to decode with a Rust type's name.
pub fn int32_field(value: i64, min: i32) -> Result<i32, String> {
    match i32::try_from(value) {
        Ok(v) if v >= min => Ok(v),
        _ => Err(format!("must be between {min} and {}, got {value}", i32::MAX)),
    }
}

/// An int64 field of the API (`activeDeadlineSeconds`, `startingDeadlineSeconds`) that must be
/// at least `min`.
pub fn int64_field(value: i64, min: i64) -> Result<i64, String> {
    if value >= min { Ok(value) } else { Err(format!("must be at least {min}, got {value}")) }
}

// ---------------------------------------------------------------------------------------------
// Ports, images, environment variables

pub use lummo_krm::names::check_port_name;

pub use lummo_krm::image::{check_image, unpinned_image};

/// An environment variable name as the API server takes it (Kubernetes 1.33: printable ASCII
/// without '=').
pub fn check_env_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a variable needs a name: this one is empty".into());
    }
    if name.contains('=') {
        return Err(format!("{name:?} is not a variable name: it may not contain '='"));
    }
    if !name.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Err(format!("{name:?} is not a variable name: it may have printable ASCII characters only"));
    }
    Ok(())
}

/// A C identifier (`[A-Za-z_][A-Za-z0-9_]*`): a name every shell and program can read.
pub fn is_portable_env_name(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

// ---------------------------------------------------------------------------------------------
// Durations and latencies

/// A pause, as Argo Rollouts reads it: whole seconds or a Go duration (`30s`, `5m`, `1h30m`).
pub fn check_duration(text: &str) -> Result<(), String> {
    match lummo_inputs::canary::pause_seconds(text) {
        Some(_) => Ok(()),
        None => Err(format!("{text:?} is not a duration: write it like 30s, 5m or 1h (or `manual`)")),
    }
}

/// A latency threshold in seconds, from a Go duration (`500ms`, `1.5s`) or a plain number of
/// seconds; finite and above 0.
pub fn latency_seconds(text: &str) -> Result<f64, String> {
    let text_trimmed = text.trim();
    let seconds = text_trimmed.parse::<f64>().ok().or_else(|| lummo_krm::duration::go_duration_seconds(text_trimmed));
    match seconds {
        Some(value) if value.is_finite() && value > 0.0 => Ok(value),
        Some(_) => Err(format!("must be a finite latency above 0, like 500ms or 1.5s, got {text:?}")),
        None => Err(format!("{text:?} is not a latency: write it like 500ms or 1.5s")),
    }
}

pub use lummo_krm::cron::{check_schedule, check_time_zone};

// ---------------------------------------------------------------------------------------------
// Names of generated objects

/// What is wrong with `name` as the name of an object of `kind`, by the API server's rule for
/// that kind: a Service's is a DNS-1035 label, a Job's at most 63 characters (its pods' job-name
/// label), a CronJob's at most 52 (its controller adds 11 to name the Jobs), any other's a
/// DNS-1123 subdomain.
pub fn object_name_problem(kind: &str, name: &str) -> Option<String> {
    let (max, why) = match kind {
        "Service" => (63, ""),
        "Job" => (63, " (it is also its pods' job-name label)"),
        "CronJob" => (52, " (the CronJob controller adds 11 characters to name its Jobs)"),
        _ => (253, ""),
    };
    if name.len() > max {
        return Some(format!("makes the {kind} name {name:?} ({} characters): a {kind} name may have at most {max}{why}", name.len()));
    }
    let rule = match kind {
        "Service" if !name.starts_with(|c: char| c.is_ascii_lowercase()) || check_dns_label(name).is_err() => {
            "a Service name starts with a lowercase letter, then lowercase letters, digits and '-'"
        }
        "Service" => return None,
        _ if check_object_name(name).is_err() => "use dot-separated parts of lowercase letters, digits and '-'",
        _ => return None,
    };
    Some(format!("makes the {kind} name {name:?}, which is not a valid name: {rule}"))
}

/// A short, stable digest (FNV-1a) of some text: the same content always gives the same value.
pub fn content_hash(text: &str) -> String {
    let hash = lummo_krm::names::stable_hash(text.as_bytes());
    format!("{:08x}", (hash >> 32) ^ (hash & 0xffff_ffff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_fields_name_the_apis_range() {
        assert_eq!(int32_field(3, 0), Ok(3));
        assert_eq!(int32_field(i64::from(i32::MAX), 1), Ok(i32::MAX));
        assert_eq!(int32_field(3_000_000_000, 0), Err("must be between 0 and 2147483647, got 3000000000".into()));
        assert_eq!(int32_field(0, 1), Err("must be between 1 and 2147483647, got 0".into()));
        assert_eq!(int32_field(i64::MIN, 0), Err(format!("must be between 0 and 2147483647, got {}", i64::MIN)));
        assert_eq!(int64_field(0, 1), Err("must be at least 1, got 0".into()));
        assert_eq!(int64_field(i64::MAX, 1), Ok(i64::MAX));
    }

    #[test]
    fn environment_variable_names() {
        for ok in ["LOG_LEVEL", "my.var", "MY-VAR", "1ST", "a b", "~"] {
            assert!(check_env_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "A=B", "NAÏVE", "TAB\t", "\u{7f}"] {
            assert!(check_env_name(bad).is_err(), "{bad:?}");
        }
        assert!(is_portable_env_name("LOG_LEVEL") && is_portable_env_name("_x1"));
        assert!(!is_portable_env_name("MY-VAR") && !is_portable_env_name("1ST") && !is_portable_env_name("my.var"));
    }

    #[test]
    fn object_names_follow_their_kinds_rules() {
        assert_eq!(object_name_problem("Service", "api"), None);
        assert_eq!(
            object_name_problem("Service", "1api").unwrap(),
            "makes the Service name \"1api\", which is not a valid name: a Service name starts with a lowercase letter, then lowercase letters, digits and '-'"
        );
        assert_eq!(object_name_problem("Deployment", "1api"), None);
        assert_eq!(object_name_problem("Job", &"a".repeat(63)), None);
        assert!(object_name_problem("Job", &"a".repeat(64)).unwrap().contains("at most 63 (it is also its pods' job-name label)"));
        assert_eq!(object_name_problem("CronJob", &"a".repeat(52)), None);
        assert!(object_name_problem("CronJob", &"a".repeat(53)).unwrap().contains("at most 52"));
        assert!(object_name_problem("AnalysisTemplate", &"a".repeat(254)).is_some());
        assert!(object_name_problem("ExternalSecret", "a..b").is_some());
    }

    #[test]
    fn durations_latencies_ports_and_hashes() {
        assert!(check_duration("5m").is_ok() && check_duration("5").is_ok() && check_duration("1h30m").is_ok());
        assert!(check_duration("m").is_err() && check_duration("-1m").is_err() && check_duration("5 minutes").is_err());
        assert_eq!(latency_seconds("500ms"), Ok(0.5));
        assert_eq!(latency_seconds("1.5s"), Ok(1.5));
        assert_eq!(latency_seconds("2"), Ok(2.0));
        assert!(latency_seconds("fast").is_err());
        for bad in ["0", "0ms", "-1", "-5ms", "inf", "NaN", "1e400s"] {
            assert!(latency_seconds(bad).is_err(), "{bad}");
        }
        assert!(check_port_name("http").is_ok() && check_port_name("8080").is_err() && check_port_name("a-very-long-port-name").is_err());
        assert_eq!(content_hash("a"), content_hash("a"));
        assert_ne!(content_hash("a"), content_hash("b"));
    }
}
