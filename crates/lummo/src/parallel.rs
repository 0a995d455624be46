//! Work spread over the machine's cores, results in input order: reading a package's files and
//! writing its resources are most of a render's time, and independent per file or resource.

/// `f` of every element, computed on up to as many threads as there are cores.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Below this, starting a thread costs more than it saves.
    if threads == 1 || items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items.chunks(chunk).map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|handle| handle.join().expect("workers do not panic")).collect()
    })
}
