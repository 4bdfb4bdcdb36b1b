// mimalloc: a merge allocates many small strings (property names and
// values, decisions); glibc's malloc was over a third of a batch run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    contact_merge::cli::main(std::env::args_os())
}
