//! Structured JSON logs for every function. `RUST_LOG` filters (default
//! `info`); Lambda stamps the time, so lines carry none of their own.
//! Metrics and the correlation id: [`parlo_telemetry`] (EMF lines).

pub use parlo_telemetry::{names, Recorder};

pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .without_time()
        .with_target(false)
        .try_init();
}

/// An HTTP request's correlation id: API Gateway's request id (also in
/// its access logs), else a fresh one (local gateway, tests).
pub fn request_correlation_id(request: &lambda_http::Request) -> String {
    use lambda_http::request::RequestContext;
    use lambda_http::RequestExt;
    let from_gateway = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
        _ => None,
    };
    from_gateway
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// Milliseconds since `started`, for a duration metric.
pub fn elapsed_ms(started: std::time::Instant) -> u64 {
    started.elapsed().as_millis() as u64
}
