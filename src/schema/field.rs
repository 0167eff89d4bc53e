//! Field and table definitions: the data a plugin (or the core schema) declares.
//!
//! A definition uses Better Auth's *logical* names (model keys such as `user` and field keys
//! such as `emailVerified`); [`crate::schema::resolve`] applies the config's renames later.

pub use crate::model::{FieldType, Literal, OnDelete};

/// A foreign key as declared: a model (a Better Auth model key, or any other table name)
/// and a field of it (a logical field key, or a column name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub model: String,
    pub field: String,
    pub on_delete: OnDelete,
}

/// One field of a model, with Better Auth's attributes that reach the SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    /// The logical key (`emailVerified`).
    pub key: String,
    /// The column name when it differs from the key (upstream `fieldName`).
    pub field_name: Option<String>,
    pub ty: FieldType,
    /// `false` only when upstream says `required: false`; unset counts as required.
    pub required: bool,
    pub unique: bool,
    pub index: bool,
    pub sortable: bool,
    pub bigint: bool,
    /// Upstream's `defaultValue` is a function (`() => new Date()`): on a date field this
    /// becomes `default CURRENT_TIMESTAMP` on postgres, mysql and mssql.
    pub default_now: bool,
    /// A static `defaultValue` (string, number or boolean). Upstream writes it only on
    /// `alter table … add column`, and only on the 1.7 line.
    pub default: Option<Literal>,
    pub references: Option<Reference>,
}

impl FieldDef {
    pub fn new(key: &str, ty: FieldType) -> FieldDef {
        FieldDef {
            key: key.to_string(),
            field_name: None,
            ty,
            required: true,
            unique: false,
            index: false,
            sortable: false,
            bigint: false,
            default_now: false,
            default: None,
            references: None,
        }
    }
    /// A static `defaultValue`.
    pub fn default(mut self, value: impl Into<Literal>) -> Self {
        self.default = Some(value.into());
        self
    }
    /// `required: false`.
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    pub fn index(mut self) -> Self {
        self.index = true;
        self
    }
    pub fn sortable(mut self) -> Self {
        self.sortable = true;
        self
    }
    pub fn bigint(mut self) -> Self {
        self.bigint = true;
        self
    }
    /// `defaultValue: () => new Date()` (or any function default).
    pub fn default_now(mut self) -> Self {
        self.default_now = true;
        self
    }
    /// A foreign key with `on delete cascade` (upstream's default).
    pub fn references(self, model: &str, field: &str) -> Self {
        self.references_on_delete(model, field, OnDelete::Cascade)
    }
    pub fn references_on_delete(mut self, model: &str, field: &str, on_delete: OnDelete) -> Self {
        self.references = Some(Reference {
            model: model.to_string(),
            field: field.to_string(),
            on_delete,
        });
        self
    }
    /// The column name before config renames: `field_name`, else the key.
    pub fn column(&self) -> &str {
        self.field_name.as_deref().unwrap_or(&self.key)
    }
}

pub fn string(key: &str) -> FieldDef {
    FieldDef::new(key, FieldType::String)
}
pub fn number(key: &str) -> FieldDef {
    FieldDef::new(key, FieldType::Number)
}
pub fn boolean(key: &str) -> FieldDef {
    FieldDef::new(key, FieldType::Boolean)
}
pub fn date(key: &str) -> FieldDef {
    FieldDef::new(key, FieldType::Date)
}
pub fn json(key: &str) -> FieldDef {
    FieldDef::new(key, FieldType::Json)
}
pub fn string_array(key: &str) -> FieldDef {
    FieldDef::new(key, FieldType::StringArray)
}
pub fn number_array(key: &str) -> FieldDef {
    FieldDef::new(key, FieldType::NumberArray)
}

/// A table-level index a plugin declares (upstream's `indexes`): field keys, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub fields: Vec<String>,
    pub unique: bool,
}

/// A model as one source (core or one plugin) declares it: its key, an optional model
/// name, and its fields in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    pub key: String,
    pub model_name: Option<String>,
    pub fields: Vec<FieldDef>,
    /// Table-level indexes (1.7: device-authorization, oauth-provider).
    pub indexes: Vec<IndexDef>,
    /// Only adds fields to another plugin's table (stripe's `organization.stripeCustomerId`):
    /// the table's additional fields belong to the plugin that defines it in full.
    pub extension: bool,
    /// The plugin makes the config's additional fields of this table nullable whatever
    /// they say (upstream's organization plugin does so for `organizationRole`).
    pub additional_fields_optional: bool,
}

pub fn table(key: &str, fields: Vec<FieldDef>) -> TableDef {
    TableDef {
        key: key.to_string(),
        model_name: None,
        fields,
        indexes: Vec::new(),
        extension: false,
        additional_fields_optional: false,
    }
}

impl TableDef {
    /// Adds a table-level unique index on these field keys.
    pub fn unique_index(mut self, fields: &[&str]) -> Self {
        self.indexes.push(IndexDef {
            fields: fields.iter().map(|f| (*f).to_string()).collect(),
            unique: true,
        });
        self
    }

    /// See [`TableDef::additional_fields_optional`].
    pub fn additional_fields_optional(mut self) -> Self {
        self.additional_fields_optional = true;
        self
    }
}

/// Fields that a plugin adds to a table another plugin defines (see [`TableDef::extension`]).
pub fn extension(key: &str, fields: Vec<FieldDef>) -> TableDef {
    TableDef {
        extension: true,
        ..table(key, fields)
    }
}
