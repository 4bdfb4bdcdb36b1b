// mimalloc: a merge allocates many small strings (property names and
// values, decisions); glibc's malloc was over a third of a batch run.
#[global_allocator]
static GLOBAL: contact_merge::alloc::Mimalloc = contact_merge::alloc::Mimalloc;

// mimalloc gives memory it no longer uses back to the system after a second
// (its "purge delay"); a batch run frees and takes again hundreds of
// megabytes of merged rows, and each time the system clears the pages anew
// (huge pages, 2 MB at a time): a sixth of a CSV apply's time. A command
// runs for seconds and ends, so it keeps what it took: the option set to -1
// ("never purge"). mimalloc's option number for it, from its header
// (`mi_option_purge_delay` in libmimalloc-sys's v3 sources, pinned by
// Cargo.lock); the crate's bindings leave it out. The test below checks it
// still names that option.
mod allocator {
    use std::ffi::{c_int, c_long};

    const PURGE_DELAY: c_int = 15;

    extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
        #[cfg(test)]
        fn mi_option_get(option: c_int) -> c_long;
    }

    pub fn keep_freed_memory() {
        // SAFETY: mimalloc's own entry point, taking plain integers; an
        // option is a word it reads when it next frees.
        unsafe { mi_option_set(PURGE_DELAY, -1) }
    }

    pub fn give_back_freed_memory() {
        // SAFETY: as above.
        unsafe { mi_option_set(PURGE_DELAY, 0) }
    }

    /// Memory from the system in 4 KB pages rather than 2 MB ones
    /// (transparent huge pages, which mimalloc asks for). The system clears
    /// every page before it hands it over, a whole 2 MB at the first touch:
    /// on this project's benchmark machine that was a fifth of a CSV
    /// apply's CPU (0.25 s of system time at 1M contacts, for a peak of
    /// 175 MB), and 4 KB pages made the apply 15% faster.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn small_pages() {
        // SAFETY: prctl with an option and plain integers; it sets a flag
        // of this process that the kernel reads when it next faults a page.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub fn small_pages() {}

    #[cfg(test)]
    #[test]
    fn the_option_number_is_the_purge_delay() {
        // 1000 ms is the purge delay's default, and no other option's.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, 1000);
        }
        keep_freed_memory();
        assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, -1);
        give_back_freed_memory();
        assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, 0);
    }

    #[cfg(all(test, any(target_os = "linux", target_os = "android")))]
    #[test]
    fn small_pages_turns_huge_pages_off_for_the_process() {
        small_pages();
        // SAFETY: a query taking plain integers.
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
    }
}

// Runs before Rust's runtime, which would put /dev/null in place of a
// stdout the shell closed (`>&-`): see `contact_merge::cli::stdout`.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "solaris"
))]
#[used]
#[link_section = ".init_array"]
static CHECK_STDOUT: extern "C" fn() = contact_merge::cli::stdout::check_at_start;
#[cfg(target_vendor = "apple")]
#[used]
#[link_section = "__DATA,__mod_init_func"]
static CHECK_STDOUT: extern "C" fn() = contact_merge::cli::stdout::check_at_start;

fn main() -> std::process::ExitCode {
    contact_merge::cli::main_with(std::env::args_os(), |command| {
        // `dupes` holds its records to the end: what it frees early (the
        // reader's buffers) goes back to the system, so that its peak
        // stays low. Every other command keeps what it frees.
        if matches!(command, contact_merge::cli::args::Command::Dupes(_)) {
            allocator::give_back_freed_memory();
        } else {
            allocator::keep_freed_memory();
            allocator::small_pages();
        }
    })
}
