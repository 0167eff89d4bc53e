//! `rustauth doctor`: is the project ready to run? Each check is ok / warn / fail / skip
//! with a one-line fix. `--production` (or `project.production = true`) turns warnings
//! into failures. Exit 0 when nothing fails, 3 when a check fails, 1 when doctor itself
//! cannot run. Runs without a config and says what is missing. `--json` prints the shape
//! README.md documents ("`doctor --json`").
//!
//! Every message goes through the shared redaction ([`crate::diagnostics::scrub`]): no secret,
//! no database password, whatever a driver puts in its errors.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde_json::{Value, json};

use super::context::Global;
use crate::cli::DoctorArgs;
use crate::config::{Config, adapter::Adapter};
use crate::db::{Db, Target};
use crate::diagnostics::{ConfigState, scrub};
use crate::exit::Exit;
use crate::model::Dialect;
use crate::redact::{UNPARSEABLE, redact_url};

/// Bumped when a key of `doctor --json` is removed or changes meaning.
pub(crate) const JSON_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

impl Status {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// One check's result. `fix` is one line: what to do (none when ok or skipped).
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub message: String,
    pub fix: Option<String>,
}

impl Check {
    fn new(
        id: &'static str,
        title: &'static str,
        status: Status,
        message: impl Into<String>,
    ) -> Check {
        Check {
            id,
            title,
            status,
            message: message.into(),
            fix: None,
        }
    }
    fn ok(id: &'static str, title: &'static str, message: impl Into<String>) -> Check {
        Check::new(id, title, Status::Ok, message)
    }
    fn skip(id: &'static str, title: &'static str, message: impl Into<String>) -> Check {
        Check::new(id, title, Status::Skip, message)
    }
    fn warn(
        id: &'static str,
        title: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check::new(id, title, Status::Warn, message).with_fix(fix)
    }
    fn fail(
        id: &'static str,
        title: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check::new(id, title, Status::Fail, message).with_fix(fix)
    }
    fn with_fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

const CONFIG: (&str, &str) = ("config", "config found and valid");
const BETTER_AUTH: (&str, &str) = (
    "better_auth",
    "the config's Better Auth line is the one the project installs",
);
const ADAPTER: (&str, &str) = ("adapter", "adapter set and supported");
const DATABASE_URL: (&str, &str) = ("database_url", "database URL present");
const DATABASE: (&str, &str) = ("database", "database reachable, of the configured provider");
const SCHEMA: (&str, &str) = ("schema", "schema up to date");
const DRIFT: (&str, &str) = ("drift", "no drift from the target schema");
const SECRET: (&str, &str) = ("secret", "secret present and strong");
const BASE_URL: (&str, &str) = ("base_url", "base_url https and not local in production");
const ENV_FILE: (&str, &str) = ("env_file", ".env not readable by group or others");
const MIGRATIONS_DIR: (&str, &str) = ("migrations_dir", "migrations folder exists");

pub(crate) fn run(global: &Global, args: DoctorArgs) -> Result<Exit> {
    let state = ConfigState::load(&global.cwd, global.config.as_deref(), global.better_auth);
    let production = args.production || state.config().is_some_and(|c| c.project.production);
    let timeout = Duration::from_secs(args.connect.connect_timeout);
    let mut checks = run_checks(global, &state, timeout, production)?;
    if production {
        for c in &mut checks {
            if c.status == Status::Warn {
                c.status = Status::Fail;
                c.message.push_str(" (a failure in production)");
            }
        }
    }
    // Belt and braces: every message goes through the shared redaction once more (fixes
    // are built from names, paths and fixed text only).
    for c in &mut checks {
        c.message = scrub(
            &crate::output::one_line(&c.message),
            state.config(),
            &state.env,
        );
    }
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let failed = count(Status::Fail) > 0;
    if args.json {
        let doc = json!({
            "version": JSON_VERSION,
            "production": production,
            "ok": !failed,
            "summary": {
                "ok": count(Status::Ok),
                "warn": count(Status::Warn),
                "fail": count(Status::Fail),
                "skip": count(Status::Skip),
            },
            "checks": checks.iter().map(|c| json!({
                "id": c.id,
                "title": c.title,
                "status": c.status.name(),
                "message": c.message,
                "fix": c.fix,
            })).collect::<Vec<Value>>(),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "rustauth doctor{}: {}",
            if production { " (production)" } else { "" },
            global.cwd.display()
        );
        for c in &checks {
            println!("  {:<5} {:<15} {}", c.status.name(), c.id, c.message);
            if let Some(fix) = &c.fix {
                println!("  {:<5} {:<15} fix: {fix}", "", "");
            }
        }
        println!(
            "{} ok, {} warning(s), {} failure(s), {} skipped",
            count(Status::Ok),
            count(Status::Warn),
            count(Status::Fail),
            count(Status::Skip)
        );
    }
    Ok(if failed { Exit::CheckFailed } else { Exit::Ok })
}

/// All checks, in report order.
fn run_checks(
    global: &Global,
    state: &ConfigState,
    timeout: Duration,
    production: bool,
) -> Result<Vec<Check>> {
    let mut checks = vec![
        config_check(global, state),
        better_auth_check(global, state),
    ];
    let adapter = adapter_check(state);
    let sql_adapter = adapter.1;
    checks.push(adapter.0);
    let (url_check, target) = database_url_check(global, state, sql_adapter);
    checks.push(url_check);
    checks.extend(database_checks(state, &target, timeout)?);
    checks.push(secret_check(state, production));
    checks.push(base_url_check(state, production));
    checks.push(env_file_check(state));
    checks.push(migrations_dir_check(global, state, sql_adapter));
    Ok(checks)
}

fn config_check(global: &Global, state: &ConfigState) -> Check {
    let (id, title) = CONFIG;
    match (&state.loaded, &state.error) {
        (Some(l), _) => match &l.config.path {
            Some(p) => Check::ok(id, title, format!("{} loads", p.display())),
            None => Check::fail(
                id,
                title,
                format!("no rustauth.toml in {}", global.cwd.display()),
                "run `rustauth init` to create one, or pass --config FILE",
            ),
        },
        (None, Some(e)) => Check::fail(
            id,
            title,
            e.clone(),
            "fix the file as the message says (`rustauth.toml.example` lists every key)",
        ),
        (None, None) => Check::fail(id, title, "the config did not load", "run `rustauth init`"),
    }
}

/// The config's `[project] better_auth` against the Better Auth the project installs
/// (`node_modules/better-auth`, else a `package.json` dependency, in the config's folder or
/// above).
fn better_auth_check(global: &Global, state: &ConfigState) -> Check {
    let (id, title) = BETTER_AUTH;
    let Some(config) = state.config().filter(|c| c.path.is_some()) else {
        return Check::skip(id, title, "no config");
    };
    let line = config.project.better_auth;
    let here = format!("line {line} ({})", line.upstream());
    let Some(installed) = crate::upstream::installed_better_auth(&config.base_dir(&global.cwd))
    else {
        return Check::ok(
            id,
            title,
            format!("{here}; no package.json in this project names better-auth"),
        );
    };
    let what = format!(
        "better-auth {} ({})",
        installed.version,
        installed.source.display()
    );
    match installed.line() {
        Some(l) if l == line => {
            Check::ok(id, title, format!("{here}; the project installs {what}"))
        }
        Some(l) => Check::fail(
            id,
            title,
            format!(
                "the config says better_auth = \"{line}\", but the project installs {what}, of the {l} line"
            ),
            format!(
                "set `better_auth = \"{l}\"` in [project] of {} (or install the {line} line of better-auth)",
                config
                    .path
                    .as_ref()
                    .map_or_else(|| "rustauth.toml".into(), |p| p.display().to_string())
            ),
        ),
        None => Check::warn(
            id,
            title,
            format!("the project installs {what}: rustauth reproduces the 1.6 and 1.7 lines only"),
            "use better-auth 1.7 (or 1.6), or check the SQL rustauth writes against your version",
        ),
    }
}

/// The adapter check, and whether the adapter is one whose SQL database rustauth manages.
fn adapter_check(state: &ConfigState) -> (Check, bool) {
    let (id, title) = ADAPTER;
    let Some(config) = state.config().filter(|c| c.path.is_some()) else {
        return (
            Check::skip(id, title, "no config to read database.adapter from"),
            false,
        );
    };
    match config.database.adapter {
        None => (
            Check::fail(
                id,
                title,
                "database.adapter is not set; generate, migrate and db status need it",
                format!(
                    "add `adapter = \"sqlx\"` under [database] (one of: {})",
                    Adapter::NAMES.join(", ")
                ),
            ),
            false,
        ),
        Some(a) if a.is_sql() => (Check::ok(id, title, format!("{a} (SQL)")), true),
        Some(a) => (
            Check::ok(
                id,
                title,
                format!(
                    "{a}: manages its own schema; rustauth writes SQL only, so the database checks are skipped"
                ),
            ),
            false,
        ),
    }
}

/// What the URL check leaves the live checks.
enum Reach {
    /// A database to connect to.
    Database(Target),
    /// A SQL Server database: rustauth writes its SQL and never connects.
    SqlServer,
    /// Nothing to connect to (no SQL adapter, no usable URL: see the URL check).
    Nothing,
}

/// The URL check, and the target to connect to when there is one.
fn database_url_check(global: &Global, state: &ConfigState, sql_adapter: bool) -> (Check, Reach) {
    let (id, title) = DATABASE_URL;
    let guidance = state
        .config()
        .and_then(|c| c.database.adapter)
        .is_some_and(|a| !a.is_sql());
    if guidance {
        return (
            Check::skip(id, title, "the adapter manages its own database connection"),
            Reach::Nothing,
        );
    }
    let defaults = Config::default();
    let config = state.config().unwrap_or(&defaults);
    let var = &config.database.url_env;
    let (raw, source) = match state.env.get_non_empty(var) {
        Some(u) => (u, format!("${var}")),
        None => match config.database.url.clone().filter(|u| !u.is_empty()) {
            Some(u) => (u, "database.url".to_string()),
            None => {
                return (
                    Check::fail(
                        id,
                        title,
                        format!("no database URL: {var} is not set and database.url is empty"),
                        format!(
                            "set {var} in the environment or .env (e.g. {var}=postgres://user:password@host:5432/db), or database.url in rustauth.toml"
                        ),
                    ),
                    Reach::Nothing,
                );
            }
        },
    };
    let shown = redact_url(&raw);
    let base = config.base_dir(&global.cwd);
    match super::connect::target_from_config(config, &state.env, &base) {
        Ok(t) => {
            let shown = if shown == UNPARSEABLE {
                t.describe()
            } else {
                shown
            };
            let check = Check::ok(id, title, format!("{source}: {shown} ({})", t.engine));
            (
                check,
                if sql_adapter {
                    Reach::Database(t)
                } else {
                    Reach::Nothing
                },
            )
        }
        // A SQL Server URL: rustauth writes its SQL and never connects.
        Err(super::connect::ConnectError::MssqlUrl) => (
            Check::ok(id, title, format!("{source}: {shown} ({})", Dialect::Mssql)),
            Reach::SqlServer,
        ),
        Err(e) => (
            Check::fail(
                id,
                title,
                super::render::connect_error(&e, "doctor"),
                "use a URL such as postgres://user:password@host:5432/db, mysql://…, or sqlite://path/to/auth.db, percent-encoding special characters in the password",
            ),
            Reach::Nothing,
        ),
    }
}

/// The live checks (reachable and of the provider, schema up to date, drift), against
/// the database layer: connect within the timeout, introspect, diff.
fn database_checks(state: &ConfigState, reach: &Reach, timeout: Duration) -> Result<Vec<Check>> {
    let skip_all = |why: &str| {
        vec![
            Check::skip(DATABASE.0, DATABASE.1, why),
            Check::skip(SCHEMA.0, SCHEMA.1, why),
            Check::skip(DRIFT.0, DRIFT.1, why),
        ]
    };
    let (Some(loaded), Reach::Database(target)) = (state.loaded.as_ref(), reach) else {
        let mssql = matches!(reach, Reach::SqlServer)
            || state.config().and_then(|c| c.database.provider) == Some(Dialect::Mssql);
        let why = if mssql {
            "mssql: rustauth does not connect to SQL Server"
        } else {
            "needs a supported SQL adapter and a database URL (see above)"
        };
        return Ok(skip_all(why));
    };
    // Connecting would create a missing SQLite file: doctor changes nothing.
    if target.engine == crate::model::Engine::Sqlite
        && let Some(file) = target.database().filter(|f| *f != ":memory:")
        && !Path::new(file).exists()
    {
        let mut v = vec![Check::fail(
            DATABASE.0,
            DATABASE.1,
            format!("the sqlite database {file} does not exist"),
            "run `rustauth migrate` (it creates the file), or fix the path in the URL",
        )];
        let why = "the database does not exist";
        v.push(Check::skip(SCHEMA.0, SCHEMA.1, why));
        v.push(Check::skip(DRIFT.0, DRIFT.1, why));
        return Ok(v);
    }
    let schema = loaded.config.schema();
    let resume = super::connect::resume_from(loaded, super::connect::PlanKind::FinishInterrupted);
    let runtime = super::context::runtime()?;
    let checks = runtime.block_on(async {
        let mut db = match Db::connect(target, &super::render::read_only(timeout)).await {
            Ok(db) => db,
            Err(e) => {
                // The fix follows from what failed.
                let fix = match &e {
                    crate::db::DbError::NoDatabase { example, .. } => {
                        format!("add the database name to the URL ({example})")
                    }
                    crate::db::DbError::BadUrl(_) => "fix the URL's options (see the message)".to_string(),
                    _ => format!(
                        "check that the {} server runs and that the URL's host, port, user and password are right (waited {} s; --connect-timeout changes it)",
                        target.engine,
                        timeout.as_secs()
                    ),
                };
                let mut v = vec![Check::fail(DATABASE.0, DATABASE.1, e.to_string(), fix)];
                let why = "the database is not reachable";
                v.push(Check::skip(SCHEMA.0, SCHEMA.1, why));
                v.push(Check::skip(DRIFT.0, DRIFT.1, why));
                return v;
            }
        };
        let mut v = vec![Check::ok(
            DATABASE.0,
            DATABASE.1,
            format!("connected to {} ({})", target.describe(), db.namespace()),
        )];
        let plan = match crate::plan::live::replan(&mut db, &schema, resume).await {
            Ok(p) => p,
            Err(e) => {
                v.push(Check::fail(
                    SCHEMA.0,
                    SCHEMA.1,
                    super::render::plan_error(&e),
                    "check that the user may read the catalog (information_schema / sqlite_master)",
                ));
                v.push(Check::skip(DRIFT.0, DRIFT.1, "the schema could not be read"));
                db.close().await;
                return v;
            }
        };
        let sqlx = db.sqlx_recorded().await.is_some();
        v.push(schema_check(&plan, sqlx));
        v.push(drift_check(&plan));
        db.close().await;
        v
    });
    Ok(checks)
}

/// `sqlx`: sqlx applies this database's rustauth files (`rustauth migrate` refuses it).
fn schema_check(plan: &crate::plan::Plan, sqlx: bool) -> Check {
    let (id, title) = SCHEMA;
    if let Some(e) = crate::plan::live::name_error(plan) {
        return Check::fail(id, title, e, "rename it in rustauth.toml (see the message)");
    }
    if let Some(b) = plan.blockers.first() {
        return Check::fail(
            id,
            title,
            format!(
                "{} blocker(s): {}.{}: {}",
                plan.blockers.len(),
                b.table,
                b.column,
                b.reason
            ),
            b.fix.clone(),
        );
    }
    if let Some(p) = plan.schema_problems.first() {
        // migrate refuses these (1.7), and db status --check fails on them.
        return Check::fail(
            id,
            title,
            format!("{} schema problem(s): {p}", plan.schema_problems.len()),
            "make the listed columns nullable, give them defaults, or remove them",
        );
    }
    if plan.is_empty() {
        return Check::ok(id, title, "nothing to apply");
    }
    let columns: usize = plan.added.iter().map(|(_, c)| c.len()).sum();
    let mut what = Vec::new();
    if !plan.created.is_empty() {
        what.push(format!(
            "{} table(s) to create ({})",
            plan.created.len(),
            plan.created.join(", ")
        ));
    }
    if columns > 0 {
        what.push(format!("{columns} column(s) to add"));
    }
    if what.is_empty() {
        what.push("indexes to create".into());
    }
    Check::fail(
        id,
        title,
        format!(
            "pending plan of {} statement(s): {}",
            plan.statements.len(),
            what.join(", ")
        ),
        if sqlx {
            "run `rustauth generate` and `sqlx migrate run` (sqlx applies this database's rustauth files; `rustauth migrate` refuses it); `rustauth db status` shows the SQL"
        } else {
            "run `rustauth migrate` (or `rustauth generate` and apply the file); `rustauth db status` shows the SQL"
        },
    )
}

fn drift_check(plan: &crate::plan::Plan) -> Check {
    let (id, title) = DRIFT;
    let drift = plan.drift.iter().map(ToString::to_string);
    let all: Vec<String> = plan.warnings.iter().cloned().chain(drift).collect();
    match all.first() {
        None => Check::ok(id, title, "no type mismatches, nullability or index drift"),
        Some(first) => Check::warn(
            id,
            title,
            format!("{} finding(s); first: {first}", all.len()),
            "see `rustauth db status` for the list; fix the columns by hand (rustauth never alters existing columns)",
        ),
    }
}

fn secret_check(state: &ConfigState, production: bool) -> Check {
    let (id, title) = SECRET;
    let defaults = Config::default();
    let secret_env = &state.config().unwrap_or(&defaults).security.secret_env;
    match crate::secret::resolve_env(&state.env, secret_env) {
        None => Check::fail(
            id,
            title,
            crate::secret::missing(secret_env).message,
            format!("run `rustauth secret` and add the line it prints ({secret_env}) to .env"),
        ),
        Some((name, value)) => {
            let findings = crate::secret::check_var(&name, &value, production);
            if findings.is_empty() {
                return Check::ok(
                    id,
                    title,
                    format!("{name} is set and passes the secret rules"),
                );
            }
            let text = findings
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            let fix = format!("generate a new one with `rustauth secret` and set {name} to it");
            if crate::secret::passes(&findings) {
                Check::warn(id, title, format!("{name}: {text}"), fix)
            } else {
                Check::fail(id, title, format!("{name}: {text}"), fix)
            }
        }
    }
}

/// Hosts that only the machine itself reaches.
fn is_local_host(host: &str) -> bool {
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "::"
}

fn base_url_check(state: &ConfigState, production: bool) -> Check {
    let (id, title) = BASE_URL;
    let from_config = state.config().and_then(|c| c.project.base_url.clone());
    let (value, source) = match from_config.filter(|v| !v.is_empty()) {
        Some(v) => (v, "project.base_url"),
        None => match state.env.get_non_empty("BETTER_AUTH_URL") {
            Some(v) => (v, "$BETTER_AUTH_URL"),
            None => {
                return Check::warn(
                    id,
                    title,
                    "project.base_url is not set (nor BETTER_AUTH_URL)",
                    "set project.base_url = \"https://your.domain/api/auth\" in rustauth.toml",
                );
            }
        },
    };
    let shown = redact_url(&value);
    if shown == UNPARSEABLE {
        return Check::fail(
            id,
            title,
            format!("{source} is an unparseable URL"),
            "use a full URL such as https://your.domain/api/auth",
        );
    }
    let (scheme, rest) = shown.split_once("://").unwrap_or(("", ""));
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let host = if hostport.starts_with('[') {
        hostport.split(']').next().unwrap_or("").to_string() + "]"
    } else {
        hostport.split(':').next().unwrap_or("").to_string()
    };
    let https = scheme.eq_ignore_ascii_case("https");
    let local = is_local_host(&host);
    if production {
        if !https {
            return Check::fail(
                id,
                title,
                format!("{source} {shown} is not https in production"),
                "serve the auth routes over https and set project.base_url to the https URL",
            );
        }
        if local {
            return Check::fail(
                id,
                title,
                format!("{source} {shown} points at this machine in production"),
                "set project.base_url to the public https URL of the auth routes",
            );
        }
        return Check::ok(id, title, format!("{source} {shown}"));
    }
    if local {
        return Check::ok(
            id,
            title,
            format!("{source} {shown} (local: fine for development, not for production)"),
        );
    }
    if !https {
        return Check::warn(
            id,
            title,
            format!(
                "{source} {shown} is plain http on a non-local host: session cookies travel unencrypted"
            ),
            "use https for the auth routes",
        );
    }
    Check::ok(id, title, format!("{source} {shown}"))
}

fn env_file_check(state: &ConfigState) -> Check {
    let (id, title) = ENV_FILE;
    // What the app reads differently from how the file looks comes first.
    if let Some(first) = state.env.issues.first() {
        let more = state.env.issues.len() - 1;
        let message = if more == 0 {
            first.to_string()
        } else {
            format!("{first} (and {more} more problem(s) in env files)")
        };
        let fix = match &first.kind {
            crate::config::IssueKind::Duplicate { key, .. } => format!(
                "keep one definition of {key} in {} (the one the app should use; `rustauth secret --write` replaces the first in place)",
                first.file.display()
            ),
            crate::config::IssueKind::Stops { .. } => format!(
                "fix the line in {} (quote values with spaces: KEY='a b')",
                first.file.display()
            ),
            crate::config::IssueKind::Unreadable { .. } => {
                format!("make {} readable by its owner", first.file.display())
            }
        };
        return Check::warn(id, title, message, fix);
    }
    if state.env.loaded.is_empty() {
        return Check::ok(
            id,
            title,
            "no .env file (variables come from the environment)",
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut open = Vec::new();
        for f in &state.env.loaded {
            if let Ok(meta) = std::fs::metadata(f) {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o044 != 0 {
                    open.push((f.clone(), mode));
                }
            }
        }
        match open.first() {
            None => Check::ok(
                id,
                title,
                format!(
                    "{} readable by its owner only",
                    list_paths(&state.env.loaded)
                ),
            ),
            Some(_) => {
                let files: Vec<String> = open
                    .iter()
                    .map(|(f, m)| format!("{} (mode {m:04o})", f.display()))
                    .collect();
                let paths: Vec<String> = open.iter().map(|(f, _)| shell_path(f)).collect();
                Check::warn(
                    id,
                    title,
                    format!("readable by group or others: {}", files.join(", ")),
                    format!("chmod 600 {}", paths.join(" ")),
                )
            }
        }
    }
    #[cfg(not(unix))]
    {
        Check::skip(id, title, "file modes are not checked on this system")
    }
}

fn list_paths(paths: &[std::path::PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn shell_path(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn migrations_dir_check(global: &Global, state: &ConfigState, sql_adapter: bool) -> Check {
    let (id, title) = MIGRATIONS_DIR;
    let Some(config) = state.config().filter(|c| c.path.is_some()) else {
        return Check::skip(id, title, "no config");
    };
    if !sql_adapter {
        return Check::skip(id, title, "generate writes no SQL files for this adapter");
    }
    let dir = config
        .base_dir(&global.cwd)
        .join(&config.database.migrations_dir);
    if dir.is_dir() {
        Check::ok(id, title, format!("{}", dir.display()))
    } else if dir.exists() {
        Check::fail(
            id,
            title,
            format!("{} is not a folder", dir.display()),
            "move the file away or set database.migrations_dir to a folder",
        )
    } else {
        Check::warn(
            id,
            title,
            format!(
                "{} does not exist; `rustauth generate` writes there",
                dir.display()
            ),
            "run `rustauth generate` (it creates the folder), or `mkdir -p` it",
        )
    }
}
