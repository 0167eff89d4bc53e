//! rustauth: the server-side database and secret work of an auth stack that follows
//! Better Auth, on its 1.7 and 1.6 lines.
//!
//! Layers, each importing only those below it (README: Development, Architecture;
//! `tests/layers.rs` fails on an import up or sideways):
//!
//! ```text
//! lib (run) → commands (dispatch only)
//!   → commands/<name> (one command each; they never import each other)
//!   → commands/render (the words and hints of the typed errors below)
//!   → commands/context (global flags, loading) · connect (config → adapter route, Target,
//!     live plan) · snapshot (generate's snapshots)
//!   → cli (clap types)
//!   → report (the plan report) · diagnostics (config state, scrubbing)
//!   → secret (signing secrets, from the config's environment) · telemetry
//!   → config (rustauth.toml, .env → schema::Options) · plan (diff, live planning, the
//!     schema check, engine name limits)
//!   → sql (DDL text per dialect, row statements)
//!   → schema (auth model, plugins per line)
//!   → db (the Driver contract, one file per engine, catalog, history table, rows)
//!   → redact
//!   → url · output · fsutil · password · upstream · exit
//!   → model (Dialect, Engine, Line, IdStrategy, FieldType, OnDelete, Literal: imports nothing)
//! ```

pub mod cli;
pub(crate) mod commands;
pub mod config;
pub(crate) mod db;
pub(crate) mod diagnostics;
pub(crate) mod exit;
pub(crate) mod fsutil;
pub mod model;
pub(crate) mod output;
pub mod password;
pub(crate) mod plan;
pub(crate) mod redact;
pub(crate) mod report;
pub mod schema;
pub mod secret;
pub(crate) mod sql;
pub(crate) mod telemetry;
pub(crate) mod upstream;
pub(crate) mod url;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

use exit::Exit;

/// Restores the default SIGPIPE action (Rust ignores it), so that output piped into a
/// reader that exits early (`| head`) ends the process quietly, as Unix tools do.
pub fn reset_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default is always sound; it is done
    // once at start-up before any thread is spawned.
    #[allow(unsafe_code)] // sound: see the SAFETY comment
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Runs the CLI with these arguments (the first is the program name) and returns the
/// process exit code. Errors are printed as one line on stderr.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_as("rustauth", args)
}

/// [`run`], with the name help and usage lines show (`cargo rustauth` for the cargo shim).
pub fn run_as<I, T>(bin_name: &str, args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = cli::deprecated_spellings(args);
    // clap colours its own messages by the same rule as ours.
    let color = match args.iter().position(|a| a == "--color") {
        Some(i) => args.get(i + 1).and_then(|v| v.to_str()),
        None => args
            .iter()
            .find_map(|a| a.to_str().and_then(|s| s.strip_prefix("--color="))),
    };
    let clap_color = match color {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
            clap::ColorChoice::Never
        }
        _ => clap::ColorChoice::Auto,
    };
    let parsed = cli::Cli::command()
        .bin_name(bin_name.to_string())
        .color(clap_color)
        .try_get_matches_from(args)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Exit::Ok.code()
                }
                _ => Exit::Usage.code(),
            };
        }
    };
    output::set_color(match cli.color {
        cli::ColorChoice::Auto => output::Color::Auto,
        cli::ColorChoice::Always => output::Color::Always,
        cli::ColorChoice::Never => output::Color::Never,
    });
    match commands::dispatch(cli) {
        Ok(code) => code.code(),
        Err(e) => {
            // Belt and braces: every error passes the shared scrubber once more (URLs
            // redacted, `password=…` pairs masked), whatever layer built it.
            let message = redact::redact_in_text(&output::one_line(&format!("{e:#}")), &[]);
            output::error(&message);
            Exit::Error.code()
        }
    }
}
