//! The tools the model may call: their JSON Schema definitions, which of
//! them an actor is offered, and the typed parse of a call's arguments.
//!
//! Definitions are written by hand (the argument structs live in
//! [`crate::tools`] and carry no schema derive); every definition carries
//! an `example` with all its properties, and the tests check that the
//! example deserialises into the tool's argument struct and serialises
//! back unchanged, so a renamed field cannot drift silently.

use parlo_core::permissions::{allows, Action};
use parlo_core::PermissionLevel;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::tools::*;

/// Who a tool is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Customer,
    /// Staff whose level allows the action.
    Staff(Action),
    /// Both customers and staff allowed the action.
    Both(Action),
}

/// One tool as the model sees it.
#[derive(Debug, Clone)]
pub struct ToolDef {
    pub name: &'static str,
    pub description: &'static str,
    /// JSON Schema of the arguments (an object).
    pub parameters: Value,
    /// A call with every property set (checked against the argument
    /// struct by the tests).
    pub example: Value,
    pub audience: Audience,
}

impl ToolDef {
    /// Offered to a customer (`None`) or a staff member of `level`.
    pub fn offered_to(&self, level: Option<PermissionLevel>) -> bool {
        match (self.audience, level) {
            (Audience::Customer | Audience::Both(_), None) => true,
            (Audience::Staff(a) | Audience::Both(a), Some(l)) => allows(l, a),
            _ => false,
        }
    }

    /// The OpenAI `tools` entry.
    pub fn openai_json(&self) -> Value {
        json!({
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            }
        })
    }
}

/// Arguments of a tool that takes none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoArgs {}

const DATE: &str = "YYYY-MM-DD";
const LOCAL_TIME: &str = "business local time YYYY-MM-DDTHH:MM";

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

fn string(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

/// Every tool, customer tools first.
pub fn all() -> Vec<ToolDef> {
    use Audience::*;
    vec![
        ToolDef {
            name: "check_availability",
            description: "Free start times for a service. Always call before offering times.",
            parameters: object(
                json!({
                    "service": string("service name or id"),
                    "date_from": string(DATE),
                    "date_to": string("YYYY-MM-DD, inclusive, max 14 days after date_from"),
                    "staff": string("preferred staff name"),
                    "part_of_day": {"type": "string", "enum": ["early", "morning", "afternoon", "evening"]},
                    "limit": {"type": "integer", "description": "max slots (default 8)"},
                }),
                &["service", "date_from"],
            ),
            example: json!({"service": "Corte", "date_from": "2030-01-08", "date_to": "2030-01-09",
                "staff": "Carlos", "part_of_day": "morning", "limit": 5}),
            audience: Both(Action::ViewOwnSchedule),
        },
        ToolDef {
            name: "book_appointment",
            description: "Book the customer at a free start time the customer confirmed.",
            parameters: object(
                json!({
                    "service": string("service name or id"),
                    "start": string(LOCAL_TIME),
                    "staff": string("staff name, only if the customer asked for someone"),
                }),
                &["service", "start"],
            ),
            example: json!({"service": "Corte", "start": "2030-01-08T11:00", "staff": "Carlos"}),
            audience: Customer,
        },
        ToolDef {
            name: "get_customer_appointments",
            description: "The customer's upcoming appointments.",
            parameters: object(json!({}), &[]),
            example: json!({}),
            audience: Customer,
        },
        ToolDef {
            name: "cancel_appointment",
            description: "Cancel an appointment by id.",
            parameters: object(
                json!({"appointment_id": string("id"), "reason": string("why")}),
                &["appointment_id"],
            ),
            example: json!({"appointment_id": "0190c1a2-0000-7000-8000-000000000001", "reason": "viaje"}),
            audience: Both(Action::CancelAppointment),
        },
        ToolDef {
            name: "reschedule_appointment",
            description: "Move an appointment: a new free start time, another service \
                          or another staff member, in one change (new_start is the current \
                          start to keep the time).",
            parameters: object(
                json!({
                    "appointment_id": string("id"),
                    "new_start": string(LOCAL_TIME),
                    "staff": string("other staff name; omit to keep"),
                    "service": string("other service name; omit to keep"),
                }),
                &["appointment_id", "new_start"],
            ),
            example: json!({"appointment_id": "0190c1a2-0000-7000-8000-000000000001",
                "new_start": "2030-01-09T17:00", "staff": "Pedro", "service": "Corte"}),
            audience: Both(Action::CancelAppointment),
        },
        ToolDef {
            name: "handoff_to_human",
            description:
                "Pass the conversation to the business owner (complaints, special prices, \
                          anything you cannot solve, or the customer asks for a person).",
            parameters: object(json!({"reason": string("short summary")}), &["reason"]),
            example: json!({"reason": "queja por el servicio"}),
            audience: Customer,
        },
        ToolDef {
            name: "save_my_name",
            description: "Save the name the customer just told you as theirs (they said it \
                          themselves; never a guess).",
            parameters: object(json!({"name": string("full name as they wrote it")}), &["name"]),
            example: json!({"name": "Rosa Díaz"}),
            audience: Customer,
        },
        ToolDef {
            name: "get_my_schedule",
            description: "The staff member's own appointments and blocks for a day.",
            parameters: object(json!({"date": string("YYYY-MM-DD, default today")}), &[]),
            example: json!({"date": "2030-01-08"}),
            audience: Staff(Action::ViewOwnSchedule),
        },
        ToolDef {
            name: "get_business_schedule",
            description: "Everyone's appointments and blocks for a day.",
            parameters: object(json!({"date": string("YYYY-MM-DD, default today")}), &[]),
            example: json!({"date": "2030-01-08"}),
            audience: Staff(Action::ViewBusinessSchedule),
        },
        ToolDef {
            name: "block_time",
            description: "Block time (lunch, break, personal). Refused if appointments hold it.",
            parameters: object(
                json!({
                    "start": string(LOCAL_TIME),
                    "end": string(LOCAL_TIME),
                    "reason": string("why"),
                    "staff": string("another staff member (admins); omit for oneself"),
                }),
                &["start", "end"],
            ),
            example: json!({"start": "2030-01-08T14:00", "end": "2030-01-08T15:00",
                "reason": "comida", "staff": "Pedro"}),
            audience: Staff(Action::BlockOwnTime),
        },
        ToolDef {
            name: "remove_block",
            description: "Remove a time block by id.",
            parameters: object(json!({"block_id": string("id")}), &["block_id"]),
            example: json!({"block_id": "0190c1a2-0000-7000-8000-000000000002"}),
            audience: Staff(Action::BlockOwnTime),
        },
        ToolDef {
            name: "mark_appointment_status",
            description: "Mark an appointment completed or no-show.",
            parameters: object(
                json!({
                    "appointment_id": string("id"),
                    "status": {"type": "string", "enum": ["completed", "no_show"]},
                }),
                &["appointment_id", "status"],
            ),
            example: json!({"appointment_id": "0190c1a2-0000-7000-8000-000000000001", "status": "no_show"}),
            audience: Staff(Action::MarkAttendance),
        },
        ToolDef {
            name: "book_walk_in",
            description: "Book a customer who just arrived, starting now.",
            parameters: object(
                json!({
                    "service": string("service name or id"),
                    "customer_phone": string("phone"),
                    "customer_name": string("name"),
                    "staff": string("staff name"),
                }),
                &["service"],
            ),
            example: json!({"service": "Corte", "customer_phone": "33 1234 5678",
                "customer_name": "Luis", "staff": "Pedro"}),
            audience: Staff(Action::CreateBooking),
        },
        ToolDef {
            name: "get_customer_history",
            description: "A customer's visits, by phone or name.",
            parameters: object(json!({"customer": string("phone or name")}), &["customer"]),
            example: json!({"customer": "Luis"}),
            audience: Staff(Action::ViewBusinessSchedule),
        },
        ToolDef {
            name: "view_stats",
            description: "Appointments, attendance and revenue over local dates.",
            parameters: object(
                json!({"date_from": string(DATE), "date_to": string("YYYY-MM-DD, inclusive")}),
                &["date_from"],
            ),
            example: json!({"date_from": "2030-01-01", "date_to": "2030-01-31"}),
            audience: Staff(Action::ViewStats),
        },
        ToolDef {
            name: "add_staff",
            description: "Register a new staff member.",
            parameters: object(
                json!({
                    "name": string("name"),
                    "phone": string("WhatsApp phone"),
                    "permission_level": {"type": "string", "enum": ["viewer", "staff", "admin", "owner"]},
                }),
                &["name", "phone"],
            ),
            example: json!({"name": "Ana", "phone": "+523312345678", "permission_level": "staff"}),
            audience: Staff(Action::AddStaff),
        },
        ToolDef {
            name: "remove_staff",
            description: "Deactivate a staff member.",
            parameters: object(json!({"staff": string("name or id")}), &["staff"]),
            example: json!({"staff": "Pedro"}),
            audience: Staff(Action::RemoveStaff),
        },
        ToolDef {
            name: "change_permissions",
            description: "Change a staff member's permission level.",
            parameters: object(
                json!({
                    "staff": string("name or id"),
                    "permission_level": {"type": "string", "enum": ["viewer", "staff", "admin", "owner"]},
                }),
                &["staff", "permission_level"],
            ),
            example: json!({"staff": "Pedro", "permission_level": "admin"}),
            audience: Staff(Action::ChangePermissions),
        },
        ToolDef {
            name: "change_business_hours",
            description: "Set one weekday's opening hours (empty ranges: closed).",
            parameters: object(
                json!({
                    "weekday": {"type": "string", "enum": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]},
                    "ranges": {"type": "array", "items": object(
                        json!({"start": string("HH:MM:SS"), "end": string("HH:MM:SS")}),
                        &["start", "end"],
                    )},
                }),
                &["weekday", "ranges"],
            ),
            example: json!({"weekday": "Sat", "ranges": [{"start": "10:00:00", "end": "14:00:00"}]}),
            audience: Staff(Action::ChangeBusinessHours),
        },
        ToolDef {
            name: "change_service",
            description: "Change a service's duration, price, name and/or description.",
            parameters: object(
                json!({
                    "service": string("name or id"),
                    "duration_minutes": {"type": "integer"},
                    "price_cents": {"type": "integer", "description": "price in cents: $150 is 15000"},
                    "name": string("new name"),
                    "description": string("new description; empty removes it"),
                }),
                &["service"],
            ),
            example: json!({"service": "Corte", "duration_minutes": 40, "price_cents": 16000,
                "name": "Corte clásico", "description": "Incluye lavado"}),
            audience: Staff(Action::ModifyServicesPrices),
        },
        ToolDef {
            name: "add_service",
            description: "Add a new service (every bookable staff member performs it).",
            parameters: object(
                json!({
                    "name": string("name"),
                    "duration_minutes": {"type": "integer"},
                    "price_cents": {"type": "integer", "description": "price in cents: $150 is 15000"},
                    "description": string("short description"),
                }),
                &["name", "duration_minutes", "price_cents"],
            ),
            example: json!({"name": "Barba", "duration_minutes": 30, "price_cents": 15000,
                "description": "Con toalla caliente"}),
            audience: Staff(Action::ModifyServicesPrices),
        },
        ToolDef {
            name: "retire_service",
            description: "Stop offering a service (booked appointments keep it).",
            parameters: object(json!({"service": string("name or id")}), &["service"]),
            example: json!({"service": "Tinte"}),
            audience: Staff(Action::ModifyServicesPrices),
        },
        ToolDef {
            name: "close_business",
            description: "Close the whole business for whole days (holiday). Refused with the \
                          list of appointments inside unless cancel_appointments, which cancels \
                          them and tells each customer: ask the owner first.",
            parameters: object(
                json!({
                    "date_from": string(DATE),
                    "date_to": string("YYYY-MM-DD, inclusive"),
                    "reason": string("why, e.g. Navidad"),
                    "cancel_appointments": {"type": "boolean"},
                }),
                &["date_from"],
            ),
            example: json!({"date_from": "2030-12-24", "date_to": "2030-12-25",
                "reason": "Navidad", "cancel_appointments": true}),
            audience: Staff(Action::BlockOthersTime),
        },
        ToolDef {
            name: "book_for_customer",
            description: "Book a customer (by phone, name or id; a new phone registers them) at a \
                          free start time, after the staff member confirmed. The customer is \
                          sent the confirmation.",
            parameters: object(
                json!({
                    "customer": string("customer phone, name or id"),
                    "customer_name": string("name, for a new customer"),
                    "service": string("service name or id"),
                    "start": string(LOCAL_TIME),
                    "staff": string("who attends; omit: the sender if they do it"),
                }),
                &["customer", "service", "start"],
            ),
            example: json!({"customer": "55 1234 5678", "customer_name": "Lupita",
                "service": "Corte", "start": "2030-01-10T16:00", "staff": "Pedro"}),
            audience: Staff(Action::CreateBooking),
        },
        ToolDef {
            name: "find_customers",
            description: "Look customers up by name, phone or id, with their notes.",
            parameters: object(json!({"query": string("name, phone or id")}), &["query"]),
            example: json!({"query": "Lupita"}),
            audience: Staff(Action::ViewBusinessSchedule),
        },
        ToolDef {
            name: "add_customer_note",
            description: "Add a note to a customer's record (allergies, preferences).",
            parameters: object(
                json!({"customer": string("customer phone, name or id"), "note": string("the note")}),
                &["customer", "note"],
            ),
            example: json!({"customer": "Lupita", "note": "Alérgica al tinte"}),
            audience: Staff(Action::MarkAttendance),
        },
        ToolDef {
            name: "send_message_to_customer",
            description: "Send a customer a WhatsApp message from the business (signed with its name).",
            parameters: object(
                json!({
                    "customer": string("customer phone, id or name"),
                    "message": string("the text, in Spanish"),
                }),
                &["customer", "message"],
            ),
            example: json!({"customer": "Roberto", "message": "Te esperamos mañana."}),
            audience: Staff(Action::MarkAttendance),
        },
        ToolDef {
            name: "take_over_conversation",
            description: "The staff member answers a customer personally; the assistant stays silent with them for 24 h.",
            parameters: object(json!({"customer": string("customer phone, id or name")}), &["customer"]),
            example: json!({"customer": "+525512345678"}),
            audience: Staff(Action::MarkAttendance),
        },
        ToolDef {
            name: "release_conversation",
            description: "Hand a customer's conversation back to the assistant.",
            parameters: object(json!({"customer": string("customer phone, id or name")}), &["customer"]),
            example: json!({"customer": "+525512345678"}),
            audience: Staff(Action::MarkAttendance),
        },
    ]
}

/// The tools offered to a customer (`None`) or a staff member of `level`.
pub fn offered(level: Option<PermissionLevel>) -> Vec<ToolDef> {
    all().into_iter().filter(|t| t.offered_to(level)).collect()
}

/// A tool call the model asked for, its arguments parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    CheckAvailability(CheckAvailabilityArgs),
    BookAppointment(BookAppointmentArgs),
    GetCustomerAppointments(NoArgs),
    CancelAppointment(CancelAppointmentArgs),
    RescheduleAppointment(ChangeAppointmentArgs),
    HandoffToHuman(HandoffArgs),
    SaveMyName(SaveNameArgs),
    GetMySchedule(ScheduleArgs),
    GetBusinessSchedule(ScheduleArgs),
    BlockTime(BlockTimeArgs),
    RemoveBlock(RemoveBlockArgs),
    MarkAppointmentStatus(MarkStatusArgs),
    BookWalkIn(WalkInArgs),
    GetCustomerHistory(CustomerHistoryArgs),
    ViewStats(StatsArgs),
    AddStaff(AddStaffArgs),
    RemoveStaff(RemoveStaffArgs),
    ChangePermissions(ChangePermissionsArgs),
    ChangeBusinessHours(ChangeHoursArgs),
    ChangeService(ChangeServiceArgs),
    AddService(AddServiceArgs),
    RetireService(RetireServiceArgs),
    CloseBusiness(CloseBusinessArgs),
    BookForCustomer(BookForCustomerArgs),
    FindCustomers(FindCustomersArgs),
    AddCustomerNote(CustomerNoteArgs),
    SendMessageToCustomer(SendMessageArgs),
    TakeOverConversation(ConversationArgs),
    ReleaseConversation(ConversationArgs),
}

/// Why a tool call could not be understood (a model failure).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("unknown tool {0:?}")]
    UnknownTool(String),
    #[error("bad arguments for {tool}: {message}")]
    BadArguments { tool: String, message: String },
}

impl Call {
    /// Parses `arguments` (the model's JSON text; empty means `{}`) for
    /// the tool `name`.
    pub fn parse(name: &str, arguments: &str) -> Result<Call, CallError> {
        let text = if arguments.trim().is_empty() {
            "{}"
        } else {
            arguments
        };
        fn de<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, CallError> {
            let bad = |message: String| CallError::BadArguments {
                tool: name.to_string(),
                message,
            };
            let parsed = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
            // No date argument may overflow calendar arithmetic later.
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                if let Some(field) = parlo_app::bounds::out_of_range_date(&v) {
                    return Err(bad(format!(
                        "{field}: {}",
                        parlo_app::bounds::date_message()
                    )));
                }
            }
            Ok(parsed)
        }
        Ok(match name {
            "check_availability" => Call::CheckAvailability(de(name, text)?),
            "book_appointment" => Call::BookAppointment(de(name, text)?),
            "get_customer_appointments" => Call::GetCustomerAppointments(de(name, text)?),
            "cancel_appointment" => Call::CancelAppointment(de(name, text)?),
            "reschedule_appointment" => Call::RescheduleAppointment(de(name, text)?),
            "handoff_to_human" => Call::HandoffToHuman(de(name, text)?),
            "save_my_name" => Call::SaveMyName(de(name, text)?),
            "get_my_schedule" => Call::GetMySchedule(de(name, text)?),
            "get_business_schedule" => Call::GetBusinessSchedule(de(name, text)?),
            "block_time" => Call::BlockTime(de(name, text)?),
            "remove_block" => Call::RemoveBlock(de(name, text)?),
            "mark_appointment_status" => Call::MarkAppointmentStatus(de(name, text)?),
            "book_walk_in" => Call::BookWalkIn(de(name, text)?),
            "get_customer_history" => Call::GetCustomerHistory(de(name, text)?),
            "view_stats" => Call::ViewStats(de(name, text)?),
            "add_staff" => Call::AddStaff(de(name, text)?),
            "remove_staff" => Call::RemoveStaff(de(name, text)?),
            "change_permissions" => Call::ChangePermissions(de(name, text)?),
            "change_business_hours" => Call::ChangeBusinessHours(de(name, text)?),
            "change_service" => Call::ChangeService(de(name, text)?),
            "add_service" => Call::AddService(de(name, text)?),
            "retire_service" => Call::RetireService(de(name, text)?),
            "close_business" => Call::CloseBusiness(de(name, text)?),
            "book_for_customer" => Call::BookForCustomer(de(name, text)?),
            "find_customers" => Call::FindCustomers(de(name, text)?),
            "add_customer_note" => Call::AddCustomerNote(de(name, text)?),
            "send_message_to_customer" => Call::SendMessageToCustomer(de(name, text)?),
            "take_over_conversation" => Call::TakeOverConversation(de(name, text)?),
            "release_conversation" => Call::ReleaseConversation(de(name, text)?),
            other => return Err(CallError::UnknownTool(other.to_string())),
        })
    }

    /// The arguments back as JSON (what the tests compare with examples).
    pub fn arguments_json(&self) -> Value {
        let v = match self {
            Call::CheckAvailability(a) => serde_json::to_value(a),
            Call::BookAppointment(a) => serde_json::to_value(a),
            Call::GetCustomerAppointments(a) => serde_json::to_value(a),
            Call::CancelAppointment(a) => serde_json::to_value(a),
            Call::RescheduleAppointment(a) => serde_json::to_value(a),
            Call::HandoffToHuman(a) => serde_json::to_value(a),
            Call::SaveMyName(a) => serde_json::to_value(a),
            Call::GetMySchedule(a) | Call::GetBusinessSchedule(a) => serde_json::to_value(a),
            Call::BlockTime(a) => serde_json::to_value(a),
            Call::RemoveBlock(a) => serde_json::to_value(a),
            Call::MarkAppointmentStatus(a) => serde_json::to_value(a),
            Call::BookWalkIn(a) => serde_json::to_value(a),
            Call::GetCustomerHistory(a) => serde_json::to_value(a),
            Call::ViewStats(a) => serde_json::to_value(a),
            Call::AddStaff(a) => serde_json::to_value(a),
            Call::RemoveStaff(a) => serde_json::to_value(a),
            Call::ChangePermissions(a) => serde_json::to_value(a),
            Call::ChangeBusinessHours(a) => serde_json::to_value(a),
            Call::ChangeService(a) => serde_json::to_value(a),
            Call::AddService(a) => serde_json::to_value(a),
            Call::RetireService(a) => serde_json::to_value(a),
            Call::CloseBusiness(a) => serde_json::to_value(a),
            Call::BookForCustomer(a) => serde_json::to_value(a),
            Call::FindCustomers(a) => serde_json::to_value(a),
            Call::AddCustomerNote(a) => serde_json::to_value(a),
            Call::SendMessageToCustomer(a) => serde_json::to_value(a),
            Call::TakeOverConversation(a) | Call::ReleaseConversation(a) => serde_json::to_value(a),
        };
        v.unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{"a": 1, "b": null}` → `{"a": 1}`: unset options serialise as null.
    fn without_nulls(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, without_nulls(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
            other => other,
        }
    }

    #[test]
    fn every_example_round_trips_through_its_argument_struct() {
        for def in all() {
            let text = def.example.to_string();
            let call = Call::parse(def.name, &text)
                .unwrap_or_else(|e| panic!("{}: example does not parse: {e}", def.name));
            let back = without_nulls(call.arguments_json());
            assert_eq!(
                back, def.example,
                "{}: a schema property and the argument struct disagree",
                def.name
            );
        }
    }

    #[test]
    fn schema_properties_match_the_example_and_required_arguments_suffice() {
        for def in all() {
            let props = def.parameters["properties"]
                .as_object()
                .expect("properties");
            let example = def.example.as_object().expect("example object");
            let mut p: Vec<_> = props.keys().collect();
            let mut e: Vec<_> = example.keys().collect();
            p.sort();
            e.sort();
            assert_eq!(p, e, "{}: example must set every property", def.name);
            let required: Vec<&str> = def.parameters["required"]
                .as_array()
                .expect("required")
                .iter()
                .map(|r| r.as_str().expect("name"))
                .collect();
            for r in &required {
                assert!(props.contains_key(*r), "{}: required {r} unknown", def.name);
            }
            let minimal: serde_json::Map<String, Value> = example
                .iter()
                .filter(|(k, _)| required.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Call::parse(def.name, &Value::Object(minimal).to_string()).unwrap_or_else(|e| {
                panic!(
                    "{}: only the required arguments do not parse: {e}",
                    def.name
                )
            });
        }
    }

    #[test]
    fn every_tool_method_has_exactly_one_definition() {
        let names: Vec<&str> = all().iter().map(|d| d.name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(names.len(), 29);
    }

    fn names(level: Option<PermissionLevel>) -> Vec<&'static str> {
        offered(level).iter().map(|d| d.name).collect()
    }

    #[test]
    fn actors_get_only_their_tools() {
        assert_eq!(
            names(None),
            [
                "check_availability",
                "book_appointment",
                "get_customer_appointments",
                "cancel_appointment",
                "reschedule_appointment",
                "handoff_to_human",
                "save_my_name"
            ]
        );
        let viewer = names(Some(PermissionLevel::Viewer));
        assert!(viewer.contains(&"get_business_schedule"));
        assert!(!viewer.contains(&"block_time") && !viewer.contains(&"cancel_appointment"));
        let staff = names(Some(PermissionLevel::Staff));
        assert!(staff.contains(&"book_walk_in") && staff.contains(&"block_time"));
        assert!(!staff.contains(&"book_appointment") && !staff.contains(&"handoff_to_human"));
        assert!(!staff.contains(&"view_stats") && !staff.contains(&"add_staff"));
        let admin = names(Some(PermissionLevel::Admin));
        assert!(admin.contains(&"view_stats") && admin.contains(&"add_staff"));
        assert!(
            !admin.contains(&"change_business_hours") && !admin.contains(&"change_permissions")
        );
        let owner = names(Some(PermissionLevel::Owner));
        assert!(owner.contains(&"change_business_hours") && owner.contains(&"change_service"));
        assert!(
            owner.contains(&"send_message_to_customer") && owner.contains(&"release_conversation")
        );
        assert_eq!(owner.len(), 25);
    }

    #[test]
    fn malformed_arguments_are_errors() {
        assert!(matches!(
            Call::parse("book_appointment", "{not json"),
            Err(CallError::BadArguments { .. })
        ));
        assert!(matches!(
            Call::parse("book_appointment", r#"{"service": "Corte"}"#),
            Err(CallError::BadArguments { .. })
        ));
        assert!(matches!(
            Call::parse("delete_everything", "{}"),
            Err(CallError::UnknownTool(_))
        ));
        assert_eq!(
            Call::parse("get_customer_appointments", ""),
            Ok(Call::GetCustomerAppointments(NoArgs {}))
        );
    }
}
