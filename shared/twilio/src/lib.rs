//! Twilio adapter: request signatures, webhook payloads and the Messages
//! API client.
pub mod client;
pub mod inbound;
pub mod signature;

pub use client::{Credentials, Outgoing, Receipt, SendError, TwilioClient};
