//! `parlo-local twilio`: a stand-in for the Twilio REST endpoints Parlo
//! calls, so the real client (its HTTP, retries and signatures) runs
//! locally without an account:
//!
//! | Twilio | here |
//! |---|---|
//! | `GET /2010-04-01/Accounts/{sid}/AvailablePhoneNumbers/{CC}/Local.json` | numbers for sale (`+52559…`, `+34919…`) |
//! | `GET/POST /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json` | owned numbers (`FriendlyName` filter), purchase |
//! | `GET/POST messaging.twilio.com/v2/Channels/Senders[/{sid}]` | WhatsApp senders; status callbacks played |
//! | `POST /2010-04-01/Accounts/{sid}/Messages.json` | accepted, `queued` |
//! | `GET/POST /v1/Content` | templates |
//! | `GET /2010-04-01/Accounts/{sid}/Messages/{sid}/Media/{sid}` | an inbound message's media (basic auth), as `POST /_standin/media` stored it |
//! | `POST /v1/audio/transcriptions` | not Twilio: the scripted transcription ([`crate::transcribe`]) |
//!
//! `POST /_standin/media` with `{"content_type": "audio/ogg", "voice": "texto", "size": 17000000}`
//! (or `"base64": …` for other bytes) stores media and answers its `url`,
//! to put in a webhook's `MediaUrl0`; `size` pads a voice note (an
//! oversized note). A media `GET` is recorded in the calls like the rest;
//! `{"op": "media", "mode": "error", "status": 500}` fails the next ones.
//!
//! Every call is recorded (`GET /_standin/calls`, `DELETE /_standin/calls`
//! clears it). `POST /_standin/fail` with
//! `{"op": "search"|"buy"|"sender"|"messages", "mode": "empty"|"error"|"reject_display_name", "status": 503, "times": 1}`
//! makes the next `times` calls of that operation fail (`times` 0: until
//! `DELETE /_standin/fail`). A new sender turns `ONLINE` after
//! `--callback-ms` and its `status_callback_url` gets a form POST signed
//! with the auth token exactly as Twilio signs (`X-Twilio-Signature`).
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::net::TcpListener;

/// Default port of the stand-in (`PARLO_TWILIO_PORT`).
pub const DEFAULT_PORT: u16 = 4010;

#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub seq: usize,
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    /// Form fields or the JSON body.
    pub body: Value,
    pub status: u16,
    /// The sid the stand-in answered with (messages, numbers, senders):
    /// matches Parlo's stored provider sid, so a test can tell each
    /// message was handed over exactly once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Failure {
    pub op: String,
    pub mode: String,
    #[serde(default = "default_status")]
    pub status: u16,
    #[serde(default = "one")]
    pub times: u32,
}

fn default_status() -> u16 {
    503
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize)]
struct SenderRec {
    sid: String,
    sender_id: String,
    status: String,
    display_name: String,
    offline_reasons: Vec<Value>,
    #[serde(skip)]
    status_callback: Option<String>,
    #[serde(skip)]
    reject_name: bool,
}

impl SenderRec {
    fn json(&self) -> Value {
        json!({
            "sid": self.sid, "sender_id": self.sender_id, "status": self.status,
            "profile": {"name": self.display_name},
            "offline_reasons": self.offline_reasons,
        })
    }
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    failures: Vec<Failure>,
    numbers: Vec<Value>,
    senders: Vec<SenderRec>,
    next: u32,
    /// Media by its `ME…` sid: (content type, bytes).
    media: HashMap<String, (String, Bytes)>,
}

pub struct Standin {
    state: Mutex<State>,
    auth_token: String,
    callback_delay: Duration,
    http: reqwest::Client,
}

impl Standin {
    pub fn new(auth_token: &str, callback_delay: Duration) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State::default()),
            auth_token: auth_token.to_string(),
            callback_delay,
            http: reqwest::Client::new(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The failure set for `op`, consumed once.
    fn failure(&self, op: &str) -> Option<Failure> {
        let mut st = self.lock();
        let i = st.failures.iter().position(|f| f.op == op)?;
        let f = st.failures[i].clone();
        match f.times {
            0 => {}
            1 => {
                st.failures.remove(i);
            }
            _ => st.failures[i].times -= 1,
        }
        Some(f)
    }

    fn answer(
        self: &Arc<Self>,
        method: &Method,
        path: &str,
        q: &HashMap<String, String>,
        body: &Value,
        authed: bool,
    ) -> (u16, Value) {
        let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method.as_str(), seg.as_slice()) {
            ("GET", ["_standin", "calls"]) => (200, json!({"calls": self.lock().calls})),
            ("DELETE", ["_standin", "calls"]) => {
                self.lock().calls.clear();
                (200, json!({"status": "cleared"}))
            }
            ("POST", ["_standin", "fail"]) => match serde_json::from_value::<Failure>(body.clone())
            {
                Ok(f) => {
                    self.lock().failures.push(f);
                    (200, json!({"status": "armed"}))
                }
                Err(e) => (400, json!({"message": e.to_string()})),
            },
            ("DELETE", ["_standin", "fail"]) => {
                self.lock().failures.clear();
                (200, json!({"status": "cleared"}))
            }
            _ if !authed => (401, json!({"code": 20003, "message": "Authenticate"})),
            ("GET", ["2010-04-01", "Accounts", _, "AvailablePhoneNumbers", cc, "Local.json"]) => {
                if let Some(f) = self.failure("search") {
                    if f.mode == "empty" {
                        return (200, json!({"available_phone_numbers": []}));
                    }
                    return (
                        f.status,
                        json!({"code": 20500, "message": "stand-in failure"}),
                    );
                }
                let next = self.lock().next;
                let numbers: Vec<Value> = (0..3)
                    .map(
                        |i| json!({"phone_number": sample_number(cc, next + i), "iso_country": cc}),
                    )
                    .collect();
                (200, json!({"available_phone_numbers": numbers}))
            }
            ("GET", ["2010-04-01", "Accounts", _, "IncomingPhoneNumbers.json"]) => {
                let st = self.lock();
                let list: Vec<&Value> = st
                    .numbers
                    .iter()
                    .filter(|n| {
                        q.get("FriendlyName")
                            .is_none_or(|f| n["friendly_name"] == json!(f))
                    })
                    .collect();
                (200, json!({"incoming_phone_numbers": list}))
            }
            ("POST", ["2010-04-01", "Accounts", _, "IncomingPhoneNumbers.json"]) => {
                if let Some(f) = self.failure("buy") {
                    return (
                        f.status,
                        json!({"code": 20500, "message": "stand-in failure"}),
                    );
                }
                let Some(number) = body.get("PhoneNumber").and_then(Value::as_str) else {
                    return (
                        400,
                        json!({"code": 21421, "message": "PhoneNumber is required"}),
                    );
                };
                let mut st = self.lock();
                if st
                    .numbers
                    .iter()
                    .any(|n| n["phone_number"] == json!(number))
                {
                    return (
                        400,
                        json!({"code": 21422, "message": "number not available"}),
                    );
                }
                st.next += 3;
                let n = json!({
                    "sid": crate::say::new_sid("PN"), "phone_number": number,
                    "friendly_name": body.get("FriendlyName").cloned().unwrap_or(json!(number)),
                    "sms_url": body.get("SmsUrl"), "status_callback": body.get("StatusCallback"),
                    "voice_url": body.get("VoiceUrl"),
                    "bundle_sid": body.get("BundleSid"), "address_sid": body.get("AddressSid"),
                });
                st.numbers.push(n.clone());
                (201, n)
            }
            ("GET", ["v2", "Channels", "Senders"]) => {
                let list: Vec<Value> = self.lock().senders.iter().map(SenderRec::json).collect();
                (200, json!({"senders": list}))
            }
            ("POST", ["v2", "Channels", "Senders"]) => {
                let reject_name = match self.failure("sender") {
                    Some(f) if f.mode == "reject_display_name" => true,
                    Some(f) => {
                        return (
                            f.status,
                            json!({"code": 20500, "message": "stand-in failure"}),
                        )
                    }
                    None => false,
                };
                let Some(sender_id) = body.get("sender_id").and_then(Value::as_str) else {
                    return (
                        400,
                        json!({"code": 21604, "message": "sender_id is required"}),
                    );
                };
                let mut st = self.lock();
                if st.senders.iter().any(|s| s.sender_id == sender_id) {
                    return (
                        409,
                        json!({"code": 63100, "message": "sender already exists"}),
                    );
                }
                let rec = SenderRec {
                    sid: crate::say::new_sid("XE"),
                    sender_id: sender_id.to_string(),
                    status: "CREATING".into(),
                    display_name: body["profile"]["name"].as_str().unwrap_or("").to_string(),
                    offline_reasons: vec![],
                    status_callback: body["webhook"]["status_callback_url"]
                        .as_str()
                        .map(str::to_string),
                    reject_name,
                };
                st.senders.push(rec.clone());
                drop(st);
                self.settle_later(rec.sid.clone());
                (201, rec.json())
            }
            (m, ["v2", "Channels", "Senders", sid]) if m == "GET" || m == "POST" => {
                let mut st = self.lock();
                let Some(rec) = st.senders.iter_mut().find(|s| s.sid == *sid) else {
                    return (404, json!({"code": 20404, "message": "not found"}));
                };
                if m == "GET" {
                    return (200, rec.json());
                }
                if let Some(name) = body["profile"]["name"].as_str() {
                    rec.display_name = name.to_string();
                    rec.reject_name = false;
                    rec.status = "CREATING".into();
                    rec.offline_reasons.clear();
                }
                let out = rec.json();
                drop(st);
                self.settle_later(sid.to_string());
                (200, out)
            }
            ("POST", ["2010-04-01", "Accounts", _, "Messages.json"]) => {
                if let Some(f) = self.failure("messages") {
                    return (
                        f.status,
                        json!({"code": 20500, "message": "stand-in failure"}),
                    );
                }
                (
                    201,
                    json!({"sid": crate::say::new_sid("SM"), "status": "queued"}),
                )
            }
            ("GET", ["v1", "Content"]) => (200, json!({"contents": []})),
            ("POST", ["v1", "Content"]) => (201, json!({"sid": crate::say::new_sid("HX")})),
            _ => (
                404,
                json!({"code": 20404, "message": "The requested resource was not found"}),
            ),
        }
    }

    /// After the delay: the sender is reviewed (online, or offline when its
    /// display name is to be rejected) and its status callback is played.
    fn settle_later(self: &Arc<Self>, sid: String) {
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(me.callback_delay).await;
            let (callback, params) = {
                let mut st = me.lock();
                let Some(rec) = st.senders.iter_mut().find(|s| s.sid == sid) else {
                    return;
                };
                if rec.reject_name {
                    rec.status = "OFFLINE".into();
                    rec.offline_reasons = vec![json!({
                        "code": "DISPLAY_NAME_REJECTED",
                        "message": "The display name does not comply with Meta's display name guidelines"
                    })];
                } else {
                    rec.status = "ONLINE".into();
                }
                let mut params = vec![
                    ("SenderSid".to_string(), rec.sid.clone()),
                    ("SenderId".to_string(), rec.sender_id.clone()),
                    ("Status".to_string(), rec.status.clone()),
                ];
                if rec.reject_name {
                    params.push(("OfflineReason".into(), "DISPLAY_NAME_REJECTED".into()));
                }
                (rec.status_callback.clone(), params)
            };
            let Some(url) = callback else { return };
            let signature = parlo_twilio::signature::compute(&me.auth_token, &url, &params);
            let result = me
                .http
                .post(&url)
                .header("x-twilio-signature", signature)
                .form(&params)
                .send()
                .await;
            match result {
                Ok(r) => {
                    tracing::info!(%url, status = r.status().as_u16(), "sender status callback played")
                }
                Err(e) => tracing::warn!(%url, "sender status callback failed: {e}"),
            }
        });
    }

    async fn handle(
        self: Arc<Self>,
        req: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, Infallible> {
        let (parts, body) = req.into_parts();
        let bytes = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        if let Some(resp) = self.media_or_transcription(&parts, &bytes) {
            return Ok(resp);
        }
        let query: HashMap<String, String> = parts
            .uri
            .query()
            .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
            .unwrap_or_default();
        let is_json = parts
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"));
        let body: Value = if bytes.is_empty() {
            Value::Null
        } else if is_json {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        } else {
            let form: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            Value::Object(
                form.into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            )
        };
        let authed = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Basic "));
        let path = parts.uri.path().to_string();
        let (status, out) = self.answer(&parts.method, &path, &query, &body, authed);
        if !path.starts_with("/_standin") {
            let mut st = self.lock();
            let seq = st.calls.len();
            st.calls.push(Call {
                seq,
                method: parts.method.to_string(),
                path: path.clone(),
                query,
                body,
                status,
                sid: out["sid"].as_str().map(str::to_string),
            });
            tracing::info!(method = %parts.method, %path, status, "twilio stand-in");
        }
        let mut resp = Response::new(Full::new(Bytes::from(out.to_string())));
        *resp.status_mut() =
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        resp.headers_mut().insert(
            "content-type",
            http::HeaderValue::from_static("application/json"),
        );
        Ok(resp)
    }
}

impl Standin {
    /// The routes whose bodies are not JSON or a form: media (stored,
    /// served) and the scripted transcription.
    fn media_or_transcription(
        &self,
        parts: &http::request::Parts,
        bytes: &Bytes,
    ) -> Option<Response<Full<Bytes>>> {
        let path = parts.uri.path();
        let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let json_response = |status: u16, out: Value| {
            let mut resp = Response::new(Full::new(Bytes::from(out.to_string())));
            *resp.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            resp.headers_mut().insert(
                "content-type",
                http::HeaderValue::from_static("application/json"),
            );
            resp
        };
        match (parts.method.as_str(), seg.as_slice()) {
            ("POST", ["v1", "audio", "transcriptions"]) => {
                let (status, out) =
                    crate::transcribe::answer(header("content-type").as_deref(), bytes);
                tracing::info!(status, "twilio stand-in: transcription");
                Some(json_response(status, out))
            }
            ("POST", ["_standin", "media"]) => {
                let req: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
                let content_type = req["content_type"].as_str().unwrap_or("audio/ogg");
                let size = req["size"].as_u64().map(|n| n as usize);
                let data = match (req["voice"].as_str(), req["base64"].as_str()) {
                    (Some(text), _) => crate::transcribe::voice_note(text, size),
                    (None, Some(b)) => {
                        use base64::Engine;
                        match base64::engine::general_purpose::STANDARD.decode(b) {
                            Ok(d) => d,
                            Err(e) => {
                                return Some(json_response(400, json!({"message": e.to_string()})))
                            }
                        }
                    }
                    (None, None) => {
                        return Some(json_response(400, json!({"message": "voice or base64"})))
                    }
                };
                let host = header("host").unwrap_or_else(|| "127.0.0.1:4010".into());
                let (message, media) = (
                    format!("MM{}", uuid::Uuid::new_v4().simple()),
                    format!("ME{}", uuid::Uuid::new_v4().simple()),
                );
                let url = format!(
                    "http://{host}/2010-04-01/Accounts/{}/Messages/{message}/Media/{media}",
                    crate::say::LOCAL_ACCOUNT_SID
                );
                let bytes_len = data.len();
                self.lock()
                    .media
                    .insert(media, (content_type.to_string(), Bytes::from(data)));
                Some(json_response(200, json!({"url": url, "bytes": bytes_len})))
            }
            ("GET", ["2010-04-01", "Accounts", _, "Messages", _, "Media", media]) => {
                let authed = header("authorization").is_some_and(|v| v.starts_with("Basic "));
                let stored = self.lock().media.get(*media).cloned();
                let failure = if authed { self.failure("media") } else { None };
                let status = match (&stored, authed, &failure) {
                    (_, false, _) => 401,
                    (_, _, Some(f)) => f.status,
                    (None, _, _) => 404,
                    (Some(_), true, None) => 200,
                };
                {
                    let mut st = self.lock();
                    let seq = st.calls.len();
                    st.calls.push(Call {
                        seq,
                        method: "GET".into(),
                        path: path.to_string(),
                        query: HashMap::new(),
                        body: Value::Null,
                        status,
                        sid: Some(media.to_string()),
                    });
                }
                tracing::info!(%path, status, "twilio stand-in: media");
                match (status, stored) {
                    (200, Some((content_type, data))) => {
                        let mut resp = Response::new(Full::new(data));
                        resp.headers_mut().insert(
                            "content-type",
                            http::HeaderValue::from_str(&content_type).unwrap_or(
                                http::HeaderValue::from_static("application/octet-stream"),
                            ),
                        );
                        Some(resp)
                    }
                    _ => Some(json_response(
                        status,
                        json!({"code": 20404, "message": "media unavailable", "status": status}),
                    )),
                }
            }
            _ => None,
        }
    }
}

/// A number for sale: `+52 55 9xxx xxxx` in Mexico, `+34 919 xxx xxx` in
/// Spain, never one of the demo numbers.
fn sample_number(country: &str, n: u32) -> String {
    match country {
        "ES" => format!("+34919{:06}", 100_000 + n),
        _ => format!("+52559{:07}", 1_000_000 + n),
    }
}

/// Serves until SIGINT/SIGTERM (loopback only).
pub async fn run(listen: SocketAddr, standin: Arc<Standin>) -> Result<(), String> {
    crate::standin::run(listen, "Twilio stand-in", move |req| {
        standin.clone().handle(req)
    })
    .await
}

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, standin: Arc<Standin>) {
    crate::standin::serve(listener, move |req| standin.clone().handle(req)).await
}
