//! The chat door: one conversation turn per queued inbound message
//! ([`turn`]), answered by the rule agent or the LLM agent ([`agent`]),
//! both acting only through the typed [`tools`], which call the services
//! layer of `parlo-app` for every change.

pub mod agent;
pub mod media;
pub mod tools;
pub mod turn;
