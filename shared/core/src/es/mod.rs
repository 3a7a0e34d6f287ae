//! Mexican-Spanish language helpers: understanding what customers and staff
//! write on WhatsApp. Pure functions only; `now` and the business's zone are
//! always parameters.

pub mod format;
pub mod fuzzy;
pub mod intent;
pub mod when;
