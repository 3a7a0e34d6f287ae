//! Telemetry that costs no API call and nothing at cold start: each unit of
//! work (a turn, an HTTP request, a scheduled job) runs inside [`scope`],
//! which carries its correlation id and collects its metrics; when it ends,
//! [`Recorder::emit`] prints one line in CloudWatch Embedded Metric Format
//! (EMF) to stdout, which CloudWatch Logs turns into metrics.
//!
//! Dimensions are bounded by construction: metric names and dimension
//! values are `&'static str` (the constants in [`names`]), so no phone
//! number, id or text a customer typed can become one. The correlation id
//! rides along as a plain property (searchable in Logs Insights, not a
//! dimension).
//!
//! Code deep in the stack (the outbox, the Twilio client, the LLM loop)
//! records with [`count`] and [`millis`]; outside a scope they do nothing,
//! so unit tests and benches need no setup.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

pub mod names;

/// The CloudWatch namespace of every Parlo metric.
pub const NAMESPACE: &str = "Parlo";
/// The one dimension: which function emitted the line.
pub const SERVICE_DIMENSION: &str = "Service";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Milliseconds,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Milliseconds => "Milliseconds",
        }
    }
}

/// The metrics of one unit of work. Counts add up; durations keep each
/// value (EMF takes an array), so two LLM calls in a turn are two samples.
#[derive(Debug, Clone)]
pub struct Recorder {
    service: &'static str,
    correlation_id: String,
    values: Vec<(&'static str, Unit, Vec<f64>)>,
}

impl Recorder {
    pub fn new(service: &'static str, correlation_id: impl Into<String>) -> Self {
        Self {
            service,
            correlation_id: correlation_id.into(),
            values: Vec::new(),
        }
    }

    /// Declares counts at zero, so rates (failed / processed) have a
    /// denominator and a quiet period reads 0, not "no data".
    pub fn with_zero(mut self, names: &[&'static str]) -> Self {
        for name in names {
            self.add(name, Unit::Count, 0.0);
        }
        self
    }

    pub fn correlation_id(&self) -> &str {
        &self.correlation_id
    }

    pub fn add(&mut self, name: &'static str, unit: Unit, value: f64) {
        match self.values.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, Unit::Count, v)) => v[0] += value,
            Some((_, _, v)) => v.push(value),
            None => self.values.push((name, unit, vec![value])),
        }
    }

    /// The value of a count so far (tests, logs).
    pub fn get(&self, name: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, v)| v.iter().sum())
    }

    /// The EMF document: metrics declared under the `Service` dimension
    /// and under none (the all-functions total the alarms read).
    pub fn to_emf(&self, timestamp_ms: u64) -> serde_json::Value {
        use serde_json::{json, Map, Value};
        let metrics: Vec<Value> = self
            .values
            .iter()
            .map(|(name, unit, _)| json!({"Name": name, "Unit": unit.as_str()}))
            .collect();
        let mut doc = Map::new();
        doc.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [[SERVICE_DIMENSION], []],
                    "Metrics": metrics,
                }],
            }),
        );
        doc.insert(SERVICE_DIMENSION.into(), json!(self.service));
        doc.insert("correlation_id".into(), json!(self.correlation_id));
        for (name, _, values) in &self.values {
            let value = match values.as_slice() {
                [one] => json!(one),
                many => json!(many),
            };
            doc.insert((*name).into(), value);
        }
        Value::Object(doc)
    }

    /// Prints the EMF line to stdout (CloudWatch Logs extracts it).
    /// `println!` so test harnesses capture it.
    pub fn emit(&self) {
        if !EMIT.load(Ordering::Relaxed) {
            return;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let line = self.to_emf(now).to_string();
        let captured = CAPTURED.with(|c| match c.borrow_mut().as_mut() {
            Some(lines) => {
                lines.push(line.clone());
                true
            }
            None => false,
        });
        if !captured {
            println!("{line}");
        }
    }
}

thread_local! {
    static CAPTURED: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// Tests: from now on, lines emitted on this thread are kept (not
/// printed) until [`take_captured`]. A current-thread runtime (what
/// `#[tokio::test]` builds) runs everything on the test's thread.
pub fn capture_on_this_thread() {
    CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
}

/// The lines captured on this thread since [`capture_on_this_thread`].
pub fn take_captured() -> Vec<String> {
    CAPTURED.with(|c| {
        c.borrow_mut()
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    })
}

static EMIT: AtomicBool = AtomicBool::new(true);

/// Stops printing EMF lines (benches, whose millions of iterations would
/// flood their own output); metrics are still collected.
pub fn set_emit(on: bool) {
    EMIT.store(on, Ordering::Relaxed);
}

tokio::task_local! {
    static CURRENT: Arc<Mutex<Recorder>>;
}

/// Runs `work` with `recorder` as the current unit of work and hands the
/// recorder back with its result (the caller adds the final counts and
/// emits). Only this task sees it: work spawned onto other tasks records
/// nothing (Parlo's handlers join futures, they do not spawn).
pub async fn scope<F: Future>(recorder: Recorder, work: F) -> (F::Output, Recorder) {
    let shared = Arc::new(Mutex::new(recorder));
    let output = CURRENT.scope(shared.clone(), work).await;
    let recorder = match Arc::try_unwrap(shared) {
        Ok(m) => m.into_inner().unwrap_or_else(|e| e.into_inner()),
        Err(shared) => shared.lock().unwrap_or_else(|e| e.into_inner()).clone(),
    };
    (output, recorder)
}

fn with_current(f: impl FnOnce(&mut Recorder)) {
    let _ = CURRENT.try_with(|r| {
        let mut r = r.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut r)
    });
}

/// Adds `n` to a count of the current unit of work (no-op outside one).
pub fn count(name: &'static str, n: u64) {
    with_current(|r| r.add(name, Unit::Count, n as f64));
}

/// Records a duration sample of the current unit of work.
pub fn millis(name: &'static str, ms: u64) {
    with_current(|r| r.add(name, Unit::Milliseconds, ms as f64));
}

/// Names the current unit of work once its own id is known (the webhook
/// learns the MessageSid only after verifying the request).
pub fn set_correlation_id(id: impl Into<String>) {
    let id = id.into();
    with_current(|r| r.correlation_id = id);
}

/// The current unit of work's correlation id, if any.
pub fn correlation_id() -> Option<String> {
    CURRENT
        .try_with(|r| {
            r.lock()
                .unwrap_or_else(|e| e.into_inner())
                .correlation_id
                .clone()
        })
        .ok()
}

#[cfg(test)]
mod tests;
