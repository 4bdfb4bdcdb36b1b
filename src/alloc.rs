//! The allocator the binary (and the benchmarks) run on: mimalloc, asked
//! for plain blocks where Rust asks for no more than a word's alignment.
//!
//! The `mimalloc` crate hands every allocation to `mi_malloc_aligned`.
//! Its fast path only takes a free block that happens to sit at the
//! asked alignment; when a size class's page has no free block left (or
//! the next one is not aligned), the request falls to the generic aligned
//! path, which for a size that is not a power of two (24, 40, 48 bytes:
//! most strings and vectors) over-allocates and aligns by hand. Every
//! mimalloc block is already aligned to a word (its size classes are
//! multiples of 8 bytes), so a request for 1, 2, 4 or 8 bytes of alignment
//! (every string, vector and map entry of a contact) is a plain
//! `mi_malloc`; anything stricter (hash tables' 16-byte groups) still goes
//! the aligned way. A merge allocates a few dozen times (parsing a row
//! into properties, cloning values into decisions): this took the
//! allocator from 18% to 12% of the instructions of parsing and merging
//! contacts (`examples/merge_bench.rs` under callgrind; BENCHMARKS.md).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment every mimalloc block has.
const WORD: usize = 8;

extern "C" {
    fn mi_malloc(size: usize) -> *mut c_void;
    fn mi_zalloc(size: usize) -> *mut c_void;
    fn mi_realloc(p: *mut c_void, newsize: usize) -> *mut c_void;
}

/// mimalloc, with word-aligned requests taken by its plain entry points.
pub struct Mimalloc;

// SAFETY: every request either goes to mimalloc's aligned entry points as
// the `mimalloc` crate makes them, or, when it asks for at most a word's
// alignment, to the plain ones, whose blocks are always word-aligned; all
// blocks come from and go back to one mimalloc, whose `mi_free` takes
// blocks from either.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi_malloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc(layout)
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi_zalloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc_zeroed(layout)
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        mimalloc::MiMalloc.dealloc(ptr, layout)
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mimalloc::MiMalloc.realloc(ptr, layout, new_size)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every small size and alignment up to a page come back
    /// aligned, hold what is written to them, grow keeping it, and go back.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 9, 24, 40, 48, 100, 1000, 5000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero size; each block is freed once, with
                // its layout (the grown one after `realloc`).
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size}, align {align}");
                    p.write_bytes(0xab, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert_eq!(q as usize % align, 0, "grown, size {size}, align {align}");
                    assert!((0..size).all(|i| *q.add(i) == 0xab));
                    a.dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
