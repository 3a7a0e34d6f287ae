//! Turn processor: one conversation turn per SQS message (behaviour in
//! `parlo_chat::turn`), partial batch failures reported to SQS. With an
//! OpenAI key configured the LLM answers (the rule agent as its fallback);
//! without one, the rule agent alone. With `TRANSCRIPTION_MODEL` set,
//! voice notes are transcribed before either answers.
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use parlo_app::clock::Clock;
use parlo_app::config::{Config, LlmConfig};
use parlo_app::messenger::Messenger;
use parlo_app::schedules::Schedules;
use parlo_app::services::onboarding::LazyProvisioning;
use parlo_app::services::{Outbox, Services, Templates};
use parlo_app::transcription::Transcriber;
use parlo_chat::agent::llm::TurnAgent;
use parlo_chat::agent::rules::RuleAgent;
use parlo_chat::turn::TurnProcessor;

#[tokio::main]
async fn main() -> Result<(), Error> {
    parlo_app::telemetry::init();
    let config = Config::from_env();
    let sdk = parlo_app::aws::sdk_config().await;
    let store = parlo_store::Store::from_config(&sdk, config.table_name.clone());
    let messenger = Messenger::from_env(config.public_base_url.as_deref()).await?;
    let services = Services::new(
        store.clone(),
        Schedules::from_env(&sdk),
        Outbox {
            store: store.clone(),
            messenger: messenger.clone(),
            templates: Templates::configured(messenger.is_mock()),
            central_number: config.central_number.clone(),
        },
    );
    let processor = TurnProcessor {
        agent: TurnAgent::from_config(
            RuleAgent::new(store.clone())
                .with_services(services)
                .with_provisioning(LazyProvisioning::new(config.public_base_url.clone()))
                .with_transcriber(Transcriber::from_env())
                .with_dashboard_url(
                    config
                        .dashboard_url
                        .clone()
                        .unwrap_or_else(|| "http://localhost:5173".into()),
                ),
            LlmConfig::from_env(),
        ),
        store,
        messenger,
        clock: Clock::from_env(),
        central_number: config.central_number.clone(),
    };
    let processor = &processor;
    run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<SqsBatchResponse, Error>(processor.process_batch(event.payload).await)
    }))
    .await
}
