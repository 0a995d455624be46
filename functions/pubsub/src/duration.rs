//! Durations as Pub/Sub and Config Connector take them: whole seconds, written `600s`.
//!
//! Only that form is accepted, so what the input says is what GCP shows. Other ways of writing
//! a duration (`10m`, `1h30m`, `7d`, a bare `600`) are refused with the seconds to write instead.

/// A duration that is not written as `<n>s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotSeconds {
    /// The same duration in whole seconds, when the text is one in other units.
    pub seconds: Option<u64>,
}

/// The seconds of `600s`.
pub fn seconds(text: &str) -> Result<u64, NotSeconds> {
    let digits = text.strip_suffix('s').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    match digits.and_then(|d| d.parse().ok()) {
        Some(seconds) => Ok(seconds),
        None => Err(NotSeconds { seconds: other_units(text) }),
    }
}

/// `10m`, `1h30m`, `7d`, `1.5h`, `600` → whole seconds, or `None` when it is no duration or
/// not whole seconds.
fn other_units(text: &str) -> Option<u64> {
    let mut rest = text.trim();
    if let Ok(seconds) = rest.parse::<u64>() {
        return Some(seconds);
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let number: f64 = rest[..number_end].parse().ok()?;
        let unit_end = rest[number_end..].find(|c: char| c.is_ascii_digit()).map_or(rest.len(), |i| number_end + i);
        let unit = match rest[number_end..unit_end].trim() {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            _ => return None,
        };
        total += number * unit;
        rest = &rest[unit_end..];
    }
    let whole = total.fract() == 0.0 && total < u64::MAX as f64;
    (whole && !text.trim().is_empty()).then_some(total as u64)
}

/// `604800s (7 days)`: seconds as written, with the largest whole unit for people.
pub fn describe(seconds: u64) -> String {
    let unit =
        [(86_400, "day"), (3600, "hour"), (60, "minute")].into_iter().find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size));
    match unit {
        Some((size, name)) => {
            let count = seconds / size;
            format!("{seconds}s ({count} {name}{})", if count == 1 { "" } else { "s" })
        }
        None => format!("{seconds}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_seconds_are_durations() {
        assert_eq!(seconds("600s"), Ok(600));
        assert_eq!(seconds("0s"), Ok(0));
        assert_eq!(seconds("2678400s"), Ok(2_678_400));
        for bad in ["", "s", "-5s", "1.5s", "never", "600ss", "99999999999999999999999s"] {
            assert_eq!(seconds(bad), Err(NotSeconds { seconds: None }), "{bad:?}");
        }
    }

    #[test]
    fn other_units_suggest_the_seconds_to_write() {
        let hint = |text| seconds(text).unwrap_err().seconds;
        assert_eq!(hint("10m"), Some(600));
        assert_eq!(hint("1h30m"), Some(5400));
        assert_eq!(hint("7d"), Some(604_800));
        assert_eq!(hint("1.5h"), Some(5400));
        assert_eq!(hint("600"), Some(600));
        assert_eq!(hint("2000ms"), Some(2));
        assert_eq!(hint("10 s"), Some(10));
        assert_eq!(hint("1500ms"), None);
        assert_eq!(hint("5w"), None);
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(describe(604_800), "604800s (7 days)");
        assert_eq!(describe(86_400), "86400s (1 day)");
        assert_eq!(describe(600), "600s (10 minutes)");
        assert_eq!(describe(5400), "5400s (90 minutes)");
        assert_eq!(describe(0), "0s");
        assert_eq!(describe(61), "61s");
    }
}
