//! Reads the dashboard API needs beyond the entity CRUD: a conversation by
//! id, "is this service/staff member still referenced by an appointment",
//! and every business (for the admin's counts).

use chrono::{DateTime, Utc};
use parlo_core::{
    Conversation, ConversationId, OrgId, OrgStatus, Organization, ServiceId, StaffId,
};

use crate::db::{self, Query, Range};
use crate::error::Result;
use crate::keys::{self, kind, GSI1, GSI2, GSI3};
use crate::Store;

impl Store {
    /// A business's conversation by its id (conversations are keyed by the
    /// peer's phone): one query of GSI3 `ORG#o#CONVID#<id>` — one request
    /// whatever the number of conversations (a filtered walk with `Limit=1`
    /// made one request per conversation until the match).
    pub async fn conversation_by_id(
        &self,
        org: OrgId,
        id: ConversationId,
    ) -> Result<Option<Conversation>> {
        let q = Query::gsi(GSI3, keys::conversation_id_gsi3pk(org, id), Range::All);
        self.query_all(&q, Some(1))
            .await?
            .into_iter()
            .find(|it| db::is_kind(it, kind::CONVERSATION))
            .map(db::decode)
            .transpose()
    }

    /// Whether any appointment of the business (any status) uses the
    /// service: one `GetItem` of the marker every booking writes
    /// (`SVCUSE#<service>`), whatever the number of appointments.
    pub async fn service_in_use(&self, org: OrgId, service: ServiceId) -> Result<bool> {
        Ok(self
            .get_item(keys::org_pk(org), keys::service_use_sk(service))
            .await?
            .is_some())
    }

    /// Whether any appointment of the business (any status) is with this
    /// staff member (GSI2 of their appointments, first item only).
    pub async fn staff_in_use(&self, org: OrgId, staff: StaffId) -> Result<bool> {
        let q = Query::gsi(
            GSI2,
            keys::staff_appointments_gsi2pk(org, staff),
            Range::All,
        );
        Ok(!self.query_all(&q, Some(1)).await?.is_empty())
    }

    /// Every business, newest first (admin platform counts; GSI2 `ORGS`).
    pub async fn all_organizations(&self, status: Option<OrgStatus>) -> Result<Vec<Organization>> {
        let range = match status {
            Some(st) => Range::BeginsWith(format!("{}#", keys::enum_str(&st))),
            None => Range::All,
        };
        let q = Query::gsi(GSI2, keys::ORGS_GSI2PK.into(), range).backwards();
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// Every appointment of a business starting in `[from, to)`, by start
    /// (stats: the whole range, following pages).
    pub async fn appointments_in(
        &self,
        org: OrgId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<parlo_core::Appointment>> {
        let q = Query::gsi(
            GSI1,
            keys::appointments_gsi1pk(org),
            Range::Between(keys::ts(from), keys::ts(to)),
        );
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }
}
