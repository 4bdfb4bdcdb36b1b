//! Deterministic helpers for the scorer: a seeded pseudo-random generator
//! and splitting work over the cores with results in input order.

/// A deterministic pseudo-random generator (SplitMix64).
pub(super) struct Rng(pub(super) u64);
impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    /// A random lower-case word of `n` letters (tests' made-up names).
    #[cfg(test)]
    pub(super) fn word(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| (b'a' + self.below(26) as u8) as char)
            .collect()
    }
}

/// The threads the scorer runs on: the cores, at most 16.
pub(super) fn cores() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 16)
}

/// Run `f` over `0..n` split into one range per core, in parallel;
/// results in range order.
pub fn par_ranges<R: Send>(n: usize, f: impl Fn(std::ops::Range<usize>) -> R + Sync) -> Vec<R> {
    let threads = cores();
    if threads == 1 || n < 4096 {
        return vec![f(0..n)];
    }
    let size = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(size)
            .map(|a| {
                let f = &f;
                s.spawn(move || f(a..(a + size).min(n)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a scoring thread panicked"))
            .collect()
    })
}

/// Run `f` over `items` split into one chunk per core, in parallel;
/// results in chunk order.
pub fn par_chunks<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = cores();
    if threads == 1 || items.len() < 4096 {
        return vec![f(items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(size).map(|c| s.spawn(|| f(c))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a scoring thread panicked"))
            .collect()
    })
}

/// Run `f` over `0..n` cut into many small ranges that the cores take in
/// turn as they finish (so a busy core or an uneven range holds nobody
/// up); results in range order, whatever core ran them.
pub fn par_ranges_dynamic<R: Send>(
    n: usize,
    f: impl Fn(std::ops::Range<usize>) -> R + Sync,
) -> Vec<R> {
    let threads = cores();
    par_ranges_in(n, threads, 1024, f)
}

/// [`par_ranges_dynamic`] on `threads` threads, ranges of at least `min`.
pub(super) fn par_ranges_in<R: Send>(
    n: usize,
    threads: usize,
    min: usize,
    f: impl Fn(std::ops::Range<usize>) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    if threads <= 1 || n < 2 * min {
        return vec![f(0..n)];
    }
    let size = (n / (threads * 32)).max(min);
    let parts = n.div_ceil(size);
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<R>>> = Mutex::new((0..parts).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= parts {
                    break;
                }
                let r = f(k * size..((k + 1) * size).min(n));
                out.lock().expect("a scoring thread panicked")[k] = Some(r);
            });
        }
    });
    out.into_inner()
        .expect("a scoring thread panicked")
        .into_iter()
        .map(|r| r.expect("every range ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_ranges_cover_everything_in_order() {
        for (n, threads, min) in [(0, 2, 4), (10, 2, 4), (1000, 3, 7), (1000, 1, 7)] {
            let parts = par_ranges_in(n, threads, min, |r| r);
            let flat: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(flat, (0..n).collect::<Vec<_>>());
        }
        assert!(par_ranges_in(1000, 3, 7, |r| r).len() > 3, "many ranges");
    }
}
