//! The webhook's production sink: the inbound dedupe record in DynamoDB
//! and the FIFO turn queue.

use aws_sdk_sqs::Client as SqsClient;
use chrono::{DateTime, Utc};
use parlo_store::{DeliveryStatus, InboundClaim, Store};
use parlo_twilio::inbound::{InboundMessage, StatusCallback};

use crate::queue::{message_group_id, QueuedInbound, CORRELATION_ATTRIBUTE};
use crate::webhook::{Accepted, InboundSink, SinkError};

#[derive(Clone)]
pub struct QueueSink {
    pub store: Store,
    pub sqs: SqsClient,
    pub queue_url: String,
}

impl InboundSink for QueueSink {
    async fn accept(
        &self,
        message: &InboundMessage,
        now: DateTime<Utc>,
    ) -> Result<Accepted, SinkError> {
        let requests_before = self.store.requests();
        let accepted = self.enqueue(message, now).await;
        parlo_telemetry::count(
            parlo_telemetry::names::DYNAMODB_REQUESTS,
            self.store.requests() - requests_before,
        );
        accepted
    }

    async fn delivery_status(
        &self,
        callback: &StatusCallback,
        now: DateTime<Utc>,
    ) -> Result<(), SinkError> {
        let requests_before = self.store.requests();
        let recorded = self.record_status(callback, now).await;
        parlo_telemetry::count(
            parlo_telemetry::names::DYNAMODB_REQUESTS,
            self.store.requests() - requests_before,
        );
        recorded
    }
}

impl QueueSink {
    async fn enqueue(
        &self,
        message: &InboundMessage,
        now: DateTime<Utc>,
    ) -> Result<Accepted, SinkError> {
        // Crash-safe: the record says whether the message was queued, so a
        // crash between the two steps is repaired by Twilio's retry.
        let claim = self
            .store
            .claim_inbound(&message.message_sid, now)
            .await
            .map_err(|e| SinkError(e.to_string()))?;
        if claim == InboundClaim::Queued {
            return Ok(Accepted::Duplicate);
        }
        let body = serde_json::to_string(&QueuedInbound {
            message: message.clone(),
            received_at: now,
        })
        .map_err(|e| SinkError(e.to_string()))?;
        let sent = self
            .sqs
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .message_group_id(message_group_id(message))
            .message_deduplication_id(&message.message_sid)
            .message_attributes(CORRELATION_ATTRIBUTE, correlation_attribute(message))
            .send()
            .await;
        if let Err(e) = sent {
            // The record still says "not queued": Twilio's retry enqueues it
            // (no delete needed, so the webhook has no DeleteItem right).
            return Err(SinkError(format!("enqueue: {e}")));
        }
        if let Err(e) = self.store.mark_inbound_queued(&message.message_sid).await {
            // Queued but not marked: a retry enqueues again and the FIFO
            // deduplication id (the MessageSid) drops the copy.
            tracing::warn!(error = %e, "inbound queued but not marked");
        }
        Ok(Accepted::New)
    }

    async fn record_status(
        &self,
        callback: &StatusCallback,
        now: DateTime<Utc>,
    ) -> Result<(), SinkError> {
        let Some(status) = DeliveryStatus::parse(&callback.status) else {
            return Ok(());
        };
        let applied = self
            .store
            .apply_delivery_status(
                &callback.message_sid,
                status,
                callback.error_code.as_deref(),
                now,
            )
            .await
            .map_err(|e| SinkError(e.to_string()))?;
        if !applied {
            // Perhaps the sender has not recorded this sid yet: keep the
            // status; recording the sid applies it (never backwards).
            self.store
                .park_delivery_status(
                    &callback.message_sid,
                    status,
                    callback.error_code.as_deref(),
                    now,
                )
                .await
                .map_err(|e| SinkError(e.to_string()))?;
            tracing::info!(message_sid = %callback.message_sid, status = %callback.status, "status kept for later (unknown sid or older status)");
        }
        Ok(())
    }
}

/// The unit of work's correlation id (the MessageSid) as an SQS message
/// attribute: the turn function's logs and metrics carry it on.
fn correlation_attribute(message: &InboundMessage) -> aws_sdk_sqs::types::MessageAttributeValue {
    let id = parlo_telemetry::correlation_id().unwrap_or_else(|| message.message_sid.clone());
    aws_sdk_sqs::types::MessageAttributeValue::builder()
        .data_type("String")
        .string_value(id)
        .build()
        .expect("data type is set")
}
