//! The Twilio webhook: verify, record, enqueue, answer `<Response/>`.
//! Nothing slow happens here (no LLM, no routing): Twilio gets its answer
//! in milliseconds and the turn function does the work from the queue.
//!
//! Answers are chosen so Twilio retries only what may succeed later: a
//! forged request gets 403, a malformed one 400, an oversized one 413 (none
//! retried by Twilio), and only a failure of our own storage or queue gets
//! a 503.

use std::future::Future;

use chrono::{DateTime, Utc};
use lambda_http::http::{HeaderMap, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use parlo_telemetry::{count, names, Recorder};
use parlo_twilio::inbound::{self, FromTwilioForm, InboundMessage, PayloadError, StatusCallback};
use parlo_twilio::signature;
use tracing::Instrument;

use crate::clock::Clock;
use crate::config::LazySecret;
use crate::missed_calls::{MissedCalls, VoiceStatus};
use crate::services::onboarding::ProvisioningRunner;

pub const TWIML_EMPTY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

/// Whether an inbound message was seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    New,
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

/// Where verified webhook payloads go: the idempotent inbound record plus
/// the turn queue, and the delivery status of outbound messages.
pub trait InboundSink: Send + Sync {
    fn accept(
        &self,
        message: &InboundMessage,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Accepted, SinkError>> + Send;

    fn delivery_status(
        &self,
        callback: &StatusCallback,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), SinkError>> + Send;
}

#[derive(Clone)]
pub struct WebhookConfig {
    /// Twilio's auth token (resolved lazily from SSM in AWS).
    pub auth_token: LazySecret,
    /// The public origin Twilio is configured with (e.g.
    /// `https://api.parlo.mx`). When unset the URL is rebuilt from the
    /// request's Host and X-Forwarded-* headers, as API Gateway sets them.
    pub public_base_url: Option<String>,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("auth_token", &"<redacted>")
            .field("public_base_url", &self.public_base_url)
            .finish()
    }
}

pub struct Webhook<S> {
    config: WebhookConfig,
    sink: S,
    clock: Clock,
    /// Missed-call follow-ups (voice status callbacks); `None` answers
    /// those callbacks without acting.
    missed_calls: Option<MissedCalls>,
    /// Number provisioning, advanced by WhatsApp sender status callbacks;
    /// `None` answers those callbacks without acting.
    provisioning: Option<std::sync::Arc<ProvisioningRunner>>,
}

impl<S: InboundSink> Webhook<S> {
    pub fn new(config: WebhookConfig, sink: S, clock: Clock) -> Self {
        Self {
            config,
            sink,
            clock,
            missed_calls: None,
            provisioning: None,
        }
    }

    pub fn with_provisioning(mut self, runner: ProvisioningRunner) -> Self {
        self.provisioning = Some(std::sync::Arc::new(runner));
        self
    }

    pub fn with_missed_calls(mut self, missed_calls: MissedCalls) -> Self {
        self.missed_calls = Some(missed_calls);
        self
    }

    pub fn sink(&self) -> &S {
        &self.sink
    }

    /// Answers one request and prints its metrics line (EMF), under one
    /// correlation id: the MessageSid once known, else the gateway's
    /// request id.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let started = std::time::Instant::now();
        let recorder = Recorder::new(
            names::service::WEBHOOK,
            crate::telemetry::request_correlation_id(&request),
        )
        .with_zero(&[
            names::WEBHOOK_REQUESTS,
            names::WEBHOOK_ACCEPTED,
            names::WEBHOOK_REJECTED_SIGNATURE,
            names::WEBHOOK_REJECTED_PAYLOAD,
            names::WEBHOOK_UNAVAILABLE,
        ]);
        let (response, mut recorder) = parlo_telemetry::scope(recorder, self.route(request)).await;
        recorder.add(names::WEBHOOK_REQUESTS, parlo_telemetry::Unit::Count, 1.0);
        recorder.add(
            names::WEBHOOK_DURATION,
            parlo_telemetry::Unit::Milliseconds,
            crate::telemetry::elapsed_ms(started) as f64,
        );
        recorder.emit();
        response
    }

    async fn route(&self, request: Request) -> Response<Body> {
        let path = request.uri().path().trim_end_matches('/').to_string();
        match (request.method(), path.as_str()) {
            (&Method::GET, "/health") => json(StatusCode::OK, r#"{"status":"ok"}"#),
            (&Method::POST, "/webhooks/twilio") => self.inbound(&request).await,
            (&Method::POST, "/webhooks/twilio/status") => self.status(&request).await,
            (&Method::POST, "/webhooks/twilio/voice-status") => self.voice_status(&request).await,
            (&Method::POST, "/webhooks/twilio/sender-status") => self.sender_status(&request).await,
            (
                _,
                "/health"
                | "/webhooks/twilio"
                | "/webhooks/twilio/status"
                | "/webhooks/twilio/voice-status"
                | "/webhooks/twilio/sender-status",
            ) => json(
                StatusCode::METHOD_NOT_ALLOWED,
                r#"{"error":"method_not_allowed"}"#,
            ),
            _ => json(StatusCode::NOT_FOUND, r#"{"error":"not_found"}"#),
        }
    }

    /// Parses and verifies a signed form body.
    async fn verified_params(&self, request: &Request) -> Result<Vec<(String, String)>, Rejection> {
        let params = inbound::parse_form(request.body().as_ref()).map_err(Rejection::Payload)?;
        let url = public_url(
            self.config.public_base_url.as_deref(),
            request.headers(),
            request.uri().path(),
            request.uri().query(),
        );
        let signature = request
            .headers()
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let token = match self.config.auth_token.get().await {
            Ok(Some(token)) => token,
            Ok(None) => {
                tracing::error!("no Twilio auth token configured: refusing every webhook");
                return Err(Rejection::Forged);
            }
            Err(e) => {
                tracing::error!(error = %e, "Twilio auth token unavailable");
                return Err(Rejection::Unavailable);
            }
        };
        if !signature::is_valid(token.expose(), &url, &params, signature) {
            tracing::warn!(%url, has_signature = !signature.is_empty(), "rejected unsigned or forged webhook");
            return Err(Rejection::Forged);
        }
        Ok(params)
    }

    async fn inbound(&self, request: &Request) -> Response<Body> {
        let params = match self.verified_params(request).await {
            Ok(p) => p,
            Err(rejection) => return rejection.response(),
        };
        let message = match InboundMessage::from_params(&params) {
            Ok(m) => m,
            Err(e) => return payload_error(e),
        };
        // The inbound message's correlation id is its MessageSid, from
        // here to the queue, the turn, the outbox and the provider.
        parlo_telemetry::set_correlation_id(message.message_sid.clone());
        let span = tracing::info_span!("inbound", correlation_id = %message.message_sid);
        match self
            .sink
            .accept(&message, self.clock.now())
            .instrument(span.clone())
            .await
        {
            Ok(accepted) => {
                count(
                    match accepted {
                        Accepted::New => names::WEBHOOK_ACCEPTED,
                        Accepted::Duplicate => names::WEBHOOK_DUPLICATES,
                    },
                    1,
                );
                span.in_scope(
                    || tracing::info!(?accepted, kind = ?message.kind, "inbound accepted"),
                );
                twiml()
            }
            Err(e) => {
                count(names::WEBHOOK_UNAVAILABLE, 1);
                span.in_scope(
                    || tracing::error!(error = %e, "inbound not recorded; Twilio will retry"),
                );
                json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"error":"temporarily_unavailable"}"#,
                )
            }
        }
    }

    async fn status(&self, request: &Request) -> Response<Body> {
        let params = match self.verified_params(request).await {
            Ok(p) => p,
            Err(rejection) => return rejection.response(),
        };
        let callback = match StatusCallback::from_params(&params) {
            Ok(c) => c,
            Err(e) => return payload_error(e),
        };
        match self.sink.delivery_status(&callback, self.clock.now()).await {
            Ok(()) => json(StatusCode::OK, r#"{"status":"recorded"}"#),
            Err(e) => {
                count(names::WEBHOOK_UNAVAILABLE, 1);
                tracing::error!(message_sid = %callback.message_sid, error = %e, "status not recorded");
                json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"error":"temporarily_unavailable"}"#,
                )
            }
        }
    }
}

impl<S: InboundSink> Webhook<S> {
    /// A call's final status: a missed call gets a WhatsApp follow-up
    /// (see [`crate::missed_calls`]). Answers empty TwiML once handled; 503
    /// only when our storage or scheduler failed (Twilio retries).
    async fn voice_status(&self, request: &Request) -> Response<Body> {
        let params = match self.verified_params(request).await {
            Ok(p) => p,
            Err(rejection) => return rejection.response(),
        };
        let call = match VoiceStatus::from_params(&params) {
            Ok(c) => c,
            Err(e) => return payload_error(e),
        };
        let Some(missed_calls) = &self.missed_calls else {
            tracing::warn!(call_sid = %call.call_sid, "voice status received but follow-ups are not configured");
            return twiml();
        };
        match missed_calls.handle(&call, self.clock.now()).await {
            Ok(outcome) => {
                tracing::info!(call_sid = %call.call_sid, status = %call.call_status, ?outcome, "voice status handled");
                twiml()
            }
            Err(e) => {
                count(names::WEBHOOK_UNAVAILABLE, 1);
                tracing::error!(call_sid = %call.call_sid, error = %e, "missed call not handled; Twilio will retry");
                json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"error":"temporarily_unavailable"}"#,
                )
            }
        }
    }
}

impl<S: InboundSink> Webhook<S> {
    /// A WhatsApp sender's registration moved (Senders API status
    /// callback, the business's id in the signed URL): the business's next
    /// provisioning step runs now. The step re-reads the sender from
    /// Twilio, so the callback is only a nudge and a replay changes
    /// nothing.
    async fn sender_status(&self, request: &Request) -> Response<Body> {
        if let Err(rejection) = self.verified_params(request).await {
            return rejection.response();
        }
        let org = request
            .uri()
            .query()
            .and_then(|q| url_param(q, "org").and_then(|v| uuid::Uuid::parse_str(&v).ok()));
        let Some(org) = org else {
            return json(StatusCode::BAD_REQUEST, r#"{"error":"missing_org"}"#);
        };
        let Some(runner) = &self.provisioning else {
            tracing::warn!(org_id = %org, "sender status received but provisioning is not configured");
            return json(StatusCode::OK, r#"{"status":"ignored"}"#);
        };
        match runner.run(org, self.clock.now()).await {
            Ok(progress) => {
                tracing::info!(org_id = %org, ?progress, "sender status handled");
                json(StatusCode::OK, r#"{"status":"handled"}"#)
            }
            Err(e) => {
                tracing::error!(org_id = %org, error = %e, "sender status not handled; the scheduled poll retries");
                json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"error":"temporarily_unavailable"}"#,
                )
            }
        }
    }
}

fn url_param(query: &str, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Why a webhook request was refused before reaching the sink.
enum Rejection {
    Payload(PayloadError),
    Forged,
    Unavailable,
}

impl Rejection {
    fn response(self) -> Response<Body> {
        match self {
            Rejection::Payload(e) => payload_error(e),
            Rejection::Forged => {
                count(names::WEBHOOK_REJECTED_SIGNATURE, 1);
                json(StatusCode::FORBIDDEN, r#"{"error":"invalid_signature"}"#)
            }
            Rejection::Unavailable => {
                count(names::WEBHOOK_UNAVAILABLE, 1);
                json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"error":"temporarily_unavailable"}"#,
                )
            }
        }
    }
}

/// The URL Twilio signed: the configured public origin, or the origin
/// rebuilt from the headers API Gateway forwards, plus path and query.
pub fn public_url(
    base: Option<&str>,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
) -> String {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let origin = match base {
        Some(base) if !base.is_empty() => base.trim_end_matches('/').to_string(),
        _ => {
            let proto = header("x-forwarded-proto").unwrap_or("https");
            let host = header("host").unwrap_or("localhost");
            match header("x-forwarded-port") {
                Some(port) if !host.contains(':') && !is_default_port(proto, port) => {
                    format!("{proto}://{host}:{port}")
                }
                _ => format!("{proto}://{host}"),
            }
        }
    };
    match query {
        Some(q) if !q.is_empty() => format!("{origin}{path}?{q}"),
        _ => format!("{origin}{path}"),
    }
}

fn is_default_port(proto: &str, port: &str) -> bool {
    matches!((proto, port), ("https", "443") | ("http", "80"))
}

fn twiml() -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "text/xml")
        .body(Body::from(TWIML_EMPTY))
        .expect("static response")
}

fn json(status: StatusCode, body: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .expect("static response")
}

fn payload_error(e: PayloadError) -> Response<Body> {
    tracing::warn!(error = %e, "malformed webhook payload");
    match e {
        PayloadError::TooLarge => {
            count(names::WEBHOOK_REJECTED_TOO_LARGE, 1);
            json(
                StatusCode::PAYLOAD_TOO_LARGE,
                r#"{"error":"payload_too_large"}"#,
            )
        }
        _ => {
            count(names::WEBHOOK_REJECTED_PAYLOAD, 1);
            json(StatusCode::BAD_REQUEST, r#"{"error":"malformed_payload"}"#)
        }
    }
}
