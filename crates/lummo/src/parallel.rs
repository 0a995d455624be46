//! Work spread over the machine's cores, results in input order: packages render
//! independently, and reading a package's files and writing its resources are most of a
//! render's time, independent per file or resource.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every element, on up to as many threads as there are cores. Threads take batches
/// as they finish the last, so a few large elements (a big package) do not hold up the rest.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    // Several batches per thread balance the load; batches, not single elements, keep the
    // hand-out cheap for thousands of small ones.
    let batch = items.len().div_ceil(threads * 8);
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Vec<R>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let start = next.fetch_add(batch, Ordering::Relaxed);
                    let Some(part) = items.get(start..(start + batch).min(items.len())).filter(|p| !p.is_empty()) else { break };
                    let results = part.iter().map(&f).collect();
                    done.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push((start, results));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    done.sort_unstable_by_key(|(start, _)| *start);
    done.into_iter().flat_map(|(_, results)| results).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<usize> = (0..10_000).collect();
        assert_eq!(super::map(&items, |i| i * 2), items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(super::map(&[7], |i| i + 1), [8]);
        assert!(super::map(&[] as &[u8], |i| *i).is_empty());
    }
}
