//! Deterministic ids: everything a retried turn, job or request creates
//! gets the same id the first attempt gave it (uuid v5 over the
//! idempotency key and what is being created), so a retry finds its own
//! work instead of doing it twice. One namespace for the whole system.

use uuid::Uuid;

/// Namespace of every derived id.
const NAMESPACE: Uuid = Uuid::from_u128(0x7061_726c_6f00_4d53_4700_0000_0000_0001);

/// The id of `parts` (joined by U+001F, which no part contains).
pub fn derived_id(parts: &[&str]) -> Uuid {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_parts_same_id_other_parts_other_id() {
        assert_eq!(derived_id(&["SM1", "in"]), derived_id(&["SM1", "in"]));
        assert_ne!(derived_id(&["SM1", "in"]), derived_id(&["SM1", "out"]));
        assert_ne!(derived_id(&["a", "bc"]), derived_id(&["ab", "c"]));
    }
}
