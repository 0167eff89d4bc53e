//! Index names and the index byte budget.
//!
//! Names are `<table>_<col>…_<idx|uidx>` on both lines. The 1.7 line keeps a name within
//! 63 UTF-8 bytes (PostgreSQL's limit) by cutting it and adding an FNV-1a hash of the whole
//! name; on MySQL and SQL Server a string column in a table-level index gets a `varchar`
//! length from the engine's index-key budget.

use crate::model::Dialect;
use crate::schema::{Column, Table};

/// The longest index name the 1.7 line writes, in UTF-8 bytes.
pub(crate) const MAX_INDEX_NAME_BYTES: usize = 63;

/// `<table>_<columns joined by _>_<idx|uidx>`, cut to 63 bytes with a hash when
/// `truncate` (the 1.7 line) and longer.
pub(crate) fn index_name(table: &str, columns: &[String], unique: bool, truncate: bool) -> String {
    let kind = if unique { "uidx" } else { "idx" };
    let full = format!("{table}_{}_{kind}", columns.join("_"));
    if !truncate || full.len() <= MAX_INDEX_NAME_BYTES {
        return full;
    }
    let suffix = format!("_{:08x}_{kind}", fnv1a_utf16(&full));
    let stem = &full[..full.len() - kind.len() - 1];
    let budget = MAX_INDEX_NAME_BYTES - suffix.len();
    let mut cut = 0;
    for (i, ch) in stem.char_indices() {
        if i + ch.len_utf8() > budget {
            break;
        }
        cut = i + ch.len_utf8();
    }
    format!("{}{suffix}", &stem[..cut])
}

/// 32-bit FNV-1a over the UTF-16 code units of `s` (as JavaScript's `charCodeAt`).
fn fnv1a_utf16(s: &str) -> u32 {
    s.encode_utf16().fold(0x811c_9dc5_u32, |h, unit| {
        (h ^ u32::from(unit)).wrapping_mul(0x0100_0193)
    })
}

/// The `varchar` length of a string column that a table-level index covers, on MySQL
/// (3072-byte budget, 4 bytes a character, at most 191) and SQL Server (1700 bytes, 1 byte
/// a character, at most 255): the smallest share over the indexes that contain it. `None`
/// when no table-level index covers it, or on another dialect.
pub(crate) fn index_string_length(table: &Table, column: &str, dialect: Dialect) -> Option<u32> {
    let (budget, per_char, cap) = match dialect {
        Dialect::Mysql => (3072_u32, 4_u32, 191_u32),
        Dialect::Mssql => (1700, 1, 255),
        Dialect::Sqlite | Dialect::Postgres => return None,
    };
    let is_string = |name: &str| {
        table
            .column(name)
            .is_some_and(|c: &Column| c.ty.is_string_like())
    };
    let mut containing = table
        .indexes
        .iter()
        .filter(|i| i.columns.iter().any(|c| c == column))
        .peekable();
    containing.peek()?;
    Some(containing.fold(cap, |len, index| {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let strings = count(index.columns.iter().filter(|c| is_string(c)).count());
        if strings == 0 {
            return len;
        }
        let others = count(index.columns.len()) - strings;
        let share = budget.saturating_sub(16 * others).max(1) / per_char / strings;
        len.min(share)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn short_names_are_kept_whole() {
        assert_eq!(
            index_name(
                "oauthClientResource",
                &cols(&["clientId", "resourceId"]),
                true,
                true
            ),
            "oauthClientResource_clientId_resourceId_uidx"
        );
        let a54 = "a".repeat(54);
        assert_eq!(
            index_name("user", std::slice::from_ref(&a54), false, true),
            format!("user_{a54}_idx")
        );
    }

    #[test]
    fn long_names_are_cut_with_upstreams_hash() {
        // Values computed with upstream's getDatabaseIndexName.
        let t = "organizationMembershipInvitation";
        let c = cols(&["organizationMembershipInvitationCode"]);
        assert_eq!(
            index_name(t, &c, false, true),
            "organizationMembershipInvitation_organizationMembe_89d351fb_idx"
        );
        assert_eq!(
            index_name(t, &c, true, true),
            "organizationMembershipInvitation_organizationMemb_ea1b08ca_uidx"
        );
        let a55 = "a".repeat(55);
        assert_eq!(
            index_name("user", &[a55], false, true),
            format!("user_{}_e874c114_idx", "a".repeat(45))
        );
        let emoji = "😀".repeat(20);
        assert_eq!(
            index_name(&emoji, &cols(&["x"]), true, true),
            format!("{}_c4c2aed9_uidx", "😀".repeat(12))
        );
        // The 1.6 line never cuts.
        assert_eq!(index_name(t, &c, false, false).len(), 73);
    }

    #[test]
    fn fnv_matches_known_values() {
        assert_eq!(fnv1a_utf16(""), 0x811c_9dc5);
        assert_eq!(fnv1a_utf16("a"), 0xe40c_292c);
    }
}
