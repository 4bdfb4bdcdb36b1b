//! A Fenwick tree: how many contacts before a position were merged away.

/// A Fenwick tree counting marked positions.
pub(crate) struct Fenwick(Vec<usize>);

impl Fenwick {
    pub(crate) fn new(n: usize) -> Self {
        Fenwick(vec![0; n + 1])
    }
    pub(crate) fn add(&mut self, i: usize) {
        let mut i = i + 1;
        while i < self.0.len() {
            self.0[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    /// Marked positions in `0..i`.
    pub(crate) fn count_before(&self, i: usize) -> usize {
        let (mut i, mut sum) = (i, 0);
        while i > 0 {
            sum += self.0[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
    /// The `n`th position (from 0) that is not marked, if the tree holds
    /// one.
    pub(crate) fn nth_unmarked(&self, n: usize) -> Option<usize> {
        let len = self.0.len() - 1;
        let (mut pos, mut left) = (0, n + 1);
        let mut step = len.checked_next_power_of_two()?;
        while step > 0 {
            let next = pos + step;
            if next <= len && step - self.0[next] < left {
                pos = next;
                left -= step - self.0[next];
            }
            step /= 2;
        }
        (pos < len).then_some(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_counts_marks_before_a_position() {
        let mut f = Fenwick::new(10);
        for i in [0, 3, 4, 9] {
            f.add(i);
        }
        let counts: Vec<usize> = (0..=10).map(|i| f.count_before(i)).collect();
        assert_eq!(counts, [0, 1, 1, 1, 2, 3, 3, 3, 3, 3, 4]);
        let unmarked: Vec<_> = (0..7).map(|n| f.nth_unmarked(n)).collect();
        let want = [1, 2, 5, 6, 7, 8].map(Some);
        assert_eq!(unmarked[..6], want);
        assert_eq!(unmarked[6], None);
        assert_eq!(Fenwick::new(0).nth_unmarked(0), None);
        assert_eq!(Fenwick::new(1).nth_unmarked(0), Some(0));
    }
}
