//! The Twilio stand-in over real HTTP with the real client: numbers are
//! sold once, every call is logged, scripted failures fire the given number
//! of times, and a new sender's status callback arrives signed with the
//! auth token exactly as Twilio signs.

use std::time::Duration;

use parlo_local::twilio::{serve, Standin};
use parlo_twilio::numbers::{Purchase, SenderRequest};
use parlo_twilio::{signature, Credentials, SendError, TwilioClient};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "stand-in-test-token";

async fn start() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(
        listener,
        Standin::new(TOKEN, Duration::from_millis(50)),
    ));
    url
}

fn client(url: &str) -> TwilioClient {
    TwilioClient::with_base_url(
        Credentials {
            account_sid: "AC1".into(),
            auth_token: TOKEN.into(),
        },
        url,
    )
    .with_backoff(Duration::from_millis(1), 2)
}

/// Receives one HTTP request; returns (head, body).
async fn one_request(listener: TcpListener) -> (String, String) {
    let (mut s, _) = listener.accept().await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.unwrap();
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(i) = text.find("\r\n\r\n") {
            let head = text[..i].to_string();
            let len: usize = head
                .lines()
                .find_map(|l| header(l, "content-length"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= i + 4 + len {
                let body = String::from_utf8_lossy(&buf[i + 4..i + 4 + len]).to_string();
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                    .await;
                return (head, body);
            }
        }
        if n == 0 {
            panic!("connection closed early");
        }
    }
}

/// The value of header `name` on this line, if it is that header.
fn header<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let (n, v) = line.split_once(':')?;
    n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
}

#[tokio::test]
async fn sells_registers_logs_fails_on_cue_and_signs_callbacks() {
    let url = start().await;
    let c = client(&url);
    let http = reqwest::Client::new();

    // Scripted: the next search is empty, the next purchase a 500.
    for f in [
        json!({"op": "search", "mode": "empty"}),
        json!({"op": "buy", "mode": "error", "status": 500}),
    ] {
        let r = http
            .post(format!("{url}/_standin/fail"))
            .json(&f)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    assert!(c.search_numbers("MX", None).await.unwrap().is_empty());
    let found = c.search_numbers("MX", None).await.unwrap();
    assert_eq!(found.len(), 3);
    let purchase = Purchase {
        phone_number: found[0].phone_number.clone(),
        friendly_name: "parlo-test".into(),
        ..Default::default()
    };
    assert!(matches!(
        c.buy_number(&purchase).await,
        Err(SendError::Unavailable(_))
    ));
    let owned = c.buy_number(&purchase).await.unwrap();
    assert_eq!(owned.phone_number, found[0].phone_number);
    // The same number cannot be sold twice; the owner finds it by name.
    assert!(matches!(
        c.buy_number(&purchase).await,
        Err(SendError::Rejected { status: 400, .. })
    ));
    assert_eq!(
        c.owned_number("parlo-test").await.unwrap(),
        Some(owned.clone())
    );
    assert_eq!(c.owned_number("parlo-other").await.unwrap(), None);

    // A sender, its signed status callback, and its status.
    let cb = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let cb_url = format!(
        "http://{}/webhooks/twilio/sender-status?org=abc",
        cb.local_addr().unwrap()
    );
    let received = tokio::spawn(one_request(cb));
    let sender = c
        .create_sender(&SenderRequest {
            phone_number: owned.phone_number.clone(),
            waba_id: "waba".into(),
            display_name: "Barbería Test".into(),
            callback_url: "http://127.0.0.1:9/webhooks/twilio".into(),
            status_callback_url: cb_url.clone(),
        })
        .await
        .unwrap();
    assert_eq!(sender.status, "CREATING");
    let (head, body) = tokio::time::timeout(Duration::from_secs(5), received)
        .await
        .expect("the callback arrives")
        .unwrap();
    let params: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
    assert!(
        params.contains(&("Status".into(), "ONLINE".into())),
        "{params:?}"
    );
    let sig = head
        .lines()
        .find_map(|l| header(l, "x-twilio-signature"))
        .expect("signed");
    assert!(signature::is_valid(TOKEN, &cb_url, &params, sig), "{head}");
    assert!(!signature::is_valid("another-token", &cb_url, &params, sig));
    assert!(c.get_sender(&sender.sid).await.unwrap().is_online());
    assert_eq!(
        c.find_sender(&owned.phone_number)
            .await
            .unwrap()
            .map(|s| s.sid),
        Some(sender.sid.clone())
    );

    // Every call is in the log, with what was sent and answered.
    let log: Value = http
        .get(format!("{url}/_standin/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let calls = log["calls"].as_array().unwrap();
    let buys: Vec<u64> = calls
        .iter()
        .filter(|c| {
            c["method"] == "POST"
                && c["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("IncomingPhoneNumbers.json")
        })
        .map(|c| c["status"].as_u64().unwrap())
        .collect();
    assert_eq!(buys, vec![500, 201, 400]);
    // Without credentials: 401, as Twilio.
    let r = http
        .get(format!(
            "{url}/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
