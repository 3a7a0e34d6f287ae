//! Parlo's application layer: what the Lambda functions do, behind thin
//! `main.rs` files. Adapters (store, queue, Twilio) come in through small
//! traits so each handler is tested with real event shapes.

pub mod clock;
pub mod webhook;

#[cfg(test)]
mod webhook_tests;
