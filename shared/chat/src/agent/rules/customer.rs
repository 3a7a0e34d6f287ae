//! The customer side of the rule agent (spec/001 flows 3–7): booking,
//! rescheduling, cancelling, "my appointments", questions about the
//! business, ratings and the handoff to a person, in Mexican Spanish.
//!
//! Every read or change of appointments goes through [`crate::tools`] with
//! the customer as the [`Actor`], so a customer only ever sees or changes
//! their own appointments whatever they claim to be. Multi-turn flows keep
//! their state in a [`parlo_core::FlowSession`] (see [`super::flow`]); a
//! flow left silent for 30 minutes resumes where it stopped.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use parlo_core::es::format;
use parlo_core::es::fuzzy::{find_in_text, Match};
use parlo_core::es::intent::{message_words, Intent};
use parlo_core::es::read::{read_customer, Catalogue, Reading};
use parlo_core::es::when::When;
use parlo_core::time::utc_to_local;
use parlo_core::{FlowSession, FlowType, PermissionLevel, ServiceType, Staff};
use serde::Serialize;

use super::flow::{self, Loaded};
use super::RuleAgent;
use crate::agent::{Agent, AgentError, AgentReply, GreetingAgent, TurnContext};
use crate::tools::{Actor, AppointmentSummary, Ctx, HandoffArgs, ToolError, Tools};

mod booking;
mod manage;
mod rating;
mod slots;

#[cfg(test)]
pub(crate) use {booking::name_in, rating::rating_in};

/// Failed answers in a row after which the options include talking to a
/// person. A miss never hands the chat off by itself: only the customer's
/// request (or a business rule) does.
pub const MAX_MISSES: u8 = 2;

/// How every "I did not understand" reply starts (the next turn counts
/// them from the history).
pub(crate) const NOT_UNDERSTOOD: &str = "Perdón, no te entendí.";

/// What the assistant can do, as numbered options (answered by number).
const MENU: &[(&str, Intent)] = &[
    ("Agendar una cita", Intent::Book),
    ("Ver mis citas", Intent::MyAppointments),
    ("Cambiar una cita", Intent::Reschedule),
    ("Cancelar una cita", Intent::Cancel),
    ("Precios y servicios", Intent::Prices),
    ("Horario y dirección", Intent::Hours),
];
const MENU_PERSON: &str = "Hablar con una persona";

/// The line offering a person, added once the customer missed twice.
pub(crate) const OFFER_PERSON: &str =
    "Si prefieres, escribe «persona» y le paso tu mensaje a alguien del equipo.";

/// The numbered options after a miss; with `person`, talking to a person
/// too.
fn menu_text(person: bool) -> String {
    let mut lines: Vec<String> = MENU
        .iter()
        .enumerate()
        .map(|(i, (label, _))| format!("{}. {label}", i + 1))
        .collect();
    if person {
        lines.push(format!("{}. {MENU_PERSON}", MENU.len() + 1));
    }
    format!(
        "{NOT_UNDERSTOOD} Esto es lo que puedo hacer por ti:\n{}\nRespóndeme con el número o escríbelo con tus palabras.",
        lines.join("\n")
    )
}

/// Whether this customer message needs the recent messages: a bare number
/// or «persona» (an answer to the menu), or a message the classifier does
/// not place (its answer counts the misses before it).
pub(crate) fn looks_back(turn: &TurnContext) -> bool {
    let words = message_words(&turn.text);
    let menu_like = words.len() <= 2
        && words
            .iter()
            .any(|w| w.chars().all(|c| c.is_ascii_digit()) || w == "persona" || w == "humano");
    if menu_like {
        return true;
    }
    // Read as the turn will (the catalogue names services and staff):
    // «corte mañana a la 1, soy Rosa» is a booking, not a miss.
    let Some(cat) = &turn.catalogue else {
        return true;
    };
    let Some(tz) = turn
        .business
        .as_ref()
        .map(parlo_app::schedules::business_zone)
    else {
        return true;
    };
    let reading = read(
        &turn.text,
        utc_to_local(tz, turn.now),
        &cat.services,
        &cat.staff,
    );
    reading.intent == Intent::Unknown && !reading.complaint
}

/// A customer's message read against the business's active services and
/// bookable staff.
fn read(
    text: &str,
    local_now: chrono::NaiveDateTime,
    services: &[parlo_core::ServiceType],
    staff: &[parlo_core::Staff],
) -> Reading {
    let services: Vec<String> = services
        .iter()
        .filter(|s| s.is_active)
        .map(|s| s.name.clone())
        .collect();
    let team: Vec<String> = staff
        .iter()
        .filter(|s| s.is_active && s.bookable)
        .map(|s| s.name.clone())
        .collect();
    read_customer(
        text,
        local_now,
        Catalogue {
            services: &services,
            staff: &team,
        },
    )
}

/// Misses in a row just before this message: the assistant's last replies
/// that were "I did not understand".
fn misses_before(turn: &TurnContext) -> usize {
    turn.history
        .iter()
        .rev()
        .filter(|m| m.direction == parlo_core::Direction::Outbound)
        .take_while(|m| m.content.starts_with(NOT_UNDERSTOOD))
        .count()
}

/// A bare number answering the options just listed, or «persona».
fn menu_choice(turn: &TurnContext, words: &[String]) -> Option<Intent> {
    if words.len() == 1 && (words[0] == "persona" || words[0] == "humano") {
        return Some(Intent::TalkToHuman);
    }
    let last = turn
        .history
        .iter()
        .rev()
        .find(|m| m.direction == parlo_core::Direction::Outbound)?;
    if !last
        .content
        .contains("Respóndeme con el número o escríbelo")
    {
        return None;
    }
    let n: usize = match words {
        [w] => w.parse().ok()?,
        [a, w] if a == "el" || a == "la" || a == "opcion" => w.parse().ok()?,
        _ => return None,
    };
    match n {
        0 => None,
        n if n <= MENU.len() => Some(MENU[n - 1].1),
        n if n == MENU.len() + 1 && last.content.contains(MENU_PERSON) => Some(Intent::TalkToHuman),
        _ => None,
    }
}

/// Everything one customer turn works with.
pub(crate) struct Cx<'a> {
    pub agent: &'a RuleAgent,
    pub turn: &'a TurnContext,
    pub tools: Tools,
    pub actor: Actor,
    pub biz: Ctx,
    pub intent: Intent,
    pub words: Vec<String>,
    /// Everything the message carries (service, when, staff, name…).
    pub reading: Reading,
    /// The flow was abandoned (silent > 30 min) and is being resumed.
    pub resuming: bool,
}

pub(crate) fn err(e: impl std::fmt::Display) -> AgentError {
    AgentError(e.to_string())
}

impl Cx<'_> {
    pub fn text(&self) -> &str {
        &self.turn.text
    }

    pub fn when(&self) -> When {
        self.reading.when.clone()
    }

    pub fn local_now(&self) -> NaiveDateTime {
        utc_to_local(self.biz.tz, self.turn.now)
    }

    pub fn today(&self) -> NaiveDate {
        self.biz.today
    }

    pub fn has_word(&self, w: &str) -> bool {
        self.words.iter().any(|x| x == w)
    }

    pub fn has_any(&self, ws: &[&str]) -> bool {
        ws.iter().any(|w| self.has_word(w))
    }

    pub fn customer_name(&self) -> Option<String> {
        self.turn
            .customer
            .as_ref()
            .and_then(|c| c.name.clone())
            .filter(|n| !n.trim().is_empty())
    }

    pub fn first_name(&self) -> Option<String> {
        self.customer_name()
            .and_then(|n| n.split_whitespace().next().map(str::to_string))
    }

    pub fn active_services(&self) -> Vec<ServiceType> {
        self.biz
            .services
            .iter()
            .filter(|s| s.is_active)
            .cloned()
            .collect()
    }

    pub fn bookable_staff(&self) -> Vec<Staff> {
        self.biz
            .staff
            .iter()
            .filter(|s| s.is_active && s.bookable)
            .cloned()
            .collect()
    }

    pub fn owners(&self) -> Vec<&Staff> {
        self.biz
            .staff
            .iter()
            .filter(|s| s.is_active && s.permission_level == PermissionLevel::Owner)
            .collect()
    }

    /// The service named in this message, if exactly one.
    pub fn service_in_text(&self) -> Option<Result<ServiceType, Vec<String>>> {
        let services = self.active_services();
        if let Some(name) = &self.reading.service {
            return services.iter().find(|s| &s.name == name).cloned().map(Ok);
        }
        if !self.reading.service_options.is_empty() {
            return Some(Err(self.reading.service_options.clone()));
        }
        // A word only the fuzzy matcher knows ("tintes para hombre").
        match find_in_text(self.text(), &services, |s| s.name.as_str())? {
            Match::Found(s) => Some(Ok(s.item.clone())),
            Match::Ambiguous(v) => Some(Err(v.iter().map(|s| s.item.name.clone()).collect())),
        }
    }

    /// The bookable staff member named in this message, if exactly one.
    pub fn staff_in_text(&self) -> Option<Staff> {
        let name = self.reading.staff.as_ref()?;
        self.bookable_staff().into_iter().find(|s| &s.name == name)
    }

    pub async fn save<T: Serialize>(
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

    pub async fn clear(&self) -> Result<(), AgentError> {
        flow::clear(&self.agent.store, self.turn).await
    }

    /// "corte de cabello el viernes 15 de enero a las 4:00 PM".
    pub fn appointment_line(&self, a: &AppointmentSummary) -> String {
        format!(
            "{} {} a las {}",
            a.service.to_lowercase(),
            format::day_label_with_weekday(a.local_start.date(), self.today()),
            a.time
        )
    }

    /// A closing that fits the hour: "buen día", "buena tarde", "buena noche".
    pub fn good_time_of_day(&self) -> &'static str {
        match self.local_now().hour() {
            5..=11 => "buen día",
            12..=18 => "buena tarde",
            _ => "buena noche",
        }
    }
}

/// A Spanish sentence for a tool failure; internal failures abort the turn
/// (the queue retries it).
pub(crate) fn tool_text(e: &ToolError) -> Result<String, AgentError> {
    match e {
        ToolError::Internal(m) => Err(AgentError(m.clone())),
        other => Ok(other.user_message()),
    }
}

pub async fn respond(agent: &RuleAgent, turn: &TurnContext) -> Result<AgentReply, AgentError> {
    let Some(actor) = Actor::from_turn(turn) else {
        return GreetingAgent.respond(turn).await;
    };
    let tools = agent.tools(turn);
    let biz = match tools.ctx(&actor).await {
        Ok(biz) => biz,
        Err(e) => return Err(err(e)),
    };
    let loaded = flow::load(&agent.store, turn).await?;
    let words = message_words(&turn.text);
    let reading = read(
        &turn.text,
        utc_to_local(biz.tz, turn.now),
        &biz.services,
        &biz.staff,
    );
    let intent = menu_choice(turn, &words).unwrap_or(reading.intent);
    let mut cx = Cx {
        agent,
        turn,
        tools,
        actor,
        biz,
        intent,
        words,
        reading,
        resuming: false,
    };

    // Waiting for a person nobody took yet: what the assistant can safely
    // do alone (cancel, "my appointments") is still answered; the rest
    // waits for the person.
    if turn.awaiting_person() {
        let in_cancel = matches!(&loaded, Loaded::Active(f) if f.flow_type == FlowType::Cancel);
        if !(in_cancel || matches!(cx.intent, Intent::Cancel | Intent::MyAppointments)) {
            return Ok(AgentReply::silent());
        }
    }
    let mut reply = Box::pin(dispatch(&mut cx, loaded)).await?;
    if turn.handoff_lapsed() {
        let notice = format!(
            "Perdón, nadie del equipo de {} pudo contestarte todavía. Mientras tanto sigo yo por aquí.",
            cx.biz.org.name
        );
        reply.replies.insert(0, notice);
    }
    Ok(reply)
}

async fn dispatch(cx: &mut Cx<'_>, loaded: Loaded) -> Result<AgentReply, AgentError> {
    let turn = cx.turn;

    // A complaint about a visit is for a person too, not for «no te
    // entendí». (One hand-off call: each await deepens the turn's future.)
    let complaint = cx.intent == Intent::Unknown && cx.reading.complaint;
    if cx.intent == Intent::TalkToHuman || complaint {
        let (reason, prefix) = if complaint {
            (
                format!("Queja: «{}»", turn.text.trim()),
                Some("Lamento mucho lo que pasó. 🙏".to_string()),
            )
        } else {
            (
                format!("Pide hablar con una persona: «{}»", turn.text.trim()),
                None,
            )
        };
        return handoff(cx, &reason, prefix).await;
    }

    let flow = match loaded {
        Loaded::None => None,
        Loaded::Active(f) => Some(f),
        // A review request waits for days, not minutes.
        Loaded::Abandoned(f) if f.flow_type == FlowType::Rating => Some(f),
        Loaded::Abandoned(f) => {
            if switches_topic(cx, f.flow_type) {
                cx.clear().await?;
                None
            } else {
                cx.resuming = true;
                Some(f)
            }
        }
    };

    if let Some(f) = flow {
        if let Some(reply) = Box::pin(in_flow(cx, f)).await? {
            return Ok(reply);
        }
    }
    Box::pin(idle(cx)).await
}

/// Does this message clearly ask for something other than the flow in
/// progress?
fn switches_topic(cx: &Cx<'_>, current: FlowType) -> bool {
    match cx.intent {
        Intent::Book => current != FlowType::Booking,
        Intent::Reschedule => current != FlowType::Modify,
        Intent::Cancel => current == FlowType::Modify,
        Intent::MyAppointments
        | Intent::Prices
        | Intent::Services
        | Intent::Hours
        | Intent::Location
        | Intent::TalkToHuman => true,
        i => i.is_staff_command(),
    }
}

/// Runs the flow in progress; `None` when the message left it (the flow is
/// cleared) and should be answered as a fresh request.
async fn in_flow(cx: &Cx<'_>, f: FlowSession) -> Result<Option<AgentReply>, AgentError> {
    let inquiry = matches!(
        cx.intent,
        Intent::Prices | Intent::Services | Intent::Hours | Intent::Location
    );
    match f.flow_type {
        FlowType::Rating => Box::pin(rating::handle(cx, f)).await,
        FlowType::Booking => {
            if cx.intent == Intent::MyAppointments {
                // Answered, and the booking waits.
                return Ok(Some(
                    interruption(cx, &f, my_appointments(cx).await?).await?,
                ));
            }
            let leave = match cx.intent {
                Intent::Reschedule => true,
                // "Cancela mi cita" is about an appointment; a bare
                // "cancela" drops the booking in progress.
                Intent::Cancel => cx.has_any(&["mi", "mis"]),
                i => i.is_staff_command(),
            };
            if leave {
                cx.clear().await?;
                return Ok(None);
            }
            if inquiry && f.state != booking::COLLECTING_SERVICE {
                return Ok(Some(inquiry_in_flow(cx, &f).await?));
            }
            Box::pin(booking::handle(cx, Some(f))).await.map(Some)
        }
        FlowType::Modify | FlowType::Cancel => {
            let leave = match cx.intent {
                Intent::MyAppointments => true,
                // "Para el sábado si hay espacio" answers the new time.
                Intent::Book => f.flow_type == FlowType::Cancel || f.state == manage::CONFIRMED,
                Intent::Reschedule => f.flow_type == FlowType::Cancel,
                Intent::Cancel => f.flow_type == FlowType::Modify && f.state != manage::CONFIRMED,
                i => i.is_staff_command(),
            };
            if leave {
                cx.clear().await?;
                return Ok(None);
            }
            if inquiry {
                return Ok(Some(inquiry_in_flow(cx, &f).await?));
            }
            Box::pin(manage::handle(cx, f)).await
        }
        // Flows of other kinds (staff ones) never belong to a customer
        // conversation: drop them.
        _ => {
            cx.clear().await?;
            Ok(None)
        }
    }
}

/// A question about the business in the middle of a flow: answered, and
/// the flow kept (touched, so it does not count as abandoned).
async fn inquiry_in_flow(cx: &Cx<'_>, f: &FlowSession) -> Result<AgentReply, AgentError> {
    let reply = Box::pin(inquiry(cx)).await?;
    interruption(cx, f, reply).await
}

/// Another request answered in the middle of a flow: the flow is kept
/// and resumed with one line that says what it was about.
async fn interruption(
    cx: &Cx<'_>,
    f: &FlowSession,
    mut reply: AgentReply,
) -> Result<AgentReply, AgentError> {
    // A handoff (a question for the owner) ended the flow: nothing to resume.
    if flow::load_fresh(&cx.agent.store, cx.turn).await? == Loaded::None {
        return Ok(reply);
    }
    cx.save(Some(f), f.flow_type, &f.state, &f.collected_data)
        .await?;
    let line = resume_line(cx, f);
    if let Some(last) = reply.replies.last_mut() {
        // The answer's own closing question gives way to the resume line.
        for q in [
            "¿Te gustaría agendar una cita?",
            "¿Te gustaría agendar alguno?",
            "¿Te gustaría agendar?",
            "¿Quieres cambiar o cancelar alguna?",
        ] {
            if let Some(cut) = last.strip_suffix(q) {
                *last = cut.trim_end().to_string();
            }
        }
        last.push_str(&format!("\n\n{line}"));
    }
    Ok(reply)
}

/// "¿Seguimos con tu cita de corte de cabello del viernes?"
fn resume_line(cx: &Cx<'_>, f: &FlowSession) -> String {
    if f.flow_type != FlowType::Booking {
        return "¿Seguimos con tu cita?".to_string();
    }
    let d: booking::BookingData = flow::data(f);
    let what = d
        .service
        .as_ref()
        .map(|s| format!(" de {}", s.to_lowercase()))
        .unwrap_or_default();
    let day = d
        .start
        .as_ref()
        .map(|o| o.local.date())
        .or(d
            .date_from
            .filter(|from| Some(*from) == d.date_to.or(Some(*from))))
        .map(|day| format!(" {}", manage::on_day(day, cx.today())))
        .unwrap_or_default();
    format!("¿Seguimos con tu cita{what}{day}?")
}

/// A message with no flow in progress.
async fn idle(cx: &Cx<'_>) -> Result<AgentReply, AgentError> {
    let biz_name = cx.biz.org.name.clone();
    match cx.intent {
        Intent::Book => Box::pin(booking::handle(cx, None)).await,
        Intent::Reschedule => Box::pin(manage::start_modify(cx)).await,
        Intent::Cancel => Box::pin(manage::start_cancel(cx)).await,
        Intent::MyAppointments => Box::pin(my_appointments(cx)).await,
        Intent::Prices | Intent::Services | Intent::Hours | Intent::Location => {
            Box::pin(inquiry(cx)).await
        }
        Intent::TalkToHuman => {
            handoff(
                cx,
                &format!("Pide hablar con una persona: «{}»", cx.text().trim()),
                None,
            )
            .await
        }
        Intent::Thanks => Ok(AgentReply::text(format!(
            "¡Con gusto! Que tengas {}. 👋",
            cx.good_time_of_day()
        ))),
        i if i.is_staff_command() => Ok(AgentReply::text(format!(
            "Eso solo lo puede hacer el equipo de {biz_name}. Yo te ayudo con tus propias citas: \
             agendar, cambiar, cancelar o consultarlas. ¿Qué necesitas?"
        ))),
        // "Un corte", "mañana a las 4": the start of a booking.
        _ if cx.service_in_text().is_some() || !cx.when().is_empty() => {
            Box::pin(booking::handle(cx, None)).await
        }
        Intent::Greeting | Intent::Yes => {
            let name = cx.first_name().map(|n| format!(" {n}")).unwrap_or_default();
            let welcome = if cx.customer_name().is_some() {
                format!("¡Hola{name}! Qué gusto saludarte de nuevo en {biz_name}.")
            } else {
                format!("¡Hola! Bienvenido a {biz_name}.")
            };
            Ok(AgentReply::text(format!(
                "{welcome} ¿En qué puedo ayudarte?"
            )))
        }
        Intent::No => Ok(AgentReply::text(
            "Va. Si necesitas algo más, aquí estoy. 👋".to_string(),
        )),
        _ => {
            // Rephrase with concrete options; from the second miss on,
            // talking to a person is one of them. Never silence.
            let person = misses_before(cx.turn) + 1 >= usize::from(MAX_MISSES);
            Ok(AgentReply::text(menu_text(person)))
        }
    }
}

/// The customer's upcoming appointments, with date, time, service and
/// price.
async fn my_appointments(cx: &Cx<'_>) -> Result<AgentReply, AgentError> {
    let list = match cx.tools.get_customer_appointments(&cx.actor).await {
        Ok(l) => l,
        Err(e) => return Ok(AgentReply::text(tool_text(&e)?)),
    };
    if list.is_empty() {
        return Ok(AgentReply::text(
            "No tienes citas próximas. ¿Te gustaría agendar una?",
        ));
    }
    let lines: Vec<String> = list
        .iter()
        .map(|a| {
            format!(
                "📅 {} a las {}\n💇 {} - {} con {}",
                format::capitalize(&format::date_long(a.local_start.date(), cx.today())),
                a.time,
                a.service,
                a.price,
                a.staff
            )
        })
        .collect();
    let head = if list.len() == 1 {
        "Tienes esta cita:".to_string()
    } else {
        format!("Tienes {} citas:", list.len())
    };
    Ok(AgentReply::text(format!(
        "{head}\n\n{}\n\n¿Quieres cambiar o cancelar alguna?",
        lines.join("\n\n")
    )))
}

/// Words that carry no subject in a question about services ("¿qué
/// servicios tienen?", "¿cuánto cuesta?").
const INQUIRY_FILLER: &[&str] = &[
    "que",
    "quiero",
    "quisiera",
    "saber",
    "si",
    "hacen",
    "tienen",
    "tiene",
    "hay",
    "ofrecen",
    "dan",
    "manejan",
    "cuanto",
    "cuesta",
    "cuestan",
    "sale",
    "salen",
    "cobran",
    "precio",
    "precios",
    "costo",
    "costos",
    "servicio",
    "servicios",
    "el",
    "la",
    "los",
    "las",
    "un",
    "una",
    "unos",
    "unas",
    "de",
    "del",
    "para",
    "por",
    "y",
    "o",
    "me",
    "te",
    "le",
    "les",
    "oye",
    "hola",
    "buenas",
    "buenos",
    "dias",
    "tardes",
    "noches",
    "porfavor",
    "favor",
    "info",
    "informacion",
    "lista",
    "cuales",
    "son",
    "sus",
    "tus",
    "es",
    "a",
    "en",
    "con",
    "usted",
    "ustedes",
    "ahi",
    "aqui",
    "tambien",
    "cual",
    "como",
    "cuanto",
    "tiempo",
    "dura",
    "duran",
    "todo",
    "todos",
    "mas",
    "puedo",
    "pueden",
    "podrian",
    "disculpa",
    "gracias",
    "mi",
    "hombre",
    "mujer",
    "dama",
    "caballero",
    "ninos",
    "nino",
    "barberia",
    "salon",
    "estetica",
    "negocio",
    "lugar",
    "ahorita",
    "hoy",
    "manana",
];

/// Answers a question about the business from its profile. A question
/// about a service the business does not list goes to the owner
/// (spec Example 3).
async fn inquiry(cx: &Cx<'_>) -> Result<AgentReply, AgentError> {
    let services = cx.active_services();
    match cx.intent {
        Intent::Hours => return Ok(AgentReply::text(hours_text(cx))),
        Intent::Location => {
            let where_ = match &cx.biz.location.address {
                Some(a) if !a.trim().is_empty() => format!("Estamos en {a}."),
                _ => format!(
                    "Aún no tengo la dirección de {} registrada.",
                    cx.biz.org.name
                ),
            };
            return Ok(AgentReply::text(format!(
                "{where_} ¿Te gustaría agendar una cita?"
            )));
        }
        _ => {}
    }
    if let Some(found) = cx.service_in_text() {
        let list: Vec<ServiceType> = match found {
            Ok(s) => vec![s],
            Err(names) => services
                .iter()
                .filter(|s| names.contains(&s.name))
                .cloned()
                .collect(),
        };
        let lines: Vec<String> = list.iter().map(service_line).collect();
        return Ok(AgentReply::text(format!(
            "{}\n¿Te gustaría agendar?",
            lines.join("\n")
        )));
    }
    let subject: Vec<&String> = cx
        .words
        .iter()
        .filter(|w| !INQUIRY_FILLER.contains(&w.as_str()) && w.chars().count() > 2)
        .collect();
    let names: Vec<String> = services.iter().map(|s| s.name.to_lowercase()).collect();
    if !subject.is_empty() {
        let owner = owner_first_name(cx);
        let prefix = format!(
            "Actualmente los servicios que tenemos son {}. Para preguntas sobre servicios adicionales, deja que le pase tu mensaje a {owner}, el dueño.",
            format::join_and(&names)
        );
        return handoff(
            cx,
            &format!("Un cliente pregunta: «{}»", cx.text().trim()),
            Some(prefix),
        )
        .await;
    }
    if services.is_empty() {
        return Ok(AgentReply::text(format!(
            "Todavía no tengo la lista de servicios de {}. ¿Quieres que le pase tu mensaje al negocio?",
            cx.biz.org.name
        )));
    }
    let lines: Vec<String> = services.iter().map(service_line).collect();
    Ok(AgentReply::text(format!(
        "Estos son nuestros servicios:\n{}\n¿Te gustaría agendar alguno?",
        lines.join("\n")
    )))
}

/// "• Corte de cabello - $150 (45 min)".
pub(crate) fn service_line(s: &ServiceType) -> String {
    format!(
        "• {} - {} ({})",
        s.name,
        format::price(s.price_cents, &s.currency),
        format::duration(s.duration_minutes)
    )
}

fn owner_first_name(cx: &Cx<'_>) -> String {
    cx.owners()
        .first()
        .and_then(|o| o.name.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "el equipo".to_string())
}

/// The week's opening hours, consecutive equal days merged: "Lunes a
/// viernes: 10:00 AM - 8:00 PM".
fn hours_text(cx: &Cx<'_>) -> String {
    use chrono::Weekday::*;
    let days = [Mon, Tue, Wed, Thu, Fri, Sat, Sun];
    let hours = &cx.biz.location.business_hours;
    let describe = |ranges: &[parlo_core::TimeRange]| {
        if ranges.is_empty() {
            "cerrado".to_string()
        } else {
            ranges
                .iter()
                .map(|r| cx.biz.locale().time_range(r.start, r.end))
                .collect::<Vec<_>>()
                .join(" y ")
        }
    };
    let mut lines: Vec<String> = Vec::new();
    let mut i = 0;
    while i < 7 {
        let mut j = i;
        while j + 1 < 7 && hours.on(days[j + 1]) == hours.on(days[i]) {
            j += 1;
        }
        let span = if i == j {
            format::capitalize(format::weekday_name(days[i]))
        } else {
            format!(
                "{} a {}",
                format::capitalize(format::weekday_name(days[i])),
                format::weekday_name(days[j])
            )
        };
        lines.push(format!("{span}: {}", describe(hours.on(days[i]))));
        i = j + 1;
    }
    format!(
        "Nuestro horario:\n{}\n¿Te gustaría agendar una cita?",
        lines.join("\n")
    )
}

/// Hands the conversation to the owner: the conversation is marked handed
/// off for 24 hours (the tool persists it; the turn processor then stays
/// silent), the owners are notified with the customer's number and the
/// reason, and the customer is told.
pub(crate) async fn handoff(
    cx: &Cx<'_>,
    reason: &str,
    prefix: Option<String>,
) -> Result<AgentReply, AgentError> {
    let result = cx
        .tools
        .handoff_to_human(
            &cx.actor,
            &HandoffArgs {
                reason: reason.to_string(),
            },
        )
        .await;
    // The services layer tells the owners (spec Example 3's words).
    if let Err(e) = result {
        return Ok(AgentReply::text(tool_text(&e)?));
    }
    cx.clear().await?;
    let owner = owner_first_name(cx);
    let mut replies = Vec::new();
    if let Some(p) = prefix {
        replies.push(p);
    }
    replies.push(format!(
        "Ya le avisé a {owner}, te contactará pronto para darte más información. {} \
         Lo que me escribas mientras tanto también se lo paso.",
        answer_expected(cx)
    ));
    Ok(AgentReply::from(replies))
}

/// Roughly when a person will answer, from the opening hours: within the
/// handoff's wait while open, else at the next opening.
fn answer_expected(cx: &Cx<'_>) -> String {
    use chrono::{Datelike, Duration};
    let now = cx.local_now();
    let hours = &cx.biz.location.business_hours;
    let open_now = hours
        .on(now.weekday())
        .iter()
        .any(|r| r.start <= now.time() && now.time() < r.end);
    if open_now {
        let wait = cx.biz.org.settings.handoff_unanswered();
        return format!(
            "Normalmente contesta en menos de {}.",
            format::duration(wait)
        );
    }
    let next = (0..8).find_map(|offset| {
        let day = now.date() + Duration::days(offset);
        hours
            .on(day.weekday())
            .iter()
            .map(|r| day.and_time(r.start))
            .find(|start| *start > now)
    });
    match next {
        Some(at) => {
            let day = format::day_label(at.date(), cx.today());
            let day = match day.as_str() {
                "hoy" | "mañana" | "pasado mañana" => day,
                _ => format!("el {day}"),
            };
            format!(
                "Ahorita estamos cerrados; te contestará cuando abramos, {day} a las {}.",
                cx.biz.locale().time(at.time())
            )
        }
        None => "Ahorita estamos cerrados; te contestará en cuanto pueda.".to_string(),
    }
}

/// A local wall-clock argument for the tools: `2030-01-08T16:00`.
pub(crate) fn wall_clock(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlo_core::es::intent::classify;

    #[test]
    fn the_intents_the_flows_rely_on() {
        for (text, want) in [
            (
                "Hola, necesito cambiar mi cita de mañana",
                Intent::Reschedule,
            ),
            ("Quiero cancelar mi cita", Intent::Cancel),
            ("Quiero una cita para un corte", Intent::Book),
            ("¿Cuándo es mi cita?", Intent::MyAppointments),
            ("Quiero hablar con una persona", Intent::TalkToHuman),
            (
                "Oye quiero saber si hacen tintes para hombre",
                Intent::Services,
            ),
            ("Sí perfecto gracias", Intent::Yes),
        ] {
            assert_eq!(classify(text), want, "{text}");
        }
    }
}
