//! Locations (sucursales) and their business hours.

use super::*;

impl Api {
    pub(super) async fn locations_routes(
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
            Op::ListLocations => okj(&page_by(
                self.store.list_locations(org).await?,
                |l| (!l.is_primary, l.id),
                &args,
            )?),
            Op::CreateLocation => {
                let input: LocationInput = body(request)?;
                let hours = input.business_hours.unwrap_or_default();
                let l = Location {
                    id: Uuid::now_v7(),
                    org_id: org,
                    name: required("name", text("name", input.name, MAX_NAME, true)?)?,
                    address: text("address", input.address, MAX_TEXT, false)?,
                    is_primary: input.is_primary.unwrap_or(false),
                    business_hours: hours,
                    created_at: now,
                    updated_at: now,
                };
                self.services()
                    .await?
                    .save_location(&self.act(ctx), &ctx.org, &l, true)
                    .await?;
                Ok(created(&l))
            }
            Op::GetLocation => okj(&self.location(org, path_id(params, "id")?).await?),
            Op::UpdateLocation => {
                let mut l = self.location(org, path_id(params, "id")?).await?;
                let input: LocationInput = body(request)?;
                if let Some(n) = text("name", input.name, MAX_NAME, true)? {
                    l.name = n;
                }
                if input.address.is_some() {
                    l.address = text("address", input.address, MAX_TEXT, false)?;
                }
                if let Some(p) = input.is_primary {
                    l.is_primary = p;
                }
                if let Some(h) = input.business_hours {
                    l.business_hours = h;
                }
                l.updated_at = now;
                self.services()
                    .await?
                    .save_location(&self.act(ctx), &ctx.org, &l, false)
                    .await?;
                okj(&l)
            }
            Op::DeleteLocation => {
                let l = self.location(org, path_id(params, "id")?).await?;
                if l.is_primary {
                    return Err(conflict(
                        "primary_location",
                        "No puedes borrar la sucursal principal.",
                    ));
                }
                self.services()
                    .await?
                    .delete_location(&self.act(ctx), &ctx.org, &l)
                    .await?;
                Ok(no_content())
            }
            _ => Err(ApiError::internal()),
        }
    }
}
