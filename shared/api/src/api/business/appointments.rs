//! Appointments: list, book, move, cancel, complete, no-show (through the services).

use super::*;

impl Api {
    pub(super) async fn appointments_routes(
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
            Op::ListAppointments => {
                let (from, to) = range(&args, ctx.tz, now)?;
                let staff = args.uuid("staff_id")?;
                let service = args.uuid("service_id")?;
                let status: Option<AppointmentStatus> = args
                    .get("status")
                    .map(|s| {
                        serde_json::from_value(serde_json::Value::String(s.into())).map_err(|_| {
                            ApiError::invalid(
                                "status",
                                "usa pending, confirmed, completed, cancelled o no_show.",
                            )
                        })
                    })
                    .transpose()?;
                let cursor = args.cursor()?;
                let page = self
                    .store
                    .appointments_between(org, from, to, args.limit()? as i32, cursor.as_deref())
                    .await?;
                okj(&render_appointments(
                    page.items, page.next, ctx.tz, staff, service, status,
                ))
            }
            Op::CreateAppointment => {
                let input: AppointmentCreate = body(request)?;
                let notes = text("notes", input.notes.clone(), MAX_TEXT, false)?;
                let service = self
                    .service(org, input.service_id)
                    .await
                    .map_err(|_| ApiError::invalid("service_id", "ese servicio no existe."))?;
                let customer = match (input.customer_id, &input.customer_phone) {
                    (Some(id), _) => self.customer(org, id).await?,
                    (None, Some(p)) => {
                        let e164 = phone("customer_phone", p)?;
                        let name = text(
                            "customer_name",
                            input.customer_name.clone(),
                            MAX_NAME,
                            false,
                        )?;
                        self.services()
                            .await?
                            .customer_for_phone(&self.act(ctx), &ctx.org, &e164, name.as_deref())
                            .await?
                            .0
                    }
                    (None, None) => {
                        return Err(ApiError::invalid(
                            "customer_id",
                            "indica el cliente (customer_id o customer_phone).",
                        ))
                    }
                };
                let location_id = match input.location_id {
                    Some(l) => self.location(org, l).await?.id,
                    None => self.primary_location(org).await?.id,
                };
                let (team, catalogue) = self.team_and_catalogue(org).await?;
                let id = input.id.unwrap_or_else(Uuid::now_v7);
                // A retried POST with the same id tells nobody twice.
                let act = Act {
                    key: format!("api:appointment:{id}"),
                    ..self.act(ctx)
                };
                let appt = self
                    .services()
                    .await?
                    .book(
                        &act,
                        Biz::new(&ctx.org, &team, &catalogue),
                        &BookRequest {
                            id,
                            org_id: org,
                            location_id,
                            service_id: service.id,
                            customer_id: customer.id,
                            start: input.start,
                            staff_pref: input.staff_id,
                            spot_pref: input.spot_id,
                            source: AppointmentSource::Web,
                            status: AppointmentStatus::Confirmed,
                            notes,
                            now,
                        },
                    )
                    .await?;
                Ok(created(&AppointmentView::new(appt, ctx.tz)))
            }
            Op::GetAppointment => okj(&AppointmentView::new(
                self.appointment(org, path_id(params, "id")?).await?,
                ctx.tz,
            )),
            Op::UpdateAppointment => {
                let current = self.appointment(org, path_id(params, "id")?).await?;
                let input: AppointmentPatch = body(request)?;
                if input.start.is_none() && input.staff_id.is_none() && input.spot_id.is_none() {
                    return Err(ApiError::invalid(
                        "start",
                        "indica el nuevo horario, la persona o el lugar.",
                    ));
                }
                let (team, catalogue) = self.team_and_catalogue(org).await?;
                let appt = self
                    .services()
                    .await?
                    .reschedule(
                        &self.act(ctx),
                        Biz::new(&ctx.org, &team, &catalogue),
                        &current,
                        &RescheduleRequest {
                            service: None,
                            org_id: org,
                            appointment_id: current.id,
                            new_start: input.start.unwrap_or(current.start),
                            staff: input
                                .staff_id
                                .map_or(StaffChoice::Keep, StaffChoice::Exactly),
                            spot_pref: input.spot_id,
                            now,
                        },
                    )
                    .await?;
                okj(&AppointmentView::new(appt, ctx.tz))
            }
            Op::CancelAppointment | Op::CompleteAppointment | Op::NoShowAppointment => {
                let current = self.appointment(org, path_id(params, "id")?).await?;
                let (team, catalogue) = self.team_and_catalogue(org).await?;
                let biz = Biz::new(&ctx.org, &team, &catalogue);
                let (services, act) = (self.services().await?, self.act(ctx));
                let appt = match op {
                    Op::CancelAppointment => {
                        let input: CancelInput = body(request)?;
                        let reason = text("reason", input.reason, MAX_TEXT, false)?;
                        services.cancel(&act, biz, &current, reason).await?
                    }
                    Op::CompleteAppointment => services.complete(&act, biz, current.id).await?,
                    _ => services.no_show(&act, biz, current.id).await?,
                };
                okj(&AppointmentView::new(appt, ctx.tz))
            }
            _ => Err(ApiError::internal()),
        }
    }

    /// The business's team and catalogue, read together (the words of
    /// the notices a change sends).
    pub(super) async fn team_and_catalogue(
        &self,
        org: OrgId,
    ) -> Result<(Vec<Staff>, Vec<ServiceType>), ApiError> {
        Ok(tokio::try_join!(
            self.store.list_staff(org),
            self.store.list_services(org)
        )?)
    }
}

/// A day's (or range's) appointment list, filtered and with local times:
/// the handler's own work, measured apart from DynamoDB in the benchmark.
pub fn render_appointments(
    items: Vec<Appointment>,
    next: Option<String>,
    tz: chrono_tz::Tz,
    staff: Option<Uuid>,
    service: Option<Uuid>,
    status: Option<AppointmentStatus>,
) -> PageOut<AppointmentView> {
    let items = items
        .into_iter()
        .filter(|a| staff.is_none_or(|s| a.staff_id == s))
        .filter(|a| service.is_none_or(|s| a.service_id == s))
        .filter(|a| status.is_none_or(|s| a.status == s))
        .map(|a| AppointmentView::new(a, tz))
        .collect();
    page_of(items, next)
}
