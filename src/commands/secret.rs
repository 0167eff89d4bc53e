//! `rustauth secret`: generate a signing secret, or check one (`--check`, `--check-env`).
//! The rules live in [`crate::secret`]; this file reads flags, prints, picks the exit code.
//! A checked value never appears in any output.

use std::io::Read;

use anyhow::{Context, Result};

use super::Global;
use crate::cli::{SecretArgs, SecretFormat};
use crate::exit::Exit;
use crate::secret::{self, Encoding, Finding, Severity};

pub fn run(global: &Global, args: SecretArgs) -> Result<Exit> {
    let loaded = global.load(false)?;
    let secret_env = loaded.config.security.secret_env.clone();
    let production = args.production || loaded.config.project.production;

    if let Some(value) = &args.check {
        let (value, source) = if value == "-" {
            (read_stdin()?, "the secret from stdin")
        } else {
            (value.clone(), "the secret")
        };
        let findings = secret::check(&value, production);
        return Ok(report(source, &findings, production));
    }

    if args.check_env {
        let (source, findings) = match secret::resolve_env(&loaded.env, &secret_env) {
            Some((name, value)) => {
                let kind = if secret::is_rotation_var(&name) {
                    " (a rotation list)"
                } else {
                    ""
                };
                (
                    format!("{name}{kind}"),
                    secret::check_var(&name, &value, production),
                )
            }
            None => (secret_env.clone(), vec![secret::missing(&secret_env)]),
        };
        return Ok(report(&source, &findings, production));
    }

    let encoding = match args.format {
        SecretFormat::Base64url => Encoding::Base64Url,
        SecretFormat::Hex => Encoding::Hex,
    };
    let value = secret::generate(args.bytes, encoding)?;
    if args.raw {
        println!("{value}");
    } else {
        // A `…SECRETS` variable holds a rotation list: the new secret is version 1.
        let value = if secret::is_rotation_var(&secret_env) {
            format!("1:{value}")
        } else {
            value
        };
        println!("{secret_env}={value}");
        eprintln!(
            "hint: put this line in .env (kept out of git) or your secret store; check it with `rustauth secret --check-env`"
        );
    }
    Ok(Exit::Ok)
}

/// Prints the findings (never the value) and picks 0 or 3.
fn report(source: &str, findings: &[Finding], production: bool) -> Exit {
    let mode = if production {
        "production: every finding fails"
    } else {
        "development: length and entropy only warn; --production makes them fail"
    };
    for f in findings {
        let tag = match f.severity {
            Severity::Error => "fail",
            Severity::Warning => "warn",
        };
        println!("{tag}: {}", f.message);
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    if errors > 0 {
        println!(
            "secret check failed for {source}: {errors} failure{}{} ({mode})",
            plural(errors),
            if warnings > 0 {
                format!(", {warnings} warning{}", plural(warnings))
            } else {
                String::new()
            }
        );
        Exit::CheckFailed
    } else if warnings > 0 {
        println!(
            "secret check passed for {source} with {warnings} warning{} ({mode})",
            plural(warnings)
        );
        Exit::Ok
    } else {
        println!("secret check passed for {source}");
        Exit::Ok
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Reads the value for `--check -`: a hidden prompt on a terminal, else all of stdin
/// without its final line break.
fn read_stdin() -> Result<String> {
    if crate::output::interactive() {
        return dialoguer::Password::new()
            .with_prompt("Secret to check (input hidden)")
            .allow_empty_password(true)
            .interact()
            .context("cannot read the secret from the terminal");
    }
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .context("cannot read the secret from stdin (it must be UTF-8 text)")?;
    if buf.ends_with('\n') {
        buf.pop();
        if buf.ends_with('\r') {
            buf.pop();
        }
    }
    Ok(buf)
}
