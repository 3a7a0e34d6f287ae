//! Customers and their notes.

use super::*;

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
        let now = self.clock.now();
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
                let mut c = self.customer(org, path_id(params, "id")?).await?;
                let input: CustomerPatch = body(request)?;
                if input.name.is_some() {
                    c.name = text("name", input.name, MAX_NAME, false)?;
                    c.name_verified_at = Some(now);
                }
                if let Some(e) = input.email {
                    let e = e.trim().to_string();
                    if !e.is_empty() && (!e.contains('@') || e.len() > 254) {
                        return Err(ApiError::invalid("email", "no es un correo válido."));
                    }
                    c.email = (!e.is_empty()).then_some(e);
                }
                if input.notes.is_some() {
                    c.notes = text("notes", input.notes, MAX_TEXT, false)?;
                }
                let seen = std::mem::replace(&mut c.updated_at, now);
                self.store.update_customer_seen(&c, seen).await?;
                okj(&c)
            }
            _ => Err(ApiError::internal()),
        }
    }
}
