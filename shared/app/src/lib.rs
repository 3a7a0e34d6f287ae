//! Parlo's application layer: what the Lambda functions do, behind thin
//! `main.rs` files. Adapters (store, queue, Twilio) come in through small
//! traits or concrete clients so each handler is tested with real event
//! shapes against the local stack.

pub mod agenda;
pub mod agent;
pub mod api;
pub mod auth;
pub mod aws;
pub mod aws_sink;
pub mod bounds;
pub mod clock;
pub mod config;
pub mod demo;
pub mod dev;
pub mod messenger;
pub mod missed_calls;
pub mod queue;
pub mod reminders;
pub mod schedules;
pub mod services;
pub mod telemetry;
pub mod tools;
pub mod turn;
pub mod webhook;

#[cfg(test)]
mod webhook_tests;
