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
        let now = self.clock.now();
        match op {
            Op::GetOrganization => okj(&OrganizationView::new(&ctx.org)),
            Op::UpdateOrganization => {
                let patch: OrganizationPatch = body(request)?;
                let mut o = ctx.org.clone();
                if let Some(n) = text("name", patch.name, MAX_NAME, true)? {
                    o.name = n;
                }
                if let Some(tz) = patch.timezone {
                    o.timezone = tz;
                }
                if let Some(s) = patch.settings {
                    // Every field within bounds (they feed time arithmetic).
                    s.validate()
                        .map_err(|(field, message)| ApiError::invalid(field, message))?;
                    o.settings = s;
                }
                o.updated_at = now;
                self.services()
                    .await?
                    .save_organization(&self.act(ctx), &ctx.org, &o)
                    .await?;
                okj(&OrganizationView::new(&o))
            }
            _ => Err(ApiError::internal()),
        }
    }
}
