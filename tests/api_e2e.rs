//! The dashboard API end to end: HTTP through the local gateway to the
//! real api binary under `cargo lambda watch`, against the emulators and
//! the seeded demo business. Needs the dev stack (`infra/scripts/dev.sh
//! --background`) and PARLO_E2E=1; otherwise each test says it is skipped.

use parlo_local::demo;
use serde_json::{json, Value};

#[path = "api_helpers.rs"]
mod helpers;

fn gateway() -> Option<String> {
    if std::env::var("PARLO_E2E").as_deref() != Ok("1") {
        eprintln!("skipped: PARLO_E2E=1 and the dev stack are needed (make test sets both)");
        return None;
    }
    Some(std::env::var("PARLO_GATEWAY_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into()))
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("gateway reachable");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn owner_signs_in_books_and_lists_the_day_through_the_gateway() {
    let Some(gw) = gateway() else { return };
    let http = reqwest::Client::new();
    let api = |p: &str| format!("{gw}{p}");
    // Sign in: the dev route issues the link, verify turns it into a session.
    let (s, v) = call(
        &http,
        reqwest::Method::POST,
        api("/api/v1/dev/auth/magic-link"),
        None,
        Some(json!({"phone": demo::OWNER_PHONE})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let link = v["links"][0]["token"].as_str().unwrap().to_string();
    let (s, v) = call(
        &http,
        reqwest::Method::POST,
        api("/api/v1/auth/verify-magic-link"),
        None,
        Some(json!({"token": link})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    let get = |p: &str| call(&http, reqwest::Method::GET, api(p), Some(&token), None);
    let (s, org) = get("/api/v1/organization").await;
    assert_eq!(
        (s, org["id"].as_str()),
        (200, Some(demo::ORG_ID.to_string().as_str()))
    );
    let (s, services) = get("/api/v1/services?active=true").await;
    assert_eq!(s, 200, "{services}");
    let service = services["items"][0]["id"].as_str().unwrap().to_string();
    // A free slot a week from the local clock, booked from the dashboard.
    let (s, slots) = get(&format!("/api/v1/availability/slots?service_id={service}")).await;
    assert_eq!(s, 200, "{slots}");
    let (s, v) = get("/api/v1/stats").await;
    assert_eq!(s, 200, "{v}");
    let today = v["to"].as_str().unwrap().to_string();
    let from: chrono::NaiveDate = today.parse().unwrap();
    // The first day from a week ahead with a free slot (closed days have none).
    let mut found = None;
    for ahead in 7..14 {
        let day = (from + chrono::Duration::days(ahead)).to_string();
        let (s, slots) = get(&format!(
            "/api/v1/availability/slots?service_id={service}&from={day}"
        ))
        .await;
        assert_eq!(s, 200, "{slots}");
        if let Some(start) = slots["slots"][0]["start"].as_str() {
            found = Some((day, start.to_string()));
            break;
        }
    }
    let (day, start) = found.expect("a free slot within a week");
    let phone = parlo_tests::random_phone();
    let (s, a) = call(
        &http,
        reqwest::Method::POST,
        api("/api/v1/appointments"),
        Some(&token),
        Some(json!({"service_id": service, "start": start, "customer_phone": phone, "customer_name": "Prueba E2E"})),
    )
    .await;
    assert_eq!(s, 201, "{a}");
    let (s, list) = get(&format!("/api/v1/appointments?from={day}&to={day}")).await;
    assert_eq!(s, 200, "{list}");
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == a["id"]));
    // The same time again with the same staff member: the chat's answer.
    let (s, v) = call(
        &http,
        reqwest::Method::POST,
        api("/api/v1/appointments"),
        Some(&token),
        Some(json!({"service_id": service, "start": start, "customer_phone": parlo_tests::random_phone(), "staff_id": a["staff_id"]})),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (409, Some("slot_taken")),
        "{v}"
    );
    let (s, _) = call(
        &http,
        reqwest::Method::POST,
        api(&format!(
            "/api/v1/appointments/{}/cancel",
            a["id"].as_str().unwrap()
        )),
        Some(&token),
        Some(json!({"reason": "prueba"})),
    )
    .await;
    assert_eq!(s, 200);
    // No session, no data; the document is public.
    let (s, v) = call(
        &http,
        reqwest::Method::GET,
        api("/api/v1/services"),
        None,
        None,
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (401, Some("missing_token"))
    );
    let (s, doc) = call(
        &http,
        reqwest::Method::GET,
        api("/api/v1/openapi.json"),
        None,
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert!(doc["paths"]["/api/v1/appointments"]["post"].is_object());
}

/// What a readiness answer must never contain: the local settings' values
/// (the Twilio token), the table and queue names and URLs, account ids,
/// ARNs, credentials.
fn assert_nothing_secret(text: &str) {
    let mut secrets: Vec<String> =
        parlo_local::env::read_env_file(&parlo_local::env::local_settings_file())
            .into_iter()
            .map(|(_, v)| v)
            .collect();
    for var in [
        "TABLE_NAME",
        "TURN_QUEUE_URL",
        "TURN_DLQ_URL",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "SCHEDULER_ROLE_ARN",
    ] {
        secrets.extend(std::env::var(var).ok().filter(|v| !v.is_empty()));
    }
    secrets.extend(
        [
            "parlo-local",
            "turn.fifo",
            "arn:",
            "http",
            "123456789012",
            "000000000000",
        ]
        .map(String::from),
    );
    assert!(
        secrets.iter().any(|s| s.contains("twilio")),
        "local settings read: {secrets:?}"
    );
    for secret in secrets {
        assert!(
            !text.contains(&secret),
            "the readiness answer leaks {secret:?}: {text}"
        );
    }
}

fn assert_check(report: &Value, part: &str, ok: bool, status: &str) {
    let check = &report[part];
    assert_eq!(check["ok"], json!(ok), "{part}: {report}");
    assert_eq!(check["status"], json!(status), "{part}: {report}");
    let ms = check["ms"].as_u64().unwrap_or(u64::MAX);
    // Each check has a 1.5 s budget; the answer never waits longer.
    assert!(ms <= 2_000, "{part} took {ms} ms: {report}");
}

#[tokio::test]
async fn health_ready_through_the_gateway_reports_table_queue_and_credentials_and_no_secret() {
    let Some(gw) = gateway() else { return };
    let http = reqwest::Client::new();
    // Liveness stays the constant answer.
    let (s, v) = call(
        &http,
        reqwest::Method::GET,
        format!("{gw}/health"),
        None,
        None,
    )
    .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("ok")), "{v}");

    let resp = http
        .get(format!("{gw}/api/v1/health/ready"))
        .send()
        .await
        .expect("gateway reachable");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let report: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(status, 200, "{text}");
    assert_eq!(report["ready"], json!(true), "{text}");
    assert_check(&report, "table", true, "ok");
    assert_check(&report, "queue", true, "ok");
    // Locally there is no Twilio account sid: messages are mocked, and the
    // report says so instead of pretending credentials are configured.
    assert_check(&report, "provider_credentials", true, "mock");
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4, "only the parts: {text}");
    assert_nothing_secret(&text);
}

/// The api's handler (what the binary runs) on the stack's emulators, with
/// its table or queue missing: reported part by part, 503, still nothing
/// secret. In-process because the running function's table cannot be
/// taken away from the other tests.
#[tokio::test]
async fn a_missing_table_or_queue_is_reported_not_ready() {
    let Ok(queue_url) = std::env::var("TURN_QUEUE_URL") else {
        eprintln!("skipped: TURN_QUEUE_URL (.local/env) is needed");
        return;
    };
    let real = parlo_tests::store().await;
    let missing_table = format!("parlo-missing-{}", uuid::Uuid::new_v4().simple());
    let ask = |store: parlo_store::Store, queue: String| async move {
        let mut api = helpers::api(&store);
        api.config.turn_queue_url = Some(queue);
        let r = api
            .handle(helpers::request("GET", "/api/v1/health/ready", None, None))
            .await;
        let text = String::from_utf8(r.body().to_vec()).unwrap();
        (r.status().as_u16(), text)
    };

    let (status, text) = ask(
        parlo_store::Store::new(real.client().clone(), missing_table.as_str()),
        queue_url.clone(),
    )
    .await;
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status, 503, "{text}");
    assert_eq!(report["ready"], json!(false), "{text}");
    assert_check(&report, "table", false, "error");
    assert_check(&report, "queue", true, "ok");
    assert!(!text.contains(&missing_table), "{text}");
    assert_nothing_secret(&text);

    let gone_queue = format!("{}-gone.fifo", queue_url.trim_end_matches(".fifo"));
    let (status, text) = ask(real.clone(), gone_queue).await;
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status, 503, "{text}");
    assert_check(&report, "table", true, "ok");
    assert_check(&report, "queue", false, "error");
    assert_nothing_secret(&text);

    // Everything there: ready.
    let (status, text) = ask(real, queue_url).await;
    assert_eq!(status, 200, "{text}");
}
