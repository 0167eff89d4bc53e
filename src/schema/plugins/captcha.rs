//! `captcha`: Captcha verification on sign-up, sign-in and password reset.

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "captcha",
    summary: "Captcha verification on sign-up, sign-in and password reset",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
