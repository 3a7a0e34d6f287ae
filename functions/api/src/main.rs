//! Dashboard and admin HTTP API (behaviour in `parlo_api::api`).
use lambda_http::{run, service_fn, Error, Request};
use parlo_api::api::Api;
use parlo_app::config::Config;

#[tokio::main]
async fn main() -> Result<(), Error> {
    parlo_app::telemetry::init();
    let config = Config::from_env();
    let sdk = parlo_app::aws::sdk_config().await;
    let api = Api::new(
        parlo_store::Store::from_config(&sdk, config.table_name.clone()),
        config,
        parlo_app::clock::Clock::from_env(),
    )
    .with_schedules(parlo_app::schedules::Schedules::from_env(&sdk));
    let api = &api;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(api.handle(request).await)
    }))
    .await
}
