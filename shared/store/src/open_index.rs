//! A customer's open appointments, kept beside the appointments so that a
//! booking checks the business's cap (`max_open_per_customer`) from the
//! read it already makes (its ledgers' batch) instead of a query.
//!
//! One item per customer (`CUSTOPEN#<id>`): an attribute `a_<appointment>`
//! holding the start (epoch ms) of each appointment booked, moved or not
//! yet cancelled, and `complete` once the item is known to hold them all
//! (written with the customer, or rebuilt from a query of the customer's
//! appointments). Bookings add, moves set, cancellations remove; past
//! entries count for nothing and are pruned by the next booking. An item
//! without `complete` (a customer from before it existed) is not trusted:
//! the booking queries and rebuilds it. A count at the cap is confirmed by
//! the query before anyone is refused, so a stale entry never blocks a
//! customer.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use parlo_core::{AppointmentId, CustomerId, OrgId};

use crate::db::{self, Item};
use crate::error::Result;
use crate::keys::{self, kind};
use crate::Store;

const ENTRY: &str = "a_";
const COMPLETE: &str = "complete";
const VERSION: &str = "v";

/// The index as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OpenIndex {
    /// It holds every open appointment of the customer.
    pub trusted: bool,
    pub entries: Vec<(AppointmentId, DateTime<Utc>)>,
    /// Its version (a capped booking's condition); `None`: no item, or
    /// one no capped booking wrote yet.
    pub version: Option<u64>,
}

impl OpenIndex {
    pub fn decode(it: Option<&Item>) -> Self {
        let Some(it) = it else {
            return Self::default();
        };
        let entries = it
            .iter()
            .filter_map(|(name, v)| {
                let id = name.strip_prefix(ENTRY)?.parse().ok()?;
                let ms: i64 = v.as_n().ok()?.parse().ok()?;
                Some((id, DateTime::from_timestamp_millis(ms)?))
            })
            .collect();
        Self {
            trusted: matches!(it.get(COMPLETE), Some(AttributeValue::Bool(true))),
            entries,
            version: db::u64_attr(it, VERSION),
        }
    }

    /// Open appointments starting at or after `now`, but `except`.
    pub fn upcoming(&self, now: DateTime<Utc>, except: AppointmentId) -> usize {
        self.entries
            .iter()
            .filter(|(id, start)| *id != except && *start >= now)
            .count()
    }

    pub fn holds(&self, id: AppointmentId) -> bool {
        self.entries.iter().any(|(e, _)| *e == id)
    }
}

fn entry_name(id: AppointmentId) -> String {
    format!("{ENTRY}{}", id.simple())
}

/// A change of the index.
#[derive(Debug, Default)]
pub(crate) struct IndexChange {
    pub set: Vec<(AppointmentId, DateTime<Utc>)>,
    pub remove: Vec<AppointmentId>,
    /// Mark it complete (it now holds every open appointment).
    pub complete: bool,
    /// Condition on the version read (`Some(None)`: no item then) and
    /// step it: capped bookings of one customer cannot both pass.
    pub seen: Option<Option<u64>>,
}

pub(crate) fn sk(customer: CustomerId) -> String {
    keys::customer_open_sk(customer)
}

impl Store {
    /// The index item a new customer starts with: complete and empty.
    pub(crate) fn new_open_index(&self, org: OrgId, customer: CustomerId) -> Item {
        let mut it = db::key(keys::org_pk(org), sk(customer));
        it.insert(keys::TYPE.into(), db::s(kind::CUSTOMER_OPEN));
        it.insert(COMPLETE.into(), AttributeValue::Bool(true));
        it.insert(VERSION.into(), db::n(0));
        it
    }

    /// The index's update inside a transaction of the caller's.
    pub(crate) fn tx_open_index(
        &self,
        org: OrgId,
        customer: CustomerId,
        change: &IndexChange,
    ) -> Result<TransactWriteItem> {
        let mut b = Update::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(keys::org_pk(org), sk(customer))))
            .expression_attribute_names("#t", keys::TYPE)
            .expression_attribute_values(":t", db::s(kind::CUSTOMER_OPEN));
        let mut sets = vec!["#t = :t".to_string()];
        for (i, (id, start)) in change.set.iter().enumerate() {
            sets.push(format!("#s{i} = :s{i}"));
            b = b
                .expression_attribute_names(format!("#s{i}"), entry_name(*id))
                .expression_attribute_values(format!(":s{i}"), db::n(start.timestamp_millis()));
        }
        if change.complete {
            sets.push("#c = :c".into());
            b = b
                .expression_attribute_names("#c", COMPLETE)
                .expression_attribute_values(":c", AttributeValue::Bool(true));
        }
        if let Some(seen) = change.seen {
            sets.push("#v = :v1".into());
            b = b
                .expression_attribute_names("#v", VERSION)
                .expression_attribute_values(":v1", db::n(seen.unwrap_or(0) + 1));
            b = match seen {
                None => b.condition_expression("attribute_not_exists(#v)"),
                Some(v) => b
                    .condition_expression("#v = :v0")
                    .expression_attribute_values(":v0", db::n(v)),
            };
        }
        let mut expr = format!("SET {}", sets.join(", "));
        let mut removed = Vec::new();
        let gone = change
            .remove
            .iter()
            .filter(|id| !change.set.iter().any(|(s, _)| s == *id));
        for (i, id) in gone.enumerate() {
            b = b.expression_attribute_names(format!("#r{i}"), entry_name(*id));
            removed.push(format!("#r{i}"));
        }
        if !removed.is_empty() {
            expr.push_str(&format!(" REMOVE {}", removed.join(", ")));
        }
        Ok(TransactWriteItem::builder()
            .update(b.update_expression(expr).build()?)
            .build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn only_a_complete_item_is_trusted_and_past_entries_do_not_count() {
        let now = Utc::now();
        let (a, b, c) = (
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
        );
        let mut it = Item::new();
        it.insert(
            entry_name(a),
            db::n((now + Duration::days(1)).timestamp_millis()),
        );
        it.insert(
            entry_name(b),
            db::n((now - Duration::days(1)).timestamp_millis()),
        );
        it.insert(
            entry_name(c),
            db::n((now + Duration::hours(2)).timestamp_millis()),
        );
        it.insert("type".into(), db::s(kind::CUSTOMER_OPEN));
        let untrusted = OpenIndex::decode(Some(&it));
        assert!(!untrusted.trusted);
        assert_eq!(
            untrusted.upcoming(now, c),
            1,
            "the past one and the one booking now left out"
        );
        it.insert(COMPLETE.into(), AttributeValue::Bool(true));
        let trusted = OpenIndex::decode(Some(&it));
        assert!(trusted.trusted && trusted.holds(b));
        assert_eq!(OpenIndex::decode(None), OpenIndex::default());
    }
}
