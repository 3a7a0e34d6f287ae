//! The Spanish sentences a person reads when a change is refused: one
//! wording for the chat's tools and the dashboard API alike.

use parlo_core::es::format;
use parlo_core::scheduling::Unavailable;
use parlo_core::AppointmentStatus;
use parlo_store::StoreError;

pub const SLOT_TAKEN: &str = "Ese horario ya se ocupó.";
pub const TIME_HAS_APPOINTMENTS: &str =
    "Ya hay citas en ese horario; muévelas o cancélalas antes de bloquearlo.";
pub const ALREADY_EXISTS: &str = "Eso ya está registrado.";
pub const INTERNAL: &str = "Tuve un problema técnico. ¿Me lo repites en un momento?";

/// "No encontré esa cita." (with the valid names, when looked up by name).
pub fn not_found(what: &str, options: &[String]) -> String {
    let thing = match what {
        "appointment" => "esa cita",
        "service" => "ese servicio",
        "staff" => "esa persona del equipo",
        "customer" => "a ese cliente",
        "block" => "ese bloqueo",
        "conversation" => "la conversación",
        _ => "lo que buscas",
    };
    let mut s = format!("No encontré {thing}.");
    if !options.is_empty() {
        s.push_str(&format!(" Opciones: {}.", format::join_or(options)));
    }
    s
}

/// Why the scheduling engine refuses a time.
pub fn unavailable(reason: &Unavailable) -> &'static str {
    match reason {
        Unavailable::UnknownService => "Ese servicio no está disponible.",
        Unavailable::StaffCannotPerform => "Esa persona no realiza ese servicio.",
        Unavailable::TooSoon => "Ese horario es demasiado pronto para agendar.",
        Unavailable::TooFarAhead => "Todavía no abrimos la agenda para esa fecha.",
        Unavailable::Closed => "A esa hora no hay servicio.",
        Unavailable::SlotTaken => SLOT_TAKEN,
        Unavailable::RangeTooLong => "Ese rango de fechas es demasiado largo.",
    }
}

/// A refusal with the nearest free times (their labels), or the lack of
/// them.
pub fn with_alternatives(why: &str, labels: &[&str]) -> String {
    if labels.is_empty() {
        return format!("{why} No encontré otros horarios cercanos.");
    }
    format!("{why} Tengo disponible: {}.", format::join_or(labels))
}

pub fn invalid_status(status: AppointmentStatus) -> String {
    match status {
        AppointmentStatus::Cancelled => "Esa cita ya estaba cancelada.".into(),
        AppointmentStatus::Completed => "Esa cita ya se completó.".into(),
        AppointmentStatus::NoShow => "Esa cita ya quedó como no asistida.".into(),
        _ => "Esa cita no se puede cambiar ahora.".into(),
    }
}

pub fn too_many_open(max: u32) -> String {
    format!(
        "Ya tienes {max} citas agendadas, el máximo por cliente. Si quieres otra, \
         cancela o cambia alguna de ellas; escribe «mis citas» para verlas."
    )
}

/// What a person reads for a store refusal.
pub fn store_error(e: &StoreError) -> String {
    match e {
        StoreError::NotFound { what } => not_found(what, &[]),
        StoreError::InvalidStatus { status } => invalid_status(*status),
        StoreError::AlreadyExists { .. } => ALREADY_EXISTS.into(),
        StoreError::Unavailable(reason) => with_alternatives(unavailable(reason), &[]),
        StoreError::SlotTaken { .. } => with_alternatives(SLOT_TAKEN, &[]),
        StoreError::TooManyOpen { max } => too_many_open(*max),
        _ => INTERNAL.into(),
    }
}
