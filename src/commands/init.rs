//! `rustauth init`: writes rustauth.toml, `.env.example` and `.env` (or the `--env-file`s).
//!
//! On a terminal without `--yes` it asks (dialoguer) for what the flags left open; without
//! a terminal it never asks and prints the choices it made. Env files are merged, never
//! overwritten: missing keys are appended, existing values are kept. Every file is written
//! atomically; env files holding secrets get mode 0600 from their first byte.

use crate::model::Line;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::context::Global;
use crate::cli::{Framework, InitArgs, InitProvider};
use crate::config::{self, adapter::Adapter, edit, edit::EnvEntry};
use crate::exit::Exit;
use crate::fsutil::write_atomic;
use crate::output;
use crate::schema::plugins;
use crate::secret;

const FRAMEWORKS: [Framework; 4] = [
    Framework::Axum,
    Framework::ActixWeb,
    Framework::Rocket,
    Framework::Other,
];
const PROVIDERS: [InitProvider; 3] = [
    InitProvider::Sqlite,
    InitProvider::Postgres,
    InitProvider::Mysql,
];
const EXAMPLE_FILE: &str = ".env.example";
const ENV_FILE: &str = ".env";
/// Mode of env files that hold real values.
const SECRET_MODE: u32 = 0o600;

fn framework_name(f: Framework) -> &'static str {
    match f {
        Framework::Axum => "axum",
        Framework::ActixWeb => "actix-web",
        Framework::Rocket => "rocket",
        Framework::Other => "other",
    }
}

fn provider_name(p: InitProvider) -> &'static str {
    match p {
        InitProvider::Sqlite => "sqlite",
        InitProvider::Postgres => "postgres",
        InitProvider::Mysql => "mysql",
    }
}

/// The URL used when none is given: a local development database.
fn default_url(p: InitProvider) -> &'static str {
    match p {
        InitProvider::Sqlite => "sqlite://auth.db",
        InitProvider::Postgres => "postgres://postgres@localhost:5432/postgres",
        InitProvider::Mysql => "mysql://root@localhost:3306/rustauth",
    }
}

fn provider_of(d: crate::model::Dialect) -> Option<InitProvider> {
    match d {
        crate::model::Dialect::Sqlite => Some(InitProvider::Sqlite),
        crate::model::Dialect::Postgres => Some(InitProvider::Postgres),
        crate::model::Dialect::Mysql => Some(InitProvider::Mysql),
        crate::model::Dialect::Mssql => None,
    }
}

/// The URL written to `.env.example`: a shape to fill in, never a real credential.
fn example_url(p: InitProvider) -> &'static str {
    match p {
        InitProvider::Sqlite => "sqlite://auth.db",
        InitProvider::Postgres => "postgres://USER:PASSWORD@localhost:5432/DATABASE",
        InitProvider::Mysql => "mysql://USER:PASSWORD@localhost:3306/DATABASE",
    }
}

/// One env file init writes: path, new text, keys added, keys kept, whether it is
/// created, whether a secret was seeded, whether --force replaced the URL.
type EnvWrite = (PathBuf, String, Vec<String>, Vec<String>, bool, bool, bool);

/// What init will write, once flags, prompts and defaults are settled.
#[derive(Debug)]
struct Choices {
    framework: Framework,
    adapter: Adapter,
    provider: InitProvider,
    url: String,
    plugins: Vec<String>,
    seed: bool,
}

pub(crate) fn run(global: &Global, args: InitArgs) -> Result<Exit> {
    let cwd = &global.cwd;
    let config_path = match &global.config {
        Some(p) if p.is_absolute() => p.clone(),
        Some(p) => cwd.join(p),
        None => cwd.join(config::FILE_NAME),
    };
    if config_path.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to overwrite it (env files are merged either way, never overwritten)",
            config_path.display()
        );
    }
    let yes = args.yes.given();
    let line = args
        .better_auth
        .map_or_else(Line::default, crate::cli::LineArg::line);

    let adapter = args.adapter.unwrap_or(Adapter::Sqlx);
    // `--adapter` is checked by the command line (its listed values).
    if let Some(ids) = &args.plugins {
        check_plugin_ids(ids, line)?;
    }
    if let Some(url) = &args.database_url
        && let Err(e) = check_url(url, cwd)
    {
        bail!("--database-url: {e}; nothing was written");
    }
    let env_paths: Vec<PathBuf> = if args.env_file.is_empty() {
        vec![cwd.join(ENV_FILE)]
    } else {
        args.env_file
            .iter()
            .map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    cwd.join(p)
                }
            })
            .collect()
    };
    // The provider follows the URL: --database-url, else the one every later command
    // reads, from the config loader's sources in its order (`config::env_dirs`: the
    // process environment, then `.env.local` and `.env` beside the config, then in
    // --cwd). A --provider that disagrees is an error.
    let url_env_name = config::DatabaseConfig::default().url_env;
    let env_dirs = config::env_dirs(Some(&config_path), cwd);
    let env = config::Env::load(&env_dirs);
    let read = env
        .get_non_empty(&url_env_name)
        .filter(|u| !u.trim().is_empty());
    // The file it is in (`None`: the process environment), and whether init merges into
    // that file (then init keeps its URL, or replaces it with --force).
    let read_from = env.file_of(&url_env_name).map(Path::to_path_buf);
    let merged = read_from
        .as_ref()
        .is_some_and(|f| env_paths.iter().any(|p| config::same_file(p, f)));
    let mut args = args;
    let (url_source, url) = match (&args.database_url, &read_from) {
        (Some(u), _) => ("--database-url".to_string(), Some(u.clone())),
        (None, _) if merged => (String::new(), None),
        (None, None) => (format!("${url_env_name}"), read.clone()),
        (None, Some(f)) => (format!("{url_env_name} in {}", f.display()), read.clone()),
    };
    // A URL in a file init does not write is fixed there, not with a flag.
    let in_other_file = args.database_url.is_none() && read_from.is_some() && !merged;
    if let Some(url) = url {
        let dialect = url_dialect(&url, cwd).map_err(|e| {
            if in_other_file {
                anyhow::anyhow!("{url_source}: {e}; fix it there; nothing was written")
            } else {
                anyhow::anyhow!(
                    "{url_source}: {e}; fix it (or pass --database-url); nothing was written"
                )
            }
        })?;
        let from_url = provider_of(dialect).ok_or_else(|| {
            if in_other_file {
                anyhow::anyhow!(
                    "{url_source} is a {} URL, and init sets up sqlite, postgres or mysql; change it there; nothing was written",
                    dialect.name()
                )
            } else {
                anyhow::anyhow!(
                    "{url_source} is a {} URL, and init sets up sqlite, postgres or mysql; pass --database-url with one of those; nothing was written",
                    dialect.name()
                )
            }
        })?;
        match args.provider {
            Some(p) if p != from_url && in_other_file => bail!(
                "--provider {} disagrees with {url_source}, a {} URL, which every later command reads: pass --provider {}, or change that URL; nothing was written",
                provider_name(p),
                provider_name(from_url),
                provider_name(from_url)
            ),
            Some(p) if p != from_url => bail!(
                "--provider {} disagrees with {url_source}, a {} URL: pass --provider {} or a {} URL; nothing was written",
                provider_name(p),
                provider_name(from_url),
                provider_name(from_url),
                provider_name(p)
            ),
            _ => args.provider = Some(from_url),
        }
        args.database_url = Some(url);
    }
    // Else the URL an env file init merges into holds (init keeps it): the provider
    // follows it, and a --provider that disagrees replaces it with --force only.
    let mut replace_url = args.force && args.database_url.is_some();
    if args.database_url.is_none()
        && let (Some(existing), Some(file)) = (&read, &read_from)
        && merged
    {
        let from_file = url_dialect(existing, cwd).ok().and_then(provider_of);
        match (args.provider, from_file) {
            (None, Some(q)) => args.provider = Some(q),
            (Some(p), Some(q)) if p == q => {}
            // A URL that does not parse is kept as it is (doctor names what is wrong).
            (_, None) => {}
            _ if args.force => replace_url = true,
            (Some(p), Some(q)) => bail!(
                "{} holds a {} {url_env_name} and --provider is {}: pass --force to replace that URL with a {} one (or --database-url), or --provider {}; nothing was written",
                file.display(),
                provider_name(q),
                provider_name(p),
                provider_name(p),
                provider_name(q)
            ),
        }
    }

    let choices = if output::interactive() && !yes {
        ask(&args, adapter, cwd)?
    } else {
        let c = Choices {
            framework: args.framework.unwrap_or(Framework::Axum),
            adapter,
            provider: args.provider.unwrap_or(InitProvider::Sqlite),
            url: String::new(),
            plugins: args.plugins.clone().unwrap_or_default(),
            seed: args.seed_secrets,
        };
        let url = args
            .database_url
            .clone()
            .unwrap_or_else(|| default_url(c.provider).to_string());
        let c = Choices { url, ..c };
        print_choices(&args, &c);
        c
    };
    let plugin_ids = with_requirements(&choices.plugins, line);

    let example_path = cwd.join(EXAMPLE_FILE);
    // The folders of every file init changes are locked, then everything is read again:
    // a concurrent init (or `plugins add`, `secret --write`) waits, and nothing of what it
    // wrote is lost.
    let mut changed: Vec<&Path> = vec![&config_path, &example_path];
    changed.extend(env_paths.iter().map(PathBuf::as_path));
    let _locks = crate::fsutil::lock_dirs_of(&changed)?;
    if config_path.exists() && !args.force {
        bail!(
            "{} already exists (another init has just written it); pass --force to overwrite it; nothing was written",
            config_path.display()
        );
    }

    // Everything is computed before anything is written.
    let url_env = config::DatabaseConfig::default().url_env;
    let secret_env = config::SecurityConfig::default().secret_env;
    let toml = config_text(&choices, &plugin_ids, line);
    config::parse_str(&toml, &config_path.display().to_string(), None)
        .context("the config init would write does not load (a bug); nothing was written")?;

    let example_entries = vec![
        EnvEntry {
            key: url_env.clone(),
            value: example_url(choices.provider).to_string(),
            comment: Some(format!(
                "The database connection URL (rustauth.toml: database.url_env = \"{url_env}\")."
            )),
        },
        EnvEntry {
            key: secret_env.clone(),
            value: secret::INIT_PLACEHOLDER.to_string(),
            comment: Some(
                "The signing secret (security.secret_env): generate one with `rustauth secret`."
                    .to_string(),
            ),
        },
    ];
    let example_before = read_optional(&example_path)?;
    let example_merge = edit::merge_env(
        example_before.as_deref().unwrap_or(ENV_HEADER),
        &example_entries,
    );

    // `copy_url`: write the URL read from a file init does not write, not the example.
    let build_writes = |copy_url: bool| -> Result<Vec<EnvWrite>> {
        let mut env_writes = Vec::new();
        for path in &env_paths {
            let fresh = if choices.seed {
                Some(secret::generate(
                    secret::DEFAULT_BYTES,
                    secret::Encoding::Base64Url,
                )?)
            } else {
                None
            };
            let secret_value = fresh
                .clone()
                .unwrap_or_else(|| secret::INIT_PLACEHOLDER.to_string());
            // A URL read from a file init does not write (`.env.local`, another folder's
            // `.env`) stays there only: copying it would put its password into a file that
            // may be committed. The files init writes get the example URL of its provider,
            // which that file overrides for every later command.
            let url_value = if in_other_file && !copy_url {
                example_url(choices.provider).to_string()
            } else {
                choices.url.clone()
            };
            let real = [
                (url_env.clone(), url_value),
                (secret_env.clone(), secret_value),
            ];
            let mut replaced = false;
            let (text, added, kept, created) = match read_optional(path)? {
                Some(existing) => {
                    let entries: Vec<EnvEntry> = example_entries
                        .iter()
                        .zip(&real)
                        .map(|(e, (_, v))| EnvEntry {
                            value: v.clone(),
                            ..e.clone()
                        })
                        .collect();
                    let m = edit::merge_env(&existing, &entries);
                    // --force rewrites the URL init owns, so that it matches the new config.
                    let mut kept = m.kept;
                    let mut text = m.text;
                    if replace_url && kept.contains(&url_env) {
                        let new =
                            edit::set_env_values(&text, &[(url_env.clone(), choices.url.clone())]);
                        if new != text {
                            text = new;
                            kept.retain(|k| *k != url_env);
                            replaced = true;
                        }
                    }
                    (text, m.added, kept, false)
                }
                None => {
                    // Created from the example: its keys, with the real values for ours.
                    let text = edit::set_env_values(&example_merge.text, &real);
                    (
                        text,
                        vec![url_env.clone(), secret_env.clone()],
                        vec![],
                        true,
                    )
                }
            };
            let seeded = fresh.is_some() && added.contains(&secret_env);
            env_writes.push((path.clone(), text, added, kept, created, seeded, replaced));
        }
        Ok(env_writes)
    };
    let mut env_writes = build_writes(false)?;
    // Where the files init writes come first (an `--env-file` in the config's folder),
    // their example URL would hide the real one: then they get the real one.
    if in_other_file {
        let written: Vec<(PathBuf, String)> = env_writes
            .iter()
            .map(|w| (w.0.clone(), w.1.clone()))
            .collect();
        if config::Env::load_as_if(&env_dirs, &written).get_non_empty(&url_env) != read {
            env_writes = build_writes(true)?;
        }
    }

    // What every later command will read once the env files are written (the sources and
    // order above): a URL of another provider than the config's would make it refuse the
    // config, so nothing is written.
    let written: Vec<(PathBuf, String)> = env_writes
        .iter()
        .map(|w| (w.0.clone(), w.1.clone()))
        .collect();
    let after = config::Env::load_as_if(&env_dirs, &written);
    if let Some(url) = after
        .get_non_empty(&url_env)
        .filter(|u| !u.trim().is_empty())
        && let Ok(dialect) = url_dialect(&url, cwd)
        && provider_of(dialect) != Some(choices.provider)
    {
        let (p, q) = (provider_name(choices.provider), dialect.name());
        let instead = match provider_of(dialect) {
            Some(_) if args.database_url.is_some() => format!(", or pass a {q} --database-url"),
            Some(_) => format!(", or --provider {q}"),
            None => String::new(),
        };
        match after.file_of(&url_env) {
            None => bail!(
                "${url_env} is a {q} URL, which every later command reads before any env file, and the config would say {p}: unset it or make it a {p} URL{instead}; nothing was written"
            ),
            Some(f) if env_paths.iter().any(|e| config::same_file(e, f)) => bail!(
                "{} holds a {q} {url_env}, which init keeps, and the config would say {p}: pass --force to replace it{instead}; nothing was written",
                f.display()
            ),
            Some(f) => bail!(
                "{} holds a {q} {url_env}, which every later command reads, and the config would say {p}: change it there{instead}; nothing was written",
                f.display()
            ),
        }
    }

    // Write: the config, the example, the env files.
    let config_mode = edit::file_mode(&config_path);
    write_atomic(&config_path, toml.as_bytes(), config_mode)?;
    println!("wrote {}", config_path.display());

    if example_merge.added.is_empty() {
        println!(
            "{}: already has {}",
            example_path.display(),
            example_merge.kept.join(", ")
        );
    } else {
        let mode = edit::file_mode(&example_path);
        write_atomic(&example_path, example_merge.text.as_bytes(), mode)?;
        println!(
            "{} {}: {} (placeholder values)",
            if example_before.is_some() {
                "updated"
            } else {
                "wrote"
            },
            example_path.display(),
            example_merge.added.join(", ")
        );
    }

    let mut secret_missing = false;
    for (path, text, added, kept, created, seeded, replaced) in &env_writes {
        if !added.is_empty() || *replaced {
            write_atomic(path, text.as_bytes(), Some(SECRET_MODE))?;
        }
        let verb = if *created { "wrote" } else { "updated" };
        let mut parts = Vec::new();
        if *replaced {
            parts.push(format!(
                "{verb} {} (mode 600); replaced {url_env} with the database URL (--force)",
                path.display()
            ));
        }
        if !added.is_empty() {
            if !*replaced {
                parts.push(format!("{verb} {} (mode 600)", path.display()));
            }
            for k in added {
                let how = if *k == secret_env {
                    if *seeded {
                        "a fresh secret"
                    } else {
                        secret_missing = true;
                        "a placeholder: replace it"
                    }
                } else {
                    "the database URL"
                };
                parts.push(format!("added {k} ({how})"));
            }
        } else if !*replaced {
            parts.push(format!("{}: nothing to add", path.display()));
        }
        for k in kept {
            parts.push(format!("kept {k} as it was"));
        }
        println!("{}", parts.join("; "));
    }

    let env_names: Vec<String> = env_paths
        .iter()
        .map(|p| p.strip_prefix(cwd).unwrap_or(p).display().to_string())
        .collect();
    let env_names = env_names.join(", ");
    gitignore_hint(cwd, &env_paths);
    println!();
    println!("Next steps:");
    let mut n = 0;
    let mut step = |s: String| {
        n += 1;
        println!("  {n}. {s}");
    };
    if secret_missing {
        let write = match env_paths.as_slice() {
            [only] if *only == cwd.join(ENV_FILE) => "rustauth secret --write".to_string(),
            [only] => format!(
                "rustauth secret --write {}",
                shell_word(&only.display().to_string())
            ),
            _ => "rustauth secret --write FILE".to_string(),
        };
        step(format!(
            "replace the placeholder {secret_env} in {env_names}: `{write}` puts a fresh secret in its place (or run init with --seed-secrets)"
        ));
    }
    step(format!(
        "check {url_env} in {env_names} points at your {} database",
        provider_name(choices.provider)
    ));
    step("`rustauth migrate` creates the auth tables".into());
    step("`rustauth secret --check-env --production` in CI guards the secret".into());
    Ok(Exit::Ok)
}

/// The first lines of a new env file.
const ENV_HEADER: &str = "# rustauth environment, written by `rustauth init`.\n# .env.example holds placeholders and belongs in git; .env holds the real values\n# (secrets) and must stay out of it.\n";

fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
    }
}

/// A path as one shell word.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A database URL init may write: one the CLI can connect with later. The error names
/// what is wrong, never the URL.
fn check_url(url: &str, cwd: &Path) -> std::result::Result<(), String> {
    url_dialect(url, cwd).map(|_| ())
}

/// The dialect of a database URL (an mssql one included), or why it does not parse.
fn url_dialect(url: &str, cwd: &Path) -> std::result::Result<crate::model::Dialect, String> {
    match crate::db::Target::parse(url, cwd) {
        Ok(t) => Ok(t.dialect()),
        Err(crate::db::TargetError::NotConnectable(d)) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

fn check_plugin_ids(ids: &[String], line: Line) -> Result<()> {
    match super::context::unknown_plugin_ids(ids, " in --plugins; nothing was written", line) {
        Some(message) => bail!(message),
        None => Ok(()),
    }
}

/// The ids without duplicates, each preceded by the plugins it needs (Better Auth refuses
/// to start otherwise), with a note for each one added.
fn with_requirements(ids: &[String], line: Line) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let Some(spec) = plugins::find(id) else {
            continue;
        };
        for &req in spec.requires(line) {
            if !out.iter().any(|o| o == req) {
                println!("{id} needs {req} enabled too: enabling {req}");
                out.push(req.to_string());
            }
        }
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    out
}

/// Prints the choices made without prompts, and where each came from.
fn print_choices(args: &InitArgs, c: &Choices) {
    let from = |given: bool| if given { "" } else { " (default)" };
    println!(
        "framework: {}{}",
        framework_name(c.framework),
        from(args.framework.is_some())
    );
    println!("adapter: {}{}", c.adapter, from(args.adapter.is_some()));
    println!(
        "provider: {}{}",
        provider_name(c.provider),
        from(args.provider.is_some())
    );
    println!(
        "database URL: {}{}",
        crate::redact::redact_url(&c.url),
        from(args.database_url.is_some())
    );
    let plugins = if c.plugins.is_empty() {
        "none".to_string()
    } else {
        c.plugins.join(", ")
    };
    println!("plugins: {plugins}{}", from(args.plugins.is_some()));
    println!(
        "seed a secret: {}",
        if c.seed {
            "yes (--seed-secrets)"
        } else {
            "no (pass --seed-secrets to put a fresh one in .env)"
        }
    );
}

/// The prompts, for what the flags left open.
/// Ctrl-C at a prompt: the terminal sends SIGINT (dialoguer's key reads keep ISIG on),
/// which would end the process with the cursor a select prompt hid still hidden. The
/// handler shows it again, says init was cancelled (nothing is written while prompting)
/// and exits 1; only async-signal-safe calls.
#[cfg(unix)]
extern "C" fn on_interrupt(_: libc::c_int) {
    const MSG: &[u8] = b"\x1b[?25h\nerror: init cancelled: nothing was written\n";
    // SAFETY: write(2) and _exit(2) are async-signal-safe; MSG is a static buffer.
    #[allow(unsafe_code)] // sound: see the SAFETY comment
    unsafe {
        libc::write(2, MSG.as_ptr().cast(), MSG.len());
        libc::_exit(1);
    }
}

fn ask(args: &InitArgs, adapter: Adapter, args_cwd: &Path) -> Result<Choices> {
    use dialoguer::{Confirm, Input, MultiSelect, Select};
    #[cfg(unix)]
    // SAFETY: installs a handler that only makes async-signal-safe calls.
    #[allow(unsafe_code)] // sound: see the SAFETY comment
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    // A prompt ended by Esc (None), Ctrl-C or a terminal error: the cursor a select
    // prompt hid is shown again before the error is printed.
    fn done<T>(r: dialoguer::Result<Option<T>>) -> Result<T> {
        match r {
            Ok(Some(v)) => Ok(v),
            _ => {
                let _ = dialoguer::console::Term::stderr().show_cursor();
                let _ = dialoguer::console::Term::stdout().show_cursor();
                bail!("init cancelled: nothing was written")
            }
        }
    }

    let framework = match args.framework {
        Some(f) => f,
        None => {
            let names: Vec<&str> = FRAMEWORKS.iter().map(|f| framework_name(*f)).collect();
            let i = done(
                Select::new()
                    .with_prompt("Web framework")
                    .items(&names)
                    .default(0)
                    .interact_opt(),
            )?;
            FRAMEWORKS[i]
        }
    };
    let provider = match args.provider {
        Some(p) => p,
        None => {
            let names: Vec<&str> = PROVIDERS.iter().map(|p| provider_name(*p)).collect();
            let i = done(
                Select::new()
                    .with_prompt("Database")
                    .items(&names)
                    .default(0)
                    .interact_opt(),
            )?;
            PROVIDERS[i]
        }
    };
    let url = match &args.database_url {
        Some(u) => u.clone(),
        None => {
            let prompt = "Database URL (goes to .env)";
            let base = args_cwd.to_path_buf();
            let url: dialoguer::Result<Option<String>> = Input::<String>::new()
                .with_prompt(prompt)
                .default(default_url(provider).to_string())
                // What was typed is not echoed back: the line is replaced below by the
                // URL with its password masked.
                .report(false)
                .validate_with(move |u: &String| {
                    let dialect = url_dialect(u, &base)?;
                    match provider_of(dialect) {
                        Some(p) if p == provider => Ok(()),
                        _ => Err(format!(
                            "this is a {} URL; the database chosen is {}",
                            dialect.name(),
                            provider_name(provider)
                        )),
                    }
                })
                .interact_text()
                .map(Some);
            let url = done(url)?;
            eprintln!("{prompt}: {}", crate::redact::redact_url(&url));
            url
        }
    };
    let plugins = match &args.plugins {
        Some(p) => p.clone(),
        None => {
            let items: Vec<String> = plugins::REGISTRY
                .iter()
                .map(|s| format!("{} — {}", s.id, s.summary))
                .collect();
            let picked = done(
                MultiSelect::new()
                    .with_prompt("Plugins (space to select, enter to confirm, esc to cancel)")
                    .items(&items)
                    .max_length(12)
                    .interact_opt(),
            )?;
            picked
                .into_iter()
                .map(|i| plugins::REGISTRY[i].id.to_string())
                .collect()
        }
    };
    let seed = if args.seed_secrets {
        true
    } else {
        done(
            Confirm::new()
                .with_prompt("Put a fresh secret in .env?")
                .default(true)
                .wait_for_newline(true)
                .interact_opt(),
        )?
    };
    Ok(Choices {
        framework,
        adapter,
        provider,
        url,
        plugins,
        seed,
    })
}

fn toml_str(s: &str) -> String {
    toml_edit::Value::from(s).to_string()
}

/// The rustauth.toml init writes: the keys a new project needs, with comments.
fn config_text(c: &Choices, plugin_ids: &[String], line: Line) -> String {
    let plugins: Vec<String> = plugin_ids.iter().map(|p| toml_str(p)).collect();
    format!(
        r#"# rustauth.toml, written by `rustauth init`. Every key is described in README.md
# (and rustauth.toml.example); `rustauth schema print` shows the SQL this config means.

[project]
better_auth = {line}  # the Better Auth line: "1.7" (auth 1.7.7 + better-auth 1.7.25) or "1.6" (1.6.9)
framework = {framework}  # informational: axum | actix-web | rocket | other
production = false  # true: `secret` and `doctor` checks fail on every finding
base_url = "http://localhost:3000"  # where the app serves Better Auth (https in production)

[database]
adapter = {adapter}
provider = {provider}
url_env = "DATABASE_URL"  # the variable that holds the connection URL (see .env)
migrations_dir = "migrations"

[security]
secret_env = "RUSTAUTH_SECRET"  # generate a value with `rustauth secret`

[plugins]
# Better Auth plugin ids, in order: `rustauth plugins list` shows them all,
# `rustauth plugins add ID` / `remove ID` edit this list.
enabled = [{plugins}]
"#,
        line = toml_str(line.name()),
        framework = toml_str(framework_name(c.framework)),
        adapter = toml_str(c.adapter.name()),
        provider = toml_str(provider_name(c.provider)),
        plugins = plugins.join(", "),
    )
}

/// Reminds that `.env` holds secrets when a `.gitignore` (or a git repository) does not
/// cover it.
fn gitignore_hint(cwd: &Path, env_paths: &[PathBuf]) {
    let gitignore = cwd.join(".gitignore");
    let covered = match std::fs::read_to_string(&gitignore) {
        Ok(text) => env_paths.iter().all(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            text.lines().map(str::trim).any(|l| {
                l == name
                    || l == format!("/{name}")
                    || l == ".env*"
                    || l == "*.env"
                    || (l == ".env.*" && name != ".env")
            })
        }),
        Err(_) => !cwd.join(".git").exists(),
    };
    if !covered {
        println!(
            "note: env files hold secrets: list them in .gitignore (.env.example is the one to commit)"
        );
    }
}
