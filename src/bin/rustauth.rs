fn main() {
    rustauth::reset_sigpipe();
    std::process::exit(rustauth::run(std::env::args_os()));
}
