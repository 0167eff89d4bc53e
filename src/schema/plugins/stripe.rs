//! `stripe`: Stripe customers, and optionally subscriptions.
//!
//! Upstream's schema object is `subscription` (with `subscription.enabled`), then `user`, then
//! `organization` (with `organization.enabled`: only `stripeCustomerId`, merged into the
//! organization plugin's table when that plugin is on).

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, extension, number, string, table};
use crate::schema::plugins::{Availability, OptionSpec, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "stripe",
    summary: "Stripe customers, and optionally subscriptions",
    options: &[
        OptionSpec::flag("subscription", "subscription.enabled", "+ subscription"),
        OptionSpec::flag(
            "organization",
            "organization.enabled",
            "+ organization.stripeCustomerId",
        ),
    ],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    let mut tables = Vec::new();
    if opts.enabled("subscription") {
        tables.push(table(
            "subscription",
            vec![
                string("plan"),
                string("referenceId"),
                string("stripeCustomerId").optional(),
                string("stripeSubscriptionId").optional(),
                string("status"),
                date("periodStart").optional(),
                date("periodEnd").optional(),
                date("trialStart").optional(),
                date("trialEnd").optional(),
                boolean("cancelAtPeriodEnd").optional(),
                date("cancelAt").optional(),
                date("canceledAt").optional(),
                date("endedAt").optional(),
                number("seats").optional(),
                string("billingInterval").optional(),
                string("stripeScheduleId").optional(),
            ],
        ));
    }
    tables.push(table("user", vec![string("stripeCustomerId").optional()]));
    if opts.enabled("organization") {
        // Merged into the organization plugin's table, whose additional fields (its
        // `schema.organization.additionalFields`) follow its own fields, not this one.
        tables.push(extension(
            "organization",
            vec![string("stripeCustomerId").optional()],
        ));
    }
    tables
}
