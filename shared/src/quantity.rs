//! Kubernetes resource quantities (`250m`, `512Mi`, `1e3`), as apimachinery's `resource.Quantity` reads
//! them.

const BINARY_SUFFIXES: [(&str, u32); 6] = [("Ki", 10), ("Mi", 20), ("Gi", 30), ("Ti", 40), ("Pi", 50), ("Ei", 60)];
const DECIMAL_SUFFIXES: [(&str, i64); 10] =
    [("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];

/// A quantity taken apart: `digits` × 10^`exp10` × 2^`exp2` (`1.5Gi` is 15 × 10^-1 × 2^30),
/// and its sign.
struct Parsed {
    negative: bool,
    digits: String,
    exp10: i64,
    exp2: u32,
}

/// Takes a quantity apart as apimachinery's `parseQuantityString` and its suffixer do: an
/// optional sign, digits, an optional `.` and digits (either may be empty: `.`, `1.`, `m` and a
/// lone `-` are zero), then a suffix: a decimal or binary SI suffix, or `e`/`E` and a signed
/// exponent. Nothing else, not even a space (the API trims those first; see [`check_quantity`]).
fn parse_quantity(text: &str) -> Option<Parsed> {
    if text.is_empty() {
        return None;
    }
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let int_end = unsigned.find(|c: char| !c.is_ascii_digit()).unwrap_or(unsigned.len());
    let (int, rest) = unsigned.split_at(int_end);
    let (fraction, suffix) = match rest.strip_prefix('.') {
        Some(after) => after.split_at(after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len())),
        None => ("", rest),
    };
    let mut exp10 = -i64::try_from(fraction.len()).ok()?;
    let mut exp2 = 0;
    if let Some((_, e)) = BINARY_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        exp2 = *e;
    } else if let Some((_, e)) = DECIMAL_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        exp10 += e;
    } else {
        // `strconv.ParseInt` of what follows the `e`: an optional sign and digits.
        let exponent = suffix.strip_prefix(['e', 'E'])?;
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        exp10 = exp10.checked_add(exponent.parse::<i64>().ok()?)?;
    }
    let digits = format!("{int}{fraction}");
    let digits = if digits.is_empty() { "0".to_string() } else { digits };
    Some(Parsed { negative, digits, exp10, exp2 })
}

/// A resource quantity as the API server takes it: the JSON value with the spaces around it
/// trimmed, parsed as a Quantity, and not below zero (requests and limits are validated as
/// non-negative): `250m`, `0.5`, `1Gi`, `+1Ki`, `1E-3`, `-0` (`512MB` and `-1` are not).
pub fn check_quantity(text: &str) -> Result<(), String> {
    match parse_quantity(text.trim()) {
        Some(parsed) if parsed.negative && parsed.digits.bytes().any(|b| b != b'0') => {
            Err(format!("{text:?} is below zero: a quantity of a resource is at least 0"))
        }
        Some(_) => Ok(()),
        None => Err(format!("{text:?} is not a quantity: write it like 250m, 0.5, 512Mi or 2Gi")),
    }
}

/// The quantity in billionths, rounded up as the API server rounds (`0.1n` is `1n`); `None`
/// when it is not a quantity or more than 128 bits can count.
fn quantity_nanos(text: &str) -> Option<u128> {
    let parsed = parse_quantity(text.trim())?;
    let digits = parsed.digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    if parsed.negative {
        return None;
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
    let parsed = parse_quantity(text.trim())?;
    let mantissa: f64 = parsed.digits.parse::<f64>().ok()? * if parsed.negative { -1.0 } else { 1.0 };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// apimachinery's `TestQuantityParse` (pkg/api/resource/quantity_test.go at eed236ce): every
    /// input of its table parses, with `-` and `+` before it too; its `invalid` list does not
    /// (the two with spaces around them are trimmed by the API's JSON decoding first, and so
    /// are accepted here, as a value in a manifest is).
    #[test]
    fn quantities_as_apimachinery_parses_them() {
        let valid = [
            "0",
            "0n",
            "0u",
            "0m",
            "0Ki",
            "0k",
            "0Mi",
            "0M",
            "0Gi",
            "0G",
            "0Ti",
            "0T",
            "1",
            "1Ki",
            "8Ki",
            "7Mi",
            "6Gi",
            "5Ti",
            "4Pi",
            "3Ei",
            "10Ti",
            "100Ti",
            "5n",
            "4u",
            "3m",
            "9",
            "8k",
            "50k",
            "7M",
            "6G",
            "5T",
            "40T",
            "300T",
            "2P",
            "1E",
            "1E-3",
            "1e3",
            "1E6",
            "1e9",
            "1E12",
            "1e15",
            "1E18",
            "1e14",
            "1e13",
            "100.035k",
            "0.001",
            "0.0005k",
            "0.005",
            "0.05",
            "0.5",
            "0.00050k",
            "0.00500",
            "0.05000",
            "0.50000",
            "0.5e0",
            "0.5e-1",
            "0.5e-2",
            "10.035M",
            "1.2e3",
            "1.3E+6",
            "1.40e9",
            "1.53E12",
            "1.6e15",
            "1.7E18",
            "9.01",
            "8.1k",
            "7.123456M",
            "6.987654321G",
            "5.444T",
            "40.1T",
            "300.2T",
            "2.5P",
            "1.01E",
            "3.001n",
            "1.1E-9",
            "0.0000000001",
            "0.0000000005",
            "0.00000000050",
            "0.5e-9",
            "0.9n",
            "0.00000012345",
            "0.00000012354",
            "9Ei",
            "9223372036854775807Ki",
            "12E",
            "100.035Ki",
            "0.5Mi",
            "0.05Gi",
            "0.025Ti",
            "0.000000000001Ki",
            ".001",
            ".0001k",
            "1.",
            "1.G",
        ];
        for text in valid {
            for signed in [text.to_string(), format!("+{text}"), format!("-{text}")] {
                assert!(parse_quantity(&signed).is_some(), "{signed} parses");
            }
            assert_eq!(check_quantity(text), Ok(()), "{text}");
            assert_eq!(check_quantity(&format!("+{text}")), Ok(()), "+{text}");
        }
        for invalid in ["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 "] {
            assert!(parse_quantity(invalid).is_none(), "{invalid:?} does not parse");
        }
        // What the API server adds: spaces around the JSON value are trimmed; resources are
        // non-negative, zero with a sign included.
        assert_eq!(check_quantity(" 1 "), Ok(()));
        assert_eq!(check_quantity("-0"), Ok(()));
        assert!(check_quantity("-1").unwrap_err().contains("below zero"));
        assert!(check_quantity("-0.5Gi").unwrap_err().contains("below zero"));
        for bad in ["512MB", "", "abc", "1e", "1 Gi"] {
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
}
