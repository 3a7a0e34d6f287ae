//! Ratings after a visit (spec/001 flow 7): the customer's 1–5 score and
//! optional comment, kept on the appointment itself. One conditional
//! update, no version bump: a rating changes no time, so the day ledgers
//! and concurrent reschedules are not involved.

use parlo_core::{AppointmentId, OrgId};

use crate::db;
use crate::error::{Result, StoreError};
use crate::keys;
use crate::Store;

impl Store {
    /// Stores `rating` (1–5) and, when given, `feedback` on the
    /// appointment. Rating again overwrites (the customer corrected it).
    pub async fn rate_appointment(
        &self,
        org: OrgId,
        id: AppointmentId,
        rating: u8,
        feedback: Option<&str>,
    ) -> Result<()> {
        if !(1..=5).contains(&rating) {
            return Err(StoreError::Conflict(format!(
                "rating must be 1 to 5, got {rating}"
            )));
        }
        let mut update = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(keys::org_pk(org), keys::appointment_sk(id))))
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":r", db::n(rating));
        update = match feedback.map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) => update
                .update_expression("SET rating = :r, feedback = :f")
                .expression_attribute_values(":f", db::s(f)),
            None => update.update_expression("SET rating = :r"),
        };
        match update.send().await {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::NotFound {
                    what: "appointment",
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}
