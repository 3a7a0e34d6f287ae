//! Spots (chairs, stations, rooms) and their order.

use super::*;

impl Api {
    pub(super) async fn spots_routes(
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
            Op::ListSpots => okj(&page_by(
                self.store.list_spots(org).await?,
                |s| (s.display_order, s.id),
                &args,
            )?),
            Op::CreateSpot => {
                let input: SpotInput = body(request)?;
                let existing = self.store.list_spots(org).await?;
                let location_id = match input.location_id {
                    Some(l) => self.location(org, l).await?.id,
                    None => self.primary_location(org).await?.id,
                };
                let mut s = Spot {
                    id: Uuid::now_v7(),
                    org_id: org,
                    location_id,
                    name: required("name", text("name", input.name.clone(), MAX_NAME, true)?)?,
                    display_order: existing
                        .iter()
                        .map(|s| s.display_order + 1)
                        .max()
                        .unwrap_or(0),
                    is_active: true,
                    service_ids: Vec::new(),
                    created_at: now,
                    updated_at: now,
                };
                self.apply_spot(
                    org,
                    &mut s,
                    SpotInput {
                        location_id: None,
                        ..input
                    },
                )
                .await?;
                self.services()
                    .await?
                    .save_spots(&self.act(ctx), &ctx.org, std::slice::from_ref(&s), true)
                    .await?;
                Ok(created(&s))
            }
            Op::GetSpot => okj(&self.spot(org, path_id(params, "id")?).await?),
            Op::UpdateSpot => {
                let mut s = self.spot(org, path_id(params, "id")?).await?;
                let input: SpotInput = body(request)?;
                if let Some(l) = input.location_id {
                    s.location_id = self.location(org, l).await?.id;
                }
                self.apply_spot(org, &mut s, input).await?;
                s.updated_at = now;
                self.services()
                    .await?
                    .save_spots(&self.act(ctx), &ctx.org, std::slice::from_ref(&s), false)
                    .await?;
                okj(&s)
            }
            Op::DeleteSpot => {
                let s = self.spot(org, path_id(params, "id")?).await?;
                self.services()
                    .await?
                    .delete_spot(&self.act(ctx), &ctx.org, &s)
                    .await?;
                Ok(no_content())
            }
            Op::OrderSpots => {
                let input: SpotOrder = body(request)?;
                let spots = self.store.list_spots(org).await?;
                let given: HashSet<Uuid> = input.spot_ids.iter().copied().collect();
                let known: HashSet<Uuid> = spots.iter().map(|s| s.id).collect();
                if given != known || given.len() != input.spot_ids.len() {
                    return Err(ApiError::invalid(
                        "spot_ids",
                        "manda todos los lugares del negocio, cada uno una vez.",
                    ));
                }
                let changed: Vec<Spot> = spots
                    .into_iter()
                    .filter_map(|mut s| {
                        let order = input.spot_ids.iter().position(|id| *id == s.id)? as u32;
                        (s.display_order != order).then(|| {
                            s.display_order = order;
                            s.updated_at = now;
                            s
                        })
                    })
                    .collect();
                if !changed.is_empty() {
                    self.services()
                        .await?
                        .save_spots(&self.act(ctx), &ctx.org, &changed, false)
                        .await?;
                }
                let mut all = self.store.list_spots(org).await?;
                all.sort_by_key(|s| s.display_order);
                okj(&PageOut {
                    items: all,
                    next_cursor: None,
                })
            }
            _ => Err(ApiError::internal()),
        }
    }

    pub(super) async fn apply_spot(
        &self,
        org: OrgId,
        s: &mut Spot,
        input: SpotInput,
    ) -> Result<(), ApiError> {
        if let Some(n) = text("name", input.name, MAX_NAME, true)? {
            s.name = n;
        }
        if let Some(o) = input.display_order {
            s.display_order = o;
        }
        if let Some(a) = input.is_active {
            s.is_active = a;
        }
        if let Some(ids) = input.service_ids {
            self.check_services(org, &ids).await?;
            s.service_ids = dedup(ids);
        }
        Ok(())
    }
}
