//! The snapshot an offline `generate --dialect D` writes beside each file
//! (`<version>_rustauth_<what>.json`, which sqlx ignores: it reads `*.sql` only): the
//! schema the database has once the chain of files up to this one has run, as the
//! planner's [`Catalog`], and the sha256 of every file of the chain. The next offline
//! generate plans against it with [`crate::plan::diff`], the planner of the live path,
//! so its file holds only what is new.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::db::Catalog;
use crate::db::catalog::{CatalogColumn, CatalogIndex, CatalogTable};
use crate::model::Dialect;
use crate::schema::Schema;

/// The format's version (`rustauth_snapshot`).
const FORMAT: u64 = 1;

/// The newest snapshot of a folder, checked against the files it records.
pub(crate) struct Snapshot {
    pub path: PathBuf,
    pub catalog: Catalog,
    /// The chain: every file (name, sha256) up to and including this snapshot's SQL file.
    pub files: Vec<(String, String)>,
}

/// The version of a `<digits>_…` file name.
fn version_of(name: &str) -> Option<u64> {
    let v = name.split('_').next()?;
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .then(|| v.parse().ok())
        .flatten()
}

fn sha256_file(path: &Path) -> Option<String> {
    use sha2::Digest;
    std::fs::read(path)
        .ok()
        .map(|b| hex::encode(sha2::Sha256::digest(&b)))
}

/// The names of the `.sql` files of `dir` that begin with rustauth's plan header, by
/// version.
fn plan_files(dir: &Path) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version = version_of(&name)?;
            if !name.ends_with(".sql") {
                return None;
            }
            let path = e.path();
            let first = crate::fsutil::first_line(&path)?;
            first
                .starts_with(crate::report::PLAN_HEADER)
                .then_some((version, name))
        })
        .collect();
    out.sort();
    out
}

/// The newest snapshot of `dir` for `dialect`, or `None` when the folder holds no rustauth
/// file yet. An error, naming the file and what to do, when a file the snapshot records
/// was edited or deleted, when a rustauth file is newer than the snapshot (or there are
/// rustauth files and no snapshot), or when the snapshot is of another dialect.
pub(crate) fn last(dir: &Path, dialect: Dialect) -> Result<Option<Snapshot>> {
    let mut snapshots: Vec<(u64, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name.ends_with(".json") && name.contains("_rustauth_"))
                .then(|| version_of(&name).map(|v| (v, name)))
                .flatten()
        })
        .collect();
    snapshots.sort();
    let plans = plan_files(dir);
    let way_out = "or pass --from-scratch to write the whole schema (for an empty database)";
    let Some((version, name)) = snapshots.pop() else {
        if let Some((_, f)) = plans.first() {
            bail!(
                "{} holds a rustauth plan but no snapshot records what it did (a live `rustauth generate` or an older rustauth wrote it), so an offline generate cannot tell what the database will have: run `rustauth generate` against the database (without --dialect), {way_out}",
                dir.join(f).display()
            );
        }
        return Ok(None);
    };
    let path = dir.join(&name);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the snapshot {}", path.display()))?;
    let bad = |what: &str| {
        anyhow::anyhow!(
            "the snapshot {} {what}; restore it (for example with `git checkout`), {way_out}",
            path.display()
        )
    };
    let v: Value = serde_json::from_str(&text).map_err(|_| bad("is not valid JSON"))?;
    if v["rustauth_snapshot"].as_u64() != Some(FORMAT) {
        bail!(bad("is not a rustauth snapshot of this version"));
    }
    if v["dialect"].as_str() != Some(dialect.name()) {
        bail!(
            "the snapshot {} is for {}, not {}: generate for its dialect, or write into another --output-dir, {way_out}",
            path.display(),
            v["dialect"].as_str().unwrap_or("another dialect"),
            dialect.name()
        );
    }
    let mut files = Vec::new();
    for f in v["files"].as_array().ok_or_else(|| bad("lists no files"))? {
        let (Some(n), Some(h)) = (f["name"].as_str(), f["sha256"].as_str()) else {
            bail!(bad("has a malformed files entry"));
        };
        if n.contains('/') || n.contains('\\') || n.starts_with('.') {
            bail!(bad("names a file outside its folder"));
        }
        match sha256_file(&dir.join(n)) {
            None => bail!(
                "{} is missing, but the snapshot {} records it as part of the schema's history: restore it (for example with `git checkout`), {way_out}",
                dir.join(n).display(),
                path.display()
            ),
            Some(actual) if actual != h => bail!(
                "{} was edited after rustauth generate wrote it (its sha256 differs from the one {} records): restore it (for example with `git checkout`) and put further changes in the config instead, {way_out}",
                dir.join(n).display(),
                path.display()
            ),
            Some(_) => files.push((n.to_string(), h.to_string())),
        }
    }
    if let Some((_, f)) = plans
        .iter()
        .find(|(pv, f)| *pv > version && !files.iter().any(|(n, _)| n == f))
    {
        bail!(
            "{} holds a rustauth plan newer than the snapshot {} (a live `rustauth generate` wrote it, or its snapshot was deleted), so an offline generate cannot tell what the database will have: run `rustauth generate` against the database (without --dialect), {way_out}",
            dir.join(f).display(),
            path.display()
        );
    }
    let catalog = catalog_from_json(&v["tables"]).ok_or_else(|| bad("has malformed tables"))?;
    Ok(Some(Snapshot {
        path,
        catalog,
        files,
    }))
}

fn catalog_from_json(tables: &Value) -> Option<Catalog> {
    let mut catalog = Catalog::default();
    for t in tables.as_array()? {
        let name = t["name"].as_str()?.to_string();
        let mut table = CatalogTable {
            name: name.clone(),
            ..Default::default()
        };
        for c in t["columns"].as_array()? {
            table.columns.push(CatalogColumn {
                name: c["name"].as_str()?.to_string(),
                data_type: c["data_type"].as_str()?.to_string(),
                nullable: c["nullable"].as_bool()?,
                has_default: c["has_default"].as_bool()?,
                max_bytes: c["max_bytes"].as_u64(),
            });
        }
        for i in t["indexes"].as_array()? {
            let index = CatalogIndex {
                name: i["name"].as_str()?.to_string(),
                columns: i["columns"]
                    .as_array()?
                    .iter()
                    .map(|c| c.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()?,
                unique: i["unique"].as_bool()?,
            };
            catalog
                .named_indexes
                .push((index.name.clone(), name.clone()));
            table.indexes.push(index);
        }
        catalog.tables.push(table);
    }
    Some(catalog)
}

/// The bytes a value of a `varchar(n)` / `nvarchar(n)` column can take, for the index
/// budget the planner checks on MySQL (4 bytes a character) and SQL Server.
fn max_bytes(data_type: &str, dialect: Dialect) -> Option<u64> {
    let lower = data_type.to_ascii_lowercase();
    let inner = lower
        .strip_prefix("varchar(")
        .or_else(|| lower.strip_prefix("nvarchar("))?
        .strip_suffix(')')?;
    let n: u64 = inner.parse().ok()?;
    Some(if dialect == Dialect::Mysql { n * 4 } else { n })
}

/// The catalog of a database that had `before` and then ran the plan to `schema`: what
/// it had, plus every table, column and index of `schema` it lacked (a plan never alters
/// or drops anything).
pub(crate) fn after(before: Option<&Catalog>, schema: &Schema, dialect: Dialect) -> Catalog {
    let rules = crate::sql::Rules::of(schema.line);
    let mut catalog = before.cloned().unwrap_or_default();
    for t in &schema.tables {
        let mut columns = vec![CatalogColumn {
            name: crate::schema::ID.into(),
            data_type: crate::sql::id_type(dialect, schema.id).to_string(),
            nullable: false,
            has_default: schema.id == crate::model::IdStrategy::Serial
                || (dialect == Dialect::Postgres && schema.id == crate::model::IdStrategy::Uuid),
            max_bytes: None,
        }];
        let mut indexes = Vec::new();
        for c in &t.columns {
            let ty = crate::sql::column_type(
                c,
                crate::sql::index_string_length(t, &c.name, dialect),
                dialect,
                schema.id,
            );
            columns.push(CatalogColumn {
                name: c.name.clone(),
                max_bytes: max_bytes(&ty, dialect),
                data_type: ty.clone(),
                nullable: !c.required,
                has_default: crate::sql::column_default(c, dialect).is_some(),
            });
            if c.index {
                indexes.push(CatalogIndex {
                    name: crate::sql::index_name(
                        &t.name,
                        std::slice::from_ref(&c.name),
                        c.unique,
                        rules.truncate_index_names,
                    ),
                    columns: vec![c.name.clone()],
                    unique: c.unique,
                });
            }
        }
        for i in &t.indexes {
            indexes.push(CatalogIndex {
                name: crate::sql::index_name(
                    &t.name,
                    &i.columns,
                    i.unique,
                    rules.truncate_index_names,
                ),
                columns: i.columns.clone(),
                unique: i.unique,
            });
        }
        let pos = match catalog.tables.iter().position(|e| e.name == t.name) {
            Some(p) => p,
            None => {
                catalog.tables.push(CatalogTable {
                    name: t.name.clone(),
                    ..Default::default()
                });
                catalog.tables.len() - 1
            }
        };
        let table = &mut catalog.tables[pos];
        for c in columns {
            if table.column(&c.name).is_none() {
                table.columns.push(c);
            }
        }
        for i in indexes {
            if !table
                .indexes
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(&i.name))
            {
                catalog.named_indexes.push((i.name.clone(), t.name.clone()));
                table.indexes.push(i);
            }
        }
    }
    catalog
}

/// The snapshot's JSON: the format, dialect, the chain of files, the tables.
pub(crate) fn to_json(catalog: &Catalog, dialect: Dialect, files: &[(String, String)]) -> String {
    let tables: Vec<Value> = catalog
        .tables
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "columns": t.columns.iter().map(|c| json!({
                    "name": c.name,
                    "data_type": c.data_type,
                    "nullable": c.nullable,
                    "has_default": c.has_default,
                    "max_bytes": c.max_bytes,
                })).collect::<Vec<_>>(),
                "indexes": t.indexes.iter().map(|i| json!({
                    "name": i.name,
                    "columns": i.columns,
                    "unique": i.unique,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let v = json!({
        "rustauth_snapshot": FORMAT,
        "note": "written by `rustauth generate --dialect`: the schema after the files below; the next offline generate writes only what differs from it. Do not edit.",
        "dialect": dialect.name(),
        "files": files.iter().map(|(n, h)| json!({ "name": n, "sha256": h })).collect::<Vec<_>>(),
        "tables": tables,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// The sha256 of a file's bytes.
pub(crate) fn sha256_of(path: &Path) -> Result<String> {
    sha256_file(path).with_context(|| format!("cannot read {}", path.display()))
}
