//! Changes to a business's team: adding a staff member (with the welcome
//! they get on the business's WhatsApp, as a template outside the
//! 24-hour window) and setting someone's recurring weekly availability
//! (what staff onboarding learns, so the slots offered follow it).

use chrono::{DateTime, Utc};
use parlo_core::ids::derived_id;
use parlo_core::*;
use parlo_store::{ActivityKind, StoreError};

use super::{Act, Delivery, MessageKind, OutboxError, Outgoing, Services};

/// A staff member's first message to the business's number (the
/// welcome's answer): remembered, so staff onboarding runs once. A
/// concurrent edit of the record (the owner on the web) wins.
pub async fn first_message(
    store: &parlo_store::Store,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut staff = staff.clone();
    staff.first_message_at = Some(now);
    staff.updated_at = now;
    match store.update_staff(&staff).await {
        Ok(()) | Err(StoreError::Conflict(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

impl Services {
    /// Adds a staff member (a retried act finds the same person, by id,
    /// and succeeds again). The welcome is the caller's choice
    /// ([`Services::welcome_staff`]): the chat's staff flow words its own.
    pub async fn add_staff(
        &self,
        act: &Act,
        org: &Organization,
        staff: &Staff,
    ) -> Result<Staff, StoreError> {
        let saved = match self.store.create_staff(staff).await {
            Ok(()) => staff.clone(),
            Err(StoreError::AlreadyExists { what }) => {
                match self.store.staff_by_phone(org.id, &staff.phone).await? {
                    Some(s) if s.id == staff.id => return Ok(s),
                    _ => return Err(StoreError::AlreadyExists { what }),
                }
            }
            Err(e) => return Err(e),
        };
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["staff-added", &staff.id.to_string()],
            format!(
                "{}: {} se unió al equipo {}",
                org.name,
                staff.name,
                act.door_words()
            ),
        )
        .await;
        Ok(saved)
    }

    /// Saves a change to a staff member (name, level, services, active…)
    /// against the version the caller read (`seen`).
    pub async fn save_staff(
        &self,
        act: &Act,
        org: &Organization,
        staff: &Staff,
        seen: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.store.update_staff_seen(staff, seen).await?;
        let what = if staff.is_active {
            "editado"
        } else {
            "dado de baja"
        };
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["staff", &staff.id.to_string(), what],
            format!("{}: {} ({what}) {}", org.name, staff.name, act.door_words()),
        )
        .await;
        Ok(())
    }

    /// Deletes a staff member nobody booked (the caller checks).
    pub async fn delete_staff(
        &self,
        act: &Act,
        org: &Organization,
        staff: &Staff,
    ) -> Result<(), StoreError> {
        self.store.delete_staff(org.id, staff.id).await?;
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["staff-deleted", &staff.id.to_string()],
            format!(
                "{}: {} borrado del equipo {}",
                org.name,
                staff.name,
                act.door_words()
            ),
        )
        .await;
        Ok(())
    }

    /// Replaces `staff`'s recurring week with `hours` (one transaction).
    /// Row ids derive from the person and the slot, so a repeat writes the
    /// same rows.
    pub async fn set_staff_availability(
        &self,
        staff: &Staff,
        hours: &WeeklyHours,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let key = staff.id.to_string();
        let rows: Vec<RecurringAvailability> = hours
            .days
            .iter()
            .enumerate()
            .flat_map(|(day, ranges)| {
                let key = key.clone();
                ranges.iter().map(move |r| RecurringAvailability {
                    id: derived_id(&[
                        &key,
                        "recurring",
                        &day.to_string(),
                        &r.start.to_string(),
                        &r.end.to_string(),
                    ]),
                    org_id: staff.org_id,
                    staff_id: staff.id,
                    weekday: day as u8,
                    range: *r,
                    created_at: now,
                })
            })
            .collect();
        self.store
            .replace_recurring(staff.org_id, staff.id, &rows)
            .await?;
        Ok(rows.len())
    }

    /// Sends a new staff member the welcome from the business's number
    /// (the employee-welcome template outside the window), once per
    /// person.
    pub async fn welcome_staff(
        &self,
        org: &Organization,
        staff: &Staff,
        now: DateTime<Utc>,
    ) -> Result<Delivery, OutboxError> {
        let first = staff
            .name
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        let text = format!(
            "¡Hola {first}! 👋 {} te registró en Parlo, su asistente de citas por WhatsApp. \
             Escríbeme a este número para ver tu agenda («¿Qué tengo hoy?»), bloquear tiempo \
             («Bloquea de 2 a 3») y registrar a quien llegue sin cita.",
            org.name
        );
        let out = Outgoing {
            org_id: Some(org.id),
            timezone: &org.timezone,
            locale: Some(org.locale()),
            vars: vec![first, org.name.clone()],
            ..Outgoing::new(
                format!("welcome#{}#{}", org.id, staff.id),
                MessageKind::EmployeeWelcome,
                org.whatsapp_number
                    .clone()
                    .unwrap_or_else(|| self.outbox.central_number.clone()),
                staff.phone.clone(),
                text,
                now,
            )
        };
        self.outbox.deliver(out).await
    }
}
