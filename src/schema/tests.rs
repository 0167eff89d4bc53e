//! The plugin data against upstream: for each line, `tests/fixtures/schema-<line>/` holds
//! what upstream's `getAuthTables` returned for the core schema and for each plugin id
//! alone (default options; mcp and oauth-provider with jwt on 1.7). Every table, field and
//! attribute that reaches the SQL must match.

use std::path::Path;

use serde_json::Value;

use super::*;
use crate::config::Config;
use crate::model::{Line, Literal};

fn config_for(id: &str, line: Line, with_jwt: bool) -> Config {
    let mut c = Config::default();
    c.project.better_auth = line;
    if id != "core" {
        if with_jwt {
            c.plugins.enabled.push("jwt".into());
        }
        c.plugins.enabled.push(id.into());
    }
    if id == "additional-fields" {
        // The configuration upstream's schema was taken with.
        for (model, name) in [("user", "nickname"), ("session", "deviceName")] {
            c.models
                .entry(model.into())
                .or_default()
                .additional_fields
                .insert(
                    name.into(),
                    crate::config::AdditionalField {
                        ty: FieldType::String,
                        field_name: None,
                        required: false,
                        unique: false,
                        index: false,
                        sortable: false,
                        bigint: false,
                        default_now: false,
                        default: None,
                        references: None,
                    },
                );
        }
    }
    if id == "mcp" && line == Line::V1_7 {
        let mut o = plugins::PluginOptions::default();
        o.set_text("resource", "https://api.example.com/mcp");
        c.plugins.options.insert("mcp".into(), o);
    }
    c
}

fn field_type(v: &Value) -> FieldType {
    match v {
        Value::String(s) => match s.as_str() {
            "string" => FieldType::String,
            "number" => FieldType::Number,
            "boolean" => FieldType::Boolean,
            "date" => FieldType::Date,
            "json" => FieldType::Json,
            "string[]" => FieldType::StringArray,
            "number[]" => FieldType::NumberArray,
            other => panic!("unknown type {other}"),
        },
        Value::Array(a) => FieldType::Enum(
            a.iter()
                .map(|v| v.as_str().expect("enum value").to_string())
                .collect(),
        ),
        other => panic!("unknown type {other}"),
    }
}

fn flag(f: &Value, key: &str) -> bool {
    f.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Compares one upstream table with ours; returns the differences.
fn compare(line: Line, id: &str, key: &str, up: &Value, ours: Option<&AuthTable>) -> Vec<String> {
    let at = format!("{line} {id}: {key}");
    let Some(ours) = ours else {
        return vec![format!("{at}: table missing")];
    };
    let mut diffs = Vec::new();
    let model = up["modelName"].as_str().unwrap_or(key);
    if ours.model_name != model {
        diffs.push(format!("{at}: model name {} vs {model}", ours.model_name));
    }
    let fields = up["fields"].as_object().expect("fields");
    let up_keys: Vec<&String> = fields.keys().collect();
    let our_keys: Vec<&String> = ours.fields.keys().collect();
    if up_keys != our_keys {
        diffs.push(format!(
            "{at}: fields {our_keys:?}\n    upstream {up_keys:?}"
        ));
    }
    for (fk, f) in fields {
        let Some(o) = ours.fields.get(fk) else {
            continue;
        };
        let here = format!("{at}.{fk}");
        let column = f["fieldName"].as_str().unwrap_or(fk);
        if o.column() != column {
            diffs.push(format!("{here}: column {} vs {column}", o.column()));
        }
        if o.ty != field_type(&f["type"]) {
            diffs.push(format!("{here}: type {:?} vs {}", o.ty, f["type"]));
        }
        let required = f.get("required").and_then(Value::as_bool).unwrap_or(true);
        for (name, ours, theirs) in [
            ("required", o.required, required),
            ("unique", o.unique, flag(f, "unique")),
            ("index", o.index, flag(f, "index")),
            ("sortable", o.sortable, flag(f, "sortable")),
            ("bigint", o.bigint, flag(f, "bigint")),
            (
                "default function",
                o.default_now,
                f["defaultValue"].as_str() == Some("<function>"),
            ),
        ] {
            if ours != theirs {
                diffs.push(format!("{here}: {name} {ours} vs {theirs}"));
            }
        }
        let default = match &f["defaultValue"] {
            Value::Bool(b) => Some(Literal::Bool(*b)),
            Value::Number(n) => Some(Literal::Int(n.as_i64().expect("integer default"))),
            Value::String(s) if s != "<function>" => Some(Literal::Str(s.clone())),
            _ => None,
        };
        if o.default != default {
            diffs.push(format!("{here}: default {:?} vs {default:?}", o.default));
        }
        let reference = f.get("references").map(|r| {
            (
                r["model"].as_str().expect("model").to_string(),
                r["field"].as_str().expect("field").to_string(),
                r["onDelete"].as_str().unwrap_or("cascade").to_string(),
            )
        });
        let our_ref = o.references.as_ref().map(|r| {
            (
                r.model.clone(),
                r.field.clone(),
                r.on_delete.name().to_string(),
            )
        });
        if our_ref != reference {
            diffs.push(format!("{here}: references {our_ref:?} vs {reference:?}"));
        }
    }
    let up_indexes: Vec<(Vec<String>, bool)> = up
        .get("indexes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|i| {
                    (
                        i["fields"]
                            .as_array()
                            .expect("index fields")
                            .iter()
                            .map(|f| f.as_str().expect("field").to_string())
                            .collect(),
                        flag(i, "unique"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let our_indexes: Vec<(Vec<String>, bool)> = ours
        .indexes
        .iter()
        .map(|i| (i.fields.clone(), i.unique))
        .collect();
    if our_indexes != up_indexes {
        diffs.push(format!("{at}: indexes {our_indexes:?} vs {up_indexes:?}"));
    }
    diffs
}

#[test]
fn plugin_data_matches_upstream_get_auth_tables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut diffs = Vec::new();
    let mut files = 0;
    for line in Line::ALL {
        let dir = root.join(format!("schema-{line}"));
        for entry in std::fs::read_dir(&dir).expect("schema fixtures") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix("-schema.json") else {
                continue;
            };
            files += 1;
            let up: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
            let up = up.as_object().expect("object");
            let with_jwt = id != "jwt" && up.contains_key("jwks");
            let ours = auth_tables(&config_for(id, line, with_jwt).schema_options());
            let up_keys: Vec<&String> = up.keys().collect();
            let our_keys: Vec<&String> = ours.keys().collect();
            if up_keys != our_keys {
                diffs.push(format!(
                    "{line} {id}: tables {our_keys:?}\n    upstream {up_keys:?}"
                ));
            }
            for (key, t) in up {
                diffs.extend(compare(line, id, key, t, ours.get(key)));
            }
        }
    }
    assert!(files > 60, "schema fixtures missing ({files} files)");
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn renames_that_collide_are_refused() {
    let mut c = Config::default();
    assert_eq!(rename_collisions(&c.schema_options()), Ok(()));
    let user = c.models.entry("user".into()).or_default();
    user.fields.insert("email".into(), "contact".into());
    assert_eq!(rename_collisions(&c.schema_options()), Ok(()));
    c.models
        .get_mut("user")
        .unwrap()
        .fields
        .insert("name".into(), "contact".into());
    let e = rename_collisions(&c.schema_options()).unwrap_err();
    assert!(
        e.contains("`name` and `email`") && e.contains("\"contact\""),
        "{e}"
    );

    let mut c = Config::default();
    c.models.entry("account".into()).or_default().model_name = Some("session".into());
    let e = rename_collisions(&c.schema_options()).unwrap_err();
    assert!(
        e.contains("`session` and `account`") && e.contains("[models.account] model_name"),
        "{e}"
    );
    // Every plugin together, as upstream defines them: nothing collides.
    let mut c = Config::default();
    c.plugins.enabled = crate::schema::plugins::ids(Line::V1_7)
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(
        rename_collisions(&c.schema_options()),
        Ok(()),
        "{:?}",
        c.plugins.enabled
    );
}
