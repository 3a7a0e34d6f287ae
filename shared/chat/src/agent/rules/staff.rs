//! The deterministic Spanish agent for staff and owners (spec/001 "Staff
//! as WhatsApp Users", flows 8–14 and the stateless flows).
//!
//! Each message is either the next step of the conversation's flow
//! (persisted with [`super::flow`]) or a new command read with
//! [`classify`]. Everything that reads or changes data goes through
//! [`crate::tools::Tools`] with the routed [`Actor`]: the tools enforce the
//! permission matrix, so nothing a person writes ("soy el dueño…") can act
//! with more rights than routing gave them. Multi-step flows also check
//! the permission before asking their first question, so nobody answers
//! three questions to be refused at the end.

use chrono::{Duration, NaiveDate, NaiveTime, Timelike};
use chrono_tz::Tz;
use parlo_core::es::fuzzy::{find_in_text, normalize, Match};
use parlo_core::es::intent::{classify, Intent};
use parlo_core::es::read::{read_staff, Catalogue, Reading};
use parlo_core::es::when::{parse_when, DateSpec, TimeSpec};
use parlo_core::es::{format, when};
use parlo_core::permissions::{allows, Action};
use parlo_core::routing::Route;
use parlo_core::time::{local_date, utc_to_local};
use parlo_core::{FlowSession, FlowType, Location, Organization, Staff};

use super::flow::{self, Loaded};
use super::{
    staff_appointments, staff_booking, staff_business, staff_flows, staff_messages,
    staff_onboarding, RuleAgent,
};
use crate::agent::{AgentError, AgentReply, TurnContext};
use crate::tools::*;
use parlo_app::agenda::{self, Agenda, Audience};

/// Everything one staff turn needs.
pub(crate) struct StaffTurn<'a> {
    pub agent: &'a RuleAgent,
    pub turn: &'a TurnContext,
    pub tools: Tools,
    pub actor: Actor,
    pub me: Staff,
    pub org: Organization,
    pub tz: Tz,
}

impl StaffTurn<'_> {
    pub fn today(&self) -> NaiveDate {
        local_date(self.tz, self.turn.now)
    }

    pub fn local_now(&self) -> chrono::NaiveDateTime {
        utc_to_local(self.tz, self.turn.now)
    }

    /// How this business writes times and which Spanish it speaks.
    pub fn locale(&self) -> parlo_core::Locale {
        self.org.locale()
    }

    /// The business's active services, as the turn loaded them.
    pub fn active_services(&self) -> Vec<parlo_core::ServiceType> {
        self.turn
            .catalogue
            .as_ref()
            .map(|c| c.services.iter().filter(|s| s.is_active).cloned().collect())
            .unwrap_or_default()
    }

    pub fn may(&self, action: Action) -> bool {
        allows(self.me.permission_level, action)
    }

    pub async fn save<T: serde::Serialize>(
        &self,
        previous: Option<&FlowSession>,
        flow_type: FlowType,
        state: &str,
        data: &T,
    ) -> Result<(), AgentError> {
        flow::save(
            &self.agent.store,
            self.turn,
            previous,
            flow_type,
            state,
            data,
        )
        .await
    }

    /// Saves the flow at a typed step (see [`flow::save_step`]).
    pub async fn save_step<T: serde::Serialize>(
        &self,
        previous: Option<&FlowSession>,
        flow_type: FlowType,
        step: &T,
    ) -> Result<(), AgentError> {
        flow::save_step(&self.agent.store, self.turn, previous, flow_type, step).await
    }

    pub async fn clear(&self) -> Result<(), AgentError> {
        flow::clear(&self.agent.store, self.turn).await
    }

    /// The primary location (hours), read fresh.
    pub async fn location(&self) -> Result<Option<Location>, AgentError> {
        let locations = self
            .agent
            .store
            .list_locations(self.org.id)
            .await
            .map_err(|e| AgentError(e.to_string()))?;
        Ok(locations
            .iter()
            .find(|l| l.is_primary)
            .or(locations.first())
            .cloned())
    }

    /// The business's active team, read fresh.
    pub async fn team(&self) -> Result<Vec<Staff>, AgentError> {
        let mut staff = self
            .agent
            .store
            .list_staff(self.org.id)
            .await
            .map_err(|e| AgentError(e.to_string()))?;
        staff.retain(|s| s.is_active);
        Ok(staff)
    }
}

pub async fn respond(agent: &RuleAgent, turn: &TurnContext) -> Result<AgentReply, AgentError> {
    let (Some(actor), Some(me), Some(org)) = (
        Actor::from_turn(turn),
        turn.staff.clone(),
        turn.business.clone(),
    ) else {
        return Ok(AgentReply::text(
            "Eso no lo puedo hacer desde esta conversación.",
        ));
    };
    let tz: Tz = org
        .timezone
        .parse()
        .unwrap_or(chrono_tz::America::Mexico_City);
    let st = StaffTurn {
        agent,
        turn,
        tools: agent.tools(turn),
        actor,
        me,
        org,
        tz,
    };

    if let Route::StaffOnboarding { .. } = turn.route {
        return boxed(|| staff_onboarding::start(&st)).await;
    }

    // A reply to a relayed customer's message goes to that customer.
    if let Some(reply) = boxed(|| super::staff_relay::respond(&st, true)).await? {
        return Ok(reply);
    }
    let text = turn.text.trim();
    match flow::load(&agent.store, turn).await? {
        Loaded::Active(f) => {
            if is_abort(text) {
                st.clear().await?;
                return Ok(AgentReply::text("Listo, lo dejamos así. ¿Algo más?"));
            }
            if let Some(reply) = boxed(|| continue_flow(&st, &f, text)).await? {
                return Ok(reply);
            }
        }
        Loaded::Abandoned(f) if f.flow_type == FlowType::StaffOnboarding => {
            if let Some(reply) = staff_onboarding::resume(&st, &f, text).await? {
                return Ok(reply);
            }
        }
        // Back after a silence: a new command starts fresh; anything else
        // answers the question left open (spec "abandoned" pattern).
        Loaded::Abandoned(f) => {
            if is_abort(text) || command_intent(text).is_staff_command() {
                st.clear().await?;
            } else if let Some(mut reply) = boxed(|| continue_flow(&st, &f, text)).await? {
                if let Some(first) = reply.replies.first_mut() {
                    *first = format!(
                        "¡Hola de nuevo! Seguíamos con {}. {first}",
                        flow_label(f.flow_type)
                    );
                }
                return Ok(reply);
            }
        }
        Loaded::None => {}
    }
    // «Dile que sí» outside a flow answers the customer last relayed.
    if let Some(reply) = boxed(|| super::staff_relay::respond(&st, false)).await? {
        return Ok(reply);
    }
    boxed(|| command(&st, text)).await
}

/// The next step of the flow in progress; `None` when the message starts
/// something else (the flow is dropped).
async fn continue_flow(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    match f.flow_type {
        FlowType::StaffOnboarding => boxed(|| staff_onboarding::step(st, f, text))
            .await
            .map(Some),
        FlowType::BlockTime => boxed(|| staff_flows::block::step(st, f, text)).await,
        FlowType::MarkAttendance => boxed(|| staff_flows::attendance::step(st, f, text)).await,
        FlowType::WalkIn => boxed(|| staff_flows::walk_in::step(st, f, text)).await,
        FlowType::Cancel | FlowType::Modify => staff_appointments::step(st, f, text).await,
        FlowType::AddStaff => boxed(|| staff_flows::add_staff::step(st, f, text)).await,
        FlowType::StaffBooking => boxed(|| staff_booking::step(st, f, text)).await,
        FlowType::CloseBusiness => boxed(|| staff_business::close_step(st, f, text)).await,
        FlowType::EditCatalogue => boxed(|| staff_business::catalogue_step(st, f, text)).await,
        FlowType::RemoveStaff
        | FlowType::ChangePermissions
        | FlowType::ChangeHours
        | FlowType::ChangeServiceDuration => boxed(|| staff_flows::owner::step(st, f, text)).await,
        _ => {
            st.clear().await?;
            Ok(None)
        }
    }
}

/// What a flow is about, for "Seguíamos con …".
fn flow_label(flow_type: FlowType) -> &'static str {
    match flow_type {
        FlowType::BlockTime => "el bloqueo de tu horario",
        FlowType::WalkIn => "el registro de quien llegó sin cita",
        FlowType::AddStaff => "el alta de la persona nueva",
        FlowType::RemoveStaff => "la baja del equipo",
        FlowType::ChangePermissions => "el cambio de permisos",
        FlowType::ChangeHours => "el cambio de horario",
        FlowType::ChangeServiceDuration => "el cambio del servicio",
        FlowType::MarkAttendance => "la cita que estábamos marcando",
        FlowType::Cancel => "la cancelación de la cita",
        FlowType::Modify => "el cambio de la cita",
        FlowType::StaffBooking => "la cita que estábamos agendando",
        FlowType::CloseBusiness => "el cierre del negocio",
        FlowType::EditCatalogue => "el cambio de servicios",
        _ => "lo que estábamos haciendo",
    }
}

/// A step's future on the heap, created inside this function: in debug
/// builds `Box::pin(step(..))` first builds the whole future as a
/// temporary in the caller's poll frame, and the dispatch below has one
/// such temporary per command, which made its frame hundreds of KB deep
/// in a call chain that also runs the AWS SDK.
pub(crate) fn boxed<'a, T, F>(
    make: impl FnOnce() -> F,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>
where
    F: std::future::Future<Output = T> + Send + 'a,
{
    Box::pin(make())
}

/// "cancela", "olvídalo", "ya no": leave the flow in progress.
fn is_abort(text: &str) -> bool {
    let n = normalize(text);
    matches!(
        n.as_str(),
        "cancela" | "cancelar" | "olvidalo" | "ya no" | "dejalo" | "nada" | "no gracias"
    )
}

/// What a staff member's message reads as (parlo_core's reader: intent,
/// day, service…).
pub(crate) fn reading(st: &StaffTurn<'_>, text: &str) -> Reading {
    // Read against the business's services and team, as the corpus
    // measures the reader («el tinte a 500» is a price change only when
    // «tinte» is a service; «con Ana» names a teammate).
    let services: Vec<String> = st.active_services().into_iter().map(|s| s.name).collect();
    let team: Vec<String> = st
        .turn
        .catalogue
        .as_ref()
        .map(|c| {
            c.staff
                .iter()
                .filter(|s| s.is_active)
                .map(|s| s.name.clone())
                .collect()
        })
        .unwrap_or_default();
    read_staff(
        text,
        st.local_now(),
        Catalogue {
            services: &services,
            staff: &team,
        },
    )
}

/// A new command.
pub(crate) async fn command(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    let r = reading(st, text);
    let day = r.when.date.map(|d| d.first());
    match r.intent {
        // «busca a Juan» lists every Juan (below), though the reader may
        // take it for a history.
        Intent::CustomerHistory if staff_business::detect(text, st.today()).is_none() => {
            return boxed(|| customer_history(st, text, &r)).await
        }
        Intent::MessageCustomer => {
            return boxed(|| staff_messages::message_customer(st, text)).await
        }
        Intent::ReleaseHandoff if r.phone.is_some() => {
            return boxed(|| staff_messages::conversation(st, text, false)).await
        }
        Intent::TakeOver if r.phone.is_some() => {
            return boxed(|| staff_messages::conversation(st, text, true)).await
        }
        _ => {}
    }
    if let Some(c) = staff_business::detect(text, st.today()) {
        return boxed(|| staff_business::start(st, c, text)).await;
    }
    if let Some(flow_type) = appointment_change(text) {
        return staff_appointments::start(st, text, flow_type).await;
    }
    if super::staff_free::asks(text, &r) {
        return boxed(|| super::staff_free::answer(st, text, &r)).await;
    }
    if staff_booking::asks(text) {
        return boxed(|| staff_booking::start(st, text, r.name.clone())).await;
    }
    if super::dashboard_link::asks(text) {
        return boxed(|| super::dashboard_link::respond(st)).await;
    }
    match r.intent {
        Intent::MySchedule => boxed(|| schedule(st, day, Audience::Own)).await,
        Intent::BusinessSchedule => {
            // Someone who may not see everyone's agenda gets their own.
            let audience = if st.may(Action::ViewBusinessSchedule) {
                Audience::Business
            } else {
                Audience::Own
            };
            boxed(|| schedule(st, day, audience)).await
        }
        Intent::NextAppointment => boxed(|| next_appointment(st)).await,
        // «ponle al güero barba el viernes a las 5», «otro: Ramiro Luna,
        // sábado 10am, corte»: read as a booking though no booking verb
        // of the flow's own list opens it.
        Intent::Book => boxed(|| staff_booking::start(st, text, r.name.clone())).await,
        // «se cae la de las 4 con Pedro», «tumba la de las 6 de Ana»: the
        // reader's cancellations and moves the flow's own test missed.
        Intent::Cancel => staff_appointments::start(st, text, FlowType::Cancel).await,
        Intent::Reschedule => staff_appointments::start(st, text, FlowType::Modify).await,
        Intent::BlockTime => boxed(|| staff_flows::block::start(st, text)).await,
        Intent::Unblock => staff_appointments::unblock(st, text).await,
        Intent::MarkNoShow => {
            boxed(|| staff_flows::attendance::start(st, text, AttendanceStatus::NoShow)).await
        }
        Intent::MarkCompleted => {
            boxed(|| staff_flows::attendance::start(st, text, AttendanceStatus::Completed)).await
        }
        Intent::WalkIn => boxed(|| staff_flows::walk_in::start(st, text)).await,
        Intent::AddStaff => boxed(|| staff_flows::add_staff::start(st, text)).await,
        Intent::RemoveStaff => {
            boxed(|| staff_flows::owner::start(st, FlowType::RemoveStaff, text)).await
        }
        Intent::ChangePermissions => {
            boxed(|| staff_flows::owner::start(st, FlowType::ChangePermissions, text)).await
        }
        Intent::ChangeHours => {
            boxed(|| staff_flows::owner::start(st, FlowType::ChangeHours, text)).await
        }
        Intent::ChangeServiceDuration | Intent::ChangePrice => {
            boxed(|| staff_flows::owner::start(st, FlowType::ChangeServiceDuration, text)).await
        }
        Intent::AddService => {
            boxed(|| staff_business::start(st, staff_business::Command::AddService, text)).await
        }
        Intent::DeactivateService => {
            boxed(|| staff_business::start(st, staff_business::Command::RetireService, text)).await
        }
        Intent::Stats => boxed(|| stats(st, text)).await,
        Intent::TakeOver => boxed(|| staff_messages::conversation(st, text, true)).await,
        Intent::ReleaseHandoff => boxed(|| staff_messages::conversation(st, text, false)).await,
        Intent::Greeting => Ok(AgentReply::text(format!(
            "¡Hola {}! Soy el asistente de {}. ¿En qué te ayudo hoy?",
            first_name(&st.me.name),
            st.org.name
        ))),
        Intent::Thanks => Ok(AgentReply::text("¡Con gusto! 👍")),
        Intent::Yes | Intent::No => Ok(AgentReply::text("Perfecto. ¿Algo más?")),
        _ => Ok(AgentReply::text(help(st, text))),
    }
}

/// "¿Qué sigue?": the next appointment today from now on (the sender's
/// own when they attend customers, else the business's).
async fn next_appointment(st: &StaffTurn<'_>) -> Result<AgentReply, AgentError> {
    let args = ScheduleArgs {
        date: Some(st.today()),
    };
    let own = st.me.bookable || !st.may(Action::ViewBusinessSchedule);
    let result = if own {
        st.tools.get_my_schedule(&st.actor, &args).await
    } else {
        st.tools.get_business_schedule(&st.actor, &args).await
    };
    let schedule = match result {
        Ok(s) => s,
        Err(e) => return Ok(refused(&e)),
    };
    let next = schedule.items.iter().find(|i| {
        i.kind == parlo_app::day::ScheduleItemKind::Appointment
            && i.end > st.turn.now
            && !matches!(
                i.status,
                Some(parlo_core::AppointmentStatus::Completed)
                    | Some(parlo_core::AppointmentStatus::NoShow)
            )
    });
    let Some(i) = next else {
        return Ok(AgentReply::text(
            "Ya no tienes más citas hoy. 🙌 ¿Quieres ver la agenda de mañana? Escribe «¿qué hay mañana?».",
        ));
    };
    let start = utc_to_local(st.tz, i.start).time();
    let who = i.customer.clone().unwrap_or_else(|| "un cliente".into());
    let what = i
        .service
        .as_ref()
        .map(|s| format!(", {}", s.to_lowercase()))
        .unwrap_or_default();
    let with = if own || i.staff.is_empty() {
        String::new()
    } else {
        format!(" con {}", first_name(&i.staff))
    };
    let now_running = i.start <= st.turn.now;
    let lead = if now_running { "Ahora" } else { "Sigue" };
    Ok(AgentReply::text(format!(
        "{lead}: {} — {who}{what}{with}.",
        st.locale().time(start)
    )))
}

/// [`classify`], with the verb deciding when a message also names a
/// role: "soy el dueño, bloquea…" is a block and "soy administrador,
/// quiero agregar un empleado" adds staff — the role words are claims, not
/// the request (and grant nothing: the tools check the real level).
pub(crate) fn command_intent(text: &str) -> Intent {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    let any = |prefixes: &[&str]| {
        words
            .iter()
            .any(|w| prefixes.iter().any(|p| w.starts_with(p)))
    };
    if any(&["desbloq"]) || (any(&["quit", "elimin", "borr"]) && any(&["bloque"])) {
        return Intent::Unblock;
    }
    if any(&["bloque"]) {
        return Intent::BlockTime;
    }
    if any(&["agreg", "anad"]) && any(&["emplead", "estilista", "barber", "personal", "equipo"]) {
        return Intent::AddStaff;
    }
    classify(text)
}

/// A request to cancel ([`FlowType::Cancel`]) or move
/// ([`FlowType::Modify`]) a customer's appointment (the reader's
/// [`parlo_core::es::read::appointment_change`]).
pub(crate) fn appointment_change(text: &str) -> Option<FlowType> {
    match parlo_core::es::read::appointment_change(text)? {
        Intent::Cancel => Some(FlowType::Cancel),
        Intent::Reschedule => Some(FlowType::Modify),
        _ => None,
    }
}

/// Only when nothing at all was understood; the examples start from what
/// they wrote (the day or the hour they named — read from the words, as
/// the reading keeps no day for a message it could not act on).
fn help(st: &StaffTurn<'_>, text: &str) -> String {
    let when = parlo_core::es::when::parse_when_local(text, st.local_now());
    let day = when.date.map(|d| {
        let d = d.first();
        if d == st.today() {
            "hoy".to_string()
        } else if d == st.today() + Duration::days(1) {
            "mañana".to_string()
        } else {
            format!("el {}", format::weekday_name(chrono::Datelike::weekday(&d)))
        }
    });
    let hour = when.time.and_then(|t| t.exact()).map(|t| {
        let (_, h) = t.hour12();
        h.to_string()
    });
    let d = day.clone().unwrap_or_else(|| "hoy".into());
    let h = hour.unwrap_or_else(|| "3".into());
    let mut lines = vec![
        "No te entendí. Puedo ayudarte con, por ejemplo:".to_string(),
        format!("• «¿Qué hay {d}?»"),
        "• «¿Quién sigue?»".into(),
        format!(
            "• «Bloquea {d} de {h} a {}»",
            (h.parse::<u32>().unwrap_or(3) % 12) + 1
        ),
        "• «Llegó alguien para corte»".into(),
        format!("• «Agenda a Juan {d} a las {h} para corte»"),
        "• «Busca a Juan» / «Nota para Juan: prefiere tijera»".into(),
        format!("• «El de las {h} no llegó»"),
    ];
    if st.may(Action::CancelAppointment) {
        lines.push(format!(
            "• «Mueve la cita de las {h} a las {}»",
            (h.parse::<u32>().unwrap_or(3) % 12) + 2
        ));
    }
    if st.may(Action::AddStaff) {
        lines.push("• «Quiero agregar un empleado»".into());
    }
    if st.may(Action::ChangeBusinessHours) {
        lines.push("• «El sábado abrimos de 10 a 6»".into());
        lines.push("• «Cerramos el 24 y 25 de diciembre por Navidad»".into());
        lines.push("• «Agrega el servicio de barba a $150, 30 minutos»".into());
    }
    lines.join("\n")
}

pub(crate) fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or("").to_string()
}

/// A tool refusal or failure as the person reads it.
pub(crate) fn refused(e: &ToolError) -> AgentReply {
    AgentReply::text(e.user_message())
}

/// "¿Qué tengo hoy?" / "agenda de mañana": the agenda of Example 4.
async fn schedule(
    st: &StaffTurn<'_>,
    day: Option<NaiveDate>,
    audience: Audience,
) -> Result<AgentReply, AgentError> {
    let date = day.unwrap_or_else(|| st.today());
    let args = ScheduleArgs { date: Some(date) };
    let result = match audience {
        Audience::Own => st.tools.get_my_schedule(&st.actor, &args).await,
        Audience::Business => st.tools.get_business_schedule(&st.actor, &args).await,
    };
    let schedule = match result {
        Ok(s) => s,
        Err(e) => return Ok(refused(&e)),
    };
    let gaps = match audience {
        Audience::Own => {
            let windows: Vec<(NaiveTime, NaiveTime)> = st
                .location()
                .await?
                .map(|l| {
                    use chrono::Datelike;
                    l.business_hours
                        .on(date.weekday())
                        .iter()
                        .map(|r| (r.start, r.end))
                        .collect()
                })
                .unwrap_or_default();
            let not_before =
                (date == st.today()).then(|| round_up_half_hour(st.local_now().time()));
            agenda::free_gaps(
                &windows,
                &agenda::busy_intervals(&schedule, st.tz),
                not_before,
                60,
            )
        }
        Audience::Business => Vec::new(),
    };
    let reader = first_name(&st.me.name);
    Ok(AgentReply::text(agenda::render(&Agenda {
        schedule: &schedule,
        tz: st.tz,
        today: st.today(),
        reader: Some(&reader),
        audience,
        gaps: &gaps,
        locale: st.locale(),
    })))
}

fn round_up_half_hour(t: NaiveTime) -> NaiveTime {
    let minutes = t.hour() * 60 + t.minute();
    let up = minutes.div_ceil(30) * 30;
    NaiveTime::from_hms_opt((up / 60).min(23), up % 60, 0).unwrap_or(t)
}

/// "Historial de Juan Pérez", "¿quién es 55 1234 5678?".
async fn customer_history(
    st: &StaffTurn<'_>,
    text: &str,
    r: &Reading,
) -> Result<AgentReply, AgentError> {
    let query = after_keyword(
        text,
        &[
            "historial de",
            "historial del",
            "historial",
            "quien es",
            "quién es",
        ],
    )
    .filter(|q| !q.is_empty())
    // «cuándo vino Memo la última vez»: the customer the reader found.
    .or_else(|| r.phone.clone().or_else(|| r.name.clone()))
    .unwrap_or_default();
    if query.is_empty() {
        return Ok(AgentReply::text(
            "¿De qué cliente? Escríbeme su nombre o su teléfono.",
        ));
    }
    let h = match st
        .tools
        .get_customer_history(&st.actor, &CustomerHistoryArgs { customer: query })
        .await
    {
        Ok(h) => h,
        Err(e) => return Ok(refused(&e)),
    };
    let who = h.name.clone().unwrap_or_else(|| h.phone.clone());
    let mut lines = vec![format!(
        "{who} ({}): {} {} completada{}, {} sin llegar, {} cancelada{}.",
        display_phone(&h.phone),
        h.completed,
        if h.completed == 1 { "cita" } else { "citas" },
        if h.completed == 1 { "" } else { "s" },
        h.no_shows,
        h.cancelled,
        if h.cancelled == 1 { "" } else { "s" },
    )];
    if let Some(next) = h.upcoming.first() {
        lines.push(format!(
            "Próxima: {} el {} a las {} con {}.",
            next.service, next.date, next.time, next.staff
        ));
    }
    if let Some(last) = h.recent.first() {
        lines.push(format!("Última: {} el {}.", last.service, last.date));
    }
    Ok(AgentReply::text(lines.join("\n")))
}

/// "¿Cómo vamos hoy?", "estadísticas de la semana".
async fn stats(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    let n = normalize(text);
    let today = st.today();
    let (from, to, label) = if n.contains("semana") {
        let start = when::week_start(today);
        (start, start + Duration::days(6), "Esta semana".to_string())
    } else if n.contains("mes") {
        use chrono::Datelike;
        let start = today.with_day(1).unwrap_or(today);
        (start, today, "Este mes".to_string())
    } else {
        match parse_when(text, st.turn.now, st.tz).date {
            Some(DateSpec::Range { first, last }) => (
                first,
                last,
                format!(
                    "Del {} al {}",
                    format::date_long(first, today),
                    format::date_long(last, today)
                ),
            ),
            Some(DateSpec::Day(d)) => (d, d, format::capitalize(&format::day_label(d, today))),
            None => (today, today, "Hoy".to_string()),
        }
    };
    match st
        .tools
        .view_stats(
            &st.actor,
            &StatsArgs {
                date_from: from,
                date_to: Some(to),
            },
        )
        .await
    {
        Ok(s) => Ok(AgentReply::text(format!(
            "{label}: {} citas — {} completadas, {} sin llegar, {} canceladas, {} por atender. Ingresos: {}.",
            s.appointments, s.completed, s.no_shows, s.cancelled, s.upcoming, s.revenue
        ))),
        Err(e) => Ok(refused(&e)),
    }
}

/// The text after the first of `keywords` found (case- and
/// accent-insensitive), trimmed of punctuation.
pub(crate) fn after_keyword(text: &str, keywords: &[&str]) -> Option<String> {
    for k in keywords {
        // Offsets in the original text: lowercasing may change lengths.
        if let Some(at) = parlo_core::es::find_ci(text, k) {
            let rest = &text[at.end..];
            let rest = rest
                .trim()
                .trim_matches(|c: char| "?¿!¡.,:".contains(c))
                .trim();
            return Some(rest.to_string());
        }
    }
    None
}

/// "+525598765432" → "55 9876 5432" (Mexican numbers as people write
/// them); other numbers as they are.
pub(crate) fn display_phone(e164: &str) -> String {
    match e164.strip_prefix("+52") {
        Some(n) if n.len() == 10 && n.chars().all(|c| c.is_ascii_digit()) => {
            format!("{} {} {}", &n[..2], &n[2..6], &n[6..])
        }
        _ => e164.to_string(),
    }
}

/// A phone number written inside a message ("ya atendí a +52 55 1234 5678").
pub(crate) fn phone_in(text: &str) -> Option<String> {
    let mut best = String::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || (c == '+' && current.is_empty()) {
            current.push(c);
        } else if " -().".contains(c) && !current.is_empty() {
            continue;
        } else {
            if current.chars().filter(char::is_ascii_digit).count()
                > best.chars().filter(char::is_ascii_digit).count()
            {
                best = current.clone();
            }
            current.clear();
        }
    }
    if current.chars().filter(char::is_ascii_digit).count()
        > best.chars().filter(char::is_ascii_digit).count()
    {
        best = current;
    }
    (best.chars().filter(char::is_ascii_digit).count() >= 8).then_some(best)
}

/// A teammate other than the sender named in the text ("bloquea la
/// agenda de Pedro").
pub(crate) fn teammate_in<'a>(
    st: &StaffTurn<'_>,
    team: &'a [Staff],
    text: &str,
) -> Option<&'a Staff> {
    let others: Vec<&Staff> = team.iter().filter(|s| s.id != st.me.id).collect();
    match find_in_text(text, &others, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(*s.item),
        _ => None,
    }
}

/// The day and time a block or an attendance message names, read like
/// the message's intent was (`staff_when`).
pub(crate) fn time_in(
    st: &StaffTurn<'_>,
    text: &str,
    about: Intent,
) -> (Option<DateSpec>, Option<TimeSpec>) {
    let w = parlo_core::es::read::staff_when(text, st.local_now(), about);
    (w.date, w.time)
}

/// "sí", "va", "claro", "👍".
pub(crate) fn is_yes(text: &str) -> bool {
    classify(text) == Intent::Yes || normalize(text).starts_with("si ")
}

pub(crate) fn is_no(text: &str) -> bool {
    let n = normalize(text);
    classify(text) == Intent::No || n == "no" || n.starts_with("no ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_text() {
        assert_eq!(
            phone_in("ya atendí a +52 55 1234 5678").as_deref(),
            Some("+525512345678")
        );
        assert_eq!(phone_in("55 9876 5432").as_deref(), Some("5598765432"));
        assert_eq!(phone_in("el de las 3"), None);
        assert_eq!(display_phone("+525598765432"), "55 9876 5432");
    }

    #[test]
    fn appointment_changes() {
        let cases = [
            ("Cancela la cita de Juan de mañana", Some(FlowType::Cancel)),
            ("Mueve la cita de las 3 a las 5", Some(FlowType::Modify)),
            ("Pasa a Roberto al sábado a las 11", Some(FlowType::Modify)),
            (
                "Soy el dueño, mueve la cita de las 3 a las 5",
                Some(FlowType::Modify),
            ),
            ("¿Qué pasa con la agenda?", None),
            ("Cambia el horario del sábado de 10 a 6", None),
            ("cancela", None),
        ];
        for (text, expected) in cases {
            assert_eq!(appointment_change(text), expected, "{text}");
        }
    }

    #[test]
    fn keywords() {
        assert_eq!(
            after_keyword("Historial de Juan Pérez?", &["historial de"]).as_deref(),
            Some("Juan Pérez")
        );
    }
}
