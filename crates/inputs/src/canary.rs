//! A canary as Argo Rollouts runs it, in numbers: how long a background analysis needs to
//! stop a bad canary, how long the steps give it, and how many pods a weight means without
//! traffic routing. Workloads checks renders with these; the test suite checks every render's
//! Rollouts with them too.

use lummo_kinds::IntOrString;
use lummo_kinds::argo::{CanaryStep, Metric};

/// Seconds a metric needs to stop a rollout: its measurements come every `interval`, and it
/// fails (or is inconclusive) when more than `failureLimit` (or `inconclusiveLimit`) of them
/// do. The rule counts one interval per allowed measurement plus one, `interval × (limit +
/// 1)`, which leaves an interval of margin for Datadog's ingestion delay before the first
/// measurement sees the canary. `None` when the interval is not a duration.
pub fn seconds_to_act(metric: &Metric) -> Option<f64> {
    seconds_to_act_at(&metric.interval, metric.failure_limit.max(metric.inconclusive_limit.unwrap_or(0)))
}

/// [`seconds_to_act`] of a metric measured every `interval` that stops the rollout after `limit`.
pub fn seconds_to_act_at(interval: &str, limit: i32) -> Option<f64> {
    Some(lummo_krm::duration::go_duration_seconds(interval)? * f64::from(limit + 1))
}

/// The step background analysis starts at: `starting_step`, never past the last of `steps`.
pub fn analysis_start(starting_step: i32, steps: usize) -> usize {
    usize::try_from(starting_step).unwrap_or(0).min(steps.saturating_sub(1))
}

/// How long the steps from `start` pause, when that is less than `needed` seconds (a manual
/// pause is always enough).
pub fn pauses_short_of(steps: &[CanaryStep], start: usize, needed: f64) -> Option<f64> {
    let pauses = pauses_from(steps, start);
    match pauses {
        Pauses::Seconds(paused) if !pauses.covers(needed) => Some(paused),
        _ => None,
    }
}

/// How long the steps from `start` (the analysis's starting step) to full promotion pause.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pauses {
    /// A `pause: {}` waits for a person: the analysis has all the time it needs.
    Manual,
    Seconds(f64),
}

impl Pauses {
    pub fn covers(self, seconds: f64) -> bool {
        match self {
            Pauses::Manual => true,
            Pauses::Seconds(paused) => paused >= seconds,
        }
    }
}

/// A pause's duration in seconds as Argo Rollouts reads it (`RolloutPause.DurationSeconds`):
/// whole seconds (`30`, an int32), else a Go duration (`5m`, `1h30m`) cut to whole seconds;
/// `None` for anything else or below zero, which Argo Rollouts' validation refuses.
pub fn pause_seconds(text: &str) -> Option<f64> {
    let seconds = match text.parse::<i32>() {
        Ok(seconds) => f64::from(seconds),
        Err(_) => lummo_krm::duration::go_duration_seconds(text)?.trunc(),
    };
    (seconds >= 0.0 && seconds <= f64::from(i32::MAX)).then_some(seconds)
}

/// The pauses at or after step `start`. A pause whose duration is not one counts as none.
pub fn pauses_from(steps: &[CanaryStep], start: usize) -> Pauses {
    let mut total = 0.0;
    for step in steps.iter().skip(start) {
        match step {
            CanaryStep::Pause(pause) => match &pause.duration {
                None => return Pauses::Manual,
                Some(IntOrString::Int(seconds)) => total += f64::from(*seconds),
                Some(IntOrString::String(text)) => total += pause_seconds(text).unwrap_or(0.0),
            },
            CanaryStep::SetWeight(_) => {}
        }
    }
    Pauses::Seconds(total)
}

/// `90` → `1m30s`, `720` → `12m`: a duration as a person writes it.
pub fn human_duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    let (hours, minutes, seconds) = (whole / 3600, whole % 3600 / 60, whole % 60);
    let parts = [(hours, "h"), (minutes, "m"), (seconds, "s")];
    let text: String = parts.iter().filter(|(n, _)| *n > 0).map(|(n, unit)| format!("{n}{unit}")).collect();
    if text.is_empty() { "0s".into() } else { text }
}

/// Argo Rollouts' default `maxSurge` of a canary, 25% of the replicas rounded up.
pub fn default_max_surge(replicas: i32) -> i32 {
    i32::try_from((i64::from(replicas) + 3) / 4).unwrap_or(i32::MAX)
}

/// Canary and stable pods for `weight` (of 100) at `replicas` without traffic routing: the
/// count closest to the weight, as Argo Rollouts picks it (`approximateWeightedCanary
/// StableReplicaCounts`: floor or ceiling, with or without one surge pod; a weight from 1 to
/// 99 never gets zero canary pods once two pods are possible).
pub fn pods_at_weight(replicas: i32, weight: i32, max_surge: i32) -> (i32, i32) {
    if replicas == 0 {
        return (0, 0);
    }
    let exact = f64::from(replicas) * f64::from(weight) / 100.0;
    let (ceil, floor) = (exact.ceil() as i32, exact.floor() as i32);
    let tied = |total: i32| (f64::from(total) * f64::from(weight) / 100.0).fract() == 0.5;
    let zero_allowed = weight == 100 || weight == 0 || (replicas == 1 && max_surge == 0);
    let mut options = Vec::new();
    if ceil < replicas || zero_allowed {
        options.push((ceil, replicas));
    }
    if !tied(replicas) && (floor != 0 || zero_allowed) {
        options.push((floor, replicas));
    }
    if max_surge > 0 && replicas < i32::MAX {
        options.push((ceil, replicas + 1));
        if !tied(replicas + 1) && (floor != 0 || zero_allowed) {
            options.push((floor, replicas + 1));
        }
    }
    let delta = |(canary, total): (i32, i32)| (f64::from(canary) * 100.0 / f64::from(total) - f64::from(weight)).abs();
    // The first of the closest, as Argo keeps the first unless a later one is strictly closer.
    let best = options.iter().copied().fold(None, |best: Option<(i32, i32)>, option| match best {
        Some(best) if delta(option) >= delta(best) => Some(best),
        _ => Some(option),
    });
    best.map_or((0, replicas), |(canary, total)| (canary, total.saturating_sub(canary)))
}

/// What each weight of `steps` is in pods at `replicas` without traffic routing: `30% is 1 of
/// 3 pods (33%)`, one phrase per weight between 0 and 100.
pub fn pod_shares(steps: &[CanaryStep], replicas: i32) -> String {
    let mut weights: Vec<i32> = steps.iter().filter_map(|s| if let CanaryStep::SetWeight(w) = s { Some(*w) } else { None }).collect();
    weights.retain(|w| (1..100).contains(w));
    weights.dedup();
    let phrases = weights.iter().map(|&weight| {
        let (canary, stable) = pods_at_weight(replicas, weight, default_max_surge(replicas));
        let total = canary.saturating_add(stable).max(1);
        format!("{weight}% is {canary} of {total} pods ({}%)", (f64::from(canary) * 100.0 / f64::from(total)).round())
    });
    phrases.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Argo Rollouts' `TestApproximateWeightedNewStableReplicaCounts`
    /// (utils/replicaset/canary_test.go at 9f8d111d8), maxWeight 100: replicas, weight,
    /// maxSurge, canary, stable.
    #[test]
    fn pods_as_argo_rollouts_counts_them() {
        let table = [
            (0, 0, 0, 0, 0),
            (0, 50, 0, 0, 0),
            (0, 100, 0, 0, 0),
            (0, 0, 1, 0, 0),
            (0, 50, 1, 0, 0),
            (0, 100, 1, 0, 0),
            (1, 0, 0, 0, 1),
            (1, 1, 0, 0, 1),
            (1, 49, 0, 0, 1),
            (1, 50, 0, 1, 0),
            (1, 99, 0, 1, 0),
            (1, 100, 0, 1, 0),
            (1, 0, 1, 0, 1),
            (1, 1, 1, 1, 1),
            (1, 49, 1, 1, 1),
            (1, 50, 1, 1, 1),
            (1, 99, 1, 1, 1),
            (1, 100, 1, 1, 0),
            (2, 0, 0, 0, 2),
            (2, 1, 0, 1, 1),
            (2, 50, 0, 1, 1),
            (2, 99, 0, 1, 1),
            (2, 100, 0, 2, 0),
            (2, 0, 1, 0, 2),
            (2, 1, 1, 1, 2),
            (2, 50, 1, 1, 1),
            (2, 99, 1, 2, 1),
            (2, 100, 1, 2, 0),
            (3, 10, 0, 1, 2),
            (3, 25, 0, 1, 2),
            (3, 33, 0, 1, 2),
            (3, 34, 0, 1, 2),
            (3, 49, 0, 1, 2),
            (3, 50, 0, 2, 1),
            (3, 10, 1, 1, 3),
            (3, 25, 1, 1, 3),
            (3, 33, 1, 1, 2),
            (3, 34, 1, 1, 2),
            (3, 49, 1, 2, 2),
            (3, 50, 1, 2, 2),
            (10, 0, 1, 0, 10),
            (10, 1, 0, 1, 9),
            (10, 14, 0, 1, 9),
            (10, 15, 0, 2, 8),
            (10, 16, 0, 2, 8),
            (10, 99, 0, 9, 1),
            (10, 100, 1, 10, 0),
            (10, 1, 1, 1, 10),
            (10, 18, 1, 2, 9),
            (10, 19, 1, 2, 9),
            (10, 20, 1, 2, 8),
            (10, 23, 1, 2, 8),
            (10, 24, 1, 3, 8),
            (10, 25, 1, 3, 8),
            (10, 99, 1, 10, 1),
        ];
        for (replicas, weight, surge, canary, stable) in table {
            assert_eq!(pods_at_weight(replicas, weight, surge), (canary, stable), "replicas {replicas}, weight {weight}, surge {surge}");
        }
    }

    #[test]
    fn pauses_and_budgets() {
        let pause = |d: &str| CanaryStep::Pause(lummo_kinds::argo::Pause { duration: Some(IntOrString::String(d.into())) });
        let steps = [CanaryStep::SetWeight(30), pause("5m"), CanaryStep::SetWeight(60), pause("10m"), CanaryStep::SetWeight(100)];
        assert_eq!(pauses_from(&steps, 2), Pauses::Seconds(600.0));
        assert_eq!(pauses_from(&steps, 0), Pauses::Seconds(900.0));
        let manual = [CanaryStep::SetWeight(30), CanaryStep::Pause(Default::default())];
        assert_eq!(pauses_from(&manual, 0), Pauses::Manual);
        assert!(Pauses::Manual.covers(1e9) && !Pauses::Seconds(600.0).covers(720.0));
        assert_eq!((human_duration(720.0), human_duration(90.0), human_duration(0.0)), ("12m".into(), "1m30s".into(), "0s".into()));
        assert_eq!(default_max_surge(2), 1);
        // RolloutPause.DurationSeconds: whole seconds or a Go duration, never below zero.
        assert_eq!((pause_seconds("30"), pause_seconds("1h30m"), pause_seconds("1.5s")), (Some(30.0), Some(5400.0), Some(1.0)));
        assert_eq!((pause_seconds("-1s"), pause_seconds("-5"), pause_seconds("5 minutes")), (None, None, None));
        assert_eq!(default_max_surge(8), 2);
        assert_eq!(pod_shares(&steps, 2), "30% is 1 of 3 pods (33%), 60% is 2 of 3 pods (67%)");
    }
}
