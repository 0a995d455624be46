//! Durations as Go's `time.ParseDuration` reads them: what Kubernetes' `metav1.Duration` fields
//! (an ExternalSecret's refresh interval), Argo Rollouts and cron's `@every` take.

/// Whether `text` is a Go duration as `time.ParseDuration` reads it (`@every` takes one):
/// `1h30m`, `90s`, `1.5h`, `300ms`, `-1s`, `0`; units ns, us (µs), ms, s, m, h; at most
/// 2^63-1 nanoseconds.
pub fn is_go_duration(text: &str) -> bool {
    go_duration_nanos(text).is_some()
}

/// A Go duration in seconds (`5m` → 300), or `None` when it is not one.
pub fn go_duration_seconds(text: &str) -> Option<f64> {
    go_duration_nanos(text).map(|nanos| nanos as f64 / 1e9)
}

/// A Go duration in nanoseconds, negative ones included.
fn go_duration_nanos(text: &str) -> Option<i128> {
    const LIMIT: u64 = 1 << 63;
    let negative = text.starts_with('-');
    let mut rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
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
            return None;
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
            _ => return None,
        };
        let whole = if int.is_empty() { Some(0) } else { int.parse::<u64>().ok().filter(|v| *v <= LIMIT) };
        let mut value = whole.filter(|v| *v <= LIMIT / scale).map(|v| v * scale)?;
        if !fraction.is_empty() {
            // As Go does: a float is nanosecond-accurate for fractions of the largest unit.
            let part: f64 = format!("0.{fraction}").parse().unwrap_or(0.0);
            value = value.saturating_add((part * scale as f64) as u64);
        }
        match total.checked_add(value) {
            Some(sum) if value <= LIMIT && sum <= LIMIT => total = sum,
            _ => return None,
        }
        rest = next;
    }
    let signed = if negative { -i128::from(total) } else { i128::from(total) };
    (negative || total < LIMIT).then_some(signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        for ok in ["1h30m", "90s", "1.5h", "300ms", "-1s", "+5m", "0", "1us", "1µs", "1μs", "1ns", ".5s", "1.s", "2562047h"] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "1", "1d", "1h ", " 1h", "h", ".s", "1.5", "00", "9223372036854775808ns", "2562048h", "1H", "1h-1m"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
        assert!(is_go_duration("-9223372036854775808ns"));
        assert_eq!(go_duration_seconds("1h30m"), Some(5400.0));
        assert_eq!(go_duration_seconds("-1.5s"), Some(-1.5));
        assert_eq!(go_duration_seconds("3m"), Some(180.0));
    }
}
