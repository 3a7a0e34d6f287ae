//! The SQS event source mapping of the turn queue, as Lambda runs it with
//! `BatchSize: 10` and `ReportBatchItemFailures`: long-poll the FIFO queue,
//! hand the batch to `turn` as an `SqsEvent`, delete what succeeded, leave
//! the failures to reappear after the visibility timeout (short locally, so
//! retries come fast; moto moves a message to the DLQ after the queue's
//! `maxReceiveCount`).
//!
//! A record has the shape Lambda gives:
//!
//! ```json
//! {"messageId": "…", "receiptHandle": "…", "body": "…",
//!  "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1741806238123",
//!                 "SenderId": "…", "ApproximateFirstReceiveTimestamp": "…",
//!                 "SequenceNumber": "…", "MessageGroupId": "…",
//!                 "MessageDeduplicationId": "…"},
//!  "messageAttributes": {"kind": {"stringValue": "inbound", "stringListValues": [],
//!                                 "binaryListValues": [], "dataType": "String"}},
//!  "md5OfBody": "…", "md5OfMessageAttributes": null,
//!  "eventSource": "aws:sqs",
//!  "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:parlo-local-turn.fifo",
//!  "awsRegion": "us-east-1"}
//! ```
use crate::invoke::{error_chain, Invoker};
use aws_lambda_events::encodings::Base64Data;
use aws_lambda_events::sqs::{SqsEvent, SqsMessage, SqsMessageAttribute};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// The queue ARN from a queue URL `http(s)://host/<account>/<name>`.
pub fn queue_arn_from_url(url: &str, region: &str) -> Option<String> {
    let path = url.split_once("://")?.1.split_once('/')?.1;
    let mut parts = path.trim_end_matches('/').split('/');
    let (account, name) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || account.is_empty() || name.is_empty() {
        return None;
    }
    Some(format!("arn:aws:sqs:{region}:{account}:{name}"))
}

fn to_record(message: &Message, queue_arn: &str, region: &str) -> SqsMessage {
    let mut record = SqsMessage::default();
    record.message_id = message.message_id().map(str::to_string);
    record.receipt_handle = message.receipt_handle().map(str::to_string);
    record.body = message.body().map(str::to_string);
    record.md5_of_body = message.md5_of_body().map(str::to_string);
    record.md5_of_message_attributes = message.md5_of_message_attributes().map(str::to_string);
    record.attributes = message
        .attributes()
        .map(|attrs| {
            attrs
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    record.message_attributes = message
        .message_attributes()
        .map(|attrs| {
            attrs
                .iter()
                .map(|(name, value)| {
                    let blob = |b: &aws_sdk_sqs::primitives::Blob| {
                        let mut data = Base64Data::default();
                        *data = b.as_ref().to_vec();
                        data
                    };
                    let mut attr = SqsMessageAttribute::default();
                    attr.string_value = value.string_value().map(str::to_string);
                    attr.binary_value = value.binary_value().map(blob);
                    attr.string_list_values = value.string_list_values().to_vec();
                    attr.binary_list_values = value.binary_list_values().iter().map(blob).collect();
                    attr.data_type = Some(value.data_type().to_string());
                    (name.clone(), attr)
                })
                .collect()
        })
        .unwrap_or_default();
    record.event_source = Some("aws:sqs".to_string());
    record.event_source_arn = Some(queue_arn.to_string());
    record.aws_region = Some(region.to_string());
    record
}

/// The event Lambda would send for this batch.
pub fn build_event(messages: &[Message], queue_arn: &str, region: &str) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = messages
        .iter()
        .map(|m| to_record(m, queue_arn, region))
        .collect();
    event
}

/// What to do with a batch after the function returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Delete these records (indices into the event); the rest failed.
    Delete(Vec<usize>),
    /// Delete nothing: the whole batch failed.
    FailAll(String),
}

/// Lambda's rules for `ReportBatchItemFailures`: a null result, or a null
/// or empty `batchItemFailures`, is complete success; listed ids failed; a
/// response that is not an object, or an item identifier that is missing,
/// empty or not a message of the batch, fails the whole batch.
pub fn batch_outcome(event: &SqsEvent, result: &Value) -> BatchOutcome {
    let all: Vec<usize> = (0..event.records.len()).collect();
    let failures = match result {
        Value::Null => return BatchOutcome::Delete(all),
        Value::Object(map) => match map.get("batchItemFailures") {
            None | Some(Value::Null) => return BatchOutcome::Delete(all),
            Some(Value::Array(items)) => items,
            Some(other) => {
                return BatchOutcome::FailAll(format!("batchItemFailures is not a list: {other}"))
            }
        },
        other => return BatchOutcome::FailAll(format!("not a batch response: {other}")),
    };
    let ids: HashMap<&str, usize> = event
        .records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.message_id.as_deref().map(|id| (id, i)))
        .collect();
    let mut failed = Vec::new();
    for item in failures {
        match item.get("itemIdentifier").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => match ids.get(id) {
                Some(i) => failed.push(*i),
                None => {
                    return BatchOutcome::FailAll(format!(
                        "itemIdentifier {id:?} is not a message of the batch"
                    ))
                }
            },
            _ => return BatchOutcome::FailAll(format!("invalid batch item failure: {item}")),
        }
    }
    BatchOutcome::Delete(all.into_iter().filter(|i| !failed.contains(i)).collect())
}

/// Polls one queue and feeds one function.
pub struct SqsPoller {
    pub client: aws_sdk_sqs::Client,
    pub queue_url: String,
    pub region: String,
    pub invoker: Invoker,
    pub function: String,
    /// Visibility timeout set on receive (seconds); failed messages come back
    /// after it.
    pub visibility_timeout: i32,
    /// Long-poll wait (seconds, at most 20).
    pub wait_seconds: i32,
}

impl SqsPoller {
    async fn queue_arn(&self) -> String {
        let asked = self
            .client
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .ok()
            .and_then(|out| {
                out.attributes()
                    .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
                    .cloned()
            });
        asked
            .or_else(|| queue_arn_from_url(&self.queue_url, &self.region))
            .unwrap_or_else(|| self.queue_url.clone())
    }

    /// Runs until the task is dropped. Errors are logged and retried.
    pub async fn run(self) {
        let queue_arn = self.queue_arn().await;
        tracing::info!(queue = %self.queue_url, function = %self.function, "SQS poller started");
        let mut backoff = Duration::from_millis(500);
        loop {
            match self.poll_once(&queue_arn).await {
                Ok(_) => backoff = Duration::from_millis(500),
                Err(e) => {
                    tracing::warn!("SQS poll: {e}");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    /// One receive → invoke → delete round; returns how many were received.
    pub async fn poll_once(&self, queue_arn: &str) -> Result<usize, String> {
        let received = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(self.wait_seconds)
            .visibility_timeout(self.visibility_timeout)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| format!("ReceiveMessage: {}", error_chain(&e)))?;
        let messages = received.messages();
        if messages.is_empty() {
            return Ok(0);
        }
        let event = build_event(messages, queue_arn, &self.region);
        let ids: Vec<&str> = event
            .records
            .iter()
            .filter_map(|r| r.message_id.as_deref())
            .collect();
        tracing::info!(function = %self.function, count = messages.len(), ids = ?ids, "SQS batch");
        let payload = serde_json::to_value(&event).map_err(|e| e.to_string())?;
        let outcome = match self.invoker.invoke(&self.function, &payload).await {
            Ok(result) => batch_outcome(&event, &result),
            Err(e) => BatchOutcome::FailAll(e.to_string()),
        };
        let delete = match outcome {
            BatchOutcome::Delete(indices) => indices,
            BatchOutcome::FailAll(reason) => {
                tracing::warn!(function = %self.function, "batch failed, nothing deleted (retried after {}s): {reason}", self.visibility_timeout);
                return Ok(messages.len());
            }
        };
        let failed = messages.len() - delete.len();
        if failed > 0 {
            tracing::warn!(function = %self.function, failed, "batch item failures: retried after {}s", self.visibility_timeout);
        }
        if !delete.is_empty() {
            let entries: Vec<DeleteMessageBatchRequestEntry> = delete
                .iter()
                .filter_map(|&i| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(format!("m{i}"))
                        .receipt_handle(event.records[i].receipt_handle.clone()?)
                        .build()
                        .ok()
                })
                .collect();
            let out = self
                .client
                .delete_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| format!("DeleteMessageBatch: {}", error_chain(&e)))?;
            for f in out.failed() {
                tracing::warn!("DeleteMessageBatch {}: {:?}", f.id(), f.message());
            }
            tracing::info!(function = %self.function, deleted = out.successful().len(), "SQS batch done");
        }
        Ok(messages.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sqs::types::MessageAttributeValue;
    use serde_json::json;

    fn message(id: &str, group: &str) -> Message {
        Message::builder()
            .message_id(id)
            .receipt_handle(format!("rh-{id}"))
            .body(format!(r#"{{"inbound":"{id}"}}"#))
            .md5_of_body("0123456789abcdef0123456789abcdef")
            .attributes(MessageSystemAttributeName::MessageGroupId, group)
            .attributes(
                MessageSystemAttributeName::MessageDeduplicationId,
                format!("SM{id}"),
            )
            .attributes(
                MessageSystemAttributeName::SequenceNumber,
                "18849496460467696128",
            )
            .attributes(MessageSystemAttributeName::ApproximateReceiveCount, "1")
            .attributes(MessageSystemAttributeName::SentTimestamp, "1741806238123")
            .message_attributes(
                "kind",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("inbound")
                    .build()
                    .unwrap(),
            )
            .build()
    }

    const ARN: &str = "arn:aws:sqs:us-east-1:123456789012:parlo-local-turn.fifo";

    #[test]
    fn arn_from_queue_url() {
        assert_eq!(
            queue_arn_from_url(
                "http://127.0.0.1:5000/123456789012/parlo-local-turn.fifo",
                "us-east-1"
            )
            .as_deref(),
            Some(ARN)
        );
        assert_eq!(
            queue_arn_from_url("http://127.0.0.1:5000/", "us-east-1"),
            None
        );
    }

    #[test]
    fn event_has_lambda_shape() {
        let event = build_event(
            &[message("a", "conv-1"), message("b", "conv-2")],
            ARN,
            "us-east-1",
        );
        let v = serde_json::to_value(&event).unwrap();
        let records = v["Records"].as_array().unwrap();
        assert_eq!(records.len(), 2);
        let r = &records[0];
        assert_eq!(r["messageId"], "a");
        assert_eq!(r["receiptHandle"], "rh-a");
        assert_eq!(r["body"], r#"{"inbound":"a"}"#);
        assert_eq!(r["md5OfBody"], "0123456789abcdef0123456789abcdef");
        assert_eq!(r["eventSource"], "aws:sqs");
        assert_eq!(r["eventSourceARN"], ARN);
        assert_eq!(r["awsRegion"], "us-east-1");
        assert_eq!(
            r["attributes"],
            json!({"MessageGroupId": "conv-1", "MessageDeduplicationId": "SMa",
                   "SequenceNumber": "18849496460467696128",
                   "ApproximateReceiveCount": "1", "SentTimestamp": "1741806238123"})
        );
        assert_eq!(r["messageAttributes"]["kind"]["stringValue"], "inbound");
        assert_eq!(r["messageAttributes"]["kind"]["dataType"], "String");
        assert_eq!(records[1]["attributes"]["MessageGroupId"], "conv-2");
        // And the function's type reads it back.
        let back: SqsEvent = serde_json::from_value(v).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn batch_outcomes_follow_lambda_rules() {
        let event = build_event(
            &[message("a", "g"), message("b", "g"), message("c", "g")],
            ARN,
            "us-east-1",
        );
        let all = BatchOutcome::Delete(vec![0, 1, 2]);
        assert_eq!(batch_outcome(&event, &Value::Null), all);
        assert_eq!(batch_outcome(&event, &json!({})), all);
        assert_eq!(
            batch_outcome(&event, &json!({"batchItemFailures": []})),
            all
        );
        assert_eq!(
            batch_outcome(&event, &json!({"batchItemFailures": null})),
            all
        );
        assert_eq!(
            batch_outcome(
                &event,
                &json!({"batchItemFailures": [{"itemIdentifier": "b"}, {"itemIdentifier": "c"}]})
            ),
            BatchOutcome::Delete(vec![0])
        );
        for bad in [
            json!({"batchItemFailures": [{"itemIdentifier": ""}]}),
            json!({"batchItemFailures": [{"itemIdentifier": null}]}),
            json!({"batchItemFailures": [{"id": "a"}]}),
            json!({"batchItemFailures": [{"itemIdentifier": "zzz"}]}),
            json!({"batchItemFailures": "a"}),
            json!("ok"),
        ] {
            assert!(
                matches!(batch_outcome(&event, &bad), BatchOutcome::FailAll(_)),
                "{bad}"
            );
        }
    }
}
