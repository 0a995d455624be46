//! The name of the HorizontalPodAutoscaler that KEDA makes for a ScaledObject.
//!
//! KEDA names it `keda-hpa-<ScaledObject name>` unless the ScaledObject sets
//! `spec.advanced.horizontalPodAutoscalerConfig.name`, and its admission webhook (v2.20) refuses
//! a ScaledObject whose HPA name has more than 63 characters, since the name is also a label
//! value. A ScaledObject is named after its app, so an app of 55 to 63 characters needs a name
//! of its own for its HPA.

use lummo_krm::names::stable_hash;

/// What KEDA puts before the ScaledObject's name to name its HPA.
const KEDA_PREFIX: &str = "keda-hpa-";
/// The longest HPA name KEDA's webhook admits (a label value's limit).
pub const MAX_LENGTH: usize = 63;

/// The HPA name to write into a ScaledObject, or `None` when KEDA's own name fits: then the
/// ScaledObject stays as it always was, and so does the HPA that KEDA already made for it.
pub fn name(scaled_object: &str) -> Option<String> {
    if KEDA_PREFIX.len() + scaled_object.len() <= MAX_LENGTH {
        return None;
    }
    // KEDA's prefix, so the HPA is recognisably KEDA's; as much of the app's name as fits; a
    // hash of the whole name, so that apps alike in their first 45 characters stay apart.
    let hash = stable_hash(scaled_object.as_bytes());
    let hash = format!("{:08x}", (hash >> 32) ^ (hash & 0xffff_ffff));
    let mut cut = MAX_LENGTH - KEDA_PREFIX.len() - 1 - hash.len();
    while !scaled_object.is_char_boundary(cut) {
        cut -= 1;
    }
    // A start ending in '-' would put `--` before the hash.
    let start = scaled_object[..cut].trim_end_matches('-');
    Some(format!("{KEDA_PREFIX}{start}-{hash}"))
}
