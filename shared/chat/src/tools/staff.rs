//! Staff tools (spec/001 "staff_tools"): schedules, blocks, attendance,
//! walk-ins, customer history. Every one checks the permission matrix.

use chrono::{DateTime, Days, NaiveDate, Utc};
use parlo_core::es::format;
use parlo_core::phone;
use parlo_core::*;
use parlo_store::{BookRequest, WalkInRequest};
use serde::{Deserialize, Serialize};

use super::*;

/// The longest block one message may create (the API's limit too): each
/// day is one ledger write in a single transaction of at most 100.

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleArgs {
    /// Local date; defaults to today.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

pub use parlo_app::day::{Schedule, ScheduleItem, ScheduleItemKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockTimeArgs {
    /// Wall clock (`2030-01-08T14:00`) or RFC 3339.
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// Another staff member (Admin and Owner only); omitted: oneself.
    #[serde(default)]
    pub staff: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockResult {
    pub block_id: BlockId,
    pub staff: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// "martes 8 de enero, 2:00 PM - 3:00 PM".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveBlockArgs {
    pub block_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    Completed,
    NoShow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkStatusArgs {
    pub appointment_id: String,
    pub status: AttendanceStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkInArgs {
    pub service: String,
    #[serde(default)]
    pub customer_phone: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub staff: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerHistoryArgs {
    /// A phone number (any format) or the start of a name.
    pub customer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerHistory {
    pub customer_id: CustomerId,
    pub name: Option<String>,
    pub phone: String,
    pub completed: usize,
    pub no_shows: usize,
    pub cancelled: usize,
    /// Upcoming open appointments, soonest first.
    pub upcoming: Vec<AppointmentSummary>,
    /// The latest past ones (at most 5), latest first.
    pub recent: Vec<AppointmentSummary>,
}

use parlo_app::services::customers::looks_like_phone;
use parlo_app::services::Found;

/// Customers a name search lists at most.
const CUSTOMER_MATCHES: usize = 6;

/// "Ana López (55 1234 5678)", as a list of matches shows a customer.
pub(crate) fn customer_label(c: &Customer) -> String {
    let phone = if c.phone.starts_with('+') {
        format::phone(&c.phone)
    } else {
        "sin teléfono".into()
    };
    format!("{} ({phone})", c.name.as_deref().unwrap_or("Sin nombre"))
}

impl Tools {
    fn schedule_item_appt(
        &self,
        ctx: &Ctx,
        a: &Appointment,
        customer: Option<String>,
    ) -> ScheduleItem {
        parlo_app::day::appointment_item(ctx.biz(), a, customer)
    }

    async fn schedule(
        &self,
        ctx: &Ctx,
        date: NaiveDate,
        only: Option<StaffId>,
    ) -> ToolResult<Schedule> {
        Ok(parlo_app::day::read(&self.store, ctx.biz(), ctx.today, date, only).await?)
    }

    /// `get_my_schedule`: the acting staff member's day.
    pub async fn get_my_schedule(
        &self,
        actor: &Actor,
        args: &ScheduleArgs,
    ) -> ToolResult<Schedule> {
        let ctx = self.staff_ctx(actor, Action::ViewOwnSchedule).await?;
        let me = ctx.me.as_ref().map(|m| m.id);
        self.schedule(&ctx, args.date.unwrap_or(ctx.today), me)
            .await
    }

    /// `get_business_schedule`: everyone's day.
    pub async fn get_business_schedule(
        &self,
        actor: &Actor,
        args: &ScheduleArgs,
    ) -> ToolResult<Schedule> {
        let ctx = self.staff_ctx(actor, Action::ViewBusinessSchedule).await?;
        self.schedule(&ctx, args.date.unwrap_or(ctx.today), None)
            .await
    }

    /// `block_time`: blocks the actor's time ([`Action::BlockOwnTime`]) or
    /// another staff member's ([`Action::BlockOthersTime`]). Refused with
    /// [`ToolError::TimeHasAppointments`] when appointments hold part of it.
    pub async fn block_time(&self, actor: &Actor, args: &BlockTimeArgs) -> ToolResult<BlockResult> {
        let ctx = self.staff_ctx(actor, Action::BlockOwnTime).await?;
        let me = ctx.me.clone().expect("staff context");
        let target = match &args.staff {
            Some(s) => ctx.resolve_staff(s)?.clone(),
            None => me.clone(),
        };
        if target.id != me.id && !allows(me.permission_level, Action::BlockOthersTime) {
            return Err(ToolError::Forbidden {
                action: Action::BlockOthersTime,
            });
        }
        let start = ctx.instant("start", &args.start)?;
        let end = ctx.instant("end", &args.end)?;
        let id = self.id_for(
            "block_time",
            &[
                &target.id.to_string(),
                &start.to_rfc3339(),
                &end.to_rfc3339(),
            ],
        );
        let block = TimeBlock {
            id,
            org_id: ctx.org.id,
            staff_id: Some(target.id),
            start,
            end,
            reason: args.reason.clone(),
            created_by: Some(me.id),
            created_at: self.now,
        };
        // Bounds and the booked-time check are the services'.
        self.services.block_time(&block).await?;
        let (ls, le) = (utc_to_local(ctx.tz, start), utc_to_local(ctx.tz, end));
        Ok(BlockResult {
            block_id: id,
            staff: target.name.clone(),
            start,
            end,
            label: format!(
                "{}, {}",
                format::date_long(ls.date(), ctx.today),
                ctx.locale().time_range(ls.time(), le.time())
            ),
        })
    }

    /// `remove_block`: removes one of the actor's blocks (or, for Admin and
    /// Owner, anyone's or a closure). Only current and future blocks.
    pub async fn remove_block(&self, actor: &Actor, args: &RemoveBlockArgs) -> ToolResult<BlockId> {
        let ctx = self.staff_ctx(actor, Action::BlockOwnTime).await?;
        let me = ctx.me.clone().expect("staff context");
        let id: BlockId = args
            .block_id
            .trim()
            .parse()
            .map_err(|_| ToolError::not_found("block"))?;
        let blocks = self
            .store
            .list_blocks(ctx.org.id, self.now, self.now + chrono::Duration::days(400))
            .await?;
        let block = blocks
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| ToolError::not_found("block"))?;
        if block.staff_id != Some(me.id) && !allows(me.permission_level, Action::BlockOthersTime) {
            return Err(ToolError::Forbidden {
                action: Action::BlockOthersTime,
            });
        }
        self.services.unblock(&block).await?;
        Ok(block.id)
    }

    /// `mark_appointment_status`: completed or no-show
    /// ([`Action::MarkAttendance`]). Marking the status it already has
    /// answers its summary (a retried turn).
    pub async fn mark_appointment_status(
        &self,
        actor: &Actor,
        args: &MarkStatusArgs,
    ) -> ToolResult<AppointmentSummary> {
        let ctx = self.staff_ctx(actor, Action::MarkAttendance).await?;
        let appt = self
            .visible_appointment(actor, &args.appointment_id)
            .await?;
        let target = match args.status {
            AttendanceStatus::Completed => AppointmentStatus::Completed,
            AttendanceStatus::NoShow => AppointmentStatus::NoShow,
        };
        if appt.status == target {
            return Ok(ctx.summary(&appt, None));
        }
        let act = self.act(actor);
        let done = match args.status {
            AttendanceStatus::Completed => self.services.complete(&act, ctx.biz(), appt.id).await?,
            AttendanceStatus::NoShow => self.services.no_show(&act, ctx.biz(), appt.id).await?,
        };
        Ok(ctx.summary(&done, None))
    }

    /// `book_walk_in`: a customer who just arrived, starting now
    /// ([`Action::CreateBooking`]). With a phone the customer is found or
    /// created; without one, a customer with a placeholder phone
    /// `walk-in:<id>` is created (idempotently per turn).
    pub async fn book_walk_in(
        &self,
        actor: &Actor,
        args: &WalkInArgs,
    ) -> ToolResult<AppointmentSummary> {
        let ctx = self.staff_ctx(actor, Action::CreateBooking).await?;
        let service = ctx.resolve_service(&args.service)?;
        let staff = match &args.staff {
            Some(s) => Some(ctx.resolve_staff(s)?.id),
            None => None,
        };
        let name = args
            .customer_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let customer = match args
            .customer_phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        {
            Some(raw) => {
                let e164 = phone::normalize(raw, phone::Region::for_timezone(&ctx.org.timezone))
                    .map_err(|e| ToolError::InvalidArgument {
                        field: "customer_phone",
                        message: e.to_string(),
                    })?;
                self.services
                    .customer_for_phone(&self.act(actor), &ctx.org, &e164, name)
                    .await?
                    .0
            }
            None => self.placeholder_customer(actor, &ctx, name).await?,
        };
        let staff_part = staff.map(|s| s.to_string()).unwrap_or_default();
        let id = self.id_for(
            "book_walk_in",
            &[
                &service.id.to_string(),
                &customer.id.to_string(),
                &staff_part,
            ],
        );
        let req = WalkInRequest {
            id,
            org_id: ctx.org.id,
            location_id: ctx.location.id,
            service_id: service.id,
            customer_id: customer.id,
            staff_pref: staff,
            spot_pref: None,
            notes: None,
            now: self.now,
        };
        match self
            .services
            .walk_in(&self.act(actor), ctx.biz(), &req)
            .await
        {
            Ok(a) => Ok(ctx.summary(&a, customer.name.clone())),
            Err(e) => Err(self
                .with_alternatives(&ctx, e, service.id, staff, self.now)
                .await),
        }
    }

    async fn placeholder_customer(
        &self,
        actor: &Actor,
        ctx: &Ctx,
        name: Option<&str>,
    ) -> ToolResult<Customer> {
        let id = self.id_for("book_walk_in", &["customer"]);
        let c = Customer {
            id,
            org_id: ctx.org.id,
            phone: format!("walk-in:{id}"),
            name: Some(name.unwrap_or("Cliente sin cita").to_string()),
            name_verified_at: None,
            email: None,
            notes: None,
            created_at: self.now,
            updated_at: self.now,
        };
        Ok(self
            .services
            .create_unreachable_customer(&self.act(actor), &ctx.org, &c)
            .await?)
    }

    /// `get_customer_history`: one customer's visits, by phone or name
    /// ([`Action::ViewBusinessSchedule`]).
    pub async fn get_customer_history(
        &self,
        actor: &Actor,
        args: &CustomerHistoryArgs,
    ) -> ToolResult<CustomerHistory> {
        let ctx = self.staff_ctx(actor, Action::ViewBusinessSchedule).await?;
        let customer = self.find_customer(&ctx, &args.customer).await?;
        let appts = self
            .store
            .customer_appointments(ctx.org.id, customer.id, None)
            .await?;
        let count = |s: AppointmentStatus| appts.iter().filter(|a| a.status == s).count();
        let upcoming = appts
            .iter()
            .filter(|a| {
                a.start >= self.now
                    && matches!(
                        a.status,
                        AppointmentStatus::Pending | AppointmentStatus::Confirmed
                    )
            })
            .map(|a| ctx.summary(a, None))
            .collect();
        let recent = appts
            .iter()
            .rev()
            .filter(|a| a.start < self.now)
            .take(5)
            .map(|a| ctx.summary(a, None))
            .collect();
        Ok(CustomerHistory {
            customer_id: customer.id,
            name: customer.name.clone(),
            phone: customer.phone.clone(),
            completed: count(AppointmentStatus::Completed),
            no_shows: count(AppointmentStatus::NoShow),
            cancelled: count(AppointmentStatus::Cancelled),
            upcoming,
            recent,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessageArgs {
    /// The customer's id, phone number (any format) or name.
    pub customer: String,
    /// What to say; the business's name is appended as the signature.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    pub customer_id: CustomerId,
    pub name: Option<String>,
    pub phone: String,
    /// The text as the customer receives it (signed).
    pub text: String,
    /// How it went out: `text`, `template` or `not_sendable`.
    pub path: String,
}

/// Longest message a staff member may relay (WhatsApp allows 4096).
const MAX_RELAYED_CHARS: usize = 1000;

impl Tools {
    /// A customer of the actor's business by id, phone or (partial) name.
    pub(crate) async fn find_customer(&self, ctx: &Ctx, query: &str) -> ToolResult<Customer> {
        match self
            .services
            .find_customers(&ctx.org, query, CUSTOMER_MATCHES)
            .await?
        {
            Found::One(c) => Ok(c),
            Found::None => Err(ToolError::not_found("customer")),
            Found::Many(found) => Err(ToolError::Ambiguous {
                what: "customer",
                options: found.iter().map(customer_label).collect(),
            }),
        }
    }

    /// `send_message_to_customer`: a message from the business to one of
    /// its customers ([`Action::MarkAttendance`]: a viewer only reads). The
    /// text is signed "- <business name>" (spec Example 6) and comes back
    /// and goes out once per turn through the services layer.
    pub async fn send_message_to_customer(
        &self,
        actor: &Actor,
        args: &SendMessageArgs,
    ) -> ToolResult<SentMessage> {
        let ctx = self.staff_ctx(actor, Action::MarkAttendance).await?;
        let body = args.message.trim();
        if body.is_empty() {
            return Err(ToolError::InvalidArgument {
                field: "message",
                message: "el mensaje está vacío".into(),
            });
        }
        if body.chars().count() > MAX_RELAYED_CHARS {
            return Err(ToolError::InvalidArgument {
                field: "message",
                message: format!("es muy largo (máximo {MAX_RELAYED_CHARS} caracteres)"),
            });
        }
        let customer = self.find_customer(&ctx, &args.customer).await?;
        if !customer.phone.starts_with('+') {
            // A walk-in registered without a phone: nowhere to send.
            return Err(ToolError::InvalidArgument {
                field: "customer",
                message: "no tiene un teléfono registrado".into(),
            });
        }
        let signature = format!("- {}", ctx.org.name);
        let text = if body.ends_with(&signature) {
            body.to_string()
        } else {
            format!("{body} {signature}")
        };
        let conversation = self
            .store
            .get_conversation(ctx.org.id, &customer.phone)
            .await?;
        let delivery = self
            .services
            .message_customer(
                &self.act(actor),
                ctx.biz(),
                &customer.phone,
                conversation.as_ref(),
                format!("{}:relay:{}", self.turn_key, customer.id),
                &text,
            )
            .await
            .map_err(|e| ToolError::Internal(e.to_string()))?;
        Ok(SentMessage {
            customer_id: customer.id,
            name: customer.name.clone(),
            phone: customer.phone.clone(),
            text,
            path: delivery.record().path.clone().unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationArgs {
    /// The customer's phone number (any format), id or name.
    pub customer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationResult {
    pub customer: String,
    pub phone: String,
    pub status: ConversationStatus,
    pub handed_off_until: Option<DateTime<Utc>>,
}

impl Tools {
    async fn customer_conversation(
        &self,
        ctx: &Ctx,
        query: &str,
    ) -> ToolResult<(Customer, Conversation)> {
        let customer = self.find_customer(ctx, query).await?;
        let conv = self
            .store
            .get_conversation(ctx.org.id, &customer.phone)
            .await?
            .filter(|c| c.kind == ConversationKind::Customer)
            .ok_or_else(|| ToolError::not_found("conversation"))?;
        Ok((customer, conv))
    }

    fn conversation_result(customer: &Customer, conv: &Conversation) -> ConversationResult {
        ConversationResult {
            customer: customer
                .name
                .clone()
                .unwrap_or_else(|| customer.phone.clone()),
            phone: customer.phone.clone(),
            status: conv.status,
            handed_off_until: conv.handed_off_until,
        }
    }

    /// `release_conversation`: a staff member is done with a handed-off
    /// customer ("ya atendí a +52…"); the assistant answers them again
    /// ([`Action::MarkAttendance`]). Releasing an active one changes nothing.
    pub async fn release_conversation(
        &self,
        actor: &Actor,
        args: &ConversationArgs,
    ) -> ToolResult<ConversationResult> {
        let ctx = self.staff_ctx(actor, Action::MarkAttendance).await?;
        let (customer, conv) = self.customer_conversation(&ctx, &args.customer).await?;
        let conv = self
            .services
            .release(&self.act(actor), conv)
            .await
            .map_err(|e| ToolError::Internal(e.to_string()))?;
        Ok(Self::conversation_result(&customer, &conv))
    }

    /// `take_over_conversation`: a staff member answers a customer
    /// personally; the assistant stays silent with them for
    /// [`HANDOFF_HOURS`] ([`Action::MarkAttendance`]).
    pub async fn take_over_conversation(
        &self,
        actor: &Actor,
        args: &ConversationArgs,
    ) -> ToolResult<ConversationResult> {
        let ctx = self.staff_ctx(actor, Action::MarkAttendance).await?;
        let (customer, conv) = self.customer_conversation(&ctx, &args.customer).await?;
        let conv = self
            .services
            .take_over(&self.act(actor), conv)
            .await
            .map_err(|e| ToolError::Internal(e.to_string()))?;
        Ok(Self::conversation_result(&customer, &conv))
    }
}

/// A future on the heap, created inside this function so that the
/// (debug-build) temporary stays out of the caller's poll frame: the
/// turn's call chain also runs the AWS SDK and is deep.
fn boxed<'a, T, F>(
    make: impl FnOnce() -> F,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>
where
    F: std::future::Future<Output = T> + Send + 'a,
{
    Box::pin(make())
}

/// A customer's appointment cancelled or moved by the business. The
/// services layer told the customer (unless a walk-in without a phone)
/// and the assigned staff member(s) other than the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessChange {
    pub previous: AppointmentSummary,
    pub appointment: AppointmentSummary,
    pub customer: Option<String>,
    /// The customer has a number to be told at.
    pub customer_told: bool,
}

impl Tools {
    /// Upcoming open appointments of the whole business from the start of
    /// today for `days` days ([`Action::ViewBusinessSchedule`]), one query:
    /// used to find "la cita de Roberto" when no day is named.
    pub async fn upcoming_appointments(
        &self,
        actor: &Actor,
        days: u64,
    ) -> ToolResult<Vec<ScheduleItem>> {
        let ctx = self.staff_ctx(actor, Action::ViewBusinessSchedule).await?;
        let (lo, _) = day_bounds_utc(ctx.tz, ctx.today);
        let (hi, _) = day_bounds_utc(ctx.tz, ctx.today + Days::new(days));
        let mut appts = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .store
                .appointments_between(ctx.org.id, lo, hi, 200, cursor.as_deref())
                .await?;
            appts.extend(page.items);
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        appts.retain(|a| {
            matches!(
                a.status,
                AppointmentStatus::Pending | AppointmentStatus::Confirmed
            )
        });
        let names = ctx
            .customer_names(&self.store, appts.iter().map(|a| a.customer_id))
            .await?;
        let mut items: Vec<ScheduleItem> = appts
            .iter()
            .map(|a| self.schedule_item_appt(&ctx, a, names.get(&a.customer_id).cloned()))
            .collect();
        items.sort_by_key(|i| (i.start, i.id));
        Ok(items)
    }

    /// The business cancels a customer's appointment (spec/001 §2.4):
    /// [`Tools::cancel_appointment`] plus the notices.
    pub async fn cancel_customer_appointment(
        &self,
        actor: &Actor,
        args: &CancelAppointmentArgs,
    ) -> ToolResult<BusinessChange> {
        let ctx = self.staff_ctx(actor, Action::CancelAppointment).await?;
        let before = self
            .visible_appointment(actor, &args.appointment_id)
            .await?;
        let after = boxed(|| self.cancel_appointment(actor, args)).await?;
        boxed(|| self.business_change(&ctx, &before, after)).await
    }

    /// The business moves a customer's appointment:
    /// [`Tools::reschedule_appointment`] (same checks, alternatives when
    /// the time is taken) plus the notices.
    pub async fn reschedule_customer_appointment(
        &self,
        actor: &Actor,
        args: &RescheduleAppointmentArgs,
    ) -> ToolResult<BusinessChange> {
        let ctx = self.staff_ctx(actor, Action::CancelAppointment).await?;
        let before = self
            .visible_appointment(actor, &args.appointment_id)
            .await?;
        let after = boxed(|| self.reschedule_appointment(actor, args)).await?;
        boxed(|| self.business_change(&ctx, &before, after)).await
    }

    async fn business_change(
        &self,
        ctx: &Ctx,
        before: &Appointment,
        after: AppointmentSummary,
    ) -> ToolResult<BusinessChange> {
        let customer = self
            .store
            .get_customer(ctx.org.id, before.customer_id)
            .await?;
        let name = customer.as_ref().and_then(|c| c.name.clone());
        Ok(BusinessChange {
            previous: ctx.summary(before, name.clone()),
            appointment: AppointmentSummary {
                customer: name.clone(),
                ..after
            },
            customer: name,
            customer_told: customer.is_some_and(|c| c.phone.starts_with('+')),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookForCustomerArgs {
    /// The customer's phone (any format), id or name. A phone nobody has
    /// yet registers a new customer (with `customer_name`).
    pub customer: String,
    /// A new customer's name.
    #[serde(default)]
    pub customer_name: Option<String>,
    pub service: String,
    /// `2030-01-08T11:00` (business wall clock) or RFC 3339 with offset.
    pub start: String,
    /// Who attends; omitted: the actor when they perform the service,
    /// else whoever is free.
    #[serde(default)]
    pub staff: Option<String>,
}

/// A booking the business made for a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBooking {
    pub appointment: AppointmentSummary,
    pub customer_id: CustomerId,
    /// Name, or the number when there is none.
    pub customer: String,
    pub phone: String,
    pub new_customer: bool,
    /// The customer was sent the confirmation (they have a number).
    pub customer_told: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindCustomersArgs {
    /// A name (or its start), a phone or an id.
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCard {
    pub customer_id: CustomerId,
    pub name: Option<String>,
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerNoteArgs {
    /// The customer's phone, id or name.
    pub customer: String,
    pub note: String,
}

fn card(c: &Customer) -> CustomerCard {
    CustomerCard {
        customer_id: c.id,
        name: c.name.clone(),
        phone: c.phone.clone(),
        notes: c.notes.clone(),
    }
}

impl Tools {
    /// `book_for_customer`: the business books a customer at a later time
    /// ([`Action::CreateBooking`]): found by phone, id or name, or created
    /// from a new phone. The customer is sent the confirmation and the
    /// assigned staff member is told (services layer). Idempotent per turn.
    pub async fn book_for_customer(
        &self,
        actor: &Actor,
        args: &BookForCustomerArgs,
    ) -> ToolResult<StaffBooking> {
        let ctx = self.staff_ctx(actor, Action::CreateBooking).await?;
        let me = ctx.me.clone().expect("staff context");
        let service = ctx.resolve_service(&args.service)?.clone();
        let staff = match args.staff.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => Some(ctx.resolve_staff(s)?.id),
            None => (me.bookable && me.service_ids.contains(&service.id)).then_some(me.id),
        };
        let start = ctx.instant("start", &args.start)?;
        let name = args
            .customer_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let query = args.customer.trim();
        let (customer, new_customer) = if looks_like_phone(query) {
            let e164 = phone::normalize(query, phone::Region::for_timezone(&ctx.org.timezone))
                .map_err(|e| ToolError::InvalidArgument {
                    field: "customer",
                    message: e.to_string(),
                })?;
            self.services
                .customer_for_phone(&self.act(actor), &ctx.org, &e164, name)
                .await?
        } else {
            (self.find_customer(&ctx, query).await?, false)
        };
        let staff_part = staff.map(|s| s.to_string()).unwrap_or_default();
        let id = self.id_for(
            "book_for_customer",
            &[
                &customer.id.to_string(),
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
            customer_id: customer.id,
            start,
            staff_pref: staff,
            spot_pref: None,
            source: AppointmentSource::Manual,
            status: AppointmentStatus::Confirmed,
            notes: None,
            now: self.now,
        };
        match self.services.book(&self.act(actor), ctx.biz(), &req).await {
            Ok(a) => Ok(StaffBooking {
                appointment: ctx.summary(&a, customer.name.clone()),
                customer_id: customer.id,
                customer: customer
                    .name
                    .clone()
                    .unwrap_or_else(|| format::phone(&customer.phone)),
                phone: customer.phone.clone(),
                new_customer,
                customer_told: customer.phone.starts_with('+'),
            }),
            Err(e) => Err(self
                .with_alternatives(&ctx, e, service.id, staff, start)
                .await),
        }
    }

    /// `find_customers`: the business's customers matching a name, phone
    /// or id (at most 6), with their notes ([`Action::ViewBusinessSchedule`]).
    pub async fn find_customers(
        &self,
        actor: &Actor,
        args: &FindCustomersArgs,
    ) -> ToolResult<Vec<CustomerCard>> {
        let ctx = self.staff_ctx(actor, Action::ViewBusinessSchedule).await?;
        Ok(
            match self
                .services
                .find_customers(&ctx.org, &args.query, CUSTOMER_MATCHES)
                .await?
            {
                Found::One(c) => vec![card(&c)],
                Found::Many(v) => v.iter().map(card).collect(),
                Found::None => Vec::new(),
            },
        )
    }

    /// `add_customer_note`: a dated note on a customer's record
    /// ([`Action::MarkAttendance`]: a viewer only reads). Added once per
    /// turn.
    pub async fn add_customer_note(
        &self,
        actor: &Actor,
        args: &CustomerNoteArgs,
    ) -> ToolResult<CustomerCard> {
        let ctx = self.staff_ctx(actor, Action::MarkAttendance).await?;
        let customer = self.find_customer(&ctx, &args.customer).await?;
        let after = self
            .services
            .add_customer_note(&self.act(actor), &ctx.org, &customer, &args.note)
            .await?;
        Ok(card(&after))
    }
}
