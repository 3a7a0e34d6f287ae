//! Reminders: invoked by EventBridge Scheduler with a job payload
//! (behaviour in `parlo_app::reminders`). An error fails the invocation so
//! Scheduler retries it with backoff; a job that no longer applies answers
//! `skipped`.
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use parlo_app::clock::Clock;
use parlo_app::config::Config;
use parlo_app::messenger::Messenger;
use parlo_app::reminders::Reminders;
use parlo_app::schedules::Schedules;
use parlo_app::services::onboarding::ProvisioningRunner;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    parlo_app::telemetry::init();
    let config = Config::from_env();
    let sdk = parlo_app::aws::sdk_config().await;
    let messenger = Messenger::from_env(config.public_base_url.as_deref()).await?;
    let store = parlo_store::Store::from_config(&sdk, config.table_name.clone());
    let reminders = Reminders {
        store: store.clone(),
        templates: parlo_app::services::Templates::configured(messenger.is_mock()),
        messenger,
        clock: Clock::from_env(),
        schedules: Schedules::from_env(&sdk),
        provisioning: Some(std::sync::Arc::new(ProvisioningRunner::new(
            store.clone(),
            Schedules::from_env(&sdk),
            config.central_number.clone(),
            config.public_base_url.clone(),
        ))),
    };
    let reminders = &reminders;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        let outcome = reminders.handle(event.payload).await?;
        tracing::info!(?outcome, "job done");
        Ok::<Value, Error>(serde_json::to_value(outcome)?)
    }))
    .await
}
