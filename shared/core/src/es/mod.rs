//! Mexican-Spanish language helpers: understanding what customers and staff
//! write on WhatsApp. Pure functions only; `now` and the business's zone are
//! always parameters.

pub mod when;
