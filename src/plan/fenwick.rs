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
    }
}
