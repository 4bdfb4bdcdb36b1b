//! Byte scans that run over every row read or written (whether a row is
//! ASCII, whether a written row needs any quoting), 16 bytes at a time: an
//! SSE2 compare of 16 bytes where the machine has it (every x86_64 does), a
//! plain loop elsewhere. Each gives exactly what its loop over the bytes
//! gives (tested so).

/// How many bytes are looked at together.
const CHUNK: usize = 16;

/// Whether every byte of `b` is ASCII (below 0x80).
pub(crate) fn all_ascii(b: &[u8]) -> bool {
    let mut chunks = b.chunks_exact(CHUNK);
    let mut high = 0;
    for c in &mut chunks {
        high |= simd::high_bits(c.try_into().expect("a chunk"));
    }
    high == 0 && chunks.remainder().is_ascii()
}

/// Whether `row`, cells joined by `delimiter`, holds no quote, CR or LF
/// and exactly `delimiters` delimiters: then none of its cells holds one,
/// and none needs quoting.
pub(crate) fn plain_row(row: &[u8], delimiter: u8, delimiters: usize) -> bool {
    let mut chunks = row.chunks_exact(CHUNK);
    let (mut bad, mut seen) = (0, 0);
    for c in &mut chunks {
        let (b, d) = simd::quotes_and_delimiters(c.try_into().expect("a chunk"), delimiter);
        bad |= b;
        seen += d.count_ones() as usize;
    }
    let rest = chunks.remainder();
    bad == 0
        && !rest.iter().any(|&c| matches!(c, b'"' | b'\r' | b'\n'))
        && seen + rest.iter().filter(|&&c| c == delimiter).count() == delimiters
}

#[cfg(target_arch = "x86_64")]
mod simd {
    use super::CHUNK;
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// The 16 bytes as a vector.
    #[inline(always)]
    fn load(chunk: &[u8; CHUNK]) -> __m128i {
        // SAFETY: SSE2 is part of every x86_64 machine; the load reads the
        // 16 bytes of `chunk` (no alignment asked). (Unsafe for Rust
        // before 1.87, whose intrinsics were all unsafe; safe since, but
        // the load.)
        #[allow(unused_unsafe)]
        unsafe {
            _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>())
        }
    }

    /// Bit `k` set where `chunk[k]` is not ASCII.
    #[inline(always)]
    pub(super) fn high_bits(chunk: &[u8; CHUNK]) -> u32 {
        #[allow(unused_unsafe)]
        unsafe {
            _mm_movemask_epi8(load(chunk)) as u32
        }
    }

    /// Bit `k` set where `chunk[k]` is a quote, CR or LF; and where it is
    /// the delimiter.
    #[inline(always)]
    pub(super) fn quotes_and_delimiters(chunk: &[u8; CHUNK], delimiter: u8) -> (u32, u32) {
        #[allow(unused_unsafe)]
        unsafe {
            let x = load(chunk);
            let is = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
            let bad = _mm_or_si128(_mm_or_si128(is(b'"'), is(b'\r')), is(b'\n'));
            (
                _mm_movemask_epi8(bad) as u32,
                _mm_movemask_epi8(is(delimiter)) as u32,
            )
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod simd {
    use super::CHUNK;

    fn mask(chunk: &[u8; CHUNK], hit: impl Fn(u8) -> bool) -> u32 {
        (chunk.iter().enumerate())
            .filter(|&(_, &c)| hit(c))
            .fold(0, |m, (k, _)| m | 1 << k)
    }

    pub(super) fn high_bits(chunk: &[u8; CHUNK]) -> u32 {
        mask(chunk, |c| c >= 0x80)
    }

    pub(super) fn quotes_and_delimiters(chunk: &[u8; CHUNK], delimiter: u8) -> (u32, u32) {
        (
            mask(chunk, |c| matches!(c, b'"' | b'\r' | b'\n')),
            mask(chunk, |c| c == delimiter),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of every length up to past a few chunks, with each kind of
    /// byte at every place.
    fn rows() -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for len in 0..50 {
            let base: Vec<u8> = b"abcdefghijklmnopqrstuvwxyz0123456789"
                .iter()
                .copied()
                .cycle()
                .take(len)
                .collect();
            out.push(base.clone());
            for at in 0..len {
                for b in [b'"', b'\r', b'\n', b',', b';', 0x80, 0xc3, 0xff, 0x7f, 0] {
                    let mut row = base.clone();
                    row[at] = b;
                    out.push(row.clone());
                    row[len - 1 - at / 2] = b',';
                    out.push(row);
                }
            }
        }
        out
    }

    #[test]
    fn all_ascii_is_is_ascii() {
        for row in rows() {
            assert_eq!(all_ascii(&row), row.is_ascii(), "{row:?}");
        }
    }

    #[test]
    fn plain_row_counts_as_a_loop_does() {
        for row in rows() {
            for delimiter in [b',', b';'] {
                let n = row.iter().filter(|&&c| c == delimiter).count();
                let clean = !row.iter().any(|&c| matches!(c, b'"' | b'\r' | b'\n'));
                for delimiters in [n.saturating_sub(1), n, n + 1] {
                    let want = clean && n == delimiters;
                    assert_eq!(plain_row(&row, delimiter, delimiters), want, "{row:?}");
                }
            }
        }
    }
}
