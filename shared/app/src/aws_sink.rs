//! The webhook's production sink: the inbound dedupe record in DynamoDB
//! and the FIFO turn queue.

use aws_sdk_sqs::Client as SqsClient;
use chrono::{DateTime, Utc};
use parlo_store::{DeliveryStatus, Store};
use parlo_twilio::inbound::{InboundMessage, StatusCallback};

use crate::turn::{message_group_id, QueuedInbound};
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
        let new = self
            .store
            .record_inbound(&message.message_sid, now)
            .await
            .map_err(|e| SinkError(e.to_string()))?;
        if !new {
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
            // Forget the sid so Twilio's retry is processed, not dropped.
            if let Err(forget) = self.store.forget_inbound(&message.message_sid).await {
                tracing::error!(error = %forget, "could not forget an unqueued inbound message; it may be lost");
            }
            return Err(SinkError(format!("enqueue: {e}")));
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
            tracing::info!(message_sid = %callback.message_sid, status = %callback.status, "status ignored (unknown sid or older status)");
        }
        Ok(())
    }
}
