//! The webhook handler against real lambda_http requests and a recording
//! sink; signatures computed independently (Python's hmac, see vectors).

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request};
use parlo_twilio::inbound::{InboundMessage, StatusCallback};

use crate::clock::Clock;
use crate::webhook::*;

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
    statuses: Mutex<Vec<StatusCallback>>,
    fail: bool,
}

impl InboundSink for Recorder {
    async fn accept(&self, m: &InboundMessage, _now: DateTime<Utc>) -> Result<Accepted, SinkError> {
        if self.fail {
            return Err(SinkError("queue down".into()));
        }
        let mut seen = self.seen.lock().unwrap();
        if seen.contains(&m.message_sid) {
            return Ok(Accepted::Duplicate);
        }
        seen.push(m.message_sid.clone());
        Ok(Accepted::New)
    }

    async fn delivery_status(
        &self,
        c: &StatusCallback,
        _now: DateTime<Utc>,
    ) -> Result<(), SinkError> {
        self.statuses.lock().unwrap().push(c.clone());
        Ok(())
    }
}

const TOKEN: &str = "local-twilio-auth-token-not-secret";
const BODY: &str = "MessageSid=SM0123456789abcdef&From=whatsapp%3A%2B5215512345678&To=whatsapp%3A%2B5215500000001&Body=Hola&NumMedia=0";
/// HMAC-SHA1 of "https://abc.execute-api.us-east-1.amazonaws.com/webhooks/twilio"
/// + sorted params, keyed with TOKEN, computed with Python's hmac/base64.
const SIGNATURE: &str = "UyqptaRPErDlYiUjxEKbi2FcaGQ=";

fn request(path: &str, body: &str, signature: Option<&str>) -> Request {
    let mut builder = lambda_http::http::Request::builder()
        .method("POST")
        .uri(format!(
            "https://abc.execute-api.us-east-1.amazonaws.com{path}"
        ))
        .header("host", "abc.execute-api.us-east-1.amazonaws.com")
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-port", "443")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(sig) = signature {
        builder = builder.header("x-twilio-signature", sig);
    }
    builder
        .body(Body::Binary(body.as_bytes().to_vec()))
        .unwrap()
}

fn webhook(sink: Recorder) -> Webhook<Recorder> {
    Webhook::new(
        WebhookConfig {
            auth_token: crate::config::LazySecret::from_vars("T", |_| Some(TOKEN.into())),
            public_base_url: None,
        },
        sink,
        Clock::System,
    )
}

fn sign(url: &str, body: &str) -> String {
    let params = parlo_twilio::inbound::parse_form(body.as_bytes()).unwrap();
    parlo_twilio::signature::compute(TOKEN, url, &params)
}

async fn body_of(r: lambda_http::Response<Body>) -> (StatusCode, String) {
    let status = r.status();
    let body = match r.into_body() {
        Body::Text(t) => t,
        Body::Binary(b) => String::from_utf8(b).unwrap(),
        Body::Empty => String::new(),
        _ => String::new(),
    };
    (status, body)
}

#[tokio::test]
async fn signed_inbound_is_accepted_once_and_answered_with_empty_twiml() {
    let wh = webhook(Recorder::default());
    assert_eq!(
        sign(
            "https://abc.execute-api.us-east-1.amazonaws.com/webhooks/twilio",
            BODY
        ),
        SIGNATURE
    );
    for _ in 0..3 {
        let (status, body) = body_of(
            wh.handle(request("/webhooks/twilio", BODY, Some(SIGNATURE)))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, TWIML_EMPTY);
    }
    assert_eq!(wh_seen(&wh), vec!["SM0123456789abcdef".to_string()]);
}

fn wh_seen(wh: &Webhook<Recorder>) -> Vec<String> {
    wh.sink().seen.lock().unwrap().clone()
}

#[tokio::test]
async fn forged_missing_and_stale_signatures_are_403_with_no_side_effect() {
    let wh = webhook(Recorder::default());
    let stale_body = BODY.replace("Hola", "Adios");
    for (body, sig) in [
        (BODY, None),
        (BODY, Some("bm90IGEgc2lnbmF0dXJl")),
        (stale_body.as_str(), Some(SIGNATURE)),
    ] {
        let (status, _) = body_of(wh.handle(request("/webhooks/twilio", body, sig)).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert!(wh_seen(&wh).is_empty());
}

#[tokio::test]
async fn query_string_and_port_are_part_of_the_signed_url() {
    let wh = webhook(Recorder::default());
    let url = "https://abc.execute-api.us-east-1.amazonaws.com/webhooks/twilio?tenant=x";
    let sig = sign(url, BODY);
    let (status, _) = body_of(
        wh.handle(request("/webhooks/twilio?tenant=x", BODY, Some(&sig)))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The same signature for a different query string is a forgery.
    let (status, _) = body_of(
        wh.handle(request("/webhooks/twilio?tenant=y", BODY, Some(&sig)))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn malformed_and_oversized_bodies_are_4xx_not_5xx() {
    let wh = webhook(Recorder::default());
    let missing_sid = "From=a&To=b&Body=hola";
    let url = "https://abc.execute-api.us-east-1.amazonaws.com/webhooks/twilio";
    let (status, _) = body_of(
        wh.handle(request(
            "/webhooks/twilio",
            missing_sid,
            Some(&sign(url, missing_sid)),
        ))
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let huge = "a=".to_string() + &"x".repeat(parlo_twilio::inbound::MAX_BODY_BYTES);
    let (status, _) = body_of(wh.handle(request("/webhooks/twilio", &huge, None)).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn sink_failure_is_503_so_twilio_retries() {
    let wh = webhook(Recorder {
        fail: true,
        ..Default::default()
    });
    let (status, _) = body_of(
        wh.handle(request("/webhooks/twilio", BODY, Some(SIGNATURE)))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn status_callbacks_are_signed_and_recorded() {
    let wh = webhook(Recorder::default());
    let body = "MessageSid=SM1&MessageStatus=delivered";
    let url = "https://abc.execute-api.us-east-1.amazonaws.com/webhooks/twilio/status";
    let (status, _) = body_of(
        wh.handle(request(
            "/webhooks/twilio/status",
            body,
            Some(&sign(url, body)),
        ))
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = body_of(
        wh.handle(request("/webhooks/twilio/status", body, None))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(wh.sink().statuses.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let wh = webhook(Recorder::default());
    let get = lambda_http::http::Request::builder()
        .method("GET")
        .uri("/webhooks/twilio")
        .body(Body::Empty)
        .unwrap();
    assert_eq!(
        wh.handle(get).await.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    let other = lambda_http::http::Request::builder()
        .method("POST")
        .uri("/nope")
        .body(Body::Empty)
        .unwrap();
    assert_eq!(wh.handle(other).await.status(), StatusCode::NOT_FOUND);
    let health = lambda_http::http::Request::builder()
        .method("GET")
        .uri("/health")
        .body(Body::Empty)
        .unwrap();
    assert_eq!(wh.handle(health).await.status(), StatusCode::OK);
}

/// The one metrics line of each request: parsed as CloudWatch reads it.
fn emf_lines() -> Vec<serde_json::Value> {
    parlo_telemetry::take_captured()
        .iter()
        .map(|l| serde_json::from_str(l).expect("EMF line is JSON"))
        .collect()
}

#[tokio::test]
async fn every_request_emits_one_emf_line_with_its_outcome() {
    use parlo_telemetry::names;
    parlo_telemetry::capture_on_this_thread();
    let wh = webhook(Recorder::default());
    for _ in 0..2 {
        wh.handle(request("/webhooks/twilio", BODY, Some(SIGNATURE)))
            .await;
    }
    wh.handle(request("/webhooks/twilio", BODY, Some("Zm9yZ2Vk")))
        .await;
    let huge = "a=".to_string() + &"x".repeat(parlo_twilio::inbound::MAX_BODY_BYTES);
    wh.handle(request("/webhooks/twilio", &huge, None)).await;
    let failing = webhook(Recorder {
        fail: true,
        ..Default::default()
    });
    failing
        .handle(request("/webhooks/twilio", BODY, Some(SIGNATURE)))
        .await;

    let lines = emf_lines();
    assert_eq!(lines.len(), 5, "one line per request");
    for line in &lines {
        assert_eq!(line["Service"], "webhook");
        assert_eq!(line["WebhookRequests"], 1.0);
        assert!(line["WebhookDuration"].as_f64().is_some());
        let declared: Vec<&str> = line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Name"].as_str().unwrap())
            .collect();
        for name in [
            names::WEBHOOK_REQUESTS,
            names::WEBHOOK_REJECTED_SIGNATURE,
            names::WEBHOOK_UNAVAILABLE,
        ] {
            assert!(declared.contains(&name), "{name} declared in {line}");
        }
    }
    let count = |i: usize, name: &str| lines[i][name].as_f64().unwrap_or(0.0);
    // Accepted, then a duplicate, both correlated by the MessageSid.
    assert_eq!(count(0, names::WEBHOOK_ACCEPTED), 1.0);
    assert_eq!(count(1, names::WEBHOOK_DUPLICATES), 1.0);
    assert_eq!(lines[0]["correlation_id"], "SM0123456789abcdef");
    assert_eq!(count(2, names::WEBHOOK_REJECTED_SIGNATURE), 1.0);
    assert_eq!(count(2, names::WEBHOOK_ACCEPTED), 0.0);
    // A forged request keeps a generated id: no sender data in it.
    assert_ne!(lines[2]["correlation_id"], "SM0123456789abcdef");
    assert_eq!(count(3, names::WEBHOOK_REJECTED_TOO_LARGE), 1.0);
    assert_eq!(count(4, names::WEBHOOK_UNAVAILABLE), 1.0);
    assert!(!lines
        .iter()
        .any(|l| l.to_string().contains("5215512345678")));
}

#[tokio::test]
async fn sender_status_callbacks_are_signed_and_name_their_business() {
    let wh = webhook(Recorder::default());
    let body = "SenderSid=XE1&SenderId=whatsapp%3A%2B525591000000&Status=ONLINE";
    let org = "5f0e7b0c-51d1-4c2e-9a4e-0a3b1c2d3e4f";
    let path = format!("/webhooks/twilio/sender-status?org={org}");
    let url = format!("https://abc.execute-api.us-east-1.amazonaws.com{path}");
    // Forged (or signed for another business's URL): 403.
    let (status, _) = body_of(wh.handle(request(&path, body, Some("bad"))).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = sign(
        "https://abc.execute-api.us-east-1.amazonaws.com/webhooks/twilio/sender-status?org=x",
        body,
    );
    let (status, _) = body_of(wh.handle(request(&path, body, Some(&other))).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Signed, without provisioning configured here: answered, nothing done.
    let (status, text) = body_of(
        wh.handle(request(&path, body, Some(&sign(&url, body))))
            .await,
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::OK, r#"{"status":"ignored"}"#)
    );
    // Signed but naming no business: 400, not retried by Twilio.
    let bare = "/webhooks/twilio/sender-status";
    let bare_url = format!("https://abc.execute-api.us-east-1.amazonaws.com{bare}");
    let (status, _) = body_of(
        wh.handle(request(bare, body, Some(&sign(&bare_url, body))))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
