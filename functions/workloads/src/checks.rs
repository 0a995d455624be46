//! Value checks the schema cannot express, each as the API server (or the container runtime)
//! applies it: integer ranges, quantities, port names, image references, environment variable
//! names, durations, cron schedules, time zones and the names of generated objects.

use lummo_krm::names::{check_dns_label, check_object_name};
pub use lummo_krm::quantity::{check_quantity, quantity_less};
use lummo_krm::schema::did_you_mean;

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

/// A latency threshold in seconds, from `500ms`, `1.5s` or a plain number of seconds; finite
/// and above 0.
pub fn latency_seconds(text: &str) -> Result<f64, String> {
    let (number, scale) = match text.strip_suffix("ms") {
        Some(ms) => (ms, 0.001),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    match number.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value * scale > 0.0 => Ok(value * scale),
        Ok(_) => Err(format!("must be a finite latency above 0, like 500ms or 1.5s, got {text:?}")),
        Err(_) => Err(format!("{text:?} is not a latency: write it like 500ms or 1.5s")),
    }
}

pub use lummo_krm::duration::is_go_duration;

// ---------------------------------------------------------------------------------------------
// Cron schedules

/// One field of a cron schedule: its name, its range and the names it takes.
struct CronField {
    name: &'static str,
    min: i64,
    max: i64,
    names: &'static [&'static str],
    hint: &'static str,
}

const CRON_FIELDS: [CronField; 5] = [
    CronField { name: "minute", min: 0, max: 59, names: &[], hint: "0-59" },
    CronField { name: "hour", min: 0, max: 23, names: &[], hint: "0-23" },
    CronField { name: "day of month", min: 1, max: 31, names: &[], hint: "1-31" },
    CronField {
        name: "month",
        min: 1,
        max: 12,
        names: &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        hint: "1-12 or jan-dec",
    },
    CronField {
        name: "day of week",
        min: 0,
        max: 6,
        names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
        hint: "0-6 or sun-sat, Sunday is 0",
    },
];

const CRON_DESCRIPTORS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/// A cron schedule as the API server reads a CronJob's (robfig/cron v3's standard parser):
/// five fields (`0 3 * * mon-fri`: lists, ranges, steps, `*` and `?`, month and day names), a
/// descriptor such as `@daily`, or `@every <Go duration>`. A time zone in the schedule (`TZ=`,
/// `CRON_TZ=`) is refused, as the API server refuses it.
pub fn check_schedule(schedule: &str) -> Result<(), String> {
    let invalid = |why: String| Err(format!("{schedule:?} is not a cron schedule: {why}"));
    if schedule.contains("TZ") {
        return Err(format!("{schedule:?} sets a time zone (TZ or CRON_TZ), which the API server refuses: set timeZone instead"));
    }
    if schedule.is_empty() {
        return invalid("it is empty".into());
    }
    if schedule.starts_with('@') {
        if CRON_DESCRIPTORS.contains(&schedule) {
            return Ok(());
        }
        return match schedule.strip_prefix("@every ") {
            Some(duration) if is_go_duration(duration) => Ok(()),
            Some(duration) => invalid(format!("{duration:?} is not a duration: write it like 90s, 15m or 1h30m")),
            None => invalid(format!("the descriptors are {} and @every <duration>", CRON_DESCRIPTORS.join(", "))),
        };
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return invalid(format!(
            "it needs 5 fields (minute hour day-of-month month day-of-week), or a descriptor such as @daily; it has {}",
            fields.len()
        ));
    }
    for (text, field) in fields.iter().zip(&CRON_FIELDS) {
        for part in text.split(',').filter(|p| !p.is_empty()) {
            if let Err(why) = cron_range(part, field) {
                return invalid(why);
            }
        }
    }
    Ok(())
}

/// One entry of a cron field (`5`, `1-5`, `*/15`, `mon-fri`, `10/5`), as robfig/cron reads it.
fn cron_range(part: &str, field: &CronField) -> Result<(), String> {
    let CronField { name, min, max, hint, .. } = *field;
    let number = |text: &str| -> Result<i64, String> {
        let named = field.names.iter().position(|n| n.eq_ignore_ascii_case(text)).and_then(|i| i64::try_from(i).ok());
        match named.map(|i| i + min).or_else(|| text.parse::<i64>().ok()) {
            Some(value) if value >= 0 => Ok(value),
            _ if text == part => Err(format!("{text:?} is not a {name} ({hint})")),
            _ => Err(format!("{text:?} in {part:?} is not a {name} ({hint})")),
        }
    };
    let (range, step) = match part.split('/').collect::<Vec<_>>()[..] {
        [range] => (range, None),
        [range, step] => (range, Some(step)),
        _ => return Err(format!("{part:?} has more than one '/'")),
    };
    let bounds: Vec<&str> = range.split('-').collect();
    let (start, mut end) = match bounds[..] {
        // As robfig/cron reads it: `*` is the whole range, whatever follows a '-'.
        ["*" | "?", ..] => (min, max),
        [one] => (number(one)?, number(one)?),
        [low, high] => (number(low)?, number(high)?),
        _ => return Err(format!("{part:?} has more than one '-'")),
    };
    if let Some(step) = step {
        if step.parse::<i64>().map_err(|_| format!("{step:?} in {part:?} is not a step"))? <= 0 {
            return Err(format!("the step of {part:?} must be a positive number"));
        }
        // `10/5` is `10-<max>/5`.
        if bounds.len() == 1 {
            end = max;
        }
    }
    if start < min || start > max || end > max {
        let outside = if start < min || start > max { start } else { end };
        return Err(format!("{outside} is not a {name} ({hint})"));
    }
    if start > end {
        return Err(format!("the {name} range {part:?} goes backwards"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Time zones

/// The IANA time zone names Kubernetes takes, one a line (`#` lines say how it was made).
const TIME_ZONES: &str = include_str!("time_zones.txt");

fn time_zones() -> impl Iterator<Item = &'static str> {
    TIME_ZONES.lines().filter(|line| !line.starts_with('#') && !line.is_empty())
}

/// A CronJob's `timeZone` as the API server checks it: an IANA time zone name (`Asia/Jakarta`,
/// `Etc/UTC`, `UTC`), exactly as written, not `Local`.
pub fn check_time_zone(zone: &str) -> Result<(), String> {
    if zone.is_empty() {
        return Err("must not be empty: leave timeZone out for the cluster's time zone".into());
    }
    if zone.eq_ignore_ascii_case("local") {
        return Err(format!("{zone:?} is the controller's own time zone, which the API server refuses: name one, such as Asia/Jakarta"));
    }
    if time_zones().any(|known| known == zone) {
        return Ok(());
    }
    // `GMT+7`: the Etc/ zones of whole hours name it, with POSIX's inverted sign.
    let by_offset = ["GMT", "UTC"].iter().find_map(|prefix| zone.strip_prefix(prefix)).and_then(|offset| {
        let (sign, inverted) = match offset.as_bytes().first() {
            Some(b'+') => ('+', '-'),
            Some(b'-') => ('-', '+'),
            _ => return None,
        };
        let hours: u8 = offset[1..].parse().ok().filter(|_| offset[1..].bytes().all(|b| b.is_ascii_digit()))?;
        let etc = format!("Etc/GMT{inverted}{hours}");
        Some(if time_zones().any(|known| known == etc) {
            format!(": for UTC{sign}{hours} write {etc} (its sign is inverted) or a place's zone, such as Asia/Jakarta")
        } else {
            ": the whole-hour zones go from Etc/GMT-14 (UTC+14) to Etc/GMT+12 (UTC-12), their sign inverted".to_string()
        })
    });
    // Suggestions for a name this short would be guesses.
    let similar = || if zone.len() >= 5 { did_you_mean(zone, time_zones()) } else { None };
    let hint = match by_offset {
        Some(hint) => hint,
        None => match time_zones().find(|known| known.eq_ignore_ascii_case(zone)).or_else(similar) {
            Some(known) => format!(", did you mean {known:?}?"),
            None => ": write one like Asia/Jakarta or Etc/UTC".into(),
        },
    };
    Err(format!("{zone:?} is not an IANA time zone name{hint}"))
}

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
    fn schedules() {
        for ok in [
            "0 3 * * *",
            "*/15 * * * 1-5",
            "0 0 1 jan,jul *",
            "5 4 * * SUN",
            "0 0 * * mon-fri",
            "0 0 ? * *",
            "10/5 * * * *",
            "0 0 1-31/2 * *",
            "0 0 * * 6",
            "+5 * * * *",
            "1,,2 * * * *",
            "@hourly",
            "@yearly",
            "@midnight",
            "@every 1h30m",
            "@every 90s",
        ] {
            assert_eq!(check_schedule(ok), Ok(()), "{ok}");
        }
        for bad in [
            "* * * *",
            "* * * * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "*/0 * * * *",
            "0 0 * foo *",
            "5-1 * * * *",
            "0 0 * * 7",
            "1-2-3 * * * *",
            "*/2/3 * * * *",
            "-1 * * * *",
            "70/5 * * * *",
            "",
            "@DAILY",
            "@daily ",
            " @daily",
            "@fortnightly",
            "@every 1d",
            "@every",
            "TZ=Asia/Jakarta 0 3 * * *",
            "CRON_TZ=UTC 0 3 * * *",
        ] {
            assert!(check_schedule(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_schedule("0 0 * * 7").unwrap_err(),
            "\"0 0 * * 7\" is not a cron schedule: 7 is not a day of week (0-6 or sun-sat, Sunday is 0)"
        );
        assert_eq!(
            check_schedule("CRON_TZ=UTC 0 3 * * *").unwrap_err(),
            "\"CRON_TZ=UTC 0 3 * * *\" sets a time zone (TZ or CRON_TZ), which the API server refuses: set timeZone instead"
        );
    }

    #[test]
    fn time_zones_are_iana_names() {
        for ok in ["Asia/Jakarta", "Etc/UTC", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+7", "US/Pacific", "GMT"] {
            assert_eq!(check_time_zone(ok), Ok(()), "{ok}");
        }
        assert!(time_zones().count() > 500 && time_zones().all(|zone| !zone.contains(' ')));
        let error = |zone: &str| check_time_zone(zone).unwrap_err();
        assert_eq!(error("Mars/Olympus"), "\"Mars/Olympus\" is not an IANA time zone name: write one like Asia/Jakarta or Etc/UTC");
        assert_eq!(
            error("GMT+7"),
            "\"GMT+7\" is not an IANA time zone name: for UTC+7 write Etc/GMT-7 (its sign is inverted) or a place's zone, such as Asia/Jakarta"
        );
        assert_eq!(error("asia/jakarta"), "\"asia/jakarta\" is not an IANA time zone name, did you mean \"Asia/Jakarta\"?");
        assert_eq!(error("Asia/Jakrta"), "\"Asia/Jakrta\" is not an IANA time zone name, did you mean \"Asia/Jakarta\"?");
        assert!(error("GMT+99").contains("the whole-hour zones go from Etc/GMT-14"));
        assert_eq!(error("é"), "\"é\" is not an IANA time zone name: write one like Asia/Jakarta or Etc/UTC");
        assert!(error("Local").contains("refuses") && error("").contains("empty"));
        assert!(check_time_zone("posix/Asia/Jakarta").is_err() && check_time_zone("localtime").is_err());
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
