//! A business's catalogue: locations, services, spots, staff (with phone
//! sentinels), availability (A2, A4, A13).

use std::collections::HashSet;

use chrono::NaiveDate;
use parlo_core::*;
use serde::de::DeserializeOwned;

use crate::db::{self, code_failed, item, with_gsi, Cond, Item, Query, Range, TxError};
use crate::error::{Result, StoreError};
use crate::keys::{self, kind, GSI1};
use crate::Store;

fn location_item(l: &Location) -> Result<Item> {
    item(
        l,
        kind::LOCATION,
        keys::org_pk(l.org_id),
        keys::location_sk(l.id),
    )
}

fn service_item(s: &ServiceType) -> Result<Item> {
    item(
        s,
        kind::SERVICE,
        keys::org_pk(s.org_id),
        keys::service_sk(s.id),
    )
}

fn spot_item(s: &Spot) -> Result<Item> {
    item(s, kind::SPOT, keys::org_pk(s.org_id), keys::spot_sk(s.id))
}

fn staff_item(s: &Staff) -> Result<Item> {
    let it = item(s, kind::STAFF, keys::org_pk(s.org_id), keys::staff_sk(s.id))?;
    Ok(with_gsi(
        it,
        GSI1,
        keys::phone_gsi1pk(&s.phone),
        keys::staff_gsi1sk(s.org_id, s.id),
    ))
}

fn staff_phone_item(org: OrgId, e164: &str, staff: StaffId) -> Item {
    let mut it = db::key(keys::org_pk(org), keys::staff_phone_sk(e164));
    it.insert(keys::TYPE.into(), db::s(kind::STAFF_PHONE));
    it.insert("staff_id".into(), db::s(staff.to_string()));
    it
}

fn recurring_item(r: &RecurringAvailability) -> Result<Item> {
    item(
        r,
        kind::RECURRING,
        keys::org_pk(r.org_id),
        keys::recurring_sk(r.staff_id, r.id),
    )
}

fn exception_item(x: &AvailabilityException) -> Result<Item> {
    item(
        x,
        kind::EXCEPTION,
        keys::org_pk(x.org_id),
        keys::exception_sk(x.staff_id, x.date, x.id),
    )
}

/// Availability rows of a business (or one staff member).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Availability {
    pub recurring: Vec<RecurringAvailability>,
    pub exceptions: Vec<AvailabilityException>,
}

/// Split items of a mixed range by `type`.
pub(crate) fn of_kind<T: DeserializeOwned>(items: &[Item], k: &str) -> Result<Vec<T>> {
    items
        .iter()
        .filter(|it| db::is_kind(it, k))
        .cloned()
        .map(db::decode)
        .collect()
}

impl Store {
    async fn list_prefix<T: DeserializeOwned>(
        &self,
        org: OrgId,
        prefix: &str,
        k: &str,
    ) -> Result<Vec<T>> {
        let q = Query::table(keys::org_pk(org), Range::BeginsWith(prefix.into()));
        of_kind(&self.query_all(&q, None).await?, k)
    }

    // ---- locations --------------------------------------------------------

    pub async fn create_location(&self, l: &Location) -> Result<()> {
        self.put_if(
            location_item(l)?,
            Some(Cond::not_exists()),
            StoreError::AlreadyExists { what: "location" },
        )
        .await?;
        self.new_catalogue_version(l.org_id).await
    }
    pub async fn get_location(&self, org: OrgId, id: LocationId) -> Result<Option<Location>> {
        self.get(keys::org_pk(org), keys::location_sk(id)).await
    }
    pub async fn update_location(&self, l: &Location) -> Result<()> {
        self.put_if(
            location_item(l)?,
            Some(Cond::exists()),
            StoreError::NotFound { what: "location" },
        )
        .await?;
        self.new_catalogue_version(l.org_id).await
    }
    pub async fn delete_location(&self, org: OrgId, id: LocationId) -> Result<bool> {
        let deleted = self
            .delete_if(keys::org_pk(org), keys::location_sk(id), None)
            .await?
            .is_some();
        if deleted {
            self.new_catalogue_version(org).await?;
        }
        Ok(deleted)
    }
    pub async fn list_locations(&self, org: OrgId) -> Result<Vec<Location>> {
        self.list_prefix(org, keys::LOCATION_PREFIX, kind::LOCATION)
            .await
    }

    // ---- services ---------------------------------------------------------

    pub async fn create_service(&self, s: &ServiceType) -> Result<()> {
        self.put_if(
            service_item(s)?,
            Some(Cond::not_exists()),
            StoreError::AlreadyExists { what: "service" },
        )
        .await?;
        self.new_catalogue_version(s.org_id).await
    }
    pub async fn get_service(&self, org: OrgId, id: ServiceId) -> Result<Option<ServiceType>> {
        self.get(keys::org_pk(org), keys::service_sk(id)).await
    }
    pub async fn update_service(&self, s: &ServiceType) -> Result<()> {
        self.put_if(
            service_item(s)?,
            Some(Cond::exists()),
            StoreError::NotFound { what: "service" },
        )
        .await?;
        self.new_catalogue_version(s.org_id).await
    }
    pub async fn delete_service(&self, org: OrgId, id: ServiceId) -> Result<bool> {
        let deleted = self
            .delete_if(keys::org_pk(org), keys::service_sk(id), None)
            .await?
            .is_some();
        if deleted {
            self.new_catalogue_version(org).await?;
        }
        Ok(deleted)
    }
    pub async fn list_services(&self, org: OrgId) -> Result<Vec<ServiceType>> {
        self.list_prefix(org, keys::SERVICE_PREFIX, kind::SERVICE)
            .await
    }

    // ---- spots ------------------------------------------------------------

    pub async fn create_spot(&self, s: &Spot) -> Result<()> {
        self.put_if(
            spot_item(s)?,
            Some(Cond::not_exists()),
            StoreError::AlreadyExists { what: "spot" },
        )
        .await?;
        self.new_catalogue_version(s.org_id).await
    }
    pub async fn get_spot(&self, org: OrgId, id: SpotId) -> Result<Option<Spot>> {
        self.get(keys::org_pk(org), keys::spot_sk(id)).await
    }
    pub async fn update_spot(&self, s: &Spot) -> Result<()> {
        self.put_if(
            spot_item(s)?,
            Some(Cond::exists()),
            StoreError::NotFound { what: "spot" },
        )
        .await?;
        self.new_catalogue_version(s.org_id).await
    }
    pub async fn delete_spot(&self, org: OrgId, id: SpotId) -> Result<bool> {
        let deleted = self
            .delete_if(keys::org_pk(org), keys::spot_sk(id), None)
            .await?
            .is_some();
        if deleted {
            self.new_catalogue_version(org).await?;
        }
        Ok(deleted)
    }
    /// Spots by display order.
    pub async fn list_spots(&self, org: OrgId) -> Result<Vec<Spot>> {
        let mut spots: Vec<Spot> = self.list_prefix(org, keys::SPOT_PREFIX, kind::SPOT).await?;
        spots.sort_by_key(|s| (s.display_order, s.id));
        Ok(spots)
    }

    // ---- staff --------------------------------------------------------------

    /// Adds a staff member with the phone's sentinel in one transaction:
    /// one phone is one staff member per business
    /// (`AlreadyExists { what: "staff phone" }`).
    pub async fn create_staff(&self, s: &Staff) -> Result<()> {
        let tx = vec![
            self.tx_put(staff_item(s)?, Some(Cond::not_exists()))?,
            self.tx_put(
                staff_phone_item(s.org_id, &s.phone, s.id),
                Some(Cond::not_exists()),
            )?,
        ];
        match self.transact(tx).await {
            Ok(()) => self.new_catalogue_version(s.org_id).await,
            Err(TxError::Cancelled(c)) if code_failed(&c, 1) => Err(StoreError::AlreadyExists {
                what: "staff phone",
            }),
            Err(TxError::Cancelled(c)) if code_failed(&c, 0) => {
                Err(StoreError::AlreadyExists { what: "staff" })
            }
            Err(e) => Err(e.into_store("create staff")),
        }
    }

    pub async fn get_staff(&self, org: OrgId, id: StaffId) -> Result<Option<Staff>> {
        self.get(keys::org_pk(org), keys::staff_sk(id)).await
    }

    /// Replaces a staff member; a changed phone moves its sentinel in the
    /// same transaction. `Conflict` when it changed since read.
    pub async fn update_staff(&self, s: &Staff) -> Result<()> {
        self.update_staff_inner(s, None).await
    }

    /// [`Store::update_staff`] conditioned on the version the caller read
    /// (`seen`: its `updated_at`): a stale record (say, read before someone
    /// deactivated this person) is refused with `Conflict` (issue 11,
    /// item 7).
    pub async fn update_staff_seen(
        &self,
        s: &Staff,
        seen: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        self.update_staff_inner(s, Some(seen)).await
    }

    async fn update_staff_inner(
        &self,
        s: &Staff,
        seen: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        let current = self
            .get_staff(s.org_id, s.id)
            .await?
            .ok_or(StoreError::NotFound { what: "staff" })?;
        let expected = seen.unwrap_or(current.updated_at);
        if current.updated_at != expected {
            return Err(StoreError::Conflict(
                "staff changed since it was read".into(),
            ));
        }
        let unchanged = Cond::equals("updated_at", db::to_av(&expected)?);
        let mut tx = vec![self.tx_put(staff_item(s)?, Some(unchanged))?];
        if current.phone != s.phone {
            let mine = Cond::equals("staff_id", db::s(s.id.to_string()));
            tx.push(self.tx_delete(
                keys::org_pk(s.org_id),
                keys::staff_phone_sk(&current.phone),
                Some(mine),
            )?);
            tx.push(self.tx_put(
                staff_phone_item(s.org_id, &s.phone, s.id),
                Some(Cond::not_exists()),
            )?);
        }
        match self.transact(tx).await {
            Ok(()) => self.new_catalogue_version(s.org_id).await,
            Err(TxError::Cancelled(c)) if code_failed(&c, 2) => Err(StoreError::AlreadyExists {
                what: "staff phone",
            }),
            Err(TxError::Cancelled(_)) => {
                Err(StoreError::Conflict("staff changed concurrently".into()))
            }
            Err(e) => Err(e.into_store("update staff")),
        }
    }

    /// Removes a staff member and the phone sentinel. (Deactivating with
    /// `is_active = false` keeps history readable; this is for mistakes.)
    pub async fn delete_staff(&self, org: OrgId, id: StaffId) -> Result<bool> {
        let Some(current) = self.get_staff(org, id).await? else {
            return Ok(false);
        };
        let mine = Cond::equals("staff_id", db::s(id.to_string()));
        let tx = vec![
            self.tx_delete(keys::org_pk(org), keys::staff_sk(id), Some(Cond::exists()))?,
            self.tx_delete(
                keys::org_pk(org),
                keys::staff_phone_sk(&current.phone),
                Some(mine),
            )?,
        ];
        self.transact(tx)
            .await
            .map_err(|e| e.into_store("delete staff"))?;
        self.new_catalogue_version(org).await?;
        Ok(true)
    }

    pub async fn list_staff(&self, org: OrgId) -> Result<Vec<Staff>> {
        self.list_prefix(org, keys::STAFF_PREFIX, kind::STAFF).await
    }

    /// The staff member of a business with this phone (consistent, via
    /// the sentinel).
    pub async fn staff_by_phone(&self, org: OrgId, e164: &str) -> Result<Option<Staff>> {
        let Some(sentinel) = self
            .get_item(keys::org_pk(org), keys::staff_phone_sk(e164))
            .await?
        else {
            return Ok(None);
        };
        let Some(id) = db::str_attr(&sentinel, "staff_id").and_then(|s| s.parse().ok()) else {
            return Ok(None);
        };
        self.get_staff(org, id).await
    }

    /// Every business where this phone is staff (A2, GSI1 `PHONE#<e164>`,
    /// `STAFF#…`): for routing a sender who works at several businesses.
    pub async fn staff_memberships(&self, e164: &str) -> Result<Vec<Staff>> {
        let q = Query::gsi(
            GSI1,
            keys::phone_gsi1pk(e164),
            Range::BeginsWith(keys::STAFF_PREFIX.into()),
        );
        of_kind(&self.query_all(&q, None).await?, kind::STAFF)
    }

    // ---- availability -----------------------------------------------------

    /// Creates or replaces one recurring availability row.
    pub async fn put_recurring(&self, r: &RecurringAvailability) -> Result<()> {
        self.put_if(
            recurring_item(r)?,
            None,
            StoreError::Conflict(String::new()),
        )
        .await?;
        self.new_catalogue_version(r.org_id).await
    }

    pub async fn delete_recurring(
        &self,
        org: OrgId,
        staff: StaffId,
        id: AvailabilityId,
    ) -> Result<bool> {
        let deleted = self
            .delete_if(keys::org_pk(org), keys::recurring_sk(staff, id), None)
            .await?
            .is_some();
        if deleted {
            self.new_catalogue_version(org).await?;
        }
        Ok(deleted)
    }

    /// Replaces all recurring rows of a staff member at once (one
    /// transaction: the week is never half-written).
    pub async fn replace_recurring(
        &self,
        org: OrgId,
        staff: StaffId,
        rows: &[RecurringAvailability],
    ) -> Result<()> {
        if rows.iter().any(|r| r.org_id != org || r.staff_id != staff) {
            return Err(StoreError::Conflict("rows of another staff member".into()));
        }
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::recurring_staff_prefix(staff)),
        );
        let existing: Vec<RecurringAvailability> =
            of_kind(&self.query_all(&q, None).await?, kind::RECURRING)?;
        let keep: HashSet<AvailabilityId> = rows.iter().map(|r| r.id).collect();
        let mut tx = Vec::new();
        for old in existing.iter().filter(|o| !keep.contains(&o.id)) {
            tx.push(self.tx_delete(keys::org_pk(org), keys::recurring_sk(staff, old.id), None)?);
        }
        for r in rows {
            tx.push(self.tx_put(recurring_item(r)?, None)?);
        }
        if tx.is_empty() {
            return Ok(());
        }
        if tx.len() > 100 {
            return Err(StoreError::Conflict(
                "more than 100 availability changes at once".into(),
            ));
        }
        self.transact(tx)
            .await
            .map_err(|e| e.into_store("replace availability"))?;
        self.new_catalogue_version(org).await
    }

    /// Creates or replaces one availability exception.
    pub async fn put_exception(&self, x: &AvailabilityException) -> Result<()> {
        self.put_if(
            exception_item(x)?,
            None,
            StoreError::Conflict(String::new()),
        )
        .await?;
        self.new_catalogue_version(x.org_id).await
    }

    pub async fn delete_exception(
        &self,
        org: OrgId,
        staff: StaffId,
        date: NaiveDate,
        id: AvailabilityId,
    ) -> Result<bool> {
        let deleted = self
            .delete_if(keys::org_pk(org), keys::exception_sk(staff, date, id), None)
            .await?
            .is_some();
        if deleted {
            self.new_catalogue_version(org).await?;
        }
        Ok(deleted)
    }

    /// All availability rows of a business (A13), or of one staff member.
    pub async fn list_availability(
        &self,
        org: OrgId,
        staff: Option<StaffId>,
    ) -> Result<Availability> {
        let prefix = staff.map_or_else(
            || keys::AVAILABILITY_PREFIX.to_string(),
            keys::availability_staff_prefix,
        );
        let q = Query::table(keys::org_pk(org), Range::BeginsWith(prefix));
        let items = self.query_all(&q, None).await?;
        Ok(Availability {
            recurring: of_kind(&items, kind::RECURRING)?,
            exceptions: of_kind(&items, kind::EXCEPTION)?,
        })
    }
}
