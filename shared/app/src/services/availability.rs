//! Time off: blocks over a staff member's (or the whole business's) time
//! and one-day availability exceptions. The chat's staff tools and the
//! dashboard both change them here, so one set of rules applies: a block
//! ends after it starts, lasts at most [`MAX_BLOCK`] (one ledger
//! transaction), and never covers booked time.

use chrono::Duration;
use parlo_core::*;
use parlo_store::StoreError;

use super::{Invalid, Services};

/// Longest block: longer ones exceed one ledger transaction.
pub const MAX_BLOCK: Duration = Duration::days(92);

#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Appointments fall inside: they are moved or cancelled first.
    #[error("the time has appointments")]
    TimeHasAppointments,
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
}
