//! The webhook's production sink: the inbound dedupe record in DynamoDB
//! and the FIFO turn queue.

use aws_sdk_sqs::Client as SqsClient;
use chrono::{DateTime, Utc};
use parlo_store::{DeliveryStatus, InboundClaim, Store};
use parlo_twilio::inbound::{InboundMessage, StatusCallback};

use crate::queue::{message_group_id, QueuedInbound};
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

    async fn delivery_status(
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
