//! The backlog per replica of a Pub/Sub trigger, and the durations it is computed from.
//!
//! KEDA adds a replica for every `value` undelivered messages. A replica that handles
//! `throughput` messages per second works through `latency × throughput` messages within
//! `latency`; a larger backlog per replica would keep messages waiting longer. So
//! `value = floor(latency × throughput)`, rounded down so that the latency is kept, and at
//! least 1.

use lummo_inputs::Scalar;

/// Seconds in `text`: a Go duration (`500ms`, `30s`, `2m`, `1h30m`), as KEDA's and Kubernetes'
/// own duration fields read them, not below zero.
pub fn seconds(text: &str) -> Result<f64, String> {
    let seconds = lummo_krm::duration::go_duration_seconds(text.trim()).filter(|seconds| *seconds >= 0.0);
    seconds.ok_or_else(|| format!("{text:?} is not a duration: write it like 500ms, 30s, 2m or 1h30m"))
}

/// A `size` as written: a whole number of messages (quoted in earlier inputs: then `true`).
pub fn size(size: &Scalar) -> Result<(u64, bool), String> {
    let (value, quoted) = match size {
        Scalar::Integer(value) => (u64::try_from(*value).ok(), false),
        Scalar::Text(text) => (text.trim().parse::<u64>().ok(), true),
        _ => (None, false),
    };
    match value {
        Some(value) if value >= 1 => Ok((value, quoted)),
        _ => Err(format!("size must be a whole number of messages per replica, at least 1, got {size}")),
    }
}

/// `floor(latency × throughput)`, at least 1.
pub fn from_latency(latency: &str, throughput: &Scalar) -> Result<u64, String> {
    let seconds = seconds(latency).map_err(|message| format!("latency: {message}"))?;
    let per_second = match throughput {
        Scalar::Integer(value) => *value as f64,
        Scalar::Number(value) => *value,
        _ => return Err(format!("throughput must be a number of messages per second, got {throughput}")),
    };
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(format!("throughput must be more than 0 messages per second, got {throughput}"));
    }
    if seconds <= 0.0 {
        return Err(format!("latency must be more than 0, got {latency:?}"));
    }
    // Round away the float error of products like 0.1 × 30 before flooring.
    let backlog = ((seconds * per_second) * 1e6).round() / 1e6;
    if backlog < 1.0 {
        return Err(format!("latency × throughput is {backlog} messages, less than one per replica: raise one of them"));
    }
    if backlog > u32::MAX as f64 {
        return Err(format!("latency × throughput is {backlog:.0} messages per replica, more than KEDA can use"));
    }
    Ok(backlog.floor() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(seconds("500ms"), Ok(0.5));
        assert_eq!(seconds("30s"), Ok(30.0));
        assert_eq!(seconds("2m"), Ok(120.0));
        assert_eq!(seconds("1h30m"), Ok(5400.0));
        assert_eq!(seconds("1.5s"), Ok(1.5));
        for bad in ["", "30", "s", "3x", "1m30", "-5s"] {
            assert!(seconds(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn backlog_is_latency_times_throughput_rounded_down() {
        let per_second = |n: f64| Scalar::Number(n);
        assert_eq!(from_latency("30s", &Scalar::Integer(20)), Ok(600));
        assert_eq!(from_latency("2m", &Scalar::Integer(5)), Ok(600));
        assert_eq!(from_latency("500ms", &Scalar::Integer(3)), Ok(1)); // 1.5 → 1: the latency holds
        assert_eq!(from_latency("2m", &per_second(0.5)), Ok(60));
        assert_eq!(from_latency("30s", &per_second(0.1)), Ok(3)); // not 2.9999999999999996 → 2
        assert_eq!(from_latency("1500ms", &per_second(2.5)), Ok(3)); // 3.75 → 3
        assert!(from_latency("100ms", &Scalar::Integer(5)).unwrap_err().contains("less than one per replica"));
        assert!(from_latency("30s", &Scalar::Integer(0)).is_err());
        assert!(from_latency("30s", &Scalar::Text("20".into())).is_err());
    }

    #[test]
    fn sizes_are_whole_and_positive() {
        assert_eq!(size(&Scalar::Integer(10000)), Ok((10000, false)));
        assert_eq!(size(&Scalar::Text("500".into())), Ok((500, true)));
        assert!(size(&Scalar::Integer(0)).is_err() && size(&Scalar::Number(1.5)).is_err());
    }
}
