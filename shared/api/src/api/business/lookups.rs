//! Lookups by id (404 when absent: the same answer for another business's id) and the activity feed.

use super::*;

impl Api {
    pub(super) async fn location(&self, org: OrgId, id: Uuid) -> Result<Location, ApiError> {
        self.store
            .get_location(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    pub(super) async fn primary_location(&self, org: OrgId) -> Result<Location, ApiError> {
        let mut all = self.store.list_locations(org).await?;
        all.sort_by_key(|l| (!l.is_primary, l.created_at));
        all.into_iter()
            .next()
            .ok_or_else(|| conflict("no_location", "El negocio todavía no tiene sucursal."))
    }

    pub(super) async fn service(&self, org: OrgId, id: Uuid) -> Result<ServiceType, ApiError> {
        self.store
            .get_service(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    pub(super) async fn staff(&self, org: OrgId, id: Uuid) -> Result<Staff, ApiError> {
        self.store
            .get_staff(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    pub(super) async fn spot(&self, org: OrgId, id: Uuid) -> Result<Spot, ApiError> {
        self.store
            .get_spot(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    pub(super) async fn customer(&self, org: OrgId, id: Uuid) -> Result<Customer, ApiError> {
        self.store
            .get_customer(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    pub(super) async fn appointment(&self, org: OrgId, id: Uuid) -> Result<Appointment, ApiError> {
        self.store
            .get_appointment(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    pub(super) async fn conversation(
        &self,
        org: OrgId,
        id: Uuid,
    ) -> Result<Conversation, ApiError> {
        self.store
            .conversation_by_id(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }
}
