//! Customers: race-safe get-or-create by phone, search by phone and name
//! prefix, cross-business lookup (A3, A10–A12).

use chrono::{DateTime, Utc};
use parlo_core::{Customer, CustomerId, OrgId};

use crate::catalogue::of_kind;
use crate::db::{self, code_failed, item, with_gsi, Cond, Item, Page, Query, Range, TxError};
use crate::error::{Result, StoreError};
use crate::keys::{self, kind, GSI1, GSI2};
use crate::Store;

fn customer_item(c: &Customer) -> Result<Item> {
    let mut it = item(
        c,
        kind::CUSTOMER,
        keys::org_pk(c.org_id),
        keys::customer_sk(c.id),
    )?;
    it = with_gsi(
        it,
        GSI1,
        keys::phone_gsi1pk(&c.phone),
        keys::customer_gsi1sk(c.org_id, c.id),
    );
    let folded = c.name.as_deref().map(keys::fold).unwrap_or_default();
    if !folded.is_empty() {
        it = with_gsi(
            it,
            GSI2,
            keys::customer_name_gsi2pk(c.org_id),
            keys::customer_name_gsi2sk(&folded, c.id),
        );
    }
    Ok(it)
}

/// The phone's sentinel: which customer has the phone, and a copy of
/// that customer written in the same transaction as the customer itself,
/// so the turn's first batch has the customer without a second read.
fn customer_phone_item(c: &Customer) -> Result<Item> {
    let mut it = db::key(keys::org_pk(c.org_id), keys::customer_phone_sk(&c.phone));
    it.insert(keys::TYPE.into(), db::s(kind::CUSTOMER_PHONE));
    it.insert("customer_id".into(), db::s(c.id.to_string()));
    it.insert(COPY.into(), db::to_av(c)?);
    Ok(it)
}

/// The attribute of a sentinel holding its customer's copy.
const COPY: &str = "customer";

fn sentinel_customer_id(it: &Item) -> Option<CustomerId> {
    db::str_attr(it, "customer_id").and_then(|s| s.parse().ok())
}

/// The customer copied on a sentinel (none on sentinels written before
/// copies were kept: the caller reads the customer item then).
pub(crate) fn sentinel_customer(it: &Item) -> Option<Customer> {
    let copy = it.get(COPY)?.as_m().ok()?.clone();
    let c: Customer = db::decode(copy).ok()?;
    (Some(c.id) == sentinel_customer_id(it)).then_some(c)
}

/// A first contact's record (no email, no notes, the name unconfirmed).
fn new_customer(org: OrgId, e164: &str, name: Option<&str>, now: DateTime<Utc>) -> Customer {
    Customer {
        id: keys::new_id(),
        org_id: org,
        phone: e164.to_string(),
        name: name.map(str::to_string),
        name_verified_at: None,
        email: None,
        notes: None,
        created_at: now,
        updated_at: now,
    }
}

impl Store {
    /// Adds a customer with the phone's sentinel in one transaction
    /// (`AlreadyExists { what: "customer phone" }` when the business
    /// already has a customer with that phone).
    pub async fn create_customer(&self, c: &Customer) -> Result<()> {
        // A new customer's open-appointments index starts complete (and
        // empty): their first booking needs no query for the cap.
        let tx = vec![
            self.tx_put(customer_phone_item(c)?, Some(Cond::not_exists()))?,
            self.tx_put(customer_item(c)?, Some(Cond::not_exists()))?,
            self.tx_put(self.new_open_index(c.org_id, c.id), None)?,
        ];
        match self.transact(tx).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(codes)) if code_failed(&codes, 0) => {
                Err(StoreError::AlreadyExists {
                    what: "customer phone",
                })
            }
            Err(TxError::Cancelled(codes)) if code_failed(&codes, 1) => {
                Err(StoreError::AlreadyExists { what: "customer" })
            }
            Err(e) => Err(e.into_store("create customer")),
        }
    }

    /// The business's customer with this phone, created (with `name`) when
    /// there is none. Race-safe: of two concurrent first messages, one
    /// creates and the other reads the winner. Returns whether it was
    /// created.
    pub async fn get_or_create_customer(
        &self,
        org: OrgId,
        e164: &str,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Customer, bool)> {
        for _ in 0..4 {
            if let Some(c) = self.customer_by_phone(org, e164).await? {
                return Ok((c, false));
            }
            let c = new_customer(org, e164, name, now);
            match self.create_customer(&c).await {
                Ok(()) => return Ok((c, true)),
                Err(StoreError::AlreadyExists {
                    what: "customer phone",
                }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict(
            "customer get-or-create kept racing".into(),
        ))
    }

    /// [`Store::get_or_create_customer`] when the phone's sentinel was
    /// already read (`known`: the id it holds, `None` when there was none).
    pub async fn customer_from_sentinel(
        &self,
        org: OrgId,
        e164: &str,
        known: Option<CustomerId>,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Customer, bool)> {
        match known {
            Some(id) => {
                if let Some(c) = self.get_customer(org, id).await? {
                    return Ok((c, false));
                }
            }
            // The batch found no sentinel: create straight away; one
            // written since makes this an `AlreadyExists`, and the loop
            // below reads it.
            None => {
                let c = new_customer(org, e164, name, now);
                match self.create_customer(&c).await {
                    Ok(()) => return Ok((c, true)),
                    Err(StoreError::AlreadyExists {
                        what: "customer phone",
                    }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.get_or_create_customer(org, e164, name, now).await
    }

    pub async fn get_customer(&self, org: OrgId, id: CustomerId) -> Result<Option<Customer>> {
        self.get(keys::org_pk(org), keys::customer_sk(id)).await
    }

    /// The business's customer with this phone (A10, consistent).
    pub async fn customer_by_phone(&self, org: OrgId, e164: &str) -> Result<Option<Customer>> {
        let Some(sentinel) = self
            .get_item(keys::org_pk(org), keys::customer_phone_sk(e164))
            .await?
        else {
            return Ok(None);
        };
        if let Some(c) = sentinel_customer(&sentinel) {
            return Ok(Some(c));
        }
        match sentinel_customer_id(&sentinel) {
            Some(id) => self.get_customer(org, id).await,
            None => Ok(None),
        }
    }

    /// Replaces a customer (name index follows); a changed phone moves the
    /// sentinel in the same transaction. `Conflict` when it changed since
    /// read.
    pub async fn update_customer(&self, c: &Customer) -> Result<()> {
        self.update_customer_inner(c, None).await
    }

    /// [`Store::update_customer`] conditioned on the version the caller
    /// read (`seen`: its `updated_at`); `Conflict` when it changed since
    /// (issue 11, item 7).
    pub async fn update_customer_seen(
        &self,
        c: &Customer,
        seen: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        self.update_customer_inner(c, Some(seen)).await
    }

    /// Replaces `before` (the item as the caller read it) with `after`
    /// without reading it again: the write is conditioned on `before`'s
    /// version, so a stale `before` is a `Conflict`, never a lost update.
    pub async fn update_customer_from(&self, before: &Customer, after: &Customer) -> Result<()> {
        self.write_customer(&before.phone, before.updated_at, after)
            .await
    }

    async fn update_customer_inner(
        &self,
        c: &Customer,
        seen: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        let current = self
            .get_customer(c.org_id, c.id)
            .await?
            .ok_or(StoreError::NotFound { what: "customer" })?;
        let expected = seen.unwrap_or(current.updated_at);
        if current.updated_at != expected {
            return Err(StoreError::Conflict(
                "customer changed since it was read".into(),
            ));
        }
        self.write_customer(&current.phone, expected, c).await
    }

    /// The customer's put, conditioned on `expected` (its version as
    /// read), moving the phone sentinel when the phone changed.
    async fn write_customer(
        &self,
        old_phone: &str,
        expected: chrono::DateTime<chrono::Utc>,
        c: &Customer,
    ) -> Result<()> {
        let tx = self.tx_customer(old_phone, expected, c)?;
        match self.transact(tx).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(codes)) if code_failed(&codes, 2) => {
                Err(StoreError::AlreadyExists {
                    what: "customer phone",
                })
            }
            Err(TxError::Cancelled(_)) => {
                Err(StoreError::Conflict("customer changed concurrently".into()))
            }
            Err(e) => Err(e.into_store("update customer")),
        }
    }

    /// The writes of a customer's replacement: the customer conditioned on
    /// `expected` (its version as read), and its phone's sentinel (moved
    /// when the phone changed).
    fn tx_customer(
        &self,
        old_phone: &str,
        expected: chrono::DateTime<chrono::Utc>,
        c: &Customer,
    ) -> Result<Vec<aws_sdk_dynamodb::types::TransactWriteItem>> {
        let unchanged = Cond::equals("updated_at", db::to_av(&expected)?);
        let mut tx = vec![self.tx_put(customer_item(c)?, Some(unchanged))?];
        let mine = Cond::equals("customer_id", db::s(c.id.to_string()));
        if old_phone != c.phone {
            tx.push(self.tx_delete(
                keys::org_pk(c.org_id),
                keys::customer_phone_sk(old_phone),
                Some(mine),
            )?);
            tx.push(self.tx_put(customer_phone_item(c)?, Some(Cond::not_exists()))?);
        } else {
            // The sentinel's copy follows the customer (a placeholder phone
            // of a walk-in has a sentinel too).
            tx.push(self.tx_put(customer_phone_item(c)?, Some(mine))?);
        }
        Ok(tx)
    }

    /// [`Store::update_customer_from`]'s writes, for a transaction of the
    /// caller's (a turn's joint claim).
    pub(crate) fn tx_customer_from(
        &self,
        before: &Customer,
        after: &Customer,
    ) -> Result<Vec<aws_sdk_dynamodb::types::TransactWriteItem>> {
        self.tx_customer(&before.phone, before.updated_at, after)
    }

    /// Customers whose E.164 phone starts with `prefix` (A11), by phone,
    /// at most `limit`. The prefix is matched literally: pass `+52155…`.
    pub async fn search_customers_by_phone(
        &self,
        org: OrgId,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Customer>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::customer_phone_sk(prefix)),
        );
        let sentinels = self.query_all(&q, Some(limit)).await?;
        let mut found: Vec<Customer> = sentinels.iter().filter_map(sentinel_customer).collect();
        let keys: Vec<_> = sentinels
            .iter()
            .filter(|it| sentinel_customer(it).is_none())
            .filter_map(sentinel_customer_id)
            .map(|id| (keys::org_pk(org), keys::customer_sk(id)))
            .collect();
        if !keys.is_empty() {
            found.extend(of_kind::<Customer>(
                &self.batch_get(keys, false).await?,
                kind::CUSTOMER,
            )?);
        }
        found.sort_by(|a, b| a.phone.cmp(&b.phone));
        Ok(found)
    }

    /// Customers whose name starts with `prefix`, ignoring case and
    /// accents ("jose" finds "José"; A12, GSI2), by folded name.
    pub async fn search_customers_by_name(
        &self,
        org: OrgId,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Customer>> {
        let folded = keys::fold(prefix);
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::gsi(
            GSI2,
            keys::customer_name_gsi2pk(org),
            Range::BeginsWith(folded),
        );
        of_kind(&self.query_all(&q, Some(limit)).await?, kind::CUSTOMER)
    }

    /// Customers of a business, a page at a time (by id).
    pub async fn list_customers(
        &self,
        org: OrgId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Customer>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::CUSTOMER_PREFIX.into()),
        );
        self.query_page(&q, Some(limit), cursor)
            .await?
            .try_map(db::decode)
    }

    /// Every business where this phone is a customer (A3, GSI1
    /// `PHONE#<e164>`, `CUST#…`).
    pub async fn customer_profiles(&self, e164: &str) -> Result<Vec<Customer>> {
        let q = Query::gsi(
            GSI1,
            keys::phone_gsi1pk(e164),
            Range::BeginsWith(keys::CUSTOMER_PREFIX.into()),
        );
        of_kind(&self.query_all(&q, None).await?, kind::CUSTOMER)
    }
}
