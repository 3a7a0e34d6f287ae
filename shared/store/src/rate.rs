//! Per-sender inbound message counters: one item per business, sender and
//! UTC day, counting the day and each minute in one atomic update, kept
//! two days (TTL). What lets one number not burn a business's LLM spend.

use chrono::{DateTime, Duration, Timelike, Utc};
use parlo_core::OrgId;

use crate::db;
use crate::error::Result;
use crate::keys::{self, TTL};
use crate::Store;

/// How many messages a sender sent so far, this one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboundCount {
    pub this_minute: u32,
    pub today: u32,
}

impl Store {
    /// Counts one inbound message of `phone` to `org` at `now` (one
    /// UpdateItem) and returns the counts after it.
    pub async fn count_inbound(
        &self,
        org: OrgId,
        phone: &str,
        now: DateTime<Utc>,
    ) -> Result<InboundCount> {
        let minute = format!("m{}", now.hour() * 60 + now.minute());
        let out = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(
                keys::org_pk(org),
                keys::inbound_rate_sk(phone, now.date_naive()),
            )))
            .update_expression("ADD #day :one, #min :one SET #ttl = :ttl")
            .expression_attribute_names("#day", "day")
            .expression_attribute_names("#min", minute.clone())
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", db::n(1))
            .expression_attribute_values(":ttl", db::n((now + Duration::days(2)).timestamp()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await?;
        let attrs = out.attributes.unwrap_or_default();
        let num = |name: &str| {
            attrs
                .get(name)
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(0)
        };
        Ok(InboundCount {
            this_minute: num(&minute),
            today: num("day"),
        })
    }
}
