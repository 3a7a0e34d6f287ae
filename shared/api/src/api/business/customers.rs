//! Customers and their notes.

use super::*;
use parlo_app::services::CustomerEdit;

impl Api {
    pub(super) async fn customers_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        match op {
            Op::ListCustomers => {
                let limit = args.limit()?;
                match args.get("q").map(str::trim).filter(|q| !q.is_empty()) {
                    Some(q)
                        if q.starts_with('+') || q.starts_with(|c: char| c.is_ascii_digit()) =>
                    {
                        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
                        let prefix = if q.starts_with('+')
                            || digits.starts_with("52") && digits.len() > 10
                        {
                            format!("+{digits}")
                        } else {
                            format!("+52{digits}")
                        };
                        let found = self
                            .store
                            .search_customers_by_phone(org, &prefix, limit)
                            .await?;
                        okj(&page_of(found, None))
                    }
                    Some(q) => {
                        let found = self.store.search_customers_by_name(org, q, limit).await?;
                        okj(&page_of(found, None))
                    }
                    None => {
                        let cursor = args.cursor()?;
                        let page = self
                            .store
                            .list_customers(org, limit as i32, cursor.as_deref())
                            .await?;
                        okj(&page_of(page.items, page.next))
                    }
                }
            }
            Op::GetCustomer => {
                let c = self.customer(org, path_id(params, "id")?).await?;
                let mut history = self.store.customer_appointments(org, c.id, None).await?;
                history.sort_by_key(|a| std::cmp::Reverse(a.start));
                let count = |s: AppointmentStatus| history.iter().filter(|a| a.status == s).count();
                let detail = CustomerDetail {
                    total_appointments: history.len(),
                    completed: count(AppointmentStatus::Completed),
                    no_shows: count(AppointmentStatus::NoShow),
                    cancellations: count(AppointmentStatus::Cancelled),
                    appointments: history
                        .into_iter()
                        .map(|a| AppointmentView::new(a, ctx.tz))
                        .collect(),
                    customer: c,
                };
                okj(&detail)
            }
            Op::UpdateCustomer => {
                let before = self.customer(org, path_id(params, "id")?).await?;
                let input: CustomerPatch = body(request)?;
                // Bounds and the write are the services' (the chat's too).
                let edit = CustomerEdit {
                    name: input.name,
                    email: input.email,
                    notes: input.notes,
                };
                let c = self
                    .services()
                    .await?
                    .edit_customer(&self.act(ctx), &ctx.org, &before, &edit)
                    .await?;
                okj(&c)
            }
            _ => Err(ApiError::internal()),
        }
    }
}
