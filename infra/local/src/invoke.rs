//! Invokes a function through the Lambda runtime emulator of
//! `cargo lambda watch`: `POST <base>/2015-03-31/functions/<binary>/invocations`
//! with the event as the body, like Lambda's Invoke API (RequestResponse).
//!
//! The emulator answers 200 with the function's result, or 500 with the
//! Lambda error document (`{"errorType","errorMessage"}`) when the handler
//! fails; real Lambda answers 200 with `X-Amz-Function-Error`. Both count as
//! a function error here.
use std::time::Duration;

/// Default address of `cargo lambda watch --invoke-address 127.0.0.1 --invoke-port 9000`.
pub const DEFAULT_INVOKE_URL: &str = "http://127.0.0.1:9000";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    /// The emulator could not be reached, or timed out.
    Unreachable(String),
    /// The function failed (or the emulator refused the invocation).
    Function { status: u16, body: String },
    /// The function answered something that is not JSON.
    NotJson(String),
}

impl std::fmt::Display for InvokeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvokeError::Unreachable(e) => write!(f, "Lambda emulator unreachable: {e}"),
            InvokeError::Function { status, body } => {
                write!(f, "function error (emulator status {status}): {body}")
            }
            InvokeError::NotJson(body) => write!(f, "function answered non-JSON: {body}"),
        }
    }
}

impl std::error::Error for InvokeError {}

#[derive(Clone)]
pub struct Invoker {
    http: reqwest::Client,
    base: String,
}

impl Invoker {
    /// `timeout` bounds one invocation. The first invocation of a function
    /// under `cargo lambda watch` may compile it, so keep this generous.
    pub fn new(base: &str, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .no_proxy()
            .build()
            .expect("reqwest client");
        Invoker {
            http,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    pub fn url(&self, function: &str) -> String {
        format!("{}/2015-03-31/functions/{function}/invocations", self.base)
    }

    pub async fn invoke(
        &self,
        function: &str,
        payload: &serde_json::Value,
    ) -> Result<serde_json::Value, InvokeError> {
        tracing::debug!(function, event = %payload, "invoke");
        let response = self
            .http
            .post(self.url(function))
            .header("content-type", "application/json")
            .body(payload.to_string())
            .send()
            .await
            .map_err(|e| InvokeError::Unreachable(error_chain(&e)))?;
        let status = response.status().as_u16();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let body = response
            .bytes()
            .await
            .map_err(|e| InvokeError::Unreachable(error_chain(&e)))?;
        tracing::debug!(function, status, result = %String::from_utf8_lossy(&body), "invoked");
        interpret(status, function_error, &body)
    }
}

/// The emulator's answer as a result.
pub fn interpret(
    status: u16,
    function_error: bool,
    body: &[u8],
) -> Result<serde_json::Value, InvokeError> {
    let text = String::from_utf8_lossy(body);
    if !(200..300).contains(&status) || function_error {
        return Err(InvokeError::Function {
            status,
            body: text.into_owned(),
        });
    }
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_str(&text).map_err(|_| InvokeError::NotJson(text.into_owned()))
}

pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_url() {
        let inv = Invoker::new("http://127.0.0.1:9000/", Duration::from_secs(1));
        assert_eq!(
            inv.url("turn"),
            "http://127.0.0.1:9000/2015-03-31/functions/turn/invocations"
        );
    }

    #[test]
    fn interprets_results_and_errors() {
        assert_eq!(
            interpret(200, false, br#"{"a":1}"#).unwrap(),
            serde_json::json!({"a":1})
        );
        assert_eq!(interpret(200, false, b"").unwrap(), serde_json::Value::Null);
        let err = interpret(500, false, br#"{"errorType":"x","errorMessage":"boom"}"#);
        assert!(matches!(
            err,
            Err(InvokeError::Function { status: 500, .. })
        ));
        assert!(matches!(
            interpret(200, true, br#"{"errorMessage":"boom"}"#),
            Err(InvokeError::Function { status: 200, .. })
        ));
        assert!(matches!(
            interpret(200, false, b"<html>"),
            Err(InvokeError::NotJson(_))
        ));
    }
}
