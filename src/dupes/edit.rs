//! Edit distance at most one, the check `dupes` makes by the million
//! (email local parts, names).

use strsim::osa_distance;

/// At most one edit apart (insert, delete, substitute, swap neighbours),
/// both at least four bytes long.
pub(super) fn one_edit(a: &str, b: &str) -> bool {
    a.len().min(b.len()) >= 4 && a.len().abs_diff(b.len()) <= 1 && within_one_edit(a, b)
}

/// `osa_distance(a, b) <= 1`, in one pass over ASCII text (the email
/// local parts `dupes` compares by the million): the one edit can only be
/// where the two first differ. Other text goes to `osa_distance`, which
/// counts characters.
fn within_one_edit(a: &str, b: &str) -> bool {
    if !(a.is_ascii() && b.is_ascii()) {
        return osa_distance(a, b) <= 1;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[same..], &b[same..]);
    match (a.len(), b.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            a[1..] == b[1..] || (x >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        (x, y) if x == y + 1 => a[1..] == *b,
        (x, y) if y == x + 1 => *a == b[1..],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair of strings up to five letters over a three-letter
    /// alphabet (and a few non-ASCII ones): the one-pass check says what
    /// `osa_distance` says.
    #[test]
    fn within_one_edit_is_osa_distance_at_most_one() {
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|w| ['a', 'b', 'c'].map(|c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        words.extend(["zoë", "zoe", "zoëa", "ëzo", "oëz"].map(String::from));
        for a in &words {
            for b in &words {
                assert_eq!(
                    within_one_edit(a, b),
                    osa_distance(a, b) <= 1,
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
