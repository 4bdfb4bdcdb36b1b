//! The second merging thread, and the contacts it frees.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

/// The merges of a wave, shared with the other thread: both take the next
/// one in plan order, so neither waits for the other; the results are
/// kept by number for the thread that commits them. The other thread also
/// frees what it is given to free.
pub(super) struct Pool<T, R, G> {
    pub(super) state: Mutex<PoolState<T, R, G>>,
    pub(super) changed: Condvar,
}

pub(super) struct PoolState<T, R, G> {
    /// Merges not started, with their numbers.
    pub(super) queue: VecDeque<(usize, T)>,
    /// The wave's results by number.
    pub(super) done: Vec<Option<R>>,
    pub(super) garbage: Vec<G>,
    /// Which thread waits for the other, until it is woken: a wake-up
    /// is a system call whether anyone sleeps or not, so the thread that
    /// wakes the other clears its flag, and the merges given before it is
    /// up do not each wake it again.
    pub(super) committer_waits: bool,
    pub(super) server_waits: bool,
    pub(super) closed: bool,
    /// The other thread panicked.
    pub(super) broken: bool,
}

impl<T, R, G> Pool<T, R, G> {
    /// A pool with room for waves of `room` merges (it grows beyond).
    pub(super) fn new(room: usize) -> Self {
        Pool {
            state: Mutex::new(PoolState {
                queue: VecDeque::with_capacity(room),
                done: Vec::with_capacity(room),
                garbage: Vec::new(),
                committer_waits: false,
                server_waits: false,
                closed: false,
                broken: false,
            }),
            changed: Condvar::new(),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, PoolState<T, R, G>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn wait<'g>(
        &self,
        guard: MutexGuard<'g, PoolState<T, R, G>>,
    ) -> MutexGuard<'g, PoolState<T, R, G>> {
        self.changed.wait(guard).unwrap_or_else(|e| e.into_inner())
    }

    /// A new wave (the last one's results have all been taken), and what
    /// to free. Its merges are then given one by one ([`Pool::push`]).
    pub(super) fn start(&self, garbage: Vec<G>) {
        let mut st = self.lock();
        st.done.clear();
        st.garbage.extend(garbage);
        let wake = !st.garbage.is_empty() && std::mem::take(&mut st.server_waits);
        drop(st);
        self.wake(wake);
    }

    /// Wake the other thread if it was waiting (its flag cleared under
    /// the lock): after the lock is released, so that the woken thread
    /// does not at once wait for it (a second system call, to unlock).
    fn wake(&self, waiting: bool) {
        if waiting {
            self.changed.notify_all();
        }
    }

    /// A merge of the wave, given as soon as it is picked so that the
    /// other thread starts on it while the rest of the wave is picked; its
    /// number for [`Pool::result`].
    pub(super) fn push(&self, job: T) -> usize {
        let mut st = self.lock();
        let k = st.done.len();
        st.done.push(None);
        st.queue.push_back((k, job));
        let wake = std::mem::take(&mut st.server_waits);
        drop(st);
        self.wake(wake);
        k
    }

    /// The result of merge `k`, merging the next ones here while it is not
    /// done.
    pub(super) fn result(&self, k: usize, run: &impl Fn(T) -> R) -> R {
        let mut st = self.lock();
        loop {
            if let Some(r) = st.done[k].take() {
                return r;
            }
            assert!(!st.broken, "the other merging thread stopped");
            match st.queue.pop_front() {
                Some((j, t)) => {
                    drop(st);
                    let r = run(t);
                    st = self.lock();
                    st.done[j] = Some(r);
                }
                None => {
                    st.committer_waits = true;
                    st = self.wait(st);
                    st.committer_waits = false;
                }
            }
        }
    }

    /// The other thread: merge and free until the pool is closed.
    pub(super) fn serve(&self, run: &impl Fn(T) -> R) {
        let _broken = Broken(self);
        let mut st = self.lock();
        loop {
            if !st.garbage.is_empty() {
                let garbage = std::mem::take(&mut st.garbage);
                drop(st);
                drop(garbage);
                st = self.lock();
            } else if let Some((j, t)) = st.queue.pop_front() {
                drop(st);
                let r = run(t);
                st = self.lock();
                st.done[j] = Some(r);
                if std::mem::take(&mut st.committer_waits) {
                    drop(st);
                    self.wake(true);
                    st = self.lock();
                }
            } else if st.closed {
                return;
            } else {
                st.server_waits = true;
                st = self.wait(st);
                st.server_waits = false;
            }
        }
    }
}

/// Closes a [`Pool`] when dropped: its other thread stops once the merges
/// given are done.
pub(super) struct Closing<'p, T, R, G>(pub(super) &'p Pool<T, R, G>);

impl<T, R, G> Drop for Closing<'_, T, R, G> {
    fn drop(&mut self) {
        self.0.lock().closed = true;
        self.0.changed.notify_all();
    }
}

/// Marks a [`Pool`] broken if its other thread panics, so that the
/// committing thread does not wait for it forever.
pub(super) struct Broken<'p, T, R, G>(&'p Pool<T, R, G>);

impl<T, R, G> Drop for Broken<'_, T, R, G> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().broken = true;
            self.0.changed.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both threads of a pool merge; every result comes back under its
    /// number, over several waves.
    #[test]
    fn a_pool_gives_every_result_under_its_number() {
        let pool: Pool<u64, u64, String> = Pool::new(8);
        let run = |t: u64| {
            std::thread::sleep(std::time::Duration::from_micros(t % 7 * 50));
            t * t
        };
        let got: Vec<Vec<u64>> = std::thread::scope(|scope| {
            let _closing = Closing(&pool);
            scope.spawn(|| pool.serve(&run));
            (0..3u64)
                .map(|wave| {
                    pool.start(vec!["freed by the other thread".into()]);
                    let ks: Vec<usize> = (0..40).map(|t| pool.push(wave * 100 + t)).collect();
                    ks.into_iter().map(|k| pool.result(k, &run)).collect()
                })
                .collect()
        });
        for (wave, results) in got.iter().enumerate() {
            let expected: Vec<u64> = (0..40).map(|t| (wave as u64 * 100 + t).pow(2)).collect();
            assert_eq!(results, &expected);
        }
    }

    /// A panic on the other thread stops the run instead of leaving the
    /// committing thread waiting for a result that never comes.
    #[test]
    fn a_panic_on_the_other_thread_stops_the_run() {
        let pool: Pool<u64, u64, ()> = Pool::new(0);
        let committer = std::thread::current().id();
        let run = |t: u64| {
            assert_eq!(std::thread::current().id(), committer, "merge {t} failed");
            std::thread::sleep(std::time::Duration::from_millis(2));
            t
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            std::thread::scope(|scope| {
                let _closing = Closing(&pool);
                scope.spawn(|| pool.serve(&run));
                pool.start(Vec::new());
                let ks: Vec<usize> = (0..50).map(|t| pool.push(t)).collect();
                ks.into_iter().map(|k| pool.result(k, &run)).sum::<u64>()
            })
        }));
        assert!(outcome.is_err());
    }
}
