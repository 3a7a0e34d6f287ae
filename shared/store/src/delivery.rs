//! Delivery statuses that arrive before their message is findable (issue
//! 11, item 16). Twilio may call back before the sender has recorded the
//! message's sid (or before GSI1 shows it); such a status is parked under
//! the sid (`DLV#<sid>` / `DLV`, TTL one day) and applied when the sid is
//! recorded ([`Store::mark_outbox_sent`]).

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};

use crate::db::{self, Cond};
use crate::error::Result;
use crate::keys;
use crate::outbox::{owner_pk, DeliveryStatus, OutboxRecord};
use crate::Store;

/// How long a parked status waits for its message.
pub const PARKED_STATUS_TTL: Duration = Duration::days(1);

const PARKED_SK: &str = "DLV";
const PARKED_KIND: &str = "parked_status";

fn parked_pk(sid: &str) -> String {
    format!("DLV#{sid}")
}

/// A transaction's check that no status is parked for `sid`.
pub(crate) fn no_parked_status(
    store: &Store,
    sid: &str,
) -> Result<aws_sdk_dynamodb::types::TransactWriteItem> {
    store.tx_check(parked_pk(sid), PARKED_SK, Cond::not_exists())
}

impl Store {
    /// Keeps a status whose message was not found, unless a later one is
    /// already kept.
    pub async fn park_delivery_status(
        &self,
        provider_sid: &str,
        status: DeliveryStatus,
        error_code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut it = db::key(parked_pk(provider_sid), PARKED_SK);
        it.insert(keys::TYPE.into(), db::s(PARKED_KIND));
        it.insert("status".into(), db::to_av(&status)?);
        it.insert("status_rank".into(), db::n(status.rank()));
        if let Some(code) = error_code {
            it.insert("error_code".into(), db::s(code));
        }
        it.insert(
            keys::TTL.into(),
            db::n((now + PARKED_STATUS_TTL).timestamp()),
        );
        let put = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(it))
            .condition_expression("attribute_not_exists(PK) OR status_rank <= :rank")
            .expression_attribute_values(":rank", db::n(status.rank()))
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Applies (and forgets) the status parked for `record`'s sid, if any,
    /// by the record's own key (no index involved), never backwards.
    pub(crate) async fn apply_parked_status(&self, record: &OutboxRecord) -> Result<()> {
        let Some(sid) = &record.provider_sid else {
            return Ok(());
        };
        let Some(parked) = self.get_item(parked_pk(sid), PARKED_SK).await? else {
            return Ok(());
        };
        let Some(status) = parked
            .get("status")
            .and_then(|v| v.as_s().ok())
            .and_then(|s| DeliveryStatus::parse(s))
        else {
            return Ok(());
        };
        let mut req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(db::key(
                owner_pk(record.org_id),
                keys::outbox_sk(&record.key),
            )))
            .update_expression("SET #st = :st, status_rank = :rank, updated_at = :now")
            .condition_expression("attribute_exists(PK) AND status_rank <= :rank")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":st", db::to_av(&status)?)
            .expression_attribute_values(":rank", db::n(status.rank()))
            .expression_attribute_values(":now", db::to_av(&record.updated_at)?);
        if let Some(AttributeValue::S(code)) = parked.get("error_code") {
            req = req
                .update_expression(
                    "SET #st = :st, status_rank = :rank, updated_at = :now, error_code = :code",
                )
                .expression_attribute_values(":code", db::s(code.clone()));
        }
        match req.send().await {
            Ok(_) => {}
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
            Err(e) => return Err(e.into()),
        }
        self.delete_if(parked_pk(sid), PARKED_SK, None).await?;
        Ok(())
    }
}
