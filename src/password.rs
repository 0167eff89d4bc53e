//! Passwords as Better Auth stores them (`@better-auth/utils` `hashPassword`): scrypt with
//! N = 16384, r = 16, p = 1 and a 64-byte key over the NFKC form of the password, salted
//! with 16 random bytes written as 32 hex characters (the hex text itself is the salt),
//! stored as `<salt hex>:<key hex>`.

use rand::RngCore;
use unicode_normalization::UnicodeNormalization;

/// Better Auth's scrypt parameters: log2(N) = 14, r = 16, p = 1, 64-byte key.
fn params() -> scrypt::Params {
    scrypt::Params::new(14, 16, 1, 64).expect("valid scrypt parameters")
}

fn key(password: &str, salt: &str) -> String {
    let normalized: String = password.nfkc().collect();
    let mut out = [0u8; 64];
    scrypt::scrypt(normalized.as_bytes(), salt.as_bytes(), &params(), &mut out)
        .expect("64 is a valid scrypt output length");
    hex::encode(out)
}

/// A new hash of `password`, with a fresh random salt.
pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = hex::encode(salt);
    format!("{salt}:{}", key(password, &salt))
}

/// Whether `password` matches a stored `salt:key` hash.
pub fn verify(password: &str, stored: &str) -> bool {
    match stored.split_once(':') {
        Some((salt, k)) => key(password, salt) == k,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by better-auth 1.7.25's `hashPassword("correct horse ﬁ battery")`.
    const UPSTREAM: &str = "fb7075a1f8dcbda04672d06623153680:e33b06c8aac0cf7ccdbdbc25def9ed47175b01e4f4ddf6b27149c36dec6fc52720e7c6b98e709c15203760ae10624713ee070e998d1bd61e45fb921e41b7008e";

    #[test]
    fn matches_a_hash_better_auth_made() {
        assert!(verify("correct horse ﬁ battery", UPSTREAM));
        // NFKC: the ligature and its letters are the same password.
        assert!(verify("correct horse fi battery", UPSTREAM));
        assert!(!verify("correct horse battery", UPSTREAM));
    }

    #[test]
    fn a_new_hash_has_upstreams_shape_and_verifies() {
        let h = hash("s3cret password");
        let (salt, k) = h.split_once(':').unwrap();
        assert_eq!(salt.len(), 32);
        assert_eq!(k.len(), 128);
        assert!(
            h.bytes()
                .all(|b| b == b':' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert!(verify("s3cret password", &h));
        assert_ne!(hash("s3cret password"), h, "salts differ");
    }
}
