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

/// The counter item's attribute for `now`'s minute (of its UTC day).
pub(crate) fn minute_attr(now: DateTime<Utc>) -> String {
    format!("m{}", now.hour() * 60 + now.minute())
}

/// The counts an item holds at `now` (zero for a missing item).
pub(crate) fn counts_in(it: Option<&crate::db::Item>, now: DateTime<Utc>) -> InboundCount {
    let num = |name: &str| {
        it.and_then(|it| it.get(name))
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    InboundCount {
        this_minute: num(&minute_attr(now)),
        today: num("day"),
    }
}

impl InboundCount {
    /// The counts with one more message.
    pub fn plus_one(self) -> Self {
        Self {
            this_minute: self.this_minute + 1,
            today: self.today + 1,
        }
    }
}

impl Store {
    /// The counter's `ADD` for one more message at `now`.
    fn count_update(
        &self,
        org: OrgId,
        phone: &str,
        now: DateTime<Utc>,
    ) -> Result<aws_sdk_dynamodb::types::Update> {
        Ok(aws_sdk_dynamodb::types::Update::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(
                keys::org_pk(org),
                keys::inbound_rate_sk(phone, now.date_naive()),
            )))
            .update_expression("ADD #day :one, #min :one SET #ttl = :ttl")
            .expression_attribute_names("#day", "day")
            .expression_attribute_names("#min", minute_attr(now))
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", db::n(1))
            .expression_attribute_values(":ttl", db::n((now + Duration::days(2)).timestamp()))
            .build()?)
    }

    /// The counter's `ADD` as a step of a transaction (the turn's inbound
    /// write).
    pub(crate) fn tx_count_inbound(
        &self,
        org: OrgId,
        phone: &str,
        now: DateTime<Utc>,
    ) -> Result<aws_sdk_dynamodb::types::TransactWriteItem> {
        Ok(aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .update(self.count_update(org, phone, now)?)
            .build())
    }

    /// Counts one inbound message of `phone` to `org` at `now` (one
    /// UpdateItem) and returns the counts after it.
    pub async fn count_inbound(
        &self,
        org: OrgId,
        phone: &str,
        now: DateTime<Utc>,
    ) -> Result<InboundCount> {
        let u = self.count_update(org, phone, now)?;
        let out = self
            .client
            .update_item()
            .table_name(u.table_name())
            .set_key(Some(u.key().clone()))
            .update_expression(u.update_expression())
            .set_expression_attribute_names(u.expression_attribute_names().cloned())
            .set_expression_attribute_values(u.expression_attribute_values().cloned())
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await?;
        Ok(counts_in(out.attributes.as_ref(), now))
    }
}
