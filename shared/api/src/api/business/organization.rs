//! The organization and its settings.

use super::*;

impl Api {
    pub(super) async fn organization_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        _params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::GetOrganization => okj(&ctx.org),
            Op::UpdateOrganization => {
                let patch: OrganizationPatch = body(request)?;
                let mut o = ctx.org.clone();
                if let Some(n) = text("name", patch.name, MAX_NAME, true)? {
                    o.name = n;
                }
                if let Some(tz) = patch.timezone {
                    if tz.parse::<chrono_tz::Tz>().is_err() {
                        return Err(ApiError::invalid(
                            "timezone",
                            "no es una zona horaria válida (por ejemplo America/Mexico_City).",
                        ));
                    }
                    if tz != ctx.org.timezone && self.has_future_appointments(org, now).await? {
                        // Day ledgers are keyed by local date: a new zone
                        // would read other days and could let an
                        // overlapping booking through (issue 11, item 9).
                        return Err(conflict(
                            "timezone_locked",
                            "No puedes cambiar la zona horaria mientras haya citas por venir. \
                             Cancélalas o espera a que pasen, y vuelve a intentarlo.",
                        ));
                    }
                    o.timezone = tz;
                }
                if let Some(s) = patch.settings {
                    // Every field within bounds (they feed time arithmetic).
                    s.validate()
                        .map_err(|(field, message)| ApiError::invalid(field, message))?;
                    o.settings = s;
                }
                o.updated_at = now;
                // Against the version this request read (issue 11, item 7).
                self.store
                    .update_organization_seen(&o, ctx.org.updated_at)
                    .await?;
                if o.timezone != ctx.org.timezone
                    || o.settings.daily_summary_hour != ctx.org.settings.daily_summary_hour
                {
                    self.ensure_daily_summary(&o).await;
                }
                if ctx.admin {
                    self.activity(
                        ActivityKind::SettingsChange,
                        Some(org),
                        format!("Se editaron los ajustes de {}", o.name),
                    )
                    .await;
                }
                okj(&o)
            }
            _ => Err(ApiError::internal()),
        }
    }

    /// Whether any appointment that still holds time (not cancelled)
    /// starts from `now` on (bookings reach at most a year ahead).
    pub(super) async fn has_future_appointments(
        &self,
        org: OrgId,
        now: DateTime<Utc>,
    ) -> Result<bool, ApiError> {
        let appts = self
            .store
            .appointments_in(org, now - Duration::days(1), now + Duration::days(400))
            .await?;
        Ok(appts
            .iter()
            .any(|a| a.end > now && a.status != AppointmentStatus::Cancelled))
    }
}
