//! `parlo-local llm`: a stand-in for an OpenAI-compatible chat completions
//! server, so the LLM agent's real client (async-openai, its timeouts, the
//! fallback to the rule agent) runs locally under load without a model.
//!
//! `POST /v1/chat/completions` answers after `--latency-ms`, with token
//! usage counted from the request. When the request offers tools, a
//! booking message takes the agent's tool path, scripted and
//! deterministic (see [`scripted_tool_call`]): `check_availability` for
//! the business's first service from today, then `book_appointment` at the
//! first free start it returned (which Parlo turns into a question for the
//! customer), then a short Spanish message; the customer's yes takes the
//! same path, so the same start is asked for again and Parlo books it.
//! Anything else gets the message at once.
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
    /// Answers that were tool calls (counted in `answered` too).
    tool_calls: u64,
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
                    json!({"answered": st.answered, "hung": st.hung, "failed": st.failed,
                           "tool_calls": st.tool_calls}),
                )
            }
            ("DELETE", "/_standin/calls") => {
                let mut st = self.lock();
                (st.answered, st.hung, st.failed, st.tool_calls) = (0, 0, 0, 0);
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
                        let call = scripted_tool_call(body);
                        let mut st = self.lock();
                        st.answered += 1;
                        st.tool_calls += u64::from(call.is_some());
                        drop(st);
                        (200, completion(body, call))
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

/// A tool call the stand-in makes: (tool name, JSON arguments).
pub type ToolCall = (&'static str, Value);

fn offers(request: &Value, tool: &str) -> bool {
    request["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| t["function"]["name"] == tool)
}

/// The business's first service and today's date, from Parlo's system
/// prompt ("- Servicios:" then "  - <name>: …"; "- Hoy es … (YYYY-MM-DD)").
fn from_prompt(request: &Value) -> Option<(String, String)> {
    let prompt = request["messages"]
        .as_array()?
        .iter()
        .find(|m| m["role"] == "system")?["content"]
        .as_str()?;
    let mut lines = prompt.lines().skip_while(|l| l.trim() != "- Servicios:");
    lines.next()?;
    let service = lines
        .next()?
        .trim()
        .strip_prefix("- ")?
        .split(':')
        .next()?
        .trim()
        .to_string();
    let today = prompt
        .lines()
        .find(|l| l.trim_start().starts_with("- Hoy es"))?
        .split('(')
        .nth(1)?
        .split(')')
        .next()?
        .to_string();
    (!service.is_empty() && today.len() == 10).then_some((service, today))
}

/// Whether a customer's text asks for an appointment.
fn wants_booking(text: &str) -> bool {
    let t = text.to_lowercase();
    ["cita", "agendar", "agenda", "reserv", "apart"]
        .iter()
        .any(|w| t.contains(w))
}

/// A short yes ("si", "sí porfa", "ok", "va", "dale").
fn says_yes(text: &str) -> bool {
    let t = text.to_lowercase();
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.len() <= 3
        && words
            .first()
            .is_some_and(|w| ["si", "sí", "ok", "va", "dale", "claro", "sale"].contains(w))
}

/// The scripted tool path, from the conversation so far:
/// - the last message is the customer's, it asks for an appointment (or
///   is a short yes, to Parlo's question) and `check_availability` is
///   offered: check from today, three days;
/// - the last message is a `check_availability` result with slots and
///   `book_appointment` is offered: book the first slot (same service);
/// - otherwise no tool call (the text answer).
pub fn scripted_tool_call(request: &Value) -> Option<ToolCall> {
    let messages = request["messages"].as_array()?;
    let last = messages.last()?;
    match last["role"].as_str()? {
        "user" if offers(request, "check_availability") => {
            // A yes to Parlo's question checks again and asks for the same
            // first free start, which Parlo then carries out.
            let text = last["content"].as_str().unwrap_or_default();
            if !wants_booking(text) && !says_yes(text) {
                return None;
            }
            let (service, today) = from_prompt(request)?;
            let from = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").ok()?;
            let to = from + chrono::Days::new(2);
            Some((
                "check_availability",
                json!({"service": service, "date_from": today, "date_to": to.to_string(), "limit": 3}),
            ))
        }
        "tool" if offers(request, "book_appointment") => {
            // The assistant message that asked for this result.
            let asked = messages.iter().rev().find(|m| m["role"] == "assistant")?;
            let call = &asked["tool_calls"][0]["function"];
            if call["name"] != "check_availability" {
                return None;
            }
            let args: Value = serde_json::from_str(call["arguments"].as_str()?).ok()?;
            let result: Value = serde_json::from_str(last["content"].as_str()?).ok()?;
            let start = result["slots"][0]["local"].as_str()?;
            Some((
                "book_appointment",
                json!({"service": args["service"], "start": start}),
            ))
        }
        _ => None,
    }
}

/// A chat completion: the tool call, or the answer; usage approximated at
/// 4 characters per token of the request's messages and tool definitions.
fn completion(request: &Value, call: Option<ToolCall>) -> Value {
    let prompt_tokens = request.to_string().len() / 4;
    let (message, finish, completion_tokens) = match call {
        Some((name, args)) => {
            let arguments = args.to_string();
            let tokens = (name.len() + arguments.len()) / 4;
            (
                json!({"role": "assistant", "content": null, "tool_calls": [{
                    "id": format!("call_{}", uuid::Uuid::new_v4().simple()),
                    "type": "function",
                    "function": {"name": name, "arguments": arguments}}]}),
                "tool_calls",
                tokens,
            )
        }
        None => (
            json!({"role": "assistant", "content": ANSWER}),
            "stop",
            ANSWER.len() / 4,
        ),
    };
    json!({
        "id": format!("chatcmpl-standin-{}", uuid::Uuid::new_v4().simple()),
        "object": "chat.completion",
        "created": chrono::Utc::now().timestamp(),
        "model": request["model"].as_str().unwrap_or("standin"),
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
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
        assert_eq!(
            calls,
            json!({"answered": 2, "hung": 1, "failed": 1, "tool_calls": 0})
        );
        assert_eq!(
            s.answer(&post, "/_standin/fail", &json!({"mode": "nonsense"}))
                .await
                .0,
            400
        );
    }

    fn tools() -> Value {
        json!([{"type": "function", "function": {"name": "check_availability", "parameters": {}}},
               {"type": "function", "function": {"name": "book_appointment", "parameters": {}}}])
    }

    const PROMPT: &str = "## Negocio\n- Nombre: Estética\n- Servicios:\n  - Corte de cabello: $150.00, 45 min\n  - Arreglo de barba: $100.00, 30 min\n- Horario:\n  - lunes a domingo: 9:00 AM - 9:00 PM\n- Hoy es miércoles 12 de marzo (2025-03-12), son las 9:00 AM.\n";

    #[tokio::test]
    async fn a_booking_message_takes_the_tool_path() {
        let s = Standin::new(Duration::ZERO);
        let post = Method::POST;
        let mut messages = vec![
            json!({"role": "system", "content": PROMPT}),
            json!({"role": "user", "content": "hola quiero una cita pa mañana"}),
        ];
        let req = json!({"model": "m", "messages": messages, "tools": tools()});
        let (status, out) = s.answer(&post, "/v1/chat/completions", &req).await;
        assert_eq!(status, 200);
        let choice = &out["choices"][0];
        assert_eq!(choice["finish_reason"], "tool_calls");
        let call = &choice["message"]["tool_calls"][0];
        assert_eq!(call["type"], "function");
        assert_eq!(call["function"]["name"], "check_availability");
        let args: Value =
            serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
        assert_eq!(
            args,
            json!({"service": "Corte de cabello", "date_from": "2025-03-12",
                   "date_to": "2025-03-14", "limit": 3})
        );

        // The availability comes back: book its first start.
        messages.push(choice["message"].clone());
        messages.push(json!({"role": "tool", "tool_call_id": call["id"],
            "content": json!({"slots": [{"local": "2025-03-12T10:00"}, {"local": "2025-03-12T10:15"}]}).to_string()}));
        let req = json!({"model": "m", "messages": messages, "tools": tools()});
        let (_, out) = s.answer(&post, "/v1/chat/completions", &req).await;
        let call = &out["choices"][0]["message"]["tool_calls"][0];
        assert_eq!(call["function"]["name"], "book_appointment");
        let args: Value =
            serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
        assert_eq!(
            args,
            json!({"service": "Corte de cabello", "start": "2025-03-12T10:00"})
        );

        // The booking's result: the text answer.
        messages.push(out["choices"][0]["message"].clone());
        messages.push(
            json!({"role": "tool", "tool_call_id": call["id"], "content": "{\"proposed\":true}"}),
        );
        let req = json!({"model": "m", "messages": messages, "tools": tools()});
        let (_, out) = s.answer(&post, "/v1/chat/completions", &req).await;
        assert_eq!(out["choices"][0]["finish_reason"], "stop");
        assert_eq!(out["choices"][0]["message"]["content"], ANSWER);

        // No slots, no tools offered, or not a booking: no tool call.
        let no_slots = json!({"model": "m", "tools": tools(), "messages": [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": "una cita porfa"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function",
              "function": {"name": "check_availability", "arguments": "{\"service\":\"Corte\"}"}}]},
            {"role": "tool", "tool_call_id": "c", "content": "{\"slots\":[]}"}]});
        assert!(scripted_tool_call(&no_slots).is_none());
        let no_tools = json!({"model": "m", "messages": [
            {"role": "system", "content": PROMPT}, {"role": "user", "content": "quiero una cita"}]});
        assert!(scripted_tool_call(&no_tools).is_none());
        let chat = json!({"model": "m", "tools": tools(), "messages": [
            {"role": "system", "content": PROMPT}, {"role": "user", "content": "gracias!"}]});
        assert!(scripted_tool_call(&chat).is_none());
        let yes = json!({"model": "m", "tools": tools(), "messages": [
            {"role": "system", "content": PROMPT}, {"role": "user", "content": "Sí porfa"}]});
        assert_eq!(scripted_tool_call(&yes).unwrap().0, "check_availability");
        let not_yes = json!({"model": "m", "tools": tools(), "messages": [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": "si pero a que hora abren el sabado"}]});
        assert!(scripted_tool_call(&not_yes).is_none());
        let (_, calls) = s
            .answer(&Method::GET, "/_standin/calls", &Value::Null)
            .await;
        assert_eq!(calls["tool_calls"], 2);
        assert_eq!(calls["answered"], 3);
    }
}
