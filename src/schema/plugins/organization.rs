//! `organization`: Organizations with members, invitations and roles; optional teams and dynamic roles.
//!
//! Upstream builds its schema object as `organization`, then `organizationRole` (with
//! `dynamicAccessControl.enabled`), then `team` and `teamMember` (with `teams.enabled`), then
//! `member`, `invitation` (its `teamId` sits between `role` and `status`) and last `session`.

use crate::schema::field::{TableDef, date, string, table};
use crate::schema::plugins::{OptionSpec, PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "organization",
    summary: "Organizations with members, invitations and roles; optional teams and dynamic roles",
    options: &[
        OptionSpec {
            key: "teams",
            upstream: "teams.enabled",
            effect: "+ team, teamMember, invitation.teamId, session.activeTeamId",
        },
        OptionSpec {
            key: "dynamic_access_control",
            upstream: "dynamicAccessControl.enabled",
            effect: "+ organizationRole",
        },
    ],
    requires: &[],
    tables,
};

fn tables(opts: &PluginOptions) -> Vec<TableDef> {
    let teams = opts.enabled("teams");
    let mut tables = vec![table(
        "organization",
        vec![
            string("name").sortable(),
            string("slug").unique().index().sortable(),
            string("logo").optional(),
            date("createdAt"),
            string("metadata").optional(),
        ],
    )];
    if opts.enabled("dynamic_access_control") {
        // Upstream builds its update-role endpoint at construction, which sets
        // `required = false` on every `schema.organizationRole.additionalFields` entry in
        // place (the schema sees it too): those columns are always nullable.
        tables.push(
            table(
                "organizationRole",
                vec![
                    string("organizationId")
                        .index()
                        .references("organization", "id"),
                    string("role").index(),
                    string("permission"),
                    date("createdAt").default_now(),
                    date("updatedAt").optional(),
                ],
            )
            .additional_fields_optional(),
        );
    }
    if teams {
        tables.push(table(
            "team",
            vec![
                string("name"),
                string("organizationId")
                    .index()
                    .references("organization", "id"),
                date("createdAt"),
                date("updatedAt").optional(),
            ],
        ));
        tables.push(table(
            "teamMember",
            vec![
                string("teamId").index().references("team", "id"),
                string("userId").index().references("user", "id"),
                date("createdAt").optional(),
            ],
        ));
    }
    tables.push(table(
        "member",
        vec![
            string("organizationId")
                .index()
                .references("organization", "id"),
            string("userId").index().references("user", "id"),
            string("role").sortable(),
            date("createdAt"),
        ],
    ));
    let mut invitation = vec![
        string("organizationId")
            .index()
            .references("organization", "id"),
        string("email").index().sortable(),
        string("role").optional().sortable(),
    ];
    if teams {
        invitation.push(string("teamId").optional().sortable());
    }
    invitation.extend([
        string("status").sortable(),
        date("expiresAt"),
        date("createdAt").default_now(),
        string("inviterId").references("user", "id"),
    ]);
    tables.push(table("invitation", invitation));
    let mut session = vec![string("activeOrganizationId").optional()];
    if teams {
        session.push(string("activeTeamId").optional());
    }
    tables.push(table("session", session));
    tables
}
