//! Availability: exceptions, blocks and free slots.

use super::*;

impl Api {
    pub(super) async fn availability_routes(
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
            Op::GetAvailability => {
                let staff = args.uuid("staff_id")?;
                let a = self.store.list_availability(org, staff).await?;
                okj(&serde_json::json!({
                    "timezone": ctx.org.timezone,
                    "recurring": a.recurring,
                    "exceptions": a.exceptions,
                }))
            }
            Op::CreateException => {
                let input: ExceptionInput = body(request)?;
                let staff = self
                    .staff(org, input.staff_id)
                    .await
                    .map_err(|_| ApiError::invalid("staff_id", "esa persona no existe."))?;
                ctx.require_for_staff(Action::BlockOwnTime, Some(staff.id))?;
                let range = match (&input.start, &input.end) {
                    (None, None) => None,
                    (Some(s), Some(e)) => {
                        let t = |f: &str, v: &str| {
                            NaiveTime::parse_from_str(v, "%H:%M:%S")
                                .or_else(|_| NaiveTime::parse_from_str(v, "%H:%M"))
                                .map_err(|_| ApiError::invalid(f, "usa una hora HH:MM."))
                        };
                        Some(TimeRange::new(t("start", s)?, t("end", e)?).ok_or_else(|| {
                            ApiError::invalid("end", "debe ser después del inicio.")
                        })?)
                    }
                    _ => {
                        return Err(ApiError::invalid(
                            "end",
                            "manda inicio y fin, o ninguno para todo el día.",
                        ))
                    }
                };
                let x = AvailabilityException {
                    id: Uuid::now_v7(),
                    org_id: org,
                    staff_id: staff.id,
                    date: input.date,
                    range,
                    is_available: input.is_available,
                    reason: text("reason", input.reason, MAX_TEXT, false)?,
                    created_at: now,
                };
                self.services().await?.set_exception(&x).await?;
                Ok(created(&x))
            }
            Op::DeleteException => {
                let id = path_id(params, "id")?;
                let x = self
                    .store
                    .list_availability(org, None)
                    .await?
                    .exceptions
                    .into_iter()
                    .find(|x| x.id == id)
                    .ok_or_else(ApiError::not_found)?;
                ctx.require_for_staff(Action::BlockOwnTime, Some(x.staff_id))?;
                self.services().await?.delete_exception(&x).await?;
                Ok(no_content())
            }
            Op::ListBlocks => {
                let (from, to) = range(&args, ctx.tz, now)?;
                let blocks = self.store.list_blocks(org, from, to).await?;
                okj(&page_of(blocks, None))
            }
            Op::CreateBlock => {
                let input: BlockInput = body(request)?;
                if let Some(s) = input.staff_id {
                    self.staff(org, s)
                        .await
                        .map_err(|_| ApiError::invalid("staff_id", "esa persona no existe."))?;
                }
                ctx.require_for_staff(Action::BlockOwnTime, input.staff_id)?;
                let b = TimeBlock {
                    id: Uuid::now_v7(),
                    org_id: org,
                    staff_id: input.staff_id,
                    start: input.start,
                    end: input.end,
                    reason: text("reason", input.reason, MAX_TEXT, false)?,
                    created_by: ctx.staff_id,
                    created_at: now,
                };
                // Bounds and the booked-time check are the services'.
                match self.services().await?.block_time(&b).await {
                    Ok(()) => Ok(created(&b)),
                    Err(BlockError::TimeHasAppointments | BlockError::Booked(_)) => Err(conflict(
                        "time_has_appointments",
                        parlo_app::services::words::TIME_HAS_APPOINTMENTS,
                    )),
                    Err(BlockError::Invalid(i)) => Err(ApiError::invalid(i.field, &i.message)),
                    Err(BlockError::Store(e)) => Err(e.into()),
                }
            }
            Op::DeleteBlock => {
                let id = path_id(params, "id")?;
                let b = self
                    .store
                    .list_blocks(org, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
                    .await?
                    .into_iter()
                    .find(|b| b.id == id)
                    .ok_or_else(ApiError::not_found)?;
                ctx.require_for_staff(Action::BlockOwnTime, b.staff_id)?;
                self.services().await?.unblock(&b).await?;
                Ok(no_content())
            }
            Op::Slots => {
                let service_id = required("service_id", args.uuid("service_id")?)?;
                let today = now.with_timezone(&ctx.tz).date_naive();
                let from = args.date("from")?.unwrap_or(today);
                let to = args.date("to")?.unwrap_or(from);
                if (to - from).num_days() >= scheduling_max_days() {
                    return Err(ApiError::invalid("to", "el rango es demasiado largo."));
                }
                let location = match args.uuid("location_id")? {
                    Some(l) => self.location(org, l).await?,
                    None => self.primary_location(org).await?,
                };
                let cal = self
                    .store
                    .load_calendar(
                        org,
                        location.id,
                        local_midnight(ctx.tz, from),
                        local_midnight(ctx.tz, to + Duration::days(1)),
                    )
                    .await?;
                let slots = free_slots(
                    &cal,
                    &SlotQuery {
                        service_id,
                        from,
                        to,
                        staff_id: args.uuid("staff_id")?,
                        now,
                    },
                )
                .map_err(|u| ApiError::from(StoreError::Unavailable(u)))?;
                okj(&serde_json::json!({
                    "timezone": ctx.org.timezone,
                    "location_id": location.id,
                    "slots": slots,
                }))
            }
            _ => Err(ApiError::internal()),
        }
    }
}

pub(super) fn scheduling_max_days() -> i64 {
    parlo_core::scheduling::MAX_RANGE_DAYS
}
