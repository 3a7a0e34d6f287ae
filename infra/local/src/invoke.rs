//! Invokes a function through the Lambda runtime emulator of
//! `cargo lambda watch`: `POST <base>/2015-03-31/functions/<binary>/invocations`
//! with the event as the body, like Lambda's Invoke API (RequestResponse).
//!
//! The emulator answers 200 with the function's result, or 500 with the
//! Lambda error document (`{"errorType","errorMessage"}`) when the handler
//! fails; real Lambda answers 200 with `X-Amz-Function-Error`. Both count as
//! a function error here.
//!
//! Timeouts, as Lambda has them: an invocation of a function that already
//! answered once is bounded by its `Timeout` in `template.yaml` (plus
//! [`Limits::slack`]); the first one after a (re)start gets the cold bound
//! (it may compile). The emulator has none of this: a function process that
//! died or hangs holds its invocation forever and is never restarted. So
//! an invocation that times out restarts the emulator (a new execution
//! environment, as Lambda gives after a timeout) through
//! [`Restarter`], and callers leave the work to be retried (the SQS poller
//! lets the batch reappear after its visibility timeout).
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Default address of `cargo lambda watch --invoke-address 127.0.0.1 --invoke-port 9000`.
pub const DEFAULT_INVOKE_URL: &str = "http://127.0.0.1:9000";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    /// The emulator could not be reached.
    Unreachable(String),
    /// No answer within the function's timeout.
    TimedOut { function: String, after: Duration },
    /// The function failed (or the emulator refused the invocation).
    Function { status: u16, body: String },
    /// The function answered something that is not JSON.
    NotJson(String),
}

impl std::fmt::Display for InvokeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvokeError::Unreachable(e) => write!(f, "Lambda emulator unreachable: {e}"),
            InvokeError::TimedOut { function, after } => {
                write!(f, "{function} timed out after {} s", after.as_secs())
            }
            InvokeError::Function { status, body } => {
                write!(f, "function error (emulator status {status}): {body}")
            }
            InvokeError::NotJson(body) => write!(f, "function answered non-JSON: {body}"),
        }
    }
}

impl std::error::Error for InvokeError {}

/// How long an invocation may take.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Each function's `Timeout` (seconds in `template.yaml`).
    pub functions: HashMap<String, Duration>,
    /// Added to a function's timeout: the emulator's hop and a loaded
    /// machine (Lambda's init phase has its own 10 s limit besides).
    pub slack: Duration,
    /// The bound of a first invocation after a (re)start, and of any
    /// invocation of a function without a known timeout: the emulator
    /// runs `cargo run --bin <function>`, which may compile.
    pub cold: Duration,
}

impl Limits {
    /// Every invocation bounded by `cold` (no per-function timeouts).
    pub fn uniform(cold: Duration) -> Self {
        Limits {
            functions: HashMap::new(),
            slack: Duration::ZERO,
            cold,
        }
    }

    pub fn timeout(&self, function: &str, warm: bool) -> Duration {
        match self.functions.get(function) {
            Some(t) if warm => *t + self.slack,
            _ => self.cold,
        }
    }
}

/// The functions' `Timeout` in a SAM template: `Globals.Function.Timeout`,
/// overridden by a function resource's `Properties.Timeout`, keyed by its
/// `BuildProperties.Binary` (the name `cargo lambda watch` knows). A plain
/// reading of the template's layout (two-space indentation), enough for
/// `template.yaml`; its test reads the real file.
pub fn template_timeouts(template: &str) -> HashMap<String, Duration> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let value = |l: &str, key: &str| {
        l.trim()
            .strip_prefix(key)
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let mut global = None;
    let mut section = "";
    let mut in_global_function = false;
    // (binary, timeout) of the resource being read.
    let mut current: (Option<String>, Option<u64>) = (None, None);
    let mut found: Vec<(Option<String>, Option<u64>)> = Vec::new();
    for line in template.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match indent(line) {
            0 => {
                section = if line.starts_with("Globals:") {
                    "globals"
                } else if line.starts_with("Resources:") {
                    "resources"
                } else {
                    ""
                };
                found.push(std::mem::take(&mut current));
            }
            2 => {
                in_global_function = section == "globals" && line.trim() == "Function:";
                if section == "resources" {
                    found.push(std::mem::take(&mut current));
                }
            }
            4 if in_global_function => {
                if let Some(t) = value(line, "Timeout:") {
                    global = Some(t);
                }
            }
            6 if section == "resources" => {
                if let Some(t) = value(line, "Timeout:") {
                    current.1 = Some(t);
                }
            }
            8 if section == "resources" => {
                if let Some(b) = line.trim().strip_prefix("Binary:") {
                    current.0 = Some(b.trim().to_string());
                }
            }
            _ => {}
        }
    }
    found.push(current);
    found
        .into_iter()
        .filter_map(|(binary, timeout)| {
            let t = timeout.or(global)?;
            Some((binary?, Duration::from_secs(t)))
        })
        .collect()
}

/// Restarts the runtime emulator (`infra/scripts/restart-lambda.sh`, which
/// stops `cargo lambda watch` with its function processes and starts it
/// again). Invocations wait while a restart runs; timeouts seen during
/// one generation cause one restart.
pub struct Restarter {
    command: PathBuf,
    generation: tokio::sync::RwLock<u64>,
    /// Bound on the command.
    pub limit: Duration,
}

impl Restarter {
    pub fn new(command: PathBuf) -> Arc<Self> {
        Arc::new(Restarter {
            command,
            generation: tokio::sync::RwLock::new(0),
            limit: Duration::from_secs(180),
        })
    }

    /// Waits while a restart runs; the generation an invocation belongs to.
    pub async fn generation(&self) -> u64 {
        *self.generation.read().await
    }

    /// Restarts unless another invocation already did since `seen`.
    /// Returns whether this call ran the command (and its success).
    pub async fn restart(&self, seen: u64, reason: &str) -> Option<bool> {
        let mut generation = self.generation.write().await;
        if *generation != seen {
            return None;
        }
        tracing::warn!(command = %self.command.display(), "restarting the Lambda runtime emulator: {reason}");
        let started = Instant::now();
        let command = self.command.clone();
        let run = tokio::task::spawn_blocking(move || {
            std::process::Command::new(&command)
                .stdin(std::process::Stdio::null())
                .status()
        });
        let ok = match tokio::time::timeout(self.limit, run).await {
            Ok(Ok(Ok(status))) if status.success() => true,
            Ok(Ok(Ok(status))) => {
                tracing::error!("emulator restart failed ({status})");
                false
            }
            Ok(Ok(Err(e))) => {
                tracing::error!("emulator restart could not run: {e}");
                false
            }
            Ok(Err(e)) => {
                tracing::error!("emulator restart: {e}");
                false
            }
            Err(_) => {
                tracing::error!("emulator restart took over {} s", self.limit.as_secs());
                false
            }
        };
        *generation += 1;
        tracing::warn!(
            ok,
            ms = started.elapsed().as_millis() as u64,
            "Lambda runtime emulator restarted"
        );
        Some(ok)
    }
}

#[derive(Clone)]
pub struct Invoker {
    http: reqwest::Client,
    base: String,
    limits: Arc<Limits>,
    /// Functions that answered since the emulator (re)started.
    warm: Arc<Mutex<HashSet<String>>>,
    restarter: Option<Arc<Restarter>>,
}

impl Invoker {
    /// `timeout` bounds every invocation. The first invocation of a
    /// function under `cargo lambda watch` may compile, so keep this
    /// generous; [`Invoker::with_limits`] sets the functions' own.
    pub fn new(base: &str, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client");
        Invoker {
            http,
            base: base.trim_end_matches('/').to_string(),
            limits: Arc::new(Limits::uniform(timeout)),
            warm: Arc::default(),
            restarter: None,
        }
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Arc::new(limits);
        self
    }

    /// Restart the emulator when an invocation times out.
    pub fn with_restarter(mut self, restarter: Arc<Restarter>) -> Self {
        self.restarter = Some(restarter);
        self
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether a timed-out invocation restarts the emulator.
    pub fn restarts(&self) -> bool {
        self.restarter.is_some()
    }

    pub fn url(&self, function: &str) -> String {
        format!("{}/2015-03-31/functions/{function}/invocations", self.base)
    }

    fn is_warm(&self, function: &str) -> bool {
        self.warm
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(function)
    }

    /// The bound this invocation of `function` gets now.
    pub fn timeout_for(&self, function: &str) -> Duration {
        self.limits.timeout(function, self.is_warm(function))
    }

    pub async fn invoke(
        &self,
        function: &str,
        payload: &serde_json::Value,
    ) -> Result<serde_json::Value, InvokeError> {
        let generation = match &self.restarter {
            Some(r) => r.generation().await,
            None => 0,
        };
        let timeout = self.timeout_for(function);
        tracing::debug!(function, event = %payload, "invoke");
        let answer = async {
            let response = self
                .http
                .post(self.url(function))
                .header("content-type", "application/json")
                .body(payload.to_string())
                .send()
                .await?;
            let status = response.status().as_u16();
            let function_error = response.headers().contains_key("x-amz-function-error");
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, function_error, body))
        };
        let (status, function_error, body) = match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => return Err(InvokeError::Unreachable(error_chain(&e))),
            Err(_) => {
                let err = InvokeError::TimedOut {
                    function: function.to_string(),
                    after: timeout,
                };
                tracing::warn!(function, "{err}");
                if let Some(r) = &self.restarter {
                    if r.restart(generation, &err.to_string()).await.is_some() {
                        self.warm.lock().unwrap_or_else(|e| e.into_inner()).clear();
                    }
                }
                return Err(err);
            }
        };
        self.warm
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(function.to_string());
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
    fn reads_the_functions_timeouts_from_the_template() {
        let template = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml"),
        )
        .unwrap();
        let t = template_timeouts(&template);
        let secs = |f: &str| t.get(f).map(|d| d.as_secs());
        assert_eq!(secs("webhook"), Some(10));
        assert_eq!(secs("api"), Some(29));
        assert_eq!(secs("turn"), Some(60));
        assert_eq!(secs("reminders"), Some(60));
        assert_eq!(t.len(), crate::FUNCTIONS.len(), "{t:?}");
    }

    #[test]
    fn a_function_without_its_own_timeout_gets_the_global_one() {
        let template = "Globals:\n  Function:\n    MemorySize: 256\n    Timeout: 15\nResources:\n  A:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildProperties:\n        Binary: a\n    Properties:\n      Timeout: 3\n  B:\n    Metadata:\n      BuildProperties:\n        Binary: b\n    Properties:\n      Description: x\n  Queue:\n    Properties:\n      VisibilityTimeout: 360\n";
        let t = template_timeouts(template);
        assert_eq!(t.get("a"), Some(&Duration::from_secs(3)));
        assert_eq!(t.get("b"), Some(&Duration::from_secs(15)));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn the_first_invocation_gets_the_cold_bound() {
        let limits = Limits {
            functions: HashMap::from([("turn".to_string(), Duration::from_secs(60))]),
            slack: Duration::from_secs(10),
            cold: Duration::from_secs(600),
        };
        assert_eq!(limits.timeout("turn", true), Duration::from_secs(70));
        assert_eq!(limits.timeout("turn", false), Duration::from_secs(600));
        assert_eq!(limits.timeout("other", true), Duration::from_secs(600));
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
