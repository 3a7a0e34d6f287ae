//! Parlo's application layer: the services layer (the one writer every
//! door calls), the ingress (webhook), the scheduled jobs (reminders,
//! missed calls), and the adapters and configuration they share. The chat
//! door (`parlo-chat`) and the dashboard door (`parlo-api`) sit on top of
//! it; nothing here imports them (docs/architecture.md).

pub mod agenda;
pub mod aws;
pub mod aws_sink;
pub mod bounds;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod day;
pub mod messenger;
pub mod missed_calls;
pub mod queue;
pub mod readiness;
pub mod reminders;
pub mod schedules;
pub mod services;
pub mod telemetry;
pub mod transcription;
pub mod webhook;

#[cfg(test)]
mod webhook_tests;
