//! The activity feed's one writer: what happened on the platform, in
//! Spanish, for the platform admin.

use parlo_core::ids::derived_id;
use parlo_core::OrgId;
use parlo_store::{Activity, ActivityKind};

use super::{Act, By, Door, Services};

impl Act {
    /// Through which door, as the feed words it.
    pub fn door_words(&self) -> &'static str {
        match (self.door, self.by) {
            (_, By::Customer(_)) => "por WhatsApp (cliente)",
            (Door::Chat, _) => "por WhatsApp (equipo)",
            (Door::Api, _) => "desde el panel",
            (Door::Job, _) => "automático",
        }
    }
}

impl Services {
    /// Records one entry. Its id derives from the act's key and `what`, so
    /// a retried act records it once. A failure is logged, never the
    /// caller's problem: the change itself already happened.
    pub async fn note(
        &self,
        act: &Act,
        org: Option<OrgId>,
        kind: ActivityKind,
        what: &[&str],
        summary: String,
    ) {
        let mut parts: Vec<&str> = vec![&act.key, "activity"];
        parts.extend_from_slice(what);
        let a = Activity {
            id: derived_id(&parts),
            kind,
            org_id: org,
            summary,
            at: act.now,
        };
        if let Some(deferred) = &self.deferred {
            deferred
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .activity
                .push(a);
            return;
        }
        if let Err(e) = self.store.record_activity(&a).await {
            tracing::warn!(error = %e, "activity feed entry not recorded");
        }
    }
}
