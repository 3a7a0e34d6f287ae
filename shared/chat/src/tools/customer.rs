//! Customer tools (spec/001 "Available Tools for AI"): availability,
//! booking, the customer's appointments, cancel, reschedule, handoff.

use chrono::{NaiveDate, NaiveTime};
use parlo_core::es::format;
use parlo_core::es::when;
use parlo_core::*;
use parlo_store::{BookRequest, RescheduleRequest, StaffChoice, StoreError};
use serde::{Deserialize, Serialize};

use super::*;

/// A part of the day to narrow availability to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartOfDay {
    /// 08:00–11:00.
    Early,
    /// 09:00–12:00.
    Morning,
    /// 12:00–19:00.
    Afternoon,
    /// 19:00–22:00.
    Evening,
}

impl PartOfDay {
    fn bounds(self) -> (NaiveTime, NaiveTime) {
        match self {
            PartOfDay::Early => when::PartOfDay::Early,
            PartOfDay::Morning => when::PartOfDay::Morning,
            PartOfDay::Afternoon => when::PartOfDay::Afternoon,
            PartOfDay::Evening => when::PartOfDay::Evening,
        }
        .bounds()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAvailabilityArgs {
    /// Service name (as the person said it) or id.
    pub service: String,
    pub date_from: NaiveDate,
    /// Inclusive; defaults to `date_from`; at most 14 days after it.
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    /// Preferred staff member, name or id.
    #[serde(default)]
    pub staff: Option<String>,
    #[serde(default)]
    pub part_of_day: Option<PartOfDay>,
    /// At most this many slots (default 8).
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityResult {
    pub service: String,
    pub duration_minutes: u32,
    pub price: String,
    pub slots: Vec<Slot>,
    /// More slots exist than were listed.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookAppointmentArgs {
    pub service: String,
    /// `2030-01-08T11:00` (business wall clock) or RFC 3339 with offset.
    pub start: String,
    #[serde(default)]
    pub staff: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAppointmentArgs {
    pub appointment_id: String,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescheduleAppointmentArgs {
    pub appointment_id: String,
    pub new_start: String,
    /// Another staff member; omitted keeps the current one.
    #[serde(default)]
    pub staff: Option<String>,
}

/// `reschedule_appointment` with everything a customer may change in one
/// move: the time, the service (its duration checked at the new time) and
/// the staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeAppointmentArgs {
    pub appointment_id: String,
    /// The start (the current one to keep the time).
    pub new_start: String,
    /// Another staff member; omitted keeps the current one.
    #[serde(default)]
    pub staff: Option<String>,
    /// Another service, name or id; omitted keeps the current one.
    #[serde(default)]
    pub service: Option<String>,
}

impl From<&RescheduleAppointmentArgs> for ChangeAppointmentArgs {
    fn from(a: &RescheduleAppointmentArgs) -> Self {
        Self {
            appointment_id: a.appointment_id.clone(),
            new_start: a.new_start.clone(),
            staff: a.staff.clone(),
            service: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveNameArgs {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedName {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffArgs {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffResult {
    pub handed_off_until: chrono::DateTime<chrono::Utc>,
}

impl Tools {
    /// `check_availability`: free starts for a service over local dates.
    pub async fn check_availability(
        &self,
        actor: &Actor,
        args: &CheckAvailabilityArgs,
    ) -> ToolResult<AvailabilityResult> {
        let ctx = self.ctx(actor).await?;
        let service = ctx.resolve_service(&args.service)?;
        let staff = match &args.staff {
            Some(s) => Some(ctx.resolve_staff(s)?.id),
            None => None,
        };
        let to = args.date_to.unwrap_or(args.date_from);
        if to < args.date_from || (to - args.date_from).num_days() >= MAX_QUERY_DAYS {
            return Err(ToolError::InvalidArgument {
                field: "date_to",
                message: format!("debe estar entre date_from y {MAX_QUERY_DAYS} días después"),
            });
        }
        let from = args.date_from.max(ctx.today);
        let mut slots = ctx
            .free_slots(&self.store, service.id, from, to, staff, self.now)
            .await?;
        if let Some(part) = args.part_of_day {
            let (lo, hi) = part.bounds();
            slots.retain(|s| s.local_start.time() >= lo && s.local_start.time() < hi);
        }
        let limit = args.limit.unwrap_or(DEFAULT_SLOT_LIMIT).clamp(1, 50);
        Ok(AvailabilityResult {
            service: service.name.clone(),
            duration_minutes: service.duration_minutes,
            price: format::price(service.price_cents, &service.currency),
            more: slots.len() > limit,
            slots: slots.iter().take(limit).map(|s| ctx.slot(s)).collect(),
        })
    }

    /// `book_appointment` (customers): books the customer at an exact
    /// start. Idempotent per turn and arguments.
    pub async fn book_appointment(
        &self,
        actor: &Actor,
        args: &BookAppointmentArgs,
    ) -> ToolResult<AppointmentSummary> {
        let Actor::Customer { customer, .. } = *actor else {
            return Err(ToolError::NotForActor);
        };
        let ctx = self.ctx(actor).await?;
        let service = ctx.resolve_service(&args.service)?;
        let staff = match &args.staff {
            Some(s) => Some(ctx.resolve_staff(s)?.id),
            None => None,
        };
        let start = ctx.instant("start", &args.start)?;
        let staff_part = staff.map(|s| s.to_string()).unwrap_or_default();
        let id = self.id_for(
            "book_appointment",
            &[
                &customer.to_string(),
                &service.id.to_string(),
                &start.to_rfc3339(),
                &staff_part,
            ],
        );
        let req = BookRequest {
            id,
            org_id: ctx.org.id,
            location_id: ctx.location.id,
            service_id: service.id,
            customer_id: customer,
            start,
            staff_pref: staff,
            spot_pref: None,
            source: AppointmentSource::Whatsapp,
            status: AppointmentStatus::Confirmed,
            notes: None,
            now: self.now,
        };
        match self.services.book(&self.act(actor), ctx.biz(), &req).await {
            Ok(a) => Ok(ctx.summary(&a, None)),
            Err(e) => Err(self
                .with_alternatives(&ctx, e, service.id, staff, start)
                .await),
        }
    }

    /// Turns a booking failure into a tool error with alternatives.
    pub(crate) async fn with_alternatives(
        &self,
        ctx: &Ctx,
        e: StoreError,
        service: ServiceId,
        staff: Option<StaffId>,
        wanted: chrono::DateTime<chrono::Utc>,
    ) -> ToolError {
        let offer = matches!(
            e,
            StoreError::SlotTaken { .. }
                | StoreError::Unavailable(
                    Unavailable::SlotTaken | Unavailable::Closed | Unavailable::TooSoon
                )
        );
        if !offer {
            return e.into();
        }
        let alternatives = match ctx
            .alternatives(&self.store, service, staff, wanted, self.now, ALTERNATIVES)
            .await
        {
            Ok(a) => a,
            Err(err) => return err,
        };
        match e {
            StoreError::Unavailable(reason) if reason != Unavailable::SlotTaken => {
                ToolError::Unavailable {
                    reason,
                    alternatives,
                }
            }
            _ => ToolError::SlotTaken { alternatives },
        }
    }

    /// `get_customer_appointments` (customers): the customer's upcoming
    /// open appointments.
    pub async fn get_customer_appointments(
        &self,
        actor: &Actor,
    ) -> ToolResult<Vec<AppointmentSummary>> {
        let Actor::Customer { customer, .. } = *actor else {
            return Err(ToolError::NotForActor);
        };
        let ctx = self.ctx(actor).await?;
        let appts = self
            .store
            .customer_appointments(ctx.org.id, customer, Some(self.now))
            .await?;
        Ok(appts
            .iter()
            .filter(|a| {
                a.customer_id == customer
                    && matches!(
                        a.status,
                        AppointmentStatus::Pending | AppointmentStatus::Confirmed
                    )
            })
            .map(|a| ctx.summary(a, None))
            .collect())
    }

    /// `cancel_appointment`: a customer cancels their own appointment;
    /// staff need [`Action::CancelAppointment`]. Cancelling an already
    /// cancelled appointment answers its summary (a retried turn).
    pub async fn cancel_appointment(
        &self,
        actor: &Actor,
        args: &CancelAppointmentArgs,
    ) -> ToolResult<AppointmentSummary> {
        let ctx = match actor {
            Actor::Customer { .. } => self.ctx(actor).await?,
            Actor::Staff { .. } => self.staff_ctx(actor, Action::CancelAppointment).await?,
        };
        let appt = self
            .visible_appointment(actor, &args.appointment_id)
            .await?;
        if appt.status == AppointmentStatus::Cancelled {
            return Ok(ctx.summary(&appt, None));
        }
        let done = self
            .services
            .cancel(&self.act(actor), ctx.biz(), &appt, args.reason.clone())
            .await?;
        Ok(ctx.summary(&done, None))
    }

    /// `reschedule_appointment`: moves the actor's (or, for staff with
    /// [`Action::CancelAppointment`] and [`Action::CreateBooking`], any)
    /// appointment. Keeps the staff member unless one is named.
    pub async fn reschedule_appointment(
        &self,
        actor: &Actor,
        args: &RescheduleAppointmentArgs,
    ) -> ToolResult<AppointmentSummary> {
        self.change_appointment(actor, &args.into()).await
    }

    /// `reschedule_appointment` with a service too: time, service and
    /// staff member change in one atomic move (the store's ledger
    /// transaction checks the new service's duration at the new start).
    pub async fn change_appointment(
        &self,
        actor: &Actor,
        args: &ChangeAppointmentArgs,
    ) -> ToolResult<AppointmentSummary> {
        let ctx = match actor {
            Actor::Customer { .. } => self.ctx(actor).await?,
            Actor::Staff { .. } => {
                let ctx = self.staff_ctx(actor, Action::CancelAppointment).await?;
                let level = ctx.me.as_ref().map(|m| m.permission_level);
                if !level.is_some_and(|l| allows(l, Action::CreateBooking)) {
                    return Err(ToolError::Forbidden {
                        action: Action::CreateBooking,
                    });
                }
                ctx
            }
        };
        let appt = self
            .visible_appointment(actor, &args.appointment_id)
            .await?;
        let new_start = ctx.instant("new_start", &args.new_start)?;
        let service = match &args.service {
            Some(s) => Some(ctx.resolve_service(s)?.id).filter(|id| *id != appt.service_id),
            None => None,
        };
        let choice = match &args.staff {
            Some(s) => StaffChoice::Exactly(ctx.resolve_staff(s)?.id),
            None => StaffChoice::Keep,
        };
        let staff_for_alternatives = match choice {
            StaffChoice::Exactly(s) => Some(s),
            _ => Some(appt.staff_id),
        };
        let req = RescheduleRequest {
            service,
            org_id: ctx.org.id,
            appointment_id: appt.id,
            new_start,
            staff: choice,
            spot_pref: appt.spot_id,
            now: self.now,
        };
        match self
            .services
            .reschedule(&self.act(actor), ctx.biz(), &appt, &req)
            .await
        {
            Ok(a) => Ok(ctx.summary(&a, None)),
            Err(e) => Err(self
                .with_alternatives(
                    &ctx,
                    e,
                    service.unwrap_or(appt.service_id),
                    staff_for_alternatives,
                    new_start,
                )
                .await),
        }
    }

    /// `handoff_to_human` (customers): hands the conversation to a person
    /// for 24 hours; the owners are told (services layer).
    pub async fn handoff_to_human(
        &self,
        actor: &Actor,
        args: &HandoffArgs,
    ) -> ToolResult<HandoffResult> {
        let Actor::Customer { customer, .. } = *actor else {
            return Err(ToolError::NotForActor);
        };
        let ctx = self.ctx(actor).await?;
        let customer = self
            .services
            .customer(ctx.org.id, customer)
            .await?
            .ok_or_else(|| ToolError::not_found("customer"))?;
        let conv = self
            .store
            .get_conversation(ctx.org.id, &customer.phone)
            .await?
            .ok_or_else(|| ToolError::not_found("conversation"))?;
        let conv = self
            .services
            .handoff(
                &self.act(actor),
                ctx.biz(),
                &customer,
                conv,
                &args.reason,
                &ctx.location.business_hours,
            )
            .await
            .map_err(|e| ToolError::Internal(e.to_string()))?;
        let until = conv.handed_off_until.unwrap_or(self.now);
        Ok(HandoffResult {
            handed_off_until: until,
        })
    }

    /// `save_my_name` (customers): the name the customer gave or confirmed
    /// for themselves, kept on their record (services layer).
    pub async fn save_own_name(&self, actor: &Actor, args: &SaveNameArgs) -> ToolResult<SavedName> {
        let Actor::Customer { customer, .. } = *actor else {
            return Err(ToolError::NotForActor);
        };
        let ctx = self.ctx(actor).await?;
        let before = self
            .services
            .customer(ctx.org.id, customer)
            .await?
            .ok_or_else(|| ToolError::not_found("customer"))?;
        self.services
            .confirm_own_name(&self.act(actor), &before, &args.name)
            .await
            .map_err(ToolError::from)
            .map(|c| SavedName {
                name: c.name.unwrap_or_default(),
            })
    }
}
