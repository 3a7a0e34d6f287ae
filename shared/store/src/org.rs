//! Organizations and their WhatsApp-number sentinels (A1, A20, A21).

use aws_sdk_dynamodb::types::AttributeValue;
use parlo_core::{OrgId, OrgStatus, Organization};

use crate::db::{self, code_failed, item, with_gsi, Cond, Item, Page, Query, Range, TxError};
use crate::error::{Result, StoreError};
use crate::keys::{self, kind, GSI1, GSI2};
use crate::Store;

/// The org item's attribute that changes with every write to what a warm
/// process caches of a business (its locations, services and staff, and
/// the item itself): see `parlo_app::catalogue`.
pub const CATALOGUE_VERSION: &str = "catalogue_version";

fn new_version() -> AttributeValue {
    db::s(uuid::Uuid::new_v4().simple().to_string())
}

fn org_item(o: &Organization) -> Result<Item> {
    let mut it = item(o, kind::ORG, keys::org_pk(o.id), keys::ORG_SK.into())?;
    it.insert(CATALOGUE_VERSION.into(), new_version());
    if let Some(wa) = &o.whatsapp_number {
        it = with_gsi(it, GSI1, keys::wa_pk(wa), keys::org_pk(o.id));
    }
    Ok(with_gsi(
        it,
        GSI2,
        keys::ORGS_GSI2PK.into(),
        keys::orgs_gsi2sk(o.status, o.created_at, o.id),
    ))
}

/// The uniqueness sentinel of a WhatsApp number: holds the org id only.
fn wa_item(e164: &str, org: OrgId) -> Item {
    let mut it = db::key(keys::wa_pk(e164), keys::WA_SK);
    it.insert(keys::TYPE.into(), db::s(kind::WA));
    it.insert("org_id".into(), db::s(org.to_string()));
    it
}

impl Store {
    /// Creates a business. With a WhatsApp number, the number's sentinel is
    /// written in the same transaction, so two businesses can never share
    /// one (`AlreadyExists { what: "whatsapp number" }`).
    pub async fn create_organization(&self, org: &Organization) -> Result<()> {
        let Some(wa) = &org.whatsapp_number else {
            return self
                .put_if(
                    org_item(org)?,
                    Some(Cond::not_exists()),
                    StoreError::AlreadyExists {
                        what: "organization",
                    },
                )
                .await;
        };
        let tx = vec![
            self.tx_put(org_item(org)?, Some(Cond::not_exists()))?,
            self.tx_put(wa_item(wa, org.id), Some(Cond::not_exists()))?,
        ];
        match self.transact(tx).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(c)) if code_failed(&c, 1) => Err(StoreError::AlreadyExists {
                what: "whatsapp number",
            }),
            Err(TxError::Cancelled(c)) if code_failed(&c, 0) => Err(StoreError::AlreadyExists {
                what: "organization",
            }),
            Err(e) => Err(e.into_store("create organization")),
        }
    }

    pub async fn get_organization(&self, id: OrgId) -> Result<Option<Organization>> {
        self.get(keys::org_pk(id), keys::ORG_SK).await
    }

    /// Replaces the business's item. A changed WhatsApp number moves its
    /// sentinel in the same transaction. Refused with `Conflict` when the
    /// stored item changed since this call read it.
    pub async fn update_organization(&self, org: &Organization) -> Result<()> {
        self.update_organization_inner(org, None).await
    }

    /// [`Store::update_organization`] conditioned on the version the caller
    /// read (`seen`: the `updated_at` of its read): `Conflict` when anything
    /// changed it since, so a stale edit never writes back, say, the
    /// `active` status an admin just suspended (issue 11, item 7).
    pub async fn update_organization_seen(
        &self,
        org: &Organization,
        seen: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        self.update_organization_inner(org, Some(seen)).await
    }

    async fn update_organization_inner(
        &self,
        org: &Organization,
        seen: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        let current: Organization =
            self.get_organization(org.id)
                .await?
                .ok_or(StoreError::NotFound {
                    what: "organization",
                })?;
        let expected = seen.unwrap_or(current.updated_at);
        if current.updated_at != expected {
            return Err(StoreError::Conflict(
                "organization changed since it was read".into(),
            ));
        }
        let unchanged = Cond::equals("updated_at", db::to_av(&expected)?);
        if current.whatsapp_number == org.whatsapp_number {
            return self
                .put_if(
                    org_item(org)?,
                    Some(unchanged),
                    StoreError::Conflict("organization changed concurrently".into()),
                )
                .await;
        }
        let mut tx = vec![self.tx_put(org_item(org)?, Some(unchanged))?];
        let mut new_at = None;
        if let Some(old) = &current.whatsapp_number {
            let mine = Cond::equals("org_id", db::s(org.id.to_string()));
            tx.push(self.tx_delete(keys::wa_pk(old), keys::WA_SK, Some(mine))?);
        }
        if let Some(new) = &org.whatsapp_number {
            new_at = Some(tx.len());
            tx.push(self.tx_put(wa_item(new, org.id), Some(Cond::not_exists()))?);
        }
        match self.transact(tx).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(c)) if new_at.is_some_and(|i| code_failed(&c, i)) => {
                Err(StoreError::AlreadyExists {
                    what: "whatsapp number",
                })
            }
            Err(TxError::Cancelled(_)) => Err(StoreError::Conflict(
                "organization changed concurrently".into(),
            )),
            Err(e) => Err(e.into_store("update organization")),
        }
    }

    /// The business answering on a WhatsApp number (A1, GSI1 `WA#<e164>`).
    pub async fn organization_by_whatsapp(&self, e164: &str) -> Result<Option<Organization>> {
        Ok(self
            .organization_by_whatsapp_versioned(e164)
            .await?
            .map(|(org, _)| org))
    }

    /// [`Store::organization_by_whatsapp`] with the item's catalogue
    /// version (`None` on an item written before versions existed).
    pub async fn organization_by_whatsapp_versioned(
        &self,
        e164: &str,
    ) -> Result<Option<(Organization, Option<String>)>> {
        let q = Query::gsi(GSI1, keys::wa_pk(e164), Range::All);
        let items = self.query_all(&q, None).await?;
        let Some(it) = items.into_iter().find(|it| db::is_kind(it, kind::ORG)) else {
            return Ok(None);
        };
        let version = db::str_attr(&it, CATALOGUE_VERSION).map(str::to_string);
        Ok(Some((db::decode(it)?, version)))
    }

    /// Gives the business a new catalogue version after a write to its
    /// locations, services or staff (a missing business is left alone).
    /// A separate request after the write, not a transaction with it:
    /// concurrent catalogue writes (onboarding's, a seed's) would cancel
    /// each other's transactions on this one item. A process stopped
    /// between the two leaves caches stale for at most their max age.
    pub(crate) async fn new_catalogue_version(&self, org: OrgId) -> Result<()> {
        let u = self.catalogue_version_update(org)?;
        let res = self
            .client
            .update_item()
            .table_name(u.table_name())
            .set_key(Some(u.key().clone()))
            .update_expression(u.update_expression())
            .set_condition_expression(u.condition_expression().map(str::to_string))
            .set_expression_attribute_names(u.expression_attribute_names().cloned())
            .set_expression_attribute_values(u.expression_attribute_values().cloned())
            .send()
            .await;
        match res {
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

    /// [`Store::new_catalogue_version`] inside a transaction of the
    /// caller's (the business must exist): for a change every warm process
    /// must see at once, such as a whole-business closure.
    pub(crate) fn tx_new_catalogue_version(
        &self,
        org: OrgId,
    ) -> Result<aws_sdk_dynamodb::types::TransactWriteItem> {
        Ok(aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .update(self.catalogue_version_update(org)?)
            .build())
    }

    /// The organization's new catalogue version (it must exist), sent
    /// alone or inside a transaction.
    fn catalogue_version_update(&self, org: OrgId) -> Result<aws_sdk_dynamodb::types::Update> {
        Ok(aws_sdk_dynamodb::types::Update::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(keys::org_pk(org), keys::ORG_SK)))
            .update_expression("SET #v = :v")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#v", CATALOGUE_VERSION)
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_values(":v", new_version())
            .build()?)
    }

    /// Businesses for the admin, newest first, optionally of one status
    /// (A20, GSI2 `ORGS`).
    pub async fn list_organizations(
        &self,
        status: Option<OrgStatus>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Organization>> {
        let range = match status {
            Some(s) => Range::BeginsWith(format!("{}#", keys::enum_str(&s))),
            None => Range::All,
        };
        let q = Query::gsi(GSI2, keys::ORGS_GSI2PK.into(), range).backwards();
        self.query_page(&q, Some(limit), cursor)
            .await?
            .try_map(db::decode)
    }
}
