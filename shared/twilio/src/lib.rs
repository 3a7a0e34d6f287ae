//! Twilio adapter: request signatures, webhook payloads and (later) the
//! Messages API client.
pub mod inbound;
pub mod signature;
