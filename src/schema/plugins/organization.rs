//! `organization`: Organizations with members, invitations and roles; optional teams and dynamic roles.
//!
//! Upstream builds its schema object as `organization`, then `organizationRole` (with
//! `dynamicAccessControl.enabled`), then `team` and `teamMember` (with `teams.enabled`), then
//! `member`, `invitation` (its `teamId` sits between `role` and `status`) and last `session`.

use crate::model::Line;
use crate::schema::field::{TableDef, date, number, string, table};
use crate::schema::plugins::{Availability, OptionSpec, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "organization",
    summary: "Organizations with members, invitations and roles; optional teams and dynamic roles",
    options: &[
        OptionSpec::flag(
            "teams",
            "teams.enabled",
            "+ team, teamMember, invitation.teamId, session.activeTeamId",
        ),
        OptionSpec::flag(
            "dynamic_access_control",
            "dynamicAccessControl.enabled",
            "+ organizationRole",
        ),
    ],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(opts: &PluginOptions, line: Line) -> Vec<TableDef> {
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
        let mut team = vec![string("name")];
        if line >= Line::V1_7 {
            team.push(number("memberCount").default(0));
        }
        team.push(
            string("organizationId")
                .index()
                .references("organization", "id"),
        );
        team.extend([date("createdAt"), date("updatedAt").optional()]);
        tables.push(table("team", team));
        let mut member = vec![
            string("teamId").index().references("team", "id"),
            string("userId").index().references("user", "id"),
        ];
        if line >= Line::V1_7 {
            member.push(string("membershipKey").optional().unique());
        }
        member.push(date("createdAt").optional());
        tables.push(table("teamMember", member));
    }
    tables.push(table(
        "member",
        vec![
            string("organizationId")
                .index()
                .references("organization", "id"),
            string("userId").index().references("user", "id"),
            string("role").sortable().default("member"),
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
        string("status").sortable().default("pending"),
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
