//! The service catalogue (what the business sells).

use super::*;

impl Api {
    pub(super) async fn services_routes(
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
            Op::ListServices => {
                let mut all = self.store.list_services(org).await?;
                if args.get("active") == Some("true") {
                    all.retain(|s| s.is_active);
                }
                okj(&page_by(all, |s| (s.name.to_lowercase(), s.id), &args)?)
            }
            Op::CreateService => {
                let input: ServiceInput = body(request)?;
                let mut s = ServiceType {
                    id: Uuid::now_v7(),
                    org_id: org,
                    name: String::new(),
                    description: None,
                    duration_minutes: required("duration_minutes", input.duration_minutes)?,
                    price_cents: required("price_cents", input.price_cents)?,
                    currency: "MXN".into(),
                    is_active: true,
                    buffer_minutes: 0,
                    created_at: now,
                    updated_at: now,
                };
                if input.name.is_none() {
                    return Err(ApiError::invalid("name", "es obligatorio."));
                }
                apply_service(&mut s, input)?;
                self.services()
                    .await?
                    .save_service(&self.act(ctx), &ctx.org, &s, true)
                    .await?;
                Ok(created(&s))
            }
            Op::GetService => okj(&self.service(org, path_id(params, "id")?).await?),
            Op::UpdateService => {
                let mut s = self.service(org, path_id(params, "id")?).await?;
                let input: ServiceInput = body(request)?;
                if input
                    .duration_minutes
                    .is_some_and(|d| d != s.duration_minutes)
                {
                    ctx.require(Action::ChangeServiceDurations)?;
                }
                apply_service(&mut s, input)?;
                s.updated_at = now;
                self.services()
                    .await?
                    .save_service(&self.act(ctx), &ctx.org, &s, false)
                    .await?;
                okj(&s)
            }
            Op::DeleteService => {
                let s = self.service(org, path_id(params, "id")?).await?;
                // History keeps pointing at a booked one: deactivated instead.
                match self
                    .services()
                    .await?
                    .retire_service(&self.act(ctx), &ctx.org, &s)
                    .await?
                {
                    Retired::Deactivated(s) => okj(&serde_json::json!({
                        "deleted": false,
                        "deactivated": true,
                        "service": s,
                    })),
                    Retired::Deleted => Ok(no_content()),
                }
            }
            _ => Err(ApiError::internal()),
        }
    }
}

pub(super) fn apply_service(s: &mut ServiceType, input: ServiceInput) -> Result<(), ApiError> {
    if let Some(n) = text("name", input.name, MAX_NAME, true)? {
        s.name = n;
    }
    if input.description.is_some() {
        s.description = text("description", input.description, MAX_TEXT, false)?;
    }
    // Bounds are the services' (check_service): one rule for every door.
    if let Some(d) = input.duration_minutes {
        s.duration_minutes = d;
    }
    if let Some(p) = input.price_cents {
        s.price_cents = p;
    }
    if let Some(c) = input.currency {
        s.currency = c.trim().to_ascii_uppercase();
    }
    if let Some(a) = input.is_active {
        s.is_active = a;
    }
    if let Some(b) = input.buffer_minutes {
        s.buffer_minutes = b;
    }
    Ok(())
}
