//! `rustauth create-admin`: an administrator for the admin plugin, written as Better Auth
//! writes one (the admin plugin's `createUser`): the user row (name, lowercased email,
//! emailVerified, role, timestamps, the schema's defaults, `--data`) and its credential
//! account (`providerId = "credential"`, `accountId` = the user's id, the password hashed
//! as Better Auth hashes it), in one transaction. The password is never printed.

use std::io::Read;
use std::time::Duration;

use anyhow::{Result, bail};
use rand::Rng;
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::connect::{self, Route};
use super::context::Global;
use crate::cli::CreateAdminArgs;
use crate::db::Db;
use crate::db::rows::{Param, Stmt};
use crate::exit::Exit;
use crate::model::{Dialect, FieldType, IdStrategy, Literal};

use super::render;
use crate::schema::{Column, ID, Schema, Table};
use crate::sql::Style;
use crate::sql::rows::{self, Value};

/// Better Auth's default password limits (`minPasswordLength`, `maxPasswordLength`),
/// counted as JavaScript counts a string's length.
const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 128;

pub(crate) fn run(global: &Global, args: CreateAdminArgs) -> Result<Exit> {
    let yes = args.yes.given();
    let loaded = global.load(true)?;
    let config = &loaded.config;
    let config_name = config
        .path
        .as_ref()
        .map_or_else(|| "rustauth.toml".into(), |p| p.display().to_string());
    if !config.plugins.enabled.iter().any(|p| p == "admin") {
        bail!(
            "the admin plugin is required: add \"admin\" to `plugins.enabled` in {config_name} (`rustauth plugins add admin`), then `rustauth migrate`; nothing was written"
        );
    }
    let email = match args.email.clone() {
        Some(e) => e,
        None => match prompt_text("Admin email")? {
            Some(e) => e,
            None => bail!(
                "no email: pass --email (there is no terminal to ask on); nothing was written"
            ),
        },
    };
    let email = email.trim().to_lowercase();
    if !valid_email(&email) {
        bail!(
            "invalid email address `{email}`; pass --email with an address such as admin@example.com; nothing was written"
        );
    }
    let data = parse_data(args.data.as_deref())?;
    let password = read_password(&args)?;
    let length = password.encode_utf16().count();
    if length < MIN_PASSWORD {
        bail!(
            "the password is too short ({length} characters; Better Auth's minimum is {MIN_PASSWORD}); nothing was written"
        );
    }
    if length > MAX_PASSWORD {
        bail!(
            "the password is too long ({length} characters; Better Auth's maximum is {MAX_PASSWORD}); nothing was written"
        );
    }

    let schema = config.schema();
    let timeout = Duration::from_secs(args.connect.connect_timeout);
    super::context::runtime()?.block_on(async {
        let target = match connect::target(&loaded) {
            Ok(Route::Sql(t)) => t,
            Ok(Route::Guidance(m)) => bail!(m),
            Err(e) => bail!(render::connect_error(&e, "create-admin")),
        };
        let mut db = Db::connect(&target, &render::read_only(timeout))
            .await
            .map_err(|e| anyhow::anyhow!(render::db_error(&e)))?;
        // The work, then the session ends cleanly whatever it came to.
        let result = async {
        let dialect = target.dialect();
        let style = Style::of(&schema, dialect);
        let user = table(&schema, "user")?;
        let account = table(&schema, "account")?;
        let col = |t: &Table, key: &str| -> Result<String> {
            t.columns
                .iter()
                .find(|c| c.key == key)
                .map(|c| c.name.clone())
                .ok_or_else(|| anyhow::anyhow!("the {} table has no {key} column in this schema", t.name))
        };
        let email_col = col(user, "email")?;
        let by_email = || vec![(email_col.clone(), Value::text(email.clone()))];
        let existing = db
            .read_texts(&rows::select_text(&style, &user.name, Some(ID), by_email()))
            .await?;
        let now = OffsetDateTime::now_utc();
        let hash = crate::password::hash(&password);
        let password_col = col(account, "password")?;
        let updated_col = col(account, "updatedAt")?;

        let (verb, stmts) = match existing.first() {
            Some(id) => {
                if !args.force {
                    bail!(
                        "a user with email {email} already exists in {}; pass --force to make it an administrator and set its password; nothing was written",
                        target.describe()
                    );
                }
                let mut stmts = vec![rows::update(
                    &style,
                    &user.name,
                    vec![
                        (col(user, "role")?, Value::text(args.role.clone())),
                        (col(user, "updatedAt")?, time_value(now, dialect)),
                    ],
                    vec![(ID.into(), id_value(id, &schema, dialect))],
                )];
                let credential = vec![
                    (col(account, "userId")?, id_value(id, &schema, dialect)),
                    (col(account, "providerId")?, Value::text("credential")),
                ];
                let has_account = !db
                    .read_texts(&rows::select_text(&style, &account.name, Some(ID), credential.clone()))
                    .await?
                    .is_empty();
                if has_account {
                    stmts.push(rows::update(
                        &style,
                        &account.name,
                        vec![
                            (password_col.clone(), Value::text(hash.clone())),
                            (updated_col.clone(), time_value(now, dialect)),
                        ],
                        credential,
                    ));
                } else {
                    stmts.push(account_insert(&style, &schema, user, account, &email_col, &email, &hash, now)?);
                }
                ("updated", stmts)
            }
            None => {
                let count = db
                    .read_texts(&rows::select_text(&style, &user.name, None, vec![]))
                    .await?;
                let users: u64 = count.first().and_then(|n| n.parse().ok()).unwrap_or(0);
                if users > 0 && !yes && !args.force {
                    let question = format!(
                        "Found {users} existing user{}. Create an admin user anyway?",
                        if users == 1 { "" } else { "s" }
                    );
                    match crate::output::confirm(&question, false) {
                        Some(true) => {}
                        Some(false) => {
                            println!("Create admin cancelled.");
                            return Ok(Exit::Ok);
                        }
                        None => bail!(
                            "the database holds {users} user(s) already; pass --yes to create the administrator without a prompt; nothing was written"
                        ),
                    }
                }
                let mut values = Vec::new();
                for c in &user.columns {
                    let given = match c.key.as_str() {
                        "email" => Some(Value::text(email.clone())),
                        "name" => Some(Value::text(args.name.clone())),
                        "emailVerified" => Some(Value::typed(Param::Bool(!args.no_email_verified), &c.ty)),
                        "role" => Some(Value::text(args.role.clone())),
                        "createdAt" | "updatedAt" => Some(time_value(now, dialect)),
                        _ => match data.get(&c.key).or_else(|| data.get(&c.name)) {
                            Some(v) => Some(json_value(c, v, dialect)?),
                            None => default_value(c, now, dialect),
                        },
                    };
                    match given {
                        Some(v) => values.push((c.name.clone(), v)),
                        None if c.required => bail!(
                            "user.{} is required and has no default: pass it with --data '{{\"{}\": …}}'; nothing was written",
                            c.name,
                            c.key
                        ),
                        None => {}
                    }
                }
                if let Some(id) = new_id(&schema, dialect) {
                    values.insert(0, (ID.into(), Value::text(id)));
                }
                let stmts = vec![
                    rows::insert(&style, &user.name, values),
                    account_insert(&style, &schema, user, account, &email_col, &email, &hash, now)?,
                ];
                ("created", stmts)
            }
        };
        db.write_rows(&stmts).await?;
        let id = db
            .read_texts(&rows::select_text(&style, &user.name, Some(ID), by_email()))
            .await?
            .into_iter()
            .next()
            .unwrap_or_default();
        println!("Admin user {verb} successfully.");
        println!("User ID: {id}");
        println!("Email: {email}");
        println!("Role: {}", args.role);
        Ok(Exit::Ok)
        }
        .await;
        db.close().await;
        result
    })
}

fn table<'a>(schema: &'a Schema, key: &str) -> Result<&'a Table> {
    schema
        .tables
        .iter()
        .find(|t| t.key == key)
        .ok_or_else(|| anyhow::anyhow!("this configuration has no {key} table"))
}

/// The credential account of the user with `email`: its id and account id come from the
/// user row, whatever the id strategy made it.
#[allow(clippy::too_many_arguments)]
fn account_insert(
    style: &Style<'_>,
    schema: &Schema,
    user: &Table,
    account: &Table,
    email_col: &str,
    email: &str,
    hash: &str,
    now: OffsetDateTime,
) -> Result<Stmt> {
    let dialect = style.dialect;
    let mut values = Vec::new();
    if let Some(id) = new_id(schema, dialect) {
        values.push((ID.to_string(), Value::text(id)));
    }
    let mut from = Vec::new();
    for c in &account.columns {
        let v = match c.key.as_str() {
            "providerId" => Some(Value::text("credential")),
            "password" => Some(Value::text(hash)),
            "createdAt" | "updatedAt" => Some(time_value(now, dialect)),
            "userId" => {
                from.push((c.name.as_str(), ID, false));
                continue;
            }
            "accountId" => {
                from.push((c.name.as_str(), ID, true));
                continue;
            }
            _ => default_value(c, now, dialect),
        };
        match v {
            Some(v) => values.push((c.name.clone(), v)),
            None if c.required => bail!(
                "account.{} is required and has no default; nothing was written",
                c.name
            ),
            None => {}
        }
    }
    Ok(rows::insert_from(
        style,
        &account.name,
        values,
        &from,
        &user.name,
        (email_col, Value::text(email)),
    ))
}

/// The id Better Auth's adapter would give a new row; `None` when the database makes it
/// (serial, or uuid on PostgreSQL, which has `gen_random_uuid()` as the default).
fn new_id(schema: &Schema, dialect: Dialect) -> Option<String> {
    let mut rng = rand::thread_rng();
    match schema.id {
        IdStrategy::Serial => None,
        IdStrategy::Uuid if dialect == Dialect::Postgres => None,
        IdStrategy::Uuid => {
            let mut b: [u8; 16] = rng.r#gen();
            b[6] = (b[6] & 0x0f) | 0x40;
            b[8] = (b[8] & 0x3f) | 0x80;
            let h = hex::encode(b);
            Some(format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            ))
        }
        IdStrategy::Default => {
            const ALPHABET: &[u8] =
                b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            Some(
                (0..32)
                    .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                    .collect(),
            )
        }
    }
}

/// An existing row's id as a bound value (an integer for serial ids).
fn id_value(id: &str, schema: &Schema, dialect: Dialect) -> Value {
    match (schema.id, id.parse::<i64>()) {
        (IdStrategy::Serial, Ok(n)) => Value {
            param: Param::Int(n),
            ty: None,
            pg_cast: None,
        },
        (IdStrategy::Uuid, _) if dialect == Dialect::Postgres => {
            Value::cast(Param::Text(id.to_string()), "uuid")
        }
        _ => Value::text(id),
    }
}

/// A timestamp as the runtime stores it: ISO 8601 with milliseconds (`Z`) on SQLite and
/// PostgreSQL, `YYYY-MM-DD HH:MM:SS.mmm` (UTC) on MySQL.
fn time_value(t: OffsetDateTime, dialect: Dialect) -> Value {
    let text = match dialect {
        Dialect::Mysql => t.format(&time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]"
        )),
        _ => t.format(&time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        )),
    }
    .unwrap_or_default();
    Value::typed(Param::Text(text), &FieldType::Date)
}

/// The default Better Auth fills for a field the caller did not give.
fn default_value(c: &Column, now: OffsetDateTime, dialect: Dialect) -> Option<Value> {
    if let Some(d) = &c.default {
        let param = match d {
            Literal::Bool(b) => Param::Bool(*b),
            Literal::Int(n) => Param::Int(*n),
            Literal::Str(s) => Param::Text(s.clone()),
        };
        return Some(Value::typed(param, &c.ty));
    }
    (c.default_now && c.ty == FieldType::Date).then(|| time_value(now, dialect))
}

/// A `--data` value for a column, checked against the field's type.
fn json_value(c: &Column, v: &Json, dialect: Dialect) -> Result<Value> {
    let wrong = |want: &str| {
        anyhow::anyhow!(
            "--data: `{}` must be {want} (the field is {}); nothing was written",
            c.key,
            c.ty
        )
    };
    if v.is_null() {
        if c.required {
            return Err(wrong("a value, not null"));
        }
        return Ok(Value::typed(Param::Null, &c.ty));
    }
    let param = match &c.ty {
        FieldType::String | FieldType::Enum(_) => {
            let s = v.as_str().ok_or_else(|| wrong("a string"))?;
            if let FieldType::Enum(values) = &c.ty
                && !values.iter().any(|x| x == s)
            {
                return Err(wrong(&format!("one of {}", values.join(", "))));
            }
            Param::Text(s.to_string())
        }
        FieldType::Number => Param::Int(v.as_i64().ok_or_else(|| wrong("an integer"))?),
        FieldType::Boolean => Param::Bool(v.as_bool().ok_or_else(|| wrong("true or false"))?),
        FieldType::Date => {
            let s = v.as_str().ok_or_else(|| wrong("a date string"))?;
            let t = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map_err(|_| wrong("an RFC 3339 date such as 2026-01-31T12:00:00Z"))?;
            return Ok(time_value(t.to_offset(time::UtcOffset::UTC), dialect));
        }
        FieldType::Json | FieldType::StringArray | FieldType::NumberArray => {
            Param::Text(v.to_string())
        }
    };
    Ok(Value::typed(param, &c.ty))
}

fn parse_data(data: Option<&str>) -> Result<serde_json::Map<String, Json>> {
    let Some(text) = data else {
        return Ok(serde_json::Map::new());
    };
    let v: Json = serde_json::from_str(text)
        .map_err(|e| anyhow::anyhow!("--data must be valid JSON ({e}); nothing was written"))?;
    match v {
        Json::Object(mut m) => {
            if m.remove("role").is_some() {
                crate::output::warn("--data: `role` is ignored; --role sets it");
            }
            Ok(m)
        }
        _ => bail!(
            "--data must be a JSON object such as '{{\"username\": \"admin\"}}'; nothing was written"
        ),
    }
}

/// Better Auth checks the email with zod's `email()`: one `@`, a non-empty local part,
/// and a domain with a dot and no blanks.
fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn read_password(args: &CreateAdminArgs) -> Result<String> {
    if args.password_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| anyhow::anyhow!("cannot read the password from standard input: {e}"))?;
        let line = s.strip_suffix('\n').unwrap_or(&s);
        return Ok(line.strip_suffix('\r').unwrap_or(line).to_string());
    }
    if let Some(p) = &args.password {
        crate::output::warn(
            "--password is visible to other users of this machine (ps, shell history); prefer --password-stdin",
        );
        return Ok(p.clone());
    }
    if !crate::output::interactive() {
        bail!(
            "no password: pass --password-stdin (or --password); there is no terminal to ask on; nothing was written"
        );
    }
    dialoguer::Password::new()
        .with_prompt("Admin password")
        .with_confirmation("Repeat the password", "The passwords do not match.")
        .interact()
        .map_err(|e| anyhow::anyhow!("no password entered ({e}); nothing was written"))
}

fn prompt_text(question: &str) -> Result<Option<String>> {
    if !crate::output::interactive() {
        return Ok(None);
    }
    let v: String = dialoguer::Input::new()
        .with_prompt(question)
        .interact_text()
        .map_err(|e| anyhow::anyhow!("no answer ({e}); nothing was written"))?;
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_as_zod_would_take_them() {
        assert!(valid_email("admin@example.com"));
        assert!(valid_email("a.b+c@sub.example.org"));
        for bad in [
            "admin",
            "@example.com",
            "admin@",
            "admin@localhost",
            "a b@x.io",
            "a@b@c.io",
            "a@.io",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
