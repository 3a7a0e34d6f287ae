//! Twilio adapter: request signatures and (later) the Messages API client.
pub mod signature;
