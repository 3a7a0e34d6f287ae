//! Owner/admin tools: business hours, services, staff, permissions, stats.

use chrono::{NaiveDate, NaiveTime, Weekday};
use parlo_core::es::format;
use parlo_core::phone;
use parlo_core::*;
use parlo_store::StoreError;
use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursRange {
    /// "10:00".
    pub start: NaiveTime,
    pub end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeHoursArgs {
    /// "Mon" … "Sun" (or "Monday" …).
    pub weekday: Weekday,
    /// Empty: closed that day. Several ranges: split shift.
    pub ranges: Vec<HoursRange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursResult {
    pub weekday: String,
    /// "10:00 AM - 8:00 PM" per range; empty when closed.
    pub ranges: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeServiceArgs {
    pub service: String,
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[serde(default)]
    pub price_cents: Option<i64>,
    /// A new name.
    #[serde(default)]
    pub name: Option<String>,
    /// A new description (empty: none).
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceResult {
    pub service_id: ServiceId,
    pub name: String,
    pub duration_minutes: u32,
    pub price: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Still offered (false once retired).
    #[serde(default = "yes")]
    pub is_active: bool,
}

fn yes() -> bool {
    true
}

fn service_result(s: &ServiceType) -> ServiceResult {
    ServiceResult {
        service_id: s.id,
        name: s.name.clone(),
        duration_minutes: s.duration_minutes,
        price: format::price(s.price_cents, &s.currency),
        description: s.description.clone(),
        is_active: s.is_active,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddServiceArgs {
    pub name: String,
    pub duration_minutes: u32,
    pub price_cents: i64,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetireServiceArgs {
    pub service: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetiredService {
    pub name: String,
    /// Deleted (nobody ever booked it) rather than deactivated.
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseBusinessArgs {
    pub date_from: NaiveDate,
    /// Inclusive; defaults to `date_from`.
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    #[serde(default)]
    pub reason: Option<String>,
    /// Cancel the open appointments inside (their customers are told);
    /// without it, a closure over appointments is refused with the list.
    #[serde(default)]
    pub cancel_appointments: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub block_id: BlockId,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    /// "el martes 24 de diciembre" / "del martes 24 al miércoles 25 de diciembre".
    pub label: String,
    pub reason: Option<String>,
    /// What was cancelled to close (each customer was told).
    pub cancelled: Vec<AppointmentSummary>,
}

/// Longest service description.
pub const MAX_DESCRIPTION: usize = 300;

/// "el martes 24 de diciembre", "del martes 24 de diciembre al jueves 26
/// de diciembre".
pub fn closure_label(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> String {
    if from == to {
        format!("el {}", format::date_long(from, today))
    } else {
        format!(
            "del {} al {}",
            format::date_long(from, today),
            format::date_long(to, today)
        )
    }
}

/// Longest closure one message sets, in days.
pub const MAX_CLOSURE_DAYS: i64 = 92;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddStaffArgs {
    pub name: String,
    pub phone: String,
    /// Default `staff`; `admin`/`owner` need [`Action::ChangePermissions`].
    #[serde(default)]
    pub permission_level: Option<PermissionLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffResult {
    pub staff_id: StaffId,
    pub name: String,
    pub phone: String,
    pub permission_level: PermissionLevel,
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveStaffArgs {
    pub staff: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePermissionsArgs {
    pub staff: String,
    pub permission_level: PermissionLevel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsArgs {
    pub date_from: NaiveDate,
    /// Inclusive; defaults to `date_from`.
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    pub appointments: usize,
    pub completed: usize,
    pub no_shows: usize,
    pub cancelled: usize,
    pub upcoming: usize,
    /// Sum of completed appointments' prices.
    pub revenue: String,
    pub revenue_cents: i64,
}

fn staff_result(s: &Staff) -> StaffResult {
    StaffResult {
        staff_id: s.id,
        name: s.name.clone(),
        phone: s.phone.clone(),
        permission_level: s.permission_level,
        is_active: s.is_active,
    }
}

impl Tools {
    /// `change_business_hours` (Owner): one weekday's opening hours at the
    /// primary location.
    pub async fn change_business_hours(
        &self,
        actor: &Actor,
        args: &ChangeHoursArgs,
    ) -> ToolResult<HoursResult> {
        let ctx = self.staff_ctx(actor, Action::ChangeBusinessHours).await?;
        let ranges = args
            .ranges
            .iter()
            .map(|r| {
                TimeRange::new(r.start, r.end).ok_or(ToolError::InvalidArgument {
                    field: "ranges",
                    message: "cada horario debe cerrar después de abrir".into(),
                })
            })
            .collect::<ToolResult<Vec<_>>>()?;
        let mut location = ctx.location.clone();
        location.business_hours.days[args.weekday.num_days_from_monday() as usize] = ranges.clone();
        location.updated_at = self.now;
        self.services
            .save_location(&self.act(actor), &ctx.org, &location, false)
            .await?;
        self.forget_business();
        Ok(HoursResult {
            weekday: format::weekday_name(args.weekday).to_string(),
            ranges: ranges
                .iter()
                .map(|r| ctx.locale().time_range(r.start, r.end))
                .collect(),
        })
    }

    /// `change_service` (Owner): duration needs
    /// [`Action::ChangeServiceDurations`], price
    /// [`Action::ModifyServicesPrices`]. Existing appointments keep theirs.
    pub async fn change_service(
        &self,
        actor: &Actor,
        args: &ChangeServiceArgs,
    ) -> ToolResult<ServiceResult> {
        if args.duration_minutes.is_none()
            && args.price_cents.is_none()
            && args.name.is_none()
            && args.description.is_none()
        {
            return Err(ToolError::InvalidArgument {
                field: "service",
                message: "indica el nuevo precio, duración, nombre o descripción".into(),
            });
        }
        let ctx = self.staff_ctx(actor, Action::ViewOwnSchedule).await?;
        let level = ctx.me.as_ref().map(|m| m.permission_level);
        let needs = [
            (
                args.duration_minutes.is_some(),
                Action::ChangeServiceDurations,
            ),
            (
                args.price_cents.is_some() || args.name.is_some() || args.description.is_some(),
                Action::ModifyServicesPrices,
            ),
        ];
        for (wanted, action) in needs {
            if wanted && !level.is_some_and(|l| allows(l, action)) {
                return Err(ToolError::Forbidden { action });
            }
        }
        let mut service = ctx.resolve_service(&args.service)?.clone();
        // Bounds are the services' (the same for the dashboard).
        if let Some(d) = args.duration_minutes {
            service.duration_minutes = d;
        }
        if let Some(p) = args.price_cents {
            service.price_cents = p;
        }
        if let Some(n) = &args.name {
            let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
            let taken = ctx.services.iter().any(|o| {
                o.id != service.id
                    && o.is_active
                    && es::fuzzy::normalize(&o.name) == es::fuzzy::normalize(&n)
            });
            if taken {
                return Err(ToolError::AlreadyExists { what: "service" });
            }
            service.name = n;
        }
        if let Some(d) = &args.description {
            let d = d.trim();
            if d.chars().count() > MAX_DESCRIPTION {
                return Err(ToolError::InvalidArgument {
                    field: "description",
                    message: format!("es muy larga (máximo {MAX_DESCRIPTION} caracteres)"),
                });
            }
            service.description = (!d.is_empty()).then(|| d.to_string());
        }
        service.updated_at = self.now;
        self.services
            .save_service(&self.act(actor), &ctx.org, &service, false)
            .await?;
        self.forget_business();
        Ok(service_result(&service))
    }

    /// `add_service` (Owner, [`Action::ModifyServicesPrices`]): a new
    /// service every bookable team member performs, bookable at once. A
    /// retired one with the same name comes back with the new price and
    /// duration. Idempotent per turn and name.
    pub async fn add_service(
        &self,
        actor: &Actor,
        args: &AddServiceArgs,
    ) -> ToolResult<ServiceResult> {
        let ctx = self.staff_ctx(actor, Action::ModifyServicesPrices).await?;
        let name = args.name.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = es::fuzzy::normalize(&name);
        let same = |s: &&ServiceType| es::fuzzy::normalize(&s.name) == key;
        if ctx
            .services
            .iter()
            .filter(|s| s.is_active)
            .any(|s| same(&s))
        {
            return Err(ToolError::AlreadyExists { what: "service" });
        }
        let description = args
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
        {
            return Err(ToolError::InvalidArgument {
                field: "description",
                message: format!("es muy larga (máximo {MAX_DESCRIPTION} caracteres)"),
            });
        }
        let act = self.act(actor);
        let performers: Vec<Staff> = ctx
            .staff
            .iter()
            .filter(|s| s.is_active && s.bookable)
            .cloned()
            .collect();
        let service = match ctx.services.iter().find(same) {
            // Retired earlier: back, with what was asked now.
            Some(old) => {
                let mut s = old.clone();
                s.is_active = true;
                s.duration_minutes = args.duration_minutes;
                s.price_cents = args.price_cents;
                if description.is_some() {
                    s.description = description;
                }
                s.updated_at = self.now;
                self.services
                    .save_service(&act, &ctx.org, &s, false)
                    .await?;
                s
            }
            None => {
                let currency = ctx
                    .services
                    .first()
                    .map_or_else(|| "MXN".to_string(), |s| s.currency.clone());
                let s = ServiceType {
                    id: self.id_for("add_service", &[&key]),
                    org_id: ctx.org.id,
                    name,
                    description,
                    duration_minutes: args.duration_minutes,
                    price_cents: args.price_cents,
                    currency,
                    is_active: true,
                    buffer_minutes: 0,
                    created_at: self.now,
                    updated_at: self.now,
                };
                self.services
                    .add_service(&act, &ctx.org, &s, &performers)
                    .await?;
                s
            }
        };
        self.forget_business();
        Ok(service_result(&service))
    }

    /// `retire_service` (Owner, [`Action::ModifyServicesPrices`]): no
    /// longer offered. Deleted when nobody ever booked it, else
    /// deactivated (its history stays readable); booked appointments keep
    /// it.
    pub async fn retire_service(
        &self,
        actor: &Actor,
        args: &RetireServiceArgs,
    ) -> ToolResult<RetiredService> {
        let ctx = self.staff_ctx(actor, Action::ModifyServicesPrices).await?;
        let service = ctx.resolve_service(&args.service)?.clone();
        let retired = self
            .services
            .retire_service(&self.act(actor), &ctx.org, &service)
            .await?;
        self.forget_business();
        Ok(RetiredService {
            name: service.name,
            deleted: matches!(retired, parlo_app::services::Retired::Deleted),
        })
    }

    /// `close_business` ([`Action::BlockOthersTime`]): the whole business
    /// closed for whole local days (a holiday, inventory). Open
    /// appointments inside refuse it ([`ToolError::Booked`], with the
    /// list) unless `cancel_appointments`, which cancels and tells each
    /// customer first. Today closes from now on.
    pub async fn close_business(
        &self,
        actor: &Actor,
        args: &CloseBusinessArgs,
    ) -> ToolResult<Closure> {
        let ctx = self.staff_ctx(actor, Action::BlockOthersTime).await?;
        let from = args.date_from;
        let to = args.date_to.unwrap_or(from);
        if from < ctx.today {
            return Err(ToolError::InvalidArgument {
                field: "date_from",
                message: "esa fecha ya pasó".into(),
            });
        }
        if to < from || (to - from).num_days() >= MAX_CLOSURE_DAYS {
            return Err(ToolError::InvalidArgument {
                field: "date_to",
                message: format!("debe estar entre date_from y {MAX_CLOSURE_DAYS} días después"),
            });
        }
        let (day_start, _) = day_bounds_utc(ctx.tz, from);
        let (end, _) = day_bounds_utc(ctx.tz, to + chrono::Days::new(1));
        let start = day_start.max(self.now);
        let reason = args
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| r.chars().take(200).collect::<String>());
        let id = self.id_for("close_business", &[&from.to_string(), &to.to_string()]);
        let closure = TimeBlock {
            id,
            org_id: ctx.org.id,
            staff_id: None,
            start,
            end,
            reason: reason.clone(),
            created_by: ctx.me.as_ref().map(|m| m.id),
            created_at: self.now,
        };
        let cancelled = match self
            .services
            .close_business(
                &self.act(actor),
                ctx.biz(),
                &closure,
                args.cancel_appointments,
            )
            .await
        {
            Ok(c) => c,
            Err(parlo_app::services::BlockError::Booked(appts)) => {
                return Err(ToolError::Booked {
                    appointments: self.summaries(&ctx, &appts).await?,
                })
            }
            Err(e) => return Err(e.into()),
        };
        Ok(Closure {
            block_id: id,
            date_from: from,
            date_to: to,
            label: closure_label(from, to, ctx.today),
            reason,
            cancelled: self.summaries(&ctx, &cancelled).await?,
        })
    }

    /// Appointments as results show them, with their customers' names.
    async fn summaries(
        &self,
        ctx: &Ctx,
        appts: &[Appointment],
    ) -> ToolResult<Vec<AppointmentSummary>> {
        let names = ctx
            .customer_names(&self.store, appts.iter().map(|a| a.customer_id))
            .await?;
        Ok(appts
            .iter()
            .map(|a| ctx.summary(a, names.get(&a.customer_id).cloned()))
            .collect())
    }

    /// `add_staff` (Admin+): a new staff member who performs every active
    /// service. Levels above `staff` need [`Action::ChangePermissions`].
    /// Idempotent per turn and phone.
    pub async fn add_staff(&self, actor: &Actor, args: &AddStaffArgs) -> ToolResult<StaffResult> {
        let ctx = self.staff_ctx(actor, Action::AddStaff).await?;
        let me = ctx.me.clone().expect("staff context");
        if ctx.org.status == parlo_core::OrgStatus::Onboarding {
            // Nobody is listed as staff of a business that is not set up
            // yet (issue 11, item 1).
            return Err(ToolError::InvalidArgument {
                field: "phone",
                message: "termina el registro del negocio antes de agregar personal".into(),
            });
        }
        let level = args.permission_level.unwrap_or(PermissionLevel::Staff);
        if level > PermissionLevel::Staff && !allows(me.permission_level, Action::ChangePermissions)
        {
            return Err(ToolError::Forbidden {
                action: Action::ChangePermissions,
            });
        }
        let e164 = phone::normalize(&args.phone, phone::Region::for_timezone(&ctx.org.timezone))
            .map_err(|e| ToolError::InvalidArgument {
                field: "phone",
                message: e.to_string(),
            })?;
        let name = args.name.trim();
        if name.is_empty() {
            return Err(ToolError::InvalidArgument {
                field: "name",
                message: "falta el nombre".into(),
            });
        }
        let id = self.id_for("add_staff", &[&e164]);
        let staff = Staff {
            id,
            org_id: ctx.org.id,
            location_id: Some(ctx.location.id),
            name: name.to_string(),
            phone: e164.clone(),
            role: if level == PermissionLevel::Owner {
                StaffRole::Owner
            } else {
                StaffRole::Employee
            },
            permission_level: level,
            is_active: true,
            first_message_at: None,
            default_spot_id: None,
            service_ids: ctx
                .services
                .iter()
                .filter(|s| s.is_active)
                .map(|s| s.id)
                .collect(),
            bookable: true,
            created_at: self.now,
            updated_at: self.now,
        };
        self.forget_business();
        match self
            .services
            .add_staff(&self.act(actor), &ctx.org, &staff)
            .await
        {
            Ok(s) => Ok(staff_result(&s)),
            Err(StoreError::AlreadyExists { .. }) => Err(ToolError::AlreadyExists {
                what: "staff phone",
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// `remove_staff` (Admin+): deactivates (history stays readable).
    /// Nobody removes themselves; only an Owner removes an Owner.
    pub async fn remove_staff(
        &self,
        actor: &Actor,
        args: &RemoveStaffArgs,
    ) -> ToolResult<StaffResult> {
        let ctx = self.staff_ctx(actor, Action::RemoveStaff).await?;
        let me = ctx.me.clone().expect("staff context");
        let mut target = ctx.resolve_staff(&args.staff)?.clone();
        if target.id == me.id {
            return Err(ToolError::InvalidArgument {
                field: "staff",
                message: "no puedes darte de baja a ti mismo".into(),
            });
        }
        if target.permission_level > me.permission_level {
            return Err(ToolError::Forbidden {
                action: Action::ChangePermissions,
            });
        }
        target.is_active = false;
        // Against the version this turn read (issue 11, item 7).
        let seen = std::mem::replace(&mut target.updated_at, self.now);
        self.services
            .save_staff(&self.act(actor), &ctx.org, &target, seen)
            .await?;
        self.forget_business();
        Ok(staff_result(&target))
    }

    /// `change_permissions` (Owner): another staff member's level.
    pub async fn change_permissions(
        &self,
        actor: &Actor,
        args: &ChangePermissionsArgs,
    ) -> ToolResult<StaffResult> {
        let ctx = self.staff_ctx(actor, Action::ChangePermissions).await?;
        let me = ctx.me.clone().expect("staff context");
        let mut target = ctx.resolve_staff(&args.staff)?.clone();
        if target.id == me.id {
            return Err(ToolError::InvalidArgument {
                field: "staff",
                message: "no puedes cambiar tu propio permiso".into(),
            });
        }
        if target.permission_level != args.permission_level {
            target.permission_level = args.permission_level;
            let seen = std::mem::replace(&mut target.updated_at, self.now);
            self.services
                .save_staff(&self.act(actor), &ctx.org, &target, seen)
                .await?;
            self.forget_business();
        }
        Ok(staff_result(&target))
    }

    /// `view_stats` (Admin+): appointment counts and revenue over local
    /// dates (at most 62 days).
    pub async fn view_stats(&self, actor: &Actor, args: &StatsArgs) -> ToolResult<Stats> {
        let ctx = self.staff_ctx(actor, Action::ViewStats).await?;
        let to = args.date_to.unwrap_or(args.date_from);
        if to < args.date_from || (to - args.date_from).num_days() > 62 {
            return Err(ToolError::InvalidArgument {
                field: "date_to",
                message: "debe estar entre date_from y 62 días después".into(),
            });
        }
        let (lo, _) = day_bounds_utc(ctx.tz, args.date_from);
        let (hi, _) = day_bounds_utc(ctx.tz, to + chrono::Days::new(1));
        let mut appts = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .store
                .appointments_between(ctx.org.id, lo, hi, 500, cursor.as_deref())
                .await?;
            appts.extend(page.items);
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        let count = |s: AppointmentStatus| appts.iter().filter(|a| a.status == s).count();
        let revenue_cents: i64 = appts
            .iter()
            .filter(|a| a.status == AppointmentStatus::Completed)
            .map(|a| a.price_cents)
            .sum();
        let currency = ctx
            .services
            .first()
            .map_or("MXN".to_string(), |s| s.currency.clone());
        Ok(Stats {
            date_from: args.date_from,
            date_to: to,
            appointments: appts.len(),
            completed: count(AppointmentStatus::Completed),
            no_shows: count(AppointmentStatus::NoShow),
            cancelled: count(AppointmentStatus::Cancelled),
            upcoming: appts
                .iter()
                .filter(|a| {
                    a.start >= self.now
                        && matches!(
                            a.status,
                            AppointmentStatus::Pending | AppointmentStatus::Confirmed
                        )
                })
                .count(),
            revenue: format::price(revenue_cents, &currency),
            revenue_cents,
        })
    }
}
