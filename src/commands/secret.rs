//! `rustauth secret`: generate a signing secret, or check one (`--check`, `--check-env`).
//! The rules live in [`crate::secret`]; this file reads flags, prints, picks the exit code.
//! A checked value never appears in any output.

use std::io::Read;

use anyhow::{Context, Result};

use super::context::Global;
use crate::cli::{SecretArgs, SecretFormat};
use crate::exit::Exit;
use crate::secret::{self, Encoding, Finding, Severity};

pub(crate) fn run(global: &Global, args: SecretArgs) -> Result<Exit> {
    crate::output::set_json(args.json);
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
        let (source, mut findings) = match secret::resolve_env(&loaded.env, &secret_env) {
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
        findings.extend(secret::env_file_findings(
            &loaded.env,
            &secret::lookup_order(&secret_env),
            production,
        ));
        return Ok(report(&source, &findings, production));
    }

    let encoding = match args.format {
        SecretFormat::Base64url => Encoding::Base64Url,
        SecretFormat::Hex => Encoding::Hex,
    };
    let value = secret::generate(args.bytes, encoding)?;
    if let Some(file) = &args.write {
        let path = match file {
            Some(f) if f.is_absolute() => f.clone(),
            Some(f) => loaded.cwd.join(f),
            None => loaded.config.base_dir(&loaded.cwd).join(".env"),
        };
        write_secret(&path, &secret_env, &value)?;
        return Ok(Exit::Ok);
    }
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
            "hint: `rustauth secret --write` puts a new one in .env in place (appending this line to a .env that already defines {secret_env} leaves the old value first, and dotenvy keeps the first); check it with `rustauth secret --check-env`"
        );
    }
    Ok(Exit::Ok)
}

/// `secret --write`: the new secret goes into `path` (through a symlink), replacing the
/// first definition of `var` in place or appended, atomically, mode 0600, under the
/// folder's lock. A rotation list (`…SECRETS`) gets the new secret as its next version in
/// front (the current secret), the old entries kept after it. Prints where, never the
/// value.
fn write_secret(path: &std::path::Path, var: &str, value: &str) -> Result<()> {
    use crate::config::edit::{self, EnvSet};
    let target = crate::fsutil::resolve_link(path);
    let _lock = crate::fsutil::lock_dirs_of(&[&target])?;
    let shown = path.display();
    if target.is_dir() {
        anyhow::bail!("{shown} is a directory; pass an env file to --write");
    }
    let text = match std::fs::read(&target) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{shown} is not UTF-8 text; nothing written"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {shown}"))),
    };
    let scan = crate::config::dotenv::scan(&text);
    let new_value = if secret::is_rotation_var(var) {
        match scan
            .of(var)
            .next()
            .map(|d| (d.line, d.value.trim().to_string()))
        {
            None => format!("1:{value}"),
            Some((_, old)) if old.is_empty() => format!("1:{value}"),
            Some((line, old)) => {
                let versions: Option<Vec<u64>> = old
                    .split(',')
                    .map(|e| {
                        let (v, s) = e.trim().split_once(':')?;
                        (!s.trim().is_empty()).then_some(())?;
                        v.trim().parse::<u64>().ok()
                    })
                    .collect();
                let Some(versions) = versions else {
                    anyhow::bail!(
                        "{shown}: the rotation list in {var} on line {line} is not `<version>:<secret>,…`; fix or remove it; nothing written"
                    );
                };
                let next = versions.iter().max().map_or(1, |m| m + 1);
                format!("{next}:{value},{old}")
            }
        }
    } else {
        value.to_string()
    };
    let (out, at) = edit::set_env_value(&text, var, &new_value)
        .map_err(|e| anyhow::anyhow!("{shown}: {e}; nothing written"))?;
    let created = text.is_empty() && !target.exists();
    crate::fsutil::write_atomic(&target, out.as_bytes(), Some(0o600))?;
    let how = match at {
        _ if created => "created the file".to_string(),
        EnvSet::Replaced { line } if secret::is_rotation_var(var) => {
            format!("added as the current version of the list on line {line}")
        }
        EnvSet::Replaced { line } => format!("replaced the value on line {line}"),
        EnvSet::Appended { line } => format!("appended on line {line}"),
    };
    println!("wrote a new {var} to {shown} ({how}; mode 600)");
    let later: Vec<String> = scan.of(var).skip(1).map(|d| d.line.to_string()).collect();
    if !later.is_empty() {
        println!(
            "note: {shown} defines {var} again on line(s) {}; dotenvy ignores those: remove them",
            later.join(", ")
        );
    }
    if std::env::var_os(var).is_some() {
        println!("note: {var} is also set in this shell's environment, which wins over {shown}");
    }
    if target.file_name().is_some_and(|n| n == ".env")
        && let Some(local) = target.parent().map(|d| d.join(".env.local"))
        && let Ok(t) = std::fs::read_to_string(&local)
        && crate::config::dotenv::scan(&t).of(var).next().is_some()
    {
        println!(
            "note: {} defines {var} too, and wins over {shown}",
            local.display()
        );
    }
    Ok(())
}

/// Prints the findings (never the value) and picks 0 or 3.
fn report(source: &str, findings: &[Finding], production: bool) -> Exit {
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    if crate::output::json() {
        let doc = serde_json::json!({
            "version": 1,
            "source": source,
            "production": production,
            "ok": !failed,
            "findings": findings.iter().map(|f| serde_json::json!({
                "severity": match f.severity {
                    Severity::Error => "fail",
                    Severity::Warning => "warn",
                },
                "message": f.message,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return if failed { Exit::CheckFailed } else { Exit::Ok };
    }
    let mode = if production {
        "production: every finding fails"
    } else {
        "development: length, entropy and env-file findings only warn; --production makes them fail"
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
