//! Twilio adapter: request signatures, webhook payloads, the Messages API
//! client and number provisioning (numbers, WhatsApp senders).
pub mod client;
pub mod inbound;
pub mod media;
pub mod numbers;
pub mod signature;

pub use client::{Credentials, Outgoing, Receipt, SendError, TwilioClient};
