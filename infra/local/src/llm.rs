//! `parlo-local llm`: a stand-in for an OpenAI-compatible chat completions
//! server, so the LLM agent's real client (async-openai, its timeouts, the
//! fallback to the rule agent) runs locally under load without a model.
//!
//! `POST /v1/chat/completions` answers one short Spanish message (no tool
//! call) after `--latency-ms`, with token usage counted from the request.
//! Fault windows for tests and the load test:
//! `POST /_standin/fail` with `{"mode": "timeout"|"error", "status": 500}`
//! makes every call until `DELETE /_standin/fail` hang (longer than any
//! turn budget) or fail with that status. `GET /_standin/calls` counts the
//! calls by outcome; `DELETE /_standin/calls` resets the counts.
//! `POST /v1/audio/transcriptions` answers the scripted transcription
//! ([`crate::transcribe`]).
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::net::TcpListener;

/// Default port of the stand-in (`PARLO_LLM_PORT`).
pub const DEFAULT_PORT: u16 = 4020;

/// What a hanging call waits before it answers anyway (far beyond the
/// agent's turn budget, so the client gives up first).
const HANG: Duration = Duration::from_secs(120);

/// The answer: Spanish, short, no tool call (passes the agent's guards).
pub const ANSWER: &str =
    "¡Hola! Con gusto te ayudo. ¿Qué servicio te gustaría y para qué día lo quieres?";

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Fault {
    pub mode: String,
    #[serde(default = "default_status")]
    pub status: u16,
}

fn default_status() -> u16 {
    500
}

#[derive(Debug, Default)]
struct State {
    fault: Option<Fault>,
    answered: u64,
    hung: u64,
    failed: u64,
}

pub struct Standin {
    latency: Duration,
    state: Mutex<State>,
}

impl Standin {
    pub fn new(latency: Duration) -> Arc<Self> {
        Arc::new(Self {
            latency,
            state: Mutex::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn answer(&self, method: &Method, path: &str, body: &Value) -> (u16, Value) {
        match (method.as_str(), path) {
            ("POST", "/_standin/fail") => match serde_json::from_value::<Fault>(body.clone()) {
                Ok(f) if f.mode == "timeout" || f.mode == "error" => {
                    tracing::info!(mode = %f.mode, "llm stand-in: fault window opens");
                    self.lock().fault = Some(f);
                    (200, json!({"ok": true}))
                }
                _ => (400, json!({"error": "mode must be timeout or error"})),
            },
            ("DELETE", "/_standin/fail") => {
                tracing::info!("llm stand-in: fault window closes");
                self.lock().fault = None;
                (200, json!({"ok": true}))
            }
            ("GET", "/_standin/calls") => {
                let st = self.lock();
                (
                    200,
                    json!({"answered": st.answered, "hung": st.hung, "failed": st.failed}),
                )
            }
            ("DELETE", "/_standin/calls") => {
                let mut st = self.lock();
                (st.answered, st.hung, st.failed) = (0, 0, 0);
                (200, json!({"ok": true}))
            }
            ("POST", "/v1/chat/completions") | ("POST", "/chat/completions") => {
                let fault = self.lock().fault.clone();
                match fault {
                    Some(f) if f.mode == "timeout" => {
                        self.lock().hung += 1;
                        tokio::time::sleep(HANG).await;
                        (
                            504,
                            json!({"error": {"message": "stand-in hung", "type": "timeout"}}),
                        )
                    }
                    Some(f) => {
                        self.lock().failed += 1;
                        (
                            f.status,
                            json!({"error": {"message": "stand-in failure", "type": "server_error",
                                             "param": null, "code": null}}),
                        )
                    }
                    None => {
                        tokio::time::sleep(self.latency).await;
                        self.lock().answered += 1;
                        (200, completion(body))
                    }
                }
            }
            _ => (404, json!({"error": {"message": "not found"}})),
        }
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
        if parts.method == Method::POST && parts.uri.path().ends_with("/audio/transcriptions") {
            let content_type = parts
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok());
            let (status, out) = crate::transcribe::answer(content_type, &bytes);
            let mut resp = Response::new(Full::new(Bytes::from(out.to_string())));
            *resp.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            resp.headers_mut().insert(
                "content-type",
                http::HeaderValue::from_static("application/json"),
            );
            return Ok(resp);
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let (status, out) = self.answer(&parts.method, parts.uri.path(), &body).await;
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

/// A chat completion with the answer; usage approximated at 4 characters
/// per token of the request's messages and tool definitions.
fn completion(request: &Value) -> Value {
    let prompt_tokens = request.to_string().len() / 4;
    let completion_tokens = ANSWER.len() / 4;
    json!({
        "id": format!("chatcmpl-standin-{}", uuid::Uuid::new_v4().simple()),
        "object": "chat.completion",
        "created": chrono::Utc::now().timestamp(),
        "model": request["model"].as_str().unwrap_or("standin"),
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": ANSWER}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens}
    })
}

/// Serves until SIGINT/SIGTERM (loopback only).
pub async fn run(listen: SocketAddr, standin: Arc<Standin>) -> Result<(), String> {
    crate::standin::run(listen, "LLM stand-in", move |req| {
        standin.clone().handle(req)
    })
    .await
}

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, standin: Arc<Standin>) {
    crate::standin::serve(listener, move |req| standin.clone().handle(req)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_then_fails_and_hangs_in_its_windows() {
        let s = Standin::new(Duration::ZERO);
        let req = json!({"model": "gpt-4.1", "messages": [{"role": "user", "content": "hola"}]});
        let post = Method::POST;
        let (status, out) = s.answer(&post, "/v1/chat/completions", &req).await;
        assert_eq!(status, 200);
        assert_eq!(out["choices"][0]["message"]["content"], ANSWER);
        assert!(out["usage"]["prompt_tokens"].as_u64().unwrap() > 0);

        let (status, _) = s
            .answer(
                &post,
                "/_standin/fail",
                &json!({"mode": "error", "status": 503}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(s.answer(&post, "/v1/chat/completions", &req).await.0, 503);

        s.answer(&post, "/_standin/fail", &json!({"mode": "timeout"}))
            .await;
        let hung = tokio::time::timeout(
            Duration::from_millis(200),
            s.answer(&post, "/v1/chat/completions", &req),
        )
        .await;
        assert!(hung.is_err(), "a timeout window hangs");

        s.answer(&Method::DELETE, "/_standin/fail", &Value::Null)
            .await;
        assert_eq!(s.answer(&post, "/v1/chat/completions", &req).await.0, 200);
        let (_, calls) = s
            .answer(&Method::GET, "/_standin/calls", &Value::Null)
            .await;
        assert_eq!(calls, json!({"answered": 2, "hung": 1, "failed": 1}));
        assert_eq!(
            s.answer(&post, "/_standin/fail", &json!({"mode": "nonsense"}))
                .await
                .0,
            400
        );
    }
}
