//! Value checks the schema cannot express: quantities, port names, durations, cron schedules.

/// A Kubernetes resource quantity: `250m`, `0.5`, `1Gi`, `512Mi`, `1e3` (`512MB` is not one).
pub fn check_quantity(text: &str) -> Result<(), String> {
    const SUFFIXES: [&str; 13] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E"];
    let number_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, suffix) = text.split_at(number_end);
    let number_ok = !number.is_empty() && number != "." && number.matches('.').count() <= 1;
    let exponent = suffix.strip_prefix(['e', 'E']).is_some_and(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    if number_ok && (suffix.is_empty() || SUFFIXES.contains(&suffix) || exponent) {
        Ok(())
    } else {
        Err(format!("{text:?} is not a quantity: write it like 250m, 0.5, 512Mi or 2Gi"))
    }
}

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

/// A pause: `30s`, `5m`, `1h`.
pub fn check_duration(text: &str) -> Result<(), String> {
    let digits = text.trim_end_matches(['s', 'm', 'h']);
    let ok = !digits.is_empty() && digits.len() + 1 == text.len() && digits.bytes().all(|b| b.is_ascii_digit());
    if ok { Ok(()) } else { Err(format!("{text:?} is not a duration: write it like 30s, 5m or 1h (or `manual`)")) }
}

/// A latency threshold in seconds, from `500ms`, `1.5s` or a plain number of seconds.
pub fn latency_seconds(text: &str) -> Result<f64, String> {
    let error = || format!("{text:?} is not a latency: write it like 500ms or 1.5s");
    let (number, scale) = match text.strip_suffix("ms") {
        Some(ms) => (ms, 0.001),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    let value: f64 = number.trim().parse().map_err(|_| error())?;
    if value.is_finite() && value > 0.0 { Ok(value * scale) } else { Err(error()) }
}

/// A cron schedule as CronJobs take it: five fields or a macro such as `@hourly`.
pub fn check_schedule(schedule: &str) -> Result<(), String> {
    const MACROS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    if MACROS.contains(&schedule.trim()) {
        return Ok(());
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "{schedule:?} is not a cron schedule: it needs 5 fields (minute hour day-of-month month day-of-week), or a macro such as @daily"
        ));
    }
    let specs: [(&str, u32, u32, &[&str], u32); 5] = [
        ("minute", 0, 59, &[], 0),
        ("hour", 0, 23, &[], 0),
        ("day of month", 1, 31, &[], 0),
        ("month", 1, 12, &MONTHS, 1),
        ("day of week", 0, 7, &DAYS, 0),
    ];
    for (field, (name, min, max, names, first)) in fields.iter().zip(specs) {
        let value = |text: &str| -> Option<u32> {
            let lower = text.to_lowercase();
            names
                .iter()
                .position(|n| *n == lower)
                .map(|i| i as u32 + first)
                .or_else(|| text.parse().ok())
                .filter(|v| (min..=max).contains(v))
        };
        for part in field.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((range, step)) => (range, Some(step)),
                None => (part, None),
            };
            let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|s| s > 0));
            let range_ok = match range {
                "*" | "?" => true,
                _ => match range.split_once('-') {
                    Some((a, b)) => matches!((value(a), value(b)), (Some(a), Some(b)) if a <= b),
                    None => value(range).is_some(),
                },
            };
            if !(step_ok && range_ok) {
                return Err(format!("{schedule:?} is not a cron schedule: {part:?} is not a valid {name} ({min}-{max})"));
            }
        }
    }
    Ok(())
}

/// A short, stable digest (FNV-1a) of some text: the same content always gives the same value.
pub fn content_hash(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{:08x}", (hash >> 32) ^ (hash & 0xffff_ffff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in ["250m", "0.5", "1", "512Mi", "2Gi", "1e3", "1.5G"] {
            assert!(check_quantity(ok).is_ok(), "{ok}");
        }
        for bad in ["512MB", "", "abc", "1.2.3", "m"] {
            assert!(check_quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn schedules() {
        for ok in ["0 3 * * *", "*/15 * * * 1-5", "0 0 1 jan,jul *", "@hourly", "5 4 * * SUN", "0 0 * * 7"] {
            assert!(check_schedule(ok).is_ok(), "{ok}");
        }
        for bad in ["* * * *", "60 * * * *", "0 24 * * *", "0 0 0 * *", "*/0 * * * *", "0 0 * foo *", "5-1 * * * *"] {
            assert!(check_schedule(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_latencies_ports_and_hashes() {
        assert!(check_duration("5m").is_ok() && check_duration("5").is_err() && check_duration("m").is_err());
        assert_eq!(latency_seconds("500ms"), Ok(0.5));
        assert_eq!(latency_seconds("1.5s"), Ok(1.5));
        assert!(latency_seconds("fast").is_err());
        assert!(check_port_name("http").is_ok() && check_port_name("8080").is_err() && check_port_name("a-very-long-port-name").is_err());
        assert_eq!(content_hash("a"), content_hash("a"));
        assert_ne!(content_hash("a"), content_hash("b"));
    }
}
