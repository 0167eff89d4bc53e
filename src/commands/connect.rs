//! From a loaded config to a database: the adapter's route (connect, or print guidance),
//! the target the URL names, and the live plan. The one place config meets `plan::live`.

use crate::config::{Config, Env, Loaded, adapter::Adapter};
use crate::db::{Options, Target, TargetError};
use crate::model::{Dialect, Engine};
use crate::plan::live::{self, Live, LiveError};

/// What a live command does for the configured adapter: connect (SQL adapters), or print
/// guidance and exit 0 (an adapter that manages its own schema). Decided before
/// connecting; it is no error.
pub(crate) enum Route<T> {
    Sql(T),
    Guidance(String),
}

/// Why a command cannot reach or plan its database. The messages name config keys, never
/// flags: `render` adds what to do.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConnectError {
    #[error("database.adapter is not set in {file}")]
    NoAdapter { file: String },
    /// `database.provider = "mssql"`.
    #[error("does not support mssql: rustauth writes SQL Server SQL only")]
    MssqlProvider,
    /// The URL is an mssql one.
    #[error("does not support mssql URLs: rustauth writes SQL Server SQL only")]
    MssqlUrl,
    /// `database.schema` on an engine without schemas (the 1.7 line).
    #[error("database.schema: {0}")]
    SchemaNotSupported(String),
    #[error(
        "no database URL: set {var} (database.url_env) in the environment or .env, or database.url in rustauth.toml"
    )]
    NoUrl { var: String },
    #[error("{source_name}: {detail}")]
    BadUrl { source_name: String, detail: String },
    #[error("database.provider is {provider} but {source_name} is a {url} URL")]
    ProviderMismatch {
        provider: Dialect,
        source_name: String,
        url: Dialect,
    },
    #[error(transparent)]
    Live(#[from] LiveError),
}

/// Checks the adapter and resolves the target database of a config.
pub(crate) fn target(loaded: &Loaded) -> Result<Route<Target>, ConnectError> {
    let config = &loaded.config;
    match config.database.adapter.map(Adapter::guidance) {
        None => {
            return Err(ConnectError::NoAdapter {
                file: config
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "rustauth.toml".into()),
            });
        }
        Some(Some(guidance)) => return Ok(Route::Guidance(guidance)),
        Some(None) => {}
    }
    if config.database.provider == Some(Dialect::Mssql) {
        return Err(ConnectError::MssqlProvider);
    }
    let target = target_from_config(config, &loaded.env, &config.base_dir(&loaded.cwd))?;
    if config.project.better_auth >= crate::model::Line::V1_7
        && config.database.schema.is_some()
        && target.engine != Engine::Postgres
    {
        return Err(ConnectError::SchemaNotSupported(
            crate::schema::schema_name_error(target.dialect()),
        ));
    }
    Ok(Route::Sql(target))
}

/// Which plan to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlanKind {
    /// Upstream's plan only (what `generate` writes).
    Upstream,
    /// Upstream's plan, plus the missing indexes of a plan that stopped half-way (MySQL),
    /// from the history table: what `migrate`, `db status` and `doctor` act on.
    FinishInterrupted,
}

/// Resolves the target, connects and plans (or routes to the adapter's guidance).
pub(crate) async fn connect_and_plan(
    loaded: &Loaded,
    kind: PlanKind,
    opts: &Options,
) -> Result<Route<Live>, ConnectError> {
    let target = match target(loaded)? {
        Route::Sql(t) => t,
        Route::Guidance(g) => return Ok(Route::Guidance(g)),
    };
    let live = live::connect_and_plan(
        target,
        loaded.config.schema(),
        resume_from(loaded, kind),
        opts,
    )
    .await?;
    Ok(Route::Sql(live))
}

/// The history table to finish an interrupted plan from, for this kind of plan.
pub(crate) fn resume_from(loaded: &Loaded, kind: PlanKind) -> Option<&str> {
    let history = loaded.config.database.history_table.as_str();
    (kind == PlanKind::FinishInterrupted && !history.is_empty()).then_some(history)
}

/// The database a config names: the URL in the variable `database.url_env` names, else
/// `database.url`; it must agree with `database.provider`. `base`: the folder relative
/// SQLite paths are relative to.
pub(crate) fn target_from_config(
    config: &Config,
    env: &Env,
    base: &std::path::Path,
) -> Result<Target, ConnectError> {
    let var = &config.database.url_env;
    let (url, source_name) = match env.get_non_empty(var) {
        Some(u) => (u, format!("${var}")),
        None => match &config.database.url {
            Some(u) if !u.is_empty() => (u.clone(), "database.url".to_string()),
            _ => return Err(ConnectError::NoUrl { var: var.clone() }),
        },
    };
    let mismatch = |url: Dialect| match config.database.provider {
        Some(provider) if provider != url => Some(ConnectError::ProviderMismatch {
            provider,
            source_name: source_name.clone(),
            url,
        }),
        _ => None,
    };
    let target = match Target::parse(&url, base) {
        Ok(t) => t,
        Err(TargetError::NotConnectable(d)) => {
            return Err(mismatch(d).unwrap_or(ConnectError::MssqlUrl));
        }
        Err(TargetError::Unparseable(detail)) => {
            return Err(ConnectError::BadUrl {
                source_name,
                detail,
            });
        }
    };
    if let Some(e) = mismatch(target.dialect()) {
        return Err(e);
    }
    Ok(target.with_schema(
        config.database.schema.clone(),
        config.project.better_auth >= crate::model::Line::V1_7,
    ))
}
