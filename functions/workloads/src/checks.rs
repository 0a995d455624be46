//! Value checks the schema cannot express, each as the API server (or the container runtime)
//! applies it: integer ranges, quantities, port names, image references, environment variable
//! names, durations, cron schedules, time zones and the names of generated objects.

use lummo_krm::names::{check_dns_label, check_dns_subdomain};
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
// Quantities

const BINARY_SUFFIXES: [(&str, u32); 6] = [("Ki", 10), ("Mi", 20), ("Gi", 30), ("Ti", 40), ("Pi", 50), ("Ei", 60)];
const DECIMAL_SUFFIXES: [(&str, i64); 10] =
    [("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];

/// A quantity taken apart: `digits` × 10^`exp10` × 2^`exp2` (`1.5Gi` is 15 × 10^-1 × 2^30).
struct Parsed {
    digits: String,
    exp10: i64,
    exp2: u32,
}

fn parse_quantity(text: &str) -> Option<Parsed> {
    let number_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, suffix) = text.split_at(number_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return None;
    }
    let (int, fraction) = number.split_once('.').unwrap_or((number, ""));
    let mut exp10 = -i64::try_from(fraction.len()).ok()?;
    let mut exp2 = 0;
    if let Some((_, e)) = BINARY_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        exp2 = *e;
    } else if let Some((_, e)) = DECIMAL_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        exp10 += e;
    } else {
        let exponent = suffix.strip_prefix(['e', 'E'])?;
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        exp10 = exp10.checked_add(exponent.parse::<i64>().ok()?)?;
    }
    Some(Parsed { digits: format!("{int}{fraction}"), exp10, exp2 })
}

/// A Kubernetes resource quantity: `250m`, `0.5`, `1Gi`, `512Mi`, `1e3` (`512MB` is not one).
pub fn check_quantity(text: &str) -> Result<(), String> {
    match parse_quantity(text) {
        Some(_) => Ok(()),
        None => Err(format!("{text:?} is not a quantity: write it like 250m, 0.5, 512Mi or 2Gi")),
    }
}

/// The quantity in billionths, rounded up as the API server rounds (`0.1n` is `1n`); `None`
/// when it is not a quantity or more than 128 bits can count.
fn quantity_nanos(text: &str) -> Option<u128> {
    let parsed = parse_quantity(text)?;
    let digits = parsed.digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    let value = digits.parse::<u128>().ok()?.checked_mul(1u128.checked_shl(parsed.exp2)?)?;
    let scale = parsed.exp10.checked_add(9)?;
    match u32::try_from(scale) {
        Ok(up) => value.checked_mul(10u128.checked_pow(up)?),
        // Below a billionth: what is left rounds up to one.
        Err(_) => Some(u32::try_from(-scale).ok().and_then(|down| 10u128.checked_pow(down)).map_or(1, |d| value.div_ceil(d))),
    }
}

/// The quantity as a float, for the quantities too large to count exactly.
fn quantity_f64(text: &str) -> Option<f64> {
    let parsed = parse_quantity(text)?;
    let mantissa: f64 = parsed.digits.parse().ok()?;
    let exp10 = i32::try_from(parsed.exp10.clamp(-400, 400)).ok()?;
    Some(mantissa * 10f64.powi(exp10) * 2f64.powi(i32::try_from(parsed.exp2).ok()?))
}

/// Whether quantity `low` is less than `high` (both valid), compared by value as the API server
/// compares a limit with its request: `1Gi` is not less than `1073741824`, `0.1` not less than `100m`.
pub fn quantity_less(low: &str, high: &str) -> bool {
    match (quantity_nanos(low), quantity_nanos(high)) {
        (Some(low), Some(high)) => low < high,
        _ => matches!((quantity_f64(low), quantity_f64(high)), (Some(low), Some(high)) if low < high),
    }
}

// ---------------------------------------------------------------------------------------------
// Ports, images, environment variables

/// A container port name (IANA service name): at most 15 lowercase letters, digits and '-',
/// with at least one letter.
pub fn check_port_name(name: &str) -> Result<(), String> {
    let chars_ok = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok = !name.is_empty()
        && name.len() <= 15
        && chars_ok
        && name.bytes().any(|b| b.is_ascii_lowercase())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if ok { Ok(()) } else { Err(format!("{name:?} is not a port name: up to 15 lowercase letters, digits and single '-', with a letter")) }
}

/// An image reference as the container runtime parses it (the distribution reference grammar):
/// `[registry[:port]/]repository[:tag][@digest]`. The repository is lowercase (only the tag and
/// the registry's host may have upper case); a digest is `sha256:` and 64 lowercase hex digits
/// (or sha384, sha512).
pub fn check_image(image: &str) -> Result<(), String> {
    if image.trim() != image {
        return Err(format!("{image:?} has spaces around it: remove them"));
    }
    if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{image:?} is not an image reference: it contains a space"));
    }
    let (name_and_tag, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest {
        let hex = match digest.split_once(':') {
            Some(("sha256", hex)) => (hex.len() == 64).then_some(hex),
            Some(("sha384", hex)) => (hex.len() == 96).then_some(hex),
            Some(("sha512", hex)) => (hex.len() == 128).then_some(hex),
            _ => None,
        };
        if !hex.is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))) {
            return Err(format!("{image:?} has an invalid digest {digest:?}: write it as sha256: and 64 lowercase hex digits"));
        }
    }
    let after_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag[after_slash..].rfind(':') {
        Some(i) => (&name_and_tag[..after_slash + i], Some(&name_and_tag[after_slash + i + 1..])),
        None => (name_and_tag, None),
    };
    if let Some(tag) = tag {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let ok = tag.len() <= 128 && tag.bytes().next().is_some_and(word) && tag.bytes().all(|b| word(b) || b == b'.' || b == b'-');
        if !ok {
            return Err(format!(
                "{image:?} has an invalid tag {tag:?}: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"
            ));
        }
    }
    if name.len() > 255 {
        return Err(format!("{image:?} is not an image reference: its name is longer than 255 characters"));
    }
    // The first part names a registry when it looks like a host (as `docker pull` decides).
    let (registry, repository) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" || first.bytes().any(|b| b.is_ascii_uppercase()) => {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if let Some(registry) = registry
        && !is_registry(registry)
    {
        return Err(format!("{image:?} has an invalid registry {registry:?}: write it like registry.example.com or localhost:5000"));
    }
    if repository.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(format!("{image:?}: the repository {repository:?} must be lowercase (only the tag may have upper case)"));
    }
    if repository.is_empty() || !repository.split('/').all(is_path_component) {
        return Err(format!(
            "{image:?} is not an image reference: the repository {repository:?} takes lowercase letters and digits, \
             with single '.', '_', '__' or dashes between them, in parts separated by '/'"
        ));
    }
    Ok(())
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`: lowercase words with single separators between them.
fn is_path_component(part: &str) -> bool {
    let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    part.starts_with(word)
        && part.ends_with(word)
        && part.split(word).filter(|s| !s.is_empty()).all(|sep| matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-'))
}

/// `host[:port]`: dot-separated labels of letters, digits and '-' (or `[IPv6]`), and a port.
fn is_registry(registry: &str) -> bool {
    let (host, port) = match registry.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && (host.starts_with('[') == host.ends_with(']')) => (host, Some(port)),
        _ => (registry, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ipv6) => !ipv6.is_empty() && ipv6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':'),
        None => host.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        }),
    };
    port_ok && host_ok
}

/// Why an image is not pinned to a version, if it is not: no tag, or `latest` (a digest pins
/// it either way).
pub fn unpinned_image(image: &str) -> Option<&'static str> {
    if image.contains('@') {
        return None;
    }
    match lummo_krm::image::tag(image).as_str() {
        "latest" if image.ends_with(":latest") => Some("is tagged latest"),
        "latest" => Some("has no tag"),
        _ => None,
    }
}

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

/// A pause: `30s`, `5m`, `1h`.
pub fn check_duration(text: &str) -> Result<(), String> {
    let digits = text.trim_end_matches(['s', 'm', 'h']);
    let ok = !digits.is_empty() && digits.len() + 1 == text.len() && digits.bytes().all(|b| b.is_ascii_digit());
    if ok { Ok(()) } else { Err(format!("{text:?} is not a duration: write it like 30s, 5m or 1h (or `manual`)")) }
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

/// Whether `text` is a Go duration as `time.ParseDuration` reads it (`@every` takes one):
/// `1h30m`, `90s`, `1.5h`, `300ms`, `-1s`, `0`; units ns, us (µs), ms, s, m, h; at most
/// 2^63-1 nanoseconds.
pub fn is_go_duration(text: &str) -> bool {
    const LIMIT: u64 = 1 << 63;
    let negative = text.starts_with('-');
    let mut rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    if rest == "0" {
        return true;
    }
    if rest.is_empty() {
        return false;
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let int_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let (int, after) = rest.split_at(int_end);
        let (fraction, after) = match after.strip_prefix('.') {
            Some(after) => after.split_at(after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len())),
            None => ("", after),
        };
        if int.is_empty() && fraction.is_empty() {
            return false;
        }
        let unit_end = after.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let scale: u64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return false,
        };
        let whole = if int.is_empty() { Some(0) } else { int.parse::<u64>().ok().filter(|v| *v <= LIMIT) };
        let Some(mut value) = whole.filter(|v| *v <= LIMIT / scale).map(|v| v * scale) else { return false };
        if !fraction.is_empty() {
            // As Go does: a float is nanosecond-accurate for fractions of the largest unit.
            let part: f64 = format!("0.{fraction}").parse().unwrap_or(0.0);
            value = value.saturating_add((part * scale as f64) as u64);
        }
        match total.checked_add(value) {
            Some(sum) if value <= LIMIT && sum <= LIMIT => total = sum,
            _ => return false,
        }
        rest = next;
    }
    negative || total < LIMIT
}

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
        _ if check_dns_subdomain(name).is_err() => "use dot-separated parts of lowercase letters, digits and '-'",
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
    fn quantities() {
        for ok in ["250m", "0.5", "1", "512Mi", "2Gi", "1e3", "1.5G", "100n", "5u", ".5", "1E-3"] {
            assert!(check_quantity(ok).is_ok(), "{ok}");
        }
        for bad in ["512MB", "", "abc", "1.2.3", "m", ".", "1e", "-1", "1 Gi"] {
            assert!(check_quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities_compare_by_value() {
        assert!(quantity_less("256Mi", "512Mi") && !quantity_less("512Mi", "256Mi"));
        assert!(!quantity_less("1Gi", "1073741824") && !quantity_less("1073741824", "1Gi"));
        assert!(!quantity_less("0.1", "100m") && !quantity_less("100m", "0.1"));
        assert!(quantity_less("999m", "1") && quantity_less("1G", "1Gi") && quantity_less("500M", "0.5Gi"));
        assert!(quantity_less("1e3", "2k") && !quantity_less("1e3", "1k"));
        // Below a billionth rounds up to one, as the API server rounds.
        assert!(!quantity_less("0.1n", "1n") && quantity_less("0", "0.1n"));
        // Beyond 128 bits: compared as floats.
        assert!(quantity_less("1e30", "1e40") && !quantity_less("1e40", "1e30"));
    }

    #[test]
    fn images() {
        for ok in [
            "python:3.12",
            "registry.example.com:5000/team/app:1.2.3",
            "registry.example.com/foobar:1.4.2-RC_1",
            "localhost/app",
            "Registry.Example.com/app:1",
            "a/b__c/d-e--f.g:latest",
            "[::1]:5000/app:1",
            &format!("app@sha256:{}", "a".repeat(64)),
            &format!("app:1.0@sha256:{}", "0123456789abcdef".repeat(4)),
        ] {
            assert_eq!(check_image(ok), Ok(()), "{ok}");
        }
        let error = |image: &str| check_image(image).unwrap_err();
        assert_eq!(error(" app:1"), "\" app:1\" has spaces around it: remove them");
        assert_eq!(error("my app:1"), "\"my app:1\" is not an image reference: it contains a space");
        assert_eq!(
            error("registry.example.com/MyApp:1"),
            "\"registry.example.com/MyApp:1\": the repository \"MyApp\" must be lowercase (only the tag may have upper case)"
        );
        assert_eq!(error("MyApp"), "\"MyApp\": the repository \"MyApp\" must be lowercase (only the tag may have upper case)");
        assert!(error("app@sha256:abc").contains("invalid digest"));
        assert!(error(&format!("app@sha256:{}", "A".repeat(64))).contains("invalid digest"));
        assert!(error("app:.1").contains("invalid tag") && error("app:").contains("invalid tag"));
        assert!(error("app:1:2").contains("takes lowercase letters"));
        for bad in ["-app", "app-", "a..b", "a/", "/a", "a//b", "a___b"] {
            assert!(error(bad).contains("takes lowercase letters"), "{bad}");
        }
        assert!(error("bad_host.com/app").contains("invalid registry"));
        assert_eq!(unpinned_image("app"), Some("has no tag"));
        assert_eq!(unpinned_image("registry.example.com:5000/app"), Some("has no tag"));
        assert_eq!(unpinned_image("app:latest"), Some("is tagged latest"));
        assert_eq!(unpinned_image("app:1"), None);
        assert_eq!(unpinned_image(&format!("app@sha256:{}", "a".repeat(64))), None);
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
    fn go_durations() {
        for ok in ["1h30m", "90s", "1.5h", "300ms", "-1s", "+5m", "0", "1us", "1µs", "1μs", "1ns", ".5s", "1.s", "2562047h"] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "1", "1d", "1h ", " 1h", "h", ".s", "1.5", "00", "9223372036854775808ns", "2562048h", "1H", "1h-1m"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
        assert!(is_go_duration("-9223372036854775808ns"));
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
        assert!(check_duration("5m").is_ok() && check_duration("5").is_err() && check_duration("m").is_err());
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
