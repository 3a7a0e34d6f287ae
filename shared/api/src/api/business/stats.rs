//! Stats of a date range.

use super::*;

impl Api {
    pub(super) async fn stats_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        _params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::Stats => {
                let today = now.with_timezone(&ctx.tz).date_naive();
                let to = args.date("to")?.unwrap_or(today);
                let from = args.date("from")?.unwrap_or(to - Duration::days(29));
                if from > to || (to - from).num_days() >= MAX_RANGE_DAYS {
                    return Err(ApiError::invalid(
                        "from",
                        "el periodo debe empezar antes de terminar y durar a lo más 92 días.",
                    ));
                }
                let appts = self
                    .store
                    .appointments_in(
                        org,
                        local_midnight(ctx.tz, from),
                        local_midnight(ctx.tz, to + Duration::days(1)),
                    )
                    .await?;
                okj(&stats(&appts, ctx.tz, from, to))
            }
            _ => Err(ApiError::internal()),
        }
    }
}

pub fn stats(appts: &[Appointment], tz: chrono_tz::Tz, from: NaiveDate, to: NaiveDate) -> StatsOut {
    let mut by_day: BTreeMap<NaiveDate, StatsCounts> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        by_day.insert(d, StatsCounts::default());
        d += Duration::days(1);
    }
    let mut totals = StatsCounts::default();
    for a in appts {
        let day = a.start.with_timezone(&tz).date_naive();
        count(by_day.entry(day).or_default(), a);
        count(&mut totals, a);
    }
    StatsOut {
        from,
        to,
        timezone: tz.name().to_string(),
        totals,
        by_day: by_day
            .into_iter()
            .map(|(date, counts)| StatsDay { date, counts })
            .collect(),
    }
}

pub(super) fn count(c: &mut StatsCounts, a: &Appointment) {
    c.bookings += 1;
    match a.status {
        AppointmentStatus::Completed => {
            c.completed += 1;
            c.revenue_cents += a.price_cents;
        }
        AppointmentStatus::NoShow => c.no_shows += 1,
        AppointmentStatus::Cancelled => c.cancellations += 1,
        _ => {}
    }
}
