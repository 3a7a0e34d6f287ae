//! Dashboard-session support: rate-limit counters and revoked JWT ids.
//! Both are platform items (no business data) that expire through the
//! table's TTL; every read also checks the expiry itself, because DynamoDB
//! deletes expired items only eventually (and DynamoDB Local never).
//!
//! Keys: `RATE#<bucket>` / `RATE` (a fixed-window counter) and
//! `REVOKED#<jti>` / `REVOKED`.

use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Duration, Utc};
use parlo_core::{OrgId, Organization, Staff, StaffId};

use crate::db::{self, Item};
use crate::error::{Result, StoreError};
use crate::keys::{self, PK, SK};
use crate::Store;

const RATE_KIND: &str = "rate_limit";
const REVOKED_KIND: &str = "revoked_token";

/// Partition of a rate-limit counter (`bucket` e.g. `magic#+5255…`).
pub fn rate_pk(bucket: &str) -> String {
    format!("RATE#{bucket}")
}
pub const RATE_SK: &str = "RATE";

pub fn revoked_pk(jti: &str) -> String {
    format!("REVOKED#{jti}")
}
pub const REVOKED_SK: &str = "REVOKED";

/// What a session check read in one round trip.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionState {
    pub revoked: bool,
    pub organization: Option<Organization>,
    /// `None` when the token names no staff member or it is gone.
    pub staff: Option<Staff>,
}

impl Store {
    /// Counts one hit of `bucket` in a fixed window of `window` that starts
    /// at the first hit: `true` when the hit is within `limit`, `false`
    /// when the window already holds `limit` hits (the refused hit is not
    /// counted). Conditional updates, so concurrent hits never overshoot.
    pub async fn rate_limit_hit(
        &self,
        bucket: &str,
        limit: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let epoch = now.timestamp();
        let window_end = (now + window).timestamp();
        // Two rounds: the window may end between the increment and the
        // reset (or another caller may reset it first).
        for _ in 0..2 {
            // Count within a live window (or open the first one).
            let inc = self
                .client
                .update_item()
                .table_name(self.table.as_ref())
                .set_key(Some(db::key(rate_pk(bucket), RATE_SK)))
                .update_expression(
                    "SET #c = if_not_exists(#c, :zero) + :one, #ttl = if_not_exists(#ttl, :end), #type = :kind",
                )
                .condition_expression("attribute_not_exists(PK) OR (#ttl > :now AND #c < :limit)")
                .expression_attribute_names("#c", "hits")
                .expression_attribute_names("#ttl", keys::TTL)
                .expression_attribute_names("#type", keys::TYPE)
                .expression_attribute_values(":zero", db::n(0))
                .expression_attribute_values(":one", db::n(1))
                .expression_attribute_values(":end", db::n(window_end))
                .expression_attribute_values(":now", db::n(epoch))
                .expression_attribute_values(":limit", db::n(limit))
                .expression_attribute_values(":kind", db::s(RATE_KIND))
                .send()
                .await;
            match inc {
                Ok(_) => return Ok(true),
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(e.into()),
            }
            // Full, or the window is over: start a new window if it is over.
            let reset = self
                .client
                .update_item()
                .table_name(self.table.as_ref())
                .set_key(Some(db::key(rate_pk(bucket), RATE_SK)))
                .update_expression("SET #c = :one, #ttl = :end")
                .condition_expression("#ttl <= :now")
                .expression_attribute_names("#c", "hits")
                .expression_attribute_names("#ttl", keys::TTL)
                .expression_attribute_values(":one", db::n(1))
                .expression_attribute_values(":end", db::n(window_end))
                .expression_attribute_values(":now", db::n(epoch))
                .return_values(ReturnValue::None)
                .send()
                .await;
            match reset {
                Ok(_) => return Ok(true),
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(false)
    }

    /// Whether `bucket` already holds `limit` hits in a live window (a
    /// read: nothing is counted). For limits that count only failures.
    pub async fn rate_limit_full(
        &self,
        bucket: &str,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let Some(it) = self.get_item(rate_pk(bucket), RATE_SK).await? else {
            return Ok(false);
        };
        let live = db::u64_attr(&it, keys::TTL)
            .is_some_and(|end| i64::try_from(end).unwrap_or(i64::MAX) > now.timestamp());
        Ok(live && db::u64_attr(&it, "hits").unwrap_or(0) >= u64::from(limit))
    }

    /// Records a revoked JWT id until `until` (the token's own expiry,
    /// after which the signature check refuses it anyway).
    pub async fn revoke_jti(&self, jti: &str, until: DateTime<Utc>) -> Result<()> {
        let mut it: Item = db::key(revoked_pk(jti), REVOKED_SK);
        it.insert(keys::TYPE.into(), db::s(REVOKED_KIND));
        it.insert(keys::TTL.into(), db::n(until.timestamp()));
        self.put_if(it, None, StoreError::Conflict(String::new()))
            .await
    }

    pub async fn is_jti_revoked(&self, jti: &str) -> Result<bool> {
        Ok(self.get_item(revoked_pk(jti), REVOKED_SK).await?.is_some())
    }

    /// Revocation, business and staff member of a session in one
    /// consistent `BatchGetItem`.
    pub async fn session_state(
        &self,
        jti: &str,
        org: OrgId,
        staff: Option<StaffId>,
    ) -> Result<SessionState> {
        let mut wanted = vec![
            (revoked_pk(jti), REVOKED_SK.to_string()),
            (keys::org_pk(org), keys::ORG_SK.to_string()),
        ];
        if let Some(s) = staff {
            wanted.push((keys::org_pk(org), keys::staff_sk(s)));
        }
        let items = self.batch_get(wanted, true).await?;
        let mut state = SessionState {
            revoked: false,
            organization: None,
            staff: None,
        };
        let staff_sk = staff.map(keys::staff_sk);
        for it in items {
            let pk = db::str_attr(&it, PK).unwrap_or_default().to_string();
            let sk = db::str_attr(&it, SK).unwrap_or_default().to_string();
            if pk == revoked_pk(jti) {
                state.revoked = true;
            } else if sk == keys::ORG_SK {
                state.organization = Some(db::decode(it)?);
            } else if Some(&sk) == staff_sk.as_ref() {
                state.staff = Some(db::decode(it)?);
            }
        }
        Ok(state)
    }
}
