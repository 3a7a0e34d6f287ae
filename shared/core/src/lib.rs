//! Parlo's domain core.
//!
//! Pure by design: no AWS types, no HTTP, no clock reads, no randomness.
//! Callers pass `now` and fresh ids in, so every rule here is testable with
//! fixed inputs.

pub mod entities;
pub mod es;
pub mod ids;
pub mod inbound;
pub mod ledger;
pub mod locale;
pub mod media;
pub mod permissions;
pub mod phone;
pub mod routing;
pub mod scheduling;
pub mod time;

pub use entities::*;
pub use locale::Locale;
