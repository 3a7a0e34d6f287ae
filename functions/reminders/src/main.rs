//! Reminders: invoked by EventBridge Scheduler with a small JSON payload.
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

async fn handle(event: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(serde_json::json!({ "received": event.payload }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt().json().without_time().init();
    run(service_fn(handle)).await
}
