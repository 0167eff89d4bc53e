fn main() {
    std::process::exit(rustauth::run(std::env::args_os()));
}
