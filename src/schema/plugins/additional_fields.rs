//! `additional-fields`: Extra columns on the core models, declared under `[models.<key>.additional_fields]`.

use crate::model::Line;
use crate::schema::field::TableDef;
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "additional-fields",
    summary: "Extra columns on the core models, declared under [models.<key>.additional_fields]",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    Vec::new()
}
