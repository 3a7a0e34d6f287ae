//! The gateway over real HTTP, in front of a scripted Lambda emulator:
//! routing, the v2 event, response mapping, errors, and `say` end to end.
mod support;

use base64::Engine;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use support::{start_gateway, FakeLambda};

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn routes_events_and_maps_responses() {
    let lambda = FakeLambda::start(Arc::new(|function, event| match function {
        "webhook" if event["rawPath"] == "/health" => (
            200,
            json!({"statusCode": 201, "headers": {"content-type": "application/json", "x-from": "webhook"},
                   "cookies": ["s=1; HttpOnly"], "body": "{\"status\":\"ok\"}", "isBase64Encoded": false})
            .to_string(),
        ),
        "webhook" => (200, json!({"statusCode": 200, "headers": {"content-type": "text/xml"},
                                   "body": "PFJlc3BvbnNlLz4=", "isBase64Encoded": true}).to_string()),
        "api" => (500, json!({"errorType": "Boom", "errorMessage": "kaput"}).to_string()),
        _ => (404, String::new()),
    }))
    .await;
    let gw = start_gateway(&lambda.url).await;
    let http = client();

    let r = http.get(format!("{gw}/health")).send().await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["x-from"], "webhook");
    assert_eq!(r.headers()["set-cookie"], "s=1; HttpOnly");
    assert!(r.headers().contains_key("apigw-requestid"));
    assert_eq!(r.text().await.unwrap(), r#"{"status":"ok"}"#);

    let r = http
        .post(format!("{gw}/webhooks/twilio?x=1"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Body=hola+mundo&From=whatsapp%3A%2B521")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/xml");
    assert_eq!(r.text().await.unwrap(), "<Response/>");

    let r = http
        .delete(format!("{gw}/api/v1/things/7"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["function"], "api");
    assert!(err["error"].as_str().unwrap().contains("kaput"));

    let r = http
        .get(format!("{gw}/webhooks/twilio"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"message": "Not Found"})
    );

    let calls = lambda.calls();
    assert_eq!(calls.len(), 3, "the 404 invokes nothing");
    let (f, health) = &calls[0];
    assert_eq!(f, "webhook");
    assert_eq!(health["routeKey"], "GET /health");
    assert_eq!(health["requestContext"]["http"]["method"], "GET");
    let (_, form) = &calls[1];
    assert_eq!(form["version"], "2.0");
    assert_eq!(form["routeKey"], "POST /webhooks/twilio");
    assert_eq!(form["rawQueryString"], "x=1");
    assert_eq!(form["isBase64Encoded"], true);
    let body = base64::engine::general_purpose::STANDARD
        .decode(form["body"].as_str().unwrap())
        .unwrap();
    assert_eq!(body, b"Body=hola+mundo&From=whatsapp%3A%2B521");
    let port = gw.rsplit(':').next().unwrap();
    assert_eq!(form["headers"]["x-forwarded-port"], port);
    assert_eq!(form["headers"]["x-forwarded-proto"], "http");
    assert_eq!(
        form["requestContext"]["domainName"],
        format!("127.0.0.1:{port}")
    );
    let (f, api) = &calls[2];
    assert_eq!(f, "api");
    assert_eq!(api["routeKey"], "ANY /api/{proxy+}");
    assert_eq!(api["pathParameters"]["proxy"], "v1/things/7");
    assert!(api.get("body").is_none());
}

/// `say` against a webhook that checks the signature the way the real one
/// does (URL rebuilt from the event) and an api with the dev outbox.
#[tokio::test]
async fn say_signs_posts_and_collects_replies() {
    const TOKEN: &str = "test-token";
    let outbox_reads = Arc::new(AtomicUsize::new(0));
    let reads = outbox_reads.clone();
    let lambda = FakeLambda::start(Arc::new(move |function, event| match function {
        "webhook" => {
            let raw = base64::engine::general_purpose::STANDARD
                .decode(event["body"].as_str().unwrap())
                .unwrap();
            let params = parlo_twilio::inbound::parse_form(&raw).unwrap();
            let url = format!(
                "{}://{}{}",
                event["headers"]["x-forwarded-proto"].as_str().unwrap(),
                event["requestContext"]["domainName"].as_str().unwrap(),
                event["rawPath"].as_str().unwrap()
            );
            let signature = event["headers"]["x-twilio-signature"].as_str().unwrap_or("");
            if parlo_twilio::signature::is_valid(TOKEN, &url, &params, signature) {
                (200, json!({"statusCode": 200, "headers": {"content-type": "text/xml"}, "body": "<Response/>"}).to_string())
            } else {
                (200, json!({"statusCode": 403, "body": "forged"}).to_string())
            }
        }
        "api" => {
            assert_eq!(event["rawPath"], "/api/v1/dev/outbox");
            assert_eq!(event["queryStringParameters"]["to"], "+5215512345678");
            let n = reads.fetch_add(1, Ordering::SeqCst);
            let old = json!({"id": "1", "to": "whatsapp:+5215512345678", "body": "old", "created_at": "x", "status": "sent"});
            let r1 = json!({"id": "2", "to": "whatsapp:+5215512345678", "body": "¡Hola!", "created_at": "x", "status": "queued"});
            let r2 = json!({"id": "3", "to": "whatsapp:+5215512345678", "body": "¿Qué servicio?", "created_at": "x", "status": "queued"});
            let messages = match (n, event["queryStringParameters"]["after"].as_str()) {
                (0, None) => vec![old],
                (1, Some("1")) => vec![],
                (2, Some("1")) => vec![r1],
                (_, Some("2")) => vec![r2],
                _ => vec![],
            };
            (200, json!({"statusCode": 200, "body": json!({"messages": messages}).to_string()}).to_string())
        }
        _ => (404, String::new()),
    }))
    .await;
    let gw = start_gateway(&lambda.url).await;

    let mut sim = parlo_local::say::Simulator::new(&gw, TOKEN, "+5215512345678", "+5215500000001");
    sim.settle = std::time::Duration::from_millis(600);
    sim.poll = std::time::Duration::from_millis(50);
    sim.profile_name = Some("Ana".into());
    let mut seen = Vec::new();
    let exchange = sim
        .say("Hola", true, |m| seen.push(m.body.clone()))
        .await
        .unwrap();
    assert_eq!(exchange.webhook_status, 200);
    assert_eq!(seen, ["¡Hola!", "¿Qué servicio?"]);
    assert_eq!(exchange.replies.len(), 2);
    assert!(exchange.message_sid.starts_with("SM"));

    // A wrong token is refused, and say reports it.
    let forged = parlo_local::say::Simulator::new(&gw, "wrong", "+5215512345678", "+5215500000001");
    let err = forged.say("Hola", false, |_| {}).await.unwrap_err();
    assert!(
        matches!(
            err,
            parlo_local::say::SayError::Rejected { status: 403, .. }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn say_times_out_without_replies() {
    let lambda = FakeLambda::start(Arc::new(|function, _| match function {
        "webhook" => (
            200,
            json!({"statusCode": 200, "body": "<Response/>"}).to_string(),
        ),
        _ => (
            200,
            json!({"statusCode": 200, "body": "{\"messages\":[]}"}).to_string(),
        ),
    }))
    .await;
    let gw = start_gateway(&lambda.url).await;
    let mut sim = parlo_local::say::Simulator::new(&gw, "t", "+5215512345678", "+5215500000001");
    sim.timeout = std::time::Duration::from_millis(300);
    sim.poll = std::time::Duration::from_millis(50);
    let err = sim.say("Hola", true, |_| {}).await.unwrap_err();
    assert!(
        matches!(err, parlo_local::say::SayError::NoReply(_)),
        "{err}"
    );
}
