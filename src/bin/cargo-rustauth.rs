//! `cargo rustauth …`: cargo runs `cargo-rustauth rustauth …`; drop that word.

fn main() {
    rustauth::reset_sigpipe();
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "rustauth") {
        args.remove(1);
    }
    std::process::exit(rustauth::run_as("cargo rustauth", args));
}
