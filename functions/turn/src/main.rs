//! Turn processor: one conversation turn per SQS message.
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};

async fn handle(_event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, Error> {
    Ok(SqsBatchResponse::default())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt().json().without_time().init();
    run(service_fn(handle)).await
}
