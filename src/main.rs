fn main() -> std::process::ExitCode {
    contact_merge::cli::main(std::env::args_os())
}
