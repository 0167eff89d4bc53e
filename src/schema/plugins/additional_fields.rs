//! `additional-fields`: Extra columns on the core models, declared under [models.<key>.additional_fields].

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "additional-fields",
    summary: "Extra columns on the core models, declared under [models.<key>.additional_fields]",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
