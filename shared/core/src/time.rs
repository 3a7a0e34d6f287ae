//! Wall clock ⇄ UTC in a business's IANA zone, DST-safe.
