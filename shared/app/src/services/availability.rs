//! Time off: blocks over a staff member's (or the whole business's) time
//! and one-day availability exceptions. The chat's staff tools and the
//! dashboard both change them here, so one set of rules applies: a block
//! ends after it starts, lasts at most [`MAX_BLOCK`] (one ledger
//! transaction), and never covers booked time.

use chrono::Duration;
use parlo_core::*;
use parlo_store::StoreError;

use super::{Act, Biz, Invalid, Services};
use parlo_store::ActivityKind;

/// Longest block: longer ones exceed one ledger transaction.
pub const MAX_BLOCK: Duration = Duration::days(92);

#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Appointments fall inside: they are moved or cancelled first.
    #[error("the time has appointments")]
    TimeHasAppointments,
    /// A closure over open appointments, not asked to cancel them: these
    /// (soonest first), for the owner to decide.
    #[error("{} appointments fall inside", .0.len())]
    Booked(Vec<Appointment>),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl Services {
    /// Blocks time; a retried act finds its own block (same id) and
    /// succeeds again.
    pub async fn block_time(&self, b: &TimeBlock) -> Result<(), BlockError> {
        if b.end <= b.start {
            return Err(Invalid {
                field: "end",
                message: "debe ser después del inicio.".into(),
            }
            .into());
        }
        if b.end - b.start > MAX_BLOCK {
            return Err(Invalid {
                field: "end",
                message: "un bloqueo puede durar a lo más 92 días; divídelo en partes.".into(),
            }
            .into());
        }
        match self.store.create_block(b).await {
            Ok(()) | Err(StoreError::AlreadyExists { what: "block" }) => Ok(()),
            Err(StoreError::SlotTaken { .. }) => Err(BlockError::TimeHasAppointments),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn unblock(&self, b: &TimeBlock) -> Result<(), StoreError> {
        self.store.delete_block(b.org_id, b.end, b.id).await?;
        Ok(())
    }

    pub async fn set_exception(&self, x: &AvailabilityException) -> Result<(), StoreError> {
        self.store.put_exception(x).await
    }

    pub async fn delete_exception(&self, x: &AvailabilityException) -> Result<(), StoreError> {
        self.store
            .delete_exception(x.org_id, x.staff_id, x.date, x.id)
            .await?;
        Ok(())
    }

    /// Closes the whole business over `closure` (a block without staff: a
    /// holiday, inventory day). Open appointments inside are refused with
    /// [`BlockError::Booked`] unless `cancel_booked`, which cancels each
    /// one first through [`Services::cancel`] (the customer and the
    /// assigned staff member are told) and then closes. Returns the
    /// appointments it cancelled. A retried act finds its own closure.
    pub async fn close_business(
        &self,
        act: &Act,
        biz: Biz<'_>,
        closure: &TimeBlock,
        cancel_booked: bool,
    ) -> Result<Vec<Appointment>, BlockError> {
        if closure.staff_id.is_some() {
            return Err(Invalid {
                field: "staff",
                message: "un cierre es de todo el negocio.".into(),
            }
            .into());
        }
        let mut booked = self.booked_in(closure).await?;
        if !booked.is_empty() && !cancel_booked {
            return Err(BlockError::Booked(booked));
        }
        let reason = Some(match &closure.reason {
            Some(r) => format!("El negocio cierra ({r})"),
            None => "El negocio cierra ese día".to_string(),
        });
        let mut cancelled = Vec::new();
        for a in booked.drain(..) {
            cancelled.push(self.cancel(act, biz, &a, reason.clone()).await?);
        }
        self.block_time(closure).await?;
        let tz = biz.tz;
        let (from, to) = (
            time::utc_to_local(tz, closure.start),
            time::utc_to_local(tz, closure.end - Duration::seconds(1)),
        );
        let days = if from.date() == to.date() {
            format!("el {}", from.date().format("%Y-%m-%d"))
        } else {
            format!(
                "del {} al {}",
                from.date().format("%Y-%m-%d"),
                to.date().format("%Y-%m-%d")
            )
        };
        self.note(
            act,
            Some(biz.org.id),
            ActivityKind::SettingsChange,
            &["closure", &closure.id.to_string()],
            format!(
                "{}: cerrado {days}{}{} {}",
                biz.org.name,
                closure
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                if cancelled.is_empty() {
                    String::new()
                } else {
                    format!(", {} citas canceladas", cancelled.len())
                },
                act.door_words()
            ),
        )
        .await;
        Ok(cancelled)
    }

    /// Open (pending, confirmed) appointments overlapping `b`, soonest
    /// first.
    pub async fn booked_in(&self, b: &TimeBlock) -> Result<Vec<Appointment>, StoreError> {
        let mut found: Vec<Appointment> = self
            .store
            .appointments_in(b.org_id, b.start - Duration::days(1), b.end)
            .await?
            .into_iter()
            .filter(|a| {
                a.start < b.end
                    && a.end > b.start
                    && matches!(
                        a.status,
                        AppointmentStatus::Pending | AppointmentStatus::Confirmed
                    )
                    && b.staff_id.is_none_or(|s| s == a.staff_id)
            })
            .collect();
        found.sort_by_key(|a| (a.start, a.id));
        Ok(found)
    }
}
