//! Durations as Pub/Sub and Config Connector take them: protobuf's JSON form of a Duration,
//! seconds with up to nine fractional digits and an `s` (`600s`, `600.5s`, `0.000000001s`).
//!
//! The checks use the exact value (nanoseconds, so `600.000000001s` is above 600 seconds); the
//! output keeps the text as written, so what the input says is what GCP gets. Other ways of
//! writing a duration (`10m`, `1h30m`, `7d`, a bare `600`) are refused with the form to write.

use std::fmt;

const NANOS_PER_SECOND: i128 = 1_000_000_000;
/// protobuf's Duration holds at most this many seconds either way (about 10,000 years).
const MAX_SECONDS: i128 = 315_576_000_000;
/// Nanosecond resolution: the most fractional digits a Duration has.
const MAX_FRACTION_DIGITS: usize = 9;

/// An exact duration, in nanoseconds (signed, as protobuf's is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    nanos: i128,
}

/// A duration as the input wrote it (the text the output carries) and its value (what the
/// checks compare).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    pub value: Duration,
}

/// Text that is no duration `<n>s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotADuration {
    /// The same duration written as one, when the text is one in other units.
    pub hint: Option<Duration>,
}

impl Duration {
    pub const fn seconds(seconds: u64) -> Duration {
        Duration { nanos: seconds as i128 * NANOS_PER_SECOND }
    }

    /// `[-]<digits>[.<1 to 9 digits>]s` within protobuf's range, exactly.
    pub fn parse(text: &str) -> Result<Duration, NotADuration> {
        let exact = text.strip_suffix('s').and_then(|number| {
            let (sign, digits) = number.strip_prefix('-').map_or((1, number), |rest| (-1, rest));
            decimal_nanos(digits).map(|nanos| Duration { nanos: sign * nanos })
        });
        let in_range = |d: &Duration| d.nanos.abs() < (MAX_SECONDS + 1) * NANOS_PER_SECOND;
        exact.filter(in_range).ok_or(NotADuration { hint: other_units(text) })
    }

    fn whole_seconds(self) -> Option<i128> {
        (self.nanos % NANOS_PER_SECOND == 0).then_some(self.nanos / NANOS_PER_SECOND)
    }
}

impl Written {
    /// A default, written the way GCP shows it.
    pub fn seconds(seconds: u64) -> Written {
        Written { text: format!("{seconds}s"), value: Duration::seconds(seconds) }
    }
}

/// The shortest form: `600s`, `1.5s`, `-0.000000001s`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, nanos) = if self.nanos < 0 { ("-", -self.nanos) } else { ("", self.nanos) };
        let (whole, fraction) = (nanos / NANOS_PER_SECOND, nanos % NANOS_PER_SECOND);
        let fraction = format!("{fraction:09}");
        match fraction.trim_end_matches('0') {
            "" => write!(f, "{sign}{whole}s"),
            digits => write!(f, "{sign}{whole}.{digits}s"),
        }
    }
}

/// `<digits>[.<1 to 9 digits>]` as nanoseconds of its unit (`1.5` is 1_500_000_000).
fn decimal_nanos(number: &str) -> Option<i128> {
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (number, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Beyond 20 digits is far past any range (and would overflow).
    if !digits(whole) || whole.len() > 20 || fraction.is_some_and(|f| !digits(f) || f.len() > MAX_FRACTION_DIGITS) {
        return None;
    }
    let fraction = format!("{:0<9}", fraction.unwrap_or_default());
    Some(whole.parse::<i128>().ok()? * NANOS_PER_SECOND + fraction.parse::<i128>().ok()?)
}

/// `10m`, `1h30m`, `7d`, `1500ms`, `600` → the same duration, or `None` when it is none or
/// finer than a nanosecond.
fn other_units(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Some(nanos) = decimal_nanos(text) {
        return Some(Duration { nanos });
    }
    let (mut rest, mut nanos) = (text, 0_i128);
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let number = decimal_nanos(&rest[..number_end])?;
        let unit_end = rest[number_end..].find(|c: char| c.is_ascii_digit()).map_or(rest.len(), |i| number_end + i);
        let unit_nanos: i128 = match rest[number_end..unit_end].trim() {
            "ms" => 1_000_000,
            "s" => NANOS_PER_SECOND,
            "m" => 60 * NANOS_PER_SECOND,
            "h" => 3600 * NANOS_PER_SECOND,
            "d" => 86_400 * NANOS_PER_SECOND,
            _ => return None,
        };
        let scaled = number.checked_mul(unit_nanos)?;
        (scaled % NANOS_PER_SECOND == 0).then_some(())?;
        nanos = nanos.checked_add(scaled / NANOS_PER_SECOND)?;
        rest = &rest[unit_end..];
    }
    (!text.is_empty()).then_some(Duration { nanos })
}

/// `604800s (7 days)`: the duration, with the largest whole unit for people.
pub fn describe(duration: Duration) -> String {
    let Some(seconds) = duration.whole_seconds().filter(|s| *s > 0) else { return duration.to_string() };
    let unit = [(86_400, "day"), (3600, "hour"), (60, "minute")].into_iter().find(|(size, _)| seconds % size == 0);
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

    fn nanos(text: &str) -> Option<i128> {
        Duration::parse(text).ok().map(|d| d.nanos)
    }

    #[test]
    fn seconds_with_up_to_nine_fractional_digits() {
        assert_eq!(nanos("600s"), Some(600 * NANOS_PER_SECOND));
        assert_eq!(nanos("0s"), Some(0));
        assert_eq!(nanos("600.5s"), Some(600_500_000_000));
        assert_eq!(nanos("0.000000001s"), Some(1));
        assert_eq!(nanos("-0.5s"), Some(-500_000_000));
        for bad in ["", "s", "600", "1.s", ".5s", "1.0000000001s", "--5s", "+5s", "1e3s", "never", "600ss", "99999999999999999999999s"] {
            assert_eq!(nanos(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn other_units_suggest_the_form_to_write() {
        let hint = |text| Duration::parse(text).unwrap_err().hint.map(|d| d.to_string());
        assert_eq!(hint("10m").as_deref(), Some("600s"));
        assert_eq!(hint("1h30m").as_deref(), Some("5400s"));
        assert_eq!(hint("7d").as_deref(), Some("604800s"));
        assert_eq!(hint("1.5h").as_deref(), Some("5400s"));
        assert_eq!(hint("600").as_deref(), Some("600s"));
        assert_eq!(hint("1500ms").as_deref(), Some("1.5s"));
        assert_eq!(hint("10 s").as_deref(), Some("10s"));
        assert_eq!(hint("0.0000001ms"), None, "finer than a nanosecond");
        assert_eq!(hint("5w"), None);
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(describe(Duration::seconds(604_800)), "604800s (7 days)");
        assert_eq!(describe(Duration::seconds(86_400)), "86400s (1 day)");
        assert_eq!(describe(Duration::seconds(600)), "600s (10 minutes)");
        assert_eq!(describe(Duration::seconds(5400)), "5400s (90 minutes)");
        assert_eq!(describe(Duration::seconds(0)), "0s");
        assert_eq!(describe(Duration::seconds(61)), "61s");
        assert_eq!(describe(Duration::parse("600.50s").unwrap()), "600.5s");
    }
}
