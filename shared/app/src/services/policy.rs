//! The message policy for what Parlo sends: a reply to someone who just
//! wrote is text; a business-initiated message is text inside the
//! recipient's 24-hour customer-service window and, outside it, only the
//! approved WhatsApp template of its kind (ContentSid + ContentVariables).
//! A kind with no template configured outside the window is not sendable:
//! it is recorded with the reason, never sent as text WhatsApp would refuse
//! (Twilio error 63016).
//!
//! The template catalogue (`shared/app/templates/whatsapp.json`) is the one
//! source of every template's name, category, language, body and
//! variables; `infra/scripts/create-templates.py` creates them at Twilio.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// WhatsApp's customer-service window.
pub const SERVICE_WINDOW: Duration = Duration::hours(24);

/// Every kind of message Parlo sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The answer to the message the person just sent (always in window).
    Reply,
    AppointmentConfirmation,
    AppointmentReminder,
    AppointmentCancelled,
    AppointmentMoved,
    ReviewRequest,
    TeamBooking,
    TeamCancellation,
    TeamMove,
    EmployeeWelcome,
    MagicLink,
    DailySummary,
    MissedCallFollowup,
    NoShowCheck,
    StaffRelay,
    HandoffNotice,
    /// A customer's request for a person that nobody took: the assistant
    /// is back.
    HandoffLapsed,
    StaffActivated,
    /// The business's own number is live (end of onboarding).
    BusinessLive,
    /// Number provisioning news for the owner (a failure, a retry).
    ProvisioningNotice,
}

impl MessageKind {
    /// Every business-initiated kind (all but [`MessageKind::Reply`]).
    pub const BUSINESS_INITIATED: [MessageKind; 19] = [
        MessageKind::AppointmentConfirmation,
        MessageKind::AppointmentReminder,
        MessageKind::AppointmentCancelled,
        MessageKind::AppointmentMoved,
        MessageKind::ReviewRequest,
        MessageKind::TeamBooking,
        MessageKind::TeamCancellation,
        MessageKind::TeamMove,
        MessageKind::EmployeeWelcome,
        MessageKind::MagicLink,
        MessageKind::DailySummary,
        MessageKind::MissedCallFollowup,
        MessageKind::NoShowCheck,
        MessageKind::StaffRelay,
        MessageKind::HandoffNotice,
        MessageKind::HandoffLapsed,
        MessageKind::StaffActivated,
        MessageKind::BusinessLive,
        MessageKind::ProvisioningNotice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Reply => "reply",
            MessageKind::AppointmentConfirmation => "appointment_confirmation",
            MessageKind::AppointmentReminder => "appointment_reminder",
            MessageKind::AppointmentCancelled => "appointment_cancelled",
            MessageKind::AppointmentMoved => "appointment_moved",
            MessageKind::ReviewRequest => "review_request",
            MessageKind::TeamBooking => "team_booking",
            MessageKind::TeamCancellation => "team_cancellation",
            MessageKind::TeamMove => "team_move",
            MessageKind::EmployeeWelcome => "employee_welcome",
            MessageKind::MagicLink => "magic_link",
            MessageKind::DailySummary => "daily_summary",
            MessageKind::MissedCallFollowup => "missed_call_followup",
            MessageKind::NoShowCheck => "no_show_check",
            MessageKind::StaffRelay => "staff_relay",
            MessageKind::HandoffNotice => "handoff_notice",
            MessageKind::HandoffLapsed => "handoff_lapsed",
            MessageKind::StaffActivated => "staff_activated",
            MessageKind::BusinessLive => "business_live",
            MessageKind::ProvisioningNotice => "provisioning_notice",
        }
    }

    /// The configuration variable holding this kind's ContentSid.
    pub fn env_var(self) -> String {
        format!("TEMPLATE_{}", self.as_str().to_ascii_uppercase())
    }
}

/// The template language of a business by its zone alone (its stored
/// locale, when set, wins: [`parlo_core::Locale::template_language`]).
pub fn language_for_timezone(tz: &str) -> &'static str {
    parlo_core::Locale::for_timezone(tz).template_language()
}

/// One template of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSpec {
    pub kind: MessageKind,
    pub name: String,
    pub category: String,
    pub language: String,
    /// What each `{{n}}` holds, in order.
    pub variables: Vec<String>,
    pub body: String,
}

#[derive(Deserialize)]
struct Catalogue {
    templates: Vec<TemplateSpec>,
}

/// The shipped catalogue (parsed once).
pub fn catalogue() -> &'static [TemplateSpec] {
    static CATALOGUE: OnceLock<Vec<TemplateSpec>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        serde_json::from_str::<Catalogue>(include_str!("../../templates/whatsapp.json"))
            .expect("templates/whatsapp.json is valid (tested)")
            .templates
    })
}

/// The catalogue's template for a kind and language (es_MX when the
/// language has none).
pub fn template(kind: MessageKind, language: &str) -> Option<&'static TemplateSpec> {
    let all = catalogue();
    all.iter()
        .find(|t| t.kind == kind && t.language == language)
        .or_else(|| all.iter().find(|t| t.kind == kind && t.language == "es_MX"))
}

/// The body with `{{n}}` replaced by `vars[n-1]`.
pub fn render(spec: &TemplateSpec, vars: &[String]) -> String {
    let mut out = spec.body.clone();
    // Highest first, so {{1}} never eats the start of {{10}}.
    for (i, v) in vars.iter().enumerate().rev() {
        out = out.replace(&format!("{{{{{}}}}}", i + 1), v);
    }
    out
}

/// Twilio's ContentVariables: `{"1": "...", "2": "..."}`.
pub fn content_variables(vars: &[String]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = vars
        .iter()
        .enumerate()
        .map(|(i, v)| ((i + 1).to_string(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The ContentSid of each approved template, from `TEMPLATE_<KIND>` (and
/// `TEMPLATE_<KIND>_ES_ES` for Spain where it differs); none where not
/// configured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    sids: HashMap<(MessageKind, &'static str), String>,
}

impl Templates {
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let mut sids = HashMap::new();
        for kind in MessageKind::BUSINESS_INITIATED {
            let base = kind.env_var();
            let get = |n: &str| {
                var(n)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            if let Some(sid) = get(&base) {
                sids.insert((kind, "es_MX"), sid.clone());
                sids.insert((kind, "es_ES"), sid);
            }
            if let Some(sid) = get(&format!("{base}_ES_ES")) {
                sids.insert((kind, "es_ES"), sid);
            }
        }
        Self { sids }
    }

    /// A placeholder ContentSid for every kind: the local stack and tests
    /// exercise the template path without Twilio (mock mode renders the
    /// catalogue body).
    pub fn local() -> Self {
        Self::from_vars(|n| Some(format!("HXlocal{}", n.trim_start_matches("TEMPLATE_"))))
    }

    /// The configured templates (`TEMPLATE_*`, read once per process); in
    /// mock mode the kinds left unconfigured get [`Templates::local`]'s
    /// placeholders, so the local stack shows what the template path sends.
    pub fn configured(mock: bool) -> Self {
        static FROM_ENV: OnceLock<Templates> = OnceLock::new();
        let mut t = FROM_ENV
            .get_or_init(|| Templates::from_vars(|n| std::env::var(n).ok()))
            .clone();
        if mock {
            for (k, v) in Templates::local().sids {
                t.sids.entry(k).or_insert(v);
            }
        }
        t
    }

    /// Sets one kind's ContentSid (both languages).
    pub fn with(mut self, kind: MessageKind, sid: &str) -> Self {
        self.sids.insert((kind, "es_MX"), sid.to_string());
        self.sids.insert((kind, "es_ES"), sid.to_string());
        self
    }

    pub fn sid(&self, kind: MessageKind, language: &str) -> Option<&str> {
        let lang = if language == "es_ES" {
            "es_ES"
        } else {
            "es_MX"
        };
        self.sids.get(&(kind, lang)).map(String::as_str)
    }
}

/// How one message goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    Text,
    Template {
        content_sid: String,
        variables: String,
        rendered: String,
    },
    NotSendable {
        reason: &'static str,
    },
}

impl Path {
    pub fn as_str(&self) -> &'static str {
        match self {
            Path::Text => "text",
            Path::Template { .. } => "template",
            Path::NotSendable { .. } => "not_sendable",
        }
    }
}

/// Whether the recipient wrote within the window (their last inbound
/// message at `last_inbound`).
pub fn window_open(last_inbound: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_inbound.is_some_and(|t| now - t < SERVICE_WINDOW)
}

/// The policy: replies and in-window messages are text; otherwise the
/// kind's template, or not sendable.
pub fn choose(
    kind: MessageKind,
    in_window: bool,
    templates: &Templates,
    language: &str,
    vars: &[String],
) -> Path {
    if kind == MessageKind::Reply || in_window {
        return Path::Text;
    }
    let Some(sid) = templates.sid(kind, language) else {
        return Path::NotSendable {
            reason: "outside_24h_window_no_template",
        };
    };
    let Some(spec) = template(kind, language) else {
        return Path::NotSendable {
            reason: "no_template_in_catalogue",
        };
    };
    Path::Template {
        content_sid: sid.to_string(),
        variables: content_variables(vars),
        rendered: render(spec, vars),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_placeholder(body: &str) -> usize {
        (1..=20)
            .filter(|n| body.contains(&format!("{{{{{n}}}}}")))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn catalogue_has_every_kind_in_both_languages_with_consistent_variables() {
        let all = catalogue();
        for kind in MessageKind::BUSINESS_INITIATED {
            for lang in ["es_MX", "es_ES"] {
                let t = all
                    .iter()
                    .find(|t| t.kind == kind && t.language == lang)
                    .unwrap_or_else(|| panic!("{kind:?} {lang} missing"));
                assert_eq!(max_placeholder(&t.body), t.variables.len(), "{}", t.name);
                assert!(["utility", "authentication", "marketing"].contains(&t.category.as_str()));
                assert!(t
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
                assert!(t.body.chars().count() <= 1024, "{}", t.name);
            }
        }
        let mut names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "template names are unique");
    }

    #[test]
    fn rendering_fills_every_variable() {
        let t = template(MessageKind::AppointmentMoved, "es_MX").unwrap();
        let vars: Vec<String> = ["Ana", "Barbería", "Corte", "viernes 15", "4:00 PM", "Pedro"]
            .map(String::from)
            .into();
        let s = render(t, &vars);
        assert!(!s.contains("{{"), "{s}");
        assert!(s.contains("Ana") && s.contains("Pedro") && s.contains("4:00 PM"));
        assert_eq!(
            content_variables(&vars[..2]),
            r#"{"1":"Ana","2":"Barbería"}"#
        );
    }

    #[test]
    fn policy_text_in_window_template_outside_not_sendable_without_one() {
        let now = Utc::now();
        let vars = vec!["Ana".to_string(); 6];
        let none = Templates::default();
        let some = Templates::default().with(MessageKind::AppointmentMoved, "HX1");
        let inside = window_open(Some(now - Duration::hours(23)), now);
        let outside = window_open(Some(now - Duration::hours(25)), now);
        assert!(inside && !outside && !window_open(None, now));
        let kind = MessageKind::AppointmentMoved;
        assert_eq!(choose(kind, true, &none, "es_MX", &vars), Path::Text);
        assert!(matches!(
            choose(kind, false, &some, "es_MX", &vars),
            Path::Template { ref content_sid, .. } if content_sid == "HX1"
        ));
        assert!(matches!(
            choose(kind, false, &none, "es_MX", &vars),
            Path::NotSendable { .. }
        ));
        assert_eq!(
            choose(MessageKind::Reply, false, &none, "es_MX", &[]),
            Path::Text
        );
    }

    #[test]
    fn spain_gets_its_own_template_language() {
        assert_eq!(language_for_timezone("Europe/Madrid"), "es_ES");
        assert_eq!(language_for_timezone("America/Tijuana"), "es_MX");
        let t = Templates::from_vars(|n| match n {
            "TEMPLATE_APPOINTMENT_REMINDER" => Some("HXmx".into()),
            "TEMPLATE_APPOINTMENT_REMINDER_ES_ES" => Some("HXes".into()),
            _ => None,
        });
        assert_eq!(
            t.sid(MessageKind::AppointmentReminder, "es_ES"),
            Some("HXes")
        );
        assert_eq!(
            t.sid(MessageKind::AppointmentReminder, "es_MX"),
            Some("HXmx")
        );
        assert_eq!(t.sid(MessageKind::ReviewRequest, "es_MX"), None);
    }
}
