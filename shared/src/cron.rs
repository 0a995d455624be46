//! Cron schedules and time zones of a CronJob, as Kubernetes reads them: the schedule with
//! robfig/cron's standard parser (five fields, the `@` descriptors, `@every`), the time zone as
//! an IANA name the API server's Go runtime knows (`time_zones.txt`).

use crate::duration::is_go_duration;
use crate::schema::did_you_mean;

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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// robfig/cron's own tables (parser_test.go at bc59245), as a CronJob's schedule reads them
    /// (`ParseStandard`): `TestRange`'s expressions in the minute field (0-59; its bounds
    /// checks in fields with those bounds), `TestStandardSpecSchedule`, and the five-field forms
    /// of `TestParseScheduleErrors`.
    #[test]
    fn schedules_as_robfig_cron_parses_them() {
        for minute in ["5", "0", "7", "5-5", "5-6", "5-7", "5-6/2", "5-7/2", "5-7/1", "*", "*/2"] {
            assert_eq!(check_schedule(&format!("{minute} * * * *")), Ok(()), "{minute}");
        }
        for minute in ["5--5", "jan-x", "2-x", "*/-12", "*//2", "5-3", "*/0"] {
            assert!(check_schedule(&format!("{minute} * * * *")).is_err(), "{minute}");
        }
        // Below the minimum, above the maximum: day of month starts at 1, hours end at 23.
        assert!(check_schedule("* * 0 * *").is_err() && check_schedule("* 24 * * *").is_err());
        for ok in ["5 * * * *", "@every 5m", "@midnight", "@yearly", "@annually"] {
            assert_eq!(check_schedule(ok), Ok(()), "{ok}");
        }
        for bad in ["5 j * * *", "* * * *", "@every Xm", "@unrecognized", ""] {
            assert!(check_schedule(bad).is_err(), "{bad:?}");
        }
    }
}
