//! Kubernetes resource quantities (`250m`, `512Mi`, `1e3`), as apimachinery's `resource.Quantity` reads
//! them.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
