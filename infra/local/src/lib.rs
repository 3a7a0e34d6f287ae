//! `parlo-local`: the local stand-in for the AWS pieces that no emulator
//! provides, in front of the real function binaries run by
//! `cargo lambda watch` (the Lambda runtime emulator on 127.0.0.1:9000).
//!
//! - [`gateway`]: API Gateway HTTP API (payload format 2.0) on
//!   127.0.0.1:3000, routed like `template.yaml` ([`apigw`]).
//! - [`sqs`]: the SQS event source mapping of the turn FIFO queue (batches of
//!   up to 10, `ReportBatchItemFailures`).
//! - [`scheduler`]: fires due EventBridge Scheduler schedules stored in moto.
//! - [`clock`]: the local clock override (`.local/clock`, `PARLO_NOW`).
//! - [`say`]: a Twilio-like WhatsApp sender and the dev outbox reader.
//! - [`twilio`]: a stand-in for the Twilio REST API (numbers, senders,
//!   messages), with a call log and scripted failures.
//! - [`llm`]: a stand-in for an OpenAI-compatible model (a fixed Spanish
//!   answer after a latency), with timeout and error windows.
//! - [`transcribe`]: the scripted transcription both stand-ins answer
//!   (`…/audio/transcriptions`).
//! - [`loadtest`]: the load and fault test (`make loadtest`).
pub mod apigw;
pub mod clock;
pub mod demo;
pub mod env;
pub mod gateway;
pub mod invoke;
pub mod llm;
pub mod loadtest;
pub mod say;
pub mod scheduler;
pub mod sqs;
pub mod standin;
pub mod transcribe;
pub mod twilio;

/// The function binaries of the workspace (`template.yaml`'s
/// `BuildProperties.Binary`), as `cargo lambda watch` knows them.
pub const FUNCTIONS: [&str; 4] = ["webhook", "api", "turn", "reminders"];
