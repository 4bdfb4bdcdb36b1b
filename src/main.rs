// mimalloc: a merge allocates many small strings (property names and
// values, decisions); glibc's malloc was over a third of a batch run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    contact_merge::cli::main(std::env::args_os())
}
