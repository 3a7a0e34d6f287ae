use super::*;
use serde_json::Value;

/// Checks an EMF document the way CloudWatch does: the `_aws` envelope,
/// every declared metric present as a number (or array of numbers) at
/// the root, every dimension key present as a string.
fn assert_valid_emf(line: &str) -> Value {
    let doc: Value = serde_json::from_str(line).expect("one JSON object per line");
    assert!(!line.contains('\n'), "one line");
    let aws = &doc["_aws"];
    assert!(aws["Timestamp"].as_u64().is_some(), "timestamp in ms");
    let directives = aws["CloudWatchMetrics"].as_array().expect("directives");
    assert_eq!(directives.len(), 1);
    let d = &directives[0];
    assert_eq!(d["Namespace"], NAMESPACE);
    for set in d["Dimensions"].as_array().expect("dimension sets") {
        for key in set.as_array().expect("a dimension set") {
            let key = key.as_str().expect("dimension key");
            assert!(
                doc[key].is_string(),
                "dimension {key} is a string at the root"
            );
        }
    }
    let metrics = d["Metrics"].as_array().expect("metrics");
    assert!(metrics.len() <= 100, "EMF allows 100 metrics per directive");
    for m in metrics {
        let name = m["Name"].as_str().expect("metric name");
        assert!(matches!(m["Unit"].as_str(), Some("Count" | "Milliseconds")));
        match &doc[name] {
            Value::Number(_) => {}
            Value::Array(values) => {
                assert!(values.iter().all(Value::is_number));
                assert!(values.len() <= 100);
            }
            other => panic!("metric {name} has no numeric value: {other}"),
        }
    }
    doc
}

fn declared(doc: &Value) -> Vec<String> {
    doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_turn_line_is_well_formed_emf_with_its_metrics_and_dimensions() {
    let mut r = Recorder::new(names::service::TURN, "SM123")
        .with_zero(&[names::TURNS_FAILED, names::TURNS_POISONED]);
    r.add(names::TURNS_PROCESSED, Unit::Count, 1.0);
    r.add(names::TURN_DURATION, Unit::Milliseconds, 42.0);
    r.add(names::LLM_LATENCY, Unit::Milliseconds, 300.0);
    r.add(names::LLM_LATENCY, Unit::Milliseconds, 500.0);
    r.add(names::TOOL_CALLS, Unit::Count, 1.0);
    r.add(names::TOOL_CALLS, Unit::Count, 2.0);
    let doc = assert_valid_emf(&r.to_emf(1_700_000_000_000).to_string());
    assert_eq!(
        declared(&doc),
        [
            "TurnsFailed",
            "TurnsPoisoned",
            "TurnsProcessed",
            "TurnDuration",
            "LlmLatency",
            "ToolCalls"
        ]
    );
    assert_eq!(
        doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
        serde_json::json!([["Service"], []])
    );
    assert_eq!(doc["Service"], "turn");
    assert_eq!(doc["TurnsFailed"], 0.0);
    assert_eq!(doc["TurnsProcessed"], 1.0);
    assert_eq!(doc["ToolCalls"], 3.0, "counts add up");
    assert_eq!(doc["LlmLatency"], serde_json::json!([300.0, 500.0]));
    assert_eq!(
        doc["correlation_id"], "SM123",
        "a property, not a dimension"
    );
    assert_eq!(doc["_aws"]["Timestamp"], 1_700_000_000_000u64);
}

#[test]
fn the_only_dimension_is_the_service() {
    // Whatever was recorded, the dimension keys stay the bounded set.
    let mut r = Recorder::new(names::service::WEBHOOK, "+5215512345678");
    r.add(names::WEBHOOK_REJECTED_SIGNATURE, Unit::Count, 1.0);
    let doc = assert_valid_emf(&r.to_emf(1).to_string());
    let dims = &doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"];
    assert_eq!(dims, &serde_json::json!([["Service"], []]));
    assert_eq!(doc["Service"], "webhook");
}

#[tokio::test]
async fn deep_code_records_into_the_current_scope_and_nowhere_else() {
    count(names::SENDS_SENT, 1); // outside a scope: ignored
    assert_eq!(correlation_id(), None);
    let (answer, r) = scope(Recorder::new(names::service::TURN, "abc"), async {
        count(names::SENDS_SENT, 1);
        count(names::SENDS_SENT, 1);
        millis(names::LLM_LATENCY, 7);
        // A joined future is the same task: it records too.
        let ((), ()) = tokio::join!(async { count(names::PROVIDER_429, 1) }, async {
            count(names::PROVIDER_2XX, 1)
        });
        correlation_id()
    })
    .await;
    assert_eq!(answer.as_deref(), Some("abc"));
    assert_eq!(r.get(names::SENDS_SENT), Some(2.0));
    assert_eq!(r.get(names::LLM_LATENCY), Some(7.0));
    assert_eq!(r.get(names::PROVIDER_429), Some(1.0));
    assert_eq!(r.get(names::PROVIDER_2XX), Some(1.0));
    assert_valid_emf(&r.to_emf(1).to_string());
}

#[tokio::test]
async fn scopes_do_not_leak_into_each_other() {
    let (_, first) = scope(Recorder::new(names::service::API, "one"), async {
        count(names::API_5XX, 1)
    })
    .await;
    let (_, second) = scope(Recorder::new(names::service::API, "two"), async {}).await;
    assert_eq!(first.get(names::API_5XX), Some(1.0));
    assert_eq!(second.get(names::API_5XX), None);
}
