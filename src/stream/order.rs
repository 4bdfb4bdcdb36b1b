//! Pieces made on two threads and written in order.

use std::io::{self, Write};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Pieces made ahead of the one being written, at most.
pub(super) const AHEAD: usize = 4;

/// Where the pieces of [`in_order`] stand.
pub(super) struct Pieces {
    /// The next piece to make, and the next to write.
    pub(super) claimed: usize,
    pub(super) written: usize,
    /// Pieces made, not written yet, with what `make` gave for them.
    pub(super) ready: std::collections::BTreeMap<usize, io::Result<(Vec<u8>, usize)>>,
    /// Buffers written, to be made into again.
    pub(super) spare: Vec<Vec<u8>>,
    /// One of the threads is done, failed or panicked: the other stops
    /// (the writing thread once it has written every piece made).
    pub(super) stop: bool,
}

/// Make pieces `0..n` on this thread and a second one, and write them to
/// `out` in order. `open` gives a thread what `make` needs to make a
/// piece; gives the sum of what `make` gave.
pub(super) fn in_order<S>(
    n: usize,
    open: impl Fn() -> io::Result<S> + Sync,
    make: impl Fn(&mut S, usize, &mut Vec<u8>) -> io::Result<usize> + Sync,
    out: &mut dyn Write,
) -> io::Result<usize> {
    let shared = Mutex::new(Pieces {
        claimed: 0,
        written: 0,
        ready: Default::default(),
        spare: Vec::new(),
        stop: false,
    });
    let changed = Condvar::new();
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    // Claim the next piece and make it, unless `AHEAD` are waiting.
    let make_next = |mut pieces: MutexGuard<'_, Pieces>, state: &mut Option<S>| {
        let k = pieces.claimed;
        pieces.claimed += 1;
        let mut piece = pieces.spare.pop().unwrap_or_default();
        drop(pieces);
        let made = match state {
            Some(s) => Ok(s),
            None => open().map(|s| state.insert(s)),
        }
        .and_then(|s| make(s, k, &mut piece))
        .map(|count| (piece, count));
        let mut pieces = lock();
        pieces.ready.insert(k, made);
        changed.notify_all();
        pieces
    };
    std::thread::scope(|scope| {
        if n > 1 {
            scope.spawn(|| {
                let _stop = Stop(&shared, &changed);
                let mut state = None;
                let mut pieces = lock();
                while !pieces.stop && pieces.claimed < n {
                    if pieces.claimed >= pieces.written + AHEAD {
                        pieces = changed.wait(pieces).unwrap_or_else(PoisonError::into_inner);
                    } else {
                        pieces = make_next(pieces, &mut state);
                    }
                }
            });
        }
        // However this thread leaves (an error, a panic), the other stops.
        let _stop = Stop(&shared, &changed);
        let mut state = None;
        let mut total = 0;
        let mut write = || -> io::Result<usize> {
            let mut pieces = lock();
            while pieces.written < n {
                let k = pieces.written;
                if let Some(made) = pieces.ready.remove(&k) {
                    drop(pieces);
                    let (mut piece, count) = made?;
                    out.write_all(&piece)?;
                    total += count;
                    piece.clear();
                    pieces = lock();
                    pieces.written += 1;
                    pieces.spare.push(piece);
                    changed.notify_all();
                } else if pieces.claimed < n && pieces.claimed < k + AHEAD {
                    pieces = make_next(pieces, &mut state);
                } else if pieces.stop {
                    return Err(io::Error::other(
                        "the second pass stopped: its other thread failed",
                    ));
                } else {
                    pieces = changed.wait(pieces).unwrap_or_else(PoisonError::into_inner);
                }
            }
            Ok(total)
        };
        write()
    })
}

/// Stops the other thread of [`in_order`] when one is done, or panics.
pub(super) struct Stop<'a>(&'a Mutex<Pieces>, &'a Condvar);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        let mut pieces = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        pieces.stop = true;
        self.1.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashSet as HashSet;

    /// Pieces that take uneven times to make, so that both threads make
    /// some and finish them out of order.
    fn slow_piece(k: usize, piece: &mut Vec<u8>) -> usize {
        std::thread::sleep(std::time::Duration::from_micros((k * 7 % 5) as u64 * 200));
        piece.extend_from_slice(format!("{k};").as_bytes());
        k
    }

    #[test]
    fn pieces_made_on_two_threads_are_written_in_order() {
        let threads = Mutex::new(HashSet::default());
        let mut out = Vec::new();
        let open = || Ok(std::thread::current().id());
        let make = |id: &mut std::thread::ThreadId, k: usize, piece: &mut Vec<u8>| {
            threads.lock().unwrap().insert(*id);
            // The first piece waits (a while at most) for the other thread
            // to make one.
            for _ in 0..1000 {
                if k > 0 || threads.lock().unwrap().len() > 1 {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Ok(slow_piece(k, piece))
        };
        let total = in_order(60, open, make, &mut out).unwrap();
        let want: String = (0..60).map(|k| format!("{k};")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), want);
        assert_eq!(total, (0..60).sum::<usize>());
        assert_eq!(
            threads.into_inner().unwrap().len(),
            2,
            "both threads made pieces"
        );
    }

    #[test]
    fn a_piece_that_fails_stops_the_writing_after_the_pieces_before_it() {
        let mut out = Vec::new();
        let make = |_: &mut (), k: usize, piece: &mut Vec<u8>| match k {
            7 => Err(io::Error::other("piece 7 failed")),
            _ => Ok(slow_piece(k, piece)),
        };
        let err = in_order(40, || Ok(()), make, &mut out).unwrap_err();
        assert_eq!(err.to_string(), "piece 7 failed");
        let want: String = (0..7).map(|k| format!("{k};")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    #[test]
    fn a_panic_making_a_piece_on_either_thread_is_passed_on() {
        for bad in [0, 1, 5] {
            let make = |_: &mut (), k: usize, piece: &mut Vec<u8>| {
                assert_ne!(k, bad, "piece {bad} panics");
                Ok(slow_piece(k, piece))
            };
            let run = std::panic::catch_unwind(|| in_order(30, || Ok(()), make, &mut Vec::new()));
            assert!(run.is_err(), "piece {bad}: the panic was not passed on");
        }
    }
}
