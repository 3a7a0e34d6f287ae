//! Twilio webhook: verifies, records and enqueues inbound messages
//! (behaviour in `parlo_app::webhook`). Init builds clients only: no
//! network call happens before the first request.
use lambda_http::{run, service_fn, Error, Request};
use parlo_app::aws_sink::QueueSink;
use parlo_app::clock::Clock;
use parlo_app::config::{Config, LazySecret};
use parlo_app::missed_calls::MissedCalls;
use parlo_app::schedules::Schedules;
use parlo_app::services::onboarding::ProvisioningRunner;
use parlo_app::webhook::{Webhook, WebhookConfig};

#[tokio::main]
async fn main() -> Result<(), Error> {
    parlo_app::telemetry::init();
    let config = Config::from_env();
    let sdk = parlo_app::aws::sdk_config().await;
    let store = parlo_store::Store::from_config(&sdk, config.table_name.clone());
    let sink = QueueSink {
        store: store.clone(),
        sqs: aws_sdk_sqs::Client::new(&sdk),
        queue_url: config.turn_queue_url.clone().unwrap_or_default(),
    };
    let webhook = Webhook::new(
        WebhookConfig {
            auth_token: LazySecret::from_env("TWILIO_AUTH_TOKEN"),
            public_base_url: config.public_base_url.clone(),
        },
        sink,
        Clock::from_env(),
    )
    .with_missed_calls(MissedCalls {
        store: store.clone(),
        schedules: Schedules::from_env(&sdk),
    })
    .with_provisioning(ProvisioningRunner::new(
        store,
        Schedules::from_env(&sdk),
        config.central_number.clone(),
        config.public_base_url.clone(),
    ));
    let webhook = &webhook;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(webhook.handle(request).await)
    }))
    .await
}
