//! The admin's activity feed (spec/001 §4): signups, bookings, status
//! changes, impersonations, newest first. One platform partition
//! `ACTIVITY`, sort key `<ts_ms>#<id>`; entries expire after
//! [`ACTIVITY_TTL`] (the `ttl` attribute), so the partition stays small.

use chrono::{DateTime, Duration, Utc};
use parlo_core::OrgId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::{self, item, n, Cond, Page, Query, Range};
use crate::error::{Result, StoreError};
use crate::keys::{self, TTL};
use crate::Store;

/// How long an activity entry is kept.
pub const ACTIVITY_TTL: Duration = Duration::days(90);
pub const ACTIVITY_PK: &str = "ACTIVITY";
const ACTIVITY_KIND: &str = "activity";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Signup,
    Booking,
    Cancellation,
    StatusChange,
    Impersonation,
    SettingsChange,
    Reschedule,
    Attendance,
    Handoff,
    /// A business's own number went live.
    GoLive,
    /// Number provisioning trouble (failures, retries).
    Provisioning,
    /// The admin attached or detached a business's number.
    NumberChange,
}

/// One line of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: Uuid,
    pub kind: ActivityKind,
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// What happened, in Spanish, for the admin page.
    pub summary: String,
    pub at: DateTime<Utc>,
}

/// The stored entry, expiring after [`ACTIVITY_TTL`].
pub(crate) fn activity_item(a: &Activity) -> Result<db::Item> {
    let mut it = item(
        a,
        ACTIVITY_KIND,
        ACTIVITY_PK.into(),
        activity_sk(a.at, a.id),
    )?;
    it.insert(TTL.into(), n((a.at + ACTIVITY_TTL).timestamp()));
    Ok(it)
}

pub fn activity_sk(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}#{id}", keys::ts_ms(at))
}

impl Store {
    /// Appends an entry (idempotent on its id and time).
    pub async fn record_activity(&self, a: &Activity) -> Result<()> {
        match self
            .put_if(
                activity_item(a)?,
                Some(Cond::not_exists()),
                StoreError::AlreadyExists { what: "activity" },
            )
            .await
        {
            Ok(()) | Err(StoreError::AlreadyExists { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The feed, newest first, a page at a time.
    pub async fn list_activity(&self, limit: i32, cursor: Option<&str>) -> Result<Page<Activity>> {
        let q = Query::table(ACTIVITY_PK.into(), Range::All).backwards();
        self.query_page(&q, Some(limit), cursor)
            .await?
            .try_map(db::decode)
    }

    /// Entries since `from` (platform stats), newest first.
    pub async fn activity_since(&self, from: DateTime<Utc>) -> Result<Vec<Activity>> {
        let q = Query::table(ACTIVITY_PK.into(), Range::AtLeast(keys::ts_ms(from))).backwards();
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }
}
