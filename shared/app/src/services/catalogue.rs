//! Catalogue use cases: the organization's settings, its locations and
//! opening hours, the services it sells and its spots. The chat's owner
//! tools and the dashboard API both change these here, so one set of
//! bounds applies whichever door a change comes through, and every change
//! leaves one activity entry.

use parlo_core::*;
use parlo_store::{ActivityKind, StoreError};

use super::{Act, Services};

/// Why a change was refused, worded for the person who asked (Spanish);
/// `field` names the input at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

fn invalid(field: &'static str, message: &str) -> Invalid {
    Invalid {
        field,
        message: message.to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The change is valid but not now (`code` for machines).
    #[error("{code}: {message}")]
    Refused { code: &'static str, message: String },
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Bounds every service keeps, from any door.
pub fn check_service(s: &ServiceType) -> Result<(), Invalid> {
    if s.name.trim().is_empty() {
        return Err(invalid("name", "no puede ir vacío."));
    }
    if !(5..=720).contains(&s.duration_minutes) {
        return Err(invalid(
            "duration_minutes",
            "debe estar entre 5 y 720 minutos.",
        ));
    }
    if !(0..=100_000_000).contains(&s.price_cents) {
        return Err(invalid("price_cents", "debe ser un precio válido."));
    }
    if s.currency.len() != 3 || !s.currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(invalid("currency", "usa un código de 3 letras, como MXN."));
    }
    if s.buffer_minutes > 240 {
        return Err(invalid("buffer_minutes", "debe ser a lo más 240."));
    }
    Ok(())
}

/// Opening hours: each range ends after it starts, and a day's ranges do
/// not overlap.
pub fn check_hours(h: &WeeklyHours) -> Result<(), Invalid> {
    for day in &h.days {
        let mut sorted = day.clone();
        sorted.sort_by_key(|r| r.start);
        if sorted.iter().any(|r| r.start >= r.end) {
            return Err(invalid(
                "business_hours",
                "cada horario debe terminar después de empezar.",
            ));
        }
        if sorted.windows(2).any(|w| w[0].end > w[1].start) {
            return Err(invalid(
                "business_hours",
                "los horarios de un día no pueden encimarse.",
            ));
        }
    }
    Ok(())
}

/// What retiring a service did.
#[derive(Debug, Clone)]
pub enum Retired {
    Deleted,
    /// Appointments still point at it: deactivated instead (history stays
    /// readable).
    Deactivated(ServiceType),
}

impl Services {
    /// Saves the organization's settings against the version the caller
    /// read (`seen`); a new zone or summary hour re-creates the daily
    /// summary's schedule.
    pub async fn save_organization(
        &self,
        act: &Act,
        before: &Organization,
        after: &Organization,
    ) -> Result<(), CatalogueError> {
        if after.timezone != before.timezone {
            if after.timezone.parse::<chrono_tz::Tz>().is_err() {
                return Err(invalid(
                    "timezone",
                    "no es una zona horaria válida (por ejemplo America/Mexico_City).",
                )
                .into());
            }
            // Day ledgers are keyed by local date: a new zone would read
            // other days and could let an overlapping booking through.
            let ahead = self
                .store
                .appointments_in(
                    after.id,
                    act.now - chrono::Duration::days(1),
                    act.now + chrono::Duration::days(400),
                )
                .await?;
            if ahead
                .iter()
                .any(|a| a.end > act.now && a.status != AppointmentStatus::Cancelled)
            {
                return Err(CatalogueError::Refused {
                    code: "timezone_locked",
                    message: "No puedes cambiar la zona horaria mientras haya citas por venir. \
                              Cancélalas o espera a que pasen, y vuelve a intentarlo."
                        .into(),
                });
            }
        }
        // Against the version the caller read.
        self.store
            .update_organization_seen(after, before.updated_at)
            .await?;
        if after.timezone != before.timezone
            || after.settings.daily_summary_hour != before.settings.daily_summary_hour
        {
            if let Err(e) = self.schedules.ensure_daily_summary(after).await {
                tracing::warn!(error = %e, "daily summary schedule not updated");
            }
        }
        self.note(
            act,
            Some(after.id),
            ActivityKind::SettingsChange,
            &["organization"],
            format!(
                "{}: ajustes del negocio editados {}",
                after.name,
                act.door_words()
            ),
        )
        .await;
        Ok(())
    }

    /// Moves the business to `to` (suspend, reactivate, go live); its
    /// daily summary follows the status. Returns the saved organization.
    pub async fn set_status(
        &self,
        act: &Act,
        org: &Organization,
        to: OrgStatus,
    ) -> Result<Organization, CatalogueError> {
        if org.status == to {
            return Ok(org.clone());
        }
        let mut after = org.clone();
        after.status = to;
        after.updated_at = act.now;
        self.store
            .update_organization_seen(&after, org.updated_at)
            .await?;
        if let Err(e) = self.schedules.ensure_daily_summary(&after).await {
            tracing::warn!(error = %e, "daily summary schedule not updated");
        }
        self.note(
            act,
            Some(after.id),
            ActivityKind::StatusChange,
            &["status", parlo_store::keys::enum_str(&to).as_str()],
            format!(
                "{}: {} → {} {}",
                after.name,
                parlo_store::keys::enum_str(&org.status),
                parlo_store::keys::enum_str(&to),
                act.door_words()
            ),
        )
        .await;
        Ok(after)
    }

    /// Creates (`new`) or updates a location.
    pub async fn save_location(
        &self,
        act: &Act,
        org: &Organization,
        l: &Location,
        new: bool,
    ) -> Result<(), CatalogueError> {
        check_hours(&l.business_hours)?;
        if new {
            self.store.create_location(l).await?;
        } else {
            self.store.update_location(l).await?;
        }
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["location", &l.id.to_string()],
            format!(
                "{}: sucursal «{}» {} {}",
                org.name,
                l.name,
                if new { "creada" } else { "editada" },
                act.door_words()
            ),
        )
        .await;
        Ok(())
    }

    /// Deletes a location other than the primary one (the caller checks).
    pub async fn delete_location(
        &self,
        act: &Act,
        org: &Organization,
        l: &Location,
    ) -> Result<(), CatalogueError> {
        self.store.delete_location(org.id, l.id).await?;
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["location-deleted", &l.id.to_string()],
            format!(
                "{}: sucursal «{}» borrada {}",
                org.name,
                l.name,
                act.door_words()
            ),
        )
        .await;
        Ok(())
    }

    /// Creates (`new`) or updates a service. Existing appointments keep
    /// their duration and price.
    pub async fn save_service(
        &self,
        act: &Act,
        org: &Organization,
        s: &ServiceType,
        new: bool,
    ) -> Result<(), CatalogueError> {
        check_service(s)?;
        if new {
            self.store.create_service(s).await?;
        } else {
            self.store.update_service(s).await?;
        }
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["service", &s.id.to_string()],
            format!(
                "{}: servicio «{}» {} ({} min, {}) {}",
                org.name,
                s.name,
                if new { "creado" } else { "editado" },
                s.duration_minutes,
                es::format::price(s.price_cents, &s.currency),
                act.door_words()
            ),
        )
        .await;
        Ok(())
    }

    /// Creates a service and gives it to `performers` (the team members
    /// who will do it) and to every active spot, so it can be booked right
    /// away: a service nobody performs, or no spot hosts, has no free
    /// times. A retried act (same service id) finds
    /// the service it created.
    pub async fn add_service(
        &self,
        act: &Act,
        org: &Organization,
        s: &ServiceType,
        performers: &[Staff],
    ) -> Result<(), CatalogueError> {
        match self.save_service(act, org, s, true).await {
            Ok(()) | Err(CatalogueError::Store(StoreError::AlreadyExists { .. })) => {}
            Err(e) => return Err(e),
        }
        for p in performers.iter().filter(|p| !p.service_ids.contains(&s.id)) {
            let mut after = p.clone();
            after.service_ids.push(s.id);
            after.updated_at = act.now;
            self.save_staff(act, org, &after, p.updated_at).await?;
        }
        // Every active spot hosts it too (a spot lists what it hosts).
        let spots: Vec<Spot> = self
            .store
            .list_spots(org.id)
            .await?
            .into_iter()
            .filter(|sp| sp.is_active && !sp.service_ids.contains(&s.id))
            .map(|mut sp| {
                sp.service_ids.push(s.id);
                sp.updated_at = act.now;
                sp
            })
            .collect();
        if !spots.is_empty() {
            self.save_spots(act, org, &spots, false).await?;
        }
        Ok(())
    }

    /// Deletes a service nobody booked; one with appointments is
    /// deactivated instead.
    pub async fn retire_service(
        &self,
        act: &Act,
        org: &Organization,
        s: &ServiceType,
    ) -> Result<Retired, CatalogueError> {
        let retired = if self.store.service_in_use(org.id, s.id).await? {
            let mut s = s.clone();
            s.is_active = false;
            s.updated_at = act.now;
            self.store.update_service(&s).await?;
            Retired::Deactivated(s)
        } else {
            self.store.delete_service(org.id, s.id).await?;
            Retired::Deleted
        };
        let what = match retired {
            Retired::Deleted => "borrado",
            Retired::Deactivated(_) => "desactivado",
        };
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["service-retired", &s.id.to_string()],
            format!(
                "{}: servicio «{}» {what} {}",
                org.name,
                s.name,
                act.door_words()
            ),
        )
        .await;
        Ok(retired)
    }

    /// Creates (`new`) or updates spots (one, or several when reordering).
    pub async fn save_spots(
        &self,
        act: &Act,
        org: &Organization,
        spots: &[Spot],
        new: bool,
    ) -> Result<(), CatalogueError> {
        if spots.iter().any(|s| s.name.trim().is_empty()) {
            return Err(invalid("name", "no puede ir vacío.").into());
        }
        if new {
            futures::future::try_join_all(spots.iter().map(|s| self.store.create_spot(s))).await?;
        } else {
            futures::future::try_join_all(spots.iter().map(|s| self.store.update_spot(s))).await?;
        }
        let names: Vec<&str> = spots.iter().map(|s| s.name.as_str()).collect();
        let ids: Vec<String> = spots.iter().map(|s| s.id.to_string()).collect();
        let mut key: Vec<&str> = vec!["spots"];
        key.extend(ids.iter().map(String::as_str));
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &key,
            format!(
                "{}: {} «{}» {} {}",
                org.name,
                if spots.len() == 1 { "lugar" } else { "lugares" },
                names.join("», «"),
                if new { "creado" } else { "editado" },
                act.door_words()
            ),
        )
        .await;
        Ok(())
    }

    pub async fn delete_spot(
        &self,
        act: &Act,
        org: &Organization,
        s: &Spot,
    ) -> Result<(), CatalogueError> {
        self.store.delete_spot(org.id, s.id).await?;
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["spot-deleted", &s.id.to_string()],
            format!(
                "{}: lugar «{}» borrado {}",
                org.name,
                s.name,
                act.door_words()
            ),
        )
        .await;
        Ok(())
    }
}
