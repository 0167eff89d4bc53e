//! What the schema is resolved from: the plain options a configuration produces (`config`
//! fills them from rustauth.toml; `schema` never reads the config itself).

use indexmap::IndexMap;

use crate::model::{FieldType, Literal, OnDelete};
use crate::schema::plugins::PluginOptions;

crate::model::named! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum RateLimitStorage {
        #[default]
        Memory = "memory",
        SecondaryStorage = "secondary-storage",
        Database = "database",
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RateLimitConfig {
    pub storage: RateLimitStorage,
    pub model_name: Option<String>,
    /// Logical field (`key`, `count`, `lastRequest`) -> column name.
    pub fields: IndexMap<String, String>,
}

/// `[secondary_storage]` (read from rustauth.toml as it is: these keys are the file's).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecondaryStorageConfig {
    pub enabled: bool,
    pub store_session_in_database: bool,
    pub store_verification_in_database: bool,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PluginsConfig {
    /// Plugin ids in the order the file lists them (that order is output order).
    pub enabled: Vec<String>,
    /// `[plugins.<id>]` options by plugin id.
    #[serde(skip)]
    pub options: IndexMap<String, PluginOptions>,
}

/// `[models.<key>.additional_fields.<name>]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalField {
    pub ty: FieldType,
    pub field_name: Option<String>,
    pub required: bool,
    pub unique: bool,
    pub index: bool,
    pub sortable: bool,
    pub bigint: bool,
    /// `default = "now"` (upstream's `() => new Date()`).
    pub default_now: bool,
    /// `default = <string, integer or boolean>`: a static default.
    pub default: Option<Literal>,
    pub references: Option<AdditionalReference>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalReference {
    pub model: String,
    pub field: String,
    pub on_delete: OnDelete,
}

/// `[models.<key>]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelConfig {
    pub model_name: Option<String>,
    /// Logical field name -> column name.
    pub fields: IndexMap<String, String>,
    /// In the order the file lists them.
    pub additional_fields: IndexMap<String, AdditionalField>,
}
