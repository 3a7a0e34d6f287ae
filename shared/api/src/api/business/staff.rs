//! The team: staff members, the services they perform, their weekly hours.

use super::*;

impl Api {
    pub(super) async fn staff_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::ListStaff => {
                let mut all = self.store.list_staff(org).await?;
                if args.get("active") == Some("true") {
                    all.retain(|s| s.is_active);
                }
                okj(&page_by(all, |s| (s.name.to_lowercase(), s.id), &args)?)
            }
            Op::CreateStaff => {
                if ctx.org.status == OrgStatus::Onboarding {
                    // Routing trusts registrations of onboarding businesses
                    // only for their owner; still, nobody is listed as
                    // staff before the business exists (issue 11, item 1).
                    return Err(conflict(
                        "business_onboarding",
                        "Termina el registro del negocio antes de agregar personal.",
                    ));
                }
                let input: StaffInput = body(request)?;
                let name = required("name", text("name", input.name.clone(), MAX_NAME, true)?)?;
                let e164 = phone("phone", &required("phone", input.phone.clone())?)?;
                let mut s = Staff {
                    id: Uuid::now_v7(),
                    org_id: org,
                    location_id: None,
                    name,
                    phone: e164,
                    role: StaffRole::Employee,
                    permission_level: PermissionLevel::Staff,
                    is_active: true,
                    first_message_at: None,
                    default_spot_id: None,
                    service_ids: Vec::new(),
                    bookable: true,
                    created_at: now,
                    updated_at: now,
                };
                self.apply_staff(ctx, &mut s, input).await?;
                let s = self
                    .services()
                    .await?
                    .add_staff(&self.act(ctx), &ctx.org, &s)
                    .await?;
                // The welcome on the business's WhatsApp (the template
                // outside the window); a failed send does not undo the
                // registration: the person can still write first.
                match self
                    .services()
                    .await?
                    .welcome_staff(&ctx.org, &s, now)
                    .await
                {
                    Ok(d) if d.went_out() => {}
                    Ok(d) => {
                        tracing::warn!(staff_id = %s.id, status = ?d.record().status, "staff welcome not sent")
                    }
                    Err(e) => {
                        tracing::warn!(staff_id = %s.id, error = %e, "staff welcome not sent")
                    }
                }
                Ok(created(&s))
            }
            Op::GetStaff => okj(&self.staff(org, path_id(params, "id")?).await?),
            Op::UpdateStaff => {
                let mut s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                let input: StaffInput = body(request)?;
                self.apply_staff(ctx, &mut s, input).await?;
                let seen = std::mem::replace(&mut s.updated_at, now);
                self.services()
                    .await?
                    .save_staff(&self.act(ctx), &ctx.org, &s, seen)
                    .await?;
                okj(&s)
            }
            Op::DeleteStaff => {
                let s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                if Some(s.id) == ctx.staff_id {
                    return Err(conflict("self", "No puedes darte de baja a ti mismo."));
                }
                if s.permission_level == PermissionLevel::Owner {
                    ctx.require(Action::ChangePermissions)?;
                }
                if self.store.staff_in_use(org, s.id).await? {
                    return Err(conflict(
                        "staff_has_appointments",
                        "Esta persona tiene citas registradas; desactívala en lugar de borrarla.",
                    ));
                }
                self.services()
                    .await?
                    .delete_staff(&self.act(ctx), &ctx.org, &s)
                    .await?;
                Ok(no_content())
            }
            Op::DeactivateStaff | Op::ReactivateStaff => {
                let mut s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                let active = op == Op::ReactivateStaff;
                if !active && Some(s.id) == ctx.staff_id {
                    return Err(conflict("self", "No puedes darte de baja a ti mismo."));
                }
                if !active && s.permission_level == PermissionLevel::Owner {
                    ctx.require(Action::ChangePermissions)?;
                }
                s.is_active = active;
                let seen = std::mem::replace(&mut s.updated_at, now);
                self.services()
                    .await?
                    .save_staff(&self.act(ctx), &ctx.org, &s, seen)
                    .await?;
                okj(&s)
            }
            Op::SetStaffServices => {
                let mut s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                let input: ServiceIds = body(request)?;
                self.check_services(org, &input.service_ids).await?;
                s.service_ids = dedup(input.service_ids);
                let seen = std::mem::replace(&mut s.updated_at, now);
                self.services()
                    .await?
                    .save_staff(&self.act(ctx), &ctx.org, &s, seen)
                    .await?;
                okj(&s)
            }
            Op::GetWorkingHours => {
                let s = self.staff(org, path_id(params, "id")?).await?;
                let rows = self
                    .store
                    .list_availability(org, Some(s.id))
                    .await?
                    .recurring;
                okj(&working_hours(&rows))
            }
            Op::SetWorkingHours => {
                let s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_for_staff(Action::BlockOwnTime, Some(s.id))?;
                ctx.require_level_over(&s)?;
                let input: WorkingHoursInput = body(request)?;
                let days = input.days.unwrap_or_default();
                hours_valid(&WeeklyHours { days: days.clone() })?;
                let rows: Vec<RecurringAvailability> = days
                    .iter()
                    .enumerate()
                    .flat_map(|(weekday, ranges)| {
                        ranges.iter().map(move |r| RecurringAvailability {
                            id: Uuid::now_v7(),
                            org_id: org,
                            staff_id: s.id,
                            weekday: weekday as u8,
                            range: *r,
                            created_at: now,
                        })
                    })
                    .collect();
                self.store.replace_recurring(org, s.id, &rows).await?;
                okj(&working_hours(&rows))
            }
            _ => Err(ApiError::internal()),
        }
    }

    /// All ids must be services of this business.
    pub(super) async fn check_services(&self, org: OrgId, ids: &[Uuid]) -> Result<(), ApiError> {
        if ids.is_empty() {
            return Ok(());
        }
        let known: HashSet<Uuid> = self
            .store
            .list_services(org)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        if ids.iter().all(|id| known.contains(id)) {
            Ok(())
        } else {
            Err(ApiError::invalid(
                "service_ids",
                "incluye un servicio que no existe.",
            ))
        }
    }

    pub(super) async fn apply_staff(
        &self,
        ctx: &Ctx,
        s: &mut Staff,
        input: StaffInput,
    ) -> Result<(), ApiError> {
        let org = ctx.org_id();
        if let Some(n) = text("name", input.name, MAX_NAME, true)? {
            s.name = n;
        }
        if let Some(p) = input.phone {
            s.phone = phone("phone", &p)?;
        }
        if let Some(r) = input.role {
            if r != s.role {
                ctx.require(Action::ChangePermissions)?;
            }
            s.role = r;
        }
        if let Some(level) = input.permission_level {
            if level != s.permission_level {
                ctx.require(Action::ChangePermissions)?;
            }
            s.permission_level = level;
        }
        if let Some(l) = input.location_id {
            s.location_id = Some(self.location(org, l).await?.id);
        }
        if let Some(spot) = input.default_spot_id {
            s.default_spot_id = Some(
                self.spot(org, spot)
                    .await
                    .map_err(|_| ApiError::invalid("default_spot_id", "ese lugar no existe."))?
                    .id,
            );
        }
        if let Some(ids) = input.service_ids {
            self.check_services(org, &ids).await?;
            s.service_ids = dedup(ids);
        }
        if let Some(b) = input.bookable {
            s.bookable = b;
        }
        Ok(())
    }
}

pub(super) fn working_hours(rows: &[RecurringAvailability]) -> serde_json::Value {
    let mut days: [Vec<TimeRange>; 7] = Default::default();
    for r in rows {
        if let Some(d) = days.get_mut(usize::from(r.weekday)) {
            d.push(r.range);
        }
    }
    for d in &mut days {
        d.sort_by_key(|r| r.start);
    }
    serde_json::json!({
        "follows_business_hours": rows.is_empty(),
        "days": days,
    })
}
