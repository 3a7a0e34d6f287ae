//! A day's schedule as staff see it — appointments (cancelled ones left
//! out) and blocks, by start, with customer and staff names — read from
//! the store for the staff tools ("¿qué tengo hoy?") and the daily summary
//! job alike. [`crate::agenda`] renders it.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use parlo_core::es::format;
use parlo_core::time::{day_bounds_utc, utc_to_local};
use parlo_core::*;
use parlo_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::services::Biz;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleItemKind {
    Appointment,
    Block,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleItem {
    pub kind: ScheduleItemKind,
    pub id: uuid::Uuid,
    /// "10:00 AM - 10:30 AM" (local).
    pub time: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Empty for a whole-business closure.
    pub staff: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<AppointmentStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub date: NaiveDate,
    /// "martes 8 de enero".
    pub label: String,
    /// Open and finished appointments and blocks, by start (cancelled
    /// appointments left out).
    pub items: Vec<ScheduleItem>,
}

/// One appointment as a line of the day.
pub fn appointment_item(biz: Biz<'_>, a: &Appointment, customer: Option<String>) -> ScheduleItem {
    ScheduleItem {
        kind: ScheduleItemKind::Appointment,
        id: a.id,
        time: biz.locale().time_range(
            utc_to_local(biz.tz, a.start).time(),
            utc_to_local(biz.tz, a.end).time(),
        ),
        start: a.start,
        end: a.end,
        staff: biz
            .staff(a.staff_id)
            .map_or_else(String::new, |s| s.name.clone()),
        service: biz
            .services
            .iter()
            .find(|s| s.id == a.service_id)
            .map(|s| s.name.clone()),
        customer,
        status: Some(a.status),
        reason: None,
    }
}

fn block_item(biz: Biz<'_>, b: &TimeBlock) -> ScheduleItem {
    ScheduleItem {
        kind: ScheduleItemKind::Block,
        id: b.id,
        time: biz.locale().time_range(
            utc_to_local(biz.tz, b.start).time(),
            utc_to_local(biz.tz, b.end).time(),
        ),
        start: b.start,
        end: b.end,
        staff: b
            .staff_id
            .and_then(|s| biz.staff(s))
            .map_or_else(String::new, |s| s.name.clone()),
        service: None,
        customer: None,
        status: None,
        reason: b.reason.clone(),
    }
}

/// Customer names by id (one read each, concurrently).
pub async fn customer_names(
    store: &Store,
    org: OrgId,
    ids: impl IntoIterator<Item = CustomerId>,
) -> Result<HashMap<CustomerId, String>, StoreError> {
    let mut ids: Vec<CustomerId> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    let found =
        futures::future::try_join_all(ids.iter().map(|id| store.get_customer(org, *id))).await?;
    Ok(found
        .into_iter()
        .flatten()
        .map(|c| {
            let name = c.name.clone().unwrap_or_else(|| c.phone.clone());
            (c.id, name)
        })
        .collect())
}

/// The business's day `date` (local), or one staff member's (`only`):
/// their appointments, their blocks and whole-business closures.
pub async fn read(
    store: &Store,
    biz: Biz<'_>,
    today: NaiveDate,
    date: NaiveDate,
    only: Option<StaffId>,
) -> Result<Schedule, StoreError> {
    let (lo, _) = day_bounds_utc(biz.tz, date);
    let (hi, _) = day_bounds_utc(biz.tz, date + Days::new(1));
    let org = biz.org.id;
    let appts = match only {
        Some(staff) => store.staff_appointments(org, staff, lo, hi).await?,
        None => {
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page = store
                    .appointments_between(org, lo, hi, 200, cursor.as_deref())
                    .await?;
                all.extend(page.items);
                match page.next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
            all
        }
    };
    let appts: Vec<Appointment> = appts
        .into_iter()
        .filter(|a| a.status.occupies_time())
        .collect();
    let blocks = store.list_blocks(org, lo, hi).await?;
    let names = customer_names(store, org, appts.iter().map(|a| a.customer_id)).await?;
    let mut items: Vec<ScheduleItem> = appts
        .iter()
        .map(|a| appointment_item(biz, a, names.get(&a.customer_id).cloned()))
        .chain(
            blocks
                .iter()
                .filter(|b| only.is_none() || b.staff_id.is_none() || b.staff_id == only)
                .map(|b| block_item(biz, b)),
        )
        .collect();
    items.sort_by_key(|i| (i.start, i.id));
    Ok(Schedule {
        date,
        label: format::date_long(date, today),
        items,
    })
}
