//! Low-level DynamoDB plumbing shared by the entity modules: item
//! encoding, conditions, queries with pagination, batch reads and
//! transactions.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, KeysAndAttributes, Put, ReturnValue, TransactWriteItem,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::keys::{Gsi, PK, SK, TYPE, VERSION};
use crate::Store;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// Serialises `body` and adds its primary key and `type`.
pub(crate) fn item<T: Serialize>(body: &T, kind: &str, pk: String, sk: String) -> Result<Item> {
    let mut it: Item = serde_dynamo::aws_sdk_dynamodb_1::to_item(body)?;
    it.insert(PK.into(), s(pk));
    it.insert(SK.into(), s(sk));
    it.insert(TYPE.into(), s(kind));
    Ok(it)
}

pub(crate) fn with_gsi(mut it: Item, gsi: Gsi, pk: String, sk: String) -> Item {
    it.insert(gsi.pk.into(), s(pk));
    it.insert(gsi.sk.into(), s(sk));
    it
}

pub(crate) fn decode<T: DeserializeOwned>(it: Item) -> Result<T> {
    Ok(serde_dynamo::aws_sdk_dynamodb_1::from_item(it)?)
}

pub(crate) fn to_av<T: Serialize>(v: &T) -> Result<AttributeValue> {
    Ok(serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(v)?)
}

pub(crate) fn str_attr<'a>(it: &'a Item, attr: &str) -> Option<&'a str> {
    it.get(attr).and_then(|v| v.as_s().ok()).map(String::as_str)
}

pub(crate) fn u64_attr(it: &Item, attr: &str) -> Option<u64> {
    it.get(attr)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
}

pub(crate) fn is_kind(it: &Item, kind: &str) -> bool {
    str_attr(it, TYPE) == Some(kind)
}

pub(crate) fn key(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])
}

/// A condition expression with its placeholders.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cond {
    pub expr: String,
    pub names: HashMap<String, String>,
    pub values: HashMap<String, AttributeValue>,
}

impl Cond {
    pub fn not_exists() -> Self {
        Self {
            expr: "attribute_not_exists(PK)".into(),
            ..Self::default()
        }
    }

    pub fn exists() -> Self {
        Self {
            expr: "attribute_exists(PK)".into(),
            ..Self::default()
        }
    }

    /// The item is at the version read (optimistic concurrency).
    pub fn version(v: u64) -> Self {
        Self {
            expr: "#ver = :ver".into(),
            names: HashMap::from([("#ver".into(), VERSION.into())]),
            values: HashMap::from([(":ver".into(), n(v))]),
        }
    }

    /// `version = seen`, or `attribute_not_exists(PK)` when never written.
    pub fn version_or_new(seen: u64) -> Self {
        if seen == 0 {
            Self::not_exists()
        } else {
            Self::version(seen)
        }
    }

    /// `attr = value`.
    pub fn equals(attr: &str, value: AttributeValue) -> Self {
        Self {
            expr: "#ca = :cv".into(),
            names: HashMap::from([("#ca".into(), attr.into())]),
            values: HashMap::from([(":cv".into(), value)]),
        }
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

/// The sort-key condition of a query.
#[derive(Debug, Clone)]
pub(crate) enum Range {
    All,
    BeginsWith(String),
    /// Inclusive on both ends.
    Between(String, String),
    AtLeast(String),
}

/// A server-side filter (applied after the key condition; it reduces what
/// is returned, not what is read).
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub expr: &'static str,
    pub names: Vec<(&'static str, &'static str)>,
    pub values: Vec<(&'static str, AttributeValue)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub index: Option<Gsi>,
    pub pk: String,
    pub range: Range,
    pub forward: bool,
    pub consistent: bool,
    pub filter: Option<Filter>,
}

impl Query {
    /// A query on the table's own keys (consistent reads).
    pub fn table(pk: String, range: Range) -> Self {
        Self {
            index: None,
            pk,
            range,
            forward: true,
            consistent: true,
            filter: None,
        }
    }

    /// A query on a GSI (eventually consistent, as GSIs are).
    pub fn gsi(index: Gsi, pk: String, range: Range) -> Self {
        Self {
            index: Some(index),
            pk,
            range,
            forward: true,
            consistent: false,
            filter: None,
        }
    }

    pub fn backwards(mut self) -> Self {
        self.forward = false;
        self
    }

    pub fn filter(mut self, f: Filter) -> Self {
        self.filter = Some(f);
        self
    }

    fn pk_attr(&self) -> &'static str {
        self.index.map_or(PK, |g| g.pk)
    }

    fn sk_attr(&self) -> &'static str {
        self.index.map_or(SK, |g| g.sk)
    }
}

/// One page of a list and the opaque cursor of the next (`None` at the
/// end). Cursors are bound to their query: one from another business or
/// another list is refused with [`StoreError::InvalidCursor`].
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    pub(crate) fn try_map<U>(self, f: impl FnMut(T) -> Result<U>) -> Result<Page<U>> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_>>()?,
            next: self.next,
        })
    }
}

fn encode_cursor(key: &Item) -> Option<String> {
    let map: HashMap<&str, &str> = key
        .iter()
        .map(|(k, v)| v.as_s().ok().map(|s| (k.as_str(), s.as_str())))
        .collect::<Option<_>>()?;
    serde_json::to_string(&map).ok()
}

fn decode_cursor(cursor: &str, q: &Query) -> Result<Item> {
    let map: HashMap<String, String> =
        serde_json::from_str(cursor).map_err(|_| StoreError::InvalidCursor)?;
    // The cursor must continue this very partition: a cursor crafted with
    // another business's key is refused, not followed.
    if map.get(q.pk_attr()) != Some(&q.pk) || !map.contains_key(PK) || !map.contains_key(SK) {
        return Err(StoreError::InvalidCursor);
    }
    if !map.contains_key(q.sk_attr()) {
        return Err(StoreError::InvalidCursor);
    }
    Ok(map.into_iter().map(|(k, v)| (k, s(v))).collect())
}

/// What a cancelled transaction said about each of its actions.
#[derive(Debug)]
pub(crate) enum TxError {
    /// Some condition failed or a concurrent transaction touched an item:
    /// one code per action, in order (`None` for actions that were fine).
    Cancelled(Vec<Option<String>>),
    Other(StoreError),
}

impl TxError {
    pub fn into_store(self, what: &'static str) -> StoreError {
        match self {
            TxError::Cancelled(codes) => {
                StoreError::Conflict(format!("{what}: transaction cancelled ({codes:?})"))
            }
            TxError::Other(e) => e,
        }
    }
}

pub(crate) fn code_failed(codes: &[Option<String>], i: usize) -> bool {
    matches!(codes.get(i), Some(Some(c)) if c == "ConditionalCheckFailed")
}

impl Store {
    pub(crate) async fn get_item(&self, pk: String, sk: impl Into<String>) -> Result<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item)
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        pk: String,
        sk: impl Into<String>,
    ) -> Result<Option<T>> {
        self.get_item(pk, sk).await?.map(decode).transpose()
    }

    /// Puts `item` under `cond`; a failed condition becomes `on_fail`.
    pub(crate) async fn put_if(
        &self,
        item: Item,
        cond: Option<Cond>,
        on_fail: StoreError,
    ) -> Result<()> {
        let mut req = self
            .client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(item));
        if let Some(c) = &cond {
            req = req
                .condition_expression(&c.expr)
                .set_expression_attribute_names(c.names())
                .set_expression_attribute_values(c.values());
        }
        match req.send().await {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(on_fail)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes under `cond`; returns the old item (`None` when there was
    /// none, or when the condition failed).
    pub(crate) async fn delete_if(
        &self,
        pk: String,
        sk: impl Into<String>,
        cond: Option<Cond>,
    ) -> Result<Option<Item>> {
        let mut req = self
            .client
            .delete_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key(pk, sk)))
            .return_values(ReturnValue::AllOld);
        if let Some(c) = &cond {
            req = req
                .condition_expression(&c.expr)
                .set_expression_attribute_names(c.names())
                .set_expression_attribute_values(c.values());
        }
        match req.send().await {
            Ok(out) => Ok(out.attributes),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn tx_put(&self, item: Item, cond: Option<Cond>) -> Result<TransactWriteItem> {
        let mut b = Put::builder()
            .table_name(self.table.as_ref())
            .set_item(Some(item));
        if let Some(c) = &cond {
            b = b
                .condition_expression(&c.expr)
                .set_expression_attribute_names(c.names())
                .set_expression_attribute_values(c.values());
        }
        Ok(TransactWriteItem::builder().put(b.build()?).build())
    }

    pub(crate) fn tx_delete(
        &self,
        pk: String,
        sk: impl Into<String>,
        cond: Option<Cond>,
    ) -> Result<TransactWriteItem> {
        let mut b = Delete::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key(pk, sk)));
        if let Some(c) = &cond {
            b = b
                .condition_expression(&c.expr)
                .set_expression_attribute_names(c.names())
                .set_expression_attribute_values(c.values());
        }
        Ok(TransactWriteItem::builder().delete(b.build()?).build())
    }

    /// A transaction's check that writes nothing (`cond` on the item at
    /// `pk`/`sk`, which may not exist).
    pub(crate) fn tx_check(
        &self,
        pk: String,
        sk: impl Into<String>,
        cond: Cond,
    ) -> Result<TransactWriteItem> {
        let b = ConditionCheck::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key(pk, sk)))
            .condition_expression(&cond.expr)
            .set_expression_attribute_names(cond.names())
            .set_expression_attribute_values(cond.values());
        Ok(TransactWriteItem::builder()
            .condition_check(b.build()?)
            .build())
    }

    /// One `TransactWriteItems` (≤ 100 actions, all or nothing).
    pub(crate) async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), TxError> {
        use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => match err.as_service_error() {
                Some(E::TransactionCanceledException(c)) => Err(TxError::Cancelled(
                    c.cancellation_reasons()
                        .iter()
                        .map(|r| r.code().filter(|c| *c != "None").map(str::to_string))
                        .collect(),
                )),
                _ => Err(TxError::Other(err.into())),
            },
        }
    }

    /// One page of a query, at most `limit` items, continuing `cursor`.
    pub(crate) async fn query_page(
        &self,
        q: &Query,
        limit: Option<i32>,
        cursor: Option<&str>,
    ) -> Result<Page<Item>> {
        let start = cursor.map(|c| decode_cursor(c, q)).transpose()?;
        let (items, last) = self.query_raw(q, limit, start).await?;
        Ok(Page {
            items,
            next: last.as_ref().and_then(encode_cursor),
        })
    }

    /// Every item of a query (following `LastEvaluatedKey`), or the first
    /// `max` of them.
    pub(crate) async fn query_all(&self, q: &Query, max: Option<usize>) -> Result<Vec<Item>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let limit = max.map(|m| i32::try_from(m - out.len()).unwrap_or(i32::MAX));
            let (items, last) = self.query_raw(q, limit, start).await?;
            out.extend(items);
            match last {
                Some(k) if max.is_none_or(|m| out.len() < m) => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    async fn query_raw(
        &self,
        q: &Query,
        limit: Option<i32>,
        start: Option<Item>,
    ) -> Result<(Vec<Item>, Option<Item>)> {
        let mut names = HashMap::from([("#pk".to_string(), q.pk_attr().to_string())]);
        let mut values = HashMap::from([(":pk".to_string(), s(q.pk.clone()))]);
        let cond = match &q.range {
            Range::All => "#pk = :pk".to_string(),
            Range::BeginsWith(p) => {
                values.insert(":a".into(), s(p.clone()));
                "#pk = :pk AND begins_with(#sk, :a)".into()
            }
            Range::Between(a, b) => {
                values.insert(":a".into(), s(a.clone()));
                values.insert(":b".into(), s(b.clone()));
                "#pk = :pk AND #sk BETWEEN :a AND :b".into()
            }
            Range::AtLeast(a) => {
                values.insert(":a".into(), s(a.clone()));
                "#pk = :pk AND #sk >= :a".into()
            }
        };
        if !matches!(q.range, Range::All) {
            names.insert("#sk".into(), q.sk_attr().into());
        }
        let mut req = self
            .client
            .query()
            .table_name(self.table.as_ref())
            .key_condition_expression(cond)
            .scan_index_forward(q.forward)
            .set_exclusive_start_key(start)
            .set_limit(limit);
        if let Some(f) = &q.filter {
            for (k, v) in &f.names {
                names.insert((*k).into(), (*v).into());
            }
            for (k, v) in &f.values {
                values.insert((*k).into(), v.clone());
            }
            req = req.filter_expression(f.expr);
        }
        req = match q.index {
            Some(g) => req.index_name(g.name),
            None => req.consistent_read(q.consistent),
        };
        let out = req
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await?;
        Ok((
            out.items.unwrap_or_default(),
            out.last_evaluated_key.filter(|k| !k.is_empty()),
        ))
    }

    /// Reads many items by key with `BatchGetItem` (100 keys per call,
    /// unprocessed keys retried with backoff). Missing items are absent
    /// from the result; order is not kept.
    pub(crate) async fn batch_get(
        &self,
        keys: Vec<(String, String)>,
        consistent: bool,
    ) -> Result<Vec<Item>> {
        let mut out = Vec::with_capacity(keys.len());
        let mut unique = keys;
        unique.sort();
        unique.dedup();
        for chunk in unique.chunks(100) {
            let mut pending: Vec<Item> = chunk
                .iter()
                .map(|(pk, sk)| key(pk.clone(), sk.clone()))
                .collect();
            let mut attempt = 0u32;
            while !pending.is_empty() {
                let ka = KeysAndAttributes::builder()
                    .set_keys(Some(pending))
                    .consistent_read(consistent)
                    .build()?;
                let res = self
                    .client
                    .batch_get_item()
                    .request_items(self.table.as_ref(), ka)
                    .send()
                    .await?;
                if let Some(mut r) = res.responses {
                    out.extend(r.remove(self.table.as_ref()).unwrap_or_default());
                }
                pending = res
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(self.table.as_ref()))
                    .map(|k| k.keys)
                    .unwrap_or_default();
                if !pending.is_empty() {
                    attempt += 1;
                    if attempt > 8 {
                        return Err(StoreError::Conflict(
                            "BatchGetItem kept leaving keys unprocessed".into(),
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(10 << attempt.min(6))).await;
                }
            }
        }
        Ok(out)
    }
}
